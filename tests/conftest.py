"""Suite-wide guard: the tests write nothing into the repository.

Every test writes under its ``tmp_path``; a file that appears in the checkout during the run (a
default ``kodial-sessions.db`` in the working directory, a plot, a model) fails the run and is
named, since a user running the same code would find it in their project.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IGNORED_PARTS = {".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def _untracked() -> set[str] | None:
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None  # not a git checkout (an sdist): nothing to compare against
    paths = {line[3:] for line in out.splitlines() if line[:2] in ("??", "!!")}
    return {p for p in paths if not IGNORED_PARTS.intersection(Path(p).parts)} - {""}


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, not each xdist worker
        session.config.stash[_BEFORE] = _untracked()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return
    before = session.config.stash.get(_BEFORE, None)
    after = _untracked()
    if before is None or after is None:
        return
    new = sorted(p for p in after - before if not p.endswith(".egg-info/"))
    if new:
        session.config.get_terminal_writer().line(
            "\ntests wrote into the repository: " + ", ".join(new[:10]), red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[set[str] | None]()
