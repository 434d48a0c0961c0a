"""Evaluating any classifier on labelled data: the :class:`Report`.

:func:`evaluate` scores the data once, in batches, and takes every decision through the
classifier's own predict path (:meth:`~kodial.classify.base.Classifier.predict`, the one the CLI,
the assistant and the service use), so the numbers are those of the served model:

- single-label: top-1 accuracy and macro-F1 (the ranking alone), the same **after fallback**
  (a query that falls back counts as wrong: what a user gets), top-k accuracy, per-class
  precision/recall/F1, the confusion matrix;
- multi-label: micro, macro and samples F1, subset accuracy, per-label precision/recall/F1,
  with each label's calibrated threshold;
- the fallback: false-fallback rate on the in-domain queries, OOD detection and AUROC when the
  data has out-of-domain queries, and accuracy counting a fallback on an OOD query as right;
- latency (batch and single query), and a sample of errors.

Writing the report, and comparing two, is :mod:`kodial.classify.reports`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from kodial.classify.base import Classifier
from kodial.classify.calibration import CalibrationReport
from kodial.classify.cleaning import DataReport
from kodial.classify.data import LabelledData
from kodial.classify.fallback import auroc, top_two
from kodial.errors import KodialError

LATENCY_BATCH = 32
"""Batch size used to score the data; batch latency is per query, amortised over a batch."""
LATENCY_SINGLE = 50
"""Queries timed one call each (the interactive case)."""


class ClassMetrics(BaseModel):
    precision: float
    recall: float
    f1: float
    support: int


class Report(BaseModel):
    """Everything :func:`evaluate` measured; ``report.json`` holds it."""

    method: str
    data: str | None
    n: int
    labels: list[str]
    multi_label: bool
    metrics: dict[str, float]
    """Single-label: accuracy, macro_f1 (top-1, before fallback), accuracy_with_fallback,
    macro_f1_with_fallback, top-k accuracies. Multi-label: micro_f1, macro_f1, samples_f1,
    subset_accuracy (after fallback)."""
    per_class: dict[str, ClassMetrics]
    confusion: list[list[int]] = Field(default_factory=list)
    """Single-label: rows are gold labels, columns the top-1 prediction (before fallback), both
    in ``labels`` order."""
    fallback: dict[str, Any] = Field(default_factory=dict)
    latency_ms: dict[str, float] = Field(default_factory=dict)
    errors: list[dict[str, Any]] = Field(default_factory=list)
    """A sample of misclassified queries (text, gold, predicted, score)."""
    model: str | None = None
    noise: dict[str, dict[str, float]] = Field(default_factory=dict)
    """Accuracy and macro-F1 on noised copies of the queries, per kind of noise (spacing, typo,
    ending): see :mod:`kodial.classify.noise`."""
    calibration: CalibrationReport | None = None
    """Training reports: where the calibration and thresholds came from, what they promise."""
    data_report: DataReport | None = None
    """Training reports: what reading the data kept, dropped and resolved."""
    warnings: list[str] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        return cls.model_validate(d)


def _prf(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-class precision, recall and F1 from (L,) counts (0 where undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        r = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
    return p, r, f


def timed_scores(
    clf: Classifier, texts: list[str], labels: list[str]
) -> tuple[np.ndarray, dict[str, float]]:
    """Score ``texts`` in batches of :data:`LATENCY_BATCH` -> (N, L) scores and latency stats.

    ``batch_p50/p95``: per-query time (batch time / batch size) over the batches, after one
    warm-up batch (lazy loading, first-call allocations and caches are not the latency a running
    service sees); ``single_p50/p95``: one ``predict_scores`` call per query on the first
    :data:`LATENCY_SINGLE` queries, after one warm-up call.
    """
    out = []
    per_query = []
    if texts:
        clf.predict_scores(texts[:LATENCY_BATCH], labels)
    for i in range(0, len(texts), LATENCY_BATCH):
        batch = texts[i : i + LATENCY_BATCH]
        t0 = time.perf_counter()
        out.append(np.asarray(clf.predict_scores(batch, labels), dtype=np.float64))
        per_query.append((time.perf_counter() - t0) / len(batch) * 1e3)
    scores = np.vstack(out) if out else np.zeros((0, len(labels)))
    single = []
    sample = texts[:LATENCY_SINGLE]
    if sample:
        clf.predict_scores(sample[:1], labels)
        for t in sample:
            t0 = time.perf_counter()
            clf.predict_scores([t], labels)
            single.append((time.perf_counter() - t0) * 1e3)
    latency = {
        "batch_size": float(LATENCY_BATCH),
        "batch_p50": float(np.percentile(per_query, 50)) if per_query else 0.0,
        "batch_p95": float(np.percentile(per_query, 95)) if per_query else 0.0,
        "single_p50": float(np.percentile(single, 50)) if single else 0.0,
        "single_p95": float(np.percentile(single, 95)) if single else 0.0,
    }
    return scores, latency


def evaluation_labels(
    clf: Classifier, data: LabelledData, labels: Sequence[str] | None = None
) -> list[str]:
    """The candidate labels to score: given ones, else the data's labels for methods that take
    labels at predict time, else the fitted ones. Gold labels outside them are an error."""
    if labels is not None:
        cands = list(dict.fromkeys(labels))
    elif clf.labels_at == "predict" and not clf.labels:
        cands = data.labels
    else:
        cands = clf.candidate_labels(None)
    missing = sorted(set(data.labels) - set(cands))
    if missing:
        raise KodialError(
            f"the data has label(s) the classifier cannot predict: {', '.join(missing)}",
            hint=f"it knows: {', '.join(cands)}",
        )
    return cands


def single_label_metrics(
    scores: np.ndarray, gold_idx: np.ndarray, answered: np.ndarray, top_k: Sequence[int]
) -> tuple[dict[str, float], np.ndarray, tuple[np.ndarray, ...]]:
    """(metrics, confusion matrix, per-class (P, R, F1)) of (N, L) scores against gold column
    indices (N,); ``answered`` (N,) is False where the query fell back."""
    n_labels = scores.shape[1]
    top1 = scores.argmax(1)
    cm = np.zeros((n_labels, n_labels), dtype=int)
    np.add.at(cm, (gold_idx, top1), 1)
    tp = np.diag(cm)
    prf = _prf(tp, cm.sum(0) - tp, cm.sum(1) - tp)
    present = cm.sum(1) > 0
    metrics = {
        "accuracy": float((top1 == gold_idx).mean()),
        "macro_f1": float(prf[2][present].mean()),
    }
    # after fallback: a query that falls back is a miss for its class and nobody's hit
    hit = (top1 == gold_idx) & answered
    tp_fb = np.bincount(gold_idx[hit], minlength=n_labels)
    fp_fb = np.bincount(top1[answered & ~hit], minlength=n_labels)
    fn_fb = np.bincount(gold_idx, minlength=n_labels) - tp_fb
    metrics["accuracy_with_fallback"] = float(hit.mean())
    metrics["macro_f1_with_fallback"] = float(_prf(tp_fb, fp_fb, fn_fb)[2][present].mean())
    ranks = (scores > scores[np.arange(len(scores)), gold_idx][:, None]).sum(1)  # (N,)
    for k in top_k:
        metrics[f"top{k}_accuracy"] = float((ranks < k).mean())
    return metrics, cm, prf


def evaluate(
    clf: Classifier,
    data: LabelledData,
    labels: Sequence[str] | None = None,
    top_k: Sequence[int] = (1, 3),
    model: str | None = None,
    n_errors: int = 20,
    noise: Sequence[str] = (),
) -> Report:
    """Evaluate ``clf`` on ``data`` (and on ``data.ood`` for the fallback metrics).

    ``labels``: candidate labels (default: see :func:`evaluation_labels`); ``top_k``: which top-k
    accuracies to report; ``model``: a name or path recorded in the report; ``noise``: kinds of
    noise (:data:`kodial.classify.noise.NOISES`) to measure robustness with.
    """
    if not len(data):
        raise KodialError("no labelled queries to evaluate on")
    cands = evaluation_labels(clf, data, labels)
    n_labels = len(cands)
    index = {lab: i for i, lab in enumerate(cands)}
    scores, latency = timed_scores(clf, data.texts, cands)  # (N, L)
    preds = clf.predict(data.texts, cands, scores=scores)
    answered = np.array([not p.fallback for p in preds])
    ood_preds = []
    ood_scores = np.zeros((0, n_labels))
    if data.ood:
        ood_scores = np.asarray(clf.predict_scores(list(data.ood), cands))  # (M, L)
        ood_preds = clf.predict(list(data.ood), cands, scores=ood_scores)
    gold = np.zeros((len(data), n_labels), dtype=bool)  # (N, L) multi-hot
    for n, ex in enumerate(data.examples):
        gold[n, [index[lab] for lab in ex.labels]] = True

    confusion: list[list[int]] = []
    errors: list[dict[str, Any]] = []
    multi = data.multi_label or clf.multi_label
    if multi:
        pred = np.zeros_like(gold)
        for n, prediction in enumerate(preds):
            pred[n, [index[lab] for lab in prediction.labels if lab in index]] = True
        tp, fp, fn = (pred & gold).sum(0), (pred & ~gold).sum(0), (~pred & gold).sum(0)
        p, r, f = _prf(tp, fp, fn)
        micro = _prf(np.array([tp.sum()]), np.array([fp.sum()]), np.array([fn.sum()]))[2][0]
        row_tp = (pred & gold).sum(1)
        samples = np.where(
            pred.sum(1) + gold.sum(1) > 0, 2 * row_tp / np.maximum(pred.sum(1) + gold.sum(1), 1), 0
        )
        metrics = {
            "micro_f1": float(micro),
            "macro_f1": float(f.mean()),
            "samples_f1": float(samples.mean()),
            "subset_accuracy": float((pred == gold).all(1).mean()),
        }
        for n in np.flatnonzero(~(pred == gold).all(1))[:n_errors]:
            errors.append(
                {
                    "text": data.texts[n],
                    "gold": list(data.examples[n].labels),
                    "predicted": preds[n].labels,
                }
            )
    else:
        gold_idx = gold.argmax(1)  # (N,)
        metrics, cm, (p, r, f) = single_label_metrics(scores, gold_idx, answered, top_k)
        confusion = cm.tolist()
        top1 = scores.argmax(1)
        for n in np.flatnonzero(top1 != gold_idx)[:n_errors]:
            errors.append(
                {
                    "text": data.texts[n],
                    "gold": cands[gold_idx[n]],
                    "predicted": cands[top1[n]],
                    "score": round(float(scores[n, top1[n]]), 4),
                }
            )
    support = gold.sum(0)
    per_class = {
        lab: ClassMetrics(
            precision=float(p[i]), recall=float(r[i]), f1=float(f[i]), support=int(support[i])
        )
        for i, lab in enumerate(cands)
    }
    report = Report(
        method=clf.name,
        data=data.source,
        n=len(data),
        labels=cands,
        multi_label=multi,
        metrics=metrics,
        per_class=per_class,
        confusion=confusion,
        fallback=fallback_summary(clf, scores, answered, ood_scores, ood_preds, gold, multi),
        latency_ms=latency,
        errors=errors,
        model=model,
    )
    if noise and not multi:
        report.noise = noise_metrics(clf, data, cands, noise)
    top = top_two(scores)[0]
    if len(top) and (top >= 0.9999).mean() > 0.5:
        report.warnings.append(
            f"scores saturate: {(top >= 0.9999).mean():.0%} of the top scores are >= 0.9999; "
            "if these queries are paraphrases of training queries, this measures memory, not "
            "new wordings (split by paraphrase group: a 'group' column)"
        )
    return report


def fallback_summary(
    clf: Classifier,
    scores: np.ndarray,
    answered: np.ndarray,
    ood_scores: np.ndarray,
    ood_preds: list[Any],
    gold: np.ndarray,
    multi: bool,
) -> dict[str, Any]:
    """The fallback policy and what it did: false-fallback rate, OOD detection and AUROC,
    accuracy on the answered queries, accuracy with OOD queries counted right on fallback."""
    policy = clf.fallback
    out: dict[str, Any] = {
        "min_score": policy.min_score,
        "min_margin": policy.min_margin,
        "n_in_domain": len(scores),
        "n_ood": len(ood_scores),
        "false_fallback_rate": float(1 - answered.mean()) if len(answered) else 0.0,
        "in_domain_recall": float(answered.mean()) if len(answered) else 1.0,
        "ood_detection_rate": (
            float(np.mean([p.fallback for p in ood_preds])) if ood_preds else None
        ),
        "ood_auroc": auroc(top_two(scores)[0], top_two(ood_scores)[0]),
        "reasons": {
            reason: int(n)
            for reason, n in zip(
                *np.unique(
                    [p.fallback_reason for p in ood_preds if p.fallback_reason] or [""],
                    return_counts=True,
                ),
                strict=True,
            )
            if reason
        },
    }
    if not multi and len(scores):
        correct = scores.argmax(1) == gold.argmax(1)
        out["accuracy_answered"] = float(correct[answered].mean()) if answered.any() else 0.0
        out["accuracy_with_fallback"] = float((correct & answered).mean())
        if ood_preds:
            right = (correct & answered).sum() + sum(p.fallback for p in ood_preds)
            out["accuracy_with_ood"] = float(right / (len(scores) + len(ood_preds)))
    return out


def noise_metrics(
    clf: Classifier, data: LabelledData, labels: list[str], kinds: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Per noise kind: top-1 accuracy and macro-F1 on noised copies of the queries (copies the
    noise left unchanged count as they are), and the share of queries it changed."""
    from kodial.classify.noise import noisy_copies

    index = {lab: i for i, lab in enumerate(labels)}
    gold_idx = np.array([index[ex.labels[0]] for ex in data.examples])
    out = {}
    for kind in kinds:
        texts = noisy_copies(data.texts, kind)  # type: ignore[arg-type]
        scores = clf.predict_scores(texts, labels)
        answered = np.array([not p.fallback for p in clf.predict(texts, labels, scores=scores)])
        metrics, _, _ = single_label_metrics(scores, gold_idx, answered, ())
        changed = float(np.mean([a != b for a, b in zip(texts, data.texts, strict=True)]))
        out[kind] = {
            "accuracy": metrics["accuracy"],
            "macro_f1": metrics["macro_f1"],
            "accuracy_with_fallback": metrics["accuracy_with_fallback"],
            "changed": changed,
        }
    return out
