"""The session store: one transaction per turn, no duplicate turns, typed state and route in
and out, session tokens, single-use state nonces and the action ledger."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from kodial.assistant.route import Route, TaskRoute
from kodial.assistant.state import DialogueState
from kodial.serve.store import (
    Access,
    ActionBusy,
    SessionGone,
    SessionStore,
    TurnConflict,
)

CHAT = Route(handler="smalltalk", type="chitchat")


def state(turns: int) -> DialogueState:
    return DialogueState(turns=turns)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    s = SessionStore(f"sqlite:///{tmp_path / 'sessions.db'}")
    yield s
    s.close()


def test_sqlite_file_is_in_wal_mode(store: SessionStore) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_turns_are_numbered_and_state_follows(store: SessionStore) -> None:
    s = store.create("k1", title="예약")
    assert s.state == DialogueState()
    task = Route(
        handler="book_table",
        type="task",
        slots={"인원": 4},
        task=TaskRoute(event="started", slots={"인원": 4}, missing=["날짜"], asking="날짜"),
    )
    store.append_turn(s.id, 0, "안녕", "반가워요", CHAT, state(1))
    store.append_turn(s.id, 1, "예약", "몇 시요?", task, state(2))
    got = store.get(s.id, Access("k1"), turns=True)
    assert got is not None and got.turn_count == 2 and got.state == state(2)
    assert [t.seq for t in got.turns or []] == [1, 2]
    assert got.turns is not None and got.turns[1].route == task  # every field comes back


def test_stale_turn_is_rejected_and_writes_nothing(store: SessionStore) -> None:
    s = store.create("k1")
    store.append_turn(s.id, 0, "a", "b", CHAT, state(1))
    with pytest.raises(TurnConflict):
        store.append_turn(s.id, 0, "a again", "b again", CHAT, state(99))
    got = store.get(s.id, Access("k1"), turns=True)
    assert got is not None and got.turn_count == 1 and got.state == state(1)
    assert [t.user for t in got.turns or []] == ["a"]


def test_owner_isolation_and_delete(store: SessionStore) -> None:
    s = store.create("k1")
    store.append_turn(s.id, 0, "a", "b", CHAT, state(1))
    assert store.get(s.id, Access("k2")) is None
    assert not store.delete(s.id, Access("k2"))
    assert store.list_sessions("k2") == ([], 0)
    assert store.delete(s.id, Access("k1"))
    assert store.get(s.id, Access("k1")) is None
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM turns").scalar() == 0


def test_recent_turns_oldest_first(store: SessionStore) -> None:
    s = store.create("k")
    for i in range(5):
        store.append_turn(s.id, i, f"u{i}", f"a{i}", CHAT, state(i + 1))
    assert [t.user for t in store.recent_turns(s.id, 2)] == ["u3", "u4"]
    assert store.recent_turns(s.id, 0) == []


def test_a_stored_state_that_no_longer_reads_starts_afresh(store: SessionStore) -> None:
    """A state written by another version (or damaged) is a new conversation with a note,
    never a failed read."""
    s = store.create("k")
    for raw, note in [
        ('{"version": 0}', "another version"),
        ('{"version": 1, "turns": "x"}', "malformed"),
    ]:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE sessions SET state = ? WHERE id = ?", (raw, s.id))
        got = store.get(s.id, Access("k"))
        assert got is not None and got.state.task is None and note in (got.state.reset_note or "")


def test_a_turn_on_a_deleted_session_says_so(store: SessionStore) -> None:
    s = store.create("k1")
    assert store.delete(s.id, Access("k1"))
    with pytest.raises(SessionGone):
        store.append_turn(s.id, 0, "a", "b", CHAT, state(1))


def test_sessions_reached_by_token(store: SessionStore) -> None:
    """Without API keys every caller is ``open``: only the session's token tells them apart."""
    s = store.create("open", token="kst-right")
    assert store.get(s.id, Access("open", "kst-right", by_token=True)) is not None
    for wrong in (None, "", "kst-wrong", "kst-right "):
        assert store.get(s.id, Access("open", wrong, by_token=True)) is None
        assert not store.delete(s.id, Access("open", wrong, by_token=True))
    old = store.create("open")  # made before tokens: no token reaches it
    assert store.get(old.id, Access("open", "anything", by_token=True)) is None
    with store.engine.connect() as conn:  # only the hash is stored
        stored = conn.exec_driver_sql("SELECT token_hash FROM sessions").scalars().all()
    assert "kst-right" not in str(stored)
    assert store.delete(s.id, Access("open", "kst-right", by_token=True))


def test_a_state_nonce_is_spent_once(store: SessionStore) -> None:
    later = datetime.now() + timedelta(hours=1)
    assert store.spend_state("n1", later)
    assert not store.spend_state("n1", later)
    assert store.spend_state("n2", later)


def test_action_ledger(store: SessionStore) -> None:
    s = store.create("k")
    assert store.claim_action("a", s.id, stale_after_s=60) is None  # ours to run
    with pytest.raises(ActionBusy):  # running elsewhere
        store.claim_action("a", s.id, stale_after_s=60)
    store.release_action("a")  # it failed: may be tried again
    assert store.claim_action("a", s.id, stale_after_s=60) is None
    store.finish_action("a", {"ok": True, "values": {"confirmation": "X"}, "text": None})
    assert store.claim_action("a", s.id, stale_after_s=60) == {
        "ok": True,
        "values": {"confirmation": "X"},
        "text": None,
    }
    store.release_action("a")  # a finished run is never given back
    assert store.claim_action("a", s.id, stale_after_s=60) is not None
    # a claim whose process died is taken over once it is stale
    assert store.claim_action("b", s.id, stale_after_s=0.0) is None
    assert store.claim_action("b", s.id, stale_after_s=0.0) is None
    assert store.delete(s.id, Access("k"))  # the session's records go with it
    assert store.claim_action("a", None, stale_after_s=60) is None


def test_a_store_from_before_session_tokens_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE sessions (id VARCHAR(32) PRIMARY KEY, owner VARCHAR(64), "
            "title VARCHAR(200), state TEXT, turn_count INTEGER, created_at DATETIME, "
            "updated_at DATETIME)"
        )
        conn.execute(
            "INSERT INTO sessions VALUES ('s1', 'k', 't', '{}', 0, '2026-01-01', '2026-01-01')"
        )
    store = SessionStore(f"sqlite:///{db}")
    try:
        got = store.get("s1", Access("k"))
        assert got is not None and got.title == "t"
        assert store.get("s1", Access("k", "x", by_token=True)) is None
    finally:
        store.close()


def test_ping_fails_fast_while_another_process_holds_the_write_lock(tmp_path: Path) -> None:
    store = SessionStore(f"sqlite:///{tmp_path / 's.db'}", busy_timeout_s=0.5)
    try:
        store.ping(timeout_s=0.2)
        s = store.create("k")
        other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(Exception, match="locked"):
                store.ping(timeout_s=0.2)
            assert store.get(s.id, Access("k")) is not None  # reads still work (WAL)
            with pytest.raises(Exception, match="locked"):
                store.append_turn(s.id, 0, "a", "b", CHAT, state(1))
        finally:
            other.execute("ROLLBACK")
            other.close()
        store.ping(timeout_s=0.2)
        assert store.append_turn(s.id, 0, "a", "b", CHAT, state(1)).seq == 1
    finally:
        store.close()


def test_writers_of_one_process_queue_instead_of_failing(tmp_path: Path) -> None:
    """Each commit is held up (as a thread that waits for the GIL on two busy cores is) for
    longer than the busy timeout: the writers of one process still all get through, in turn,
    and a turn's probe does not fail behind them."""
    store = SessionStore(f"sqlite:///{tmp_path / 's.db'}", busy_timeout_s=0.05)
    slow = threading.Event()

    @event.listens_for(store.engine, "commit")
    def _hold(_conn: object) -> None:
        if slow.is_set():
            time.sleep(0.1)

    try:
        sessions = [store.create("k") for _ in range(8)]
        slow.set()
        errors: list[BaseException] = []

        def turn(session_id: str) -> None:
            try:
                store.ping()
                store.append_turn(session_id, 0, "a", "b", CHAT, state(1))
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=turn, args=(s.id,)) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert [store.get(s.id, Access("k")).turn_count for s in sessions] == [1] * 8
    finally:
        store.close()
