"""Whole conversations with the bundled example assistant over the HTTP API (in-process), with
server-side sessions: a slot-filling booking with a change of mind, a cancelled task, FAQ,
chit-chat and fallback, each answer's route logged in the session."""

from __future__ import annotations

from typing import Any

import httpx
from serve_helpers import chat, get_session, handler_of, new_session, reply_of


def test_booking_with_a_change_of_mind(http: httpx.Client, model: str) -> None:
    sid = new_session(http, "예약")
    out = chat(http, model, "내일 저녁 7시에 4명 예약하고 싶어요", session_id=sid)
    assert handler_of(out) == "book_table"
    assert "지점" in reply_of(out)  # the one slot still missing
    slots = out["kodial"]["route"]["slots"]
    assert slots["시간"] == "19:00" and slots["인원"] == 4 and "장소" not in slots
    assert out["kodial"]["route"]["classifier"]["ranking"][0]["label"] == "book_table"

    out = chat(http, model, "강남점으로 해 주세요", session_id=sid, stream=True)
    assert "예약할까요" in reply_of(out) and "오후 7시" in reply_of(out)
    out = chat(http, model, "아니 시간은 8시로 바꿔줘", session_id=sid)
    assert out["kodial"]["route"]["slots"]["시간"] == "20:00"
    assert "오후 8시" in reply_of(out) and "예약할까요" in reply_of(out)
    out = chat(http, model, "네 좋아요", session_id=sid, stream=True)
    assert "예약했어요" in reply_of(out) and "오후 8시" in reply_of(out)
    assert out["kodial"]["state"]["task"] is None

    s = get_session(http, sid).json()
    assert s["turn_count"] == 4 and s["state"]["task"] is None
    logged = [t["route"] for t in s["turns"]]
    assert [r["handler"] for r in logged] == ["book_table"] * 4
    assert logged[2]["slots"]["시간"] == "20:00"
    assert all(r.get("reason") for r in logged)


def test_cancel_a_task_midway(http: httpx.Client, model: str) -> None:
    sid = new_session(http)
    out = chat(http, model, "영화 예매해 줘", session_id=sid)
    assert handler_of(out) == "book_movie" and out["kodial"]["state"]["task"] is not None
    out = chat(http, model, "취소할게요", session_id=sid)
    assert "그만" in reply_of(out)
    assert out["kodial"]["state"]["task"] is None


def test_faq_chitchat_and_fallback(http: httpx.Client, model: str) -> None:
    sid = new_session(http)
    faq = chat(http, model, "영업시간이 어떻게 돼요?", session_id=sid)
    assert handler_of(faq) == "faq" and "11시" in reply_of(faq)
    small = chat(http, model, "안녕하세요!", session_id=sid, stream=True)
    assert handler_of(small) == "smalltalk" and "모아" in reply_of(small)
    fb = chat(http, model, "자동차 엔진오일 교체 주기는?", session_id=sid)
    assert handler_of(fb) == "fallback"
    assert "식당 예약" in reply_of(fb)  # says what it can do
    assert fb["kodial"]["route"]["classifier"]["fallback"] is True
    s = get_session(http, sid).json()
    assert [t["route"]["handler"] for t in s["turns"]] == ["faq", "smalltalk", "fallback"]


def test_session_less_client_carries_the_state(http: httpx.Client, model: str) -> None:
    """Without a session the client sends the history and returns kodial.state."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "부산 날씨 알려줘"}]
    r = http.post("/v1/chat/completions", json={"model": model, "messages": messages}).json()
    assert handler_of(r) == "weather" and "부산" in reply_of(r)
    messages = [{"role": "user", "content": "영화 예매해 줘"}]
    r = http.post("/v1/chat/completions", json={"model": model, "messages": messages}).json()
    messages += [
        {"role": "assistant", "content": reply_of(r)},
        {"role": "user", "content": "별빛 정거장이요"},
    ]
    r2 = http.post(
        "/v1/chat/completions",
        json={
            "model": model,
            "messages": messages,
            "state": r["kodial"]["state"],
            "state_signature": r["kodial"]["state_signature"],
        },
    )
    out = r2.json()
    assert handler_of(out) == "book_movie"
    assert out["kodial"]["route"]["slots"]["영화"] == "별빛 정거장"


def test_a_forged_or_unsigned_state_is_refused(http: httpx.Client, model: str) -> None:
    """A session-less client cannot hand the engine a task it never went through: states come
    back only with the signature of the response that returned them."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "내일 저녁 7시에 4명 예약"}]
    r = http.post("/v1/chat/completions", json={"model": model, "messages": messages}).json()
    state = r["kodial"]["state"]
    assert state["task"] is not None
    forged = {**state, "task": {**state["task"], "confirming": True, "asking": None}}
    forged["task"]["slots"] = {**state["task"]["slots"], "인원": {"value": -7, "display": "-7명"}}
    messages += [{"role": "assistant", "content": reply_of(r)}, {"role": "user", "content": "네"}]
    for body in (
        {"state": forged, "state_signature": r["kodial"]["state_signature"]},
        {"state": state},
    ):
        bad = http.post("/v1/chat/completions", json={"model": model, "messages": messages, **body})
        assert bad.status_code == 400
        assert bad.json()["error"]["code"] == "invalid_state"
    ok = http.post(
        "/v1/chat/completions",
        json={
            "model": model,
            "messages": messages,
            "state": state,
            "state_signature": r["kodial"]["state_signature"],
        },
    )
    assert ok.status_code == 200 and "예약 번호" not in reply_of(ok.json())


def test_state_nested_under_kodial_is_refused_not_ignored(http: httpx.Client, model: str) -> None:
    """The one request shape is top-level state + state_signature; a client that sends the
    response's ``kodial`` object back gets 400 naming the right fields, not a silent reset."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "내일 저녁 7시에 4명 예약"}]
    r = http.post("/v1/chat/completions", json={"model": model, "messages": messages}).json()
    meta = r["kodial"]
    messages += [{"role": "assistant", "content": reply_of(r)}, {"role": "user", "content": "네"}]
    for nested in (
        {"state": meta["state"], "state_signature": meta["state_signature"]},
        {"state": meta["state"], "state_signature": "abc"},
    ):
        bad = http.post(
            "/v1/chat/completions", json={"model": model, "messages": messages, "kodial": nested}
        )
        assert bad.status_code == 400, bad.text
        err = bad.json()["error"]
        assert err["param"] == "kodial" and "top-level state and state_signature" in err["message"]


def test_a_signature_without_its_state_is_refused(http: httpx.Client, model: str) -> None:
    messages = [{"role": "user", "content": "안녕하세요"}]
    bad = http.post(
        "/v1/chat/completions",
        json={"model": model, "messages": messages, "state_signature": "abc"},
    )
    assert bad.status_code == 400, bad.text
    assert bad.json()["error"]["code"] == "invalid_state"
