"""Query understanding for an assistant: the classifier trained (or loaded) from
``assistant.yaml`` through the one understanding pipeline of :mod:`kodial.classify`.

:func:`build_classifier` trains the configured method on the intents with
:func:`kodial.classify.pipeline.fit_classifier`, the function ``kodial classify train`` calls:
probabilities and fallback thresholds calibrated on out-of-fold scores (paraphrase groups kept
within a fold) and the OOD queries, so ``kodial classify eval`` measures what the assistant
does. :class:`Understanding` answers for the engine: predictions through the classifier's own
predict path (its fallback policy is the whole rule: the former extra ``near_ood`` neighbour rule
made the CLI and the service disagree and sent confident in-domain queries to fallback), the
classifier's view for a turn's route, and the ``/v1/classify`` payload (:class:`Classification`).
Classifier calls are serialised: a method's internals are not guaranteed to be safe under
concurrent calls.
"""

from __future__ import annotations

import threading
from typing import Any

from pydantic import BaseModel

from kodial.assistant.config import AssistantConfig
from kodial.assistant.route import ClassifierView, LabelScore, Thresholds
from kodial.classify.base import Classifier, Prediction
from kodial.classify.data import LabelledData, load_labelled, merge, read_ood, validate_rows
from kodial.classify.options import TrainConfig
from kodial.classify.results import FeatureWeight, Neighbor

ROUTE_RANKING = 3
"""Labels of the classifier's ranking kept in a turn's route."""


class Explanation(BaseModel):
    """Why the classifier ranked the labels as it did."""

    neighbors: list[Neighbor]
    """Nearest labelled examples; for example-based methods the first one decided."""
    features: list[FeatureWeight]
    """The features that weighed most toward the top labels."""
    details: dict[str, Any]
    """Method-specific evidence (the NLI hypotheses used, ...)."""


class Classification(BaseModel):
    """The assistant's understanding of one text (an item of ``/v1/classify``)."""

    text: str
    label: str
    """The top label, or ``fallback`` when the fallback policy fired."""
    labels: list[str]
    """Every predicted label (one for the assistant's single-label intents)."""
    fallback: bool
    fallback_reason: str | None = None
    """``low_score``, ``ambiguous`` or ``near_ood``."""
    ranking: list[LabelScore]
    """All labels, best first, with scores."""
    thresholds: Thresholds
    handler: str
    """The handler that would answer the text as a new request."""
    handler_type: str
    """Its type: ``task``, ``faq``, ``chitchat`` or ``fallback``."""
    explanation: Explanation


class Understanding:
    """The classifier as the engine uses it: its own predict path (fallback included), one call
    at a time."""

    def __init__(self, classifier: Classifier):
        self.classifier = classifier
        self._lock = threading.Lock()

    @property
    def thresholds(self) -> Thresholds:
        policy = self.classifier.fallback
        return Thresholds(min_score=policy.min_score, min_margin=policy.min_margin)

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Predictions with the classifier's fallback policy applied (``kodial classify
        predict`` gives the same for the same saved model)."""
        with self._lock:
            return self.classifier.predict(texts)

    def best_of(self, text: str, labels: list[str]) -> str:
        """The label among ``labels`` that the classifier scores highest for ``text``."""
        with self._lock:
            scores = self.classifier.predict_scores([text], labels=labels)[0]
        return max(zip(labels, scores, strict=True), key=lambda pair: pair[1])[0]

    def view(self, pred: Prediction) -> ClassifierView:
        """The classifier's verdict as a turn's route shows it (the top labels)."""
        return ClassifierView(
            label=pred.label,
            fallback=pred.fallback,
            fallback_reason=pred.fallback_reason,
            ranking=[
                LabelScore(label=ls.label, score=round(ls.score, 4))
                for ls in pred.ranking[:ROUTE_RANKING]
            ],
            thresholds=self.thresholds,
        )

    def explain(self, text: str) -> Explanation:
        with self._lock:
            found = self.classifier.explain(text)
        return Explanation(
            neighbors=found.neighbors,
            features=[
                FeatureWeight(feature=f.feature, label=f.label, weight=round(f.weight, 6))
                for f in found.features
            ],
            details=found.details,
        )


def intent_data(config: AssistantConfig) -> LabelledData:
    """The labelled intents of ``config``: its data file, inline examples and OOD queries."""
    parts: list[LabelledData] = []
    intents = config.intents
    if intents.data is not None:
        parts.append(load_labelled(intents.data, descriptions=intents.descriptions))
    if intents.examples:
        rows = [(0, text, (label,)) for label, texts in intents.examples.items() for text in texts]
        parts.append(
            validate_rows(
                rows, "assistant.yaml:intents.examples", descriptions=intents.descriptions
            )
        )
    data = merge(parts) if len(parts) > 1 else parts[0]
    if intents.ood is not None:
        data.ood = [*data.ood, *read_ood(intents.ood)]
    return data


def train_config(config: AssistantConfig) -> TrainConfig:
    """The pipeline options of ``config.classifier``: trained on every intent example
    (``dev_ratio`` 0: the out-of-fold scores calibrate), thresholds at ``target_recall`` (the
    pipeline's default when not set) unless ``min_score``/``min_margin`` fix them (a fixed
    ``min_score`` alone means no margin rule, as it always has)."""
    cc = config.classifier
    min_margin = cc.min_margin
    if min_margin is None and cc.min_score is not None:
        min_margin = 0.0
    values: dict[str, Any] = {
        "method": cc.method,
        "options": cc.options,
        "dev_ratio": 0.0,
        "folds": cc.calibration_folds,
        "noise_report": False,
        "min_score": cc.min_score,
        "min_margin": min_margin,
    }
    if cc.target_recall is not None:
        values["target_recall"] = cc.target_recall
    return TrainConfig(**values)


def build_classifier(config: AssistantConfig) -> Classifier:
    """Train the configured classifier on the intents with the understanding pipeline
    (:func:`kodial.classify.pipeline.fit_classifier`), or load ``model_dir`` as saved by
    ``kodial classify train``; explicit ``min_score``/``min_margin`` override its thresholds."""
    from kodial.classify.base import load_classifier
    from kodial.classify.pipeline import fit_classifier

    cc = config.classifier
    if cc.model_dir is None:
        return fit_classifier(intent_data(config), train_config(config)).classifier
    clf = load_classifier(cc.model_dir)
    if cc.min_score is not None:
        clf.fallback.min_score = cc.min_score
    if cc.min_margin is not None or cc.min_score is not None:
        clf.fallback.min_margin = cc.min_margin or 0.0
    return clf
