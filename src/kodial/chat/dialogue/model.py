"""The in-memory shape of dialogue data: :class:`Message`, :class:`Conversation`, and the
:class:`RoleMapping` that maps a file's speakers and fields onto roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kodial.errors import DataError, KodialError

ROLES: tuple[str, ...] = ("system", "user", "assistant")
"""Canonical roles of a :class:`Message`."""


DEFAULT_ROLE_ALIASES: dict[str, str] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "human": "user",
    "사용자": "user",
    "assistant": "assistant",
    "gpt": "assistant",
    "bot": "assistant",
    "model": "assistant",
    "chatgpt": "assistant",
    "챗봇": "assistant",
}
"""Role names accepted without a mapping (ShareGPT's human/gpt, Gemma's model, ...)."""


TURN_LIST_KEYS: tuple[str, ...] = ("messages", "conversations", "turns", "dialogue", "utterances")
"""Keys searched, in order, for the list of turns in a ``turns``-format record."""

TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".tsv")
"""File extensions read as tables (CSV/TSV) rather than JSON records."""


@dataclass
class Message:
    """One turn of a dialogue."""

    role: str
    """``"system"``, ``"user"`` or ``"assistant"``."""
    content: str
    """The turn's text."""

    def to_dict(self) -> dict[str, str]:
        """The OpenAI / Hugging Face chat-template shape ``{"role": ..., "content": ...}``."""
        return {"role": self.role, "content": self.content}


@dataclass
class Conversation:
    """A dialogue plus where it came from, so that later errors can point back into the file."""

    messages: list[Message]
    id: str | None = None
    source: str | None = None
    """File the dialogue was read from."""
    line: int | None = None
    """Line (JSONL, CSV) or 1-based record index (JSON list) in :attr:`source`; see :attr:`unit`."""
    persona: list[str] | None = None
    """Persona facts attached to this dialogue, when the format has them (``persona`` format)."""
    unit: str = "line"
    """What :attr:`line` counts: ``"line"`` or ``"record"``."""

    def error(self, message: str, turn: int | None = None, hint: str | None = None) -> DataError:
        """A :class:`DataError` located at this conversation (and 1-based ``turn`` if given).

        >>> c = Conversation([], id="d1", source="chat.json", line=4, unit="record")
        >>> print(c.error("empty turn", turn=2))
        chat.json: record 4 (id d1), turn 2: empty turn
        """
        where: list[str] = []
        if self.unit == "record" and self.line is not None:
            where.append(f"record {self.line}")
        if self.id is not None:
            where.append(f"(id {self.id})")
        prefix = " ".join(where)
        if turn is not None:
            prefix = f"{prefix}, turn {turn}" if prefix else f"turn {turn}"
        text = f"{prefix}: {message}" if prefix else message
        line = self.line if self.unit == "line" else None
        return DataError(text, path=self.source, line=line, hint=hint)

    def to_dicts(self) -> list[dict[str, str]]:
        """Messages as chat-template dicts."""
        return [m.to_dict() for m in self.messages]


@dataclass
class RoleMapping:
    """How the fields and speaker names of a file map onto :class:`Message`.

    Written on the command line as ``--map speaker=role,utterance=content,A=user,B=assistant``:
    an entry whose target is ``role``/``content``/``messages``/``id``/``conversation`` names a field,
    an entry whose target is ``system``/``user``/``assistant`` maps a speaker value (or, in
    ``qa-csv``, a column) to that role.

    >>> m = RoleMapping.parse("speaker=role,utterance=content,A=user,B=assistant")
    >>> m.role_field, m.content_field, m.roles
    ('speaker', 'utterance', {'A': 'user', 'B': 'assistant'})
    """

    role_field: str | None = None
    """Field holding the speaker of a turn (default: ``role``, or ``from`` in ShareGPT)."""
    content_field: str | None = None
    """Field holding a turn's text (default: ``content``, or ``value`` in ShareGPT)."""
    messages_field: str | None = None
    """Field of a record holding its list of turns (default: the first of :data:`TURN_LIST_KEYS`)."""
    id_field: str | None = None
    """Field holding a conversation id (default: ``id``)."""
    conversation_field: str | None = None
    """For files with one turn per record: the field that groups turns into conversations."""
    roles: dict[str, str] = field(default_factory=dict)
    """Speaker value (or CSV column) -> canonical role; used before :data:`DEFAULT_ROLE_ALIASES`."""

    FIELD_TARGETS = ("role", "content", "messages", "id", "conversation")

    @classmethod
    def parse(cls, spec: str) -> RoleMapping:
        """Parse ``name=target,...`` (see the class docstring); a bad entry is a :class:`KodialError`."""
        mapping = cls()
        for raw in spec.split(","):
            entry = raw.strip()
            if not entry:
                continue
            name, sep, target = entry.partition("=")
            name, target = name.strip(), target.strip()
            if not sep or not name or not target:
                raise KodialError(
                    f"bad mapping entry {entry!r}: expected NAME=TARGET",
                    hint="e.g. --map speaker=role,utterance=content,A=user,B=assistant",
                )
            if target in ROLES:
                if mapping.roles.get(name, target) != target:
                    raise KodialError(
                        f"bad mapping: {name!r} is mapped to both {mapping.roles[name]} "
                        f"and {target}",
                        hint="map each speaker (or column) to one role",
                    )
                mapping.roles[name] = target
            elif target in cls.FIELD_TARGETS:
                before = getattr(mapping, f"{target}_field")
                if before not in (None, name):
                    raise KodialError(
                        f"bad mapping: both {before!r} and {name!r} are mapped to {target}",
                        hint=f"name one field as {target}",
                    )
                setattr(mapping, f"{target}_field", name)
            else:
                raise KodialError(
                    f"bad mapping entry {entry!r}: unknown target {target!r}",
                    hint="targets are field names "
                    + "/".join(cls.FIELD_TARGETS)
                    + " or roles "
                    + "/".join(ROLES),
                )
        return mapping

    def entries(self) -> list[tuple[str, str]]:
        """``(name, target)`` pairs: the mapped fields, then the speakers (or columns).

        >>> RoleMapping.parse("A=user,speaker=role").entries()
        [('speaker', 'role'), ('A', 'user')]
        """
        fields = [(getattr(self, f"{t}_field"), t) for t in self.FIELD_TARGETS]
        return [(n, t) for n, t in fields if n is not None] + list(self.roles.items())

    def spec(self) -> str:
        """The mapping written back as ``--map`` text."""
        return ",".join(f"{n}={t}" for n, t in self.entries())

    def role(self, value: Any) -> str | None:
        """Canonical role for a speaker value, or None if unknown."""
        key = str(value).strip()
        if key in self.roles:
            return self.roles[key]
        return DEFAULT_ROLE_ALIASES.get(key.lower())
