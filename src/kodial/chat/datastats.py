"""Statistics of a dialogue set: counts per role, turns per conversation and length histograms
(tokens through a chat template when a tokenizer is given, characters otherwise).

``kodial data stats`` prints them as tables and can plot them; they are computed here so that a
notebook gets the same numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from kodial.chat.control_tokens import TemplateRefused
from kodial.chat.dialogue import Conversation
from kodial.chat.persona import Persona
from kodial.chat.rendering import chat_format

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


@dataclass
class Histogram:
    """Counts of values in ``[edges[i], edges[i+1])`` bins (the last bin includes its right edge)."""

    edges: list[int]
    counts: list[int]

    @classmethod
    def of(cls, values: Sequence[int], max_bins: int = 10) -> Histogram:
        """Integer-edged bins: one per value when there are few distinct values, else ``max_bins``
        bins of a round width.

        >>> Histogram.of([2, 2, 4, 6]).counts
        [2, 0, 1, 0, 1]
        """
        if not values:
            return cls([0, 1], [0])
        lo, hi = min(values), max(values)
        span = hi - lo + 1
        width = 1 if span <= max_bins else _round_width(math.ceil(span / max_bins))
        start = lo - lo % width
        edges = list(range(start, hi + width + 1, width))
        counts = [0] * (len(edges) - 1)
        for v in values:
            counts[min((v - start) // width, len(counts) - 1)] += 1
        return cls(edges, counts)

    def labels(self) -> list[str]:
        """Bin labels: ``"4"`` for one-value bins, ``"100-199"`` otherwise."""
        out = []
        for a, b in pairwise(self.edges):
            out.append(str(a) if b - a == 1 else f"{a}-{b - 1}")
        return out


def _round_width(w: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``w``."""
    scale = 1
    while True:
        for m in (1, 2, 5):
            if m * scale >= w:
                return m * scale
        scale *= 10


@dataclass
class DialogueStats:
    """What ``kodial data stats`` reports."""

    conversations: int = 0
    messages: int = 0
    role_counts: Counter[str] = field(default_factory=Counter)
    """Messages per role."""
    role_chars: dict[str, list[int]] = field(default_factory=dict)
    """Characters of each message, per role."""
    turns: list[int] = field(default_factory=list)
    """Messages per conversation."""
    lengths: list[int] = field(default_factory=list)
    """Length of each conversation: tokens (``length_unit == "tokens"``) or characters."""
    length_unit: str = "characters"
    with_persona_facts: int = 0
    """Conversations carrying persona facts."""
    not_alternating: int = 0
    """Conversations with two turns of the same role in a row (or starting with the assistant)."""
    refused: int = 0
    """Conversations the chat template refused to render (not counted in ``lengths``)."""
    max_length: int | None = None
    """Context size to compare lengths with, if given."""

    @property
    def over_max_length(self) -> int:
        """Conversations longer than ``max_length`` tokens (0 when no limit is set)."""
        if self.max_length is None:
            return 0
        return sum(1 for n in self.lengths if n > self.max_length)


def _alternates(conv: Conversation) -> bool:
    roles = [m.role for m in conv.messages if m.role != "system"]
    return bool(roles) and roles[0] == "user" and all(a != b for a, b in pairwise(roles))


def dialogue_stats(
    conversations: Sequence[Conversation],
    tokenizer: PreTrainedTokenizerBase | None = None,
    persona: Persona | None = None,
    max_length: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> DialogueStats:
    """Count roles, turns and lengths. With a tokenizer, lengths are the tokens of the whole
    conversation rendered by its chat template (plain text when it has none), with ``persona``'s
    system prompt, i.e. what an ``all-turns`` sample would hold before truncation."""
    from kodial.chat.samples import with_system_prompt

    stats = DialogueStats(conversations=len(conversations), max_length=max_length)
    fmt = None
    if tokenizer is not None:
        stats.length_unit = "tokens"
        fmt = chat_format(tokenizer, plain_text=not getattr(tokenizer, "chat_template", None))
    for conv in conversations:
        stats.messages += len(conv.messages)
        stats.turns.append(len(conv.messages))
        stats.with_persona_facts += bool(conv.persona)
        stats.not_alternating += not _alternates(conv)
        for m in conv.messages:
            stats.role_counts[m.role] += 1
            stats.role_chars.setdefault(m.role, []).append(len(m.content))
        if fmt is None:
            stats.lengths.append(sum(len(m.content) for m in conv.messages))
        else:
            msgs = fmt.prepare(with_system_prompt(conv, persona))
            try:
                stats.lengths.append(len(fmt.encode(msgs)))
            except TemplateRefused:
                stats.refused += 1
        if on_progress is not None:
            on_progress(1)
    return stats
