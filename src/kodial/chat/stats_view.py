"""Rendering of :class:`kodial.chat.datastats.DialogueStats` for `kodial data stats`: rich tables
in the terminal and a histogram image."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kodial.chat.datastats import DialogueStats, Histogram
from kodial.errors import KodialError


def _bar(count: int, top: int, width: int = 30) -> str:
    return "█" * max(1 if count else 0, round(width * count / top)) if top else ""


def _hist_table(title: str, hist: Histogram, unit: str) -> Table:
    table = Table(title=title)
    table.add_column(unit)
    table.add_column("count", justify="right")
    table.add_column("")
    top = max(hist.counts, default=0)
    for label, count in zip(hist.labels(), hist.counts, strict=False):
        table.add_row(label, str(count), _bar(count, top))
    return table


def _summary(values: Sequence[int]) -> str:
    if not values:
        return "-"
    s = sorted(values)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return f"min {s[0]} · median {s[len(s) // 2]} · p95 {p95} · max {s[-1]}"


PLOT_SUFFIXES: tuple[str, ...] = (".png", ".svg", ".pdf")
"""Image formats of ``kodial data stats --plot``, chosen by the file's extension."""


def check_plot_path(path: Path) -> None:
    """Refuse a ``--plot`` path matplotlib cannot write, before any work is done."""
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise KodialError(
            f"cannot plot to {path}: unsupported image type {path.suffix or '(no extension)'!r}",
            hint="end the file name with one of: " + ", ".join(PLOT_SUFFIXES),
        )
    if path.is_dir():
        raise KodialError(f"cannot plot to {path}: it is a directory", hint="name an image file")


def plot_stats(stats: DialogueStats, path: Path) -> None:
    from matplotlib.ticker import MaxNLocator

    from kodial.plots import figure, save

    with figure(1, 2, figsize=(10, 4)) as (fig, axes):
        axes[0].hist(stats.turns, bins=min(30, max(1, len(set(stats.turns)))), color="#4C72B0")
        axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
        axes[0].yaxis.set_major_locator(MaxNLocator(integer=True))
        axes[0].set_xlabel("turns per conversation")
        axes[0].set_ylabel("conversations")
        axes[1].hist(stats.lengths, bins=30, color="#55A868")
        axes[1].set_xlabel(f"{stats.length_unit} per conversation")
        if stats.max_length:
            axes[1].axvline(stats.max_length, color="#C44E52", linestyle="--", label="max_length")
            axes[1].legend()
        fig.tight_layout()
        save(fig, path)


def print_stats(console: Console, name: str, result: DialogueStats, max_length: int | None) -> None:
    """The overview table and both histograms of ``kodial data stats``."""
    overview = Table(title=name)
    overview.add_column("")
    overview.add_column("value", justify="right")
    overview.add_row("conversations", str(result.conversations))
    overview.add_row("messages", str(result.messages))
    for role in ("system", "user", "assistant"):
        chars = result.role_chars.get(role, [])
        mean = sum(chars) / len(chars) if chars else 0
        overview.add_row(
            f"{role} messages", f"{result.role_counts.get(role, 0)} (mean {mean:.0f} chars)"
        )
    overview.add_row("turns per conversation", _summary(result.turns))
    overview.add_row(f"{result.length_unit} per conversation", _summary(result.lengths))
    overview.add_row("with persona facts", str(result.with_persona_facts))
    overview.add_row("not alternating user/assistant", str(result.not_alternating))
    if result.refused:
        overview.add_row("refused by the chat template", str(result.refused))
    if max_length is not None:
        overview.add_row(f"longer than {max_length} tokens", str(result.over_max_length))
    console.print(overview)
    console.print(_hist_table("turns per conversation", Histogram.of(result.turns), "turns"))
    console.print(
        _hist_table(
            f"{result.length_unit} per conversation",
            Histogram.of(result.lengths),
            result.length_unit,
        )
    )
