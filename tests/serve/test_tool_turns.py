"""OpenAI function calling through ``/v1/chat/completions``: the official ``openai`` client,
unchanged, against a real server (streaming and not, multi-turn slot filling, a tool result),
and in-process requests for what the route refuses (bad schemas name the tool and parameter).
The decisions come from the real engine on the project's own Korean tools (no mocks)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import openai
import pytest
from fastapi.testclient import TestClient
from openai import OpenAI
from prometheus_client.parser import text_string_to_metric_families

from kodial.tools.schema import load_tools

TOOLS = load_tools(str(resources.files("kodial") / "resources" / "tools" / "tools.json"))
SEND = {"recipient": "민수", "message": "회의 자료 메일로 보냈어"}


@pytest.fixture(scope="module")
def client(server_url: str) -> OpenAI:
    return OpenAI(base_url=server_url + "/v1", api_key="unused", max_retries=0)


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def test_a_call_is_tool_calls_with_the_route_explained(client: OpenAI, model: str) -> None:
    out = client.chat.completions.create(
        model=model,
        messages=[user("민수에게 메시지 보내줘: 회의 자료 메일로 보냈어")],
        tools=TOOLS,  # type: ignore[arg-type]
    )
    choice = out.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert call.id.startswith("call_") and call.function.name == "send_text"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == SEND  # type: ignore[union-attr]
    assert out.usage is not None and out.usage.completion_tokens > 0
    meta: Any = out.model_extra
    explain = meta["kodial"]["tools"]
    assert explain["kind"] == "call" and explain["tool"] == "send_text"
    assert explain["scores"][0]["tool"] == "send_text" and explain["missing"] == []
    assert explain["filled"]["recipient"]["value"] == "민수"
    assert meta["kodial"]["route"]["handler"] == "tools"


def test_streamed_call_rebuilds_the_same_call(client: OpenAI, model: str) -> None:
    stream = client.chat.completions.create(
        model=model,
        messages=[user("민수에게 메시지 보내줘: 회의 자료 메일로 보냈어")],
        tools=TOOLS,  # type: ignore[arg-type]
        stream=True,
        stream_options={"include_usage": True},
    )
    ids, names, args, finish, usage = set(), [], "", None, None
    for chunk in stream:
        usage = chunk.usage or usage
        if not chunk.choices:
            continue
        for tc in chunk.choices[0].delta.tool_calls or []:
            if tc.id:
                ids.add(tc.id)
            if tc.function and tc.function.name:
                names.append(tc.function.name)
            if tc.function and tc.function.arguments:
                args += tc.function.arguments
        finish = chunk.choices[0].finish_reason or finish
    assert finish == "tool_calls" and names == ["send_text"] and len(ids) == 1
    assert json.loads(args) == SEND and usage is not None
    # the client's own stream helper accumulates the same call
    with client.beta.chat.completions.stream(
        model=model,
        messages=[user("민수에게 메시지 보내줘: 회의 자료 메일로 보냈어")],
        tools=TOOLS,  # type: ignore[arg-type]
    ) as helper:
        final = helper.get_final_completion()
    call = final.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "send_text" and json.loads(call.function.arguments) == SEND


def test_multi_turn_slot_filling_then_the_tool_result(client: OpenAI, model: str) -> None:
    messages: list[Any] = [user("회원가입 하고 싶어요")]

    def turn(stream: bool = False) -> Any:
        if not stream:
            return client.chat.completions.create(
                model=model,
                messages=messages,
                tools=TOOLS,  # type: ignore[arg-type]
            ).choices[0]
        text, finish = "", None
        for chunk in client.chat.completions.create(
            model=model,
            messages=messages,
            tools=TOOLS,  # type: ignore[arg-type]
            stream=True,
        ):
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
                finish = chunk.choices[0].finish_reason or finish
        return text, finish

    first = turn()
    assert first.finish_reason == "stop"
    assert first.message.content == "회원 이름과 이메일 주소를 알려주세요."
    messages += [first.message, user("이름은 이서연이에요")]
    text, finish = turn(stream=True)  # a question streams as plain content
    assert (text, finish) == ("이메일 주소를 알려주세요.", "stop")
    messages += [{"role": "assistant", "content": text}, user("seoyeon@example.com")]
    call = turn()
    assert call.finish_reason == "tool_calls"
    tc = call.message.tool_calls[0]
    assert tc.function.name == "register_member"
    assert json.loads(tc.function.arguments) == {"name": "이서연", "email": "seoyeon@example.com"}
    # the client appends the call and the tool's result, as the OpenAI docs show
    messages += [
        call.message,
        {
            "role": "tool",
            "tool_call_id": tc.id,
            "content": json.dumps(
                {"status": "success", "message": "이서연 님, 가입이 완료되었습니다."},
                ensure_ascii=False,
            ),
        },
    ]
    answer = turn()
    assert answer.finish_reason == "stop"
    assert answer.message.content == "이서연 님, 가입이 완료되었습니다."


def test_decline_and_tool_choice(client: OpenAI, model: str) -> None:
    out = client.chat.completions.create(
        model=model,
        messages=[user("피자 한 판 배달시켜줘")],
        tools=TOOLS,  # type: ignore[arg-type]
    )
    assert out.choices[0].finish_reason == "stop" and out.choices[0].message.tool_calls is None
    assert "도와드릴 수 있는 일은" in (out.choices[0].message.content or "")
    meta: Any = out.model_extra
    assert meta["kodial"]["tools"]["kind"] == "decline"
    named = client.chat.completions.create(
        model=model,
        messages=[user("부산은?")],
        tools=TOOLS,  # type: ignore[arg-type]
        tool_choice={"type": "function", "function": {"name": "get_weather_forecast"}},
    )
    call = named.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "get_weather_forecast"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"city": "부산"}  # type: ignore[union-attr]
    # tool_choice none: the assistant answers as it does without tools
    plain = client.chat.completions.create(
        model=model,
        messages=[user("안녕하세요!")],
        tools=TOOLS,  # type: ignore[arg-type]
        tool_choice="none",
    )
    meta = plain.model_extra
    assert plain.choices[0].message.content and meta["kodial"]["route"]["handler"] != "tools"
    assert meta["kodial"]["tools"] is None
    with pytest.raises(openai.BadRequestError, match="not in tools"):
        client.chat.completions.create(
            model=model,
            messages=[user("부산은?")],
            tools=TOOLS,  # type: ignore[arg-type]
            tool_choice={"type": "function", "function": {"name": "nope"}},
        )


def _post(http: TestClient, model: str, **body: Any) -> Any:
    return http.post("/v1/chat/completions", json={"model": model, **body})


def test_bad_tool_schemas_are_400_naming_the_tool_and_parameter(
    http: TestClient, model: str
) -> None:
    bad = {
        "type": "function",
        "function": {
            "name": "book_room",
            "description": "회의실 예약",
            "parameters": {
                "type": "object",
                "properties": {"size": {"type": "integer", "enum": []}},
                "required": ["size"],
            },
        },
    }
    r = _post(http, model, messages=[user("회의실 잡아줘")], tools=[bad])
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["param"] == "tools" and err["code"] == "invalid_tools"
    assert "book_room" in err["message"] and "size" in err["message"]
    assert "enum must not be empty" in err["message"]
    missing = {
        **bad,
        "function": {
            **bad["function"],
            "parameters": {"type": "object", "properties": {}, "required": ["size"]},
        },
    }
    r = _post(http, model, messages=[user("회의실 잡아줘")], tools=[missing])
    assert r.status_code == 400 and "size" in r.json()["error"]["message"]
    assert "book_room" in r.json()["error"]["message"]


def test_tool_turns_are_counted_in_metrics(http: TestClient, model: str) -> None:
    def turns() -> float:
        page = http.get("/metrics").text
        return sum(
            s.value
            for f in text_string_to_metric_families(page)
            for s in f.samples
            if s.name == "kodial_turns_total" and s.labels.get("handler") == "tools"
        )

    before = turns()
    r = _post(http, model, messages=[user("피자 한 판 배달시켜줘")], tools=TOOLS)
    assert r.status_code == 200 and turns() == before + 1


def test_tool_turns_refuse_what_they_cannot_honour(http: TestClient, model: str) -> None:
    r = _post(http, model, messages=[user("x")], tools=TOOLS, session_id="abc")
    assert r.status_code == 400 and r.json()["error"]["param"] == "session_id"
    r = _post(http, model, messages=[{"role": "assistant", "content": "네"}], tools=TOOLS)
    assert r.status_code == 400 and r.json()["error"]["param"] == "messages"
    r = _post(http, model, messages=[user("x")], tools=TOOLS, tool_choice="sometimes")
    assert r.status_code == 400 and "tool_choice" in r.text
    r = _post(http, "gpt-x", messages=[user("x")], tools=TOOLS)
    assert r.status_code == 404
