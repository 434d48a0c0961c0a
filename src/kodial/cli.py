"""The ``kodial`` command line: one sub-command group per capability.

User mistakes (a bad file, a wrong option) raise :class:`~kodial.errors.KodialError` and are
printed as one message with a hint and exit code 2, never as a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NoReturn, Protocol, TypeGuard

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
    "studio": "kodial.studio.cli:studio",
}
"""Top-level commands: name -> ``module:function``."""

app = typer.Typer(
    rich_markup_mode="markdown",
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


class _ClickError(Protocol):
    exit_code: int

    def format_message(self) -> str: ...

    def show(self) -> None: ...


def _is_click_exception(exc: BaseException) -> TypeGuard[_ClickError]:
    """Whether ``exc`` is a click usage error (``ClickException``), from whichever click.

    typer bundles its own copy of click (``typer._click``), whose exceptions are not instances of
    ``click.ClickException``; the class is therefore recognised by name in the hierarchy, plus the
    ``show()`` and ``exit_code`` that both copies give it.
    """
    return (
        any(cls.__name__ == "ClickException" for cls in type(exc).__mro__)
        and callable(getattr(exc, "show", None))
        and callable(getattr(exc, "format_message", None))
        and isinstance(getattr(exc, "exit_code", None), int)
    )


def _aborted(err: Console) -> NoReturn:
    err.print("aborted")
    sys.exit(130)


def main() -> None:
    """Entry point: run the CLI and turn user errors into clean messages.

    Usage errors (a missing argument, an unknown command or option, a bad option value) are
    printed as click prints them (usage line, ``Try '... --help'``, ``Error: ...``) with exit
    code 2. A bare ``kodial`` prints the help and exits 2, as typer does in standalone mode.
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    err = Console(stderr=True)
    try:
        # not standalone: typer would otherwise print a KodialError as a traceback. In this mode
        # typer returns the code of a ``typer.Exit`` (and 130 for Ctrl-C) instead of exiting.
        code = app(standalone_mode=False)
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
        _aborted(err)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if not _is_click_exception(exc):
            raise
        # click's NoArgsIsHelpError: with rich help the help is printed already, the message is
        # empty and there is nothing more to show (typer's own handler skips it too)
        if type(exc).__name__ != "NoArgsIsHelpError" or exc.format_message().strip():
            exc.show()
        sys.exit(exc.exit_code)
    # every command returns None; an int is the exit code of a typer.Exit (or click's ctx.exit)
    if isinstance(code, int) and not isinstance(code, bool) and code != 0:
        if code == 130:
            _aborted(err)
        sys.exit(code)
