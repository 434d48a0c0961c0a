"""Writing dialogue data back: merged consecutive turns, messages records and JSONL files."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kodial.chat.dialogue.model import Conversation, Message
from kodial.errors import KodialError
from kodial.textio import (
    atomic_write_text,
)


def merge_consecutive(conversation: Conversation, sep: str = "\n") -> Conversation:
    """Join consecutive turns of the same role into one (for strategies that need alternation)."""
    merged: list[Message] = []
    for msg in conversation.messages:
        if merged and merged[-1].role == msg.role:
            merged[-1] = Message(msg.role, merged[-1].content + sep + msg.content)
        else:
            merged.append(Message(msg.role, msg.content))
    return Conversation(
        merged,
        id=conversation.id,
        source=conversation.source,
        line=conversation.line,
        persona=conversation.persona,
        unit=conversation.unit,
    )


def conversation_record(conversation: Conversation) -> dict[str, Any]:
    """The ``messages``-format JSON object of a conversation (``id``/``persona`` when set)."""
    rec: dict[str, Any] = {}
    if conversation.id is not None:
        rec["id"] = conversation.id
    if conversation.persona:
        rec["persona"] = list(conversation.persona)
    rec["messages"] = conversation.to_dicts()
    return rec


def save_messages_jsonl(conversations: Iterable[Conversation], path: str | Path) -> None:
    """Write conversations as OpenAI ``messages`` JSONL, atomically (temp file + rename).

    A failed write is a :class:`~kodial.errors.KodialError` and leaves no temporary file behind.
    """
    p = Path(path)
    lines = [json.dumps(conversation_record(c), ensure_ascii=False) for c in conversations]
    try:
        atomic_write_text(p, "".join(line + "\n" for line in lines))
    except OSError as exc:
        if p.name:  # atomic_write_text writes .NAME.tmp next to the target, then renames it
            with contextlib.suppress(OSError):
                p.with_name(f".{p.name}.tmp").unlink(missing_ok=True)
        raise KodialError(
            f"cannot write {p}: {exc.strerror or exc}",
            hint="check that the path names a file in an existing, writable folder",
        ) from None


@dataclass(frozen=True)
class Writer:
    """An output format of ``kodial data convert``."""

    write: Callable[[Iterable[Conversation], str | Path], None]
    """Writes ``(conversations, path)``, atomically."""
    suffixes: tuple[str, ...]
    """File extensions the output may have; any other is refused rather than silently mislabelled."""
    description: str
    """What the file holds, for error messages."""


WRITERS: dict[str, Writer] = {
    "messages": Writer(save_messages_jsonl, (".jsonl",), "OpenAI messages JSON Lines"),
}
"""Output formats of ``kodial data convert``: name -> :class:`Writer`."""


def check_output(out: Path, writer: Writer) -> None:
    """Refuse an output path that cannot be written or has the wrong extension, before any input
    is read."""
    if out.is_dir():
        raise KodialError(
            f"the output {out} is a directory", hint=f"name a file in it, e.g. {out / 'chat.jsonl'}"
        )
    if out.suffix.lower() not in writer.suffixes:
        raise KodialError(
            f"the output {out} would hold {writer.description}, so its name must end in "
            + " or ".join(writer.suffixes),
            hint=f"e.g. {out.with_suffix(writer.suffixes[0])}",
        )
    parent = out.parent
    if not parent.exists():
        raise KodialError(
            f"the output folder {parent} does not exist",
            hint=f"create it first (mkdir -p {parent}) or choose another output path",
        )
    if not parent.is_dir():
        raise KodialError(
            f"the output folder {parent} is a file", hint="choose another output path"
        )
