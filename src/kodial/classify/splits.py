"""Honest splits: queries that are paraphrases of each other stay on one side.

Labelled query sets are full of near-copies (ten paraphrases of one question, a template filled
with different words, the same review posted twice). A dev split or a cross-validation fold that
puts one paraphrase in training and its twin in evaluation measures memory, not understanding:
dev accuracy 0.9996, scores that saturate at 0.99999, and fallback thresholds that reject a third
of real traffic. So every split here is by **group**:

- a ``group`` column in the data (:attr:`Example.group <kodial.classify.data.Example>`), when
  there is one;
- else **near-duplicate clusters** (:func:`near_duplicate_groups`): texts equal after
  normalisation (case, spacing, punctuation), or whose character 3-gram sets overlap by at least
  ``threshold`` (Jaccard, found with MinHash locality-sensitive hashing, then checked exactly).

Splits and folds are stratified by the (first) label, as far as whole groups allow.

>>> near_duplicate_groups(["내일 비 와?", "내일 비와", "코스피 지수 알려줘"])
[0, 0, 1]
"""

from __future__ import annotations

import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from kodial.classify.data import LabelledData
from kodial.classify.options import GroupBy

SIMILARITY = 0.6
"""Jaccard overlap of character 3-gram sets from which two texts count as near-duplicates."""

_PERMUTATIONS = 60
_ROWS = 3  # MinHash rows per band: 20 bands of 3 find pairs at Jaccard 0.6 with p = 0.99
_PRIME = (1 << 61) - 1
_BUCKET_LIMIT = 400
"""A band value shared by more texts than this is a common fragment (an ending such as 알려줘),
not a sign of duplication: its texts are not compared pairwise."""


def text_key(text: str) -> str:
    """What near-duplicates share: NFKC, lower case, no spaces, punctuation or symbols.

    >>> text_key("내일, 비 와?") == text_key("내일 비와")
    True
    """
    norm = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in norm if unicodedata.category(ch)[0] not in "PSZC")


def _shingles(key: str) -> set[int]:
    grams = {key[i : i + 3] for i in range(len(key) - 2)} or {key}
    return {zlib.crc32(g.encode("utf-8")) for g in grams}


def _minhash(sets: list[set[int]], seed: int = 0) -> np.ndarray:
    """(N, P) MinHash signatures of hashed shingle sets."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 31, _PERMUTATIONS, dtype=np.uint64)
    b = rng.integers(0, 1 << 31, _PERMUTATIONS, dtype=np.uint64)
    lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    values = np.fromiter((h for s in sets for h in s), dtype=np.uint64, count=int(lengths.sum()))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    out = np.empty((len(sets), _PERMUTATIONS), dtype=np.uint64)
    for p in range(_PERMUTATIONS):
        # (a*h + b) mod 2^61-1 with h < 2^32 and a, b < 2^31: no uint64 overflow
        hashed = (a[p] * values + b[p]) % np.uint64(_PRIME)
        out[:, p] = np.minimum.reduceat(hashed, starts)
    return out


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
    threshold: float = SIMILARITY,
    max_group: int | None = None,
) -> list[int]:
    """A cluster id per text (0, 1, ... in order of first appearance): equal normalised texts,
    and texts whose character 3-gram Jaccard overlap reaches ``threshold``. Clusters stop
    growing at ``max_group`` members (default: 2% of the texts, at least 20)."""
    if not texts:
        return []
    keys = [text_key(t) for t in texts]
    unique = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(unique)}
    limit = max_group or max(20, len(texts) // 50)
    counts = Counter(keys)
    clusters = _Clusters(len(unique), limit)
    clusters.size = [counts[k] for k in unique]
    if threshold < 1.0 and len(unique) > 1:
        sets = [_shingles(k) for k in unique]
        signatures = _minhash(sets)
        pairs: set[tuple[int, int]] = set()
        for band in range(_PERMUTATIONS // _ROWS):
            cols = signatures[:, band * _ROWS : (band + 1) * _ROWS]
            buckets: dict[bytes, list[int]] = defaultdict(list)
            for i, row in enumerate(cols):
                buckets[row.tobytes()].append(i)
            for members in buckets.values():
                if 1 < len(members) <= _BUCKET_LIMIT:
                    pairs.update(
                        (members[x], members[y])
                        for x in range(len(members))
                        for y in range(x + 1, len(members))
                    )
        scored = []
        for i, j in pairs:
            inter = len(sets[i] & sets[j])
            jaccard = inter / (len(sets[i]) + len(sets[j]) - inter)
            if jaccard >= threshold:
                scored.append((-jaccard, i, j))
        for _, i, j in sorted(scored):  # closest pairs first, so the size limit cuts far links
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
    ids = near_duplicate_groups(data.texts)
    n_groups = len(set(ids))
    return (
        [f"d{i}" for i in ids],
        f"near-duplicates ({n_groups} groups of {len(ids)} queries: equal after normalising "
        f"spacing and punctuation, or character 3-gram overlap >= {SIMILARITY})",
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
