"""Multi-turn dialogue data: one in-memory shape (:class:`Conversation`) and readers for the common
file formats, validated with errors that name the file, the line (or record) and the turn.

Formats (:data:`FORMATS`, chosen with ``fmt`` or sniffed from the extension and first record):

- ``messages``: OpenAI chat JSONL, one ``{"messages": [{"role": ..., "content": ...}, ...]}`` per
  line (optional ``id`` and ``persona`` keys); a JSON list of such objects also works.
- ``sharegpt``: ``{"conversations": [{"from": "human"|"gpt"|"system", "value": ...}, ...]}``, JSONL
  or a JSON list.
- ``qa-csv``: single-turn question/answer CSV or TSV with a header; the columns come from the
  mapping (``Q=user,A=assistant``) or are found among Q/A, question/answer, prompt/response,
  input/output, instruction/output. An optional ``system`` mapping names a system-prompt column.
- ``persona``: persona dialogues, a JSON list (or JSONL) of
  ``{"persona": [fact, ...], "dialogue": [[user, bot], ...]}``; the facts land in
  :attr:`Conversation.persona`.
- ``turns``: any speaker-turn JSON/JSONL through a :class:`RoleMapping`, either one record per
  conversation holding a list of turns, or one record per turn with a conversation-id column;
  also CSV/TSV with one row per turn (``speaker=role,utterance=content,dialog_id=conversation``).
  A CSV/TSV file is read as ``turns`` when the mapping names a role, content or conversation
  column, as ``qa-csv`` otherwise.

Every reader collects all problems of a file and raises them together as
:class:`~kodial.errors.DataErrors`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kodial.errors import DataError, DataErrors, KodialError
from kodial.textio import (
    InvalidJSON,
    ReadLimits,
    TableRow,
    atomic_write_text,
    check_input_file,
    check_json_text,
    check_text,
    iter_lines,
    iter_table,
    parse_json,
    read_text,
)

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


# ---------------------------------------------------------------------------------------------
# Reading records


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


def _too_many(path: Path, line: int | None, limits: ReadLimits, what: str) -> DataError:
    return DataError(
        f"more than {limits.max_rows:,} {what}", path=path, line=line, hint=limits.hint("max_rows")
    )


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
            raise _too_many(path, lineno, limits, "records")
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
        raise _too_many(path, None, limits, "records")
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


QA_COLUMN_PAIRS: tuple[tuple[str, str], ...] = (
    ("Q", "A"),
    ("question", "answer"),
    ("prompt", "response"),
    ("input", "output"),
    ("instruction", "output"),
    ("user", "assistant"),
)
"""Question/answer column names recognised in a ``qa-csv`` file without a mapping."""


TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".tsv")
"""Extensions read as tables with a header row (tab-separated for ``.tsv``)."""


def _is_table(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES


def _iter_table_rows(
    path: Path, limits: ReadLimits | None = None
) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]], list[TableRow]]:
    """The header of a CSV/TSV file and its rows (streamed, bounded, quoting checked by
    :func:`~kodial.textio.iter_table`), each with the line it starts on; blank lines skipped,
    cells past the header ignored. The third value collects the rows that span several lines,
    once the rows are read (see :func:`_check_swallowed_turns`)."""
    limits = limits or ReadLimits.from_env()
    check_input_file(path, limits)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    table = iter_table(path, delimiter, limits)
    head = next(table, None)
    while head is not None and not head.cells:
        head = next(table, None)
    header = list(head.cells) if head is not None else []
    multi_line: list[TableRow] = []

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for row in table:
            if not row.cells:
                continue
            if row.lines:
                multi_line.append(row)
            yield row.line, dict(zip(header, row.cells, strict=False))

    return header, rows(), multi_line


def _check_swallowed_turns(
    path: Path, header: list[str], multi_line: list[TableRow], mapping: RoleMapping
) -> None:
    """A cell of a one-row-per-turn table that spans lines, one of which reads as a turn row of
    its own (its role column names a role, its conversation column is set), is a quote left
    open that a later quote closed: the rows in between would become one turn."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    role_col = mapping.role_field or "role"
    conv_col = mapping.conversation_field or "conversation"
    if role_col not in header or conv_col not in header:
        return
    ri, ci = header.index(role_col), header.index(conv_col)
    for row in multi_line:
        for inner, cells in row.inner_rows(len(header), delimiter):
            if mapping.role(cells[ri]) is not None and cells[ci]:
                raise DataError(
                    "unterminated quote: the quoted cell opened here runs over several lines, "
                    f"and line {inner} inside it reads as a turn of its own; rows would be "
                    "merged into one turn",
                    path=path,
                    line=row.quote_line(delimiter),
                    hint="close the quote on its line, or write a literal quote inside a quoted "
                    'cell as ""',
                )


def _qa_columns(path: Path, header: list[str], mapping: RoleMapping) -> dict[str, str]:
    """Role -> column of a question/answer table: from the mapping when it maps a user or
    assistant column (then it must map exactly one of each), else found by name
    (:data:`QA_COLUMN_PAIRS`)."""
    names = ", ".join(header) or "(no header)"
    example = "e.g. --map Q=user,A=assistant"
    by_role: dict[str, list[str]] = {}
    for col, role in mapping.roles.items():
        by_role.setdefault(role, []).append(col)
    for role, cols in by_role.items():
        if len(cols) > 1:
            raise DataError(
                f"more than one column is mapped to {role} ({', '.join(map(repr, cols))}); "
                "a question/answer file has one question (user) and one answer (assistant) "
                "column",
                path=path,
                line=1,
                hint=f"map one column to each role, {example}",
            )
    for col in mapping.roles:
        if col not in header:
            raise DataError(
                f"column {col!r} not found; columns are {names}",
                path=path,
                line=1,
                hint=f"pass the question/answer columns, {example}",
            )
    columns = {role: cols[0] for role, cols in by_role.items()}
    if "user" in columns or "assistant" in columns:
        for role, what in (("user", "question"), ("assistant", "answer")):
            if role not in columns:
                raise DataError(
                    f"no column is mapped to {role} (the {what} column); columns are {names}",
                    path=path,
                    line=1,
                    hint=f"add {what.upper()}_COLUMN={role}, {example}",
                )
        return columns
    lower = {h.lower(): h for h in header}
    for q, a in QA_COLUMN_PAIRS:
        if q.lower() in lower and a.lower() in lower:
            found = {"user": lower[q.lower()], "assistant": lower[a.lower()]}
            if "system" not in columns and "system" in lower:
                found["system"] = lower["system"]
            return {**found, **columns}
    raise DataError(
        f"no question/answer columns among {names}",
        path=path,
        line=1,
        hint="name them with --map QUESTION_COLUMN=user,ANSWER_COLUMN=assistant",
    )


def read_qa_csv(path: Path, mapping: RoleMapping | None = None) -> list[Conversation]:
    """Single-turn question/answer CSV (TSV for ``.tsv``): one conversation per row."""
    header, rows, _ = _iter_table_rows(path)
    columns = _qa_columns(path, header, mapping or RoleMapping())
    id_col = mapping.id_field if mapping else None
    convs: list[Conversation] = []
    errors: list[DataError] = []
    for start_line, row in rows:
        messages = [
            Message(role, (row.get(columns[role]) or ""))
            for role in ROLES
            if role in columns and not (role == "system" and not (row.get(columns[role]) or ""))
        ]
        conv = Conversation(
            messages,
            id=row.get(id_col) if id_col else None,
            source=str(path),
            line=start_line,
        )
        _check_turns(conv, errors)
        convs.append(conv)
    return _finish(convs, errors)


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


def _check_turn_columns(path: Path, header: list[str], mapping: RoleMapping) -> None:
    """A table of turns needs its role, content and conversation-id columns, named up front."""
    columns = ", ".join(header) or "(no header)"
    example = "e.g. --map speaker=role,utterance=content,dialog_id=conversation"
    if not mapping.conversation_field:
        given = f"--map {mapping.spec()} reads" if mapping.entries() else "reading"
        raise DataError(
            f"{given} one row per turn, which needs the column that groups rows into "
            f"conversations; columns are {columns}",
            path=path,
            line=1,
            hint=f"name it with COLUMN=conversation, {example}; for a question/answer file "
            "map its columns to roles instead, e.g. --map Q=user,A=assistant",
        )
    wanted = {
        "role": mapping.role_field or "role",
        "content": mapping.content_field or "content",
        "conversation": mapping.conversation_field,
    }
    missing = [f"{col!r} ({target})" for target, col in wanted.items() if col not in header]
    if missing:
        raise DataError(
            f"column{'s' if len(missing) > 1 else ''} {', '.join(missing)} not found; "
            f"columns are {columns}",
            path=path,
            line=1,
            hint=f"map the speaker, text and conversation-id columns, {example}",
        )


def _group_turn_records(
    records: list[_Record],
    path: Path,
    mapping: RoleMapping,
    errors: list[DataError],
) -> list[Conversation]:
    """One record (line, row) per turn -> conversations, grouped by the ``conversation=`` field:
    conversations in the order they first appear, turns in file order."""
    key = mapping.conversation_field or "conversation"
    groups: dict[str, list[_Record]] = {}
    for rec in records:
        if not isinstance(rec.data, dict) or key not in rec.data:
            errors.append(_conv(rec, path, []).error(f"missing field {key!r}"))
            continue
        value = rec.data[key]
        if value is None or not str(value).strip():
            errors.append(_conv(rec, path, []).error(f"empty conversation id in field {key!r}"))
            continue
        groups.setdefault(str(value), []).append(rec)
    convs: list[Conversation] = []
    for cid, group in groups.items():
        conv = _turns_from_list(
            group[0],
            path,
            [r.data for r in group],
            mapping.role_field or "role",
            mapping.content_field or "content",
            mapping,
            errors,
            lines=[r.line for r in group],
            id=cid,
        )
        if conv is not None:
            convs.append(conv)
    return convs


def read_turns(path: Path, mapping: RoleMapping | None = None) -> list[Conversation]:
    """Any speaker-turn JSON/JSONL or CSV/TSV through a :class:`RoleMapping`.

    Two layouts: records holding a list of turns (``{"turns": [{"speaker": "A", ...}]}``, key from
    ``messages=`` or :data:`TURN_LIST_KEYS`), or one record per turn grouped into conversations by
    the ``conversation=`` field (records with the same value form one dialogue, its turns in file
    order). A CSV/TSV file always has the second layout: one row per turn, with a header.
    """
    mapping = mapping or RoleMapping()
    role_field = mapping.role_field or "role"
    content_field = mapping.content_field or "content"
    errors: list[DataError] = []
    if _is_table(path):
        header, rows, multi_line = _iter_table_rows(path)
        _check_turn_columns(path, header, mapping)
        records = [_Record(row, line, "line") for line, row in rows]
        _check_swallowed_turns(path, header, multi_line, mapping)
    else:
        records = list(_iter_json_records(path))
    keys = [mapping.messages_field] if mapping.messages_field else list(TURN_LIST_KEYS)
    if mapping.conversation_field:
        group_key = mapping.conversation_field
        _check_shape(
            path,
            records,
            lambda d: isinstance(d, dict) and group_key in d,
            f"one turn per record with a {group_key!r} field",
        )
        return _finish(_group_turn_records(records, path, mapping, errors), errors)
    _check_shape(
        path,
        records,
        lambda d: isinstance(d, list) or (isinstance(d, dict) and any(k in d for k in keys)),
        "objects holding a list of turns (" + ", ".join(repr(k) for k in keys) + ")",
    )
    convs: list[Conversation] = []
    for rec in records:
        data = rec.data
        turns: Any = data
        if isinstance(data, dict):
            found = next((k for k in keys if k and isinstance(data.get(k), list)), None)
            if found is None:
                errors.append(
                    _conv(rec, path, []).error(
                        "no list of turns found",
                        hint="name it with --map FIELD=messages, or group per-turn records "
                        "with --map FIELD=conversation",
                    )
                )
                continue
            turns = data[found]
        conv = _turns_from_list(
            rec,
            path,
            turns,
            role_field,
            content_field,
            mapping,
            errors,
            id=_record_id(data, mapping) if isinstance(data, dict) else None,
        )
        if conv is not None:
            convs.append(conv)
    return _finish(convs, errors)


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
