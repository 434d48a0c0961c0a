"""When a classifier should answer ``fallback``, for any method.

A query that belongs to no class should not be forced into one. Every classifier applies a
:class:`FallbackPolicy` (minimum top score, minimum gap to the second label); :func:`choose_policy`
picks its two thresholds from in-domain scores (out-of-fold scores of the training queries, see
:mod:`kodial.classify.calibration`) and from out-of-domain (OOD) queries when there are some:

- without OOD queries, the thresholds are the loosest that still let ``target_recall`` of the
  in-domain dev queries through (the lowest-scoring ``1 - target_recall`` fall back);
- with OOD queries, every (min_score, min_margin) pair on a grid of in-domain score quantiles that
  keeps in-domain recall >= ``target_recall`` is tried, and the one that rejects the most OOD
  queries wins.

Scores are only compared within one classifier, so this works whatever the scores mean
(probabilities, entailment probabilities, cosine similarities).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from kodial.config import Config
from kodial.errors import KodialError


class FallbackPolicy(Config):
    """When to answer ``fallback`` instead of the top label: the thresholds saved with a model
    (``manifest.json``, key ``fallback``), picked by :func:`choose_policy`."""

    min_score: float = 0.0
    """Fall back when the top label's (calibrated) score is below this."""
    min_margin: float = 0.0
    """Fall back when top score minus second score is below this (an ambiguous query)."""

    def decide(self, ranked: Sequence[float]) -> str | None:
        """``'low_score'``, ``'ambiguous'`` or None (no fallback) for scores sorted high to low."""
        if not len(ranked):
            return "no_labels"
        if ranked[0] < self.min_score:
            return "low_score"
        if len(ranked) > 1 and ranked[0] - ranked[1] < self.min_margin:
            return "ambiguous"
        return None


GRID_SIZE = 40
"""Threshold candidates per axis (quantiles of the in-domain scores) in the OOD grid search."""


def top_two(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top score and margin to the second label per row: ``(N, L) -> (N,), (N,)``.

    With a single label the margin is the top score itself (nothing competes with it).
    """
    if scores.ndim != 2:
        raise ValueError(f"expected (N, L) scores, got shape {scores.shape}")
    if scores.shape[1] == 0:
        return np.zeros(len(scores)), np.zeros(len(scores))
    part = -np.sort(-scores, axis=1)  # (N, L) descending
    top = part[:, 0]
    second = part[:, 1] if scores.shape[1] > 1 else np.zeros(len(scores))
    return top, top - second


def falls_back(scores: np.ndarray, policy: FallbackPolicy) -> np.ndarray:
    """Boolean ``(N,)``: which rows the policy sends to fallback (same rule as
    :meth:`FallbackPolicy.decide`)."""
    top, margin = top_two(scores)
    out = top < policy.min_score
    if scores.shape[1] > 1:
        out |= margin < policy.min_margin
    return np.asarray(out)


def auroc(positive: np.ndarray, negative: np.ndarray) -> float | None:
    """Area under the ROC curve for telling ``positive`` scores (in-domain) above ``negative``
    ones (OOD); ties count one half. None when either side is empty."""
    if not len(positive) or not len(negative):
        return None
    both = np.concatenate([positive, negative])
    order = np.argsort(both, kind="mergesort")
    ranks = np.empty(len(both))
    sorted_vals = both[order]
    # average ranks over ties (1-based)
    _, first, counts = np.unique(sorted_vals, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    n_pos, n_neg = len(positive), len(negative)
    u = ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


@dataclass
class FallbackMetrics:
    """How a fallback policy behaves on in-domain dev queries and OOD queries."""

    min_score: float
    min_margin: float
    n_in_domain: int
    n_ood: int
    false_fallback_rate: float
    """Fraction of in-domain queries that fall back (1 - in-domain recall)."""
    in_domain_recall: float
    """Fraction of in-domain queries answered with a label."""
    ood_detection_rate: float | None
    """Fraction of OOD queries that fall back (None without OOD queries)."""
    ood_auroc: float | None
    """AUROC of the top score as an in-domain detector (1.0 perfect, 0.5 chance)."""
    target_recall: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fallback_metrics(
    in_scores: np.ndarray,
    ood_scores: np.ndarray | None,
    policy: FallbackPolicy,
    target_recall: float | None = None,
) -> FallbackMetrics:
    """Metrics of ``policy`` on ``(N, L)`` in-domain and ``(M, L)`` OOD scores."""
    fb_in = falls_back(in_scores, policy)
    has_ood = ood_scores is not None and len(ood_scores) > 0
    fb_ood = falls_back(ood_scores, policy) if has_ood and ood_scores is not None else None
    top_in, _ = top_two(in_scores)
    top_ood = top_two(ood_scores)[0] if has_ood and ood_scores is not None else np.zeros(0)
    n = len(in_scores)
    return FallbackMetrics(
        min_score=policy.min_score,
        min_margin=policy.min_margin,
        n_in_domain=n,
        n_ood=len(top_ood),
        false_fallback_rate=float(fb_in.mean()) if n else 0.0,
        in_domain_recall=float(1.0 - fb_in.mean()) if n else 1.0,
        ood_detection_rate=float(fb_ood.mean()) if fb_ood is not None else None,
        ood_auroc=auroc(top_in, top_ood),
        target_recall=target_recall,
    )


def _loosest(values: np.ndarray, target_recall: float) -> int:
    """How many of the lowest ``values`` may fall back while ``target_recall`` still holds."""
    return int(np.floor(len(values) * (1.0 - target_recall) + 1e-9))


def _candidates(values: np.ndarray, target_recall: float) -> np.ndarray:
    """Threshold candidates ``(<= GRID_SIZE + 1,)``: 0 plus order statistics of ``values`` from
    the lowest up to the ``k``-th, where ``k`` in-domain queries may fall back (a higher
    threshold alone would already reject too many in-domain queries)."""
    ordered = np.sort(values)
    k = min(_loosest(values, target_recall), len(values) - 1)
    idx = np.unique(np.round(np.linspace(0, k, GRID_SIZE)).astype(int))
    return np.unique(np.concatenate([[0.0], ordered[idx]]))


def choose_policy(
    in_scores: np.ndarray,
    ood_scores: np.ndarray | None = None,
    target_recall: float = 0.95,
    use_margin: bool = True,
) -> FallbackPolicy:
    """Thresholds from ``(N, L)`` in-domain scores (and ``(M, L)`` OOD scores): the policy that
    rejects the most OOD queries while answering at least ``target_recall`` of in-domain ones.

    ``use_margin=False`` keeps ``min_margin`` at 0: for multi-label scores, two high labels are
    an answer, not an ambiguity.

    >>> import numpy as np
    >>> ind = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.95, 0.05]])
    >>> choose_policy(ind, target_recall=0.75).min_score
    0.8
    """
    if not 0.0 < target_recall <= 1.0:
        raise KodialError(f"target recall must be in (0, 1], got {target_recall}")
    if not len(in_scores):
        raise KodialError("no in-domain dev queries to calibrate the fallback on")
    top_in, margin_in = top_two(in_scores)
    has_ood = ood_scores is not None and len(ood_scores) > 0
    if not has_ood or ood_scores is None:
        # Only in-domain evidence: the loosest single threshold meeting the target; values
        # strictly below it fall back, so ties at the threshold stay answered.
        k = min(_loosest(top_in, target_recall), len(top_in) - 1)
        return FallbackPolicy(min_score=float(np.sort(top_in)[k]), min_margin=0.0)
    top_ood, margin_ood = top_two(ood_scores)
    use_margin = use_margin and in_scores.shape[1] > 1
    s_grid = _candidates(top_in, target_recall)  # (S,)
    m_grid = _candidates(margin_in, target_recall) if use_margin else np.zeros(1)  # (G,)
    best: tuple[float, float, int, int] = (-1.0, -1.0, 0, 0)
    for s, min_score in enumerate(s_grid):
        # (G, N) / (G, M): which queries each margin threshold answers / rejects at this score
        keep_in = (top_in >= min_score)[None, :] & (margin_in[None, :] >= m_grid[:, None])
        rej_ood = (top_ood < min_score)[None, :] | (margin_ood[None, :] < m_grid[:, None])
        recall = keep_in.mean(axis=1)  # (G,)
        rejected = rej_ood.mean(axis=1)  # (G,)
        for g in np.flatnonzero(recall >= target_recall - 1e-12):
            # most OOD rejected; ties go to the higher in-domain recall, then lower thresholds
            cand = (float(rejected[g]), float(recall[g]), s, int(g))
            if cand[:2] > best[:2]:
                best = cand
    return FallbackPolicy(min_score=float(s_grid[best[2]]), min_margin=float(m_grid[best[3]]))
