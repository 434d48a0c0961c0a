"""The session store: one transaction per turn, no duplicate turns, the history rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kodial.serve.store import SessionGone, SessionStore, TurnConflict, trim_history


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
    store.append_turn(s.id, 0, "안녕", "반가워요", {"handler": "chitchat"}, {"step": 1})
    store.append_turn(s.id, 1, "예약", "몇 시요?", {"handler": "task"}, {"step": 2})
    got = store.get(s.id, "k1", turns=True)
    assert got is not None and got.turn_count == 2 and got.state == {"step": 2}
    assert [t.seq for t in got.turns or []] == [1, 2]
    assert got.turns is not None and got.turns[1].route == {"handler": "task"}


def test_stale_turn_is_rejected_and_writes_nothing(store: SessionStore) -> None:
    s = store.create("k1")
    store.append_turn(s.id, 0, "a", "b", {}, {"v": 1})
    with pytest.raises(TurnConflict):
        store.append_turn(s.id, 0, "a again", "b again", {}, {"v": 99})
    got = store.get(s.id, "k1", turns=True)
    assert got is not None and got.turn_count == 1 and got.state == {"v": 1}
    assert [t.user for t in got.turns or []] == ["a"]


def test_owner_isolation_and_delete(store: SessionStore) -> None:
    s = store.create("k1")
    store.append_turn(s.id, 0, "a", "b", {}, {})
    assert store.get(s.id, "k2") is None
    assert not store.delete(s.id, "k2")
    assert store.list_sessions("k2") == ([], 0)
    assert store.delete(s.id, "k1")
    assert store.get(s.id, "k1") is None
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM turns").scalar() == 0


def test_recent_turns_oldest_first(store: SessionStore) -> None:
    s = store.create("k")
    for i in range(5):
        store.append_turn(s.id, i, f"u{i}", f"a{i}", {}, {})
    assert [t.user for t in store.recent_turns(s.id, 2)] == ["u3", "u4"]
    assert store.recent_turns(s.id, 0) == []


def test_history_rule() -> None:
    pairs = [("가" * 10, "나" * 10), ("다" * 3, "라" * 3), ("마", "바")]
    assert len(trim_history(pairs, max_turns=8, max_chars=100)) == 6
    assert trim_history(pairs, max_turns=1, max_chars=100) == [
        {"role": "user", "content": "마"},
        {"role": "assistant", "content": "바"},
    ]
    # 8 characters: the 20-character turn goes, whole turns only
    assert [m["content"] for m in trim_history(pairs, 8, 8)] == ["다다다", "라라라", "마", "바"]
    assert trim_history(pairs, 0, 100) == []


def test_a_turn_on_a_deleted_session_says_so(store: SessionStore) -> None:
    s = store.create("k1")
    assert store.delete(s.id, "k1")
    with pytest.raises(SessionGone):
        store.append_turn(s.id, 0, "a", "b", {}, {})
