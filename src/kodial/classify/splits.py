"""Honest splits: queries that are paraphrases of each other stay on one side.

Labelled query sets are full of near-copies (ten paraphrases of one question, a template filled
with different words, the same review posted twice). A dev split or a cross-validation fold that
puts one paraphrase in training and its twin in evaluation measures memory, not understanding:
dev accuracy 0.9996, scores that saturate at 0.99999, and fallback thresholds that reject a third
of real traffic. So every split here is by **group**:

- a ``group`` column in the data (:attr:`Example.group <kodial.classify.data.Example>`), when
  there is one;
- else **near-duplicate clusters** (:func:`near_duplicate_groups`): texts equal after
  normalisation (case, spacing, punctuation), and each text with its nearest neighbour of the
  same label when their character n-gram TF-IDF vectors are close enough. Grouping too much
  costs little (folds a bit less balanced, thresholds a bit loose); grouping too little is what
  makes calibration promise 5% false fallback and deliver 30%.

Splits and folds are stratified by the (first) label, as far as whole groups allow.

>>> near_duplicate_groups(["내일 비 와?", "내일 비와", "코스피 지수 알려줘"])
[0, 0, 1]
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from kodial.classify.data import LabelledData
from kodial.classify.options import GroupBy

SIMILARITY = 0.4
"""Cosine similarity of character 2-3-gram TF-IDF vectors from which a text is joined to its
nearest neighbour: on ParaKQC, 95% of texts have a neighbour that close, 88% of them in their
own paraphrase group (the median within a group is 0.43, between groups 0.005)."""

MAX_GROUP = 30
"""Largest near-duplicate cluster: a paraphrase set, not a topic (pairwise links chain the
weather questions of a template-made set into clusters of hundreds, and holding out a whole
topic makes the out-of-fold scores harder than any new query)."""

_CHUNK = 1024
"""Texts compared with all others at once when looking for nearest neighbours."""


def text_key(text: str) -> str:
    """What near-duplicates share: NFKC, lower case, no spaces, punctuation or symbols.

    >>> text_key("내일, 비 와?") == text_key("내일 비와")
    True
    """
    norm = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in norm if unicodedata.category(ch)[0] not in "PSZC")


def _char_vectors(texts: list[str]) -> Any:
    """(N, V) unit TF-IDF rows of character 2-3-grams (hashed: no vocabulary to build), without
    the n-grams in more than 1% of the texts: endings such as 알려줘 are shared by thousands of
    queries and say nothing about two of them being paraphrases."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    hashed = HashingVectorizer(
        analyzer="char", ngram_range=(2, 3), n_features=2**20, alternate_sign=False, norm=None
    ).transform(texts)
    df = np.diff(hashed.tocsc().indptr)
    keep = np.flatnonzero((df > 0) & (df <= max(2, len(texts) // 100)))
    return TfidfTransformer(sublinear_tf=True).fit_transform(hashed[:, keep])


class _Clusters:
    """Union-find whose clusters never grow past ``limit`` members, so a chain of pairwise
    near-duplicates cannot swallow a whole template-generated class."""

    def __init__(self, n: int, limit: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.limit = limit

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri == rj or self.size[ri] + self.size[rj] > self.limit:
            return
        if self.size[ri] < self.size[rj]:
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.size[ri] += self.size[rj]


def near_duplicate_groups(
    texts: Sequence[str],
    labels: Sequence[str] | None = None,
    threshold: float = SIMILARITY,
    max_group: int | None = None,
) -> list[int]:
    """A cluster id per text (0, 1, ... in order of first appearance): texts equal after
    normalisation, and each text joined to its nearest neighbour when their character 2-3-gram
    TF-IDF cosine reaches ``threshold`` (within the same label when ``labels`` are given: a
    paraphrase under another label is a conflict, not a leak). Clusters stop growing at
    ``max_group`` members (default :data:`MAX_GROUP`)."""
    if not len(texts):
        return []
    keys = [text_key(t) or t for t in texts]
    unique = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(unique)}
    counts = Counter(keys)
    clusters = _Clusters(len(unique), max_group or MAX_GROUP)
    clusters.size = [counts[k] for k in unique]
    label_of: dict[str, str] = {}
    for k, lab in zip(keys, labels if labels is not None else [""] * len(keys), strict=True):
        label_of.setdefault(k, lab)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(unique):
        blocks[label_of[k]].append(i)
    X = _char_vectors(unique)  # (U, V), rows unit length
    links = []
    for rows in blocks.values():
        if len(rows) < 2:
            continue
        block = X[rows]
        for start in range(0, len(rows), _CHUNK):
            sims = (block[start : start + _CHUNK] @ block.T).tocoo()  # (C, B), sparse
            close = (sims.data >= threshold) & (sims.row + start < sims.col)  # each pair once
            for c, j, v in zip(sims.row[close], sims.col[close], sims.data[close], strict=True):
                links.append((-float(v), rows[start + int(c)], rows[int(j)]))
    for _, i, j in sorted(links):  # closest pairs first, so the size limit cuts far links
        clusters.join(i, j)
    roots = [clusters.find(index[k]) for k in keys]
    ids: dict[int, int] = {}
    return [ids.setdefault(r, len(ids)) for r in roots]


def resolve_groups(data: LabelledData, group_by: GroupBy = "auto") -> tuple[list[str], str]:
    """A group name per example, and where the groups came from (for the report):
    ``"column 'group'"``, ``"near-duplicates (...)"`` or ``"none"``."""
    has_column = any(ex.group is not None for ex in data.examples)
    if group_by == "column" or (group_by == "auto" and has_column):
        if not has_column:
            from kodial.errors import KodialError

            raise KodialError(
                "--group-by column: the data has no group column",
                hint="add a 'group' column (the paraphrase set of each query), or use "
                "--group-by similar",
            )
        # rows without a group are their own group
        groups = [ex.group or f"row{i}" for i, ex in enumerate(data.examples)]
        return groups, f"column 'group' ({len(set(groups))} groups)"
    if group_by == "none":
        return [str(i) for i in range(len(data))], "none (every query its own group)"
    ids = near_duplicate_groups(data.texts, data.first_labels)
    n_groups = len(set(ids))
    return (
        [f"d{i}" for i in ids],
        f"near-duplicates ({n_groups} groups of {len(ids)} queries: equal after normalising "
        f"spacing and punctuation, or pairs of the same label with character n-gram cosine >= "
        f"{SIMILARITY})",
    )


def group_folds(
    labels: Sequence[str], groups: Sequence[str], n_folds: int, seed: int = 0
) -> np.ndarray:
    """``(N,)`` fold number (0 .. n_folds-1) of each item: whole groups per fold, each fold's
    label mix close to the whole (scikit-learn's ``StratifiedGroupKFold``, shuffled by
    ``seed``). Fewer folds than ``n_folds`` are used when there are fewer groups."""
    from sklearn.model_selection import StratifiedGroupKFold

    n_groups = len(set(groups))
    out = np.zeros(len(labels), dtype=np.int64)
    if n_groups < 2:
        return out
    largest = max(Counter(labels).values())
    k = min(n_folds, n_groups)
    if largest < k:  # scikit-learn needs a class with at least k members: deal groups out
        order = {g: i for i, g in enumerate(dict.fromkeys(groups))}
        return np.array([order[g] % k for g in groups], dtype=np.int64)
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    y = np.asarray(labels)
    # a label with fewer members than folds only warns; the folds are still whole groups
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for fold, (_, held) in enumerate(splitter.split(np.zeros(len(y)), y, list(groups))):
            out[held] = fold
    return out


def split_by_group(
    data: LabelledData, groups: Sequence[str], dev_ratio: float, seed: int = 0
) -> tuple[LabelledData, LabelledData, list[str]]:
    """(train, dev, train groups): about ``dev_ratio`` of the queries held out as whole
    groups, stratified by first label; a label whose queries all fall in dev moves back to
    training (it could not be learned otherwise). OOD queries split at the same ratio."""
    import random

    if not 0.0 < dev_ratio < 1.0:
        raise ValueError("dev_ratio must be between 0 and 1")
    n_folds = max(2, round(1 / dev_ratio))
    folds = group_folds(data.first_labels, groups, n_folds, seed)
    dev_mask = folds == 0
    for label in set(data.first_labels):
        rows = [i for i, y in enumerate(data.first_labels) if y == label]
        if all(dev_mask[i] for i in rows):
            dev_mask[rows] = False
    train = [ex for ex, d in zip(data.examples, dev_mask, strict=True) if not d]
    dev = [ex for ex, d in zip(data.examples, dev_mask, strict=True) if d]
    train_groups = [g for g, d in zip(groups, dev_mask, strict=True) if not d]
    ood = data.ood[:]
    random.Random(seed).shuffle(ood)
    n_ood = round(len(ood) * dev_ratio)
    return data.subset(train, ood[n_ood:]), data.subset(dev, ood[:n_ood]), train_groups
