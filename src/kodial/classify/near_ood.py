"""The out-of-domain neighbour rule: a query much closer to a known OOD query than to any
in-domain training query falls back (reason ``near_ood``), whatever the classifier's scores say.

Why: a classifier trained on in-domain labels only has no "none of these" class, so an OOD
query that shares an ending with an intent (``주식 시세 좀 알려줘`` and the weather intent's
``... 알려줘``) can score 0.99; the thresholds cannot reject it without rejecting real queries.
The OOD file says directly that such wordings are out of domain.

The rule compares the nearest OOD query with the nearest in-domain query (character 1-3-gram
TF-IDF cosine within words): the OOD one must be closer by :data:`MARGIN`. The assistant's
former rule (nearest is OOD at cosine 0.35, or most of the 3 nearest are OOD) sent
``영화 추천해 줘`` to fallback at 0.99 because OOD queries share its ending (OOD 0.54 vs in-domain
0.47 on the example assistant); ``자동차 엔진오일 교체 주기는?`` (0.48 vs 0.18) and
``비트코인 얼마야`` (0.89 vs 0.09) are what the rule is for. It lives with the classifier (saved in
``near_ood.json``), so ``kodial classify predict``/``eval`` and the assistant apply the same rule
and the report counts it among the fallback reasons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kodial.classify.artefacts import read_json_file
from kodial.errors import KodialError

FILE = "near_ood.json"
MARGIN = 0.2
"""How much more similar (cosine) the nearest OOD query must be than the nearest in-domain one."""


class OodNeighbors:
    """Nearest-neighbour index over the in-domain training queries and the OOD queries."""

    def __init__(self, texts: Sequence[str], ood: Sequence[str], margin: float = MARGIN):
        if not texts or not ood:
            raise KodialError("the near_ood rule needs in-domain and OOD queries")
        self.texts = list(texts)
        self.ood = list(ood)
        self.margin = margin
        # imported here, not at the top: importing scikit-learn takes about a second, and
        # every ``kodial`` command imports this module through the CLI's classify group
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
        self._matrix = self._vec.fit_transform([*self.texts, *self.ood])  # (N + M, F), L2 rows

    def near_ood(self, queries: Sequence[str]) -> np.ndarray:
        """Boolean ``(Q,)``: which queries are closer to an OOD query than to every in-domain
        query by at least ``margin``."""
        if not len(queries):
            return np.zeros(0, dtype=bool)
        sims = self._vec.transform(list(queries)) @ self._matrix.T  # (Q, N + M) sparse
        n = len(self.texts)
        best_in = np.asarray(sims[:, :n].max(axis=1).todense()).ravel()
        best_ood = np.asarray(sims[:, n:].max(axis=1).todense()).ravel()
        return np.asarray(best_ood - best_in >= self.margin)

    def save(self, directory: Path) -> None:
        state = {"margin": self.margin, "texts": self.texts, "ood": self.ood}
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
        if not ok or not isinstance(state.get("margin"), int | float):
            raise KodialError(f"{path}: expected texts, ood and margin", hint="re-train")
        return cls(state["texts"], state["ood"], float(state["margin"]))
