"""Writing an evaluation :class:`~kodial.classify.evaluate.Report` (``report.json``,
``report.md``, ``confusion.png``) and comparing two reports on the same data, per class."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kodial.classify.evaluate import LATENCY_SINGLE, ClassMetrics, Report
from kodial.errors import KodialError
from kodial.textio import atomic_write_text


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
        *_extra_sections(report),
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


def _extra_sections(report: Report) -> list[str]:
    """Warnings, the calibration's promise, what reading the data did, noise robustness."""
    lines: list[str] = []
    if report.warnings or (report.calibration and report.calibration.warnings):
        lines += ["", "## Warnings", ""]
        lines += [f"- {w}" for w in report.warnings]
        lines += [f"- {w}" for w in (report.calibration.warnings if report.calibration else [])]
    if report.calibration is not None:
        cal = report.calibration
        lines += [
            "",
            "## Calibration",
            "",
            cal.sentence() + ".",
            "",
            "| item | value |",
            "|---|---|",
        ]
        for key in ("method", "folds", "n", "n_ood", "groups", "kind", "temperature", "accuracy"):
            lines.append(f"| {key} | {_fmt(getattr(cal, key))} |")
        for key in ("ece_raw", "ece", "saturated", "expected_false_fallback"):
            lines.append(f"| {key} | {_fmt(getattr(cal, key))} |")
        lines.append(f"| expected_ood_detection | {_fmt(cal.expected_ood_detection)} |")
    if report.data_report is not None and report.data_report.summary():
        lines += ["", "## Data", ""]
        lines += [f"- {line}" for line in report.data_report.summary()]
    if report.noise:
        lines += [
            "",
            "## Noisy queries",
            "",
            "The same queries typed without spaces, with one jamo typo, or with the other "
            "speech level's ending (kodial.classify.noise).",
            "",
            "| noise | changed | accuracy | macro-F1 | accuracy with fallback |",
            "|---|---|---|---|---|",
            *[
                f"| {kind} | {m['changed']:.2f} | {m['accuracy']:.4f} | {m['macro_f1']:.4f} | "
                f"{m['accuracy_with_fallback']:.4f} |"
                for kind, m in report.noise.items()
            ],
        ]
    return lines


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
    empty = ClassMetrics(precision=0.0, recall=0.0, f1=0.0, support=0)
    rows = []
    for lab in dict.fromkeys([*report_a.per_class, *report_b.per_class]):
        a = report_a.per_class.get(lab, empty)
        b = report_b.per_class.get(lab, empty)
        rows.append((lab, max(a.support, b.support), a.f1, b.f1, a.recall, b.recall))
    name_a = report_a.model or report_a.method
    name_b = report_b.model or report_b.method
    return Comparison(name_a, name_b, overall, rows)


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """(metric, value) rows of the CLI's summary table."""
    rows = [(k, f"{v:.4f}") for k, v in report.metrics.items()]
    fb = report.fallback
    for k in ("min_score", "min_margin", "false_fallback_rate", "ood_auroc", "ood_detection_rate"):
        if fb.get(k) is not None:
            rows.append((f"fallback {k}", f"{fb[k]:.4f}"))
    for kind, m in report.noise.items():
        rows.append((f"accuracy, {kind} noise", f"{m['accuracy']:.4f}"))
    for k in ("batch_p50", "batch_p95", "single_p50"):
        if k in report.latency_ms:
            rows.append((f"latency {k} (ms/query)", f"{report.latency_ms[k]:.3f}"))
    return rows


def comparison_rows(comp: Comparison) -> list[list[str]]:
    """The header and rows of the CLI's comparison table."""
    rows = [["label", "support", "F1 A", "F1 B", "B - A", "recall A", "recall B"]]
    for lab, s, fa, fb, ra, rb in comp.per_class:
        rows.append(
            [lab, str(s), f"{fa:.4f}", f"{fb:.4f}", f"{fb - fa:+.4f}", f"{ra:.4f}", f"{rb:.4f}"]
        )
    for m, a, b in comp.overall:
        if a is not None and b is not None:
            rows.append([f"[bold]{m}[/]", "", f"{a:.4f}", f"{b:.4f}", f"{b - a:+.4f}", "", ""])
    return rows


def write_comparison(comp: Comparison, reports: list[Report], out: Path) -> None:
    """``comparison.json``, ``comparison.md`` and both reports (``a/``, ``b/``) in ``out``."""
    write_report(reports[0], out / "a")
    write_report(reports[1], out / "b")
    atomic_write_text(
        out / "comparison.json", json.dumps(comp.to_dict(), ensure_ascii=False, indent=2)
    )
    atomic_write_text(out / "comparison.md", comp.markdown())
