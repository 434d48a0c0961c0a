"""Helpers shared by the serve tests: talking to the API, in-process or over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

BASE_URL = "http://127.0.0.1"
"""What in-process clients call: a loopback Host, as the default allowed hosts want."""

TOKENS: dict[str, str] = {}
"""Session id -> its session token, for every session a test created (servers without API keys
reach a session only with its token)."""


def token_header(session_id: str) -> dict[str, str]:
    """The header that reaches ``session_id`` (empty for a session not made by these helpers)."""
    token = TOKENS.get(session_id)
    return {"X-Kodial-Session-Token": token} if token else {}


def get_session(http: httpx.Client, session_id: str) -> httpx.Response:
    return http.get(f"/v1/sessions/{session_id}", headers=token_header(session_id))


def as_caller(client: TestClient, **headers: str) -> TestClient:
    """Another client of ``client``'s running app that sends ``headers`` with every request
    (an API key, say); the app's lifespan is not run again."""
    return TestClient(client.app, base_url=BASE_URL, headers=headers)


def parse_sse(raw: str) -> list[Any]:
    """The ``data:`` payloads of an SSE body: JSON objects, or the string ``[DONE]``."""
    events: list[Any] = []
    for block in raw.split("\n\n"):
        lines = [ln[len("data: ") :] for ln in block.split("\n") if ln.startswith("data: ")]
        if not lines:
            continue
        data = "\n".join(lines)
        events.append(data if data == "[DONE]" else json.loads(data))
    return events


def chat(
    http: httpx.Client,
    model: str,
    text: str,
    session_id: str | None = None,
    stream: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """One turn; returns the completion (for a stream: rebuilt from the chunks, with the raw
    events under ``_events``). Raises on a non-200 answer."""
    body: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "user", "content": text}],
        "stream": stream,
        **extra,
    }
    if session_id is not None:
        body["session_id"] = session_id
        if session_id in TOKENS:
            body.setdefault("session_token", TOKENS[session_id])
    r = http.post("/v1/chat/completions", json=body)
    assert r.status_code == 200, r.text
    if not stream:
        out: dict[str, Any] = r.json()
        return out
    events = parse_sse(r.text)
    assert events[-1] == "[DONE]", events[-3:]
    chunks = [e for e in events[:-1] if e.get("choices")]
    final = chunks[-1]
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    return {
        "choices": [
            {
                "message": {"role": "assistant", "content": content},
                "finish_reason": final["choices"][0]["finish_reason"],
            }
        ],
        "usage": final.get("usage"),
        "kodial": final.get("kodial"),
        "_events": events,
    }


def new_session(http: httpx.Client, title: str = "") -> str:
    """A new session's id; its token is kept in :data:`TOKENS`."""
    r = http.post("/v1/sessions", json={"title": title})
    assert r.status_code == 201, r.text
    sid: str = r.json()["id"]
    TOKENS[sid] = r.json()["session_token"]
    return sid


def reply_of(out: dict[str, Any]) -> str:
    text: str = out["choices"][0]["message"]["content"]
    return text


def handler_of(out: dict[str, Any]) -> str:
    h: str = out["kodial"]["route"]["handler"]
    return h


class ServerProcess:
    """``kodial serve`` in a subprocess (for the fault test: it gets SIGKILLed)."""

    def __init__(self, port: int, db_url: str, env: dict[str, str], log: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **env}
        with open(log, "ab") as fh:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from kodial.cli import main; main()",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--db",
                    db_url,
                ],
                stdout=fh,
                stderr=subprocess.STDOUT,
                env=full_env,
            )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server not ready: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
