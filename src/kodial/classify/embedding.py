"""``embedding``: nearest labelled examples (or class centroids) in a sentence-embedding space.

**Needs**: a pretrained sentence-transformers model (hub id such as
``jhgan/ko-sroberta-multitask``, or a local directory) and labelled examples at fit time; no
training (fit only embeds the examples).

**Returns**: per label a similarity ``s_l`` turned into scores:

- ``mode="knn"``: the ``k`` most similar examples vote, each with weight
  ``exp(cos / temperature)``; a label's score is its share of the weight (so rows sum to 1 for
  single-label data, and each label gets an independent share in [0, 1] for multi-label data).
  Labels with no example among the k neighbours score 0.
- ``mode="centroid"``: ``softmax(cos(query, centroid_l) / temperature)`` over labels, where the
  centroid is the normalized mean of the label's normalized example embeddings (single-label only).

The default temperature 0.05 suits cosine similarities of typical sentence encoders (a 0.05 gap
in cosine is a factor e between weights).

**Relations**: few-shot, cheaper than ``nli-zeroshot`` (one forward per query, not per
query-label pair) and needs examples of every label; ``lexical`` needs no weights at all;
``finetune`` learns a head instead of comparing with examples.

Saving stores the example embeddings and the model reference (hub id, or the absolute path of a
local model); the model itself is copied into the classifier directory only with
``copy_model=True``, which makes the directory self-contained at the cost of its size.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np

from kodial.classify.artefacts import load_array, read_examples
from kodial.classify.base import Classifier, Explanation, Neighbor, model_reference
from kodial.classify.data import LabelledData
from kodial.errors import KodialError


@dataclass
class EmbeddingConfig:
    model: str = "jhgan/ko-sroberta-multitask"
    """sentence-transformers model: hub id or local directory."""
    mode: Literal["knn", "centroid"] = "knn"
    """knn: the k nearest examples vote; centroid: similarity to each label's mean embedding."""
    k: int = 5
    """Neighbours that vote in knn mode."""
    temperature: float = 0.05
    """Softness of the similarity-to-score mapping (smaller: sharper)."""
    batch_size: int = 64
    """Texts per encoder forward pass."""
    device: str = "auto"
    """auto (CUDA if available), cpu or cuda."""
    copy_model: bool = False
    """Copy the encoder into the saved classifier directory (self-contained, larger)."""


class EmbeddingClassifier(Classifier):
    """Few-shot: nearest labelled examples or class centroids in a sentence-embedding space.

    See the module docstring for needs, scores and relations."""

    name: ClassVar[str] = "embedding"
    needs_weights: ClassVar[bool] = True
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"
    config_class: ClassVar[type] = EmbeddingConfig

    def __init__(self, config: EmbeddingConfig | None = None) -> None:
        super().__init__(config or EmbeddingConfig())
        self.config: EmbeddingConfig
        self.config.model = model_reference(self.config.model)
        if self.config.mode not in ("knn", "centroid"):
            raise KodialError(
                f"unknown embedding mode {self.config.mode!r}", hint="use knn or centroid"
            )
        self._encoder: Any = None
        self._model_dir: Path | None = None
        self.texts: list[str] = []
        self.example_labels: list[tuple[str, ...]] = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)
        """(M, D) unit-length embeddings of the fitted examples."""

    def encoder(self) -> Any:
        if self._encoder is None:
            from sentence_transformers import SentenceTransformer

            from kodial.classify import hf

            source = str(self._model_dir) if self._model_dir else self.config.model
            device = str(hf.resolve_device(self.config.device))
            try:
                extra = hf.load_kwargs(source)
                self._encoder = SentenceTransformer(source, device=device, **extra)
            except (OSError, ValueError, KeyError) as e:
                raise hf.checkpoint_error(source, e) from e
        return self._encoder

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(N, D) unit-length embeddings."""
        vecs = self.encoder().encode(
            list(texts),
            batch_size=self.config.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=len(texts) > 2000,
        )
        return np.asarray(vecs, dtype=np.float32)

    def fit(self, train: LabelledData, dev: LabelledData | None = None) -> Self:
        """Embed the labelled examples."""
        if train.multi_label and self.config.mode == "centroid":
            raise KodialError(
                "centroid mode scores labels with a softmax and cannot express multi-label data",
                hint="use mode=knn for multi-label data",
            )
        self.labels = train.labels
        self.descriptions = {lab: train.description(lab) for lab in self.labels}
        self.multi_label = train.multi_label
        self.texts = train.texts
        self.example_labels = [ex.labels for ex in train.examples]
        self.vectors = self.embed(self.texts)
        return self

    def centroid_similarities(self, queries: np.ndarray, cands: Sequence[str]) -> np.ndarray:
        """(N, L) cosine similarity of each query vector to each label's centroid."""
        out = np.empty((queries.shape[0], len(cands)), dtype=np.float64)
        for j, lab in enumerate(cands):
            rows = [i for i, labs in enumerate(self.example_labels) if lab in labs]
            centroid = self.vectors[rows].mean(0)
            centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
            out[:, j] = queries @ centroid
        return out

    def scores_for(self, queries: np.ndarray, cands: Sequence[str]) -> np.ndarray:
        """(N, L) scores of (N, D) unit query vectors (see the module docstring)."""
        t = self.config.temperature
        if self.config.mode == "centroid":
            s = self.centroid_similarities(queries, cands) / t  # (N, L)
            e = np.exp(s - s.max(1, keepdims=True))
            return (e / e.sum(1, keepdims=True)).astype(np.float32)
        sims = queries @ self.vectors.T  # (N, M)
        allowed = np.array([any(lab in cands for lab in labs) for labs in self.example_labels])
        sims = np.where(allowed[None], sims, -np.inf)
        k = min(self.config.k, int(allowed.sum()))
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]  # (N, k)
        top_sims = np.take_along_axis(sims, top, axis=1)
        w = np.exp((top_sims - top_sims[:, :1]) / t)  # (N, k), relative to the nearest
        w /= w.sum(1, keepdims=True)
        index = {lab: j for j, lab in enumerate(cands)}
        scores = np.zeros((len(queries), len(cands)), dtype=np.float64)
        for n in range(len(queries)):
            for i, weight in zip(top[n], w[n], strict=True):
                for lab in self.example_labels[int(i)]:
                    if lab in index:
                        scores[n, index[lab]] += weight
        return scores.astype(np.float32)

    def predict_scores(
        self, texts: Sequence[str], labels: Sequence[str] | None = None
    ) -> np.ndarray:
        cands = self.candidate_labels(labels)
        unknown = [lab for lab in cands if lab not in self.labels]
        if unknown:
            raise KodialError(
                f"the embedding classifier has no examples of: {', '.join(unknown)}",
                hint="add examples of these labels and fit again, or use nli-zeroshot",
            )
        if not texts:
            return np.zeros((0, len(cands)), dtype=np.float32)
        return self.scores_for(self.embed(texts), cands)

    def explain(self, text: str, labels: Sequence[str] | None = None) -> Explanation:
        """Neighbours, decider first: the nearest example carrying the predicted label, then the
        other nearest examples; details give each label's centroid similarity."""
        cands = self.candidate_labels(labels)
        query = self.embed([text])  # (1, D)
        pred = self.predict([text], cands, scores=self.scores_for(query, cands))[0]
        sims = (query @ self.vectors.T)[0]  # (M,)
        order = [int(i) for i in np.argsort(-sims, kind="stable")]
        top_label = pred.ranking[0].label
        decider = next(i for i in order if top_label in self.example_labels[i])
        chosen = [decider, *[i for i in order if i != decider][: max(self.config.k, 5) - 1]]
        neighbors = [
            Neighbor(self.texts[i], self.example_labels[i][0], float(sims[i])) for i in chosen
        ]
        centroid = self.centroid_similarities(query, cands)[0]
        details: dict[str, Any] = {
            "mode": self.config.mode,
            "decided_by": {"text": self.texts[decider], "similarity": float(sims[decider])},
            "centroid_similarity": {
                lab: round(float(c), 6) for lab, c in zip(cands, centroid, strict=True)
            },
        }
        return Explanation(pred, neighbors=neighbors, details=details)

    def _save_state(self, directory: Path) -> None:
        np.save(directory / "embeddings.npy", self.vectors)
        (directory / "examples.json").write_text(
            json.dumps(
                [[t, list(labs)] for t, labs in zip(self.texts, self.example_labels, strict=True)],
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        if self.config.copy_model:
            self.encoder().save(str(directory / "model"))

    def _load_state(self, directory: Path) -> None:
        self.vectors = load_array(directory / "embeddings.npy", "example embeddings")
        self.texts, self.example_labels = read_examples(directory / "examples.json")
        if len(self.texts) != len(self.vectors):
            raise KodialError(
                f"{directory}: {len(self.texts)} examples but {len(self.vectors)} embeddings",
                hint="re-train the model",
            )
        if (directory / "model").is_dir():
            self._model_dir = directory / "model"
