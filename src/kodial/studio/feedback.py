"""Thumbs up / down on a stored turn: ``POST /v1/sessions/{id}/turns/{seq}/feedback``.

Kept in the session store's database, in a table of its own (``turn_feedback``, created on
first use), so the serve package's tables stay as they are. A caller rates a turn of a session
it can reach, exactly as it reads the session (its API key, or without keys the session's
token); rating again replaces the rating, ``null`` removes it. The review lists thumbs-down
turns (:mod:`kodial.studio.review`). ``GET /v1/feedback`` tells a client (the web chat page)
that the server takes ratings.
"""

from __future__ import annotations

import threading
import weakref
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from sqlalchemy import Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool

from kodial.serve.deps import AccessDep, CallerDep, StoreDep
from kodial.serve.errors import ApiError
from kodial.serve.jsonbody import StrictJsonRoute
from kodial.serve.store import Access, SessionStore


class _Base(DeclarativeBase):
    pass


class FeedbackRow(_Base):
    __tablename__ = "turn_feedback"

    session_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()


_ready: weakref.WeakSet[Engine] = weakref.WeakSet()
_ready_lock = threading.Lock()


def ensure_table(engine: Engine) -> None:
    """Create the feedback table in the store's database once per engine."""
    with _ready_lock:
        if engine in _ready:
            return
        _Base.metadata.create_all(engine)
        _ready.add(engine)


def ratings(engine: Engine, rating: str | None = None) -> dict[tuple[str, int], FeedbackRow]:
    """Every rating (or those equal to ``rating``), by (session, seq)."""
    ensure_table(engine)
    with Session(engine) as db:
        query = select(FeedbackRow)
        if rating is not None:
            query = query.where(FeedbackRow.rating == rating)
        return {(r.session_id, r.seq): r for r in db.scalars(query)}


def rate(
    store: SessionStore,
    access: Access,
    session_id: str,
    seq: int,
    rating: str | None,
    comment: str,
) -> bool:
    """Store (or with ``rating`` None remove) a rating; False when the caller cannot reach the
    session or the turn does not exist."""
    session = store.get(session_id, access)
    if session is None or seq > session.turn_count:
        return False
    ensure_table(store.engine)
    with Session(store.engine) as db, db.begin():
        row = db.get(FeedbackRow, (session_id, seq))
        if rating is None:
            if row is not None:
                db.delete(row)
            return True
        if row is None:
            row = FeedbackRow(session_id=session_id, seq=seq)
            db.add(row)
        row.rating = rating
        row.comment = comment
        row.owner = access.owner
        row.created_at = datetime.now(UTC).replace(tzinfo=None)
    return True


class FeedbackIn(BaseModel):
    rating: Literal["up", "down"] | None
    """``up``, ``down``, or null to take a rating back."""
    comment: str = Field(default="", max_length=1000)
    """What was wrong (optional)."""


class FeedbackOut(BaseModel):
    session_id: str
    seq: int
    rating: Literal["up", "down"] | None


class FeedbackInfo(BaseModel):
    object: Literal["feedback.info"] = "feedback.info"
    ratings: list[str] = ["up", "down"]


router = APIRouter(prefix="/v1", tags=["feedback"], route_class=StrictJsonRoute)


@router.get("/feedback", response_model=FeedbackInfo, summary="Whether turns can be rated here")
async def feedback_info(_caller: CallerDep) -> FeedbackInfo:
    return FeedbackInfo()


@router.post(
    "/sessions/{session_id}/turns/{seq}/feedback",
    response_model=FeedbackOut,
    summary="Rate a turn (thumbs up or down)",
    responses={404: {"description": "No such session or turn"}},
)
async def rate_turn(
    session_id: str,
    seq: Annotated[int, Path(ge=1)],
    body: FeedbackIn,
    store: StoreDep,
    access: AccessDep,
) -> FeedbackOut:
    found = await run_in_threadpool(rate, store, access, session_id, seq, body.rating, body.comment)
    if not found:
        raise ApiError(
            404, f"turn {seq} of session {session_id!r} not found", code="turn_not_found"
        )
    return FeedbackOut(session_id=session_id, seq=seq, rating=body.rating)
