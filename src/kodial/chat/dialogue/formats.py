"""The dialogue formats registry (:data:`FORMATS`), format sniffing, mapping checks and
:func:`load_dialogues`, the one entry point every command uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kodial.chat.dialogue.model import ROLES, Conversation, RoleMapping
from kodial.chat.dialogue.records import (
    _iter_json_records,
    read_messages,
    read_persona,
    read_sharegpt,
)
from kodial.chat.dialogue.tables import _is_table, read_qa_csv, read_turns
from kodial.errors import KodialError

Reader = Callable[[Path, "RoleMapping | None"], list[Conversation]]


FORMATS: dict[str, Reader] = {
    "messages": read_messages,
    "sharegpt": read_sharegpt,
    "qa-csv": read_qa_csv,
    "persona": read_persona,
    "turns": read_turns,
}
"""Input formats: name -> reader ``(path, mapping) -> list[Conversation]``."""


FORMAT_MAP_TARGETS: dict[str, tuple[str, ...]] = {
    "messages": ("role", "content", "messages", "id", *ROLES),
    "sharegpt": ("role", "content", "messages", "id", *ROLES),
    "qa-csv": ("id", *ROLES),
    "persona": ("id",),
    "turns": (*RoleMapping.FIELD_TARGETS, *ROLES),
}
"""The :class:`RoleMapping` targets each format uses; a mapping entry with any other target is
an error rather than silently ignored."""


def check_mapping(fmt: str, mapping: RoleMapping) -> None:
    """Raise a :class:`KodialError` naming the entries of ``mapping`` that format ``fmt`` ignores.

    >>> check_mapping("qa-csv", RoleMapping.parse("A=role,Q=content"))
    Traceback (most recent call last):
    ...
    kodial.errors.KodialError: --map A=role,Q=content: the qa-csv format does not use role, content
      hint: qa-csv maps its question and answer columns to roles, e.g. --map Q=user,A=assistant
    """
    used = FORMAT_MAP_TARGETS.get(fmt, ())
    unused = [(n, t) for n, t in mapping.entries() if t not in used]
    if not unused:
        return
    hints = {
        "qa-csv": "qa-csv maps its question and answer columns to roles, e.g. "
        "--map Q=user,A=assistant",
        "persona": "persona dialogues have fixed fields (persona, dialogue); only FIELD=id "
        "can be mapped",
    }
    hint = hints.get(fmt) or f"the {fmt} format uses " + ", ".join(used)
    if any(t == "conversation" for _, t in unused):
        hint += "; files with one record per turn are read with --format turns"
    raise KodialError(
        f"--map {','.join(f'{n}={t}' for n, t in unused)}: the {fmt} format does not use "
        + ", ".join(dict.fromkeys(t for _, t in unused)),
        hint=hint,
    )


def sniff_format(path: str | Path, mapping: RoleMapping | None = None) -> str:
    """Guess the format from the extension, the mapping and the first record.

    CSV/TSV is ``turns`` (one row per turn) when the mapping names a role, content or
    conversation column, ``qa-csv`` otherwise; for JSON/JSONL the first record decides:
    ``messages`` key -> ``messages``, ``conversations`` with ``from`` -> ``sharegpt``,
    ``dialogue`` -> ``persona``, anything else -> ``turns``.
    """
    p = Path(path)
    if _is_table(p):
        if mapping and (mapping.role_field or mapping.content_field or mapping.conversation_field):
            return "turns"
        return "qa-csv"
    first: Any = None
    for rec in _iter_json_records(p):
        first = rec.data
        break
    if isinstance(first, dict):
        if isinstance(first.get("messages"), list):
            return "messages"
        conv = first.get("conversations")
        if isinstance(conv, list) and conv and isinstance(conv[0], dict) and "from" in conv[0]:
            return "sharegpt"
        if isinstance(first.get("dialogue"), list):
            return "persona"
    return "turns"


def load_dialogues(
    path: str | Path, fmt: str | None = None, mapping: RoleMapping | None = None
) -> list[Conversation]:
    """Read and validate a dialogue file in any of :data:`FORMATS`.

    Raises :class:`~kodial.errors.DataErrors` listing every empty turn, unknown role or malformed
    record with its file, line (or record) and turn.
    """
    p = Path(path)
    name = fmt or sniff_format(p, mapping)
    if name not in FORMATS:
        raise KodialError(
            f"unknown dialogue format {name!r}", hint=f"choose one of: {', '.join(FORMATS)}"
        )
    if mapping is not None:
        check_mapping(name, mapping)
    return FORMATS[name](p, mapping)
