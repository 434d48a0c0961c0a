"""Scores that mean what they say, and fallback thresholds that hold on new queries.

A model's scores on queries it was trained on, or on paraphrases of them, are overconfident:
fallback thresholds picked on such scores promise 5% false fallback and deliver 30%. So every
number here comes from **out-of-fold** scores: the training queries are cut into k folds (whole
paraphrase groups per fold, see :mod:`kodial.classify.splits`), and each query is scored by a
model fitted on the other folds, the way a new query meets the final model.

From those scores:

- single-label: one **temperature** ``T`` (``softmax(log p / T)``, minimum log loss), which
  keeps the ranking and makes a 0.9 right about 9 times in 10;
- multi-label: per label a **Platt** sigmoid on the score's logit, then per label the decision
  threshold with the best F1;
- the :class:`~kodial.classify.fallback.FallbackPolicy` thresholds (:func:`choose_policy
  <kodial.classify.fallback.choose_policy>`) at the target in-domain recall, with the OOD
  queries when there are some;
- a :class:`CalibrationReport`: the expected false-fallback rate and where it came from, the
  calibration error before and after, and a warning when scores saturate (near-duplicates across
  folds that no group column or similarity caught).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, Field

from kodial.classify.fallback import FallbackPolicy, choose_policy, falls_back, top_two
from kodial.config import Config

if TYPE_CHECKING:
    from kodial.classify.base import Classifier
    from kodial.classify.data import LabelledData

SATURATED = 0.9999
"""A top score at least this high counts as saturated."""

EPS = 1e-12


class Calibration(Config):
    """How a model's raw scores become calibrated ones (``manifest.json``, key
    ``calibration``); fitted on out-of-fold scores by :func:`calibrate`."""

    kind: Literal["none", "temperature", "platt"] = "none"
    """none: raw scores as they are; temperature: single-label softmax(log p / T); platt:
    multi-label, per label sigmoid(a * logit(p) + b)."""
    temperature: float = Field(default=1.0, gt=0)
    """Single-label temperature (above 1 softens overconfident scores)."""
    platt: dict[str, tuple[float, float]] = Field(default_factory=dict)
    """Multi-label: label -> (a, b)."""
    thresholds: dict[str, float] = Field(default_factory=dict)
    """Multi-label: label -> the calibrated score from which the label is predicted."""
    default_threshold: float = Field(default=0.5, ge=0, le=1)
    """Multi-label threshold of a label without its own."""

    def apply(self, raw: np.ndarray, labels: Sequence[str], multi_label: bool) -> np.ndarray:
        """(N, L) calibrated scores of ``raw`` scores for ``labels``."""
        # scipy is imported where it is used: importing it takes a few tenths of a second
        # (scipy.optimize half a second more), and every ``kodial`` command imports this module
        # through the CLI's classify group, most of them without calibrating anything
        from scipy.special import expit, logit, softmax

        raw = np.asarray(raw, dtype=np.float64)
        if self.kind == "temperature" and not multi_label and self.temperature != 1.0:
            return np.asarray(softmax(np.log(np.clip(raw, EPS, None)) / self.temperature, axis=1))
        if self.kind == "platt" and multi_label and self.platt:
            out = raw.copy()
            for j, lab in enumerate(labels):
                if lab in self.platt:
                    a, b = self.platt[lab]
                    out[:, j] = expit(a * logit(np.clip(raw[:, j], EPS, 1 - EPS)) + b)
            return out
        return raw

    def threshold(self, label: str) -> float:
        return self.thresholds.get(label, self.default_threshold)

    def chosen(self, row: np.ndarray, labels: Sequence[str]) -> list[str]:
        """Multi-label: the labels of a calibrated score row over their thresholds, best first
        (at least the top one)."""
        order = np.argsort(-row, kind="stable")
        picked = [labels[i] for i in order if row[i] >= self.threshold(labels[i])]
        return picked or [labels[int(order[0])]]


PLATT_C = 100.0
"""Inverse L2 strength on the Platt slope (scikit-learn's ``C``; the intercept is free)."""


def fit_temperature(raw: np.ndarray, gold: np.ndarray) -> float:
    """The temperature minimising the log loss of ``softmax(log raw / T)`` on (N, L) scores
    with gold columns ``gold`` (N,), against targets smoothed by Laplace's rule (the gold label
    gets ``1 - 1/(N+2)``): N right answers in a row do not prove the next is certain, and without
    the smoothing perfect out-of-fold accuracy drives T to 0, every score to exactly 1.0, and
    the fallback could no longer tell anything apart."""
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    logits = np.log(np.clip(raw, EPS, None))
    n, n_labels = logits.shape
    eps = 1.0 / (n + 2)
    target = np.full((n, n_labels), eps / max(n_labels - 1, 1))
    target[np.arange(n), gold] = 1.0 - eps

    def nll(log_t: float) -> float:
        return float(-(target * log_softmax(logits / np.exp(log_t), axis=1)).sum(1).mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-6, 6), method="bounded").x))


def fit_platt(raw: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """(L, 2) rows ``(a, b)`` of ``sigmoid(a * logit(raw) + b)`` fitted to the 0/1
    ``positive`` (N, L), one label per column: L logistic regressions with ``C=PLATT_C``
    (scikit-learn's objective) solved at once by Newton's method on each label's 2x2 system
    (one scikit-learn fit per label took 2 s of KOTE's 44-label fit); the identity for a
    label whose column has one class only."""
    from scipy.special import expit, logit

    raw = np.asarray(raw, dtype=np.float64).reshape(len(raw), -1)
    y = np.asarray(positive, dtype=np.float64).reshape(len(raw), -1)
    x = logit(np.clip(raw, EPS, 1 - EPS))  # (N, L)
    n_labels = x.shape[1]
    a, b = np.ones(n_labels), np.zeros(n_labels)

    def loss(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # (L,)
        z = x * a + b
        return (np.logaddexp(0.0, z) - y * z).sum(0) + a * a / (2 * PLATT_C)

    current = loss(a, b)
    for _ in range(100):
        p = expit(x * a + b)  # (N, L)
        w = p * (1 - p)
        g_a, g_b = ((p - y) * x).sum(0) + a / PLATT_C, (p - y).sum(0)
        h_aa, h_ab, h_bb = (w * x * x).sum(0) + 1 / PLATT_C, (w * x).sum(0), w.sum(0) + 1e-9
        det = h_aa * h_bb - h_ab * h_ab
        step_a, step_b = (h_bb * g_a - h_ab * g_b) / det, (h_aa * g_b - h_ab * g_a) / det
        t = np.ones(n_labels)
        for _ in range(30):  # halve each label's step until its loss does not increase
            new = loss(a - t * step_a, b - t * step_b)
            worse = new > current + 1e-12
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
        a, b, current = a - t * step_a, b - t * step_b, new
        if max(np.abs(t * step_a).max(), np.abs(t * step_b).max()) < 1e-9:
            break
    out = np.column_stack([a, b])
    out[~(y.any(axis=0) & ~y.all(axis=0))] = (1.0, 0.0)
    return out


def best_threshold(scores: np.ndarray, positive: np.ndarray) -> float:
    """The decision threshold with the best F1 for one label (0.5 without positives)."""
    if not positive.any():
        return 0.5
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], positive[order].astype(float)
    tp = np.cumsum(y)
    predicted = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (predicted + y.sum())
    # only cut between different scores
    last = np.r_[s[1:] != s[:-1], True]
    best = int(np.argmax(np.where(last, f1, -1)))
    below = s[best + 1] if best + 1 < len(s) else 0.0
    return float(np.clip((s[best] + below) / 2, 0.02, 0.98))


def expected_calibration_error(top: np.ndarray, correct: np.ndarray, bins: int = 15) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by size."""
    if not len(top):
        return 0.0
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(top, edges[1:-1]), 0, bins - 1)
    err = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            err += mask.mean() * abs(correct[mask].mean() - top[mask].mean())
    return float(err)


class CalibrationReport(BaseModel):
    """Where a model's calibration and fallback thresholds came from, and what they promise."""

    method: Literal["out-of-fold", "dev", "none"]
    """out-of-fold: k-fold scores of the training queries; dev: a held-out split; none: scores
    of the queries themselves (methods that learn nothing from them)."""
    folds: int
    n: int
    """In-domain queries scored."""
    n_ood: int
    groups: str
    """How queries were kept together across folds (column, near-duplicates, none)."""
    kind: str
    temperature: float | None = None
    accuracy: float | None = None
    """Top-1 accuracy of the scores calibrated on (single-label)."""
    ece_raw: float | None = None
    """Expected calibration error of the top score before calibration (single-label)."""
    ece: float | None = None
    """... and after."""
    saturated: float
    """Share of those top scores >= 0.9999 after calibration."""
    target_recall: float
    expected_false_fallback: float
    """Share of the in-domain queries calibrated on that fall back: what to expect on new
    in-domain queries (about 1 - target_recall)."""
    expected_ood_detection: float | None = None
    """Share of the OOD queries that fall back (scored by the final model)."""
    policy: FallbackPolicy
    warnings: list[str] = Field(default_factory=list)

    def sentence(self) -> str:
        """The promise in words, for the CLI and the report."""
        how = {
            "out-of-fold": f"{self.folds}-fold out-of-fold scores of {self.n} training queries "
            f"(groups: {self.groups})",
            "dev": f"{self.n} held-out dev queries (groups: {self.groups})",
            "none": f"scores of {self.n} labelled queries (the method learns nothing from them)",
        }[self.method]
        ood = (
            f", {self.expected_ood_detection:.1%} of {self.n_ood} OOD queries rejected"
            if self.expected_ood_detection is not None
            else ""
        )
        return (
            f"expected false fallback {self.expected_false_fallback:.1%} on new in-domain "
            f"queries (target recall {self.target_recall:.0%}){ood}; from {how}"
        )


def _fit(
    raw: np.ndarray, data: LabelledData, labels: Sequence[str], multi_label: bool
) -> Calibration:
    index = {lab: j for j, lab in enumerate(labels)}
    if multi_label:
        gold = np.zeros(raw.shape, dtype=bool)
        for n, ex in enumerate(data.examples):
            gold[n, [index[lab] for lab in ex.labels if lab in index]] = True
        ab = fit_platt(raw, gold)  # (L, 2)
        platt = {lab: (float(ab[j, 0]), float(ab[j, 1])) for j, lab in enumerate(labels)}
        cal = Calibration(kind="platt", platt=platt)
        scores = cal.apply(raw, labels, True)
        cal.thresholds = {
            lab: best_threshold(scores[:, j], gold[:, j]) for j, lab in enumerate(labels)
        }
        return cal
    gold_idx = np.array([index[ex.labels[0]] for ex in data.examples])
    scored = raw.sum(1) > 0  # a row whose labels were all missing from its fold's training
    if scored.sum() < 2:
        return Calibration()
    return Calibration(
        kind="temperature", temperature=fit_temperature(raw[scored], gold_idx[scored])
    )


def calibrate(
    clf: Classifier,
    data: LabelledData,
    raw: np.ndarray,
    *,
    method: Literal["out-of-fold", "dev", "none"],
    folds: int,
    groups: str,
    target_recall: float = 0.95,
    ood: Sequence[str] = (),
) -> CalibrationReport:
    """Fit ``clf.calibration`` and ``clf.fallback`` on ``raw`` (N, L) scores of ``data`` for
    ``clf.labels`` (out-of-fold, dev or own scores, as ``method`` says) and the OOD queries
    ``ood`` (scored by ``clf`` itself), and report what they promise."""
    labels = clf.labels
    clf.calibration = _fit(raw, data, labels, clf.multi_label)
    scores = clf.calibrated(raw, labels)  # (N, L)
    ood_scores = clf.predict_scores(list(ood), labels) if len(ood) else None  # (M, L)
    policy = choose_policy(scores, ood_scores, target_recall, use_margin=not clf.multi_label)
    clf.fallback = policy
    top, _ = top_two(scores)
    report = CalibrationReport(
        method=method,
        folds=folds,
        n=len(data),
        n_ood=len(ood),
        groups=groups,
        kind=clf.calibration.kind,
        temperature=clf.calibration.temperature if clf.calibration.kind == "temperature" else None,
        saturated=float((top >= SATURATED).mean()) if len(top) else 0.0,
        target_recall=target_recall,
        expected_false_fallback=float(falls_back(scores, policy).mean()) if len(scores) else 0.0,
        expected_ood_detection=(
            float(falls_back(ood_scores, policy).mean()) if ood_scores is not None else None
        ),
        policy=policy,
    )
    if not clf.multi_label:
        index = {lab: j for j, lab in enumerate(labels)}
        gold = np.array([index[ex.labels[0]] for ex in data.examples])
        correct = scores.argmax(1) == gold
        report.accuracy = float(correct.mean())
        report.ece_raw = expected_calibration_error(top_two(raw)[0], correct)
        report.ece = expected_calibration_error(top, correct)
    if report.saturated > 0.5:
        report.warnings.append(
            f"scores saturate: {report.saturated:.0%} of the top scores calibrated on are "
            f">= {SATURATED} ({method} accuracy {report.accuracy or 0:.4f}). Queries that are "
            "paraphrases of each other may sit on both sides of the split, which makes the "
            "thresholds too strict for new wordings: give each query's paraphrase set in a "
            "'group' column (--group-field)"
        )
    return report
