"""Typer options shared by the chat CLIs (`kodial data ...`, `kodial chat inspect`).

The sample-building options mirror :class:`kodial.chat.strategies.SampleOptions`: unset ones come
from ``--recipe``, else from SampleOptions' defaults (the recipe defaults), so `data check` and
`chat inspect` show what `kodial chat train` builds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kodial.chat.dialogue import FORMATS
from kodial.errors import KodialError

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
    from kodial.chat.strategies import SampleOptions
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
