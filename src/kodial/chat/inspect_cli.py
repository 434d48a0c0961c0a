"""`kodial chat inspect`: show one training sample with the tokens that get loss highlighted.

The point is to see, before training, exactly what the model will learn: the reply text and its
end-of-turn token in colour, the system prompt, history and assistant headers dimmed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

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
)
from kodial.errors import KodialError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from kodial.chat.samples import TokenizedSample

TRAINED_STYLE = "bold green"
"""Style of tokens with loss."""
CONTEXT_STYLE = "dim"
"""Style of tokens without loss."""


def load_tokenizer(path: str | Path) -> PreTrainedTokenizerBase:
    """The tokenizer saved in directory ``path`` (:func:`kodial.hub.load_tokenizer`), with a
    clear error for a wrong path."""
    from kodial.hub import load_tokenizer as load

    p = Path(path)
    if not p.is_dir():
        raise KodialError(
            f"tokenizer directory not found: {p}",
            hint="give a directory saved with tokenizer.save_pretrained (or a model directory)",
        )
    tokenizer: PreTrainedTokenizerBase = load(p)
    return tokenizer


def runs(sample: TokenizedSample) -> list[tuple[list[int], bool]]:
    """Consecutive tokens grouped by whether they are trained: ``[(ids, trained), ...]``.

    Runs break only at turn boundaries, so decoding a run never splits a multi-byte character.
    """
    from kodial.chat.samples import IGNORE_INDEX

    out: list[tuple[list[int], bool]] = []
    for tid, lab in zip(sample.input_ids, sample.labels, strict=True):
        trained = lab != IGNORE_INDEX
        if out and out[-1][1] == trained:
            out[-1][0].append(tid)
        else:
            out.append(([tid], trained))
    return out


def highlighted(sample: TokenizedSample, tokenizer: PreTrainedTokenizerBase) -> Text:
    """The sample's text, trained tokens in :data:`TRAINED_STYLE`, the rest in :data:`CONTEXT_STYLE`."""
    text = Text()
    for ids, trained in runs(sample):
        text.append(
            str(tokenizer.decode(ids, skip_special_tokens=False)),
            style=TRAINED_STYLE if trained else CONTEXT_STYLE,
        )
    return text


def token_table(sample: TokenizedSample, tokenizer: PreTrainedTokenizerBase) -> Table:
    """One row per token: position, id, vocabulary entry, its text, trained."""
    from kodial.chat.samples import IGNORE_INDEX

    table = Table(title="tokens")
    for col in ("#", "id", "token", "text", "loss"):
        table.add_column(col, justify="right" if col in ("#", "id") else "left")
    pieces = tokenizer.convert_ids_to_tokens(sample.input_ids)
    for k, (tid, lab, piece) in enumerate(
        zip(sample.input_ids, sample.labels, pieces, strict=True)
    ):
        trained = lab != IGNORE_INDEX
        style = TRAINED_STYLE if trained else CONTEXT_STYLE
        piece_text = str(tokenizer.decode([tid], skip_special_tokens=False))
        table.add_row(
            str(k),
            str(tid),
            Text(str(piece), style=style),
            Text(repr(piece_text), style=style),
            "yes" if trained else "",
        )
    return table


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``kodial chat``."""

    @app.command()
    def inspect(
        data: Annotated[Path, typer.Argument(help="Dialogue file (any format of `kodial data`).")],
        tokenizer: TokenizerOpt,
        recipe: RecipeOpt = None,
        strategy: StrategyOpt = None,
        persona: PersonaOpt = None,
        system_template: Annotated[
            str | None,
            typer.Option(
                help="Override the persona's system-prompt template ({name}, {profile}, {style}, "
                "{examples})."
            ),
        ] = None,
        index: Annotated[int, typer.Option(help="Which sample to show (0-based).")] = 0,
        max_length: MaxLengthOpt = None,
        window: WindowOpt = None,
        truncation: TruncationOpt = None,
        fmt: FormatOpt = None,
        mapping: MapOpt = None,
        tokens: Annotated[
            bool, typer.Option("--tokens", help="Also list every token with its loss flag.")
        ] = False,
    ) -> None:
        """Show a training sample with the tokens that get loss highlighted.

        Example: kodial chat inspect dialogues.jsonl --tokenizer tok/ --persona persona.yaml --index 3
        """
        from kodial.chat.cli_options import sample_options
        from kodial.chat.dialogue import RoleMapping, load_dialogues
        from kodial.chat.samples import build_samples

        if index < 0:
            raise KodialError("--index must be 0 or more")
        options, pers = sample_options(
            recipe,
            persona,
            strategy=strategy,
            max_length=max_length,
            window=window,
            truncation=truncation,
            system_template=system_template,
        )
        strategy = options.strategy
        convs = load_dialogues(
            data, fmt=fmt, mapping=RoleMapping.parse(mapping) if mapping else None
        )
        tok = load_tokenizer(tokenizer)
        seen = 0
        found: Any = None
        for conv in convs:
            samples, stats = build_samples([conv], tok, persona=pers, **options.sample_kwargs())
            if index < seen + len(samples):
                found = (conv, samples[index - seen], stats)
                break
            seen += len(samples)
        if found is None:
            raise KodialError(
                f"--index {index} is out of range: {data} gives {seen} sample(s) "
                f"with strategy {strategy}"
            )
        conv, sample, stats = found
        where = (
            f"{conv.source}:{conv.line}"
            if conv.unit == "line"
            else f"{conv.source} record {conv.line}"
        )
        title = (
            f"sample {index} · conversation {conv.id or '-'} ({where}) · {strategy} · "
            f"{len(sample)} tokens, {sample.trained_tokens} trained"
        )
        console = Console()
        console.print(title, highlight=False)
        console.print(Panel(highlighted(sample, tok)))
        legend = Text()
        legend.append("trained (loss)", style=TRAINED_STYLE)
        legend.append("  ")
        legend.append("context (no loss)", style=CONTEXT_STYLE)
        console.print(legend)
        if stats.too_long:
            console.print(f"[yellow]note:[/] {escape(stats.summary())}")
        if tokens:
            console.print(token_table(sample, tok))
