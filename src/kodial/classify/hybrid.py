"""``hybrid``: the lexical classifier with a sentence embedding added to its features.

One linear model reads both views of a query: the Korean morpheme and character n-gram TF-IDF
vector of ``lexical`` (exact words, endings, typos) and the unit sentence vector of a pretrained
encoder (meaning: paraphrases with no word in common), scaled by ``encoder_weight``.

**Needs**: a sentence encoder (:mod:`kodial.encoders`; default ``use-multilingual``, offline in
the ``kodial[offline-encoder]`` extra, Apache-2.0) and labelled examples at fit time.

**Returns**: what ``lexical`` returns (a distribution over the labels, or an independent
probability per label for multi-label data), calibrated by the training pipeline.

**Relations**: measured on held-out paraphrase groups (bench/results/classify.md), it beats
``lexical`` most where examples are few (8 per class: +0.14 macro-F1 on ParaKQC topics) and
matches or beats it with many; it is as slow as the encoder (tens of queries a second on two CPU
cores against thousands for ``lexical``). ``explain`` shows the nearest training examples and
the n-gram features, as ``lexical`` does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from pydantic import Field

from kodial.classify.artefacts import model_reference, read_json_file
from kodial.classify.base import MethodConfig
from kodial.classify.embedding import USE, encoder_for
from kodial.classify.lexical import LexicalClassifier, LexicalConfig
from kodial.errors import KodialError

STATE = "hybrid.json"


class HybridConfig(LexicalConfig):
    """Options of ``hybrid``: those of ``lexical`` plus the encoder."""

    encoder: str = USE
    """Sentence encoder: use-multilingual (offline), or a sentence-transformers hub id or
    local directory."""
    encoder_weight: float = Field(default=1.0, gt=0)
    """Scale of the unit sentence vector next to the unit TF-IDF vector (larger leans on
    meaning, smaller on exact words)."""
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

    def encoder(self) -> Any:
        return encoder_for(self.config.encoder, self.config.device, self.config.batch_size)

    def _with_extra(self, X: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
        vectors = np.asarray(self.encoder().encode(list(texts)), dtype=np.float64)  # (N, D)
        self._dim = vectors.shape[1]
        dense = sp.csr_matrix(vectors * self.config.encoder_weight)
        return sp.hstack([X, dense], format="csr")

    def extra_features(self) -> int:
        return self._dim

    def _save_state(self, directory: Path) -> None:
        super()._save_state(directory)
        (directory / STATE).write_text(json.dumps({"dim": self._dim}), encoding="utf-8")

    def _load_state(self, directory: Path) -> None:
        state = read_json_file(directory / STATE, "encoder dimension")
        dim = state.get("dim") if isinstance(state, dict) else None
        if not isinstance(dim, int) or isinstance(dim, bool) or dim <= 0:
            raise KodialError(f"{directory / STATE}: 'dim' must be a positive whole number")
        self._dim = dim
        super()._load_state(directory)
