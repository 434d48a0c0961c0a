"""`kodial data ...`: convert dialogue files to messages JSONL and describe them.

Input formats are those of :data:`kodial.chat.dialogue.FORMATS` (sniffed unless ``--format`` is
given); ``--map`` maps fields and speaker names (see :class:`kodial.chat.dialogue.RoleMapping`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kodial.chat.dialogue import (
    FORMATS,
    Conversation,
    RoleMapping,
    load_dialogues,
    merge_consecutive,
    save_messages_jsonl,
)
from kodial.errors import DataError, KodialError

if TYPE_CHECKING:
    from kodial.chat.datastats import DialogueStats, Histogram

app = typer.Typer(
    rich_markup_mode="markdown",
    no_args_is_help=True,
    help="Dialogue data: convert any supported format to messages JSONL, print statistics, "
    "check training samples.",
)


@dataclass(frozen=True)
class Writer:
    """An output format of ``kodial data convert``."""

    write: Callable[[Iterable[Conversation], str | Path], None]
    """Writes ``(conversations, path)``, atomically."""
    suffixes: tuple[str, ...]
    """File extensions the output may have; any other is refused rather than silently mislabelled."""
    description: str
    """What the file holds, for error messages."""


WRITERS: dict[str, Writer] = {
    "messages": Writer(save_messages_jsonl, (".jsonl",), "OpenAI messages JSON Lines"),
}
"""Output formats of ``kodial data convert``: name -> :class:`Writer`."""

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help=f"Input format: {', '.join(FORMATS)}. Default: sniffed from the extension and first record.",
    ),
]
MapOpt = Annotated[
    str | None,
    typer.Option(
        "--map",
        help="Field and speaker mapping, e.g. 'speaker=role,utterance=content,A=user,B=assistant' "
        "(targets: role, content, messages, id, conversation, system, user, assistant). "
        "CSV/TSV with one row per turn also names the conversation-id column "
        "('...,dialog_id=conversation'); for question/answer CSV, map columns to roles: "
        "'Q=user,A=assistant'.",
    ),
]

# Sample-building options shared by `kodial data check` and `kodial chat inspect`: unset ones
# come from --recipe, else from SampleOptions' defaults (the recipe defaults), so both show what
# `kodial chat train` builds.
TokenizerOpt = Annotated[
    Path, typer.Option(help="Tokenizer (or model) directory whose chat template is used.")
]
RecipeOpt = Annotated[
    Path | None,
    typer.Option(
        help="Training recipe whose sample options (strategy, max_length, window, truncation, "
        "system_template) and persona are used, so you see what it trains on."
    ),
]
StrategyOpt = Annotated[
    str | None,
    typer.Option(help="Sample strategy: all-turns, last-turn, sliding-window, plain-text."),
]
PersonaOpt = Annotated[
    Path | None, typer.Option(help="Persona YAML: its system prompt starts every sample.")
]
MaxLengthOpt = Annotated[int | None, typer.Option(help="Context size in tokens (default 1024).")]
WindowOpt = Annotated[
    int | None, typer.Option(help="Previous turns kept by sliding-window (default 4).")
]
TruncationOpt = Annotated[
    str | None,
    typer.Option(
        help="Samples longer than max-length: drop-oldest (default), truncate, drop, error."
    ),
]


def sample_options(recipe: Path | None, persona: Path | None, **given: Any) -> tuple[Any, Any]:
    """(SampleOptions, Persona or None): the recipe's, overridden by the options given."""
    from kodial.chat.persona import load_persona
    from kodial.chat.recipe import TrainRecipe, load_recipe
    from kodial.chat.samples import SampleOptions
    from kodial.config import validate

    values: dict[str, Any] = {}
    if recipe is not None:
        loaded = load_recipe(recipe)
        if not isinstance(loaded, TrainRecipe):
            raise KodialError(f"{recipe} is a {loaded.stage} recipe", hint="pass an sft recipe")
        values = loaded.sample_kwargs()
        persona = persona or (Path(loaded.persona) if loaded.persona else None)
    given = {k: v for k, v in given.items() if v is not None}
    options = validate(
        SampleOptions,
        {**values, **given},
        source=str(recipe) if recipe else "<options>",
        origins={k: "--" + k.replace("_", "-") for k in given},
    )
    return options, (load_persona(persona) if persona is not None else None)


def _check_output(out: Path, writer: Writer) -> None:
    """Refuse an output path that cannot be written or has the wrong extension, before any input
    is read."""
    if out.is_dir():
        raise KodialError(
            f"the output {out} is a directory", hint=f"name a file in it, e.g. {out / 'chat.jsonl'}"
        )
    if out.suffix.lower() not in writer.suffixes:
        raise KodialError(
            f"the output {out} would hold {writer.description}, so its name must end in "
            + " or ".join(writer.suffixes),
            hint=f"e.g. {out.with_suffix(writer.suffixes[0])}",
        )
    parent = out.parent
    if not parent.exists():
        raise KodialError(
            f"the output folder {parent} does not exist",
            hint=f"create it first (mkdir -p {parent}) or choose another output path",
        )
    if not parent.is_dir():
        raise KodialError(
            f"the output folder {parent} is a file", hint="choose another output path"
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
    _check_output(out, WRITERS[to])
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


def _check_plot_path(path: Path) -> None:
    """Refuse a ``--plot`` path matplotlib cannot write, before any work is done."""
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise KodialError(
            f"cannot plot to {path}: unsupported image type {path.suffix or '(no extension)'!r}",
            hint="end the file name with one of: " + ", ".join(PLOT_SUFFIXES),
        )
    if path.is_dir():
        raise KodialError(f"cannot plot to {path}: it is a directory", hint="name an image file")


def _plot(stats: DialogueStats, path: Path) -> None:
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

    from kodial.chat.datastats import Histogram, dialogue_stats

    if plot is not None:
        _check_plot_path(plot)
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
    overview = Table(title=f"{src.name}")
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
    if plot is not None:
        _plot(result, plot)
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
