"""``hybrid``: the lexical classifier with a sentence embedding added to its features.

One linear model reads both views of a query: the Korean morpheme and character n-gram TF-IDF
vector of ``lexical`` (exact words, endings, typos) and the unit sentence vector of a pretrained
encoder (meaning: paraphrases with no word in common), scaled by ``encoder_weight``.

**Needs**: a sentence encoder (:mod:`kodial.encoders`; default ``use-multilingual``, offline in
the ``kodial[offline-encoder]`` extra, Apache-2.0) and labelled examples at fit time.

**Returns**: what ``lexical`` returns (a distribution over the labels, or an independent
probability per label for multi-label data), calibrated by the training pipeline.

**Relations**: measured on held-out paraphrase groups (bench/results/classify.md), it beats
``lexical`` most where examples are few (8 per class, mean of 5 draws: +0.16 macro-F1 on
ParaKQC topics, +0.11 on 3i4k's speech acts, where the sentence types of the ending view carry
the act) and matches or beats it with many; a new query costs one encoder pass on top of
``lexical`` (about 1 ms on two CPU cores). ``explain`` shows the nearest training examples and
the n-gram features, as ``lexical`` does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
import scipy.sparse as sp
from pydantic import Field

from kodial.classify.artefacts import model_reference, read_json_file
from kodial.classify.base import MethodConfig
from kodial.classify.data import LabelledData
from kodial.classify.embedding import USE, encoder_for
from kodial.classify.features import KoreanFeaturizer
from kodial.classify.lexical import LexicalClassifier, LexicalConfig
from kodial.errors import KodialError

STATE = "hybrid.json"


ENCODER_WEIGHTS = (1.0, 0.5, 2.0)
ENDING_WEIGHTS = (0.0, 0.5)
"""The ``auto`` candidates, the default first: another pair must beat it by :data:`MARGIN`.
The encoder's weight goes both ways from 1 (a factor of 2): with many examples per label the
n-grams carry the labels (0.5 scores best out of fold on ParaKQC and 3i4k at 128 per label),
with a handful the encoder's sense of meaning does (2.0: 0.95 against 0.85 out of fold with 8
examples per intent of kochat's training part). A fixed lean toward the encoder for few
examples was measured and left out: 8 per label drawn from the training splits and scored on
the rest of them (never the test splits), 2.0 beat the chosen pair on kochat's intents
(0.852 vs 0.838 macro-F1, 5 draws) and lost to it on 3i4k's speech acts (0.43-0.44 vs 0.50),
which the sentence ending carries and the encoder blurs; the choice out of fold follows each
task."""
MARGIN = 0.01
SELECTION_TOL = 1e-2
"""Stopping tolerance of the selection's SVMs (the final and calibration fits keep 1e-4): they
only rank 6 candidate pairs, and with 512 dense encoder columns in every row each fit costs
2-3x more at 1e-4 for the same held-out accuracy (the project's sample queries: 0.908 / 0.936
/ 0.922 at encoder weight 0.5 / 1 / 2 either way)."""
SELECTION_ROWS = 2000
"""At most this many training queries (stratified sample) choose the ``auto`` weights."""


class HybridConfig(LexicalConfig):
    """Options of ``hybrid``: those of ``lexical`` plus the encoder."""

    encoder: str = USE
    """Sentence encoder: use-multilingual (offline), or a sentence-transformers hub id or
    local directory."""
    encoder_weight: float | Literal["auto"] = "auto"
    """Scale of the unit sentence vector next to the unit TF-IDF vector (larger leans on
    meaning, smaller on exact words); auto: 0.5, 1.0 or 2.0, whichever scores best out of fold
    on the training queries (grouped folds)."""
    ending_weight: float | Literal["auto"] = "auto"  # type: ignore[assignment]
    """Weight of the sentence-ending view (see lexical); auto: 0 or 0.5, whichever scores best
    out of fold (intent tasks take it, topic tasks do not)."""
    batch_size: int = Field(default=64, gt=0)
    """Texts per encoder forward pass."""
    device: str = "auto"
    """auto (CUDA if available), cpu or cuda (sentence-transformers encoders)."""


class HybridClassifier(LexicalClassifier):
    """TF-IDF n-grams and a sentence embedding in one linear model.

    See the module docstring for needs, scores and relations."""

    name: ClassVar[str] = "hybrid"
    config_class: ClassVar[type[MethodConfig]] = HybridConfig
    needs_weights: ClassVar[bool] = True

    def __init__(self, config: HybridConfig | None = None) -> None:
        super().__init__(config or HybridConfig())
        self.config: HybridConfig
        if self.config.encoder != USE:
            self.config.encoder = model_reference(self.config.encoder)
        self._dim = 0
        self.weights: dict[str, float] = {}
        """The encoder and ending weights in use (chosen at fit when ``auto``)."""

    def encoder(self) -> Any:
        return encoder_for(self.config.encoder, self.config.device, self.config.batch_size)

    def _featurizer(self, ending_weight: float | None = None) -> KoreanFeaturizer:
        featurizer = super()._featurizer_for(
            self.weights.get("ending", 0.0) if ending_weight is None else ending_weight
        )
        return featurizer

    def fit(self, train: LabelledData) -> Self:
        """Choose the ``auto`` weights out of fold, then fit as ``lexical`` does."""
        c = self.config
        fixed = {
            "encoder": c.encoder_weight if c.encoder_weight != "auto" else None,
            "ending": c.ending_weight if c.ending_weight != "auto" else None,
        }
        if None in fixed.values():
            # the selection's out-of-fold models are the kind the final fit will be
            self._model_kind = self._model_for(train)
            self._svm_tol = SELECTION_TOL
            try:
                self.weights = self._select(train, fixed)
            finally:
                self._svm_tol = None
        else:
            self.weights = {k: float(v) for k, v in fixed.items()}  # type: ignore[arg-type]
        return super().fit(train)

    def _select(self, train: LabelledData, fixed: dict[str, Any]) -> dict[str, float]:
        """The (encoder, ending) weights with the best out-of-fold F1 (macro for single-label
        data, micro for multi-label) on a stratified sample of at most
        :data:`SELECTION_ROWS` queries, 5 folds by paraphrase group; the default pair unless
        another beats it by :data:`MARGIN` (with a handful of examples per label the estimate is
        noisy). Small samples average the F1 over several seeded fold assignments
        (:func:`_repeats`): with 8 examples per label one query moves a single assignment's F1
        by 2 points, more than the difference between the candidates."""
        from sklearn.metrics import f1_score

        from kodial.classify.splits import group_folds, resolve_groups

        sample = _stratified_sample(train, SELECTION_ROWS)
        groups, _ = resolve_groups(sample, "auto")
        assignments = [
            group_folds(sample.first_labels, groups, 5, seed) for seed in range(_repeats(sample))
        ]
        vectors = self.encoder().encode(sample.texts)  # (S, D)
        best: tuple[float, dict[str, float]] = (-1.0, {})
        for ending in [fixed["ending"]] if fixed["ending"] is not None else ENDING_WEIGHTS:
            featurizer = self._featurizer(float(ending))
            lexical = featurizer.fit_transform(sample.texts)
            for enc in [fixed["encoder"]] if fixed["encoder"] is not None else ENCODER_WEIGHTS:
                X = sp.hstack([lexical, sp.csr_matrix(vectors * float(enc))], format="csr")
                self.weights = {"encoder": float(enc), "ending": float(ending)}
                f1s = []
                for folds in assignments:
                    scores = self._out_of_fold(X, sample, folds, sample.labels, featurizer)
                    if sample.multi_label:
                        gold = np.array(
                            [[lab in ex.labels for lab in sample.labels] for ex in sample.examples]
                        )
                        f1s.append(f1_score(gold, scores >= 0.5, average="micro"))
                    else:
                        gold_idx = [sample.labels.index(lab) for lab in sample.first_labels]
                        f1s.append(f1_score(gold_idx, scores.argmax(1), average="macro"))
                f1 = float(np.mean(f1s))
                if f1 > best[0] + (MARGIN if best[1] else 0.0):
                    best = (float(f1), dict(self.weights))
        return best[1]

    def _with_extra(self, X: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
        vectors = np.asarray(self.encoder().encode(list(texts)), dtype=np.float64)  # (N, D)
        self._dim = vectors.shape[1]
        dense = sp.csr_matrix(vectors * self.weights.get("encoder", 1.0))
        return sp.hstack([X, dense], format="csr")

    def extra_features(self) -> int:
        return self._dim

    def _save_state(self, directory: Path) -> None:
        super()._save_state(directory)
        state = {"dim": self._dim, "weights": self.weights}
        (directory / STATE).write_text(json.dumps(state), encoding="utf-8")

    def _load_state(self, directory: Path) -> None:
        state = read_json_file(directory / STATE, "encoder dimension and weights")
        dim = state.get("dim") if isinstance(state, dict) else None
        weights = state.get("weights") if isinstance(state, dict) else None
        if not isinstance(dim, int) or isinstance(dim, bool) or dim <= 0:
            raise KodialError(f"{directory / STATE}: 'dim' must be a positive whole number")
        if not (
            isinstance(weights, dict)
            and set(weights) == {"encoder", "ending"}
            and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in weights.values()
            )
        ):
            raise KodialError(f"{directory / STATE}: 'weights' must give encoder and ending")
        self._dim, self.weights = dim, {k: float(v) for k, v in weights.items()}
        super()._load_state(directory)


def _repeats(sample: LabelledData) -> int:
    """Fold assignments to average the selection F1 over: enough that about 2,000 queries are
    scored per candidate (1 for a full sample, 5 at most), so the noise of tiny samples shrinks
    while the cost stays that of one full-size selection."""
    return max(1, min(5, SELECTION_ROWS // max(len(sample), 1)))


def _stratified_sample(data: LabelledData, n: int, seed: int = 0) -> LabelledData:
    """At most ``n`` examples of ``data``, the same share of each (first) label."""
    if len(data) <= n:
        return data
    import random

    rng = random.Random(seed)
    by_label: dict[str, list[Any]] = {}
    for ex in data.examples:
        by_label.setdefault(ex.labels[0], []).append(ex)
    keep = []
    for label in sorted(by_label):
        rows = by_label[label]
        keep += rng.sample(rows, max(2, round(len(rows) * n / len(data))))
    return data.subset(keep, ood=[])
