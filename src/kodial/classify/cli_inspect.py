"""``kodial classify compare`` and ``kodial classify methods``: two models side by side on the
same data, and the registry of methods with their options (registered on the classify app by
:mod:`kodial.classify.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kodial.classify.cli_options import (
    LabelField,
    LabelsOpt,
    OodFile,
    TextField,
    console,
    split_labels,
)
from kodial.config import field_help


def compare(
    model_a: Annotated[Path, typer.Argument(help="First saved model (A).")],
    model_b: Annotated[Path, typer.Argument(help="Second saved model (B).")],
    data: Annotated[Path, typer.Argument(help="Labelled queries both are evaluated on.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for comparison.{json,md} and both reports (a/, b/)."),
    ] = None,
    ood: OodFile = None,
    labels: LabelsOpt = None,
    text_field: TextField = None,
    label_field: LabelField = None,
) -> None:
    """Evaluate two models on the same data and show them side by side, per class.

    For example an nli-zeroshot base model against its nli-finetuned version.
    """
    from kodial.classify.artefacts import check_out
    from kodial.classify.base import load_classifier
    from kodial.classify.evaluate import evaluate
    from kodial.classify.pipeline import evaluation_data
    from kodial.classify.reports import compare as compare_reports
    from kodial.classify.reports import comparison_rows, write_comparison

    if out is not None:
        check_out(out)
    dataset = evaluation_data(data, ood, text_field, label_field)
    reports = []
    for path in (model_a, model_b):
        with console.status(f"evaluating {path}"):
            reports.append(
                evaluate(load_classifier(path), dataset, split_labels(labels), model=str(path))
            )
    comp = compare_reports(reports[0], reports[1])
    header, *rows = comparison_rows(comp)
    table = Table(title=f"A = {comp.name_a}   B = {comp.name_b}")
    for col in header:
        table.add_column(col, justify="left" if col == "label" else "right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)
    if out is not None:
        write_comparison(comp, reports, out)
        console.print(f"comparison written to {out}", markup=False)


def methods(
    options: Annotated[
        bool, typer.Option("--options", help="Also list each method's options.")
    ] = False,
) -> None:
    """List the classifier methods, what each needs and (--options) its options."""
    from kodial.classify.base import METHODS, get_method

    table = Table(title="classifier methods")
    for col in ("method", "pretrained weights", "labels at", "summary"):
        table.add_column(col)
    for name in METHODS:
        try:
            klass = get_method(name)
        except ImportError as exc:
            table.add_row(name, "?", "?", f"unavailable: {exc}")
            continue
        doc = (klass.__doc__ or "").strip().splitlines()[0] if klass.__doc__ else ""
        table.add_row(name, "yes" if klass.needs_weights else "no", klass.labels_at, doc)
        if options:
            for row in field_help(klass.config_class):
                table.add_row("", "", f"  {row.name} = {row.default}", row.help)
    Console().print(table)
