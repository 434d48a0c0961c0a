"""Decisions as OpenAI responses: the official ``openai`` package's own types parse them, and its
stream accumulator rebuilds the same tool call from the chunks."""

from __future__ import annotations

import json

from _tool_fixtures import NOW, bundled_tools, user
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam

from kodial.tools import decide
from kodial.tools.decide import ToolDecision
from kodial.tools.openai import assistant_message, chat_completion, stream_chunks

TOOLS = bundled_tools()
CALL = ToolDecision(
    "call",
    tool="book_restaurant",
    arguments={"restaurant": "소담정", "date": "2026-11-20", "time": "12:30", "party_size": 2},
)
ASK = ToolDecision(
    "ask",
    "수거할 위치와 날짜를 알려주세요.",
    tool="schedule_waste_pickup",
    missing=["location", "date"],
)


def test_a_call_is_a_chat_completion_with_tool_calls() -> None:
    body = chat_completion(CALL, call_id="call_abc", completion_id="chatcmpl-1", created=1)
    parsed = ChatCompletion.model_validate(body)
    choice = parsed.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert call.id == "call_abc" and call.type == "function"
    assert call.function.name == "book_restaurant"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == CALL.arguments  # type: ignore[union-attr]
    assert "소담정" in call.function.arguments  # Korean kept readable  # type: ignore[union-attr]


def test_a_question_is_plain_content() -> None:
    parsed = ChatCompletion.model_validate(
        chat_completion(ASK, usage={"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8})
    )
    assert parsed.choices[0].finish_reason == "stop"
    assert parsed.choices[0].message.content == "수거할 위치와 날짜를 알려주세요."
    assert parsed.choices[0].message.tool_calls is None and parsed.usage is not None


def test_streamed_chunks_validate_and_rebuild_the_same_call() -> None:
    chunks = list(stream_chunks(CALL, call_id="call_abc", piece_size=7))
    state = ChatCompletionStreamState(input_tools=TOOLS)  # type: ignore[arg-type]
    for c in chunks:
        state.handle_chunk(ChatCompletionChunk.model_validate(c))
    final = state.get_final_completion()
    call = final.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert final.choices[0].finish_reason == "tool_calls"
    assert call.id == "call_abc" and call.function.name == "book_restaurant"
    assert json.loads(call.function.arguments) == CALL.arguments
    assert len(chunks) > 4  # role, call header, several argument pieces, finish


def test_streamed_content_reassembles_exactly() -> None:
    chunks = [ChatCompletionChunk.model_validate(c) for c in stream_chunks(ASK, piece_size=5)]
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == ASK.content
    assert chunks[-1].choices[0].finish_reason == "stop" and len(chunks) > 3


def test_the_assistant_message_goes_back_into_the_conversation() -> None:
    """A client appends the call and the tool result; the next turn answers from the result."""
    first = decide([user("내일 부산 날씨 어때?")], TOOLS, now=NOW)
    msg = assistant_message(first, call_id="call_1")
    result = {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": json.dumps(
            {"status": "success", "message": "내일 부산은 맑고 12도입니다."}, ensure_ascii=False
        ),
    }
    history: list[ChatCompletionMessageParam] = [user("내일 부산 날씨 어때?"), msg, result]  # type: ignore[list-item]
    second = decide(history, TOOLS, now=NOW)  # type: ignore[arg-type]
    assert (second.kind, second.tool, second.content) == (
        "answer",
        "get_weather_forecast",
        "내일 부산은 맑고 12도입니다.",
    )
