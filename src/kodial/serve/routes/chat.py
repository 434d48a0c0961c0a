"""``POST /v1/chat/completions`` (OpenAI-compatible, streaming or not), ``GET /v1/models``
and ``GET /v1/assistant``."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Generator

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import AccessDep, CallerDep, ServicesDep
from kodial.serve.errors import ApiError, count_error
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.serve.runtime import Services
from kodial.serve.schemas import (
    AssistantInfo,
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    Delta,
    ModelCard,
    ModelList,
)
from kodial.serve.streaming import EventStream, sse_event
from kodial.serve.tool_turns import completion, decide_turn, events, wants_tools
from kodial.serve.turns import Piece, PreparedTurn, prepare, run

router = APIRouter(prefix="/v1", tags=["chat"], route_class=StrictJsonRoute)
log = logging.getLogger("kodial.serve")

_STREAM_DOC = {
    200: {
        "description": "A chat.completion, or with `stream: true` a `text/event-stream` of "
        "`data: <chat.completion.chunk>` events ending with `data: [DONE]`.",
        "content": {
            "text/event-stream": {
                "schema": {"type": "string"},
                "example": 'data: {"object": "chat.completion.chunk", ...}\n\ndata: [DONE]\n\n',
            }
        },
    },
    404: {"description": "Unknown model or session (or no valid session token for it)"},
    409: {
        "description": "Another turn on the session finished first, or its task's action is "
        "being run by another request"
    },
}


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses=_STREAM_DOC,  # type: ignore[arg-type]
    summary="Answer one user turn",
)
async def chat_completions(
    body: ChatCompletionRequest, services: ServicesDep, caller: CallerDep, access: AccessDep
) -> ChatCompletion | EventStream:
    """The assistant routes the last user message to a task, an FAQ answer, chit-chat or the
    fallback; ``kodial.route`` in the response says which and why. With ``session_id`` the
    server keeps the history and dialogue state; the turn is stored once the reply is
    complete. With ``tools`` (and ``tool_choice`` not ``"none"``) the turn is OpenAI function
    calling instead (:mod:`kodial.serve.tool_turns`): a ``tool_calls`` message, a question for
    missing arguments, an answer from a tool result or a decline."""
    if wants_tools(body):
        tool_turn = await run_in_threadpool(decide_turn, services, body)
        if body.stream:
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            return EventStream(
                events(tool_turn, include_usage),
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        return completion(tool_turn)
    if body.session_token is not None:
        access = dataclasses.replace(access, token=body.session_token)
    turn = await run_in_threadpool(prepare, services, caller, body, access)
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        return EventStream(
            _sse(services, turn, include_usage),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            on_close=turn.release,
        )
    final = await run_in_threadpool(_complete, services, turn)
    if final.error is not None:
        raise final.error
    assert final.usage is not None and final.meta is not None
    return ChatCompletion(
        id=turn.completion_id,
        created=turn.created,
        model=turn.model,
        choices=[
            Choice(
                message=AssistantMessage(content=final.reply),
                finish_reason="length" if final.finish_reason == "length" else "stop",
            )
        ],
        usage=final.usage,
        kodial=final.meta,
    )


def _complete(services: Services, turn: PreparedTurn) -> Piece:
    final = Piece(final=True)
    for piece in run(services, turn, paced=False):
        if piece.final:
            final = piece
    return final


def _sse(services: Services, turn: PreparedTurn, include_usage: bool) -> Generator[str, None, None]:
    """The event stream, run in worker threads by :class:`EventStream`, which closes it when the
    response ends: the turn (``pieces``) is closed with it, so a reply whose client left is
    never stored."""

    def chunk(delta: Delta, finish: str | None = None, **extra: object) -> str:
        c = ChatCompletionChunk(
            id=turn.completion_id,
            created=turn.created,
            model=turn.model,
            choices=[ChunkChoice(delta=delta, finish_reason=finish)],  # type: ignore[arg-type]
            **extra,  # type: ignore[arg-type]
        )
        return sse_event(_chunk_json(c))

    yield chunk(Delta(role="assistant", content=""))
    pieces = run(services, turn, paced=True)
    try:
        for piece in pieces:
            if not piece.final:
                yield chunk(Delta(content=piece.text))
                continue
            if piece.error is not None:
                yield _error_event(piece.error)
                return
            yield chunk(Delta(), piece.finish_reason, usage=piece.usage, kodial=piece.meta)
            if include_usage:
                c = ChatCompletionChunk(
                    id=turn.completion_id,
                    created=turn.created,
                    model=turn.model,
                    choices=[],
                    usage=piece.usage,
                )
                yield sse_event(_chunk_json(c))
    except ApiError as exc:
        yield _error_event(exc)
        return
    except Exception:
        log.exception("turn failed while streaming")
        yield _error_event(ApiError(500, "internal server error while answering", code="internal"))
        return
    finally:
        pieces.close()
    yield sse_event("[DONE]")


def _error_event(error: ApiError) -> str:
    """A stream's error event (the response is already 200), counted like any error answer."""
    body = error.body()
    count_error(body)
    return sse_event(body.model_dump())


def _chunk_json(c: ChatCompletionChunk) -> dict[str, object]:
    """A chunk as OpenAI sends it (fields without a value left out), with ``kodial`` whole: the
    same route and state as a non-streamed answer, nulls included."""
    data = c.model_dump(mode="json", exclude_none=True, exclude={"kodial"})
    if c.kodial is not None:
        data["kodial"] = c.kodial.model_dump(mode="json")
    return data


@router.get("/models", response_model=ModelList, summary="The served assistant, as a model")
def list_models(services: ServicesDep, _caller: CallerDep) -> ModelList:
    return ModelList(data=[ModelCard(id=services.assistant.name, created=int(services.started))])


@router.get("/assistant", response_model=AssistantInfo, summary="What the assistant can do")
def assistant_info(services: ServicesDep, _caller: CallerDep) -> AssistantInfo:
    return AssistantInfo(
        name=services.assistant.name,
        auth_required=services.keys.enabled,
        details=services.assistant.describe(),
    )
