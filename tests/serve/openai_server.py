"""A real OpenAI-compatible server for the tests: ``transformers serve`` on a free loopback port
with a tiny random Llama built here (no download)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from kodial.serve.runner import free_port


@contextmanager
def transformers_serve(model: Path, log: Path) -> Iterator[str]:
    """Run ``transformers serve`` (preloading ``model``) until the block ends; yields its base URL
    (ending in ``/v1``). The server names the model by its path."""
    port = free_port()
    cli = "from transformers.cli.transformers import main; main()"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                cli,
                "serve",
                str(model),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("transformers serve did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.5)
        yield f"{url}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
