"""The HTTP API, in-process (FastAPI's TestClient): chat (plain and streamed), sessions,
classification, OpenAPI, the history rule, and clear 4xx/5xx answers after which the app keeps
serving; error paths reached through ``app.dependency_overrides``. Streaming bytes over a real
socket are checked against a real uvicorn server."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import httpx
from fastapi.testclient import TestClient
from serve_helpers import TOKENS, chat, get_session, new_session, parse_sse, reply_of, token_header

from kodial.serve.deps import get_services
from kodial.serve.runtime import Services
from kodial.serve.streaming import graphemes
from kodial.serve.usage import count_tokens


def test_health_ready_models(http: httpx.Client, model: str) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz").json()
    assert ready["status"] == "ready" and ready["assistant"] == model and ready["database"]
    models = http.get("/v1/models").json()
    assert models["object"] == "list" and [m["id"] for m in models["data"]] == [model]
    info = http.get("/v1/assistant").json()
    assert info["name"] == model and info["auth_required"] is False


def test_openapi_documents_the_api(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    paths = spec["paths"]
    for path in [
        "/v1/chat/completions",
        "/v1/models",
        "/v1/classify",
        "/v1/sessions",
        "/v1/sessions/{session_id}",
        "/healthz",
        "/readyz",
    ]:
        assert path in paths, path
    chat_op = paths["/v1/chat/completions"]["post"]
    assert "text/event-stream" in chat_op["responses"]["200"]["content"]
    schemas = spec["components"]["schemas"]
    assert "session_id" in schemas["ChatCompletionRequest"]["properties"]
    assert "kodial" in schemas["ChatCompletion"]["properties"]
    assert {"ErrorResponse", "ClassifyResponse", "SessionDetail"} <= set(schemas)
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


def test_openapi_response_schemas_are_typed(http: httpx.Client) -> None:
    """The route, the dialogue state, the assistant's description and the classification are
    documented field by field (before: free-form objects), in the responses and in the
    session log."""
    schemas = http.get("/openapi.json").json()["components"]["schemas"]

    def ref(schema: str, field: str) -> str:
        prop = schemas[schema]["properties"][field]
        target = prop.get("$ref") or next(
            (a["$ref"] for a in prop.get("anyOf", []) if "$ref" in a), ""
        )
        return str(target).rsplit("/", 1)[-1]

    assert ref("KodialMeta", "route") == "Route" and ref("KodialMeta", "state") == "DialogueState"
    assert ref("TurnOut", "route") == "Route" and ref("SessionOut", "state") == "DialogueState"
    assert ref("AssistantInfo", "details") == "Description"
    assert ref("ChatCompletionRequest", "state") == "DialogueState"
    route = schemas["Route"]["properties"]
    assert {"handler", "intent", "classifier", "reason", "slots", "task", "action"} <= set(route)
    assert ref("Route", "task") == "TaskRoute" and ref("Route", "classifier") == "ClassifierView"
    assert {"asking", "confirming", "slots", "failures"} <= set(schemas["TaskState"]["properties"])
    result = schemas["ClassifyResult"]["properties"]
    assert {"handler", "handler_type", "thresholds", "labels", "explanation"} <= set(result)
    assert "reset_note" not in schemas["DialogueState"]["properties"]


def test_plain_completion_shape(http: httpx.Client, model: str) -> None:
    out = chat(http, model, "안녕하세요!")
    assert out["object"] == "chat.completion" and out["model"] == model
    assert out["id"].startswith("chatcmpl-")
    choice = out["choices"][0]
    assert choice["message"]["role"] == "assistant" and choice["message"]["content"].strip()
    assert choice["finish_reason"] == "stop"
    usage = out["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["prompt_tokens"] == 6  # "안녕하세요!": one token per non-space character
    route = out["kodial"]["route"]
    assert route["handler"] and route["type"] in {"task", "faq", "chitchat", "fallback"}
    assert out["kodial"]["session_id"] is None and out["kodial"]["turn"] is None


def test_streamed_completion_matches_plain(http: httpx.Client, model: str) -> None:
    plain = chat(http, model, "안녕하세요!")
    streamed = chat(http, model, "안녕하세요!", stream=True)
    events = streamed["_events"]
    first = events[0]
    assert first["object"] == "chat.completion.chunk"
    assert first["choices"][0]["delta"]["role"] == "assistant"
    finishes = [e["choices"][0].get("finish_reason") for e in events[:-1]]
    assert finishes[-1] == "stop" and all(f is None for f in finishes[:-1])
    assert len({e["id"] for e in events[:-1]}) == 1
    assert reply_of(streamed) == reply_of(plain)
    assert streamed["kodial"]["route"]["handler"] == plain["kodial"]["route"]["handler"]
    assert streamed["usage"] == plain["usage"]


def test_stream_include_usage_chunk(http: httpx.Client, model: str) -> None:
    out = chat(http, model, "안녕", stream=True, stream_options={"include_usage": True})
    last = out["_events"][-2]
    assert last["choices"] == [] and last["usage"]["total_tokens"] > 0


def test_streaming_never_splits_a_character(start_server: Any, model: str) -> None:
    """One grapheme cluster per chunk: every chunk boundary is a cluster boundary of the reply,
    and the raw bytes of every event are valid UTF-8."""
    url = start_server(stream_chunk_chars=1)
    with httpx.Client(base_url=url, timeout=60) as http:
        with http.stream(
            "POST",
            "/v1/chat/completions",
            json={
                "model": model,
                "stream": True,
                "messages": [{"role": "user", "content": "안녕하세요! 반가워요 😀"}],
            },
        ) as r:
            raw = b"".join(r.iter_raw())
        for block in raw.split(b"\n\n"):
            block.decode("utf-8")  # strict: fails on half a character
        events = parse_sse(raw.decode("utf-8"))
        deltas = [e["choices"][0]["delta"].get("content") for e in events[1:-1] if e.get("choices")]
        deltas = [d for d in deltas if d]
        reply = "".join(deltas)
        assert len(reply) > 1
        assert deltas == graphemes(reply)


def test_max_tokens_cuts_the_reply(http: httpx.Client, model: str) -> None:
    full = reply_of(chat(http, model, "안녕하세요!"))
    out = chat(http, model, "안녕하세요!", max_tokens=2)
    assert out["usage"]["completion_tokens"] <= 2
    if len(full.replace(" ", "")) > 2:
        assert out["choices"][0]["finish_reason"] == "length"
        assert full.startswith(reply_of(out).rstrip())


def test_session_lifecycle(http: httpx.Client, model: str) -> None:
    sid = new_session(http, "테스트 세션")
    first = chat(http, model, "안녕하세요!", session_id=sid)
    assert first["kodial"]["session_id"] == sid and first["kodial"]["turn"] == 1
    second = chat(http, model, "고마워요", session_id=sid, stream=True)
    assert second["kodial"]["turn"] == 2
    detail = get_session(http, sid).json()
    assert detail["title"] == "테스트 세션" and detail["turn_count"] == 2
    assert [t["seq"] for t in detail["turns"]] == [1, 2]
    assert [t["user"] for t in detail["turns"]] == ["안녕하세요!", "고마워요"]
    assert detail["turns"][1]["assistant"] == reply_of(second)
    assert detail["turns"][0]["route"] == first["kodial"]["route"]
    assert detail["state"] == second["kodial"]["state"]
    assert first["kodial"]["state_signature"] is None  # the state stays on the server
    listed = http.get("/v1/sessions", params={"limit": 200})  # no keys: sessions have no owner
    assert listed.status_code == 403, listed.text
    assert listed.json()["error"]["code"] == "sessions_list_needs_key"
    mine = token_header(sid)
    assert http.delete(f"/v1/sessions/{sid}", headers=mine).json() == {"id": sid, "deleted": True}
    assert http.get(f"/v1/sessions/{sid}", headers=mine).status_code == 404
    assert http.delete(f"/v1/sessions/{sid}", headers=mine).status_code == 404
    r = http.post(
        "/v1/chat/completions",
        json={
            "model": model,
            "session_id": sid,
            "session_token": TOKENS[sid],
            "messages": [{"role": "user", "content": "안녕"}],
        },
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "session_not_found"


def test_classify_single_and_batch(http: httpx.Client, model: str) -> None:
    one = http.post("/v1/classify", json={"input": "내일 날씨 어때?"}).json()
    assert one["model"] == model and len(one["data"]) == 1
    res = one["data"][0]
    assert res["text"] == "내일 날씨 어때?" and res["ranking"]
    scores = [x["score"] for x in res["ranking"]]
    assert scores == sorted(scores, reverse=True)
    assert res["label"] == ("fallback" if res["fallback"] else res["ranking"][0]["label"])
    assert isinstance(res["explanation"], dict)
    # what the engine computes reaches the client (before, these four were dropped)
    assert res["handler"] == ("fallback" if res["fallback"] else res["label"])
    assert res["handler_type"] in {"task", "faq", "chitchat", "fallback"}
    assert set(res["thresholds"]) == {"min_score", "min_margin"} and res["labels"]
    assert res["explanation"]["neighbors"] and "features" in res["explanation"]
    batch = http.post(
        "/v1/classify", json={"input": ["안녕", "영업시간 알려줘", "ㅋㅋ"], "top_k": 2}
    ).json()
    assert [d["index"] for d in batch["data"]] == [0, 1, 2]
    assert all(len(d["ranking"]) <= 2 for d in batch["data"])


def _error(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    err: dict[str, Any] = r.json()["error"]
    assert err["message"] and err["type"]
    assert "Traceback" not in r.text and "/site-packages/" not in r.text
    return err


def test_bad_requests_get_clear_errors_and_server_keeps_serving(
    http: httpx.Client, model: str
) -> None:
    hdr = {"Content-Type": "application/json"}
    err = _error(http.post("/v1/chat/completions", content=b"{not json", headers=hdr), 400)
    assert err["type"] == "invalid_request_error" and "not valid JSON" in err["message"]
    err = _error(http.post("/v1/chat/completions", json={"model": model}), 400)
    assert "messages" in err["message"] and err["param"] == "messages"
    err = _error(http.post("/v1/chat/completions", json={"model": model, "messages": []}), 400)
    assert "messages" in err["message"]
    err = _error(
        http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "wizard", "content": "x"}]},
        ),
        400,
    )
    assert "role" in err["message"]
    err = _error(
        http.post(
            "/v1/chat/completions",
            json={"model": "gpt-4", "messages": [{"role": "user", "content": "x"}]},
        ),
        404,
    )
    assert model in err["message"]
    err = _error(
        http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "assistant", "content": "x"}]},
        ),
        400,
    )
    assert "user message" in err["message"]
    err = _error(
        http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": "가" * 2001}]},
        ),
        400,
    )
    assert err["code"] == "message_too_long" and "2000" in err["message"]
    err = _error(
        http.post(
            "/v1/chat/completions",
            json={
                "model": model,
                "max_tokens": 10**6,
                "messages": [{"role": "user", "content": "x"}],
            },
        ),
        400,
    )
    assert err["param"] == "max_tokens"
    err = _error(http.post("/v1/chat/completions", content=b"x" * 70_000, headers=hdr), 413)
    assert "65536" in err["message"]
    _error(http.post("/v1/classify", json={"input": []}), 400)
    _error(http.post("/v1/classify", json={"input": ["가"] * 65}), 400)
    _error(http.get("/v1/nothing-here"), 404)
    assert reply_of(chat(http, model, "안녕하세요!")).strip()


def test_classify_refuses_other_models_and_labels(http: httpx.Client, model: str) -> None:
    """Neither is silently ignored: another model is 404 as in chat; ``labels`` (unsupported
    here) is 400, known or not."""
    err = _error(http.post("/v1/classify", json={"input": "hi", "model": "gpt-4"}), 404)
    assert err["code"] == "model_not_found" and err["param"] == "model" and model in err["message"]
    for labels in (["nope"], ["greeting"]):
        err = _error(http.post("/v1/classify", json={"input": "hi", "labels": labels}), 400)
        assert err["param"] == "labels" and "not supported" in err["message"]
    ok = http.post("/v1/classify", json={"input": "hi", "model": model})
    assert ok.status_code == 200 and ok.json()["model"] == model


def test_request_mistakes_are_400_naming_the_param(http: httpx.Client, model: str) -> None:
    """As OpenAI: not-JSON and schema errors are 400 invalid_request_error; temperature is
    bounded to [0, 2]; booleans are strict ("yes" is not true)."""
    hdr = {"Content-Type": "application/json"}
    body = b'{"model": "x", "messages": [{"role": "user",, "content": "hi"}]}'
    err = _error(http.post("/v1/chat/completions", content=body, headers=hdr), 400)
    assert err["type"] == "invalid_request_error" and err["code"] == "invalid_json"
    assert err["message"].startswith("request body is not valid JSON at character 44")
    assert err["param"] is None
    user = [{"role": "user", "content": "안녕"}]
    for extra, param in [
        ({"temperature": -5}, "temperature"),
        ({"temperature": 2.5}, "temperature"),
        ({"stream": "yes"}, "stream"),
        ({"stream": True, "stream_options": {"include_usage": 1}}, "stream_options.include_usage"),
    ]:
        r = http.post("/v1/chat/completions", json={"model": model, "messages": user, **extra})
        err = _error(r, 400)
        assert err["param"] == param and err["type"] == "invalid_request_error", err
        assert err["message"].startswith(f"invalid request: {param}:")
    ok = http.post(
        "/v1/chat/completions",
        json={"model": model, "messages": user, "temperature": 0, "top_p": 1},
    )
    assert ok.status_code == 200
    err = _error(http.post("/v1/classify", json={"input": 5}), 400)
    assert err["param"] and err["param"].startswith("input")


def test_chunked_oversized_body_is_rejected(http: httpx.Client, model: str) -> None:
    def body() -> Any:
        for _ in range(20):
            yield b"x" * 8192

    r = http.post(
        "/v1/chat/completions", content=body(), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert reply_of(chat(http, model, "안녕하세요!")).strip()


def test_stateless_history_and_state_round_trip(http: httpx.Client, model: str) -> None:
    """Without a session, the request's messages are the history and kodial.state may be sent
    back by the client."""
    first = chat(http, model, "안녕하세요!")
    r = http.post(
        "/v1/chat/completions",
        json={
            "model": model,
            "state": first["kodial"]["state"],
            "state_signature": first["kodial"]["state_signature"],
            "messages": [
                {"role": "system", "content": "ignored"},
                {"role": "user", "content": "안녕하세요!"},
                {"role": "assistant", "content": reply_of(first)},
                {"role": "user", "content": [{"type": "text", "text": "고마워요"}]},
            ],
        },
    )
    assert r.status_code == 200 and r.json()["usage"]["prompt_tokens"] > 4


class _Faulty:
    """The real assistant, except that answering a turn first does ``fault`` (raise, or change
    the session store behind the turn's back): how the service meets failures it cannot cause
    on purpose from outside."""

    def __init__(self, inner: Any, fault: Callable[[], object]) -> None:
        self.inner = inner
        self.name = inner.name
        self.fault = fault

    def turn(self, *args: Any, **kwargs: Any) -> Any:
        self.fault()
        return self.inner.turn(*args, **kwargs)

    def classify(self, texts: list[str]) -> Any:
        return self.inner.classify(texts)

    def describe(self) -> Any:
        return self.inner.describe()


def _with_assistant(client: TestClient, fault: Callable[[], object]) -> Services:
    """Put a :class:`_Faulty` assistant behind ``client``'s app through the services
    dependency; returns the real services (their store is the one the app uses)."""
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    faulty = dataclasses.replace(services, assistant=_Faulty(services.assistant, fault))
    client.app.dependency_overrides[get_services] = lambda: faulty  # type: ignore[attr-defined]
    return services


def test_internal_errors_reveal_nothing(make_client: Any, model: str) -> None:
    def explode() -> None:
        raise RuntimeError("db password is hunter2 at /srv/secret.yaml")

    http = make_client()
    sid = new_session(http)
    _with_assistant(http, explode)
    body = {"model": model, "messages": [{"role": "user", "content": "안녕"}]}
    r = http.post("/v1/chat/completions", json=body)
    err = _error(r, 500)
    assert err["type"] == "server_error" and "reference" in err["message"]
    assert "hunter2" not in r.text and "secret" not in r.text
    r = http.post("/v1/chat/completions", json={**body, "stream": True})
    assert r.status_code == 200  # headers were sent before the failure: an error event
    events = parse_sse(r.text)
    assert events[-1]["error"]["type"] == "server_error" and "[DONE]" not in events
    assert "hunter2" not in r.text
    r = http.post(
        "/v1/chat/completions", json={**body, "session_id": sid, "session_token": TOKENS[sid]}
    )
    assert r.status_code == 500
    assert get_session(http, sid).json()["turn_count"] == 0  # nothing stored
    assert http.post("/v1/classify", json={"input": "안녕"}).status_code == 200


def test_failures_during_a_session_turn_are_clear_and_store_nothing(
    make_client: Any, model: str
) -> None:
    """What can go wrong between reading a session and storing its turn: each is a clear
    error (never a 500) and leaves the session as the other requests left it."""
    from sqlalchemy.exc import OperationalError

    from kodial.serve.store import Access, ActionBusy

    http = make_client()
    sid = new_session(http)
    body = {
        "model": model,
        "messages": [{"role": "user", "content": "안녕하세요!"}],
        "session_id": sid,
        "session_token": TOKENS[sid],
    }
    chat(http, model, "안녕하세요!", session_id=sid)  # turn 1, stored
    store = _with_assistant(http, lambda: None).store
    owner = Access("open", TOKENS[sid], by_token=True)

    def users() -> list[str]:
        return [t["user"] for t in get_session(http, sid).json()["turns"]]

    def busy() -> None:  # another request on the conversation is running the task's action
        raise ActionBusy("book_table:x")

    def locked() -> None:  # another process holds the store's write lock
        raise OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked"))

    for fault, status, code in [
        (busy, 409, "action_in_progress"),
        (locked, 503, "store_unavailable"),
    ]:
        _with_assistant(http, fault)
        r = http.post("/v1/chat/completions", json=body)
        assert _error(r, status)["code"] == code and int(r.headers["retry-after"]) >= 1
        assert users() == ["안녕하세요!"]

    def finished_first() -> None:  # another request stores its turn while this one answers
        count = store.get(sid, owner).turn_count  # type: ignore[union-attr]
        store.append_turn(sid, count, "다른 요청", "답", _route(), _state())

    _with_assistant(http, finished_first)
    r = http.post("/v1/chat/completions", json=body)
    assert _error(r, 409)["code"] == "session_conflict"
    r = http.post("/v1/chat/completions", json={**body, "stream": True})
    assert parse_sse(r.text)[-1]["error"]["code"] == "session_conflict"
    assert users() == ["안녕하세요!", "다른 요청", "다른 요청"]

    _with_assistant(http, lambda: store.delete(sid, owner))  # deleted while it answers
    r = http.post("/v1/chat/completions", json=body)
    assert _error(r, 404)["code"] == "session_not_found" and "during this turn" in r.text


def _route() -> Any:
    from kodial.assistant.route import Route

    return Route(handler="smalltalk", type="chitchat")


def _state() -> Any:
    from kodial.assistant.state import DialogueState

    return DialogueState(turns=1)


def test_history_rule_decides_what_the_model_sees(make_client: Any, model: str) -> None:
    """prompt_tokens counts the new message plus the history sent to the assistant, so it shows
    the trimming: one previous turn with history_turns=1, none once over history_chars."""
    http = make_client(history_turns=1, history_chars=60)
    sid = new_session(http)
    t1 = chat(http, model, "안녕하세요!", session_id=sid)
    assert t1["usage"]["prompt_tokens"] == count_tokens("안녕하세요!")
    t2 = chat(http, model, "고마워요", session_id=sid)
    seen = count_tokens("안녕하세요!") + count_tokens(reply_of(t1))
    assert t2["usage"]["prompt_tokens"] == count_tokens("고마워요") + seen
    t3 = chat(http, model, "영업시간이 어떻게 돼요?", session_id=sid)
    only_t2 = count_tokens("고마워요") + count_tokens(reply_of(t2))
    assert t3["usage"]["prompt_tokens"] == count_tokens("영업시간이 어떻게 돼요?") + only_t2
    assert len(reply_of(t3)) + len("영업시간이 어떻게 돼요?") > 60
    t4 = chat(http, model, "안녕하세요!", session_id=sid)  # turn 3 alone is over 60 chars
    assert t4["usage"]["prompt_tokens"] == count_tokens("안녕하세요!")


def test_session_less_history_keeps_whole_turns(make_client: Any, model: str) -> None:
    """The same rule for the messages of a session-less request. Before, they were cut one
    message at a time: over history_chars, the assistant saw a reply without the message it
    answered."""
    http = make_client(history_turns=8, history_chars=12)
    earlier = [
        {"role": "user", "content": "가" * 10},
        {"role": "assistant", "content": "나나"},
        {"role": "user", "content": "다다다"},
        {"role": "assistant", "content": "라라라"},
    ]
    r = http.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [*earlier, {"role": "user", "content": "안녕하세요!"}]},
    )
    assert r.status_code == 200, r.text
    # kept: the second turn (6 characters); the first (12) would make 18 > 12, so it goes
    # whole, its reply "나나" (which alone would still fit) with it
    assert r.json()["usage"]["prompt_tokens"] == count_tokens("안녕하세요!") + 6


def test_api_docs_work_offline(http: TestClient) -> None:
    """/docs and /redoc load their scripts from the server itself (fastapi-offline's assets),
    never from a CDN, so the docs open on a machine without network."""
    for page in ("/docs", "/redoc"):
        html = http.get(page).text
        assert "cdn." not in html and "https://" not in html.split("<body")[-1], page
        scripts = re.findall(r'src="([^"]+\.js)"', html) + re.findall(
            r'(?:spec-url|href)="([^"]+\.css)"', html
        )
        assert scripts, page
        for url in scripts:
            r = http.get(url)
            assert r.status_code == 200 and len(r.content) > 10_000, url
    assert http.get("/openapi.json").json()["info"]["title"] == "kodial assistant service"


def test_a_session_state_from_another_version_starts_afresh_with_a_note(
    make_client: Any, model: str
) -> None:
    """The store reads it as a fresh state; the turn says why in its route and goes on."""
    http = make_client()
    sid = new_session(http)
    chat(http, model, "영화 예매해 줘", session_id=sid)
    services: Services = http.app.state.services  # type: ignore[attr-defined]
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE sessions SET state = ? WHERE id = ?", ('{"version": 0}', sid))
    out = chat(http, model, "별빛 정거장이요", session_id=sid)
    assert out["kodial"]["route"]["note"] == "state from another version was reset"
    task = out["kodial"]["route"]["task"]
    assert task is None or task["event"] == "started"  # the old task is gone
    assert out["kodial"]["turn"] == 2 and "note" not in out["kodial"]["state"]
