"""Server-side session memory through SQLAlchemy: SQLite by default, any database URL otherwise.

Tables:

- ``sessions``: id, owner (the API key's id, so keys cannot read each other's sessions),
  dialogue ``state`` (JSON), ``turn_count`` and timestamps.
- ``turns``: one row per completed turn: user message, assistant reply, route JSON (why the
  assistant answered as it did), finish reason, token counts, ``created_at`` and ``seq``
  (1, 2, 3 ... within a session; ``UNIQUE(session_id, seq)``).

**Crash safety.** A turn is written by :meth:`SessionStore.append_turn` in ONE transaction,
only once the reply is complete: the turn row, the new dialogue state and the new
``turn_count`` commit together or not at all. The insert is conditional on the ``turn_count``
the turn was computed from (optimistic concurrency), and the unique ``seq`` is the backstop,
so a ``kill -9`` mid-stream leaves the session exactly as it was before that turn, and a turn
is never stored twice. SQLite files are opened in WAL mode (``PRAGMA journal_mode=WAL``), in
which a committed transaction survives the process being killed.

**History rule** (:func:`trim_history`): the model sees at most ``history_turns`` previous
turns; then the oldest turns are dropped until the history holds at most ``history_chars``
characters. Whole turns are dropped, never half a turn.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(Text, default="{}")
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)
    turns: Mapped[list[TurnRow]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="TurnRow.seq"
    )


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_turn_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    user: Mapped[str] = mapped_column(Text)
    assistant: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(Text, default="{}")
    finish_reason: Mapped[str] = mapped_column(String(16), default="stop")
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    session: Mapped[SessionRow] = relationship(back_populates="turns")


@dataclass
class Turn:
    seq: int
    user: str
    assistant: str
    route: dict[str, Any]
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    created_at: datetime


@dataclass
class SessionRecord:
    id: str
    owner: str
    title: str
    state: dict[str, Any]
    turn_count: int
    created_at: datetime
    updated_at: datetime
    turns: list[Turn] | None = None
    """Filled by :meth:`SessionStore.get` with ``turns=True``."""


class TurnConflict(Exception):
    """Another request completed a turn on this session first (the state this turn was
    computed from is stale)."""


class SessionGone(Exception):
    """The session was deleted while the turn was being answered."""


class SessionStore:
    """Sessions and their turns in a SQL database.

    >>> store = SessionStore("sqlite://")
    >>> s = store.create(owner="k")
    >>> store.append_turn(s.id, 0, "안녕", "안녕하세요!", {"handler": "chitchat"}, {"n": 1}).seq
    1
    >>> store.get(s.id, "k").state
    {'n': 1}
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True, **_engine_options(url))
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions() as db, db.begin():
            yield db

    def ping(self) -> None:
        """Raise if the database cannot be reached (used by ``/readyz``)."""
        with self._sessions() as db:
            db.execute(select(1))

    def close(self) -> None:
        self.engine.dispose()

    # -- sessions ---------------------------------------------------------------------------
    def create(
        self, owner: str, title: str = "", state: dict[str, Any] | None = None
    ) -> SessionRecord:
        row = SessionRow(
            id=uuid.uuid4().hex, owner=owner, title=title[:200], state=_dump(state or {})
        )
        with self._tx() as db:
            db.add(row)
        return _record(row)

    def get(self, session_id: str, owner: str, turns: bool = False) -> SessionRecord | None:
        """The session, or None if it does not exist or belongs to another owner."""
        with self._sessions() as db:
            row = db.get(SessionRow, session_id)
            if row is None or row.owner != owner:
                return None
            rec = _record(row)
            if turns:
                rec.turns = [_turn(t) for t in row.turns]
            return rec

    def list_sessions(
        self, owner: str, limit: int = 50, offset: int = 0
    ) -> tuple[list[SessionRecord], int]:
        """The owner's sessions, most recently updated first, and their total number."""
        with self._sessions() as db:
            total = db.scalar(
                select(func.count()).select_from(SessionRow).where(SessionRow.owner == owner)
            )
            rows = db.scalars(
                select(SessionRow)
                .where(SessionRow.owner == owner)
                .order_by(SessionRow.updated_at.desc(), SessionRow.id)
                .limit(limit)
                .offset(offset)
            ).all()
            return [_record(r) for r in rows], int(total or 0)

    def delete(self, session_id: str, owner: str) -> bool:
        with self._tx() as db:
            row = db.get(SessionRow, session_id)
            if row is None or row.owner != owner:
                return False
            db.execute(delete(TurnRow).where(TurnRow.session_id == session_id))
            db.delete(row)
        return True

    def recent_turns(self, session_id: str, limit: int) -> list[Turn]:
        """The last ``limit`` turns, oldest first."""
        if limit <= 0:
            return []
        with self._sessions() as db:
            rows = db.scalars(
                select(TurnRow)
                .where(TurnRow.session_id == session_id)
                .order_by(TurnRow.seq.desc())
                .limit(limit)
            ).all()
            return [_turn(t) for t in reversed(rows)]

    # -- turns ------------------------------------------------------------------------------
    def append_turn(
        self,
        session_id: str,
        expected_count: int,
        user: str,
        assistant: str,
        route: dict[str, Any],
        state: dict[str, Any],
        finish_reason: str = "stop",
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
    ) -> Turn:
        """Store one completed turn and the new state in one transaction.

        ``expected_count`` is the session's ``turn_count`` when the turn started; if another
        turn committed meanwhile, nothing is written and :class:`TurnConflict` is raised.
        """
        seq = expected_count + 1
        now = _now()
        try:
            with self._tx() as db:
                moved = db.execute(
                    update(SessionRow)
                    .where(SessionRow.id == session_id, SessionRow.turn_count == expected_count)
                    .values(turn_count=seq, state=_dump(state), updated_at=now)
                ).rowcount  # type: ignore[attr-defined]
                if moved != 1:
                    if db.get(SessionRow, session_id) is None:
                        raise SessionGone(session_id)
                    raise TurnConflict(session_id)
                row = TurnRow(
                    session_id=session_id,
                    seq=seq,
                    user=user,
                    assistant=assistant,
                    route=_dump(route),
                    finish_reason=finish_reason,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    created_at=now,
                )
                db.add(row)
        except IntegrityError as exc:
            raise TurnConflict(session_id) from exc
        return _turn(row)


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # One connection per thread is fine for SQLite; wait for a writer instead of failing.
        opts: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            opts["poolclass"] = StaticPool
        return opts
    return {"pool_pre_ping": True}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def _record(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        owner=row.owner,
        title=row.title,
        state=json.loads(row.state or "{}"),
        turn_count=row.turn_count,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _turn(row: TurnRow) -> Turn:
    return Turn(
        seq=row.seq,
        user=row.user,
        assistant=row.assistant,
        route=json.loads(row.route or "{}"),
        finish_reason=row.finish_reason,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        created_at=row.created_at,
    )


def trim_history(
    turns: list[tuple[str, str]], max_turns: int, max_chars: int
) -> list[dict[str, str]]:
    """Apply the history rule to ``(user, assistant)`` pairs, oldest first, and return
    chat messages (``{"role", "content"}``), oldest first.

    >>> trim_history([("가" * 5, "나" * 5), ("다", "라")], max_turns=8, max_chars=4)
    [{'role': 'user', 'content': '다'}, {'role': 'assistant', 'content': '라'}]
    """
    kept = turns[-max_turns:] if max_turns > 0 else []
    while kept and sum(len(u) + len(a) for u, a in kept) > max_chars:
        kept = kept[1:]
    out: list[dict[str, str]] = []
    for user, reply in kept:
        out.append({"role": "user", "content": user})
        out.append({"role": "assistant", "content": reply})
    return out
