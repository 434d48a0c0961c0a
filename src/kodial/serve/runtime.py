"""What one running service holds: settings, the loaded assistant, the session store, keys
and rate limits. Built once in the app's lifespan and kept on ``app.state.services``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kodial.assistant.actions import ActionRunner
from kodial.assistant.config import bundled_config
from kodial.assistant.history import Exchange
from kodial.assistant.interface import Description
from kodial.assistant.route import Route
from kodial.assistant.state import DialogueState
from kodial.assistant.understanding import Classification
from kodial.serve.security import KeyRing, RateLimiter, StateSigner, check_exposure, load_keys
from kodial.serve.settings import ServeSettings
from kodial.serve.store import SessionStore


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


@dataclass
class Services:
    settings: ServeSettings
    assistant: AssistantLike
    store: SessionStore
    keys: KeyRing
    limiter: RateLimiter
    signer: StateSigner
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

    @classmethod
    def build(cls, settings: ServeSettings, assistant: AssistantLike | None) -> Services:
        """Everything the service runs on. Refuses (:class:`~kodial.errors.KodialError`) a
        keys file without keys and an open API on a non-loopback host: authentication never
        turns itself off."""
        keys = load_keys(settings)
        check_exposure(settings, keys)
        limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
        store = SessionStore(settings.database_url, settings.database_busy_timeout_s)
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
        )
