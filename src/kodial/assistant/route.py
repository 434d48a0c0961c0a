"""Why the assistant answered as it did: the :class:`Route` of every turn.

The engine builds it, the service stores it with the turn and returns it as ``kodial.route``,
the web page shows it. One model end to end, so a field the engine sets is a field the API
documents (``/openapi.json``) and the session log keeps. Parts that only some handlers fill
(``task``, ``action``, ``faq``, ``chitchat``) are null otherwise.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class RouteModel(BaseModel):
    """Routes are read back from session stores written by older versions: keys this version
    does not know are dropped rather than refused."""

    model_config = ConfigDict(extra="ignore")


class LabelScore(RouteModel):
    label: str
    score: float


class Thresholds(RouteModel):
    """The fallback policy: below ``min_score``, or closer than ``min_margin`` to the runner-up,
    the message goes to the fallback handler."""

    min_score: float
    min_margin: float


class ClassifierView(RouteModel):
    """The classifier's verdict on the message (every turn is classified)."""

    label: str
    """The top intent, or ``fallback`` when the fallback policy fired."""
    fallback: bool
    fallback_reason: str | None = None
    """``low_score`` (top score under min_score), ``ambiguous`` (top two closer than min_margin)
    or ``near_ood`` (the nearest known query is an out-of-domain one)."""
    ranking: list[LabelScore]
    """The best labels, best first."""
    thresholds: Thresholds


TaskEvent = Literal[
    "started",
    "filled",
    "changed",
    "invalid",
    "period",
    "declined",
    "confirming",
    "reasking",
    "reprompt",
    "cancelled",
    "action_failed",
    "done",
]
"""What a turn did to the task: started it, filled or changed slots, refused a value, asked
for the hour of a part of day, heard the confirmation declined, confirmed again, asked again
for a slot to change, asked again (nothing understood), cancelled it, failed or completed its
action."""


class TaskRoute(RouteModel):
    """The task after this turn."""

    event: TaskEvent
    slots: dict[str, Any]
    """Filled slots, name -> value."""
    missing: list[str]
    """Required slots still empty."""
    asking: str | None = None
    confirming: bool = False
    failures: int = 0


class ActionRoute(RouteModel):
    """The task's action, once it ran."""

    type: str | None = None
    """``callable`` or ``webhook``; None for a task without an action."""
    ok: bool
    reason: str = ""
    """Empty on success, ``error <id>`` on failure (never the failure's text: it may hold
    internals, and goes to the log only)."""
    result: dict[str, Any] = Field(default_factory=dict)
    """What the action returned (the ``done`` template's fields)."""
    replayed: bool = False
    """The stored outcome of an earlier run, returned instead of a second call."""
    error_id: str | None = None
    """The failure's reference, also shown to the user and logged with the details."""


class FAQRoute(RouteModel):
    question: str
    """The nearest known question."""
    similarity: float
    threshold: float
    """Below it the FAQ abstains (and the fallback answers)."""


class ChitchatRoute(RouteModel):
    backend: str
    """``retrieval``, ``transformers`` or ``openai``."""
    nearest: str | None = None
    """Retrieval: the nearest written user line."""
    similarity: float | None = None
    threshold: float | None = None
    default_reply: bool = False
    """Retrieval: no pair was close enough; one of the default replies answered."""
    model: str | None = None
    """LM backends: the model that answered."""


class Route(RouteModel):
    """Why this answer: the handler, the intent, the classifier's view and the handler's own
    facts, with a human-readable ``reason``."""

    handler: str
    """The handler that answered (its key in ``assistant.yaml``)."""
    type: str
    """Its type: ``task``, ``faq``, ``chitchat`` or ``fallback``."""
    intent: str | None = None
    """The intent the message was routed by; None when the fallback answered."""
    classifier: ClassifierView | None = None
    """None only for an empty message (nothing to classify)."""
    reason: str = ""
    note: str | None = None
    """Something about the incoming state (a stale or malformed state that was reset)."""
    slots: dict[str, Any] | None = None
    """Task turns: the filled slots (as in ``task.slots``)."""
    task: TaskRoute | None = None
    action: ActionRoute | None = None
    faq: FAQRoute | None = None
    chitchat: ChitchatRoute | None = None
    abstained: str | None = None
    """The handler that found no good answer before the fallback answered (an FAQ below its
    threshold)."""
    task_waiting: str | None = None
    """The task that waits while another handler answered in between."""
