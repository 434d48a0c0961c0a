"""``kodial demo --check`` and ``kodial serve`` from the command line."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kodial.errors import KodialError
from kodial.serve.security import KeyRing, read_keys_file

# ``kodial_cli`` (tests/conftest.py) runs the command through its entry point in this process;
# real ``kodial serve`` processes are started by the fault, replica and observability tests.
Kodial = Callable[..., subprocess.CompletedProcess[str]]


def test_demo_check_runs_a_conversation(
    tmp_path: Path, assistant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kodial demo --check`` in-process (the bundled assistant already loaded by the session
    fixture; a subprocess start-up is covered by the fault test)."""
    from typer.testing import CliRunner

    from kodial import cli
    from kodial.serve import runtime

    monkeypatch.setattr(runtime, "load_assistant", lambda config: assistant)
    out = CliRunner().invoke(cli.app, ["demo", "--check", "--db", str(tmp_path / "demo.db")])
    assert out.exit_code == 0, out.output
    assert "demo check passed" in out.output
    script = assistant.describe().demo_script
    assert f"{len(script)} turns" in out.output
    assert "book_table" in out.output and "faq" in out.output
    assert (tmp_path / "demo.db").exists()


def test_create_key_prints_key_once_and_stores_hash(tmp_path: Path, kodial_cli: Kodial) -> None:
    keys = tmp_path / "keys.txt"
    out = kodial_cli("serve", "--create-key", "--keys-file", str(keys), "--key-name", "ci")
    assert out.returncode == 0, out.stderr
    key = next(line for line in out.stdout.splitlines() if line.startswith("kd-"))
    assert key not in keys.read_text()
    assert KeyRing(read_keys_file(keys)).check(key) is not None


def test_missing_config_is_a_clean_error(tmp_path: Path, kodial_cli: Kodial) -> None:
    out = kodial_cli("serve", "--config", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert out.returncode == 2
    err = " ".join(out.stderr.split())  # rich wraps long lines
    assert "nope.yaml not found" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir()), "a failed start leaves no session database behind"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--db", "/nonexistent/dir/s.db"], "cannot open the session store"),
        (["--db", "postgresql://x@nohost/db"], "cannot open the session store"),
        (["--keys-file", "missing.txt"], "keys file missing.txt: file not found"),
        (["--keys-file", "."], "is a directory"),
        (["--log-level", "loud"], "unknown log level 'loud'"),
    ],
)
def test_serve_startup_mistakes_are_one_error_line(
    tmp_path: Path, args: list[str], expected: str, kodial_cli: Kodial
) -> None:
    """Checked before the models load and uvicorn starts: no traceback, exit code 2."""
    out = kodial_cli("serve", *args, cwd=tmp_path)
    err = " ".join(out.stderr.split())
    assert out.returncode == 2, out.stderr
    assert err.startswith("error:") and expected in err and "Traceback" not in err
    assert "hint:" in err


def test_create_key_refuses_a_missing_directory(tmp_path: Path, kodial_cli: Kodial) -> None:
    keys = tmp_path / "no-such-dir" / "keys.txt"
    out = kodial_cli("serve", "--create-key", "--keys-file", str(keys))
    assert out.returncode == 2
    assert "does not exist" in " ".join(out.stderr.split())
    assert not keys.parent.exists()


def test_serve_security_flags_reach_the_settings(
    tmp_path: Path, assistant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--insecure-no-auth`` is what lets a public host start without keys (the start itself,
    uvicorn on 0.0.0.0, is left out); ``--allowed-host`` fills the Host list."""
    from typer.testing import CliRunner

    from kodial import cli
    from kodial.serve import launch, runtime

    started: list[Any] = []
    monkeypatch.setattr(runtime, "load_assistant", lambda config: assistant)
    monkeypatch.setattr(launch, "run_server", lambda settings, _assistant: started.append(settings))
    base = ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "s.db")]
    refused = CliRunner().invoke(cli.app, base)  # (kodial's main() prints it, exit code 2)
    assert isinstance(refused.exception, KodialError) and not started
    assert "--insecure-no-auth" in (refused.exception.hint or "")
    out = CliRunner().invoke(
        cli.app, [*base, "--insecure-no-auth", "--allowed-host", "chat.example"]
    )
    assert out.exit_code == 0, out.output
    assert started[0].insecure_no_auth is True
    assert started[0].allowed_hosts == ["chat.example"]
    assert started[0].effective_allowed_hosts() == ["chat.example"]


def test_serve_options_are_the_settings_and_say_the_same() -> None:
    """Each ``kodial serve`` option that sets a setting has the setting's docstring as its help
    (one text for ``--help``, KODIAL_* and the docs), and every setting documents itself."""
    import re

    import typer.main

    from kodial import cli
    from kodial.serve.cli import SETTING_OF_OPTION
    from kodial.serve.settings import ServeSettings

    def words(text: str) -> str:
        return " ".join(re.sub(r"``([^`]+)``", r"\1", text).split())

    for name, field in ServeSettings.model_fields.items():
        assert field.description, f"setting {name} has no docstring"
    command = typer.main.get_command(cli.app).commands["serve"]  # type: ignore[attr-defined]
    options = {p.name: p for p in command.params}
    assert set(SETTING_OF_OPTION) <= set(options)
    assert set(SETTING_OF_OPTION.values()) <= set(ServeSettings.model_fields)
    for option, setting in SETTING_OF_OPTION.items():
        doc = words(ServeSettings.model_fields[setting].description or "")
        assert words(options[option].help or "").startswith(doc), option
    cli_only = set(options) - set(SETTING_OF_OPTION)
    assert cli_only == {"create_key", "key_name"}  # actions of the command, not settings
