"""`kodial data ...`: convert dialogue files to messages JSONL and describe them.

Input formats are those of :data:`kodial.chat.dialogue.FORMATS` (sniffed unless ``--format`` is
given); ``--map`` maps fields and speaker names (see :class:`kodial.chat.dialogue.RoleMapping`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kodial.chat.cli_options import (
    FormatOpt,
    MapOpt,
    MaxLengthOpt,
    PersonaOpt,
    RecipeOpt,
    StrategyOpt,
    TokenizerOpt,
    TruncationOpt,
    WindowOpt,
    sample_options,
)
from kodial.chat.dialogue import Conversation, RoleMapping, load_dialogues, merge_consecutive
from kodial.chat.dialogue.writers import WRITERS, check_output
from kodial.errors import DataError, KodialError

app = typer.Typer(
    rich_markup_mode="markdown",
    no_args_is_help=True,
    help="Dialogue data: convert any supported format to messages JSONL, print statistics, "
    "check training samples.",
)


def _load(path: Path, fmt: str | None, mapping: str | None, action: str) -> list[Conversation]:
    """The file's conversations; a file without any is an error (``nothing to {action}``)."""
    convs = load_dialogues(path, fmt=fmt, mapping=RoleMapping.parse(mapping) if mapping else None)
    if not convs:
        raise DataError(
            f"no conversations found, nothing to {action}",
            path=path,
            hint="check that this is the file you meant; it holds no records",
        )
    return convs


@app.callback()
def _group() -> None:
    """Dialogue data: convert and describe."""


@app.command()
def convert(
    src: Annotated[Path, typer.Argument(help="Input dialogue file.")],
    out: Annotated[Path, typer.Argument(help="Output .jsonl file (written atomically).")],
    to: Annotated[
        str, typer.Option("--to", help=f"Output format: {', '.join(WRITERS)}.")
    ] = "messages",
    fmt: FormatOpt = None,
    mapping: MapOpt = None,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge-consecutive",
            help="Join consecutive turns of the same speaker into one turn (for strategies that "
            "need user/assistant alternation).",
        ),
    ] = False,
    facts_as_system: Annotated[
        bool,
        typer.Option(
            "--persona-as-system",
            help="Write a dialogue's persona facts as a system message instead of a 'persona' key.",
        ),
    ] = False,
) -> None:
    """Convert a dialogue file (any supported format) to messages JSONL.

    Example: kodial data convert chat.csv chat.jsonl --map Q=user,A=assistant
    """
    if to not in WRITERS:
        raise KodialError(
            f"unknown output format {to!r}", hint=f"choose one of: {', '.join(WRITERS)}"
        )
    if src.resolve() == out.resolve():
        raise KodialError("the output would overwrite the input", hint="choose another output path")
    check_output(out, WRITERS[to])
    convs = _load(src, fmt, mapping, "convert")
    if merge:
        convs = [merge_consecutive(c) for c in convs]
    if facts_as_system:
        from kodial.chat.persona import Persona, apply_persona

        for c in convs:
            if c.persona and not any(m.role == "system" for m in c.messages):
                c.messages = apply_persona(c.messages, Persona.from_facts(c.persona))
                c.persona = None
    WRITERS[to].write(convs, out)
    n_msgs = sum(len(c.messages) for c in convs)
    Console().print(f"wrote {len(convs)} conversation(s), {n_msgs} message(s) to {out}")


@app.command()
def stats(
    src: Annotated[Path, typer.Argument(help="Dialogue file.")],
    fmt: FormatOpt = None,
    mapping: MapOpt = None,
    tokenizer: Annotated[
        Path | None,
        typer.Option(
            help="Tokenizer directory: lengths in tokens through its chat template (plain text "
            "without one). Default: lengths in characters."
        ),
    ] = None,
    persona: Annotated[
        Path | None,
        typer.Option(
            help="Persona YAML whose system prompt is counted in token lengths (with --tokenizer)."
        ),
    ] = None,
    max_length: Annotated[
        int | None,
        typer.Option(
            help="Context size: report how many conversations are longer (with --tokenizer)."
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="Write histograms of turns and lengths to this image (.png, .svg or .pdf)."
        ),
    ] = None,
) -> None:
    """Counts per role, turns per conversation and length histograms.

    Example: kodial data stats dialogues.jsonl --tokenizer tok/ --max-length 1024 --plot stats.png
    """
    from rich.progress import Progress

    from kodial.chat.datastats import dialogue_stats
    from kodial.chat.stats_view import check_plot_path, plot_stats, print_stats

    if plot is not None:
        check_plot_path(plot)
    convs = _load(src, fmt, mapping, "count")
    tok = None
    if tokenizer is not None:
        from kodial.chat.inspect_cli import load_tokenizer

        tok = load_tokenizer(tokenizer)
    if max_length is not None and tok is None:
        raise KodialError("--max-length compares token lengths", hint="give --tokenizer too")
    if persona is not None and tok is None:
        raise KodialError(
            "--persona adds its system prompt to token lengths", hint="give --tokenizer too"
        )
    pers = None
    if persona is not None:
        from kodial.chat.persona import load_persona

        pers = load_persona(persona)
    with Progress(transient=True) as progress:
        task = progress.add_task("measuring", total=len(convs))
        result = dialogue_stats(
            convs, tok, pers, max_length, on_progress=lambda n: progress.advance(task, n)
        )
    console = Console()
    print_stats(console, src.name, result, max_length)
    if plot is not None:
        plot_stats(result, plot)
        console.print(f"plot written to {plot}", markup=False)


@app.command()
def check(
    src: Annotated[Path, typer.Argument(help="Dialogue file.")],
    tokenizer: TokenizerOpt,
    recipe: RecipeOpt = None,
    strategy: StrategyOpt = None,
    persona: PersonaOpt = None,
    max_length: MaxLengthOpt = None,
    window: WindowOpt = None,
    truncation: TruncationOpt = None,
    fmt: FormatOpt = None,
    mapping: MapOpt = None,
) -> None:
    """Build every training sample and report tokens, loss and what was cut to fit.

    Samples are built exactly as training builds them (masks checked against the chat template),
    so template problems, alternation errors and too-long conversations show up here first.

    Example: kodial data check dialogues.jsonl --tokenizer tok/ --strategy last-turn --max-length 512
    """
    from rich.progress import Progress

    from kodial.chat.inspect_cli import load_tokenizer
    from kodial.chat.samples import build_samples

    options, pers = sample_options(
        recipe,
        persona,
        strategy=strategy,
        max_length=max_length,
        window=window,
        truncation=truncation,
    )
    convs = _load(src, fmt, mapping, "check")
    tok = load_tokenizer(tokenizer)
    with Progress(transient=True) as progress:
        task = progress.add_task("building samples", total=len(convs))
        _, result = build_samples(
            convs,
            tok,
            persona=pers,
            on_progress=lambda n: progress.advance(task, n),
            **options.sample_kwargs(),
        )
    max_length = options.max_length
    table = Table(title=f"{src.name} · {options.strategy} · max_length {max_length}")
    table.add_column("")
    table.add_column("value", justify="right")
    rows = [
        ("conversations", result.conversations),
        ("samples", result.samples),
        ("tokens", result.tokens),
        ("trained tokens", result.trained_tokens),
        ("skipped: no assistant turn", result.no_assistant),
        (f"longer than {max_length} tokens", result.too_long),
        ("  shortened (oldest turns dropped)", result.shortened),
        ("  turns dropped", result.turns_dropped),
        ("  truncated", result.truncated),
        ("  dropped", result.dropped),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    console = Console()
    console.print(table)
    console.print(result.summary(), soft_wrap=True, highlight=False)
