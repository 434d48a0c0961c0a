"""Running the ``kodial`` CLI in-process for the security tests, and what every run must show."""

from __future__ import annotations

import io
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

import pytest

from kodial.cli import main


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    """``kodial ARGS`` -> (exit code, stdout, stderr). An exception escaping ``main`` (what a
    user would see as a traceback) fails the test that ran it."""
    monkeypatch.setattr(sys, "argv", ["kodial", *args])
    monkeypatch.setenv("COLUMNS", "500")  # no wrapping inside error messages
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    # An uncaught exception in a thread prints a traceback to stderr. Only threads this run
    # started from its own thread count: a thread left running by an earlier test in the same
    # worker (a server, a batching loop) could otherwise print into this run's captured output,
    # and so could a thread that such a leftover starts while this run is going.
    caller = threading.current_thread()
    started: set[threading.Thread] = set()
    original_start = threading.Thread.start

    def start(self: threading.Thread) -> None:
        if threading.current_thread() is caller:
            started.add(self)
        original_start(self)

    own: list[str] = []

    def hook(exc: threading.ExceptHookArgs) -> None:
        if exc.thread is not None and exc.thread not in started:
            return
        own.append(
            "".join(traceback.format_exception(exc.exc_type, exc.exc_value, exc.exc_traceback))
        )

    monkeypatch.setattr(threading.Thread, "start", start)
    monkeypatch.setattr(threading, "excepthook", hook)
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    monkeypatch.setattr(threading, "excepthook", threading.__excepthook__)
    monkeypatch.setattr(threading.Thread, "start", original_start)
    return code, out, err + "".join(own)


@pytest.fixture
def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the click command tree of ``kodial`` once instead of on every run (typer rebuilds
    it on each call, about 0.1 s): the same command objects run the same code, so the fuzz loop
    fits in its time budget."""
    import typer.main

    built: dict[int, Any] = {}
    original = typer.main.get_command

    def cached(app: Any) -> Any:
        if id(app) not in built:
            built[id(app)] = original(app)
        return built[id(app)]

    monkeypatch.setattr(typer.main, "get_command", cached)


def tree(root: Path) -> list[str]:
    """Every path under ``root`` (hidden ones included), to compare before and after a run."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
