"""Running the ``kodial`` CLI in-process for the classify tests."""

from __future__ import annotations

import io
import sys

import pytest

from kodial.cli import main


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    """``kodial ARGS`` -> (exit code, stdout, stderr), with wide output so rich does not wrap
    error messages."""
    monkeypatch.setattr(sys, "argv", ["kodial", *args])
    monkeypatch.setenv("COLUMNS", "500")
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
