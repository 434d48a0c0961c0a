"""``kodial chat train | recipe-keys | tiny-model``: train a chat model from a recipe, list the
recipe keys, build a tiny model to try the pipeline offline.

Heavy imports (torch, transformers, TRL) happen inside the commands so ``kodial --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kodial.errors import KodialError

console = Console()


def train_command(
    recipe: Annotated[
        Path, typer.Argument(help="Recipe YAML (see src/kodial/resources/recipes/).")
    ],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a recipe key, e.g. --set epochs=2 --set method=full (repeatable).",
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            help="Fine-tuning method: full, lora, qlora (4-bit; CUDA GPU unless qlora_on_cpu) or prompt-tuning."
        ),
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option(help="Run directory (checkpoints, final/, curve).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue from the last complete checkpoint.")
    ] = False,
    max_steps: Annotated[
        int | None, typer.Option(help="Stop after this many optimiser steps.")
    ] = None,
) -> None:
    """Train a chat model from a recipe (SFT, DPO or KTO, picked by its stage).

    Writes checkpoints, final/ (model or adapter, tokenizer, end-of-turn generation config),
    training_curve.png and metrics.json. Ctrl-C keeps the last complete checkpoint: rerun with
    --resume. See every recipe key with: kodial chat recipe-keys.
    """
    from kodial.chat.recipe import load_recipe

    overrides = list(set_ or [])
    if method is not None:
        overrides.append(f"method={method}")
    if output_dir is not None:
        overrides.append(f"output_dir={output_dir}")
    if resume:
        overrides.append("resume=true")
    if max_steps is not None:
        overrides.append(f"max_steps={max_steps}")
    rec = load_recipe(recipe, overrides)

    from kodial.chat.rundir import last_complete_checkpoint
    from kodial.chat.train import is_main_process, train
    from kodial.chat.trainer import preflight

    preflight(rec)
    main = is_main_process()  # under torchrun / accelerate launch, one process reports
    if main:
        console.print(
            f"[bold]{rec.stage}[/] / {rec.method}: "
            + escape(f"{rec.model} on {rec.data} -> {rec.output_dir}")
        )
    try:
        result = train(rec)
    except KeyboardInterrupt:
        last = last_complete_checkpoint(rec.output_dir)
        where = f"last complete checkpoint: {last}" if last else "no checkpoint was written yet"
        console.print(
            f"[yellow]interrupted[/]; {where}. Continue with: kodial chat train {recipe} --resume"
        )
        raise typer.Exit(130) from None
    if not main:
        return
    m = result.metrics
    table = Table(title="training")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("steps", str(m["global_step"]))
    table.add_row(
        "first / last logged loss", f"{m['first_logged_loss']:.4f} / {m['last_logged_loss']:.4f}"
    )
    for item in m["eval_loss_per_epoch"]:
        table.add_row(f"eval loss, epoch {round(item['epoch'], 2):g}", f"{item['eval_loss']:.4f}")
    console.print(table)
    if "build" in m["data"]:
        console.print(m["data"]["build"], markup=False)
    if m["data"].get("persona_replaced"):
        console.print(
            f"[yellow]note:[/] the recipe's persona replaced the own persona or system prompt of "
            f"{m['data']['persona_replaced']} conversation(s); drop `persona` from the recipe to "
            "train on each conversation's own"
        )
    console.print(
        f"model: {result.final_dir}\ncurve: {result.output_dir / 'training_curve.png'}",
        markup=False,
    )


def tiny_model_command(
    out: Annotated[Path, typer.Argument(help="Directory to write the model to (new or empty).")],
    template: Annotated[
        str, typer.Option(help="Chat template of its tokenizer: llama3, chatml or gemma.")
    ] = "llama3",
    hidden_size: Annotated[int, typer.Option(min=16, help="Width of the model.")] = 64,
    num_layers: Annotated[int, typer.Option(min=1, help="Number of transformer blocks.")] = 2,
) -> None:
    """Build a tiny random Llama-style model to try the chat pipeline offline.

    No hub is needed: a byte-level BPE tokenizer is trained on kodial's bundled Korean sample
    text, with a real chat template and end-of-turn token, and a randomly initialised model of a
    few hundred thousand parameters is saved beside it, loadable with `from_pretrained(OUT)` like
    any checkpoint. Its replies mean nothing until it is trained; use it to walk through
    `kodial chat train -> eval -> export -> run` in minutes on a CPU (see the README).
    """
    from kodial.testing.causal_lm import build_tiny_llama
    from kodial.textio import check_output_dir
    from kodial.tokenizer.templates import CHAT_FORMATS

    if template not in CHAT_FORMATS:
        raise KodialError(
            f"unknown template {template!r}", hint=f"choose one of: {', '.join(CHAT_FORMATS)}"
        )
    check_output_dir(out, ("config.json",), "model directory")
    with console.status("building a tiny model ..."):
        # embeddings at a scale adapters can use (see build_tiny_llama), so LoRA learns too
        path = build_tiny_llama(
            out,
            template=template,
            hidden_size=hidden_size,
            num_layers=num_layers,
            num_heads=4,
            vocab_size=2000,
            initializer_range=0.5,
        )
    console.print(
        f"tiny {template} model in {path}; train it with\n"
        f"  kodial chat train src/kodial/resources/recipes/tiny.yaml --set model={path}",
        markup=False,
    )


def recipe_keys_command(
    stage: Annotated[str, typer.Option(help="Recipe stage: sft, dpo or kto.")] = "sft",
) -> None:
    """List the recipe keys of a stage with their defaults and help."""
    from kodial.chat.recipe import RECIPES
    from kodial.config import field_help

    if stage not in RECIPES:
        raise KodialError(f"unknown stage {stage!r}", hint=f"choose one of: {', '.join(RECIPES)}")
    cls = RECIPES[stage]
    table = Table(title=f"{stage} recipe keys ({cls.__name__})")
    for col in ("key", "default", "help"):
        table.add_column(col)
    for row in field_help(cls):
        table.add_row(row.name, row.default, row.help)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``train``, ``recipe-keys`` and ``tiny-model`` to ``kodial chat``."""
    app.command("recipe-keys")(recipe_keys_command)
    app.command("tiny-model")(tiny_model_command)
    app.command("train")(train_command)
