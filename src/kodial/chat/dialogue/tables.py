"""Readers of CSV/TSV dialogue tables: ``qa-csv`` (one question/answer row per conversation) and
``turns`` rows (one row per turn, grouped by a conversation-id column)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kodial.chat.dialogue.model import (
    ROLES,
    TABLE_SUFFIXES,
    TURN_LIST_KEYS,
    Conversation,
    Message,
    RoleMapping,
)
from kodial.chat.dialogue.records import (
    _check_shape,
    _check_turns,
    _conv,
    _finish,
    _iter_json_records,
    _Record,
    _record_id,
    _turns_from_list,
)
from kodial.csvio import TableRow, iter_table
from kodial.errors import DataError
from kodial.textio import (
    ReadLimits,
    check_input_file,
)

QA_COLUMN_PAIRS: tuple[tuple[str, str], ...] = (
    ("Q", "A"),
    ("question", "answer"),
    ("prompt", "response"),
    ("input", "output"),
    ("instruction", "output"),
    ("user", "assistant"),
)
"""Question/answer column names recognised in a ``qa-csv`` file without a mapping."""


def _is_table(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES


def _iter_table_rows(
    path: Path, limits: ReadLimits | None = None
) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]], list[TableRow]]:
    """The header of a CSV/TSV file and its rows (streamed, bounded, quoting checked by
    :func:`~kodial.csvio.iter_table`), each with the line it starts on; blank lines skipped,
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
