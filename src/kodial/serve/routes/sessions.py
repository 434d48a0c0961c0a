"""Server-side sessions: create, list, read (with every turn and its route log), delete.

A session belongs to the API key that created it; other keys get 404. Without API keys every
caller is the same anonymous owner, so a session is reached with its token instead: creating a
session returns ``session_token`` (a secret, shown once), and every later request about the
session must carry it (``X-Kodial-Session-Token`` header, or ``session_token`` in a chat
request); without it the session is 404 to that caller. Listing sessions then needs a key."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import AccessDep, CallerDep, StoreDep
from kodial.serve.errors import ApiError
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.serve.schemas import (
    Deleted,
    SessionCreate,
    SessionCreated,
    SessionDetail,
    SessionList,
    SessionOut,
    TurnOut,
    Usage,
)
from kodial.serve.store import Access, SessionRecord

router = APIRouter(prefix="/v1/sessions", tags=["sessions"], route_class=StrictJsonRoute)


def _out(rec: SessionRecord) -> SessionOut:
    return SessionOut(
        id=rec.id,
        title=rec.title,
        turn_count=rec.turn_count,
        state=rec.state,
        created_at=rec.created_at,
        updated_at=rec.updated_at,
    )


def _not_found(session_id: str, access: Access) -> ApiError:
    hint = ""
    if access.by_token and not access.token:
        hint = " (this server has no API keys: send the X-Kodial-Session-Token header)"
    return ApiError(404, f"session {session_id!r} not found{hint}", code="session_not_found")


@router.post(
    "",
    response_model=SessionCreated,
    status_code=201,
    summary="Start a session (its session_token is shown only here)",
)
async def create_session(
    store: StoreDep, caller: CallerDep, body: SessionCreate | None = None
) -> SessionCreated:
    token = "kst-" + secrets.token_urlsafe(32)
    rec = await run_in_threadpool(
        lambda: store.create(caller, body.title if body else "", token=token)
    )
    return SessionCreated(**_out(rec).model_dump(), session_token=token)


@router.get(
    "",
    response_model=SessionList,
    summary="The caller's sessions, newest first (needs an API key)",
    responses={403: {"description": "The server has no API keys: sessions have no owner"}},
)
async def list_sessions(
    store: StoreDep,
    access: AccessDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SessionList:
    if access.by_token:
        raise ApiError(
            403,
            "listing sessions needs an API key: without keys every caller is the same "
            "anonymous owner, so a list would show everybody's sessions; read your session "
            "with GET /v1/sessions/{id} and its X-Kodial-Session-Token",
            code="sessions_list_needs_key",
        )
    recs, total = await run_in_threadpool(store.list_sessions, access.owner, limit, offset)
    return SessionList(data=[_out(r) for r in recs], total=total)


@router.get(
    "/{session_id}",
    response_model=SessionDetail,
    summary="A session with its turns and route logs",
    responses={404: {"description": "No such session"}},
)
async def get_session(session_id: str, store: StoreDep, access: AccessDep) -> SessionDetail:
    rec = await run_in_threadpool(store.get, session_id, access, True)
    if rec is None:
        raise _not_found(session_id, access)
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
async def delete_session(session_id: str, store: StoreDep, access: AccessDep) -> Deleted:
    if not await run_in_threadpool(store.delete, session_id, access):
        raise _not_found(session_id, access)
    return Deleted(id=session_id)
