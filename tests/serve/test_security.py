"""API keys are stored hashed and checked; the token bucket's 429 arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from kodial.errors import KodialError
from kodial.serve.security import (
    KeyRing,
    RateLimiter,
    add_key_to_file,
    hash_key,
    key_id,
    read_keys_file,
)


def test_keys_file_holds_only_hashes(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    k1 = add_key_to_file(path, "alice")
    k2 = add_key_to_file(path)
    text = path.read_text()
    assert k1 not in text and k2 not in text
    hashes = read_keys_file(path)
    assert hashes == [hash_key(k1), hash_key(k2)]
    ring = KeyRing(hashes)
    assert ring.enabled
    assert ring.check(k1) == key_id(hash_key(k1))
    assert ring.check(k2) == key_id(hash_key(k2))
    assert ring.check(k1 + "x") is None
    assert ring.check("") is None and ring.check(None) is None


def test_bad_keys_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    path.write_text("plaintext-key\n")
    with pytest.raises(KodialError, match=r"keys\.txt:1"):
        read_keys_file(path)
    with pytest.raises(KodialError):
        KeyRing(["md5:abc"])


def test_no_keys_means_open() -> None:
    assert not KeyRing([]).enabled


def test_token_bucket_refills_and_says_when() -> None:
    now = [0.0]
    rl = RateLimiter(per_minute=30, burst=2, clock=lambda: now[0])  # one token per 2 s
    assert rl.acquire("a") is None and rl.acquire("a") is None
    assert rl.acquire("a") == 2
    assert rl.acquire("b") is None  # buckets are per key
    now[0] = 1.0
    assert rl.acquire("a") == 1  # half a token back: one more second
    now[0] = 2.0
    assert rl.acquire("a") is None
    now[0] = 1000.0
    assert rl.acquire("a") is None and rl.acquire("a") is None  # capped at burst
    assert rl.acquire("a") is not None


def test_zero_rate_disables() -> None:
    rl = RateLimiter(per_minute=0, burst=1)
    assert all(rl.acquire("a") is None for _ in range(100))


def test_full_buckets_are_pruned() -> None:
    now = [0.0]
    rl = RateLimiter(per_minute=60, burst=1, clock=lambda: now[0])
    rl.max_keys = 3
    for k in "abc":
        assert rl.acquire(k) is None
    now[0] = 0.5
    assert rl.acquire("d") is None  # nothing full yet: all kept
    assert len(rl._buckets) == 4
    now[0] = 10.0
    assert rl.acquire("e") is None  # a..d refilled: dropped
    assert set(rl._buckets) == {"e"}
    assert rl.acquire("e") == 1  # the live bucket kept its state
