"""The handler interface: what every handler type (task, faq, chitchat, fallback) receives and
answers. The types themselves are registered in :data:`kodial.assistant.handlers.HANDLERS`.

A handler is built once from its config block and then only read, so one instance serves every
session concurrently; everything a conversation needs to carry over lives in the dialogue
state (:mod:`kodial.assistant.state`) that the engine passes in and gets back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from kodial.assistant.history import Exchange
from kodial.assistant.route import ActionRoute, ChitchatRoute, FAQRoute, TaskRoute
from kodial.assistant.state import TaskState

if TYPE_CHECKING:
    from kodial.assistant.actions import ActionRunner


@dataclass
class TurnContext:
    """One user turn as a handler sees it."""

    message: str
    history: list[Exchange]
    """Earlier exchanges, oldest first (already cut by the service's history rule)."""
    now: datetime
    """Current time in the assistant's timezone (fixed by tests)."""
    run_action: ActionRunner | None = None
    """How a task runs its action (the service's runs each task's action once); None: call it."""


@dataclass
class Answer:
    """A handler's answer to one message: the text (or its pieces), the task state after it,
    and the handler's part of the turn's :class:`~kodial.assistant.route.Route`."""

    text: str | None = None
    """The whole reply, when known at once."""
    stream: Iterator[str] | None = None
    """The reply in pieces (language-model chit-chat); used instead of ``text``."""
    task: TaskState | None = None
    """The task state after this turn; None when no task is in progress."""
    keep_task: bool = False
    """True when the handler did not touch the task in progress (it stays as it was)."""
    abstain: bool = False
    """The handler found no good answer (an FAQ below its threshold): use the fallback."""
    reason: str = ""
    """Why this answer, in a few words (the route's ``reason``)."""
    progress: TaskRoute | None = None
    """Task handlers: what this turn did to the task (the route's ``task``)."""
    action: ActionRoute | None = None
    """Task handlers: the action's outcome, once it ran."""
    faq: FAQRoute | None = None
    chitchat: ChitchatRoute | None = None


class Capability(BaseModel):
    """Something the assistant can do: one handler."""

    intent: str
    type: str
    """The handler type: ``task``, ``faq``, ``chitchat`` or ``fallback``."""
    description: str
    """A Korean noun phrase (식당 예약)."""
    examples: list[str]
    """Up to three example requests."""


class Description(BaseModel):
    """What an assistant can do (``GET /v1/assistant``, the web page, fallback suggestions)."""

    name: str
    display_name: str
    """The persona's name, or the assistant's."""
    persona_name: str | None = None
    description: str = ""
    greeting: str | None = None
    classifier: str
    """The classifier method."""
    capabilities: list[Capability]
    examples: list[str]
    """One example request per capability that has one."""
    demo_script: list[str]
    """A short scripted conversation that visits every handler type (``kodial demo --check``)."""


@dataclass
class Environment:
    """What handlers may consult besides their own config."""

    describe: Callable[[], Description]
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
    def respond(self, ctx: TurnContext) -> Answer:
        """Answer a message routed to this handler."""
