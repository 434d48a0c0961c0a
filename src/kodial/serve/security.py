"""API keys and per-key rate limits.

**Keys** are random tokens (``kd-`` + 32 random bytes, URL-safe base64) shown once when created
and stored only as ``sha256:<hex>``. SHA-256 without salt or stretching is the right hash here:
a key has 256 bits of entropy, so nobody can brute-force it from its hash, and a slow hash would
only add latency to every request. A presented key is hashed and compared with every stored
hash using :func:`hmac.compare_digest` (constant time, no early exit on the first match). With
no keys configured the API is open (meant for ``127.0.0.1``).

**Rate limits** are token buckets kept in memory, one per key (per client address when the API
is open): a bucket holds up to ``burst`` requests and refills at ``per_minute / 60`` requests per
second. A request takes one token; with none left it gets 429 and ``Retry-After`` = the seconds
until one token is back (rounded up). Buckets live in one process: behind several workers each
worker enforces the limit separately.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kodial.errors import KodialError
from kodial.textio import atomic_write_text, read_text

HASH_PREFIX = "sha256:"
OPEN_KEY_ID = "open"


def new_key() -> str:
    """A fresh API key: ``kd-`` and 43 URL-safe characters."""
    return "kd-" + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """The stored form of ``key``.

    >>> hash_key("kd-example")[:15]
    'sha256:2de4d669'
    """
    return HASH_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_id(hashed: str) -> str:
    """A short, non-secret name for a key (its hash's first 12 hex digits): used as the owner
    of sessions, in rate limiting and in logs."""
    return hashed.removeprefix(HASH_PREFIX)[:12]


def read_keys_file(path: Path) -> list[str]:
    """Hashed keys from a keys file: ``sha256:<hex> [name]`` per line, ``#`` comments."""
    hashes = []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        h = line.split()[0]
        if not h.startswith(HASH_PREFIX) or len(h) != len(HASH_PREFIX) + 64:
            raise KodialError(
                f"{path}:{n}: not a hashed key (expected sha256:<64 hex digits>)",
                hint="add keys with `kodial serve --create-key --keys-file FILE`",
            )
        hashes.append(h)
    return hashes


def add_key_to_file(path: Path, name: str = "") -> str:
    """Create a key, append its hash to ``path`` (atomically) and return the key itself.
    The file's directory must exist (a typo in it is refused, not created)."""
    if path.is_dir():
        raise KodialError(f"keys file {path} is a directory", hint="pass a file path")
    if not path.parent.is_dir():
        raise KodialError(
            f"keys file {path}: directory {path.parent} does not exist",
            hint="create the directory first or pass another --keys-file",
        )
    key = new_key()
    old = read_text(path) if path.exists() else "# kodial API keys: sha256 hashes, one per line\n"
    if old and not old.endswith("\n"):
        old += "\n"
    atomic_write_text(path, old + f"{hash_key(key)} {name}".rstrip() + "\n")
    return key


class KeyRing:
    """The configured key hashes; :meth:`check` maps a presented key to its key id."""

    def __init__(self, hashes: list[str]) -> None:
        for h in hashes:
            if not h.startswith(HASH_PREFIX) or len(h) != len(HASH_PREFIX) + 64:
                raise KodialError(
                    "api key hashes must look like sha256:<64 hex digits>",
                    hint="create keys with `kodial serve --create-key`",
                )
        self._hashes = [h.encode() for h in dict.fromkeys(hashes)]

    @property
    def enabled(self) -> bool:
        return bool(self._hashes)

    def check(self, presented: str | None) -> str | None:
        """The key id of a valid key, else None. Every stored hash is compared, in constant
        time, whatever matches."""
        if not presented:
            return None
        digest = hash_key(presented).encode()
        found: bytes | None = None
        for h in self._hashes:
            if hmac.compare_digest(digest, h):
                found = h
        return key_id(found.decode()) if found is not None else None


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets per key; see the module docstring for the rule.

    >>> clock = iter([0.0, 0.0, 0.0]).__next__
    >>> rl = RateLimiter(per_minute=60, burst=2, clock=clock)
    >>> rl.acquire("k"), rl.acquire("k"), rl.acquire("k")
    (None, None, 1)
    """

    max_keys = 10_000
    """Above this many buckets, full ones are dropped (a full bucket is the same as none)."""

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def acquire(self, key: str) -> int | None:
        """Take one token for ``key``: None if allowed, else the seconds to wait."""
        if not self.enabled:
            return None
        now = self.clock()
        with self._lock:
            b = self._buckets.get(key)
            if b is None and len(self._buckets) >= self.max_keys:
                self._prune(now)
            if b is None:
                b = self._buckets[key] = _Bucket(float(self.burst), now)
            b.tokens = min(float(self.burst), b.tokens + (now - b.updated) * self.rate)
            b.updated = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - b.tokens) / self.rate))

    def _prune(self, now: float) -> None:
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self.rate >= self.burst
        ]
        for k in full:
            del self._buckets[k]


class StateSigner:
    """HMAC-SHA256 over the canonical JSON of a dialogue state.

    Session-less clients carry their dialogue state (``kodial.state``) between requests. The
    engine would otherwise trust whatever comes back (a task already confirming, slot values
    that never passed validation), so the server signs each state it hands out and accepts only
    states that come back unchanged with their signature."""

    def __init__(self, secret: str | None) -> None:
        self._key = (secret or secrets.token_hex(32)).encode()

    def sign(self, state: dict[str, Any]) -> str:
        canonical = json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hmac.new(self._key, canonical.encode(), hashlib.sha256).hexdigest()

    def verify(self, state: dict[str, Any], signature: str | None) -> bool:
        return signature is not None and hmac.compare_digest(self.sign(state), signature)
