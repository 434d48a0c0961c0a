"""The handler interface: what every handler type (task, faq, chitchat, fallback) answers.

A handler is built once from its config block and then only read, so one instance serves every
session concurrently; everything a conversation needs to carry over lives in the JSON dialogue
state the engine passes in and gets back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from kodial.assistant.actions import ActionRunner


@dataclass
class TurnContext:
    """One user turn as a handler sees it."""

    message: str
    history: list[dict[str, str]]
    """Earlier messages, oldest first, as ``{"role", "content"}`` (user/assistant)."""
    now: datetime
    """Current time in the assistant's timezone (fixed by tests)."""
    run_action: ActionRunner | None = None
    """How a task runs its action (the service's runs each task's action once); None: call it."""


@dataclass
class Reply:
    """A handler's answer."""

    text: str | None = None
    """The whole reply, when known at once."""
    stream: Iterator[str] | None = None
    """The reply in pieces (language-model chit-chat); used instead of ``text``."""
    task: dict[str, Any] | None = None
    """The task state after this turn; None when no task is in progress."""
    keep_task: bool = False
    """True when the handler did not touch the task in progress (it stays as it was)."""
    route: dict[str, Any] = field(default_factory=dict)
    """Why this answer: handler-specific facts merged into the turn's route."""
    abstain: bool = False
    """The handler found no good answer (an FAQ below its threshold): use the fallback."""


@dataclass
class Environment:
    """What handlers may consult besides their own config."""

    describe: Callable[[], dict[str, Any]]
    """The assistant's capabilities (:meth:`Assistant.describe`), for suggestions."""
    persona: Any = None
    """The :class:`kodial.chat.persona.Persona`, if the config names one."""


class Handler(ABC):
    """Base class of every handler type; registered in :data:`kodial.assistant.handlers.HANDLERS`.

    Subclasses set ``config_class`` (the pydantic block in ``assistant.yaml``) and implement
    :meth:`respond` for a request the router sent them.
    """

    config_class: ClassVar[type]

    def __init__(self, name: str, config: Any, env: Environment) -> None:
        self.name = name
        self.config = config
        self.env = env

    @property
    def description(self) -> str:
        return str(getattr(self.config, "description", "") or self.name)

    @abstractmethod
    def respond(self, ctx: TurnContext) -> Reply:
        """Answer a message routed to this handler."""
