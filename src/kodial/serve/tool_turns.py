"""The tool path of ``POST /v1/chat/completions``: OpenAI function calling decided by
:func:`kodial.tools.decide.decide`.

A request with ``tools`` (and a ``tool_choice`` other than ``"none"``) is one turn of the
client's own conversation: ``messages`` holds all of it (user turns, the assistant's questions
and ``tool_calls``, ``tool`` results), as OpenAI clients send it, so the turn keeps nothing on
the server and ``session_id`` / ``state`` are refused rather than silently ignored. The answer
is a call (``message.tool_calls``, ``finish_reason: "tool_calls"``), a question for the missing
required arguments, a reply built from a ``tool`` result, or a decline (``content``,
``finish_reason: "stop"``); streamed, the same as OpenAI chunks (:mod:`kodial.tools.openai`).
``kodial.tools`` says why: the tool scores, the threshold, the arguments filled (value, source,
words) and the ones missing. A bad tool schema is a 400 naming the tool and the parameter.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from kodial.assistant.route import Route
from kodial.assistant.state import DialogueState
from kodial.errors import KodialError
from kodial.serve import metrics
from kodial.serve.errors import ApiError
from kodial.serve.runtime import Services
from kodial.serve.schemas import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    Choice,
    KodialMeta,
    ToolCall,
    Usage,
)
from kodial.serve.streaming import sse_event
from kodial.serve.turns import check_message_limits, requested_max_tokens, require_model
from kodial.serve.usage import count_tokens, truncate_tokens
from kodial.tools.decide import ToolDecision, decide
from kodial.tools.openai import assistant_message, stream_chunks
from kodial.tools.schema import ToolSchemaError


def wants_tools(req: ChatCompletionRequest) -> bool:
    """Whether the tool path answers: tools offered and ``tool_choice`` not ``"none"`` (with
    ``"none"``, or no tools, the assistant answers as it always does)."""
    return bool(req.tools) and req.tool_choice != "none"


@dataclass
class ToolTurn:
    """A decided tool turn, ready to be sent whole or streamed."""

    completion_id: str
    created: int
    model: str
    decision: ToolDecision
    message: dict[str, Any]
    """The assistant message (OpenAI shape: ``content`` or ``tool_calls``)."""
    finish_reason: str
    usage: Usage
    meta: KodialMeta


def decide_turn(services: Services, req: ChatCompletionRequest) -> ToolTurn:
    """Check the request and decide the turn; raises :class:`ApiError` (400 for bad tools,
    ``tool_choice`` or messages)."""
    s = services.settings
    require_model(services, req.model)
    for field_name in ("session_id", "state", "kodial"):
        if getattr(req, field_name) is not None:
            raise ApiError(
                400,
                f"{field_name} cannot be used with tools: a tool turn reads the whole "
                "conversation from messages (as OpenAI clients send it) and keeps nothing on "
                "the server",
                param=field_name,
            )
    check_message_limits(s, req)
    if req.messages[-1].role not in ("user", "tool"):
        raise ApiError(
            400,
            "the last message must be a user message or a tool result",
            param="messages",
        )
    wanted = requested_max_tokens(s, req)
    messages = [m.as_openai() for m in req.messages]
    t0 = time.perf_counter()
    try:
        decision = decide(messages, req.tools or [], req.tool_choice or "auto")
    except ToolSchemaError as exc:
        raise ApiError(400, str(exc), code="invalid_tools", param="tools") from None
    except KodialError as exc:
        param = "tool_choice" if "tool_choice" in exc.message else "messages"
        raise ApiError(400, str(exc), param=param) from None
    finish = "tool_calls" if decision.kind == "call" else "stop"
    if decision.kind != "call":
        # max_tokens cuts a question or answer as it cuts any reply; a call is never cut
        # (half the arguments would be invalid JSON)
        text, cut = truncate_tokens(decision.content or "", wanted)
        decision.content = text
        finish = "length" if cut else finish
    message = assistant_message(decision, call_id="call_" + uuid.uuid4().hex[:24])
    prompt = sum(count_tokens(m.text()) for m in req.messages)
    done = sum(
        count_tokens(c["function"]["arguments"]) for c in message.get("tool_calls") or []
    ) + count_tokens(message.get("content") or "")
    # counted like the assistant's turns (handler and type "tools"), so dashboards see them
    seconds = time.perf_counter() - t0
    metrics.TURNS.labels("api", "tools", "tools", str(req.stream).lower()).inc()
    metrics.TURN_SECONDS.labels("api", "tools").observe(seconds)
    metrics.TOKENS.labels("prompt").inc(prompt)
    metrics.TOKENS.labels("completion").inc(done)
    explain = {"kind": decision.kind, **decision.explain}
    route = Route(
        handler="tools",
        type="tools",
        intent=decision.tool,
        reason=f"{decision.kind}: {decision.explain.get('why', '')}",
    )
    return ToolTurn(
        completion_id="chatcmpl-" + uuid.uuid4().hex[:24],
        created=int(time.time()),
        model=req.model,
        decision=decision,
        message=message,
        finish_reason=finish,
        usage=Usage(prompt_tokens=prompt, completion_tokens=done, total_tokens=prompt + done),
        meta=KodialMeta(route=route, state=DialogueState(), tools=explain),
    )


def completion(turn: ToolTurn) -> ChatCompletion:
    """The whole ``chat.completion``."""
    m = turn.message
    return ChatCompletion(
        id=turn.completion_id,
        created=turn.created,
        model=turn.model,
        choices=[
            Choice(
                message=AssistantMessage(
                    content=m.get("content"),
                    tool_calls=[ToolCall.model_validate(c) for c in m.get("tool_calls") or []]
                    or None,
                ),
                finish_reason=turn.finish_reason,  # type: ignore[arg-type]
            )
        ],
        usage=turn.usage,
        kodial=turn.meta,
    )


def events(turn: ToolTurn, include_usage: bool) -> Generator[str, None, None]:
    """The SSE events of a streamed tool turn: OpenAI's chunks (the call's id and name, then
    its arguments in pieces; or the text in pieces), the last one with ``finish_reason`` and
    ``kodial``, then a usage chunk if asked, then ``[DONE]``."""
    call_id = None
    if turn.message.get("tool_calls"):
        call_id = turn.message["tool_calls"][0]["id"]
    chunks = list(
        stream_chunks(
            turn.decision,
            model=turn.model,
            completion_id=turn.completion_id,
            created=turn.created,
            call_id=call_id,
        )
    )
    for c in chunks[:-1]:
        yield sse_event(c)
    last = chunks[-1]
    last["choices"][0]["finish_reason"] = turn.finish_reason
    last["usage"] = turn.usage.model_dump()
    last["kodial"] = turn.meta.model_dump(mode="json")
    yield sse_event(last)
    if include_usage:
        yield sse_event(
            {
                "id": turn.completion_id,
                "object": "chat.completion.chunk",
                "created": turn.created,
                "model": turn.model,
                "choices": [],
                "usage": turn.usage.model_dump(),
            }
        )
    yield sse_event("[DONE]")
