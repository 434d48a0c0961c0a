"""The out-of-domain neighbour rule: a query whose nearest known query is one of the OOD
queries falls back (reason ``near_ood``), whatever the classifier's scores say.

Why: a classifier trained on in-domain labels only has no "none of these" class, so an OOD
query that shares an ending with an intent (``주식 시세 좀 알려줘`` and the weather intent's
``... 알려줘``) can score 0.99; the thresholds cannot reject it without rejecting real queries.
The OOD file says directly that such wordings are out of domain.

The rule is deliberately narrow (the assistant's former rule, which also fired when most of
the 3 nearest were OOD at cosine 0.35, sent ``영화 추천해 줘`` to fallback at 0.99): only the
single nearest known query counts, it must be an OOD one, at least :data:`MIN_SIMILARITY`
similar (character 1-3-gram TF-IDF cosine within words). It lives with the classifier (saved
in ``near_ood.json``), so ``kodial classify predict``/``eval`` and the assistant apply the same
rule and the report counts it among the fallback reasons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from kodial.classify.artefacts import read_json_file
from kodial.errors import KodialError

FILE = "near_ood.json"
MIN_SIMILARITY = 0.7
"""Cosine similarity from which the nearest OOD query decides: near-paraphrases only (on the
example assistant, 비트코인 얼마야 / 비트코인 지금 얼마야 is 0.89, while 영화 추천해 줘 /
로또 번호 추천해 줘, which share only the ending, is 0.54; 0.35 misfired, see above)."""


class OodNeighbors:
    """Nearest-neighbour index over the in-domain training queries and the OOD queries."""

    def __init__(
        self, texts: Sequence[str], ood: Sequence[str], min_similarity: float = MIN_SIMILARITY
    ):
        self.texts = list(texts)
        self.ood = list(ood)
        self.min_similarity = min_similarity
        self._vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
        self._matrix = self._vec.fit_transform([*self.texts, *self.ood])  # (N + M, F), L2 rows
        self._is_ood = np.array([False] * len(self.texts) + [True] * len(self.ood))

    def near_ood(self, queries: Sequence[str]) -> np.ndarray:
        """Boolean ``(Q,)``: which queries have an OOD query as their nearest known query,
        at least ``min_similarity`` similar."""
        if not len(queries):
            return np.zeros(0, dtype=bool)
        sims = (self._vec.transform(list(queries)) @ self._matrix.T).toarray()  # (Q, N + M)
        nearest = sims.argmax(axis=1)
        best = sims[np.arange(len(queries)), nearest]
        return np.asarray(self._is_ood[nearest] & (best >= self.min_similarity))

    def save(self, directory: Path) -> None:
        state = {"min_similarity": self.min_similarity, "texts": self.texts, "ood": self.ood}
        (directory / FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> OodNeighbors | None:
        path = directory / FILE
        if not path.is_file():
            return None
        state = read_json_file(path, "the OOD neighbour index")
        ok = isinstance(state, dict) and all(
            isinstance(state.get(k), list) and all(isinstance(t, str) for t in state[k])
            for k in ("texts", "ood")
        )
        if not ok or not isinstance(state.get("min_similarity"), int | float):
            raise KodialError(f"{path}: expected texts, ood and min_similarity", hint="re-train")
        return cls(state["texts"], state["ood"], float(state["min_similarity"]))
