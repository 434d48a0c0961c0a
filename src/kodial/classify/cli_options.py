"""What the ``kodial classify`` commands share: option types whose help comes from the
pydantic configs (``TrainConfig``, ``DataSource``), the stderr console, and small helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kodial.config import field_help
from kodial.errors import KodialError

console = Console(stderr=True)


def _help() -> dict[str, str]:
    from kodial.classify.options import DataSource, TrainConfig

    return {r.name: r.help for m in (TrainConfig, DataSource) for r in field_help(m)}


HELP = _help()
TextField = Annotated[str | None, typer.Option("--text-field", help=HELP["text_field"])]
LabelField = Annotated[str | None, typer.Option("--label-field", help=HELP["label_field"])]
OodFile = Annotated[Path | None, typer.Option("--ood", help=HELP["ood"])]
LabelsOpt = Annotated[
    str | None,
    typer.Option(
        "--labels",
        help="Comma-separated candidate labels (methods that take labels at predict time, e.g. "
        "nli-zeroshot; others accept a subset of their fitted labels).",
    ),
]


def split_labels(labels: str | None) -> list[str] | None:
    if labels is None:
        return None
    out = [lab.strip() for lab in labels.split(",") if lab.strip()]
    if not out:
        raise KodialError("--labels is empty", hint="e.g. --labels 금융,영화,날씨")
    return out


def summary_table(report: Any, title: str) -> Table:
    from kodial.classify.reports import summary_rows

    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in summary_rows(report):
        table.add_row(name, value)
    return table
