"""``kodial classify train | predict | eval | compare | methods``: argument parsing and printing
only; the work is :mod:`kodial.classify.pipeline`. Option help comes from the pydantic configs
(``TrainConfig``, ``DataSource``), which also check the values. Heavy imports happen inside the
commands so ``kodial --help`` stays fast; every user mistake is a ``KodialError`` printed
without a traceback (exit code 2), leaving no partial output behind.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from kodial.classify.augment_cli import augment
from kodial.classify.cli_inspect import compare, methods
from kodial.classify.cli_options import (
    HELP,
    LabelField,
    LabelsOpt,
    OodFile,
    TextField,
    console,
    split_labels,
    summary_table,
)
from kodial.errors import KodialError

app = typer.Typer(
    rich_markup_mode="markdown",
    no_args_is_help=True,
    help="Korean domain/intent classification: train, predict, evaluate and compare classifiers.",
)
PREDICT_BATCH = 256


def method_values(option: list[str] | None, config: Path | None) -> dict[str, Any]:
    """Method options from a YAML file (``--config``) overridden by ``--option key=value``."""
    from kodial.config import parse_overrides
    from kodial.errors import DataError
    from kodial.textio import read_yaml

    values: dict[str, Any] = {}
    if config is not None:
        loaded = read_yaml(config)
        if loaded is not None and not isinstance(loaded, dict):
            raise DataError("expected a mapping of option: value", path=config, line=1)
        values.update(loaded or {})
    return {**values, **parse_overrides(option or [], "--option")}


@app.command()
def train(
    data: Annotated[Path, typer.Argument(help=HELP["data"])],
    out: Annotated[Path, typer.Option("--out", help="Directory to save the model in.")],
    method: Annotated[str, typer.Option(help=HELP["method"])] = "auto",
    dev_ratio: Annotated[float, typer.Option(help=HELP["dev_ratio"])] = 0.2,
    folds: Annotated[str, typer.Option(help=HELP["folds"])] = "auto",
    ood: OodFile = None,
    ood_field: Annotated[str | None, typer.Option(help=HELP["ood_field"])] = None,
    target_recall: Annotated[float, typer.Option(help=HELP["target_recall"])] = 0.95,
    on_conflict: Annotated[str, typer.Option(help=HELP["on_conflict"])] = "error",
    group_by: Annotated[str, typer.Option(help=HELP["group_by"])] = "auto",
    group_field: Annotated[str | None, typer.Option(help=HELP["group_field"])] = None,
    augment: Annotated[int, typer.Option(help=HELP["augment"])] = 0,
    noise_report: Annotated[bool, typer.Option(help=HELP["noise_report"])] = True,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            help="Method option key=value (repeatable); values read as YAML, e.g. "
            "--option char_ngrams=[2,4]. `kodial classify methods --options` lists them.",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="YAML file of method options (--option overrides it).")
    ] = None,
    seed: Annotated[int, typer.Option(help=HELP["seed"])] = 0,
    model: Annotated[
        str | None, typer.Option(help="Pretrained model of the method (--option model=...).")
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace a saved model already in OUT: only a saved kodial classifier holding "
            "nothing but the files it lists in its manifest; just those files are deleted.",
        ),
    ] = False,
    text_field: TextField = None,
    label_field: LabelField = None,
) -> None:
    """Train a classifier, calibrate its probabilities and fallback, save it with a report.

    DATA is cleaned (duplicates dropped; conflicting labels per --on-conflict) and split by paraphrase group into train and dev; the model is fitted on train, calibrated on out-of-fold scores of train (+ the OOD queries), evaluated on dev (+ held-out OOD queries and noisy copies) and saved to OUT with the report in OUT/report/.

    Methods that take labels at predict time (nli-zeroshot, encoder-zeroshot) are not trained: the labels and descriptions of DATA are stored and the whole file calibrates the fallback.
    """
    from kodial.classify.artefacts import check_model_out
    from kodial.classify.base import method_options
    from kodial.classify.options import DataSource, TrainConfig, validate_flags
    from kodial.classify.pipeline import train as run

    args: dict[str, Any] = {"dev_ratio": dev_ratio, "folds": folds, "target_recall": target_recall}
    args |= {"group_by": group_by, "augment": augment, "noise_report": noise_report}
    origins = {k: "--" + k.replace("_", "-") for k in [*args, "method", "on_conflict"]}
    cfg = validate_flags(TrainConfig, {**args, "method": method, "seed": seed}, origins)
    check_model_out(out, overwrite)
    values = method_values(option, config) | ({"model": model} if model else {})
    if method != "auto" or values:  # auto resolves to a method only once the data is read
        checked = method_options("lexical" if method == "auto" else method, values)
        cfg.options = checked.model_dump(exclude_unset=True)
    source = validate_flags(
        DataSource,
        {"data": data, "ood": ood, "ood_field": ood_field, "on_conflict": on_conflict}
        | {"text_field": text_field, "label_field": label_field, "group_field": group_field},
        origins,
    )
    with console.status(f"training {method} (load, split, fit, calibrate, evaluate)"):
        trained = run(source, cfg, out, overwrite)
    if trained.data_report is not None:
        for line in trained.data_report.summary():
            console.print(f"data: {line}", markup=False)
    console.print(f"method: {trained.method}", markup=False)
    console.print(f"{trained.n_train} training / {trained.n_dev} dev queries", markup=False)
    console.print(f"calibration: {trained.calibration.sentence()}", markup=False)
    for warning in trained.calibration.warnings + (
        trained.report.warnings if trained.report else []
    ):
        console.print(f"warning: {warning}", markup=False, style="yellow")
    if trained.report is not None:
        Console().print(summary_table(trained.report, f"{trained.method} on the dev split"))
    console.print(f"saved to {out}", markup=False)


@app.command()
def predict(
    model: Annotated[Path, typer.Argument(help="Saved model directory.")],
    source: Annotated[
        str | None,
        typer.Argument(
            help="Queries: a text file (one per line), a labelled file, or - for stdin (the "
            "default)."
        ),
    ] = None,
    labels: LabelsOpt = None,
    top_k: Annotated[int, typer.Option(help="Labels listed per query in 'ranking' (1+).")] = 3,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add the evidence: nearest labelled examples and the features that weighed most.",
        ),
    ] = False,
    text_field: TextField = None,
    label_field: LabelField = None,
) -> None:
    """Classify queries and print one JSON object per line.

    Each line has the label (or 'fallback'), the fallback reason and the ranking; 'gold' when the input is a labelled file; with --explain, the nearest labelled examples and weighted features.
    """
    from kodial.classify.base import load_classifier
    from kodial.classify.inputs import read_queries

    if top_k < 1:
        raise KodialError(f"--top-k must be 1 or more, got {top_k}", hint="e.g. --top-k 3")
    texts, gold = read_queries(source, text_field, label_field)
    clf = load_classifier(model)
    cands = split_labels(labels)
    for start in range(0, len(texts), PREDICT_BATCH):
        preds = clf.predict(texts[start : start + PREDICT_BATCH], cands, top_k=top_k)
        for i, pred in enumerate(preds):
            obj = clf.explain(pred.text, cands).to_dict() if explain else pred.to_dict()
            if explain:
                obj["prediction"] = pred.to_dict()  # the ranking cut to --top-k
            if gold[start + i] is not None:
                obj["gold"] = gold[start + i]
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command("eval")
def eval_(
    model: Annotated[Path, typer.Argument(help="Saved model directory.")],
    data: Annotated[Path, typer.Argument(help="Labelled queries to evaluate on.")],
    out: Annotated[
        Path, typer.Option("--out", help="Directory for report.json, report.md, confusion.png.")
    ],
    ood: OodFile = None,
    labels: LabelsOpt = None,
    noise_report: Annotated[bool, typer.Option(help=HELP["noise_report"])] = True,
    text_field: TextField = None,
    label_field: LabelField = None,
) -> None:
    """Evaluate a saved model through its predict path; write report.json, report.md, confusion.png.

    The report has top-1 and after-fallback accuracy and macro-F1 (micro/macro/samples F1 for multi-label), per-class P/R/F1, top-k accuracy, the confusion matrix, the fallback (false-fallback rate, OOD detection and AUROC, and each fallback reason), noisy-query accuracy and latency p50/p95.
    """
    from kodial.classify.artefacts import check_out
    from kodial.classify.base import load_classifier
    from kodial.classify.evaluate import evaluate
    from kodial.classify.noise import NOISE_KINDS
    from kodial.classify.pipeline import evaluation_data
    from kodial.classify.reports import write_report

    check_out(out)
    dataset = evaluation_data(data, ood, text_field, label_field)
    clf = load_classifier(model)
    noise = NOISE_KINDS if noise_report else ()
    with console.status(f"evaluating on {len(dataset)} queries"):
        report = evaluate(clf, dataset, split_labels(labels), model=str(model), noise=noise)
    write_report(report, out)
    Console().print(summary_table(report, f"{model} on {data}"))
    console.print(f"report written to {out}", markup=False)


# in cli_inspect.py to keep this module short; registered here so the order of --help stays
app.command()(compare)
app.command()(methods)
app.command()(augment)  # kodial.classify.augment_cli
