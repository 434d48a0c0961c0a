"""``kodial studio`` from the command line: a bad option is one clear error (exit 2, no
traceback), and a real start serves the console and the API from the workspace."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "COLUMNS": "400"}
COMMAND = [sys.executable, "-c", "from kodial.cli import main; main()", "studio"]


def test_a_bad_option_is_a_clean_error(
    tmp_path: Path, kodial_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    """Through the entry point in this process (``kodial_cli``); the real start is below."""
    out = kodial_cli("studio", "--workspace", str(tmp_path / "ws"), "--port", "70000", cwd=tmp_path)
    assert out.returncode == 2
    assert "invalid setting port" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "ws").exists() and not (tmp_path / "kodial-sessions.db").exists()


@pytest.mark.slow
def test_the_command_serves_the_studio(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    proc = subprocess.Popen(
        [*COMMAND, "--workspace", str(workspace), "--port", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=ENV,
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        url = ""
        deadline = time.monotonic() + 180
        while not url and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("kodial studio: "):
                url = line.split(": ", 1)[1].strip().removesuffix("/studio/")
        assert url, "the studio printed no URL"
        with httpx.Client(base_url=url, timeout=10) as http:
            for _ in range(300):  # the URL is printed before uvicorn listens
                try:
                    page = http.get("/studio/")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            assert page.status_code == 200 and "kodial 스튜디오" in page.text
            assert http.get("/studio/api/info").json()["has_project"] is False
            assert http.post("/studio/api/project", json={"source": "starter"}).status_code == 201
        assert (workspace / "project" / "assistant.yaml").is_file()
        assert (workspace / "sessions.db").is_file()  # the store lives in the workspace
    finally:
        proc.terminate()
        proc.wait(timeout=30)
