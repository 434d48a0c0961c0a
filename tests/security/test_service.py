"""The service's threat model (SECURITY.md), one test per promise, each against a real server:

- authentication never turns itself off; requests without a valid key are rate limited;
- a signed state is good for one request, from the key it was issued to, until it expires, and
  a task's action runs once whatever is replayed or sent concurrently;
- an action's failure reaches the client as an error id, its details the log only;
- a locked session store gives a prompt 503 + Retry-After, never a half-minute hang;
- stalled uploads are cut off, connections are limited, foreign Host headers are refused,
  and sessions belong to whoever holds their token even without API keys.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from kodial.errors import KodialError
from kodial.serve.runtime import Services
from kodial.serve.security import StateRefused, StateSigner, add_key_to_file, hash_key

from .conftest import LogCapture, Receiver, settings_for

# -- authentication never turns itself off ----------------------------------------------------


@pytest.mark.parametrize(
    "content",
    ["", "# kodial API keys\n", "# kodial API keys\n# sha256:" + "0" * 64 + " revoked\n"],
    ids=["empty", "comments-only", "last-key-revoked"],
)
def test_a_keys_file_without_keys_is_refused(
    tmp_path: Path, demo_assistant: Any, content: str
) -> None:
    """Before: an empty keys file (or one whose last key was commented out) served every
    route without a key."""
    keys = tmp_path / "keys.txt"
    keys.write_text(content)
    with pytest.raises(KodialError, match="holds no keys"):
        Services.build(settings_for(tmp_path / "s.db", api_keys_file=keys), demo_assistant)


def test_kodial_serve_refuses_an_empty_keys_file_and_an_open_public_host(
    tmp_path: Path,
    kodial_cli: Callable[..., subprocess.CompletedProcess[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through the ``kodial`` entry point (in this process: ``kodial_cli``), with no KODIAL_*
    setting from the environment that runs the tests and an empty home directory."""
    for name in [n for n in os.environ if n.upper().startswith("KODIAL_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "keys.txt").write_text("")
    for args, expected in [
        (["--keys-file", "keys.txt"], "holds no keys"),
        (["--host", "0.0.0.0"], "refusing to serve 0.0.0.0 without API keys"),
    ]:
        out = kodial_cli("serve", *args, cwd=tmp_path)
        err = " ".join(out.stderr.split())
        assert out.returncode == 2, out.stderr
        assert expected in err and "Traceback" not in err
        assert "--insecure-no-auth" in err or "--create-key" in err


def test_an_open_api_on_a_public_host_needs_insecure_no_auth(
    tmp_path: Path, demo_assistant: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(KodialError, match="--insecure-no-auth"):
        Services.build(settings_for(tmp_path / "s.db", host="0.0.0.0"), demo_assistant)
    with caplog.at_level(logging.WARNING, logger="kodial.serve"):
        services = Services.build(
            settings_for(tmp_path / "s.db", host="0.0.0.0", insecure_no_auth=True),
            demo_assistant,
        )
    services.store.close()
    assert any("WITHOUT API keys" in r.getMessage() for r in caplog.records)
    # keys, or a loopback host, need no flag
    for ok in (
        settings_for(tmp_path / "s.db", host="0.0.0.0", api_key_hashes=[hash_key("kd-k")]),
        settings_for(tmp_path / "s.db", host="127.0.0.1"),
        settings_for(tmp_path / "s.db", host="::1"),
    ):
        Services.build(ok, demo_assistant).store.close()


def test_requests_without_a_valid_key_are_rate_limited_per_address(
    serve: Callable[..., str], tmp_path: Path
) -> None:
    """Before: a missing or wrong key got 401 without ever touching a rate limit, so keys
    could be guessed at full speed. Now they share their address's bucket; a valid key has
    its own."""
    keys = tmp_path / "keys.txt"
    good = add_key_to_file(keys)
    url = serve(api_keys_file=keys, rate_limit_per_minute=1, rate_limit_burst=3)
    with httpx.Client(base_url=url, timeout=10) as http:
        guesses = [
            http.get("/v1/models", headers={"Authorization": f"Bearer kd-guess-{i}"})
            for i in range(3)
        ]
        assert [r.status_code for r in guesses] == [401, 401, 401]
        for headers in ({"Authorization": "Bearer kd-guess-4"}, {}):
            r = http.get("/v1/models", headers=headers)
            assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
            assert r.json()["error"]["type"] == "rate_limit_error"
        assert (
            http.get("/v1/models", headers={"Authorization": f"Bearer {good}"}).status_code == 200
        )


# -- signed state: one use, one key, an expiry; an action runs once -----------------------------

CONFIRM = "내일 3명 예약해 줘"


def _turn(http: httpx.Client, model: str, text: str, **extra: Any) -> httpx.Response:
    return http.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": text}], **extra},
    )


def test_a_replayed_confirming_state_calls_the_webhook_once(
    serve: Callable[..., str],
    booking_assistant: Callable[[str], Any],
    receiver: Receiver,
    server_log: LogCapture,
) -> None:
    """Before: one captured "confirming" state, sent four times, booked four times."""
    bot = booking_assistant(f"{{type: webhook, url: '{receiver.url}', timeout: 10}}")
    url = serve(bot)
    with httpx.Client(base_url=url, timeout=10) as http:
        first = _turn(http, bot.name, CONFIRM).json()["kodial"]
        assert first["state"]["task"]["confirming"] is True
        captured = {"state": first["state"], "state_signature": first["state_signature"]}
        answers = [_turn(http, bot.name, "네", **captured) for _ in range(4)]
    assert answers[0].status_code == 200
    assert answers[0].json()["choices"][0]["message"]["content"] == "예약 번호는 W-1입니다."
    for r in answers[1:]:
        assert r.status_code == 400, r.text
        err = r.json()["error"]
        assert err["code"] == "state_replayed" and "already used" in err["message"]
    assert len(receiver.calls) == 1
    server_log.assert_clean()


def test_a_state_is_bound_to_its_key_and_expires(
    serve: Callable[..., str], demo_assistant: Any, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.txt"
    alice, bob = add_key_to_file(keys), add_key_to_file(keys)
    url = serve(api_keys_file=keys)
    a = httpx.Client(base_url=url, timeout=10, headers={"Authorization": f"Bearer {alice}"})
    b = httpx.Client(base_url=url, timeout=10, headers={"Authorization": f"Bearer {bob}"})
    model = demo_assistant.name
    with a, b:
        meta = _turn(a, model, "영화 예매해 줘").json()["kodial"]
        back = {"state": meta["state"], "state_signature": meta["state_signature"]}
        r = _turn(b, model, "별빛 정거장이요", **back)
        assert r.status_code == 400 and "another API key" in r.json()["error"]["message"]
        ok = _turn(a, model, "별빛 정거장이요", **back)  # bob's try did not use it up
        assert ok.status_code == 200, ok.text
        assert ok.json()["kodial"]["route"]["slots"]["영화"] == "별빛 정거장"
        sig = meta["state_signature"]
        flipped = sig[:-1] + ("1" if sig.endswith("0") else "0")  # never the real signature
        for garbage in ["é" * 20, "abc", flipped, "ks1." + "x" * 200]:
            r = _turn(a, model, "별빛 정거장이요", state=meta["state"], state_signature=garbage)
            assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_state", r.text


def test_an_expired_state_is_refused() -> None:
    now = [1_000_000.0]
    signer = StateSigner("secret", ttl_s=60, clock=lambda: now[0])
    state = {"version": 1, "task": None, "turns": 3}
    sig = signer.sign(state, "open")
    ticket = signer.verify(state, sig, "open")
    assert ticket.turn == 3 and ticket.expires == 1_000_060
    now[0] += 61
    with pytest.raises(StateRefused, match="expired"):
        signer.verify(state, sig, "open")
    with pytest.raises(StateRefused, match="unchanged"):  # the expiry is signed too
        signer.verify(state, sig.replace(".1000060.", ".9000060."), "open")


def test_two_concurrent_confirmations_on_one_session_book_once(
    serve: Callable[..., str],
    booking_assistant: Callable[[str], Any],
    receiver: Receiver,
    server_log: LogCapture,
) -> None:
    """Two "네" on one session at the same time: before, both called the webhook (one turn
    then lost to a 409). Now turns on a session run one at a time (kodial.serve.turnlock): the
    second waits for the first and is answered from the state it left, so the webhook is called
    once and the session holds both turns in order."""
    bot = booking_assistant(f"{{type: webhook, url: '{receiver.url}', timeout: 20}}")
    url = serve(bot)
    receiver.hold = True
    with httpx.Client(base_url=url, timeout=60) as http:
        created = http.post("/v1/sessions", json={}).json()
        mine = {"session_id": created["id"], "session_token": created["session_token"]}
        assert _turn(http, bot.name, CONFIRM, **mine).status_code == 200
        first: list[httpx.Response] = []
        second: list[httpx.Response] = []
        thread = threading.Thread(target=lambda: first.append(_turn(http, bot.name, "네", **mine)))
        thread.start()
        assert receiver.entered.wait(20)  # the first confirmation is inside the webhook
        waiter = threading.Thread(target=lambda: second.append(_turn(http, bot.name, "네", **mine)))
        waiter.start()
        receiver.release.set()
        thread.join(30)
        waiter.join(60)
        assert first[0].status_code == 200
        assert first[0].json()["choices"][0]["message"]["content"] == "예약 번호는 W-1입니다."
        assert second[0].status_code == 200, second[0].text
        assert second[0].json()["kodial"]["turn"] == 3
        detail = http.get(
            f"/v1/sessions/{created['id']}",
            headers={"X-Kodial-Session-Token": created["session_token"]},
        ).json()
    assert len(receiver.calls) == 1 and detail["turn_count"] == 3
    server_log.assert_clean()


def test_a_stored_action_outcome_is_replayed_not_called_again(
    tmp_path: Path, receiver: Receiver
) -> None:
    """The ledger: once an action succeeded under a key, the same key returns the stored
    outcome (a request retried after its reply was lost, a turn that lost a race)."""
    from kodial.assistant.actions import WebhookAction
    from kodial.serve.ledger import OnceRunner
    from kodial.serve.store import SessionStore

    store = SessionStore(f"sqlite:///{tmp_path / 's.db'}")
    try:
        session = store.create("k")
        run = OnceRunner(store, f"session:{session.id}", session.id, stale_after_s=60)
        hook = WebhookAction(url=receiver.url)
        one = run(hook, "book_table", {"인원": 2}, "book_table:abc")
        two = run(hook, "book_table", {"인원": 2}, "book_table:abc")
        other = run(hook, "book_table", {"인원": 2}, "book_table:def")
    finally:
        store.close()
    assert one.values == two.values == {"confirmation": "W-1"}
    assert not one.replayed and two.replayed and other.values == {"confirmation": "W-2"}
    assert [c["key"] for c in receiver.calls] == [
        f"session:{session.id}:book_table:abc",
        f"session:{session.id}:book_table:def",
    ]


# -- action failures: an error id for the client, the details for the log ----------------------

SECRET_URL = "postgresql://booker:s3cr3t-pw@db.internal:5432/bookings"


def db_down(task: str, slots: dict[str, Any]) -> dict[str, Any]:
    raise ConnectionError(f"could not connect to {SECRET_URL}")


def test_an_action_failure_shows_an_error_id_and_logs_the_details(
    serve: Callable[..., str],
    booking_assistant: Callable[[str], Any],
    server_log: LogCapture,
    tmp_path: Path,
) -> None:
    """Before: the exception text (a DB URL with its password) came back in
    kodial.route.reason and was stored with the turn."""
    bot = booking_assistant(f"{{type: callable, function: '{__name__}:db_down'}}")
    url = serve(bot)
    with httpx.Client(base_url=url, timeout=10) as http:
        created = http.post("/v1/sessions", json={}).json()
        mine = {"session_id": created["id"], "session_token": created["session_token"]}
        assert _turn(http, bot.name, CONFIRM, **mine).status_code == 200
        plain = _turn(http, bot.name, "네", **mine)
        streamed = _turn(http, bot.name, "네", stream=True, **mine)
        stored = http.get(
            f"/v1/sessions/{created['id']}",
            headers={"X-Kodial-Session-Token": created["session_token"]},
        )
    error_id = plain.json()["kodial"]["route"]["action"]["error_id"]
    reply = plain.json()["choices"][0]["message"]["content"]
    assert f"오류 번호 {error_id}" in reply and reply.startswith("죄송해요")
    for r in (plain, streamed, stored):
        assert r.status_code == 200
        assert "s3cr3t" not in r.text and "postgresql" not in r.text
        assert "ConnectionError" not in r.text
    assert stored.json()["turns"][1]["route"]["reason"] == f"action failed (error {error_id})"
    with sqlite3.connect(tmp_path / "sessions-0.db") as db:
        dump = "\n".join(db.iterdump())
    assert "s3cr3t" not in dump and error_id in dump
    logged = [r for r in server_log.records if error_id in r.getMessage()]
    assert len(logged) == 1 and SECRET_URL in logged[0].getMessage()


# -- a locked store: prompt 503, never a hang --------------------------------------------------


def test_a_locked_store_gives_a_prompt_503(
    serve: Callable[..., str], demo_assistant: Any, tmp_path: Path, server_log: LogCapture
) -> None:
    """Another process holds the SQLite write lock. Before: /readyz said ready, turns hung
    for 30 s or more and then failed with 500. Now: /healthz answers, /readyz and writes say
    503 with Retry-After well within the client's 10 s timeout, reads still work. (The store
    waits 0.5 s for the lock here instead of the default 2 s: the same path, five requests.)"""
    url = serve(database_busy_timeout_s=0.5)
    model = demo_assistant.name
    with httpx.Client(base_url=url, timeout=10) as http:
        created = http.post("/v1/sessions", json={}).json()
        mine = {"session_id": created["id"], "session_token": created["session_token"]}
        session_less = _turn(http, model, "영화 예매해 줘").json()["kodial"]
        lock = sqlite3.connect(tmp_path / "sessions-0.db", isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            assert http.get("/healthz").status_code == 200
            busy = [
                http.get("/readyz"),
                _turn(http, model, "안녕하세요!", **mine),
                _turn(http, model, "안녕하세요!", stream=True, **mine),
                _turn(
                    http,
                    model,
                    "별빛 정거장이요",
                    state=session_less["state"],
                    state_signature=session_less["state_signature"],
                ),
                http.post("/v1/sessions", json={}),
            ]
            for r in busy:
                assert r.status_code == 503, r.text
                assert r.headers["retry-after"] == "2"
            assert busy[1].json()["error"]["code"] == "store_unavailable"
            read = http.get(
                f"/v1/sessions/{created['id']}",
                headers={"X-Kodial-Session-Token": created["session_token"]},
            )
            assert read.status_code == 200
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        assert http.get("/readyz").status_code == 200
        assert _turn(http, model, "안녕하세요!", **mine).json()["kodial"]["turn"] == 1
        # the refused session-less turn did not use its state up
        r = _turn(
            http,
            model,
            "별빛 정거장이요",
            state=session_less["state"],
            state_signature=session_less["state_signature"],
        )
        assert r.status_code == 200, r.text
    server_log.assert_clean()
    assert any("database is locked" in r.getMessage() for r in server_log.records)


# -- edge exposure ------------------------------------------------------------------------------


def _raw(url: str, data: bytes, timeout: float = 10.0) -> bytes:
    """Send ``data`` on a fresh connection and read until the server closes it."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


@pytest.mark.parametrize(
    "sent",
    [
        b"",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b'Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{"model": ',
    ],
    ids=["nothing", "half-a-head", "head-then-a-stalled-body"],
)
def test_a_stalled_upload_is_cut_off(
    serve: Callable[..., str], sent: bytes, server_log: LogCapture
) -> None:
    """Before: the connection stayed open for ever (the socket's 10 s timeout fired). Now the
    server answers 408 and closes it after request_read_timeout_s."""
    url = serve(request_read_timeout_s=0.5)
    answer = _raw(url, sent)  # socket.timeout (a test failure) if the server never closes
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "request_timeout"
    with httpx.Client(base_url=url, timeout=10) as http:  # and it keeps serving
        assert http.get("/healthz").status_code == 200
    server_log.assert_clean()


def test_connections_beyond_the_limit_get_503(serve: Callable[..., str]) -> None:
    url = serve(max_connections=3, request_read_timeout_s=30)
    host, port = url.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(3)]
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            codes = []
            deadline = time.monotonic() + 10  # the server accepts the idle sockets first
            while time.monotonic() < deadline and 503 not in codes:
                codes.append(http.get("/healthz", headers={"Connection": "close"}).status_code)
        assert 503 in codes
    finally:
        for s in idle:
            s.close()


def test_foreign_host_headers_are_refused(
    serve: Callable[..., str], demo_assistant: Any, server_log: LogCapture
) -> None:
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reaches a
    local server with ``Host: evil.example``. Before: served. Now 400 (probes excepted)."""
    url = serve()
    port = url.rsplit(":", 1)[1]
    with httpx.Client(base_url=url, timeout=10) as http:
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
            r = http.get("/v1/models", headers={"Host": host})
            assert r.status_code == 400, r.text
            assert r.json()["error"]["code"] == "invalid_host"
            assert http.get("/", headers={"Host": host}).status_code == 400
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
            assert http.get("/v1/models", headers={"Host": host}).status_code == 200
        assert http.get("/healthz", headers={"Host": "10.0.0.7"}).status_code == 200
    named = serve(allowed_hosts="chat.example, api.example")  # as KODIAL_ALLOWED_HOSTS
    with httpx.Client(base_url=named, timeout=10) as http:
        assert http.get("/v1/models", headers={"Host": "chat.example"}).status_code == 200
        assert http.get("/v1/models").status_code == 400  # 127.0.0.1 is not in the list
    server_log.assert_clean()


def test_allowed_hosts_defaults() -> None:
    from kodial.serve.settings import ServeSettings

    demo = ServeSettings(_env_file=None, host="127.0.0.1")  # type: ignore[call-arg]
    assert demo.effective_allowed_hosts() == ["localhost", "127.0.0.1", "::1", "[::1]"]
    public = ServeSettings(_env_file=None, host="0.0.0.0")  # type: ignore[call-arg]
    assert public.effective_allowed_hosts() is None
    star = ServeSettings(_env_file=None, allowed_hosts="*")  # type: ignore[call-arg]
    assert star.effective_allowed_hosts() is None


def test_without_keys_a_session_belongs_to_its_token(
    serve: Callable[..., str], demo_assistant: Any, server_log: LogCapture
) -> None:
    """Before: without keys every client was the same owner and could list, read, continue
    and delete every session. Now a session is reached only with its token."""
    url = serve()
    model = demo_assistant.name
    with (
        httpx.Client(base_url=url, timeout=10) as alice,
        httpx.Client(base_url=url, timeout=10) as mallory,
    ):
        created = alice.post("/v1/sessions", json={"title": "내 예약"})
        assert created.status_code == 201
        sid, token = created.json()["id"], created.json()["session_token"]
        assert token.startswith("kst-") and len(token) > 40
        mine = {"X-Kodial-Session-Token": token}
        assert _turn(alice, model, "안녕하세요!", session_id=sid, session_token=token).is_success
        for headers in ({}, {"X-Kodial-Session-Token": "kst-guess"}):
            assert mallory.get(f"/v1/sessions/{sid}", headers=headers).status_code == 404
            assert mallory.delete(f"/v1/sessions/{sid}", headers=headers).status_code == 404
            r = mallory.post(
                "/v1/chat/completions",
                headers=headers,
                json={
                    "model": model,
                    "session_id": sid,
                    "messages": [{"role": "user", "content": "안녕"}],
                },
            )
            assert r.status_code == 404 and r.json()["error"]["code"] == "session_not_found"
        listed = mallory.get("/v1/sessions")
        assert listed.status_code == 403 and sid not in listed.text
        detail = alice.get(f"/v1/sessions/{sid}", headers=mine).json()
        assert detail["turn_count"] == 1 and "session_token" not in detail
        assert alice.delete(f"/v1/sessions/{sid}", headers=mine).status_code == 200
    server_log.assert_clean()
