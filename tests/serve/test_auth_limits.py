"""API keys (401, per-key sessions), rate limits (429 + Retry-After), CORS and what the log
keeps, through the HTTP API in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from serve_helpers import as_caller, chat, new_session, reply_of

from kodial.serve.security import add_key_to_file, hash_key


def test_api_keys(make_client: Any, model: str, tmp_path: Path) -> None:
    keys_file = tmp_path / "keys.txt"
    alice = add_key_to_file(keys_file, "alice")
    bob = "kd-bob-key-from-the-environment"
    anon = make_client(api_keys_file=keys_file, api_key_hashes=[hash_key(bob)])
    body = {"model": model, "messages": [{"role": "user", "content": "안녕"}]}
    for r in [
        anon.post("/v1/chat/completions", json=body),
        anon.get("/v1/models"),
        anon.post("/v1/sessions", json={}),
        anon.post("/v1/classify", json={"input": "안녕"}),
        anon.post("/v1/chat/completions", json=body, headers={"Authorization": "Bearer kd-x"}),
        anon.post("/v1/chat/completions", json=body, headers={"Authorization": alice}),
    ]:
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "invalid_api_key"
        assert r.headers["www-authenticate"] == "Bearer"
    assert anon.get("/healthz").status_code == 200  # probes stay open
    assert anon.get("/").status_code == 200  # so does the page (it asks for a key)
    a = as_caller(anon, Authorization=f"Bearer {alice}")
    b = as_caller(anon, Authorization=f"Bearer {bob}")
    assert a.get("/v1/assistant").json()["auth_required"] is True
    sid = new_session(a)
    assert reply_of(chat(a, model, "안녕하세요!", session_id=sid)).strip()
    assert b.get(f"/v1/sessions/{sid}").status_code == 404  # not bob's
    r = b.post("/v1/chat/completions", json={**body, "session_id": sid})
    assert r.status_code == 404
    assert b.get("/v1/sessions").json()["total"] == 0
    assert a.get("/v1/sessions").json()["total"] == 1


def test_rate_limit_429_with_retry_after(make_client: Any, model: str) -> None:
    http = make_client(rate_limit_per_minute=6, rate_limit_burst=3)  # one request per 10 s
    codes = [http.get("/v1/models").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    r = http.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "x"}]},
    )
    assert r.status_code == 429
    assert r.json()["error"]["type"] == "rate_limit_error"
    retry = int(r.headers["retry-after"])
    assert 1 <= retry <= 10
    assert http.get("/healthz").status_code == 200  # probes are not limited


def test_rate_limit_is_per_key(make_client: Any, tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    k1, k2 = add_key_to_file(keys), add_key_to_file(keys)
    http = make_client(api_keys_file=keys, rate_limit_per_minute=1, rate_limit_burst=2)
    h1 = {"Authorization": f"Bearer {k1}"}
    h2 = {"Authorization": f"Bearer {k2}"}
    assert [http.get("/v1/models", headers=h1).status_code for _ in range(3)] == [200, 200, 429]
    assert http.get("/v1/models", headers=h2).status_code == 200


def test_cors(make_client: Any) -> None:
    http = make_client(cors_origins=["https://app.example"])
    pre = http.options(
        "/v1/chat/completions",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "https://app.example"
    other = http.get("/v1/models", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_logs_leave_out_message_text(make_client: Any, model: str, caplog: Any) -> None:
    secret = "제 비밀번호는 고양이123 이에요"
    for flag in (False, True):
        http = make_client(log_message_text=flag)
        caplog.clear()
        with caplog.at_level("INFO", logger="kodial.serve"):
            chat(http, model, secret)
        turn_logs = [r.getMessage() for r in caplog.records if r.getMessage().startswith("turn ")]
        assert turn_logs, "every turn is logged"
        assert any(secret in m for m in turn_logs) == flag
