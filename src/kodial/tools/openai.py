"""A :class:`~kodial.tools.decide.ToolDecision` as OpenAI chat-completion objects.

The shapes are the ones the official ``openai`` client parses (``ChatCompletion`` and, for
``stream=True``, ``ChatCompletionChunk``): a call becomes an assistant message with
``tool_calls`` (``arguments`` is a JSON *string*, as OpenAI sends it) and ``finish_reason:
"tool_calls"``; a question, answer or decline is plain ``content`` with ``finish_reason:
"stop"``. Streaming sends the role first, then the tool call's id and name with empty
arguments followed by argument pieces (or the content in pieces), then an empty delta with the
finish reason, as OpenAI does. The HTTP route adds ``usage`` and its own ids if it wants.

>>> from kodial.tools.decide import ToolDecision
>>> msg = assistant_message(ToolDecision("call", tool="f", arguments={"n": 1}), call_id="call_1")
>>> msg["tool_calls"][0]["function"]
{'name': 'f', 'arguments': '{"n": 1}'}
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from kodial.tools.decide import ToolDecision

MODEL = "kodial-tools"
"""Model name reported when the caller gives none."""


def new_call_id() -> str:
    """An OpenAI-style tool call id (``call_`` + 24 hex digits)."""
    return "call_" + uuid.uuid4().hex[:24]


def arguments_json(arguments: dict[str, Any]) -> str:
    """Arguments as OpenAI sends them: a JSON string, Korean kept readable."""
    return json.dumps(arguments, ensure_ascii=False)


def finish_reason(decision: ToolDecision) -> str:
    return "tool_calls" if decision.kind == "call" else "stop"


def assistant_message(decision: ToolDecision, call_id: str | None = None) -> dict[str, Any]:
    """The assistant message for the conversation (what the client appends to ``messages``)."""
    if decision.kind == "call":
        return {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id or new_call_id(),
                    "type": "function",
                    "function": {
                        "name": decision.tool,
                        "arguments": arguments_json(decision.arguments),
                    },
                }
            ],
        }
    return {"role": "assistant", "content": decision.content or ""}


def chat_completion(
    decision: ToolDecision,
    *,
    model: str = MODEL,
    completion_id: str | None = None,
    created: int | None = None,
    call_id: str | None = None,
    usage: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A whole ``chat.completion`` response."""
    out: dict[str, Any] = {
        "id": completion_id or "chatcmpl-" + uuid.uuid4().hex,
        "object": "chat.completion",
        "created": int(time.time()) if created is None else created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": assistant_message(decision, call_id),
                "finish_reason": finish_reason(decision),
                "logprobs": None,
            }
        ],
    }
    if usage is not None:
        out["usage"] = usage
    return out


def _pieces(text: str, size: int) -> list[str]:
    """Split text into pieces of about ``size`` characters at spaces (never inside a syllable,
    so every piece is valid UTF-8 text on its own)."""
    if not text:
        return []
    out: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = word if not current else f"{current} {word}"
        if current and len(candidate) > size:
            out.append(current + " ")
            current = word
        else:
            current = candidate
    out.append(current)
    return out


def stream_chunks(
    decision: ToolDecision,
    *,
    model: str = MODEL,
    completion_id: str | None = None,
    created: int | None = None,
    call_id: str | None = None,
    piece_size: int = 16,
) -> Iterator[dict[str, Any]]:
    """``chat.completion.chunk`` objects for ``stream=True`` (each one ``data: {json}`` of SSE;
    the route sends ``data: [DONE]`` after the last)."""
    base = {
        "id": completion_id or "chatcmpl-" + uuid.uuid4().hex,
        "object": "chat.completion.chunk",
        "created": int(time.time()) if created is None else created,
        "model": model,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **base,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    if decision.kind == "call":
        yield chunk({"role": "assistant", "content": None})
        yield chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": call_id or new_call_id(),
                        "type": "function",
                        "function": {"name": decision.tool, "arguments": ""},
                    }
                ]
            }
        )
        args = arguments_json(decision.arguments)
        for i in range(0, len(args), piece_size):
            yield chunk(
                {"tool_calls": [{"index": 0, "function": {"arguments": args[i : i + piece_size]}}]}
            )
    else:
        yield chunk({"role": "assistant", "content": ""})
        for piece in _pieces(decision.content or "", piece_size):
            yield chunk({"content": piece})
    yield chunk({}, finish_reason(decision))
