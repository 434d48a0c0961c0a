"""``kodial classify train | predict | eval | compare``: domain/intent classification from the shell.

Inputs are the labelled-query files of :mod:`kodial.classify.data` (CSV, TSV, JSONL, YAML) and
plain text (one query per line). Heavy imports (the methods, sklearn, torch) happen inside the
commands so ``kodial --help`` stays fast. Every user mistake raises a ``KodialError``: the CLI
prints it without a traceback, exits with code 2 and leaves no partial output behind.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kodial.errors import KodialError
from kodial.textio import staging_dir

if TYPE_CHECKING:
    from kodial.classify.base import Classifier
    from kodial.classify.data import LabelledData
    from kodial.classify.evaluate import Comparison, Report

app = typer.Typer(
    rich_markup_mode="markdown",
    no_args_is_help=True,
    help="Korean domain/intent classification: train, predict, evaluate and compare classifiers.",
)
console = Console(stderr=True)

LABELLED_SUFFIXES = (".csv", ".tsv", ".jsonl", ".yaml", ".yml")
PREDICT_BATCH = 256

TextField = Annotated[
    str, typer.Option("--text-field", help="Column/key holding the query (CSV, TSV, JSONL).")
]
LabelField = Annotated[
    str, typer.Option("--label-field", help="Column/key holding the label (CSV, TSV, JSONL).")
]
LabelsOpt = Annotated[
    str | None,
    typer.Option(
        "--labels",
        help="Comma-separated candidate labels (methods that take labels at predict time, e.g. "
        "nli-zeroshot; others accept a subset of their fitted labels).",
    ),
]


# -- helpers --------------------------------------------------------------------------------


def parse_value(raw: str) -> Any:
    """A ``--option`` value as YAML: ``3`` -> int, ``true`` -> bool, ``[1, 4]`` -> list.

    >>> parse_value("0.5"), parse_value("true"), parse_value("[1, 3]"), parse_value("klue/roberta")
    (0.5, True, [1, 3], 'klue/roberta')
    """
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def collect_options(options: list[str] | None, config: Path | None) -> dict[str, Any]:
    """Method options from a YAML file (``--config``) overridden by ``--option key=value``."""

    from kodial.errors import DataError
    from kodial.textio import read_yaml

    values: dict[str, Any] = {}
    if config is not None:
        loaded = read_yaml(config)
        if loaded is not None and not isinstance(loaded, dict):
            raise DataError("expected a mapping of option: value", path=config, line=1)
        values.update(loaded or {})
    for item in options or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise KodialError(f"bad --option {item!r}", hint="write --option key=value")
        values[key.strip()] = parse_value(raw.strip())
    return values


def check_out(out: Path, option: str = "--out") -> None:
    """Refuse an output path that is (or sits under) a regular file, before any work is done."""
    if out.exists() and not out.is_dir():
        raise KodialError(
            f"{option} {out}: is a file, expected a directory",
            hint=f"choose another {option} path or remove that file",
        )
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise KodialError(
                    f"{option} {out}: {parent} is a file, expected a directory",
                    hint=f"choose another {option} path",
                )
            break


def check_model_out(out: Path, overwrite: bool) -> None:
    """``train --out``: a missing or empty directory, or (with ``--overwrite``) a saved model
    holding only the files its manifest lists (the ones ``--overwrite`` deletes)."""
    from kodial.classify.artefacts import owned_files

    check_out(out)
    if not out.exists() or not any(out.iterdir()):
        return
    if not overwrite:
        raise KodialError(
            f"--out {out}: already exists and is not empty",
            hint="pass --overwrite to replace a saved model there, or choose another --out",
        )
    owned_files(out, "--out")


def check_train_options(dev_ratio: float, target_recall: float) -> None:
    if not 0.0 < dev_ratio < 1.0:
        raise KodialError(
            f"--dev-ratio must be between 0 and 1 (exclusive), got {dev_ratio}",
            hint="e.g. --dev-ratio 0.2",
        )
    if not 0.0 < target_recall <= 1.0:
        raise KodialError(
            f"--target-recall must be in (0, 1], got {target_recall}",
            hint="e.g. --target-recall 0.95 (95% of in-domain queries keep their label)",
        )


def split_labels(labels: str | None) -> list[str] | None:
    if labels is None:
        return None
    out = [lab.strip() for lab in labels.split(",") if lab.strip()]
    if not out:
        raise KodialError("--labels is empty", hint="e.g. --labels 금융,영화,날씨")
    return out


def load_data(
    path: Path, text_field: str, label_field: str, ood: Path | None = None
) -> LabelledData:
    """Labelled data plus, optionally, an OOD file (one query per line, or labelled ``__ood__``)."""
    from kodial.classify.data import load_labelled, merge

    data = load_labelled(path, text_field=text_field, label_field=label_field)
    if not len(data):
        raise KodialError(f"{path} has no in-domain labelled queries")
    if ood is not None:
        extra = load_labelled(ood, text_field=text_field, label_field=label_field)
        data = merge([data, extra])
        data.source = str(path)
    return data


def read_queries(
    source: str | None, text_field: str, label_field: str
) -> tuple[list[str], list[Any]]:
    """Queries from a file or stdin (``-`` or nothing): a labelled file gives its texts and gold
    labels; anything else is one query per line."""
    from kodial.classify.data import load_labelled, read_ood_lines

    if source is None or source == "-":
        texts = read_stdin_lines()
        return texts, [None] * len(texts)
    path = Path(source)
    if path.suffix.lower() in LABELLED_SUFFIXES:
        data = load_labelled(path, text_field=text_field, label_field=label_field, min_examples=1)
        gold: list[Any] = [
            list(ex.labels) if data.multi_label else ex.labels[0] for ex in data.examples
        ]
        return data.texts + data.ood, gold + ["__ood__"] * len(data.ood)
    texts = read_ood_lines(path)  # one query per line: streamed and bounded like an OOD file
    return texts, [None] * len(texts)


def read_stdin_lines() -> list[str]:
    """Queries from standard input, one per line, under the same limits as a file: at most
    ``max_bytes`` read, UTF-8 only, each line a query of at most ``max_cell_chars``."""
    from kodial.errors import DataError
    from kodial.textio import ReadLimits, check_text, not_utf8

    limits = ReadLimits.from_env()
    stream = getattr(sys.stdin, "buffer", None)
    chunks: list[bytes] = []
    size = 0
    while True:  # in chunks: read(n) would reserve all n bytes up front
        if stream is None:  # a text stream without bytes underneath (tests, embedding)
            chunk = sys.stdin.read(1 << 20).encode("utf-8", "surrogatepass")
        else:
            chunk = stream.read(1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limits.max_bytes:
            raise DataError(
                f"more than {limits.max_bytes:,} bytes",
                path="<stdin>",
                hint=limits.hint("max_bytes"),
            )
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(raw, Path("<stdin>"), raw[: exc.start].count(b"\n") + 1) from None
    texts = []
    for n, line in enumerate(text.splitlines(), start=1):
        if len(line) > limits.max_cell_chars:
            raise DataError(
                f"line is longer than {limits.max_cell_chars:,} characters",
                path="<stdin>",
                line=n,
                hint=limits.hint("max_cell_chars"),
            )
        if line.strip():
            texts.append(check_text(line.strip(), "<stdin>", n, None))
    return texts


def load_model(path: Path) -> Classifier:
    from kodial.classify.base import load_classifier

    with console.status(f"loading {path}"):
        return load_classifier(path)


def summary_table(report: Report, title: str) -> Table:
    table = Table(title=title, show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in report.metrics.items():
        table.add_row(k, f"{v:.4f}")
    fb = report.fallback
    for k in ("min_score", "min_margin", "false_fallback_rate", "ood_auroc", "ood_detection_rate"):
        if fb.get(k) is not None:
            table.add_row(f"fallback {k}", f"{fb[k]:.4f}")
    for k in ("batch_p50", "batch_p95", "single_p50"):
        if k in report.latency_ms:
            table.add_row(f"latency {k} (ms/query)", f"{report.latency_ms[k]:.3f}")
    return table


def comparison_table(comp: Comparison) -> Table:
    table = Table(title=f"A = {comp.name_a}   B = {comp.name_b}")
    for col in ("label", "support", "F1 A", "F1 B", "B - A", "recall A", "recall B"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for lab, s, fa, fb, ra, rb in comp.per_class:
        table.add_row(
            lab, str(s), f"{fa:.4f}", f"{fb:.4f}", f"{fb - fa:+.4f}", f"{ra:.4f}", f"{rb:.4f}"
        )
    for m, a, b in comp.overall:
        if a is not None and b is not None:
            table.add_row(f"[bold]{m}[/]", "", f"{a:.4f}", f"{b:.4f}", f"{b - a:+.4f}", "", "")
    return table


# -- commands -------------------------------------------------------------------------------


@app.command()
def train(
    data: Annotated[Path, typer.Argument(help="Labelled queries: .csv, .tsv, .jsonl or .yaml.")],
    out: Annotated[Path, typer.Option("--out", help="Directory to save the model in.")],
    method: Annotated[
        str,
        typer.Option(
            help="Classifier method: lexical (offline default), embedding, "
            "nli-zeroshot, nli-finetuned, finetune."
        ),
    ] = "lexical",
    dev_ratio: Annotated[
        float,
        typer.Option(
            help="Share of each class held out (stratified) to calibrate the fallback and evaluate."
        ),
    ] = 0.2,
    ood: Annotated[
        Path | None,
        typer.Option(help="Out-of-domain queries (one per line) to calibrate the fallback on."),
    ] = None,
    target_recall: Annotated[
        float,
        typer.Option(
            help="Share of in-domain dev queries that must still get a label "
            "(the rest may fall back)."
        ),
    ] = 0.95,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            help="Method option key=value (repeatable); values read as "
            "YAML, e.g. --option char_ngrams=[2,4].",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="YAML file of method options (--option overrides it).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev split.")] = 0,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace a saved model already in OUT: only a saved kodial classifier holding "
            "nothing but the files it lists in its manifest; just those files are deleted.",
        ),
    ] = False,
    text_field: TextField = "text",
    label_field: LabelField = "label",
) -> None:
    """Train a classifier, calibrate its fallback and save it with a dev-split report.

    DATA is split (stratified) into train and dev; the model is fitted on train, its fallback thresholds are calibrated on dev (+ the OOD queries), it is evaluated on dev and saved to OUT with the report in OUT/report/.

    Methods that take labels at predict time (nli-zeroshot) are not trained: the labels and descriptions of DATA are stored and the whole file calibrates the fallback.

    The report's fallback numbers come from the same dev and OOD queries the thresholds were calibrated on (optimistic); `kodial classify eval` on held-out files gives unbiased ones.
    """
    from kodial.classify.artefacts import record_files
    from kodial.classify.base import create_classifier, replace_model_dir
    from kodial.classify.evaluate import evaluate, write_report
    from kodial.classify.fallback import calibrate

    check_train_options(dev_ratio, target_recall)
    check_model_out(out, overwrite)
    options = collect_options(option, config)
    clf = create_classifier(method, **options)
    all_data = load_data(data, text_field, label_field, ood)
    if clf.labels_at == "predict":
        train_set, dev = all_data, all_data
    else:
        train_set, dev = all_data.split(dev_ratio, seed=seed)
    dev = dev.subset(dev.examples, ood=list(all_data.ood))
    console.print(
        f"{method}: {len(train_set)} training / {len(dev)} dev queries, "
        f"{len(all_data.labels)} labels, {len(all_data.ood)} out-of-domain"
    )
    with console.status(f"fitting {method}"):
        clf.fit(train_set, dev)
    if clf.labels_at == "predict":
        clf.labels = all_data.labels
        clf.descriptions = {lab: all_data.description(lab) for lab in clf.labels}
    with console.status("calibrating the fallback"):
        calibrate(clf, dev, target_recall, labels=clf.labels)
    with console.status("evaluating on the dev split"):
        report = evaluate(clf, dev, model=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(out)
    try:
        clf.save(staging / "model")
        write_report(report, staging / "model" / "report")
        record_files(staging / "model")  # the report too: --overwrite may delete it later
        check_model_out(out, overwrite)  # again: something may have appeared there meanwhile
        replace_model_dir(staging / "model", out, "--out")
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # our own staging directory
    Console().print(summary_table(report, f"{method} on the dev split ({len(dev)} queries)"))
    console.print(f"saved to {out} (report in {out / 'report'})", markup=False)


@app.command()
def predict(
    model: Annotated[Path, typer.Argument(help="Saved model directory.")],
    source: Annotated[
        str | None,
        typer.Argument(
            help="Queries: a text file (one per line), a labelled file, or - for "
            "stdin (the default)."
        ),
    ] = None,
    labels: LabelsOpt = None,
    top_k: Annotated[
        int, typer.Option(help="Labels listed per query in 'ranking' (1 or more).")
    ] = 3,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add the evidence: nearest labelled examples and the features that weighed most.",
        ),
    ] = False,
    text_field: TextField = "text",
    label_field: LabelField = "label",
) -> None:
    """Classify queries and print one JSON object per line.

    Each line has the label (or 'fallback'), the fallback reason and the ranking; 'gold' when the input is a labelled file; with --explain, the nearest labelled examples and weighted features.
    """
    if top_k < 1:
        raise KodialError(f"--top-k must be 1 or more, got {top_k}", hint="e.g. --top-k 3")
    texts, gold = read_queries(source, text_field, label_field)
    clf = load_model(model)
    cands = split_labels(labels)
    for start in range(0, len(texts), PREDICT_BATCH):
        batch = texts[start : start + PREDICT_BATCH]
        preds = clf.predict(batch, cands, top_k=top_k)
        for i, pred in enumerate(preds):
            obj = clf.explain(pred.text, cands).to_dict() if explain else pred.to_dict()
            if explain:
                obj["prediction"]["ranking"] = obj["prediction"]["ranking"][:top_k]
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
    ood: Annotated[
        Path | None, typer.Option(help="Out-of-domain queries for the fallback metrics.")
    ] = None,
    labels: LabelsOpt = None,
    text_field: TextField = "text",
    label_field: LabelField = "label",
) -> None:
    """Evaluate a saved model and write report.json, report.md and confusion.png.

    The report has accuracy, macro-F1, per-class P/R/F1, top-k accuracy, the confusion matrix, fallback metrics (OOD AUROC, false-fallback rate, OOD detection) and latency p50/p95.
    """
    from kodial.classify.evaluate import evaluate, write_report

    check_out(out)
    dataset = load_data(data, text_field, label_field, ood)
    clf = load_model(model)
    with console.status(f"evaluating on {len(dataset)} queries"):
        report = evaluate(clf, dataset, split_labels(labels), model=str(model))
    write_report(report, out)
    Console().print(summary_table(report, f"{model} on {data}"))
    console.print(f"report written to {out}", markup=False)


@app.command()
def compare(
    model_a: Annotated[Path, typer.Argument(help="First saved model (A).")],
    model_b: Annotated[Path, typer.Argument(help="Second saved model (B).")],
    data: Annotated[Path, typer.Argument(help="Labelled queries both are evaluated on.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for comparison.{json,md} and both reports (a/, b/)."),
    ] = None,
    ood: Annotated[
        Path | None, typer.Option(help="Out-of-domain queries for the fallback metrics.")
    ] = None,
    labels: LabelsOpt = None,
    text_field: TextField = "text",
    label_field: LabelField = "label",
) -> None:
    """Evaluate two models on the same data and show them side by side, per class.

    For example an nli-zeroshot base model against its nli-finetuned version.
    """
    from kodial.classify.evaluate import compare as compare_reports
    from kodial.classify.evaluate import evaluate, write_report
    from kodial.textio import atomic_write_text

    if out is not None:
        check_out(out)
    dataset = load_data(data, text_field, label_field, ood)
    cands = split_labels(labels)
    reports = []
    for path in (model_a, model_b):
        clf = load_model(path)
        with console.status(f"evaluating {path}"):
            reports.append(evaluate(clf, dataset, cands, model=str(path)))
    comp = compare_reports(reports[0], reports[1])
    Console().print(comparison_table(comp))
    if out is not None:
        write_report(reports[0], out / "a")
        write_report(reports[1], out / "b")
        atomic_write_text(
            out / "comparison.json", json.dumps(comp.to_dict(), ensure_ascii=False, indent=2)
        )
        atomic_write_text(out / "comparison.md", comp.markdown())
        console.print(f"comparison written to {out}", markup=False)


@app.command()
def methods() -> None:
    """List the classifier methods and what each needs."""
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
    Console().print(table)
