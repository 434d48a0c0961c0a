"""What a classifier answers, as typed models: the same objects go from the classifier to the CLI's
JSON lines, the assistant's route and the service's ``/v1/classify`` payload, so a field one
layer computes is a field every layer sees (nothing is rebuilt from a dict read by key).

>>> p = Prediction(text="환율", ranking=[LabelScore(label="finance", score=0.9)])
>>> p.label, p.fallback, p.labels
('finance', False, ['finance'])
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

FALLBACK = "fallback"
"""What a classifier answers when no label is confident enough."""


class Result(BaseModel):
    """Base of the result models: plain data, extra keys refused."""

    model_config = ConfigDict(extra="forbid")


class LabelScore(Result):
    label: str
    score: float


class Prediction(Result):
    """A ranked answer for one text; ``label`` is ``fallback`` when the fallback policy fired."""

    text: str
    ranking: list[LabelScore]
    """Labels, best first, with their (calibrated) scores; cut to ``top_k`` when asked."""
    fallback_reason: str | None = None
    """``low_score`` (top score under ``min_score``), ``ambiguous`` (top two closer than
    ``min_margin``), ``near_ood`` (much closer to a known out-of-domain query than to any
    training query), or None."""
    multi_label: bool = False
    chosen: list[str] = Field(default_factory=list)
    """Multi-label: every label over its own calibrated threshold (at least the top one)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fallback(self) -> bool:
        return self.fallback_reason is not None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return FALLBACK if self.fallback else self.ranking[0].label

    @computed_field  # type: ignore[prop-decorator]
    @property
    def labels(self) -> list[str]:
        """Every predicted label: ``[fallback]``, the chosen labels (multi-label) or the top."""
        if self.fallback:
            return [FALLBACK]
        if self.multi_label and self.chosen:
            return list(self.chosen)
        return [self.ranking[0].label]

    def to_dict(self) -> dict[str, Any]:
        """The JSON line ``kodial classify predict`` prints (scores rounded to 6 places)."""
        return {
            "text": self.text,
            "label": self.label,
            "labels": self.labels,
            "fallback": self.fallback,
            "fallback_reason": self.fallback_reason,
            "ranking": [{"label": ls.label, "score": round(ls.score, 6)} for ls in self.ranking],
        }


class Neighbor(Result):
    """A labelled example close to the query, with its similarity (higher is closer)."""

    text: str
    label: str
    similarity: float


class FeatureWeight(Result):
    """A feature of the query that weighed toward a label (feature value x model weight)."""

    feature: str
    label: str
    weight: float


class Explanation(Result):
    """Why a prediction came out as it did."""

    prediction: Prediction
    neighbors: list[Neighbor] = Field(default_factory=list)
    """Nearest labelled examples; for example-based methods the first one decided."""
    features: list[FeatureWeight] = Field(default_factory=list)
    """The features that weighed most toward the top labels."""
    details: dict[str, Any] = Field(default_factory=dict)
    """Method-specific evidence, e.g. the NLI hypotheses used."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "prediction": self.prediction.to_dict(),
            "neighbors": [n.model_dump() for n in self.neighbors],
            "features": [
                {"feature": f.feature, "label": f.label, "weight": round(f.weight, 6)}
                for f in self.features
            ],
            "details": self.details,
        }
