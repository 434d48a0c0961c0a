"""Evaluating any classifier on labelled data, writing the report, comparing two reports.

:func:`evaluate` scores the data once, in batches, and derives everything from those scores:
accuracy, macro-F1, per-class precision/recall/F1, top-k accuracy, the confusion matrix, the
fallback behaviour (with OOD queries when the data has some) and latency. Multi-label data gets
micro/macro F1 and subset accuracy instead of the single-label confusion figures.
:func:`write_report` writes ``report.json``, ``report.md`` and ``confusion.png``;
:func:`compare` puts two reports on the same data side by side, per class.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kodial.classify.base import Classifier
from kodial.classify.data import LabelledData
from kodial.classify.fallback import fallback_metrics, falls_back
from kodial.errors import KodialError
from kodial.textio import atomic_write_text

LATENCY_BATCH = 32
"""Batch size used to score the data; batch latency is per query, amortised over a batch."""
LATENCY_SINGLE = 50
"""Queries timed one call each (the interactive case)."""


@dataclass
class ClassMetrics:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Report:
    """Everything :func:`evaluate` measured; ``to_dict`` is what ``report.json`` holds."""

    method: str
    data: str | None
    n: int
    labels: list[str]
    multi_label: bool
    metrics: dict[str, float]
    """accuracy, macro_f1, top_k accuracies (single-label); micro_f1, macro_f1,
    subset_accuracy (multi-label)."""
    per_class: dict[str, ClassMetrics]
    confusion: list[list[int]] = field(default_factory=list)
    """Single-label: rows are gold labels, columns the top-1 prediction (before fallback), both
    in ``labels`` order."""
    fallback: dict[str, Any] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    """A sample of misclassified queries (text, gold, predicted, score)."""
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        d = dict(d)
        d["per_class"] = {k: ClassMetrics(**v) for k, v in d["per_class"].items()}
        return cls(**d)


def _prf(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-class precision, recall and F1 from (L,) counts (0 where undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        r = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
    return p, r, f


def _timed_scores(
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


def evaluate(
    clf: Classifier,
    data: LabelledData,
    labels: Sequence[str] | None = None,
    top_k: Sequence[int] = (1, 3),
    model: str | None = None,
    n_errors: int = 20,
) -> Report:
    """Evaluate ``clf`` on ``data`` (and on ``data.ood`` for the fallback metrics).

    ``labels``: candidate labels (default: see :func:`evaluation_labels`); ``top_k``: which top-k
    accuracies to report; ``model``: a name or path recorded in the report.
    """
    if not len(data):
        raise KodialError("no labelled queries to evaluate on")
    cands = evaluation_labels(clf, data, labels)
    L = len(cands)
    index = {lab: i for i, lab in enumerate(cands)}
    scores, latency = _timed_scores(clf, data.texts, cands)  # (N, L)
    ood_scores = None
    if data.ood:
        ood_scores = np.asarray(clf.predict_scores(list(data.ood), cands))  # (M, L)
    gold = np.zeros((len(data), L), dtype=bool)  # (N, L) multi-hot
    for n, ex in enumerate(data.examples):
        gold[n, [index[lab] for lab in ex.labels]] = True

    metrics: dict[str, float] = {}
    confusion: list[list[int]] = []
    errors: list[dict[str, Any]] = []
    multi = data.multi_label or clf.multi_label
    if multi:
        pred = scores >= clf.multi_label_threshold  # (N, L)
        pred[np.arange(len(pred)), scores.argmax(1)] = True  # at least the top label
        tp = (pred & gold).sum(0)
        fp = (pred & ~gold).sum(0)
        fn = (~pred & gold).sum(0)
        p, r, f = _prf(tp, fp, fn)
        _, _, mf = _prf(np.array([tp.sum()]), np.array([fp.sum()]), np.array([fn.sum()]))
        metrics["micro_f1"] = float(mf[0])
        metrics["macro_f1"] = float(f.mean())
        metrics["subset_accuracy"] = float((pred == gold).all(1).mean())
        wrong = np.flatnonzero(~(pred == gold).all(1))
        for n in wrong[:n_errors]:
            errors.append(
                {
                    "text": data.texts[n],
                    "gold": list(data.examples[n].labels),
                    "predicted": [cands[i] for i in np.flatnonzero(pred[n])],
                }
            )
    else:
        gold_idx = gold.argmax(1)  # (N,)
        top1 = scores.argmax(1)  # (N,)
        cm = np.zeros((L, L), dtype=int)
        np.add.at(cm, (gold_idx, top1), 1)
        tp = np.diag(cm)
        p, r, f = _prf(tp, cm.sum(0) - tp, cm.sum(1) - tp)
        metrics["accuracy"] = float((top1 == gold_idx).mean())
        metrics["macro_f1"] = float(f[cm.sum(1) > 0].mean())
        ranks = (scores > scores[np.arange(len(scores)), gold_idx][:, None]).sum(1)  # (N,)
        for k in top_k:
            metrics[f"top{k}_accuracy"] = float((ranks < k).mean())
        confusion = cm.tolist()
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
        lab: ClassMetrics(float(p[i]), float(r[i]), float(f[i]), int(support[i]))
        for i, lab in enumerate(cands)
    }

    fb = fallback_metrics(scores, ood_scores, clf.fallback).to_dict()
    fb_rows = falls_back(scores, clf.fallback)  # (N,)
    if not multi:
        correct = scores.argmax(1) == gold.argmax(1)
        answered = ~fb_rows
        fb["accuracy_answered"] = float(correct[answered].mean()) if answered.any() else 0.0
        fb["accuracy_with_fallback"] = float((correct & answered).mean())
    return Report(
        method=clf.name,
        data=data.source,
        n=len(data),
        labels=cands,
        multi_label=multi,
        metrics=metrics,
        per_class=per_class,
        confusion=confusion,
        fallback=fb,
        latency_ms=latency,
        errors=errors,
        model=model,
    )


# -- writing --------------------------------------------------------------------------------


def _fmt(x: Any) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.4f}"
    return str(x)


def report_markdown(report: Report) -> str:
    """The report as Markdown: summary, per-class table, fallback, latency, confusion matrix."""
    lines = [
        f"# Evaluation: {report.method}",
        "",
        f"- model: `{report.model or '-'}`",
        f"- data: `{report.data or '-'}` ({report.n} queries, {len(report.labels)} labels"
        f"{', multi-label' if report.multi_label else ''})",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {k} | {_fmt(v)} |" for k, v in report.metrics.items()],
        "",
        "## Per class",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
        *[
            f"| {lab} | {m.precision:.4f} | {m.recall:.4f} | {m.f1:.4f} | {m.support} |"
            for lab, m in report.per_class.items()
        ],
        "",
        "## Fallback",
        "",
        "Policy: fall back when the top score < min_score or top minus second < min_margin. "
        "OOD AUROC uses the top score as the in-domain score.",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {k} | {_fmt(v)} |" for k, v in report.fallback.items()],
        "",
        "## Latency (ms per query)",
        "",
        f"batch_*: `predict_scores` on batches of {int(report.latency_ms.get('batch_size', 0))}, "
        "time per batch divided by its size, percentiles over batches; single_*: one query per "
        f"call on the first {LATENCY_SINGLE} queries.",
        "",
        "| statistic | ms |",
        "|---|---|",
        *[f"| {k} | {v:.3f} |" for k, v in report.latency_ms.items() if k != "batch_size"],
    ]
    if report.confusion:
        lines += [
            "",
            "## Confusion matrix",
            "",
            "Rows: gold label; columns: top-1 prediction (before fallback).",
            "",
            "| gold \\ predicted | " + " | ".join(report.labels) + " |",
            "|---|" + "---|" * len(report.labels),
            *[
                f"| {lab} | " + " | ".join(str(c) for c in row) + " |"
                for lab, row in zip(report.labels, report.confusion, strict=True)
            ],
        ]
    if report.errors:
        lines += ["", "## Sample errors", "", "| text | gold | predicted |", "|---|---|---|"]
        for e in report.errors:
            g = e["gold"] if isinstance(e["gold"], str) else "|".join(e["gold"])
            p = e["predicted"] if isinstance(e["predicted"], str) else "|".join(e["predicted"])
            text = e["text"].replace("|", "\\|")
            lines.append(f"| {text} | {g} | {p} |")
    return "\n".join(lines) + "\n"


def plot_confusion(report: Report, path: Path) -> str | None:
    """Write the confusion matrix as a PNG (row-normalised colours, counts in the cells) and
    return the legend of its label names when a machine without any Korean font had to draw
    them as ``L0``, ``L1`` ... (see :func:`kodial.plots.label_names`)."""
    from kodial.plots import figure, label_names, save

    cm = np.asarray(report.confusion, dtype=float)
    names, legend = label_names(list(report.labels))
    n = len(names)
    size = max(4.0, 0.5 * n + 2.0)
    with figure(figsize=(size, size)) as (fig, ax):
        norm = cm / np.maximum(cm.sum(1, keepdims=True), 1)
        ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(n), names, rotation=45, ha="right")
        ax.set_yticks(range(n), names)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{report.method}: accuracy {report.metrics.get('accuracy', 0):.3f}")
        if n <= 30:
            for i in range(n):
                for j in range(n):
                    if cm[i, j]:
                        ax.text(
                            j,
                            i,
                            str(int(cm[i, j])),
                            ha="center",
                            va="center",
                            fontsize=8,
                            color="white" if norm[i, j] > 0.5 else "black",
                        )
        fig.tight_layout()
        save(fig, path)
    return legend


def write_report(report: Report, out_dir: str | Path) -> list[Path]:
    """Write ``report.json``, ``report.md`` and (single-label) ``confusion.png`` into
    ``out_dir``; each file is written to a temporary sibling first, then renamed."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "report.json", out / "report.md"]
    atomic_write_text(written[0], json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    markdown = report_markdown(report)
    if report.confusion:
        legend = plot_confusion(report, out / "confusion.png")
        written.append(out / "confusion.png")
        markdown += "\n![confusion matrix](confusion.png)\n"
        if legend:  # no Korean font on this machine: say which label each L<i> is
            markdown += "\nLabels in confusion.png:\n\n" + "".join(
                f"- {line}\n" for line in legend.splitlines()
            )
    atomic_write_text(written[1], markdown)
    return written


def load_report(path: str | Path) -> Report:
    """Read a ``report.json`` written by :func:`write_report`."""
    from kodial.textio import read_text

    return Report.from_dict(json.loads(read_text(path)))


# -- comparing --------------------------------------------------------------------------------


@dataclass
class Comparison:
    """Two reports on the same data, side by side."""

    name_a: str
    name_b: str
    overall: list[tuple[str, float | None, float | None]]
    """(metric, value in a, value in b)."""
    per_class: list[tuple[str, int, float, float, float, float]]
    """(label, support, F1 a, F1 b, recall a, recall b)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.name_a,
            "b": self.name_b,
            "overall": [{"metric": m, "a": a, "b": b} for m, a, b in self.overall],
            "per_class": [
                {"label": lab, "support": s, "f1_a": fa, "f1_b": fb, "recall_a": ra, "recall_b": rb}
                for lab, s, fa, fb, ra, rb in self.per_class
            ],
        }

    def markdown(self) -> str:
        lines = [
            f"# Comparison: A = {self.name_a}, B = {self.name_b}",
            "",
            "| metric | A | B | B - A |",
            "|---|---|---|---|",
        ]
        for m, a, b in self.overall:
            delta = f"{b - a:+.4f}" if a is not None and b is not None else "n/a"
            lines.append(f"| {m} | {_fmt(a)} | {_fmt(b)} | {delta} |")
        lines += [
            "",
            "| label | support | F1 A | F1 B | F1 B - A | recall A | recall B |",
            "|---|---|---|---|---|---|---|",
        ]
        for lab, s, fa, fb, ra, rb in self.per_class:
            lines.append(
                f"| {lab} | {s} | {fa:.4f} | {fb:.4f} | {fb - fa:+.4f} | {ra:.4f} | {rb:.4f} |"
            )
        return "\n".join(lines) + "\n"


def compare(report_a: Report, report_b: Report) -> Comparison:
    """Per-class side-by-side of two reports (e.g. ``nli-zeroshot`` vs ``nli-finetuned``) on the
    same data; labels missing from one report count as F1 0 there."""
    if report_a.n != report_b.n:
        raise KodialError(
            f"the reports cover different data ({report_a.n} vs {report_b.n} queries)",
            hint="evaluate both models on the same file",
        )
    keys = list(dict.fromkeys([*report_a.metrics, *report_b.metrics]))
    overall: list[tuple[str, float | None, float | None]] = [
        (k, report_a.metrics.get(k), report_b.metrics.get(k)) for k in keys
    ]
    for k in ("ood_auroc", "false_fallback_rate", "ood_detection_rate"):
        overall.append((k, report_a.fallback.get(k), report_b.fallback.get(k)))
    for k in ("batch_p50", "single_p50"):
        overall.append((f"latency_{k}_ms", report_a.latency_ms.get(k), report_b.latency_ms.get(k)))
    empty = ClassMetrics(0.0, 0.0, 0.0, 0)
    rows = []
    for lab in dict.fromkeys([*report_a.per_class, *report_b.per_class]):
        a = report_a.per_class.get(lab, empty)
        b = report_b.per_class.get(lab, empty)
        rows.append((lab, max(a.support, b.support), a.f1, b.f1, a.recall, b.recall))
    name_a = report_a.model or report_a.method
    name_b = report_b.model or report_b.method
    return Comparison(name_a, name_b, overall, rows)
