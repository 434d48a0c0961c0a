"""Turn order and rate limits, in this process (one replica) and through a real PostgreSQL +
Redis shared by two apps (what replicas share; the multi-process runs are in
``test_replicas.py``).

A turn is held in the middle of its reply by the gated chat model (``gated_lm.py``), so "a
second turn arrives while the first is answering" is a fact of the test, not a race."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from gated_lm import REPLY, GatedLM, gated_assistant, gated_lm
from serve_helpers import TOKENS, chat, get_session, new_session, reply_of
from services import postgres, redis_server, require_services

from kodial.serve.app import create_app
from kodial.serve.runner import ServerThread
from kodial.serve.settings import ServeSettings

MESSAGE = "안녕하세요!"


@pytest.fixture(scope="module")
def lm() -> Iterator[GatedLM]:
    with gated_lm() as server:
        yield server


@pytest.fixture(scope="module")
def pg_redis() -> Iterator[tuple[str, str]]:
    """(PostgreSQL URL, Redis URL) for the module."""
    require_services()
    with postgres() as pg, redis_server() as redis:
        yield pg, redis


@pytest.fixture
def replicas(
    assistant: Any, lm: GatedLM, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., list[str]]]:
    """``replicas(n, **settings)``: n servers (threads) of one assistant whose small talk is the
    gated model; on SQLite with local locks, or (``shared=True``) all on the module's
    PostgreSQL + Redis."""
    gated = gated_assistant(tmp_path, lm.url, assistant)
    servers: list[ServerThread] = []

    def start(n: int = 1, shared: bool = False, **overrides: Any) -> list[str]:
        values: dict[str, Any] = {
            "database_url": f"sqlite:///{tmp_path / 'sessions.db'}",
            "rate_limit_per_minute": 0,
        }
        if shared:
            pg, redis = request.getfixturevalue("pg_redis")
            values.update(database_url=pg, redis_url=redis, state_secret="s" * 32)
        values.update(overrides)
        urls = []
        for _ in range(n):
            settings = ServeSettings(_env_file=None, **values)  # type: ignore[call-arg]
            server = ServerThread(create_app(settings, gated))
            servers.append(server)
            urls.append(server.start())
        return urls

    yield start
    lm.release()
    for s in servers:
        s.stop()


def _stream_turn(url: str, model: str, sid: str, message: str) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=120) as http:
        return chat(http, model, message, session_id=sid, stream=True)


def _turns(url: str, sid: str) -> list[dict[str, Any]]:
    with httpx.Client(base_url=url, timeout=60) as http:
        r = get_session(http, sid)
        assert r.status_code == 200, r.text
        turns: list[dict[str, Any]] = r.json()["turns"]
        return turns


@pytest.mark.parametrize("shared", [False, True], ids=["one-process", "postgres+redis"])
def test_a_second_turn_waits_for_the_first(
    replicas: Callable[..., list[str]], lm: GatedLM, model: str, shared: bool
) -> None:
    """The second turn (on another replica when shared) starts once the first is stored, and
    its model sees the first turn's reply in the history: no 409, no turn from a stale state."""
    first_url, second_url = replicas(2, shared=shared) if shared else replicas(1) * 2
    with httpx.Client(base_url=first_url, timeout=60) as http:
        sid = new_session(http)
    before = len(lm.seen)
    lm.hold()
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(_stream_turn, first_url, model, sid, MESSAGE)
        lm.wait_for_requests(before + 1)  # the first turn is mid-reply now
        second = pool.submit(_stream_turn, second_url, model, sid, "고마워요")
        lm.release()
        assert reply_of(first.result()) == REPLY
        out = second.result()
    assert out["kodial"]["turn"] == 2
    turns = _turns(second_url, sid)
    assert [(t["seq"], t["user"]) for t in turns] == [(1, MESSAGE), (2, "고마워요")]
    if out["kodial"]["route"]["handler"] == "smalltalk":
        shown = lm.seen[-1]["messages"]
        assert {"role": "assistant", "content": REPLY} in shown


@pytest.mark.parametrize("shared", [False, True], ids=["one-process", "postgres+redis"])
def test_the_wait_is_bounded(
    replicas: Callable[..., list[str]], lm: GatedLM, model: str, shared: bool
) -> None:
    (url,) = replicas(1, shared=shared, session_wait_s=0)
    with httpx.Client(base_url=url, timeout=60) as http:
        sid = new_session(http)
        before = len(lm.seen)
        lm.hold()
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(_stream_turn, url, model, sid, MESSAGE)
            lm.wait_for_requests(before + 1)
            r = http.post(
                "/v1/chat/completions",
                json={
                    "model": model,
                    "session_id": sid,
                    "session_token": TOKENS[sid],
                    "messages": [{"role": "user", "content": "고마워요"}],
                },
            )
            lm.release()
            first.result()
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "session_busy" and r.headers["Retry-After"] == "2"
        metrics = http.get("/metrics").text
    assert [t["user"] for t in _turns(url, sid)] == [MESSAGE]
    assert 'kodial_errors_total{code="session_busy"}' in metrics


def test_rate_limit_is_shared_by_replicas(
    replicas: Callable[..., list[str]], pg_redis: tuple[str, str]
) -> None:
    """Burst 3, nearly no refill: six requests alternating between two apps on one Redis get
    three answers, not six (in-memory buckets would give each app its own three)."""
    urls = replicas(2, shared=True, rate_limit_per_minute=0.06, rate_limit_burst=3)
    statuses = []
    for i in range(6):
        with httpx.Client(base_url=urls[i % 2], timeout=30) as http:
            r = http.get("/v1/models")
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert int(r.headers["Retry-After"]) >= 1
    assert statuses == [200, 200, 200, 429, 429, 429]


def test_redis_down_is_503_not_an_open_limit(assistant: Any, pg_redis: tuple[str, str]) -> None:
    pg, _ = pg_redis
    with redis_server() as redis:
        settings = ServeSettings(  # type: ignore[call-arg]
            _env_file=None, database_url=pg, redis_url=redis, state_secret="s" * 32
        )
        server = ServerThread(create_app(settings, assistant))
        url = server.start()
        with httpx.Client(base_url=url, timeout=30) as http:
            assert http.get("/v1/models").status_code == 200
            assert http.get("/readyz").json()["redis"] is True
    try:  # the Redis is gone now
        with httpx.Client(base_url=url, timeout=30) as http:
            ready = http.get("/readyz")
            assert ready.status_code == 503 and ready.json()["redis"] is False
            r = http.get("/v1/models")
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "shared_state_unavailable"
        assert "redis://" not in r.text and r.headers["Retry-After"] == "2"
    finally:
        server.stop()
