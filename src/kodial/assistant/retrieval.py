"""Nearest-question retrieval for the FAQ and the offline chit-chat backend.

Character n-gram TF-IDF (1-3 grams within words, :func:`char_ngrams`) with cosine similarity: Korean
questions that share stems and particles ("환불은 어떻게 해요" / "환불하려면 어떻게 하나요")
overlap in character n-grams without any tokenizer or model download, and the similarity is a
number in [0, 1] that a threshold can abstain on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from kodial.errors import KodialError

_PUNCT = re.compile(r"[^\w\s]")


def char_ngrams(text: str) -> list[str]:
    """Character 1-grams and word-boundary-marked 2- and 3-grams of each word.

    Unlike scikit-learn's ``char_wb`` analyser, no n-gram is made of padding alone (a lone
    space feature would be shared by every text and lift every similarity).

    >>> char_ngrams("환불 돼요")[:6]
    ['환', '불', '<환', '환불', '불>', '<환불']
    """
    out: list[str] = []
    for word in _PUNCT.sub(" ", text.lower()).split():
        out.extend(word)
        padded = f"<{word}>"
        for n in (2, 3):
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


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
        self.vectorizer = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(self.texts)  # (N, V), rows L2-normalised

    def search(self, query: str, k: int = 1) -> list[Hit]:
        """The ``k`` nearest texts, most similar first."""
        q = self.vectorizer.transform([query])  # (1, V)
        sims = np.asarray((self.matrix @ q.T).todense()).ravel()  # (N,)
        order = np.argsort(-sims, kind="stable")[:k]
        return [Hit(int(i), float(sims[i])) for i in order]
