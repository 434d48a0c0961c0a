"""Fixtures of the security suite's service tests: real uvicorn servers on loopback ports with
their log captured, a real webhook receiver that counts its calls, and small assistants whose
booking task calls it."""

from __future__ import annotations

import json
import logging
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from kodial.assistant.engine import build_demo_assistant
from kodial.serve.app import create_app
from kodial.serve.runner import ServerThread
from kodial.serve.settings import ServeSettings
from kodial.testing.http import LocalHTTPServer

SERVER_LOGGERS = ("kodial", "uvicorn", "uvicorn.error")


@pytest.fixture(scope="session")
def demo_assistant() -> Any:
    """The bundled example assistant, built once per test process (shared with the other
    suites' fixtures)."""
    return build_demo_assistant()


class LogCapture(logging.Handler):
    """Every record the server's loggers emit while a test runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def attach(self) -> None:
        # uvicorn's Config replaces the handlers of its loggers: attach after each start.
        for name in SERVER_LOGGERS:
            logger = logging.getLogger(name)
            if self not in logger.handlers:
                logger.addHandler(self)

    def detach(self) -> None:
        for name in SERVER_LOGGERS:
            logging.getLogger(name).removeHandler(self)

    def text(self) -> str:
        return "\n".join(self.format(r) for r in self.records)

    def assert_clean(self) -> None:
        """No traceback and nothing at ERROR: every refusal was an expected 4xx/503."""
        bad = [r for r in self.records if r.exc_info or r.levelno >= logging.ERROR]
        assert not bad, "\n".join(logging.Formatter().format(r) for r in bad)
        assert "Traceback" not in self.text()


@pytest.fixture
def server_log() -> Iterator[LogCapture]:
    capture = LogCapture()
    capture.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    yield capture
    capture.detach()


def settings_for(db: Path, **overrides: Any) -> ServeSettings:
    values: dict[str, Any] = {"database_url": f"sqlite:///{db}", "rate_limit_per_minute": 0}
    values.update(overrides)
    return ServeSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def serve(
    demo_assistant: Any, tmp_path: Path, server_log: LogCapture
) -> Iterator[Callable[..., str]]:
    """``serve(assistant=None, **settings)`` starts a server (the bundled assistant by
    default) on a fresh SQLite file (``tmp_path/sessions-N.db``) and returns its URL."""
    servers: list[ServerThread] = []

    def start(assistant: Any = None, **overrides: Any) -> str:
        db = tmp_path / f"sessions-{len(servers)}.db"
        app = create_app(settings_for(db, **overrides), assistant or demo_assistant)
        server = ServerThread(app)
        servers.append(server)
        url = server.start()
        server_log.attach()
        return url

    yield start
    for s in servers:
        s.stop()


@dataclass
class Receiver:
    """A webhook endpoint on 127.0.0.1: records each call; ``hold`` makes calls wait for
    ``release`` (to keep one action running while a second request arrives)."""

    url: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    hold: bool = False


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: list[Receiver] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            rec = box[0]
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            rec.calls.append({"body": body, "key": self.headers.get("Idempotency-Key")})
            rec.entered.set()
            if rec.hold:
                rec.release.wait(30)
            out = json.dumps({"confirmation": f"W-{len(rec.calls)}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = LocalHTTPServer(("127.0.0.1", 0), Hook)
    box.append(Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/book"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box[0]
    box[0].release.set()
    server.shutdown()
    server.server_close()


BOOKING = """\
name: booking-test
classifier: {method: lexical, min_score: 0.0}
intents:
  examples:
    book_table: [식당 예약해 줘, 자리 예약하고 싶어요, 저녁 예약 부탁해요, 테이블 잡아 줘,
                 내일 점심 예약할게요, 두 명 예약 가능해요]
    faq: [환불은 어떻게 받나요, 영업시간이 궁금해요, 주차 되나요, 결제 수단 알려 주세요,
          예약금 있나요, 고객센터 어디예요]
handlers:
  book_table:
    type: task
    description: 식당 예약
    slots:
      - name: 날짜
        prompt: 어느 날로 할까요?
        extractor: {type: datetime, part: date}
        not_past: true
      - name: 인원
        prompt: 몇 분이세요?
        extractor: {type: number, units: [명]}
        min: 1
        max: 10
    confirm: "{날짜}에 {인원}명으로 예약할까요?"
    done: "예약 번호는 {confirmation}입니다."
    action: ACTION
  faq: {type: faq, data: faq.yaml, min_similarity: 0.3}
  fallback: {type: fallback}
"""


@pytest.fixture
def booking_assistant(tmp_path: Path) -> Callable[[str], Any]:
    """``booking_assistant(action_yaml)``: a two-intent assistant whose table booking asks
    날짜 and 인원, confirms, then runs ``action``."""
    from kodial.assistant.engine import Assistant

    def build(action: str) -> Any:
        folder = tmp_path / f"assistant-{abs(hash(action))}"
        folder.mkdir(exist_ok=True)
        (folder / "faq.yaml").write_text(
            "- q: [환불은 어떻게 받나요]\n  a: 하루 전까지 취소하면 전액 환불돼요.\n",
            encoding="utf-8",
        )
        path = folder / "assistant.yaml"
        path.write_text(textwrap.dedent(BOOKING).replace("ACTION", action), encoding="utf-8")
        return Assistant.from_config(path)

    return build
