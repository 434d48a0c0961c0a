"""Suite-wide guard: the tests write nothing into the repository.

Every test writes under its ``tmp_path``; a file that appears in the checkout during the run (a
default ``kodial-sessions.db`` in the working directory, a plot, a model) fails the run and is
named, since a user running the same code would find it in their project.

Also the order the test files are handed to the ``make test`` workers in (slow files first),
and the ``kodial_cli`` fixture: the ``kodial`` command run in the test's own process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
IGNORED_PARTS = {".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


_GIT_STATUS = ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"]


def _untracked() -> set[str] | None:
    try:
        out = subprocess.run(
            # .venv's tens of thousands of ignored files are left out by git, not parsed here
            [*_GIT_STATUS, "--", ".", ":(exclude).venv"],
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding a ``slow`` test first, then the others by their number of tests (most
    first); the order inside a file is kept.

    ``make test`` hands whole files to 2 workers (``--dist loadfile --no-loadscope-reorder``) in
    this order. xdist's own order (most tests first) puts the long end-to-end files, which have
    few tests, last, so one of them could start when the other worker had nothing left to do
    and keep the run going alone for a minute or more.
    """
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def cost(tests: list[pytest.Item]) -> tuple[bool, int]:
        return (not any(t.get_closest_marker("slow") for t in tests), -len(tests))

    items[:] = [item for tests in sorted(files.values(), key=cost) for item in tests]


@pytest.fixture
def kodial_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``kodial_cli(*args, cwd=None, env=None)`` -> the exit code, stdout and stderr of
    ``kodial ARGS``, run in this process through the entry point (:func:`kodial.cli.main`).

    What a user would see is the same as in a subprocess: ``main`` prints errors and picks the
    exit code, and an exception escaping it (a traceback for the user) fails the test. Only the
    interpreter start (1-3 s, more on a loaded machine) is saved; the tests that are about
    processes (a server started, killed or run as several workers, torchrun) start real ones.
    ``env`` is set on top of the environment and ``cwd`` is the working directory; both, and
    ``sys.argv``, are restored afterwards. A command that gets as far as serving fails the test
    (where a subprocess would block until its timeout): these runs are for what happens before.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from kodial.cli import main

    def no_serving(*args: object, **kwargs: object) -> None:
        raise AssertionError("kodial_cli: the command started serving")

    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as patch:
            patch.setattr(sys, "argv", ["kodial", *args])
            patch.setattr(uvicorn, "run", no_serving)
            patch.setattr(uvicorn.Server, "run", no_serving)
            patch.setattr(Multiprocess, "run", no_serving)
            # wide enough that rich wraps no error message; main() sets this one if unset
            patch.setenv("COLUMNS", "400")
            patch.setenv(
                "TOKENIZERS_PARALLELISM", os.environ.get("TOKENIZERS_PARALLELISM", "false")
            )
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            if cwd is not None:
                patch.chdir(cwd)
            capsys.readouterr()  # what the test printed before is not the command's output
            code: int | str | None = 0
            try:
                main()
            except SystemExit as exc:
                code = exc.code
            out, err = capsys.readouterr()
        if isinstance(code, str):  # sys.exit(message): the interpreter prints it, exit code 1
            return subprocess.CompletedProcess(["kodial", *args], 1, out, err + code + "\n")
        return subprocess.CompletedProcess(["kodial", *args], code or 0, out, err)

    return run


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium (the Debian package, driven by Playwright; no browser download)
    for the module, since a start takes 1-5 s; see ``browser``."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium not installed (apt-get install chromium, or make browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The module's Chromium. A test's pages (``new_page``: each in a browser context of its
    own, no cookies or storage shared) are closed with their contexts after the test."""
    yield chromium
    for context in chromium.contexts:
        context.close()
