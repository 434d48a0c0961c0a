"""``kodial chat eval | export | run``: validate a trained chat model, export it for serving,
and talk to it in the terminal. The work is done by :mod:`kodial.chat.evaluate`,
:mod:`kodial.chat.export` and :class:`kodial.chat.generate.ChatModel`; this module parses
arguments and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()


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
    from kodial.chat.rundir import heldout_file, resolve_model_dir

    model_dir = resolve_model_dir(model)
    data = data or heldout_file(model)
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


def register(app: typer.Typer) -> None:
    """Add ``eval``, ``export`` and ``run`` to ``kodial chat``."""
    app.command("eval")(eval_command)
    app.command("export")(export_command)
    app.command("run")(run_command)
