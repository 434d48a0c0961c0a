"""Which training samples a conversation yields, and the options that shape them.

A :class:`Strategy` cuts a conversation into :class:`SampleSpec` s (the messages of one sample
and which assistant turns get loss); :class:`SampleOptions` holds the sample keys a training recipe
carries (strategy, max_length, window, truncation, system_template), shared by ``kodial chat
train``, ``kodial chat inspect`` and ``kodial data check``. Tokenizing and masking the samples is
:mod:`kodial.chat.samples`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field, field_validator

from kodial.chat.dialogue import Message
from kodial.config import Config


@dataclass
class SampleSpec:
    """Messages of one sample and the indices of the assistant turns trained in it."""

    messages: list[Message]
    trained: list[int]


def _trainable(messages: Sequence[Message]) -> list[int]:
    """Assistant turns that follow a user turn (a greeting before any user turn is context)."""
    seen_user = False
    out: list[int] = []
    for i, m in enumerate(messages):
        if m.role == "user":
            seen_user = True
        elif m.role == "assistant" and seen_user:
            out.append(i)
    return out


def _all_turns(messages: list[Message], window: int) -> list[SampleSpec]:
    trained = _trainable(messages)
    if not trained:
        return []
    return [SampleSpec(messages[: trained[-1] + 1], trained)]


def _last_turn(messages: list[Message], window: int) -> list[SampleSpec]:
    trained = _trainable(messages)
    if not trained:
        return []
    return [SampleSpec(messages[: trained[-1] + 1], [trained[-1]])]


def _sliding_window(messages: list[Message], window: int) -> list[SampleSpec]:
    system = [m for m in messages if m.role == "system"]
    turns = [m for m in messages if m.role != "system"]
    specs: list[SampleSpec] = []
    for a in _trainable(turns):
        start = max(0, a - window)
        if turns[start].role == "assistant" and start > 0:
            start -= 1  # keep the user turn that the window's first reply answers
        context = system + turns[start : a + 1]
        specs.append(SampleSpec(context, [len(context) - 1]))
    return specs


@dataclass(frozen=True)
class Strategy:
    """A way to cut conversations into training samples."""

    name: str
    description: str
    select: Callable[[list[Message], int], list[SampleSpec]]
    """``(messages, window) -> sample specs``."""
    needs_alternation: bool = False
    """Whether conversations must alternate user/assistant (checked, with errors per turn)."""
    plain_text: bool = False
    """Render with role prefixes instead of the tokenizer's chat template."""


STRATEGIES: dict[str, Strategy] = {
    "all-turns": Strategy(
        "all-turns",
        "one sample per conversation, loss on every assistant turn",
        _all_turns,
    ),
    "last-turn": Strategy(
        "last-turn",
        "one sample per conversation, loss on its last assistant turn only (history masked)",
        _last_turn,
    ),
    "sliding-window": Strategy(
        "sliding-window",
        "one sample per assistant turn, with the `window` previous turns as (masked) context; "
        "the context starts on a user turn, so it may hold window+1 turns",
        _sliding_window,
        needs_alternation=True,
    ),
    "plain-text": Strategy(
        "plain-text",
        "role-prefixed text (사용자: ... / 챗봇: ...) for base models without a chat template; "
        "loss on every bot turn and its EOS",
        _all_turns,
        plain_text=True,
    ),
}
"""Sample-shaping strategies: name -> :class:`Strategy`."""


TRUNCATION: dict[str, str] = {
    "drop-oldest": "drop the oldest user/assistant exchanges (the system prompt stays) until the "
    "sample fits; drop the sample if even its last exchange does not fit",
    "truncate": "cut the tokens at max_length; an assistant turn cut in the middle gets no loss "
    "(the model never learns a reply without its end-of-turn token)",
    "drop": "drop samples longer than max_length",
    "error": "stop with an error listing every conversation that is too long",
}
"""What to do with a sample longer than ``max_length``: name -> description."""


class SampleOptions(Config):
    """How conversations become training samples. Training recipes carry these keys, and
    ``kodial chat inspect`` / ``kodial data check`` take the same ones (from ``--recipe`` and
    their options), so what they show is exactly what training builds."""

    strategy: str = "all-turns"
    """Training-sample strategy: ``all-turns``, ``last-turn``, ``sliding-window`` or ``plain-text``."""
    max_length: int = Field(default=1024, ge=1)
    """Longest sample in tokens (and the packed row length when packing)."""
    window: int = Field(default=4, ge=1)
    """Previous turns kept as context by the ``sliding-window`` strategy."""
    truncation: str = "drop-oldest"
    """A sample longer than ``max_length``: ``drop-oldest`` (whole oldest exchanges, the system
    prompt stays), ``truncate``, ``drop`` or ``error``."""
    system_template: str | None = None
    """Override the persona's system-prompt template (``{name}``, ``{profile}``, ``{style}``,
    ``{examples}``)."""

    @field_validator("strategy")
    @classmethod
    def _strategy(cls, value: str) -> str:
        if value not in STRATEGIES:
            raise ValueError(f"unknown strategy {value!r}; choose from {', '.join(STRATEGIES)}")
        return value

    @field_validator("truncation")
    @classmethod
    def _truncation(cls, value: str) -> str:
        if value not in TRUNCATION:
            raise ValueError(f"unknown truncation {value!r}; choose from {', '.join(TRUNCATION)}")
        return value

    def sample_kwargs(self) -> dict[str, Any]:
        """These options as keyword arguments of :func:`kodial.chat.samples.build_samples`."""
        return {name: getattr(self, name) for name in SampleOptions.model_fields}
