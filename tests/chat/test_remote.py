"""RemoteChatModel against a real OpenAI-compatible server (`transformers serve`, started here
on loopback) and against small fault-injecting HTTP servers (refused, 503 then OK, silent)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest

from kodial.chat.generate import ChatModel
from kodial.chat.persona import Persona
from kodial.chat.remote import RemoteChatModel
from kodial.errors import KodialError
from kodial.serve.runner import free_port
from kodial.testing.http import LocalHTTPServer
from kodial.testing.services import transformers_serve


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`transformers serve` with a tiny Llama preloaded: (base URL, model dir)."""
    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    model = build_tiny_llama(tmp_path_factory.mktemp("served"), hidden_size=64)
    untie_head(model)
    log = tmp_path_factory.mktemp("served-log") / "serve.log"
    with transformers_serve(model, log) as url:
        yield url, model


PERSONA = Persona(name="하루", profile=["카페 사장님이에요."])


def test_streamed_and_whole_replies_match_the_local_model(served: tuple[str, Path]) -> None:
    """Greedy: the server's reply to the persona prompt + history is what ChatModel gives
    locally for the same model, streamed or whole."""
    url, model_dir = served
    bot = RemoteChatModel(url, model=str(model_dir), persona=PERSONA, stop=[])
    local = ChatModel.from_pretrained(model_dir, persona=PERSONA)
    msgs = [{"role": "user", "content": "안녕하세요, 오늘 뭐가 맛있어요?"}]
    # the random model may end on half a character, which servers drop and decode differently
    want = local.reply(msgs, max_new_tokens=12, temperature=0).text.rstrip("\ufffd").strip()
    whole = bot.reply(msgs, max_new_tokens=12, temperature=0)
    streamed = "".join(bot.stream(msgs, max_new_tokens=12, temperature=0))
    assert whole.text.rstrip("\ufffd").strip() == want
    assert streamed.rstrip("\ufffd").strip() == want
    assert bot.messages(msgs)[0] == {"role": "system", "content": PERSONA.system_prompt()}


class Scripted(BaseHTTPRequestHandler):
    """Answers from a script shared by the test: each entry is (status, headers, body) or
    "silent" (accept the request and never answer)."""

    script: ClassVar[list[Any]] = []
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(body)
        step = type(self).script.pop(0) if type(self).script else (500, {}, b"empty script")
        if step == "silent":
            time.sleep(5)
            return
        status, headers, payload = step
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[Scripted]]]:
    handler = type("Handler", (Scripted,), {"script": [], "seen": []})
    server = LocalHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", handler
    server.shutdown()


def sse(*pieces: str) -> bytes:
    events = [{"choices": [{"delta": {"content": p}, "index": 0}]} for p in pieces]
    return b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"


def test_retries_before_text_then_cuts_at_the_end_of_turn(scripted: Any) -> None:
    url, handler = scripted
    handler.script = [
        (503, {"Retry-After": "0"}, b"busy"),
        (429, {}, b"slow down"),
        (200, {"Content-Type": "text/event-stream"}, sse("안녕", "하세요", "!<|eo", "t_id|>잡담")),
    ]
    bot = RemoteChatModel(url, model="m", retries=2, backoff=0.01)
    pieces = list(bot.stream([{"role": "user", "content": "hi"}], temperature=0))
    assert "".join(pieces) == "안녕하세요!"
    assert len(handler.seen) == 3 and handler.seen[-1]["stop"][0] == "<|eot_id|>"


def test_failures_are_clear_errors_in_bounded_time(scripted: Any) -> None:
    url, handler = scripted
    handler.script = [(400, {}, b"bad model")]
    bot = RemoteChatModel(url, model="m", retries=3, backoff=0.01)
    with pytest.raises(KodialError, match="HTTP 400"):
        bot.reply([{"role": "user", "content": "hi"}])
    assert len(handler.seen) == 1  # a client error is not retried
    handler.script = ["silent", "silent"]
    slow = RemoteChatModel(url, model="m", timeout=0.5, retries=1, backoff=0.01)
    with pytest.raises(KodialError, match="did not answer"):
        slow.reply([{"role": "user", "content": "hi"}])
    refused = RemoteChatModel(
        f"http://127.0.0.1:{free_port()}/v1", model="m", retries=1, backoff=0.01
    )
    with pytest.raises(KodialError, match="ConnectError"):
        list(refused.stream([{"role": "user", "content": "hi"}]))
