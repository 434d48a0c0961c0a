"""``kodial chat train | eval | export | run``: train a chat model from a recipe, validate it,
export it for serving, and talk to it in the terminal.

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


def eval_command(
    model: Annotated[Path, typer.Argument(help="Model or run directory (final/ is used).")],
    data: Annotated[
        Path | None,
        typer.Argument(
            help="Held-out dialogue file (any kodial format); default: the run's heldout.jsonl."
        ),
    ] = None,
    persona: Annotated[
        Path | None,
        typer.Option(
            help="Persona YAML for the system prompt; default: the persona the model was trained "
            "with (its persona.yaml), else each dialogue's own persona."
        ),
    ] = None,
    data_format: Annotated[
        str | None, typer.Option("--format", help="Dialogue format; sniffed if unset.")
    ] = None,
    max_new_tokens: Annotated[
        int, typer.Option(min=1, help="Length limit of each generated reply.")
    ] = 64,
    max_generations: Annotated[
        int, typer.Option(min=0, help="Generate for at most this many conversations.")
    ] = 50,
    max_length: Annotated[
        int, typer.Option(min=1, help="Longest sample for perplexity, in tokens.")
    ] = 1024,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Where to write eval_report.md and eval_metrics.json; default: eval/ in the run."
        ),
    ] = None,
) -> None:
    """Evaluate a chat model on held-out dialogues.

    Perplexity on trained tokens, chrF/BLEU against references, the end-of-turn rate, and a
    Markdown report of sample generations per persona.
    """
    from kodial.chat.evaluate import evaluate, write_report
    from kodial.chat.rundir import HELDOUT_FILE, resolve_model_dir

    model_dir = resolve_model_dir(model)
    if data is None:
        # a run directory, or its final/ (what `kodial chat train` prints as the model)
        found = [d / HELDOUT_FILE for d in (model, model_dir.parent) if (d / HELDOUT_FILE).exists()]
        if not found:
            raise KodialError(
                f"no {HELDOUT_FILE} in {model}",
                hint="pass a dialogue file to evaluate on (runs with eval_split > 0 write one)",
            )
        data = found[0]
    with console.status("evaluating ..."):
        report = evaluate(
            model_dir,
            data,
            persona=persona,
            data_format=data_format,
            max_length=max_length,
            max_new_tokens=max_new_tokens,
            max_generations=max_generations,
        )
    table = Table(title=f"eval: {model_dir}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("perplexity (trained tokens)", f"{report.perplexity:.3f}")
    table.add_row("chrF", f"{report.chrf:.2f}")
    table.add_row("BLEU", f"{report.bleu:.2f}")
    table.add_row(f"ended on end-of-turn (<= {max_new_tokens} tokens)", f"{report.eot_rate:.1%}")
    table.add_row("generations", str(report.num_generations))
    console.print(table)
    md, js = write_report(report, out or model_dir.parent / "eval")
    console.print(f"report: {md}\nmetrics: {js}", markup=False)


def export_command(
    model: Annotated[Path, typer.Argument(help="Run directory or model/adapter directory.")],
    out: Annotated[
        Path,
        typer.Argument(
            help="Export directory: new, empty, or an earlier export (which is replaced)."
        ),
    ],
    keep_adapter: Annotated[
        bool,
        typer.Option(
            "--keep-adapter", help="Keep a LoRA adapter instead of merging it into the base."
        ),
    ] = False,
    eval_metrics: Annotated[
        Path | None,
        typer.Option(help="eval_metrics.json from kodial chat eval, for the model card."),
    ] = None,
) -> None:
    """Export a trained model for serving.

    Merged weights (or the adapter), the tokenizer with the training chat template, end-of-turn
    stop tokens in generation_config.json, and a model card (README.md).
    """
    from kodial.chat.export import export

    with console.status("exporting ..."):
        path = export(model, out, merge=not keep_adapter, eval_metrics=eval_metrics)
    console.print(f"exported to {path}", markup=False)


def run_command(
    model: Annotated[Path, typer.Argument(help="Model, adapter or run directory.")],
    persona: Annotated[
        Path | None,
        typer.Option(
            help="Persona YAML (its system prompt is used); default: the persona the model was "
            "trained with, if any."
        ),
    ] = None,
    max_new_tokens: Annotated[int, typer.Option(min=1, help="Longest reply in tokens.")] = 256,
    temperature: Annotated[
        float, typer.Option(min=0.0, help="Sampling temperature; 0 = greedy.")
    ] = 0.7,
) -> None:
    """Chat with a model in the terminal (streamed replies).

    Type /reset to start over and /exit (or Ctrl-D) to quit.
    """
    from kodial.chat.generate import ChatModel
    from kodial.chat.rundir import resolve_model_dir

    with console.status("loading model ..."):
        bot = ChatModel.from_pretrained(resolve_model_dir(model), persona=persona)
    name = escape(bot.persona.name) if bot.persona is not None else "bot"
    console.print(f"[dim]{name} is ready. /reset starts over, /exit quits.[/]")
    history: list[dict[str, str]] = []
    while True:
        try:
            text = console.input("[bold cyan]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if not text:
            continue
        if text in ("/exit", "/quit"):
            break
        if text == "/reset":
            history.clear()
            console.print("[dim](conversation reset)[/]")
            continue
        if text.startswith("/") and " " not in text:
            console.print(
                "[dim]/reset starts over, /exit (or /quit) quits; anything else is sent to "
                "the model.[/]"
            )
            continue
        history.append({"role": "user", "content": text})
        console.print(f"[bold magenta]{name}>[/] ", end="")
        pieces: list[str] = []
        try:
            for piece in bot.stream(
                history, max_new_tokens=max_new_tokens, temperature=temperature
            ):
                pieces.append(piece)
                console.print(piece, end="", markup=False, highlight=False)
        except KeyboardInterrupt:
            console.print("[dim] (stopped)[/]", end="")
        console.print()
        history.append({"role": "assistant", "content": "".join(pieces).strip()})


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
    """Add ``train``, ``eval``, ``export``, ``run``, ``recipe-keys`` and ``tiny-model`` to
    ``kodial chat``."""
    app.command("recipe-keys")(recipe_keys_command)
    app.command("tiny-model")(tiny_model_command)
    app.command("train")(train_command)
    app.command("eval")(eval_command)
    app.command("export")(export_command)
    app.command("run")(run_command)
