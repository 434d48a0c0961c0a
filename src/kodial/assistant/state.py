"""The dialogue state: what a conversation carries from one turn to the next.

The engine keeps nothing between turns; each turn takes the previous :class:`DialogueState`
and returns the next. The service stores it with the session (or signs it for a session-less
client), so it crosses process boundaries as JSON, the shape below::

    {"version": 1, "turns": 3, "last_handler": "book_table",
     "task": {"handler": "book_table",
              "id": "3f2a...",            # random, per task: the idempotency key of its action
              "slots": {"날짜": {"value": "2026-11-19", "display": "내일(11월 19일 목요일)",
                                "default": false}, ...},
              "asking": "시간",           # the question just asked (None while confirming)
              "confirming": false,        # the confirmation question was just asked
              "failures": 0,              # unusable answers to the current question
              "period": "저녁"}}          # a part of day said without an hour, for "7시"

A state read back (:meth:`DialogueState.from_json`) is checked strictly before any handler
sees it: one of another version, or a malformed one, starts the conversation afresh and says
why (:attr:`DialogueState.reset_note`, shown in the turn's route) instead of failing the turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

STATE_VERSION = 1
"""Version of the dialogue-state layout; a state of another version starts afresh."""


class StateModel(BaseModel):
    """Strict about types (a state that comes back with ``"failures": "1"`` is malformed, not
    coerced), tolerant of keys it does not know (they are dropped)."""

    model_config = ConfigDict(strict=True, extra="ignore")


class SlotValue(StateModel):
    """A filled slot."""

    value: Any
    """JSON value passed to the action (str, int, ISO date ``2026-11-19``, time ``19:30``)."""
    display: str
    """How the value is said back to the user (``내일(11월 19일 목요일)``, ``오후 7시``)."""
    default: bool = False
    """Filled from the slot's ``default`` because the user never gave it."""


class TaskState(StateModel):
    """A task in progress (see :mod:`kodial.assistant.task`)."""

    handler: str
    """The task's handler (its intent in ``assistant.yaml``)."""
    id: str | None = None
    """Random per task: its action's idempotency key (None in states from before task ids)."""
    slots: dict[str, SlotValue]
    """Slots filled so far."""
    asking: str | None
    """The slot just asked for; None while confirming, or after the user declined the
    confirmation (then the task asks which slot to change)."""
    confirming: bool
    """The confirmation question was just asked."""
    failures: int
    """Unusable answers to the current question (choices are offered after ``max_failures``)."""
    period: str | None = None
    """A part of day said without an hour (내일 저녁), for a later bare "7시"."""

    def values(self) -> dict[str, Any]:
        """Slot name -> value, as the action receives them."""
        return {name: slot.value for name, slot in self.slots.items()}

    def displays(self) -> dict[str, str]:
        """Slot name -> the text said back to the user, for templates."""
        return {name: slot.display for name, slot in self.slots.items()}


class DialogueState(StateModel):
    """Everything one conversation carries between turns."""

    version: int = STATE_VERSION
    """Layout version (:data:`STATE_VERSION`)."""
    task: TaskState | None = None
    """The task in progress, if any."""
    turns: int = 0
    """Turns answered so far."""
    last_handler: str | None = None
    """The handler that answered the last turn."""
    _reset_note: str | None = PrivateAttr(default=None)

    @property
    def reset_note(self) -> str | None:
        """Why the state read back was replaced by a fresh one, or its task dropped: a note for
        this turn's route. Never stored, sent or read from input."""
        return self._reset_note

    @reset_note.setter
    def reset_note(self, note: str | None) -> None:
        self._reset_note = note

    @classmethod
    def fresh(cls, note: str | None = None) -> DialogueState:
        """A new conversation's state; ``note`` says why an older state was not used."""
        state = cls()
        state.reset_note = note
        return state

    @classmethod
    def from_json(cls, raw: object) -> DialogueState:
        """A state from a store or a client; never raises. Nothing (``None``, ``{}``) is a new
        conversation; a state of another version or a malformed one is a new conversation whose
        :attr:`reset_note` says why."""
        if isinstance(raw, DialogueState):
            return raw
        if not raw:
            return cls()
        if not isinstance(raw, Mapping) or raw.get("version") != STATE_VERSION:
            return cls.fresh("state from another version was reset")
        try:
            return cls.model_validate(dict(raw))
        except ValidationError:
            return cls.fresh("a malformed state was reset")
