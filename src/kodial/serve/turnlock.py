"""One turn at a time per session: a second turn on a session waits for the first to finish
(a bounded wait), rather than being refused at once.

A turn reads the session's state and history, answers, and stores the new state. Two turns on
the same session at once would both answer from the same state and one of them would then be
refused as stale (409). So a turn takes its session's lock before it reads the state and gives
it back once its reply is stored (or given up):

- :class:`LocalTurnLocks`: in this process (one replica, the embedded default);
- :class:`RedisTurnLocks`: in Redis, shared by every replica and worker. A lock is a key
  (``SET NX`` with an expiry, the *lease*) holding a random token; while the turn runs, a
  thread renews the lease, and only the token's owner may renew or delete it. A replica
  killed mid-turn stops renewing, so its lock frees itself after ``lease_s``, and the next
  turn goes on on another replica.

Either way, a turn that cannot get the lock within ``wait_s`` gets :class:`TurnBusy` (409 with
``Retry-After``), and the store's optimistic check (:meth:`SessionStore.append_turn`) still
backs up the lock: a turn computed from a stale state is never stored.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from kodial.serve.shared import SharedStateUnavailable

log = logging.getLogger("kodial.serve")


class TurnBusy(Exception):
    """The session is still answering another turn after the whole wait."""

    def __init__(self, session_id: str, waited_s: float) -> None:
        super().__init__(session_id)
        self.session_id = session_id
        self.waited_s = waited_s


class Lease(Protocol):
    def release(self) -> None: ...


class TurnLocks(Protocol):
    def acquire(self, session_id: str, wait_s: float) -> Lease: ...

    def close(self) -> None: ...


class _LocalLease:
    def __init__(self, locks: LocalTurnLocks, session_id: str) -> None:
        self._locks = locks
        self._session_id = session_id
        self._released = False
        self._guard = threading.Lock()

    def release(self) -> None:
        with self._guard:
            if self._released:
                return
            self._released = True
        self._locks._release(self._session_id)


class LocalTurnLocks:
    """Per-session locks in this process.

    >>> locks = LocalTurnLocks()
    >>> lease = locks.acquire("s1", wait_s=1)
    >>> locks.acquire("s1", wait_s=0)
    Traceback (most recent call last):
    ...
    kodial.serve.turnlock.TurnBusy: s1
    >>> lease.release(); locks.acquire("s1", wait_s=0).release()
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}
        """session id -> (its lock, how many turns hold or wait for it): dropped at zero."""

    def acquire(self, session_id: str, wait_s: float) -> Lease:
        with self._guard:
            lock, users = self._locks.get(session_id, (threading.Lock(), 0))
            self._locks[session_id] = (lock, users + 1)
        t0 = time.monotonic()
        got = lock.acquire(timeout=wait_s) if wait_s > 0 else lock.acquire(blocking=False)
        if not got:
            self._forget(session_id)
            raise TurnBusy(session_id, time.monotonic() - t0)
        return _LocalLease(self, session_id)

    def _release(self, session_id: str) -> None:
        with self._guard:
            lock, _ = self._locks[session_id]
        lock.release()
        self._forget(session_id)

    def _forget(self, session_id: str) -> None:
        with self._guard:
            lock, users = self._locks[session_id]
            if users <= 1:
                del self._locks[session_id]
            else:
                self._locks[session_id] = (lock, users - 1)

    def close(self) -> None:
        pass


_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class _RedisLease:
    def __init__(self, locks: RedisTurnLocks, key: str, token: str) -> None:
        self.locks = locks
        self.key = key
        self.token = token
        self._released = False

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        self.locks._release(self)


class RedisTurnLocks:
    """Per-session locks in Redis with renewed leases (see the module docstring).

    ``poll_s`` is the first pause between tries while another turn holds the lock (doubling up
    to 0.2 s): a waiting turn starts within that much of the lock being given back."""

    def __init__(
        self,
        client: Any,
        lease_s: float = 10.0,
        prefix: str = "kodial:turn:",
        poll_s: float = 0.02,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.lease_ms = max(500, int(lease_s * 1000))
        self.prefix = prefix
        self.poll_s = poll_s
        self.clock = clock
        self._release_script = client.register_script(_RELEASE)
        self._renew_script = client.register_script(_RENEW)
        self._held: dict[int, _RedisLease] = {}
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._renew_loop, name="kodial-leases", daemon=True)
        self._renewer.start()

    def acquire(self, session_id: str, wait_s: float) -> Lease:
        key = self.prefix + session_id
        token = secrets.token_hex(16)
        t0 = self.clock()
        pause = self.poll_s
        while not self._try(key, token):
            waited = self.clock() - t0
            if waited >= wait_s:
                raise TurnBusy(session_id, waited)
            time.sleep(min(pause, max(0.0, wait_s - waited)))
            pause = min(pause * 2, 0.2)
        lease = _RedisLease(self, key, token)
        with self._guard:
            self._held[id(lease)] = lease
        return lease

    def _try(self, key: str, token: str) -> bool:
        try:
            return bool(self.client.set(key, token, nx=True, px=self.lease_ms))
        except Exception as exc:
            raise SharedStateUnavailable(type(exc).__name__) from None

    def _release(self, lease: _RedisLease) -> None:
        with self._guard:
            self._held.pop(id(lease), None)
        try:
            self._release_script(keys=[lease.key], args=[lease.token])
        except Exception as exc:  # Redis gone: the lease runs out by itself
            log.warning("could not release a session lock in Redis: %s", type(exc).__name__)

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.lease_ms / 3000):
            with self._guard:
                held = list(self._held.values())
            for lease in held:
                try:
                    if not self._renew_script(keys=[lease.key], args=[lease.token, self.lease_ms]):
                        # Lost (a pause longer than the lease): the store's check still refuses
                        # a stale turn, so this turn cannot overwrite a newer one.
                        log.warning("a session lock's lease ran out before its turn ended")
                        with self._guard:
                            self._held.pop(id(lease), None)
                except Exception as exc:
                    log.warning("could not renew a session lock in Redis: %s", type(exc).__name__)

    def close(self) -> None:
        self._stop.set()
