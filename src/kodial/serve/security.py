"""API keys, rate limits and signed dialogue states.

**Keys** are random tokens (``kd-`` + 32 random bytes, URL-safe base64) shown once when created
and stored only as ``sha256:<hex>``. SHA-256 without salt or stretching is the right hash here:
a key has 256 bits of entropy, so nobody can brute-force it from its hash, and a slow hash would
only add latency to every request. A presented key is hashed and compared with every stored
hash using :func:`hmac.compare_digest` (constant time, no early exit on the first match).

Authentication never turns itself off (:func:`load_keys`, :func:`check_exposure`): a keys file
that holds no key (all revoked, or empty) is an error, not an open API, and an API without keys
is served on a loopback interface only, unless ``insecure_no_auth`` says otherwise.

**Rate limits** are token buckets kept in memory, one per key, and one per client address for
requests without a valid key (open APIs, and wrong or missing keys, so keys cannot be guessed
at full speed): a bucket holds up to ``burst`` requests and refills at ``per_minute / 60``
requests per second. A request takes one token; with none left it gets 429 and ``Retry-After`` =
the seconds until one token is back (rounded up). Buckets live in one process: behind several
workers each worker enforces the limit separately.

**Signed states** (:class:`StateSigner`): a session-less client carries its dialogue state
between requests. The server hands each state out with a signature that binds it to the API key
it was issued to, the turn it ends and an expiry, plus a random nonce; the service spends the
nonce when the state comes back, so each state is good for one request (see
:mod:`kodial.serve.turns`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kodial.errors import KodialError
from kodial.serve.settings import ServeSettings, is_loopback
from kodial.textio import atomic_write_text, read_text

log = logging.getLogger("kodial.serve")

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


def load_keys(settings: ServeSettings) -> KeyRing:
    """The keys of ``settings``: ``api_key_hashes`` and the keys file. A keys file is given to
    protect the API, so one without a single key (every key revoked, or an empty file) is
    refused rather than served as an open API."""
    hashes = list(settings.api_key_hashes)
    if settings.api_keys_file is not None:
        path = Path(settings.api_keys_file)
        from_file = read_keys_file(path)
        if not from_file:
            raise KodialError(
                f"keys file {path} holds no keys: serving it would leave every route open",
                hint="add a key with `kodial serve --create-key --keys-file FILE` (or serve "
                "127.0.0.1 without --keys-file)",
            )
        hashes += from_file
    return KeyRing(hashes)


def check_exposure(settings: ServeSettings, keys: KeyRing) -> None:
    """Refuse an API without keys on an interface other machines can reach, unless
    ``insecure_no_auth`` accepts it (then warn)."""
    if keys.enabled or is_loopback(settings.host):
        return
    if not settings.insecure_no_auth:
        raise KodialError(
            f"refusing to serve {settings.host} without API keys: anyone who can reach the port "
            "could use the assistant and its sessions",
            hint="create a key (`kodial serve --create-key --keys-file keys.txt`) and pass "
            "--keys-file, or listen on 127.0.0.1, or pass --insecure-no-auth to accept an open API",
        )
    log.warning(
        "serving %s WITHOUT API keys (--insecure-no-auth): anyone who can reach the port can "
        "use the API",
        settings.host,
    )


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


STATE_SIGNATURE = re.compile(
    r"ks1\.(?P<kid>[0-9a-z]{1,16})\.(?P<turn>[0-9]{1,9})\.(?P<exp>[0-9]{1,12})"
    r"\.(?P<nonce>[A-Za-z0-9_-]{22})\.(?P<mac>[0-9a-f]{64})"
)
"""``ks1.<key id>.<turn>.<expiry, unix s>.<nonce>.<HMAC-SHA256 hex>``: ASCII only, so a
garbage signature is refused by its shape before anything compares it."""


class StateRefused(Exception):
    """A state that comes back unusable; the message says why (shown to the client)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StateTicket:
    """What a valid state signature vouches for."""

    kid: str
    """The API key id the state was issued to (``open`` without keys)."""
    turn: int
    """The turn count the state ends (``state["turns"]``)."""
    expires: int
    """Unix time after which the state is refused."""
    nonce: str
    """Random, unique per issued state: spent when the state is used, so it is used once."""


class StateSigner:
    """HMAC-SHA256 signatures of dialogue states, bound to a key id, a turn and an expiry.

    Session-less clients carry their dialogue state (``kodial.state``) between requests. The
    engine would otherwise trust whatever comes back (a task already confirming, slot values
    that never passed validation), so the server signs each state it hands out and accepts only
    states that come back unchanged, in time and from the key they were issued to.

    >>> signer = StateSigner("k", ttl_s=60, clock=lambda: 1000.0)
    >>> sig = signer.sign({"version": 1, "turns": 2}, "ab12")
    >>> signer.verify({"version": 1, "turns": 2}, sig, "ab12").turn
    2
    >>> signer.verify({"version": 1, "turns": 2}, sig, "cd34")
    Traceback (most recent call last):
    ...
    kodial.serve.security.StateRefused: state was issued to another API key
    """

    def __init__(
        self, secret: str | None, ttl_s: int = 3600, clock: Callable[[], float] = time.time
    ) -> None:
        self._key = (secret or secrets.token_hex(32)).encode()
        self.ttl_s = ttl_s
        self.clock = clock

    def _mac(self, head: str, state: dict[str, Any]) -> str:
        # ensure_ascii: any str the JSON parser let through encodes, lone surrogates included
        canonical = json.dumps(state, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
        return hmac.new(self._key, f"{head}.{canonical}".encode(), hashlib.sha256).hexdigest()

    def sign(self, state: dict[str, Any], kid: str) -> str:
        turns = state.get("turns")
        turn = turns if isinstance(turns, int) and 0 <= turns < 10**9 else 0
        expires = int(self.clock()) + self.ttl_s
        head = f"ks1.{kid}.{turn}.{expires}.{secrets.token_urlsafe(16)}"
        return f"{head}.{self._mac(head, state)}"

    def verify(self, state: dict[str, Any], signature: str | None, kid: str) -> StateTicket:
        """The ticket of a valid signature; :class:`StateRefused` saying why otherwise."""
        if signature is None:
            raise StateRefused(
                "state must come back with the state_signature of the response that returned it"
            )
        m = STATE_SIGNATURE.fullmatch(signature)
        if m is None:
            raise StateRefused("state_signature is not a state signature issued by this server")
        head = signature[: m.start("mac") - 1]
        if not hmac.compare_digest(self._mac(head, state).encode(), m["mac"].encode()):
            raise StateRefused(
                "state must come back unchanged, with the state_signature of the response "
                "that returned it (signatures from before a restart need KODIAL_STATE_SECRET)"
            )
        if m["kid"] != kid:
            raise StateRefused("state was issued to another API key")
        expires = int(m["exp"])
        if expires <= self.clock():
            when = datetime.fromtimestamp(expires, UTC).isoformat(timespec="seconds")
            raise StateRefused(
                f"state expired at {when} (states are good for {self.ttl_s} s): start the "
                "conversation again, or keep it in a server session (POST /v1/sessions)"
            )
        return StateTicket(kid=m["kid"], turn=int(m["turn"]), expires=expires, nonce=m["nonce"])
