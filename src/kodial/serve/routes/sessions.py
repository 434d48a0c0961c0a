"""Server-side sessions: create, list, read (with every turn and its route log), delete.
A session belongs to the API key that created it; other keys get 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import CallerDep, StoreDep
from kodial.serve.errors import ApiError
from kodial.serve.schemas import (
    Deleted,
    SessionCreate,
    SessionDetail,
    SessionList,
    SessionOut,
    TurnOut,
    Usage,
)
from kodial.serve.store import SessionRecord

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


def _out(rec: SessionRecord) -> SessionOut:
    return SessionOut(
        id=rec.id,
        title=rec.title,
        turn_count=rec.turn_count,
        state=rec.state,
        created_at=rec.created_at,
        updated_at=rec.updated_at,
    )


def _not_found(session_id: str) -> ApiError:
    return ApiError(404, f"session {session_id!r} not found", code="session_not_found")


@router.post("", response_model=SessionOut, status_code=201, summary="Start a session")
async def create_session(
    store: StoreDep, caller: CallerDep, body: SessionCreate | None = None
) -> SessionOut:
    rec = await run_in_threadpool(store.create, caller, body.title if body else "")
    return _out(rec)


@router.get("", response_model=SessionList, summary="The caller's sessions, newest first")
async def list_sessions(
    store: StoreDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SessionList:
    recs, total = await run_in_threadpool(store.list_sessions, caller, limit, offset)
    return SessionList(data=[_out(r) for r in recs], total=total)


@router.get(
    "/{session_id}",
    response_model=SessionDetail,
    summary="A session with its turns and route logs",
    responses={404: {"description": "No such session"}},
)
async def get_session(session_id: str, store: StoreDep, caller: CallerDep) -> SessionDetail:
    rec = await run_in_threadpool(store.get, session_id, caller, True)
    if rec is None:
        raise _not_found(session_id)
    turns = [
        TurnOut(
            seq=t.seq,
            user=t.user,
            assistant=t.assistant,
            route=t.route,
            finish_reason=t.finish_reason,
            usage=Usage(
                prompt_tokens=t.prompt_tokens,
                completion_tokens=t.completion_tokens,
                total_tokens=t.prompt_tokens + t.completion_tokens,
            ),
            created_at=t.created_at,
        )
        for t in rec.turns or []
    ]
    return SessionDetail(**_out(rec).model_dump(), turns=turns)


@router.delete(
    "/{session_id}",
    response_model=Deleted,
    summary="Delete a session and its turns",
    responses={404: {"description": "No such session"}},
)
async def delete_session(session_id: str, store: StoreDep, caller: CallerDep) -> Deleted:
    if not await run_in_threadpool(store.delete, session_id, caller):
        raise _not_found(session_id)
    return Deleted(id=session_id)
