"""What every channel shares: a session per channel user, and a turn run in the background that
the webhook waits for up to a deadline and, past it, either hands to a callback or gives up.

:class:`ChannelTurn` goes through the same turn path as the API (:mod:`kodial.serve.turns`):
the session's turn lock (so a user's two quick messages are answered in order), the history
rule, the action ledger, one transaction per stored turn. A turn given up (no callback and past
the deadline) is closed before it is stored: what the user never saw is not in the history.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kodial.assistant.route import Route
from kodial.serve.errors import ApiError
from kodial.serve.runtime import Services
from kodial.serve.schemas import ChatCompletionRequest
from kodial.serve.store import Access
from kodial.serve.turns import prepare, run

log = logging.getLogger("kodial.serve")


def channel_session_id(channel: str, user_id: str) -> str:
    """The session of a channel's user: the same for every message of that user.

    >>> channel_session_id("kakao", "u1") == channel_session_id("kakao", "u1")
    True
    >>> len(channel_session_id("kakao", "u1"))
    32
    """
    return hashlib.sha256(f"{channel}\x00{user_id}".encode()).hexdigest()[:32]


def channel_owner(channel: str) -> str:
    """The owner of a channel's sessions (not an API key id: keys never reach them)."""
    return f"channel:{channel}"


@dataclass
class Outcome:
    """A finished channel turn: the reply, or the error that stopped it."""

    reply: str = ""
    route: Route | None = None
    error: ApiError | None = None


class ChannelTurn:
    """One user message of a channel, answered in a worker thread (:meth:`start`).

    The webhook waits for it (:meth:`wait`, with its deadline). Past the deadline it decides,
    once, what happens to the answer: :meth:`hand_over` sends it to ``deliver`` when it is done
    (a callback URL), :meth:`give_up` stops the turn before it is stored. If the turn finished
    in the meantime, both return False and the webhook answers with :attr:`outcome` itself.
    """

    def __init__(self, services: Services, channel: str, user_id: str, message: str) -> None:
        self.services = services
        self.channel = channel
        self.user_id = user_id
        self.message = message
        self.outcome: Outcome | None = None
        self._done = threading.Event()
        self._guard = threading.Lock()
        self._deliver: Callable[[Outcome], None] | None = None
        self._given_up = threading.Event()

    def start(self) -> None:
        self.services.jobs.submit(self._run)

    def wait(self, timeout_s: float) -> bool:
        """True if the turn finished within ``timeout_s`` (:attr:`outcome` is set)."""
        return self._done.wait(timeout_s)

    def hand_over(self, deliver: Callable[[Outcome], None]) -> bool:
        """Deliver the outcome through ``deliver`` once done; False if already done."""
        with self._guard:
            if self._done.is_set():
                return False
            self._deliver = deliver
            return True

    def give_up(self) -> bool:
        """Stop the turn before it is stored; False if already done."""
        with self._guard:
            if self._done.is_set():
                return False
            self._given_up.set()
            return True

    def _run(self) -> None:
        try:
            outcome = self._answer()
        except ApiError as exc:
            outcome = Outcome(error=exc)
        except Exception:
            log.exception("%s turn failed", self.channel)
            outcome = Outcome(error=ApiError(500, "internal error", code="internal"))
        with self._guard:
            self.outcome = outcome
            self._done.set()
            deliver = self._deliver
        if deliver is not None:
            deliver(outcome)

    def _answer(self) -> Outcome:
        services = self.services
        owner = channel_owner(self.channel)
        session_id = channel_session_id(self.channel, self.user_id)
        services.store.get_or_create(session_id, owner, title=f"{self.channel} user")
        request = ChatCompletionRequest.model_validate(
            {
                "model": services.assistant.name,
                "session_id": session_id,
                "messages": [{"role": "user", "content": self.message}],
            }
        )
        turn = prepare(services, owner, request, Access(owner), channel=self.channel)
        pieces = run(services, turn, paced=False)
        try:
            while True:
                # checked before each step: the last step is the one that stores the turn
                if self._given_up.is_set():
                    log.info("%s turn given up past its deadline: not stored", self.channel)
                    return Outcome(error=ApiError(504, "given up", code="timeout"))
                piece = next(pieces, None)
                if piece is None:
                    break
                if piece.final:
                    if piece.error is not None:
                        return Outcome(error=piece.error)
                    route = piece.meta.route if piece.meta is not None else None
                    return Outcome(reply=piece.reply, route=route)
        finally:
            pieces.close()
            turn.release()  # a generator closed before its first step runs no finally block
        return Outcome(error=ApiError(500, "the turn ended without an answer", code="internal"))
