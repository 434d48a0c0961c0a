"""``kodial classify augment``: argument parsing and printing only; the work is
:mod:`kodial.classify.augment`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kodial.config import field_help

console = Console(stderr=True)


def _help() -> dict[str, str]:
    from kodial.classify.augment import AugmentConfig

    return {r.name: r.help for r in field_help(AugmentConfig)}


HELP = _help()


def augment(
    data: Annotated[
        Path, typer.Argument(help="Labelled queries (.csv, .tsv, .txt, .jsonl, .yaml).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Augmented file to write (the input's format; not DATA).")
    ],
    model: Annotated[
        str | None,
        typer.Option(
            help="Causal LM (directory or hub id) for LLM paraphrases; rules only without."
        ),
    ] = None,
    classifier: Annotated[
        Path | None,
        typer.Option(
            help="Saved kodial classifier that filters the candidates (default: one "
            "trained on DATA with --method)."
        ),
    ] = None,
    threshold: Annotated[float, typer.Option(help=HELP["threshold"])] = 0.5,
    per_example: Annotated[int, typer.Option(help=HELP["per_example"])] = 3,
    llm_per_intent: Annotated[int, typer.Option(help=HELP["llm_per_intent"])] = 8,
    heldout: Annotated[float, typer.Option(help=HELP["heldout"])] = 0.3,
    method: Annotated[str, typer.Option(help=HELP["method"])] = "auto",
    rules: Annotated[
        str, typer.Option(help="Comma-separated rule kinds: spacing, ending, particle.")
    ] = "spacing,ending,particle",
    seed: Annotated[int, typer.Option(help=HELP["seed"])] = 0,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda (the LLM).")] = "auto",
    report: Annotated[
        Path | None, typer.Option(help="Also write the counts and the measurement as JSON here.")
    ] = None,
    text_field: Annotated[str | None, typer.Option(help="Column/key of the query.")] = None,
    label_field: Annotated[str | None, typer.Option(help="Column/key of the label.")] = None,
) -> None:
    """Generate Korean paraphrases per intent and keep those the classifier agrees with.

    Rule-based variants (spaces dropped, 반말 <-> 존댓말 endings, particles swapped in the right form) and, with --model, LLM paraphrases from prompts mixing examples of two or three intents. A candidate is kept when the classifier's top label is its intent with probability >= --threshold. DATA plus the kept queries go to --out. With --heldout above 0, the accuracy change is measured on held-out paraphrase groups (classifiers trained without them, before and after augmenting).
    """
    from rich.progress import Progress

    from kodial.classify.augment import (
        AugmentConfig,
        augment_data,
        measure,
        output_format,
        write_augmented,
    )
    from kodial.classify.base import load_classifier
    from kodial.classify.data import load_labelled
    from kodial.classify.options import validate_flags
    from kodial.errors import KodialError

    values: dict[str, Any] = {
        "threshold": threshold,
        "per_example": per_example,
        "llm_per_intent": llm_per_intent,
        "heldout": heldout,
        "method": method,
        "rules": [r.strip() for r in rules.split(",") if r.strip()],
        "seed": seed,
    }
    cfg = validate_flags(
        AugmentConfig, values, {k: "--" + k.replace("_", "-") for k in values}, "augment options"
    )
    if out.resolve() == data.resolve():
        raise KodialError(f"--out {out} is the input file", hint="write to a new file")
    output_format(data)  # refuse an unknown format before any work
    dataset = load_labelled(data, text_field=text_field, label_field=label_field)
    filt = load_classifier(classifier) if classifier is not None else None
    steps = len(dataset.labels) * cfg.llm_per_intent if model else 0
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("generating paraphrases", total=steps * (2 if heldout else 1) or None)

        def advance(n: int) -> None:
            bar.advance(task, n)

        measured = measure(dataset, cfg, model, device, advance) if heldout else None
        result = augment_data(dataset, cfg, filt, model, device, advance)
    write_augmented(dataset, result.kept, data, out)
    table = Table(title=f"kept / generated per intent (threshold {cfg.threshold})")
    for col in ("intent", "generated", "kept"):
        table.add_column(col, justify="left" if col == "intent" else "right")
    for label, counts in result.per_intent().items():
        table.add_row(label, str(counts["generated"]), str(counts["kept"]))
    Console().print(table)
    summary: dict[str, Any] = {
        "data": str(data),
        "out": str(out),
        "model": model,
        "classifier": str(classifier) if classifier else f"trained on the input ({cfg.method})",
        "generated": len(result.candidates),
        "kept": len(result.kept),
        "per_intent": result.per_intent(),
    }
    if measured is not None:
        m = measured.to_dict()
        summary["heldout"] = m
        console.print(
            f"held-out accuracy {m['before']['accuracy']:.4f} -> {m['after']['accuracy']:.4f}, "
            f"macro-F1 {m['before']['macro_f1']:.4f} -> {m['after']['macro_f1']:.4f} "
            f"({m['n_heldout']} held-out queries, {m['kept']} of {m['generated']} kept from "
            f"{m['n_train']} training queries)",
            markup=False,
        )
    if report is not None:
        from kodial.textio import atomic_write_text

        atomic_write_text(report, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    console.print(f"{len(result.kept)} queries added; written to {out}", markup=False)
