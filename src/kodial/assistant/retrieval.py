"""Nearest-question retrieval for the FAQ and the offline chit-chat backend.

Character n-gram TF-IDF (1-3 grams within words, scikit-learn) with cosine similarity: Korean
questions that share stems and particles ("환불은 어떻게 해요" / "환불하려면 어떻게 하나요")
overlap in character n-grams without any tokenizer or model download, and the similarity is a
number in [0, 1] that a threshold can abstain on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from kodial.errors import KodialError


@dataclass(frozen=True)
class Hit:
    """One retrieved entry: its index in the indexed texts and its cosine similarity."""

    index: int
    similarity: float


class NearestText:
    """Index of texts; :meth:`search` returns the most similar ones to a query.

    Read-only after construction, so one index serves concurrent sessions.

    >>> idx = NearestText(["영업시간이 어떻게 되나요", "환불은 어떻게 하나요"])
    >>> idx.search("환불하고 싶어요")[0].index
    1
    """

    def __init__(self, texts: Sequence[str]) -> None:
        if not texts:
            raise KodialError("nothing to index: the retrieval data is empty")
        self.texts = list(texts)
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, lowercase=True
        )
        self.matrix = self.vectorizer.fit_transform(self.texts)  # (N, V), rows L2-normalised

    def search(self, query: str, k: int = 1) -> list[Hit]:
        """The ``k`` nearest texts, most similar first."""
        q = self.vectorizer.transform([query])  # (1, V)
        sims = np.asarray((self.matrix @ q.T).todense()).ravel()  # (N,)
        order = np.argsort(-sims, kind="stable")[:k]
        return [Hit(int(i), float(sims[i])) for i in order]
