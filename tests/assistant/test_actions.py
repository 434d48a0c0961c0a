"""Task actions: a Python callable and an HTTP webhook against a real server on 127.0.0.1,
including failing webhooks (HTTP error, bad body, timeout, unreachable) that become a polite
reply with an error id; what failed goes to the log only. Each task's action carries the
task's idempotency key."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from kodial.assistant.actions import ActionResult, CallableAction, WebhookAction
from kodial.assistant.engine import Assistant
from kodial.assistant.examples import confirmation_code
from kodial.assistant.route import Route
from kodial.assistant.state import TaskState
from kodial.assistant.task import task_key
from kodial.testing.http import LocalHTTPServer

RECEIVED: list[dict[str, Any]] = []


class Hook(BaseHTTPRequestHandler):
    """/ok answers a confirmation; /fail 500; /text non-JSON; /slow sleeps past the timeout."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        RECEIVED.append(
            {
                "path": self.path,
                "body": body,
                "auth": self.headers.get("X-Token"),
                "key": self.headers.get("Idempotency-Key"),
            }
        )
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/fail":
            self._send(500, b'{"error": "db down"}')
        elif self.path == "/text":
            self._send(200, b"<html>ok</html>")
        else:
            out = {"confirmation": "W-" + str(body["slots"]["인원"]) + body["slots"]["날짜"][-2:]}
            self._send(200, json.dumps(out).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def hook_url() -> Iterator[str]:
    server = LocalHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


SLOTS = {"날짜": "2026-11-19", "인원": 3}


def test_webhook_success_posts_the_slots(hook_url: str) -> None:
    RECEIVED.clear()
    action = WebhookAction(url=hook_url + "/ok", headers={"X-Token": "secret"})
    result = action.run("book_table", SLOTS)
    assert result.ok and result.values == {"confirmation": "W-319"}
    assert RECEIVED == [
        {
            "path": "/ok",
            "body": {"task": "book_table", "slots": SLOTS},
            "auth": "secret",
            "key": None,
        }
    ]


@pytest.mark.parametrize(
    ("path", "timeout", "reason"),
    [
        ("/fail", 5.0, "webhook answered HTTP 500"),
        ("/text", 5.0, "not JSON"),
        ("/slow", 0.3, "timed out after 0.3s"),
    ],
)
def test_webhook_failures_become_reasons(
    hook_url: str, path: str, timeout: float, reason: str, caplog: Any
) -> None:
    with caplog.at_level(logging.WARNING, logger="kodial.assistant.actions"):
        result = WebhookAction(url=hook_url + path, timeout=timeout).run("book_table", SLOTS)
    assert not result.ok and reason in result.reason
    assert len(result.error_id) == 8  # the reference shown to the user
    logged = [r.getMessage() for r in caplog.records]
    assert any(result.error_id in m and reason in m for m in logged), logged


def test_unreachable_webhook() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = WebhookAction(url=f"http://127.0.0.1:{port}/x", timeout=1).run("t", {})
    assert not result.ok and "unreachable" in result.reason


def test_callable_action_results_and_errors() -> None:
    ok = CallableAction(function="kodial.assistant.examples:book_table").run(
        "book_table", {"날짜": "2026-11-19", "시간": "19:00", "인원": 2, "장소": "홍대점"}
    )
    assert ok.ok and ok.values["confirmation"] == confirmation_code(
        "R", "book_table", {"날짜": "2026-11-19", "시간": "19:00", "인원": 2, "장소": "홍대점"}
    )
    missing = CallableAction(function="kodial.assistant.examples:book_table").run("t", {})
    assert not missing.ok and "needs the slot" in missing.reason


def _book(bot: Assistant, now: datetime) -> tuple[list[str], list[Route]]:
    state = None
    replies, routes = [], []
    for msg in ["예약해 줘 내일 3명", "네"]:
        r = bot.turn(msg, state, [], now=now)
        replies.append(r.collect())
        routes.append(r.route)
        state = r.state
    return replies, routes


def test_task_with_webhook_end_to_end(
    make_assistant: Callable[..., Assistant], hook_url: str, now: datetime
) -> None:
    bot = make_assistant(f"{{type: webhook, url: '{hook_url}/ok', timeout: 5}}")
    replies, routes = _book(bot, now)
    assert replies[0] == "내일(11월 19일 목요일)에 3명으로 예약할까요?"
    assert replies[1] == "예약 번호는 W-319입니다."
    action = routes[1].action
    assert action is not None and action.type == "webhook" and action.ok is True


def test_failing_webhook_gives_a_polite_reply_and_keeps_the_task(
    make_assistant: Callable[..., Assistant], hook_url: str, now: datetime
) -> None:
    bot = make_assistant(f"{{type: webhook, url: '{hook_url}/fail', timeout: 5}}")
    state = None
    for msg in ["예약해 줘 내일 3명", "네"]:
        r = bot.turn(msg, state, [], now=now)
        text = r.collect()
        state = r.state
    assert text.startswith("죄송해요, 지금은 처리할 수 없어요.") and "'네'" in text
    assert "500" not in text and "db down" not in text  # no internals in the reply
    action = r.route.action
    assert action is not None and action.error_id
    error_id = action.error_id
    assert f"오류 번호 {error_id}" in text  # the user can quote it
    assert r.route.reason == f"action failed (error {error_id})"
    assert action.ok is False
    assert action.reason == f"error {error_id}"
    assert "HTTP 500" not in r.route.model_dump_json()
    assert state is not None and state.task is not None and state.task.confirming is True
    r = bot.turn("취소", state, [], now=now)
    assert r.state.task is None


SECRET_URL = "postgresql://booker:s3cr3t-pw@db.internal:5432/bookings"


def db_down(task: str, slots: dict[str, Any]) -> dict[str, Any]:
    """An action whose exception text holds a password (as a driver's error often does)."""
    raise ConnectionError(f"could not connect to {SECRET_URL}")


def test_an_action_exception_reaches_the_log_only(
    make_assistant: Callable[..., Assistant], now: datetime, caplog: Any
) -> None:
    """The exception text (a DB URL with its password) goes to the log under an error id; the
    reply, the route and the state carry the id alone."""
    bot = make_assistant(f"{{type: callable, function: '{__name__}:db_down'}}")
    state = None
    with caplog.at_level(logging.WARNING, logger="kodial.assistant.actions"):
        for msg in ["예약해 줘 내일 3명", "네"]:
            r = bot.turn(msg, state, [], now=now)
            text = r.collect()
            state = r.state
    assert r.route.action is not None and r.route.action.error_id
    error_id = r.route.action.error_id
    assert state is not None
    shown = text + r.route.model_dump_json() + state.model_dump_json()
    assert "s3cr3t" not in shown and "postgresql" not in shown and "ConnectionError" not in shown
    assert error_id in text and error_id in r.route.reason
    logged = [rec for rec in caplog.records if error_id in rec.getMessage()]
    assert len(logged) == 1 and SECRET_URL in logged[0].getMessage()
    assert logged[0].exc_info is not None  # the operator gets the traceback


def test_each_task_action_carries_the_task_key(
    make_assistant: Callable[..., Assistant], hook_url: str, now: datetime
) -> None:
    """The task's id is its action's idempotency key: the same confirming state sends the same
    key (a receiver can drop the duplicate), a new booking another; a runner gets it too."""
    RECEIVED.clear()
    bot = make_assistant(f"{{type: webhook, url: '{hook_url}/ok', timeout: 5}}")
    confirming = bot.turn("예약해 줘 내일 3명", None, [], now=now).state
    assert confirming.task is not None and confirming.task.id is not None
    key = task_key(confirming.task)
    assert key.startswith("book_table:") and len(confirming.task.id) == 16
    for _ in range(2):
        bot.turn("네", confirming, [], now=now).collect()
    other = bot.turn("예약해 줘 내일 3명", None, [], now=now).state
    bot.turn("네", other, [], now=now).collect()
    assert other.task is not None
    assert [r["key"] for r in RECEIVED] == [key, key, task_key(other.task)]
    assert task_key(other.task) != key

    seen: list[tuple[str, str]] = []

    def runner(action: Any, task: str, slots: dict[str, Any], run_key: str) -> ActionResult:
        seen.append((task, run_key))
        return ActionResult(True, {"confirmation": "STORED-1"}, replayed=True)

    r = bot.turn("네", confirming, [], now=now, run_action=runner)
    assert r.collect() == "예약 번호는 STORED-1입니다."
    assert r.route.action is not None
    assert seen == [("book_table", key)] and r.route.action.replayed is True
    assert len(RECEIVED) == 3  # the runner answered: the webhook was not called


def test_a_task_without_an_id_gets_a_key_from_its_slots() -> None:
    """States stored before tasks had ids still get a stable key (their slots' digest)."""
    old = {
        "handler": "book_table",
        "slots": {"인원": {"value": 3, "display": "3명"}},
        "asking": None,
        "confirming": True,
        "failures": 0,
    }
    stored = TaskState.model_validate(json.loads(json.dumps(old)))
    again = TaskState.model_validate(stored.model_dump(mode="json"))  # one more round trip
    other = TaskState.model_validate({**old, "slots": {"인원": {"value": 4, "display": "4명"}}})
    assert task_key(stored) == task_key(again) != task_key(other)
    # the same key as before tasks had typed states: a digest of the slots as stored then
    digest = hashlib.sha256(json.dumps(old["slots"], sort_keys=True).encode()).hexdigest()
    assert task_key(stored) == f"book_table:slots-{digest[:16]}"
