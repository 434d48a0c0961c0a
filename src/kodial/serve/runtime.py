"""What one running service holds: settings, the loaded assistant, the session store, keys,
rate limits and the sessions' turn locks (in this process, or in Redis shared by replicas).
Built once in the app's lifespan and kept on ``app.state.services``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kodial.assistant.actions import ActionRunner
from kodial.assistant.config import bundled_config
from kodial.assistant.history import Exchange
from kodial.assistant.interface import Description
from kodial.assistant.route import Route
from kodial.assistant.state import DialogueState
from kodial.assistant.understanding import Classification
from kodial.errors import KodialError
from kodial.serve.security import KeyRing, RateLimiter, StateSigner, check_exposure, load_keys
from kodial.serve.settings import ServeSettings
from kodial.serve.store import SessionStore
from kodial.serve.turnlock import LocalTurnLocks, TurnLocks


class TurnResultLike(Protocol):
    """What :meth:`AssistantLike.turn` returns (:class:`kodial.assistant.engine.TurnResult`)."""

    @property
    def chunks(self) -> Iterator[str]: ...

    @property
    def route(self) -> Route: ...

    @property
    def state(self) -> DialogueState: ...


class AssistantLike(Protocol):
    """What the service needs from :class:`kodial.assistant.engine.Assistant` (tests put a
    failing one behind the API through ``app.dependency_overrides``)."""

    name: str

    def turn(
        self,
        message: str,
        state: DialogueState | None,
        history: Sequence[Exchange] = (),
        *,
        run_action: ActionRunner | None = None,
    ) -> TurnResultLike: ...

    def classify(self, texts: list[str]) -> list[Classification]: ...

    def describe(self) -> Description: ...


def load_assistant(config: Path | None) -> AssistantLike:
    """Build the assistant of ``config`` (default: the bundled example); models load once."""
    from kodial.assistant.engine import Assistant

    assistant: AssistantLike = Assistant.from_config(config or bundled_config())
    return assistant


class Limiter(Protocol):
    """A rate limiter: :class:`~kodial.serve.security.RateLimiter` (this process) or
    :class:`~kodial.serve.shared.RedisRateLimiter` (all replicas)."""

    @property
    def enabled(self) -> bool: ...

    def acquire(self, key: str) -> int | None: ...


def check_replicas(settings: ServeSettings) -> None:
    """Refuse replica settings that would break between replicas: with Redis (several hosts),
    states signed by one replica must verify on the others, so the key must be configured."""
    if settings.redis_url and settings.state_secret is None:
        raise KodialError(
            "redis_url is set (replicas) but state_secret is not: each replica would sign "
            "session-less states with its own random key, and the others would refuse them",
            hint="set KODIAL_STATE_SECRET to the same random value on every replica "
            "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)",
        )


def connect_redis(url: str) -> Any:
    """A Redis client that answered a ping; :class:`KodialError` (no URL, no password shown)
    otherwise."""
    from kodial.serve.shared import redis_client

    client = redis_client(url)
    try:
        client.ping()
    except Exception as exc:
        client.close()
        raise KodialError(
            f"cannot reach Redis (redis_url): {type(exc).__name__}",
            hint="check that redis-server runs and the URL's host, port and password",
        ) from None
    return client


@dataclass
class Services:
    settings: ServeSettings
    assistant: AssistantLike
    store: SessionStore
    keys: KeyRing
    limiter: Limiter
    signer: StateSigner
    turn_locks: TurnLocks = field(default_factory=LocalTurnLocks)
    redis: Any = None
    """The Redis client replicas share (None: one replica)."""
    jobs: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(16, thread_name_prefix="kodial-channel")
    )
    """Threads that answer channel messages (a messenger's webhook waits only seconds; the
    turn may go on after the webhook answered, to a callback)."""
    started: float = field(default_factory=time.time)
    _swap_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def swap_assistant(self, assistant: AssistantLike) -> AssistantLike:
        """Serve ``assistant`` from the next request on and return the one it replaces (hot
        reload, used by ``kodial studio``'s deploy). Sessions live in the store, not in the
        assistant, so none is dropped; a turn already running finishes with the assistant it
        started with (routes read ``services.assistant`` once per turn). The lock makes
        concurrent swaps return the assistant each one actually replaced."""
        with self._swap_lock:
            old, self.assistant = self.assistant, assistant
        return old

    def close(self) -> None:
        self.jobs.shutdown(wait=False, cancel_futures=True)
        self.turn_locks.close()
        self.store.close()
        if self.redis is not None:
            self.redis.close()

    @classmethod
    def build(cls, settings: ServeSettings, assistant: AssistantLike | None) -> Services:
        """Everything the service runs on. Refuses (:class:`~kodial.errors.KodialError`) a
        keys file without keys and an open API on a non-loopback host: authentication never
        turns itself off."""
        keys = load_keys(settings)
        check_exposure(settings, keys)
        check_replicas(settings)
        redis = None
        limiter: Limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
        turn_locks: TurnLocks = LocalTurnLocks()
        if settings.redis_url:
            from kodial.serve.shared import RedisRateLimiter
            from kodial.serve.turnlock import RedisTurnLocks

            redis = connect_redis(settings.redis_url)
            limiter = RedisRateLimiter(
                redis, settings.rate_limit_per_minute, settings.rate_limit_burst
            )
            turn_locks = RedisTurnLocks(redis, lease_s=settings.session_lock_lease_s)
        store = SessionStore(
            settings.database_url, settings.database_busy_timeout_s, settings.database_pool_size
        )
        return cls(
            settings=settings,
            assistant=assistant if assistant is not None else load_assistant(settings.config),
            store=store,
            keys=keys,
            limiter=limiter,
            signer=StateSigner(
                settings.state_secret.get_secret_value() if settings.state_secret else None,
                ttl_s=settings.state_ttl_s,
            ),
            turn_locks=turn_locks,
            redis=redis,
        )
