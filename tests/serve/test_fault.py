"""Kill -9 during streamed answers, restart on the same database: every session is exactly as
the client last saw it complete: no lost turn, no duplicated turn, no half-written turn. A client
that leaves mid-stream leaves the session unchanged too."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from serve_helpers import TOKENS, ServerProcess, chat, get_session, new_session, parse_sse, reply_of

from kodial.serve.app import create_app
from kodial.serve.runner import ServerThread, free_port
from kodial.serve.settings import ServeSettings

pytestmark = pytest.mark.slow

PACED = {  # one character per chunk, 80 ms apart: a reply takes long enough to be cut
    "KODIAL_STREAM_CHUNK_CHARS": "1",
    "KODIAL_STREAM_DELAY_MS": "80",
    "KODIAL_RATE_LIMIT_PER_MINUTE": "0",
}
MESSAGES = ["안녕하세요!", "고마워요"]
CUT_MESSAGE = "안녕하세요!"


def _settings(db: Path) -> ServeSettings:
    return ServeSettings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{db}", rate_limit_per_minute=0
    )


def _stream_until_killed(
    url: str, body: dict[str, Any], started: threading.Event, seen: list[str]
) -> None:
    try:
        with (
            httpx.Client(base_url=url, timeout=60) as http,
            http.stream("POST", "/v1/chat/completions", json=body) as r,
        ):
            for line in r.iter_lines():
                seen.append(line)
                if sum(1 for s in seen if '"content"' in s) >= 3:
                    started.set()
    except httpx.HTTPError:
        pass
    finally:
        started.set()


def test_sigkill_mid_stream_leaves_sessions_consistent(
    tmp_path: Path, model: str, assistant: Any
) -> None:
    db = tmp_path / "sessions.db"
    port = free_port()
    server = ServerProcess(port, f"sqlite:///{db}", PACED, tmp_path / "server.log")
    try:
        server.wait_ready()
        seen: dict[str, list[dict[str, Any]]] = {}
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for _ in range(4):
                sid = new_session(http)
                seen[sid] = [chat(http, model, m, session_id=sid) for m in MESSAGES]
            assert len(reply_of(seen[sid][0]).replace(" ", "")) >= 6, "reply too short to cut"
        # three streams in flight at the moment of the kill
        cut = list(seen)[:3]
        events, threads, lines = [], [], []
        for sid in cut:
            ev, got = threading.Event(), []
            body = {
                "model": model,
                "stream": True,
                "session_id": sid,
                "session_token": TOKENS[sid],
                "messages": [{"role": "user", "content": CUT_MESSAGE}],
            }
            t = threading.Thread(
                target=_stream_until_killed, args=(server.url, body, ev, got), daemon=True
            )
            t.start()
            events.append(ev)
            threads.append(t)
            lines.append(got)
        for ev in events:
            assert ev.wait(60)
        server.kill()
        for t in threads:
            t.join(30)
        for got in lines:
            assert any('"content"' in s for s in got), "the kill came before any content"
            assert not any("[DONE]" in s for s in got), "the kill came after the answer"
    finally:
        server.stop()

    # Restart on the same database file. In-process, reusing the loaded assistant: what is
    # under test is the store the killed process left behind, and this saves a second start-up.
    restarted = ServerThread(create_app(_settings(db), assistant))
    try:
        url = restarted.start()
        with httpx.Client(base_url=url, timeout=60) as http:
            for sid, outs in seen.items():
                s = get_session(http, sid).json()
                assert s["turn_count"] == len(MESSAGES), sid
                assert [t["seq"] for t in s["turns"]] == list(range(1, len(MESSAGES) + 1))
                assert [t["user"] for t in s["turns"]] == MESSAGES
                assert [t["assistant"] for t in s["turns"]] == [reply_of(o) for o in outs]
                assert s["state"] == outs[-1]["kodial"]["state"]
                # the session goes on from where it was
                nxt = chat(http, model, CUT_MESSAGE, session_id=sid, stream=True)
                assert nxt["kodial"]["turn"] == len(MESSAGES) + 1
    finally:
        restarted.stop()
    with sqlite3.connect(db) as conn:
        dup = conn.execute(
            "SELECT session_id, seq, count(*) FROM turns GROUP BY session_id, seq HAVING count(*) > 1"
        ).fetchall()
        assert dup == []
        counts = dict(conn.execute("SELECT id, turn_count FROM sessions").fetchall())
        rows = dict(
            conn.execute("SELECT session_id, count(*) FROM turns GROUP BY session_id").fetchall()
        )
        assert counts == rows


class _Abandoned(logging.Handler):
    """Sets ``seen`` when the server logs that a turn was abandoned by its client: from then
    on that turn can no longer be stored (the generator that would store it has ended)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "abandoned by the client" in record.getMessage():
            self.seen.set()


def test_client_leaving_mid_stream_stores_nothing(
    start_server: Any, model: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A reply the client did not stay for is not a completed turn: the session is unchanged
    and carries on normally. Checked once the server has given the turn up (its log says so),
    not after a pause that a slow machine could outlast."""
    url = start_server(stream_chunk_chars=1, stream_delay_ms=40)
    message = "영업시간이 어떻게 돼요?"
    abandoned = _Abandoned()
    server_log = logging.getLogger("kodial.serve")
    with (
        caplog.at_level(logging.INFO, logger="kodial.serve"),
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        server_log.addHandler(abandoned)
        try:
            full = reply_of(chat(http, model, message))
            sid = new_session(http)
            body = {
                "model": model,
                "stream": True,
                "session_id": sid,
                "session_token": TOKENS[sid],
                "messages": [{"role": "user", "content": message}],
            }
            with http.stream("POST", "/v1/chat/completions", json=body) as r:
                contents = 0
                for line in r.iter_lines():
                    contents += '"content"' in line
                    if contents >= 3:
                        break  # leave: the connection closes with the stream
            assert abandoned.seen.wait(60), "the server never gave the abandoned turn up"
        finally:
            server_log.removeHandler(abandoned)
        assert len(full) > 3  # the reply was still being streamed when the client left
        assert get_session(http, sid).json()["turn_count"] == 0
        out = chat(http, model, message, session_id=sid, stream=True)
        assert out["kodial"]["turn"] == 1 and reply_of(out) == full


def test_two_streams_on_one_session_are_answered_in_turn(start_server: Any, model: str) -> None:
    """Two streams on one session at once: the second waits for the first to be stored (one
    turn at a time per session) and is answered from the state it left; both complete, the
    session holds two turns, never a duplicate or a stale one (before: the second got 409)."""
    url = start_server(stream_chunk_chars=1, stream_delay_ms=50)  # a wide overlap
    with httpx.Client(base_url=url, timeout=60) as http:
        sid = new_session(http)
    body = {
        "model": model,
        "stream": True,
        "session_id": sid,
        "session_token": TOKENS[sid],
        "messages": [{"role": "user", "content": "영업시간이 어떻게 돼요?"}],
    }
    results: list[list[Any]] = []

    def one() -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            results.append(parse_sse(c.post("/v1/chat/completions", json=body).text))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 2 and all(r[-1] == "[DONE]" for r in results)
    turns = sorted(r[-2]["kodial"]["turn"] for r in results)
    assert turns == [1, 2]
    with httpx.Client(base_url=url, timeout=60) as http:
        s = get_session(http, sid).json()
    assert s["turn_count"] == 2 and [t["seq"] for t in s["turns"]] == [1, 2]
