"""What filling finds: a :class:`Found` value per parameter and the :class:`Filling` of a tool."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kodial.tools.schema import ToolSpec

# --- results ------------------------------------------------------------------------------


@dataclass
class Found:
    value: Any
    source: str
    """Where it came from: ``message`` (the latest user message), ``history`` (an earlier user
    message), ``answer`` (a bare answer to a question about it), ``call`` (an earlier call's
    argument) or ``tool_result``."""
    text: str = ""
    """The words it was read from."""
    strong: bool = True
    """Read from words that name this parameter (a unit, a label, a particle role, a format);
    False for a guess from position (the leftover number, the request's main noun phrase)."""


@dataclass
class Filling:
    """Arguments found for one tool."""

    tool: ToolSpec
    found: dict[str, Found] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """Schema problems of values that were dropped (never sent to the client)."""
    refused: list[str] = field(default_factory=list)
    """Parameters whose value in the latest message was dropped for a schema problem (asked
    again with what they take)."""
    gave_way: list[str] = field(default_factory=list)
    """Parameters the latest message gave a guess for that an earlier value kept: the message
    said something, so it is an answer even when nothing asked was read from it."""

    @property
    def arguments(self) -> dict[str, Any]:
        return {p.name: self.found[p.name].value for p in self.tool.params if p.name in self.found}

    follows: set[str] = field(default_factory=set)
    """Parameters that follow from another once it is given (an end time from the start and the
    length said): not asked for."""

    @property
    def missing(self) -> list[str]:
        return [
            p.name
            for p in self.tool.params
            if p.required and p.name not in self.found and p.name not in self.follows
        ]

    @property
    def evidence(self) -> int:
        """Parameters read from the latest message by words that name them: evidence that the
        message is a request for this tool."""
        return sum(1 for f in self.found.values() if f.source in ("message", "answer") and f.strong)

    @property
    def from_message(self) -> list[str]:
        return [k for k, f in self.found.items() if f.source in ("message", "answer")]
