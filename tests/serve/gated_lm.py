"""A chat-model server whose replies the test holds at a gate, for the tests that need a turn to
be in the middle of its reply at a known moment (a second turn on the session, a replica killed
mid-stream, a KakaoTalk reply slower than the skill timeout) without guessing at timings.

It speaks the OpenAI chat-completions wire format (what kodial's ``openai`` chit-chat backend
calls): every reply starts with :data:`FIRST` at once, then waits until the gate is open, then
ends with :data:`REST`. The gate is open unless the test holds it. Each request's body is kept
(``seen``), so a test can check what the model was shown (the history of earlier turns)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from kodial.testing.http import LocalHTTPServer

FIRST = "반가워요!"
REST = " 오늘도 좋은 하루예요."
REPLY = FIRST + REST


class GatedLM:
    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.seen: list[dict[str, Any]] = []
        self._arrived = threading.Condition()
        self.url = ""

    def hold(self) -> None:
        """Replies from now on stop after :data:`FIRST` until :meth:`release`."""
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def wait_for_requests(self, n: int, timeout: float = 60.0) -> None:
        """Until ``n`` requests in all have arrived (and streamed their first piece)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.seen) >= n, timeout):
                raise AssertionError(f"{len(self.seen)} requests reached the model, not {n}")

    def _arrive(self, body: dict[str, Any]) -> None:
        with self._arrived:
            self.seen.append(body)
            self._arrived.notify_all()


def _handler(lm: GatedLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if not body.get("stream"):
                lm._arrive(body)
                lm.gate.wait(120)
                payload = json.dumps(
                    {
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": REPLY},
                                "finish_reason": "stop",
                            }
                        ]
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self._event(FIRST)
            lm._arrive(body)
            lm.gate.wait(120)
            try:
                self._event(REST)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except OSError:  # the caller went away (a killed replica)
                pass
            self.close_connection = True

        def _event(self, text: str) -> None:
            chunk = {"choices": [{"index": 0, "delta": {"content": text}}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def gated_lm() -> Iterator[GatedLM]:
    lm = GatedLM()
    server = LocalHTTPServer(("127.0.0.1", 0), _handler(lm))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    lm.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield lm
    finally:
        lm.release()
        server.shutdown()
        server.server_close()


def gated_config(directory: Path, lm_url: str) -> Path:
    """The bundled assistant's YAML copied into ``directory``, with small talk answered by the
    chat model at ``lm_url`` (greedy, no retries: a failure shows at once)."""
    import shutil

    import yaml

    from kodial.assistant.config import bundled_config

    conf_dir = directory / "assistant"
    shutil.copytree(bundled_config().parent, conf_dir)
    cfg = yaml.safe_load((conf_dir / "assistant.yaml").read_text(encoding="utf-8"))
    cfg["handlers"]["smalltalk"] = {
        "type": "chitchat",
        "backend": "openai",
        "base_url": lm_url,
        "model": "gated",
        "temperature": 0.0,
        "retries": 0,
        "timeout_s": 120,
    }
    path = conf_dir / "assistant.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def gated_assistant(directory: Path, lm_url: str, like: Any) -> Any:
    """An assistant of :func:`gated_config` built in this process, reusing ``like``'s trained
    classifier (only the chit-chat backend differs)."""
    from kodial.assistant.config import load_config
    from kodial.assistant.engine import Assistant

    return Assistant(
        load_config(gated_config(directory, lm_url)), like.classifier, persona=like.persona
    )
