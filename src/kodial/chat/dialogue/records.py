"""Readers of JSON/JSONL dialogue records (``messages``, ``sharegpt``, ``persona``, and the
shared turn-list validation): streamed with limits, every problem named by file, record and turn."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kodial.chat.dialogue.model import TABLE_SUFFIXES, Conversation, Message, RoleMapping
from kodial.errors import DataError, DataErrors
from kodial.textio import (
    InvalidJSON,
    ReadLimits,
    check_input_file,
    check_json_text,
    check_text,
    iter_lines,
    parse_json,
    read_text,
)


@dataclass
class _Record:
    """One parsed JSON object with its location."""

    data: Any
    line: int
    unit: str


SNIFF_RECORDS = 5
"""How many leading lines (records) decide that a whole file is of the wrong kind: when they all
fail the same way, one error says what the file looks like instead of one error per line."""


_YAML_KEY = re.compile(r"^(---\s*$|[^\s{\[\"',][^:,{]*:(\s|$))")
"""A YAML document start or a ``key:`` line."""


def _not_json_lines(path: Path, head: list[str]) -> DataError:
    """One error for a file whose first lines are not JSON at all, saying what it looks like."""
    suffix = path.suffix.lower()
    first = head[0].strip()
    if suffix in (".yaml", ".yml") or (_YAML_KEY.match(first) and suffix not in TABLE_SUFFIXES):
        keys = {line.split(":", 1)[0].strip() for line in head if ":" in line}
        persona = "name" in keys and bool(keys & {"profile", "style", "system_template"})
        looks = "a persona YAML file" if persona else "a YAML file"
        hint = "dialogue commands read JSON Lines, e.g. "
        hint += '{"messages": [{"role": "user", "content": "..."}, ...]} per line'
        if persona:
            hint = "pass a persona with --persona; " + hint
        return DataError(f"not JSON Lines: this looks like {looks}", path=path, hint=hint)
    if suffix in TABLE_SUFFIXES or "\t" in first or ("," in first and first[:1] not in "{["):
        return DataError(
            "not JSON Lines: this looks like a CSV/TSV table",
            path=path,
            hint="read a .csv/.tsv file with --format qa-csv (question/answer columns) or "
            "--format turns (one row per turn)",
        )
    return DataError(
        f"not JSON Lines: none of the first {len(head)} line(s) is JSON",
        path=path,
        line=1,
        hint="dialogue files are JSON Lines (one JSON object per line), a JSON list, or CSV/TSV",
    )


def _first_char(path: Path) -> str:
    """The first non-blank character of a file (BOM skipped), read without loading it."""
    with path.open("rb") as handle:
        head = handle.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
        while not head:
            chunk = handle.read(1 << 16)
            if not chunk:
                return ""
            head = chunk.lstrip()
    return chr(head[0]) if head[0] < 128 else ""


def _iter_json_records(path: Path, limits: ReadLimits | None = None) -> Iterator[_Record]:
    """Records of a JSON list (located by record index) or JSONL file (located by line).

    JSONL is streamed line by line; a JSON document (a list, or an object in a ``.json`` file)
    is read whole, within ``limits.max_bytes``. A file whose first lines are all not JSON gets
    one error saying what it looks like (YAML, CSV), unless the whole text is a single JSON
    document (a pretty-printed object).
    """
    limits = limits or ReadLimits.from_env()
    check_input_file(path, limits)
    first = _first_char(path)
    if first == "[" or (first == "{" and path.suffix.lower() == ".json"):
        yield from _document_records(path, read_text(path, limits), limits)
        return
    errors: list[DataError] = []
    records: list[_Record] = []
    head: list[str] = []  # the first lines, while none of them is JSON
    count = 0
    for lineno, line in iter_lines(path, limits):
        if not line.strip():
            continue
        count += 1
        if count > limits.max_rows:
            raise limits.too_many_rows(path, lineno, "records")
        try:
            records.append(_Record(parse_json(line, path, lineno), lineno, "line"))
        except InvalidJSON as exc:
            errors.append(exc)
            if not records and len(head) < SNIFF_RECORDS:
                head.append(line)
        except DataError as exc:  # JSON, but holding text that is not text (a lone surrogate)
            errors.append(exc)
    if errors and head and len(head) == min(SNIFF_RECORDS, len(errors) + len(records)):
        try:
            whole = json.loads(read_text(path, limits))
        except (ValueError, RecursionError):
            if not any(line.lstrip()[:1] in ("{", "[") for line in head):
                raise _not_json_lines(path, head) from None
        else:
            yield from _document_records(path, None, limits, whole)
            return
    if errors:
        raise DataErrors(errors)
    yield from records


def _document_records(
    path: Path, text: str | None, limits: ReadLimits, data: Any = None
) -> Iterator[_Record]:
    """Records of one JSON document (a list of records, or one record)."""
    if text is not None:
        data = parse_json(text, path, None)
    elif isinstance(data, str | list | dict):
        check_json_text(data, path, None)
    items = data if isinstance(data, list) else [data]
    if len(items) > limits.max_rows:
        raise limits.too_many_rows(path, None, "records")
    for i, rec in enumerate(items, start=1):
        yield _Record(rec, i, "record")


KNOWN_SHAPES: tuple[tuple[frozenset[str], str, str], ...] = (
    (
        frozenset({"prompt", "chosen", "rejected"}),
        "preference data (prompt/chosen/rejected)",
        "train on it with a recipe that has stage: dpo",
    ),
    (
        frozenset({"prompt", "completion", "label"}),
        "labelled completions (prompt/completion/label)",
        "train on it with a recipe that has stage: kto",
    ),
    (
        frozenset({"text", "label"}),
        "classification data (text/label)",
        "use it with kodial classify",
    ),
)
"""Record keys of other kodial data files -> what they are and where they go, so that such a file
passed as dialogues gets one error naming it (see :func:`_check_shape`)."""


def _check_shape(
    path: Path, records: list[_Record], fits: Callable[[Any], bool], expected: str
) -> None:
    """Raise one :class:`DataError` saying what the file looks like when none of its first
    :data:`SNIFF_RECORDS` records ``fits`` (a file of another kind, not a few bad records)."""
    head = records[:SNIFF_RECORDS]
    if not head or any(fits(r.data) for r in head):
        return
    first = head[0]
    line = first.line if first.unit == "line" else None
    hint = 'dialogue records look like {"messages": [{"role": "user", "content": ...}, ...]}'
    if isinstance(first.data, dict):
        keys = set(first.data)
        for shape, what, where in KNOWN_SHAPES:
            if shape <= keys:
                raise DataError(
                    f"this looks like {what}, not dialogues; dialogue commands need "
                    "messages/conversations records",
                    path=path,
                    hint=f"{where}; {hint}",
                )
        shown = ", ".join(repr(k) for k in list(first.data)[:8])
        more = ", ..." if len(first.data) > 8 else ""
        raise DataError(
            f"the records are not dialogues: expected {expected}, the first has keys "
            f"{shown or '(none)'}{more}",
            path=path,
            line=line,
            hint="pick the format with --format, or name the fields with --map, e.g. "
            "--map FIELD=messages; " + hint,
        )
    kind = "lists" if isinstance(first.data, list) else f"{type(first.data).__name__} values"
    raise DataError(
        f"the records are JSON {kind}, expected {expected}",
        path=path,
        line=line,
        hint=(
            "--format turns reads records that are lists of turns"
            if isinstance(first.data, list)
            else hint
        ),
    )


def _conv(rec: _Record, path: Path, messages: list[Message], **kw: Any) -> Conversation:
    return Conversation(messages=messages, source=str(path), line=rec.line, unit=rec.unit, **kw)


def _text(value: Any) -> str | None:
    """A turn's text, or None when it is not text. OpenAI content parts
    (``[{"type": "text", "text": ...}, ...]``) are joined; a non-text part makes it None."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        parts = [
            p.get("text") if isinstance(p, dict) and p.get("type") == "text" else None
            for p in value
        ]
        if all(isinstance(t, str) for t in parts):
            return "".join(t for t in parts if t is not None)
    return None


def _at(conv: Conversation, lines: list[int] | None, turn: int) -> Conversation:
    """``conv`` located at the line of its ``turn`` (1-based) when each turn has its own line."""
    return conv if lines is None else replace(conv, line=lines[turn - 1])


def _check_turns(
    conv: Conversation, errors: list[DataError], lines: list[int] | None = None
) -> None:
    """Empty turns and dialogues without messages are errors, reported per turn (at the turn's
    own line when ``lines`` gives one per turn)."""
    if not conv.messages:
        errors.append(conv.error("conversation has no turns"))
    for name, value in [("id", conv.id), *(("persona", fact) for fact in conv.persona or [])]:
        if value is not None and (problem := _not_text(value)):
            errors.append(conv.error(f"{name}: {problem}"))
    for t, msg in enumerate(conv.messages, start=1):
        if not msg.content.strip():
            errors.append(_at(conv, lines, t).error(f"empty {msg.role} turn", turn=t))
        elif problem := _not_text(msg.content):
            errors.append(_at(conv, lines, t).error(f"{msg.role} turn: {problem}", turn=t))


def _not_text(value: str) -> str | None:
    """Why ``value`` is not text that can be written and tokenized (a NUL character, a lone
    surrogate), or None."""
    try:
        check_text(value, None, None, None)
    except DataError as exc:
        return exc.message.removeprefix("<input>: ")
    return None


def _turns_from_list(
    rec: _Record,
    path: Path,
    turns: Any,
    role_field: str,
    content_field: str,
    mapping: RoleMapping,
    errors: list[DataError],
    lines: list[int] | None = None,
    **kw: Any,
) -> Conversation | None:
    """Build a conversation from a list of ``{role_field: ..., content_field: ...}`` dicts;
    ``lines`` locates each turn when turns are records of their own (one per line or row)."""
    probe = Conversation([], source=str(path), line=rec.line, unit=rec.unit, id=kw.get("id"))
    if not isinstance(turns, list):
        errors.append(probe.error("expected a list of turns"))
        return None
    messages: list[Message] = []
    bad = False
    for t, turn in enumerate(turns, start=1):
        here = _at(probe, lines, t)
        if not isinstance(turn, dict):
            errors.append(here.error("turn is not an object", turn=t))
            bad = True
            continue
        if role_field not in turn:
            errors.append(here.error(f"missing field {role_field!r}", turn=t))
            bad = True
            continue
        role = mapping.role(turn[role_field])
        if role is None:
            errors.append(
                here.error(
                    f"unknown role {turn[role_field]!r}",
                    turn=t,
                    hint="map speaker names to roles, e.g. --map A=user,B=assistant",
                )
            )
            bad = True
            continue
        content = _text(turn.get(content_field))
        if content is None:
            errors.append(here.error(f"missing or non-text field {content_field!r}", turn=t))
            bad = True
            continue
        messages.append(Message(role, content))
    if bad:
        return None
    conv = _conv(rec, path, messages, **kw)
    _check_turns(conv, errors, lines)
    return conv


def _record_id(data: dict[str, Any], mapping: RoleMapping) -> str | None:
    value = data.get(mapping.id_field or "id")
    return None if value is None else str(value)


def _finish(convs: list[Conversation], errors: list[DataError]) -> list[Conversation]:
    if errors:
        raise DataErrors(errors)
    return convs


def _read_turn_lists(
    path: Path, mapping: RoleMapping, key: str, role_field: str, content_field: str
) -> tuple[list[tuple[dict[str, Any], Conversation]], list[DataError]]:
    """Records holding a list of turns under ``key`` (messages, ShareGPT): each good record's
    data with its conversation, and the errors of the others."""
    out: list[tuple[dict[str, Any], Conversation]] = []
    errors: list[DataError] = []
    records = list(_iter_json_records(path))
    _check_shape(
        path,
        records,
        lambda d: isinstance(d, dict) and key in d,
        f"objects with a {key!r} list of turns",
    )
    for rec in records:
        if not isinstance(rec.data, dict) or key not in rec.data:
            errors.append(_conv(rec, path, []).error(f"expected an object with a {key!r} list"))
            continue
        conv = _turns_from_list(
            rec,
            path,
            rec.data[key],
            mapping.role_field or role_field,
            mapping.content_field or content_field,
            mapping,
            errors,
            id=_record_id(rec.data, mapping),
        )
        if conv is not None:
            out.append((rec.data, conv))
    return out, errors


def read_messages(path: Path, mapping: RoleMapping | None = None) -> list[Conversation]:
    """OpenAI ``messages`` JSONL (or a JSON list of ``{"messages": [...]}``)."""
    mapping = mapping or RoleMapping()
    key = mapping.messages_field or "messages"
    read, errors = _read_turn_lists(path, mapping, key, "role", "content")
    for data, conv in read:
        persona = data.get("persona")
        if isinstance(persona, list):
            conv.persona = [str(p) for p in persona]
    return _finish([conv for _, conv in read], errors)


def read_sharegpt(path: Path, mapping: RoleMapping | None = None) -> list[Conversation]:
    """ShareGPT: ``{"conversations": [{"from": "human"|"gpt"|"system", "value": ...}]}``."""
    mapping = mapping or RoleMapping()
    key = mapping.messages_field or "conversations"
    read, errors = _read_turn_lists(path, mapping, key, "from", "value")
    for data, conv in read:
        if isinstance(data.get("system"), str) and data["system"].strip():
            conv.messages.insert(0, Message("system", data["system"]))
    return _finish([conv for _, conv in read], errors)


def read_persona(path: Path, mapping: RoleMapping | None = None) -> list[Conversation]:
    """Persona dialogues: ``{"persona": [...], "dialogue": [[user, bot], ...]}`` per record.

    The last pair may hold only the user's line (a dialogue cut before the bot answered).
    """
    convs: list[Conversation] = []
    errors: list[DataError] = []
    records = list(_iter_json_records(path))
    _check_shape(
        path,
        records,
        lambda d: isinstance(d, dict) and "dialogue" in d,
        "objects with a 'dialogue' list of [user, bot] pairs",
    )
    for rec in records:
        probe = _conv(rec, path, [])
        data = rec.data
        if not isinstance(data, dict) or not isinstance(data.get("dialogue"), list):
            errors.append(probe.error("expected an object with a 'dialogue' list of pairs"))
            continue
        persona = data.get("persona")
        if persona is not None and not (
            isinstance(persona, list) and all(isinstance(p, str) for p in persona)
        ):
            errors.append(probe.error("'persona' must be a list of strings"))
            continue
        messages: list[Message] = []
        ok = True
        for p, pair in enumerate(data["dialogue"], start=1):
            if (
                not isinstance(pair, list)
                or not 1 <= len(pair) <= 2
                or not all(isinstance(x, str) for x in pair)
            ):
                errors.append(probe.error(f"pair {p} is not [user, bot] text", turn=2 * p - 1))
                ok = False
                continue
            messages.append(Message("user", pair[0]))
            if len(pair) == 2:
                messages.append(Message("assistant", pair[1]))
        if not ok:
            continue
        conv = _conv(
            rec, path, messages, id=_record_id(data, mapping or RoleMapping()), persona=persona
        )
        _check_turns(conv, errors)
        convs.append(conv)
    return _finish(convs, errors)
