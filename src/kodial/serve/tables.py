"""The session database: its tables and how an engine is opened.

Tables (SQLAlchemy ORM, created on first use; see :mod:`kodial.serve.store` for how they are
used):

- ``sessions``: id, owner (the API key's id), the hash of the session token, dialogue ``state``
  (JSON), ``turn_count`` and timestamps;
- ``turns``: one row per completed turn, ``UNIQUE(session_id, seq)``;
- ``action_runs``: task action runs keyed by their idempotency key;
- ``spent_states``: nonces of signed states already used.

**Databases.** SQLite (a file, the embedded default; WAL mode, a busy timeout) or PostgreSQL
(``postgresql://user@host/db``, driven by psycopg 3), which several replicas share. Replicas that
start together create the tables under a PostgreSQL advisory lock, so only one does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    inspect,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(80), nullable=True, default=None)
    """``sha256:<hex>`` of the session token; None for sessions made before tokens existed
    (reachable with an API key only)."""
    title: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(Text, default="{}")
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
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
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    session: Mapped[SessionRow] = relationship(back_populates="turns")


class ActionRow(Base):
    __tablename__ = "action_runs"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True, nullable=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    outcome: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    """JSON of the action's successful result; None while it runs."""
    expires_at: Mapped[datetime | None] = mapped_column(index=True, nullable=True, default=None)
    """When the row may be forgotten (session-less actions); None: kept with its session."""


class SpentStateRow(Base):
    __tablename__ = "spent_states"

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


def driver_url(url: str) -> str:
    """``url`` with kodial's PostgreSQL driver (psycopg 3) when it names none: SQLAlchemy reads
    a plain ``postgresql://`` as psycopg2, which kodial does not install.

    >>> driver_url("postgresql://kodial@db/kodial"), driver_url("sqlite:///s.db")
    ('postgresql+psycopg://kodial@db/kodial', 'sqlite:///s.db')
    """
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


_CREATE_LOCK = 0x6B6F6469616C  # "kodial": the advisory lock id of table creation


def create_tables(engine: Engine) -> None:
    """Create missing tables and columns. On PostgreSQL under an advisory lock: replicas that
    start at the same moment would otherwise race on ``CREATE TABLE`` and one would fail."""
    if engine.dialect.name != "postgresql":
        Base.metadata.create_all(engine)
        _migrate(engine)
        return
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CREATE_LOCK})
        Base.metadata.create_all(conn)
        _migrate_conn(conn)


def _migrate(engine: Engine) -> None:
    """Bring a store made by an older kodial up to date (columns ``create_all`` won't add)."""
    with engine.begin() as conn:
        _migrate_conn(conn)


def _migrate_conn(conn: Any) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("sessions")}
    if "token_hash" not in columns:
        conn.execute(text("ALTER TABLE sessions ADD COLUMN token_hash VARCHAR(80)"))


def engine_options(url: str, busy_timeout_s: float, pool_size: int = 10) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # One connection per thread is fine for SQLite. Wait for another writer, but briefly:
        # a request that cannot write soon gets 503 + Retry-After, not a half-minute hang.
        opts: dict[str, Any] = {
            "connect_args": {"check_same_thread": False, "timeout": busy_timeout_s}
        }
        if url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            opts["poolclass"] = StaticPool
        return opts
    opts = {
        "pool_pre_ping": True,
        "pool_size": pool_size,
        "max_overflow": pool_size,
        # the same bound as SQLite's busy timeout: no free connection or a row lock held longer
        # than this is a 503 + Retry-After, not a hang
        "pool_timeout": busy_timeout_s,
    }
    if url.startswith("postgresql"):
        opts["connect_args"] = {
            "connect_timeout": max(1, round(busy_timeout_s)),
            "options": f"-c lock_timeout={int(busy_timeout_s * 1000)}",
        }
    return opts


def sqlite_pragmas(dbapi_conn: Any, busy_ms: int) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={busy_ms}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
