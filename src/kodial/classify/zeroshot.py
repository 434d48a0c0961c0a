"""``encoder-zeroshot``: zero-shot classification by similarity to the labels' own words.

Each label becomes a vector: its description (or name) written into a few short Korean
templates (``{label}``, ``{label}에 대한 질문``, ``{label} 관련해서 알려줘`` ..., particles after
the label chosen by its final consonant, see :func:`kodial.korean.fill_template`), encoded by a
sentence encoder and averaged. A query scores each label by cosine similarity.

**Needs**: a sentence encoder (:mod:`kodial.encoders`; default ``use-multilingual``, offline in
the ``kodial[offline-encoder]`` extra); labels at predict time (``fit`` stores labels and
descriptions, no training). Good descriptions matter more than anything else here.

**Returns**: ``softmax(cos(query, label) / temperature)`` over the candidate labels (rows sum
to 1); the training pipeline calibrates it like any method.

**Relations**: the cheapest zero-shot method: one encoder pass per query and per label (label
vectors cached), against one NLI pass per query-label pair for ``nli-zeroshot``, which it also
serves as the offline candidate narrower (``narrow_by=offline-encoder``). With examples of
every label, ``embedding`` and ``hybrid`` are far more accurate.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from kodial.classify.artefacts import model_reference
from kodial.classify.base import Classifier, MethodConfig
from kodial.classify.data import LabelledData
from kodial.classify.embedding import USE, encoder_for
from kodial.classify.results import Explanation
from kodial.errors import KodialError
from kodial.korean import fill_template

TEMPLATES = (
    "{label}",
    "{label}에 대한 질문",
    "{label} 관련해서 알려줘",
    "{label}은/는 어떻게 돼?",
)
"""Korean phrasings a label is written into before encoding (their vectors are averaged)."""


class EncoderZeroShotConfig(MethodConfig):
    model: str = USE
    """Sentence encoder: use-multilingual (offline), or a sentence-transformers hub id or local
    directory."""
    templates: list[str] = Field(default_factory=lambda: list(TEMPLATES))
    """Phrasings of a label, each with a {label} (or {}) slot; particles right after it
    (은/는, 이/가, 을/를, 와/과) follow the label's final consonant."""
    temperature: float = Field(default=0.05, gt=0)
    """Softness of the similarity-to-score mapping (smaller: sharper)."""
    batch_size: int = Field(default=64, gt=0)
    """Texts per encoder forward pass."""
    device: str = "auto"
    """auto (CUDA if available), cpu or cuda (sentence-transformers models)."""


class EncoderZeroShotClassifier(Classifier):
    """Zero-shot: cosine similarity between the query and its candidate labels' descriptions.

    See the module docstring for needs, scores and relations."""

    name: ClassVar[str] = "encoder-zeroshot"
    needs_weights: ClassVar[bool] = True
    labels_at: ClassVar[Literal["fit", "predict"]] = "predict"
    config_class: ClassVar[type[MethodConfig]] = EncoderZeroShotConfig

    def __init__(self, config: EncoderZeroShotConfig | None = None) -> None:
        super().__init__(config or EncoderZeroShotConfig())
        self.config: EncoderZeroShotConfig
        if self.config.model != USE:
            self.config.model = model_reference(self.config.model)
        self._label_vectors: dict[str, np.ndarray] = {}

    def encoder(self) -> Any:
        return encoder_for(self.config.model, self.config.device, self.config.batch_size)

    def phrasings(self, label: str) -> list[str]:
        """The label's description written into each template."""
        desc = self.descriptions.get(label, label)
        try:
            return [fill_template(t, desc) for t in self.config.templates]
        except ValueError as exc:
            raise KodialError(
                str(exc), hint="write the label slot as {label}, e.g. '{label}에 대한 질문'"
            ) from None

    def label_vectors(self, labels: Sequence[str]) -> np.ndarray:
        """(L, D) unit vector per label: the mean of its phrasings' embeddings (cached per
        description)."""
        missing = [
            lab for lab in labels if self.descriptions.get(lab, lab) not in self._label_vectors
        ]
        if missing:
            texts = [p for lab in missing for p in self.phrasings(lab)]
            vecs = self.encoder().encode(texts).reshape(len(missing), -1, self.encoder().dim)
            for lab, group in zip(missing, vecs, strict=True):
                mean = group.mean(0)
                self._label_vectors[self.descriptions.get(lab, lab)] = mean / max(
                    float(np.linalg.norm(mean)), 1e-12
                )
        return np.stack([self._label_vectors[self.descriptions.get(lab, lab)] for lab in labels])

    def similarities(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        """(N, L) cosine similarity of each text to each label."""
        return np.asarray(self.encoder().encode(list(texts)) @ self.label_vectors(labels).T)

    def fit(self, train: LabelledData) -> Self:
        """Store the labels and their descriptions (no training)."""
        self.labels = train.labels
        self.descriptions = {lab: train.description(lab) for lab in self.labels}
        self.multi_label = train.multi_label
        return self

    def raw_scores(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(labels)))
        s = self.similarities(texts, labels) / self.config.temperature
        e = np.exp(s - s.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    def explain(self, text: str, labels: Sequence[str] | None = None) -> Explanation:
        """The prediction and, per label, the phrasings used and the cosine similarity."""
        cands = self.candidate_labels(labels)
        sims = self.similarities([text], cands)[0]
        pred = self.predict([text], cands)[0]
        details = {
            lab: {"phrasings": self.phrasings(lab), "similarity": round(float(s), 6)}
            for lab, s in zip(cands, sims, strict=True)
        }
        return Explanation(prediction=pred, details={"labels": details})

    def _save_state(self, directory: Path) -> None:
        """Nothing beyond the manifest (labels, descriptions, options)."""

    def _load_state(self, directory: Path) -> None:
        """Nothing to read: the encoder loads on first use."""
