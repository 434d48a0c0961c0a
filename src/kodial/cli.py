"""The ``kodial`` command line: one sub-command group per capability.

User mistakes (a bad file, a wrong option) raise :class:`~kodial.errors.KodialError` and are
printed as one message with a hint and exit code 2, never as a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from kodial.errors import KodialError

GROUPS: dict[str, str] = {
    "classify": "kodial.classify.cli:app",
    "tokenizer": "kodial.tokenizer.cli:app",
    "data": "kodial.chat.data_cli:app",
    "chat": "kodial.chat.cli:app",
}
"""Sub-command groups: name -> ``module:typer_app``. A test checks each one loads."""

COMMANDS: dict[str, str] = {
    "serve": "kodial.serve.cli:serve",
    "demo": "kodial.serve.cli:demo",
}
"""Top-level commands: name -> ``module:function``."""

app = typer.Typer(
    name="kodial",
    help="Korean conversational assistants: query understanding, character chat models and an "
    "assistant service. Run `kodial demo` for the offline example assistant.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _resolve(spec: str) -> Any:
    module, attr = spec.split(":")
    return getattr(importlib.import_module(module), attr)


for _name, _spec in GROUPS.items():
    app.add_typer(_resolve(_spec), name=_name)
for _name, _spec in COMMANDS.items():
    app.command(_name)(_resolve(_spec))


def main() -> None:
    """Entry point: run the CLI and turn user errors into clean messages."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    err = Console(stderr=True)
    try:
        app(standalone_mode=False)
    except KodialError as exc:
        # messages carry user text (paths, field values, pip extras like 'kodial[gpu]'): escaped,
        # so that square brackets in it are printed rather than read as rich markup
        err.print(
            f"[bold red]error:[/] {escape(exc.message)}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
        if exc.hint:
            err.print(
                f"[yellow]hint:[/] {escape(exc.hint)}", markup=True, highlight=False, soft_wrap=True
            )
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors carry their own formatting
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
