"""Server-side session memory through SQLAlchemy: SQLite by default, any database URL otherwise.

Tables:

- ``sessions``: id, owner (the API key's id, so keys cannot read each other's sessions), the
  hash of the session token (what reaches a session when the API has no keys), dialogue
  ``state`` (JSON), ``turn_count`` and timestamps.
- ``turns``: one row per completed turn: user message, assistant reply, route JSON (why the
  assistant answered as it did), finish reason, token counts, ``created_at`` and ``seq``
  (1, 2, 3 ... within a session; ``UNIQUE(session_id, seq)``).
- ``action_runs``: one row per task action run, keyed by its idempotency key (the task's id in
  its session or signed state): claimed before the action is called, holding its outcome once
  it succeeded, so that the same action is never called twice (see :mod:`kodial.serve.ledger`).
- ``spent_states``: the nonces of signed states already used by session-less clients (each is
  good for one request), kept until the state would have expired anyway.

**Databases.** SQLite (a file, the embedded default) or PostgreSQL (``postgresql://user@host/db``,
driven by psycopg 3), which several replicas share. Tables are created on first use; replicas
that start together create them under a PostgreSQL advisory lock, so only one does.

**Busy store.** SQLite has one writer at a time. The writers of one process queue on a lock
of their own (:data:`LOCAL_WRITE_WAIT_S` at most) before they ask SQLite for its write lock:
requests of the same process never fail on each other (with 50 concurrent sessions on two
busy cores, a writer that held SQLite's lock while it waited for the GIL made its neighbours
give up after the busy timeout). SQLite then waits at most ``busy_timeout_s`` for another
*process* holding the write lock and raises ``OperationalError`` ("database is locked"),
which the service answers with 503 and ``Retry-After`` (PostgreSQL: ``lock_timeout`` and the
pool's wait are the same bound); :meth:`SessionStore.ping` checks that the write lock can be
taken at all, within a short timeout.

**Crash safety.** A turn is written by :meth:`SessionStore.append_turn` in ONE transaction,
only once the reply is complete: the turn row, the new dialogue state and the new
``turn_count`` commit together or not at all. The insert is conditional on the ``turn_count``
the turn was computed from (optimistic concurrency), and the unique ``seq`` is the backstop,
so a ``kill -9`` mid-stream leaves the session exactly as it was before that turn, and a turn
is never stored twice. SQLite files are opened in WAL mode (``PRAGMA journal_mode=WAL``), in
which a committed transaction survives the process being killed.

The dialogue state and the route go in and come out as the assistant's typed models
(:class:`~kodial.assistant.state.DialogueState`, :class:`~kodial.assistant.route.Route`) and
are stored as their JSON; a stored state that no longer reads (another version, malformed)
comes back as a fresh state whose ``reset_note`` says so. How much of the stored history a
turn sees is the turn logic's business (:func:`kodial.assistant.history.recent_exchanges`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import (
    Session,
    sessionmaker,
)

from kodial.assistant.route import Route
from kodial.assistant.state import DialogueState
from kodial.serve.tables import (
    ActionRow,
    SessionRow,
    SpentStateRow,
    TurnRow,
    create_tables,
    driver_url,
    engine_options,
    sqlite_pragmas,
    utc_now,
)


@dataclass(frozen=True)
class Access:
    """Who asks for a session. ``owner`` is the caller's API key id (``open`` without keys);
    with ``by_token`` the session token must match too (an API without keys has one owner for
    everybody, so the token is what tells sessions apart)."""

    owner: str
    token: str | None = None
    by_token: bool = False

    def allows(self, row: SessionRow) -> bool:
        if row.owner != self.owner:
            return False
        if not self.by_token:
            return True
        if not self.token or row.token_hash is None:
            return False
        return hmac.compare_digest(hash_token(self.token).encode(), row.token_hash.encode())


def hash_token(token: str) -> str:
    """The stored form of a session token (as API keys: 256 random bits need no slow hash)."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Turn:
    seq: int
    user: str
    assistant: str
    route: Route
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    created_at: datetime


@dataclass
class SessionRecord:
    id: str
    owner: str
    title: str
    state: DialogueState
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


class ActionBusy(Exception):
    """Another request is running this action right now."""


LOCAL_WRITE_WAIT_S = 30.0
"""How long a SQLite writer waits behind the other writers of its own process (each holds the
lock for one short transaction) before the request gets 503 + ``Retry-After``."""


class SessionStore:
    """Sessions and their turns in a SQL database.

    >>> store = SessionStore("sqlite://")
    >>> s = store.create(owner="k")
    >>> route = Route(handler="smalltalk", type="chitchat")
    >>> store.append_turn(s.id, 0, "안녕", "안녕하세요!", route, DialogueState(turns=1)).seq
    1
    >>> store.get(s.id, Access("k")).state.turns
    1
    """

    def __init__(self, url: str, busy_timeout_s: float = 2.0, pool_size: int = 10) -> None:
        url = driver_url(url)
        self.url = url
        self.busy_timeout_s = busy_timeout_s
        self.engine: Engine = create_engine(
            url, future=True, **engine_options(url, busy_timeout_s, pool_size)
        )
        if url.startswith("sqlite"):
            busy_ms = int(busy_timeout_s * 1000)
            event.listen(self.engine, "connect", lambda conn, _rec: sqlite_pragmas(conn, busy_ms))
        create_tables(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite: this process's writers queue here, not on the database file's lock
        self._local_writer = threading.Lock() if url.startswith("sqlite") else None

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold this process's SQLite writer lock (nothing for other databases, whose row
        locks let writers of different sessions run at once)."""
        lock = self._local_writer
        if lock is None:
            yield
            return
        if not lock.acquire(timeout=LOCAL_WRITE_WAIT_S):
            raise OperationalError(
                "local writer queue",
                None,
                Exception(f"database is locked: waited {LOCAL_WRITE_WAIT_S:.0f} s in this process"),
            )
        try:
            yield
        finally:
            lock.release()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._writing(), self._sessions() as db, db.begin():
            yield db

    def ping(self, timeout_s: float | None = None) -> None:
        """Raise unless the store answers and could take a write within ``timeout_s`` (default:
        the busy timeout). ``/readyz`` uses it (a SQLite file another process keeps locked is
        not ready, even though reads still work), and so does a session turn before it starts
        answering (a reply that could not be stored is not worth streaming)."""
        if timeout_s is None:
            timeout_s = self.busy_timeout_s
        memory = self.url in ("sqlite://", "sqlite:///:memory:")
        lock = self._local_writer
        if lock is not None and not lock.acquire(blocking=False):
            # a writer of this process is at the database right now: the probe would only queue
            # behind it (and fail when the queue is long), while its commit is the real test
            return
        try:
            self._ping(timeout_s, memory)
        finally:
            if lock is not None:
                lock.release()

    def _ping(self, timeout_s: float, memory: bool) -> None:
        with self.engine.connect() as conn:
            if self.engine.dialect.name != "sqlite" or memory:
                conn.execute(select(1))
                return
            raw: Any = conn.connection.dbapi_connection
            raw.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
            try:
                raw.execute("BEGIN IMMEDIATE")  # the write lock, taken and given back
                raw.execute("ROLLBACK")
            except raw.OperationalError as exc:  # as SQLAlchemy reports driver errors
                raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
            finally:
                raw.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")

    def close(self) -> None:
        self.engine.dispose()

    # -- sessions ---------------------------------------------------------------------------
    def create(
        self,
        owner: str,
        title: str = "",
        token: str | None = None,
    ) -> SessionRecord:
        """A new session of ``owner``; ``token`` (only its hash is stored) reaches it when
        sessions are reached by token."""
        row = SessionRow(
            id=uuid.uuid4().hex,
            owner=owner,
            token_hash=hash_token(token) if token is not None else None,
            title=title[:200],
            state=DialogueState().model_dump_json(),
        )
        with self._tx() as db:
            db.add(row)
        return _record(row)

    def get(self, session_id: str, access: Access, turns: bool = False) -> SessionRecord | None:
        """The session, or None if it does not exist or ``access`` does not reach it."""
        with self._sessions() as db:
            row = db.get(SessionRow, session_id)
            if row is None or not access.allows(row):
                return None
            rec = _record(row)
            if turns:
                rec.turns = [_turn(t) for t in row.turns]
            return rec

    def get_or_create(self, session_id: str, owner: str, title: str = "") -> SessionRecord:
        """The session ``session_id`` of ``owner``, created (without a token: reachable by its
        owner only) if it does not exist yet; a channel keeps one session per user this way
        (:mod:`kodial.serve.channels`). Two first messages at once create it once. A session
        of that id with another owner is :class:`SessionGone` (never handed over)."""
        access = Access(owner)
        for _ in range(2):
            with self._sessions() as db:
                row = db.get(SessionRow, session_id)
                if row is not None:
                    if not access.allows(row):
                        raise SessionGone(session_id)
                    return _record(row)
            row = SessionRow(
                id=session_id,
                owner=owner,
                title=title[:200],
                state=DialogueState().model_dump_json(),
            )
            try:
                with self._tx() as db:
                    db.add(row)
                return _record(row)
            except IntegrityError:
                continue  # created by a request at the same moment: read it
        raise SessionGone(session_id)

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

    def delete(self, session_id: str, access: Access) -> bool:
        with self._tx() as db:
            row = db.get(SessionRow, session_id)
            if row is None or not access.allows(row):
                return False
            db.execute(delete(TurnRow).where(TurnRow.session_id == session_id))
            db.execute(delete(ActionRow).where(ActionRow.session_id == session_id))
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
        route: Route,
        state: DialogueState,
        finish_reason: str = "stop",
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
    ) -> Turn:
        """Store one completed turn and the new state in one transaction.

        ``expected_count`` is the session's ``turn_count`` when the turn started; if another
        turn committed meanwhile, nothing is written and :class:`TurnConflict` is raised.
        """
        seq = expected_count + 1
        now = utc_now()
        try:
            with self._tx() as db:
                moved = db.execute(
                    update(SessionRow)
                    .where(SessionRow.id == session_id, SessionRow.turn_count == expected_count)
                    .values(turn_count=seq, state=state.model_dump_json(), updated_at=now)
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
                    route=route.model_dump_json(),
                    finish_reason=finish_reason,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    created_at=now,
                )
                db.add(row)
        except IntegrityError as exc:
            raise TurnConflict(session_id) from exc
        return _turn(row)

    # -- signed states and actions: used once -------------------------------------------------
    def spend_state(self, nonce: str, expires_at: datetime) -> bool:
        """Record that the signed state with ``nonce`` is being used; False if it already
        was. Nonces of expired states are forgotten (an expired state is refused anyway)."""
        try:
            with self._tx() as db:
                db.execute(delete(SpentStateRow).where(SpentStateRow.expires_at < utc_now()))
                db.add(SpentStateRow(nonce=nonce, expires_at=expires_at))
        except IntegrityError:
            return False
        return True

    def claim_action(
        self,
        key: str,
        session_id: str | None,
        stale_after_s: float,
        expires_at: datetime | None = None,
    ) -> dict[str, Any] | None:
        """Claim the right to run the action ``key``: None when the caller may run it now,
        or the stored outcome of its successful earlier run. :class:`ActionBusy` when another
        request claimed it less than ``stale_after_s`` ago and has not finished (a claim that
        old belonged to a process that died mid-call, and is taken over)."""
        for _ in range(3):  # a claim released between our insert and our read: try again
            now = utc_now()
            try:
                with self._tx() as db:
                    db.execute(
                        delete(ActionRow).where(
                            ActionRow.expires_at.is_not(None), ActionRow.expires_at < now
                        )
                    )
                    db.add(
                        ActionRow(
                            key=key, session_id=session_id, started_at=now, expires_at=expires_at
                        )
                    )
                return None
            except IntegrityError:
                pass
            with self._tx() as db:
                row = db.get(ActionRow, key)
                if row is None:
                    continue
                if row.outcome is not None:
                    done: dict[str, Any] = json.loads(row.outcome)
                    return done
                if (now - row.started_at).total_seconds() < stale_after_s:
                    raise ActionBusy(key)
                taken = db.execute(
                    update(ActionRow)
                    .where(
                        ActionRow.key == key,
                        ActionRow.outcome.is_(None),
                        ActionRow.started_at == row.started_at,
                    )
                    .values(started_at=now)
                ).rowcount  # type: ignore[attr-defined]
                if taken != 1:
                    raise ActionBusy(key)
                return None
        raise ActionBusy(key)

    def finish_action(self, key: str, outcome: dict[str, Any]) -> None:
        """Store the outcome of a successful action run (replays get it instead of a call)."""
        with self._tx() as db:
            outcome_json = json.dumps(outcome, ensure_ascii=False)
            db.execute(update(ActionRow).where(ActionRow.key == key).values(outcome=outcome_json))

    def release_action(self, key: str) -> None:
        """Give up the claim of an action that failed (a later request may try again)."""
        with self._tx() as db:
            db.execute(delete(ActionRow).where(ActionRow.key == key, ActionRow.outcome.is_(None)))


def _record(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        owner=row.owner,
        title=row.title,
        state=DialogueState.from_json(json.loads(row.state or "{}")),
        turn_count=row.turn_count,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _turn(row: TurnRow) -> Turn:
    return Turn(
        seq=row.seq,
        user=row.user,
        assistant=row.assistant,
        route=_route(row.route),
        finish_reason=row.finish_reason,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        created_at=row.created_at,
    )


def _route(raw: str | None) -> Route:
    """A stored route; one this version cannot read (a row from an older kodial that lacks a
    field) is shown as what it still says rather than failing the session read."""
    data = json.loads(raw or "{}")
    try:
        return Route.model_validate(data)
    except ValueError:
        return Route(
            handler=str(data.get("handler", "?")) if isinstance(data, dict) else "?",
            type=str(data.get("type", "?")) if isinstance(data, dict) else "?",
            reason="(route stored by another version of kodial)",
        )
