"""The studio's pictures, drawn with :mod:`kodial.plots` (headless, Korean font, atomic writes):
per-intent F1 of a run, and per-intent F1 of two runs side by side. The confusion matrix comes
with the classifier's report (:func:`kodial.classify.evaluate.write_report`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def f1_bars(report: dict[str, Any], path: Path) -> Path:
    """Horizontal bars of each intent's precision, recall and F1."""
    from kodial.plots import figure, label_names, save

    per_class = report.get("per_class", {})
    labels = list(per_class)
    names, _ = label_names(labels)
    n = max(1, len(labels))
    with figure(figsize=(6.4, 0.5 * n + 1.4)) as (fig, ax):
        ys = list(range(n))
        height = 0.26
        for offset, key, colour, title in (
            (-height, "precision", "#9db8f5", "정밀도"),
            (0.0, "recall", "#7ccfb5", "재현율"),
            (height, "f1", "#2f6fed", "F1"),
        ):
            values = [float(per_class[lab][key]) for lab in labels]
            ax.barh(
                [y + offset for y in ys[: len(values)]], values, height, color=colour, label=title
            )
        ax.set_yticks(ys[: len(labels)], names)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.05)
        ax.set_xlabel("점수")
        ax.set_title("인텐트별 정밀도 · 재현율 · F1")
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        return save(fig, path)


def comparison_bars(comparison: dict[str, Any], path: Path) -> Path:
    """Each intent's F1 before and after, side by side."""
    from kodial.plots import figure, label_names, save

    rows = comparison.get("per_class", [])
    labels = [r["label"] for r in rows]
    names, _ = label_names(labels)
    n = max(1, len(labels))
    with figure(figsize=(6.4, 0.45 * n + 1.4)) as (fig, ax):
        ys = list(range(len(labels)))
        ax.barh(
            [y - 0.2 for y in ys], [r["f1_a"] for r in rows], 0.38, color="#c3cad8", label="이전"
        )
        ax.barh(
            [y + 0.2 for y in ys], [r["f1_b"] for r in rows], 0.38, color="#2f6fed", label="이번"
        )
        ax.set_yticks(ys, names)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.05)
        ax.set_xlabel("F1")
        ax.set_title("이전 버전과 비교 (인텐트별 F1)")
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        return save(fig, path)
