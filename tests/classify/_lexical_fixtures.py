"""Shared, cached objects for the lexical / fallback / evaluation / CLI tests: the project's
sample queries and a lexical classifier fitted once per test process."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from kodial.classify.base import Classifier, Explanation
from kodial.classify.bundled import load_sample_queries
from kodial.classify.data import LabelledData
from kodial.classify.lexical import LexicalClassifier

DEV_RATIO = 0.25


@cache
def sample_split(seed: int = 0) -> tuple[LabelledData, LabelledData]:
    """(train, dev) of the sample queries; OOD queries split the same way."""
    return load_sample_queries().split(DEV_RATIO, seed=seed)


@cache
def fitted_lexical(seed: int = 0) -> LexicalClassifier:
    """Default lexical classifier fitted on the training part of :func:`sample_split`.
    Shared: tests must not mutate it (copy the fallback before changing it)."""
    train, _ = sample_split(seed)
    return LexicalClassifier().fit(train)


@dataclass
class TableClassifier(Classifier):
    """A classifier whose scores are looked up in a table: lets the generic fallback and
    evaluation code be tested with exactly known scores."""

    table: Mapping[str, Sequence[float]]
    name: ClassVar[str] = "table"

    def __post_init__(self) -> None:
        super().__init__(None)

    def fit(self, train: LabelledData) -> Self:
        self.labels = train.labels
        return self

    def raw_scores(self, texts: Sequence[str], labels: Sequence[str]) -> Any:
        cols = [self.labels.index(lab) for lab in labels]
        return np.array([[self.table[t][c] for c in cols] for t in texts], dtype=float)

    def unfitted_copy(self) -> TableClassifier:
        return TableClassifier(self.table)

    def explain(self, text: str, labels: Sequence[str] | None = None) -> Explanation:
        return Explanation(prediction=self.predict([text], labels)[0])

    def _save_state(self, directory: Path) -> None:
        raise NotImplementedError

    def _load_state(self, directory: Path) -> None:
        raise NotImplementedError
