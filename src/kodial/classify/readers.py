"""Reading labelled-query files as they come: CSV, TSV (with or without a header, ``.txt``
included), JSONL and YAML, streamed and bounded (:mod:`kodial.textio`).

Columns are found by name or, in a file without a header, by their content:

- the text column is ``--text-field`` when given, else the first column named like one of
  :data:`TEXT_NAMES` (``text``, ``question``, ``document`` ...); in a file without a header, the
  column with the longest cells;
- the label column likewise (``--label-field``, :data:`LABEL_NAMES`; without a header, the one
  other column with few distinct values);
- an optional ``group`` column (``--group-field``) names each query's paraphrase set, an optional
  ``description`` column the label's description.

A field given as a number is a column number counted from 1 (``--label-field 1``), the way to
name columns in a file without a header. TSV cells are taken literally (a quote is a character,
as in the NSMC and 3i4k files), except a cell wrapped whole in quotes with its inner quotes
doubled, as spreadsheet programs write it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kodial.csvio import iter_table
from kodial.errors import DataError
from kodial.textio import (
    ReadLimits,
    check_yaml_depth,
    iter_lines,
    parse_json,
    read_text,
    yaml_error,
)

MULTI_LABEL_SEP = "|"

TEXT_NAMES = (
    "text",
    "sentence",
    "question",
    "query",
    "utterance",
    "document",
    "comment",
    "comments",
    "content",
    "review",
    "q",
    "문장",
    "질문",
    "발화",
    "텍스트",
)
"""Column names read as the query text when ``--text-field`` is not given (first match wins)."""

LABEL_NAMES = ("label", "labels", "intent", "class", "category", "topic", "y", "라벨", "의도")
"""Column names read as the label when ``--label-field`` is not given."""

SAMPLE_ROWS = 200
"""Rows looked at to find the columns of a file without a header."""

Row = tuple[int, str, tuple[str, ...], str | None]
"""(line, text, labels, group): a row as read, before validation."""


@dataclass
class Layout:
    """Which columns hold what, as found in a delimited file (column indices from 0)."""

    text: int
    label: int | None
    group: int | None = None
    description: int | None = None
    header: bool = True
    width: int = 0
    notes: list[str] = field(default_factory=list)
    """What was guessed, for the data report (e.g. "no header: column 2 is the text")."""


def split_labels(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split(MULTI_LABEL_SEP) if p.strip())


def _column_number(name: str | None) -> int | None:
    return int(name) - 1 if name is not None and name.isdigit() and int(name) >= 1 else None


def _find(header: list[str], wanted: str | None, names: Sequence[str]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    if wanted is not None:
        number = _column_number(wanted)
        if number is not None:
            return number if number < len(header) else None
        return lowered.index(wanted.lower()) if wanted.lower() in lowered else None
    return next((lowered.index(n) for n in names if n in lowered), None)


def find_layout(
    rows: list[tuple[int, list[str]]],
    path: Path,
    text_field: str | None,
    label_field: str | None,
    group_field: str | None = None,
    need_label: bool = True,
) -> Layout:
    """The :class:`Layout` of a delimited file from its first rows ``(line, cells)``."""
    line, header = rows[0]
    named = {h.strip().lower() for h in header}
    explicit = {f.lower() for f in (text_field, label_field, group_field) if f and not f.isdigit()}
    known = set(TEXT_NAMES) | set(LABEL_NAMES) | {"group", "description", "id"}
    # a field given by name means the file has a header, even when the name is not in it
    has_header = bool(named & known) or bool(explicit)
    width = max(len(cells) for _, cells in rows)
    if has_header:
        text = _find(header, text_field, TEXT_NAMES)
        label = _find(header, label_field, LABEL_NAMES)
        for needed, index, what in ((text_field or "text", text, "text"),):
            if index is None:
                raise DataError(
                    f"missing column {needed!r} (columns: {', '.join(header) or 'none'})",
                    path=path,
                    line=line,
                    field=needed,
                    hint="name the columns with --text-field / --label-field "
                    f"(the {what} column is looked for under: {', '.join(TEXT_NAMES[:6])} ...)",
                )
        if label is None and need_label:
            needed = label_field or "label"
            raise DataError(
                f"missing column {needed!r} (columns: {', '.join(header) or 'none'})",
                path=path,
                line=line,
                field=needed,
                hint="name the columns with --text-field / --label-field "
                f"(the label column is looked for under: {', '.join(LABEL_NAMES[:6])} ...)",
            )
        group = _find(header, group_field or "group", ())
        if group is None and group_field is not None:
            raise DataError(
                f"missing column {group_field!r} (columns: {', '.join(header)})",
                path=path,
                line=line,
                field=group_field,
                hint="--group-field names the column holding each query's paraphrase group",
            )
        description = _find(header, "description", ())
        assert text is not None  # a missing text column was refused above
        return Layout(text, label, group, description, True, len(header))
    return _headerless(rows, path, text_field, label_field, group_field, need_label, width)


def _headerless(
    rows: list[tuple[int, list[str]]],
    path: Path,
    text_field: str | None,
    label_field: str | None,
    group_field: str | None,
    need_label: bool,
    width: int,
) -> Layout:
    """Columns of a file whose first row is data: the longest cells are the text, the one
    other column with few distinct values the label."""
    columns = [[cells[i] if i < len(cells) else "" for _, cells in rows] for i in range(width)]
    for name, value in (("--text-field", text_field), ("--label-field", label_field)):
        if value is not None and (_column_number(value) is None or _column_number(value) >= width):  # type: ignore[operator]
            raise DataError(
                f"the file has no header, so {name} must be a column number from 1 to {width}, "
                f"got {value!r}",
                path=path,
                line=rows[0][0],
                hint=f"e.g. {name} 2",
            )
    notes = [f"no header row: columns numbered 1 to {width}"]
    text = _column_number(text_field)
    if text is None:
        text = max(range(width), key=lambda i: sum(len(c) for c in columns[i]))
        notes.append(f"column {text + 1} is the text (the longest cells)")
    label = _column_number(label_field)
    if label is None and need_label:
        few = max(30, len(rows) // 5)
        candidates = [i for i in range(width) if i != text and len(set(columns[i])) <= few]
        if len(candidates) != 1:
            which = (
                f"columns {' and '.join(str(i + 1) for i in candidates)} all look like labels"
                if candidates
                else "no column has few enough distinct values to be a label"
            )
            raise DataError(
                f"the file has no header and {which}",
                path=path,
                line=rows[0][0],
                field="label",
                hint="name the label column by number, e.g. --label-field "
                f"{(candidates or [1])[0] + 1} (columns count from 1), or add a header row",
            )
        label = candidates[0]
        if len(rows) > 1 and columns[label][0] not in columns[label][1:]:
            # the first row's "label" never comes back: a header whose names are unknown
            raise DataError(
                f"no column named like a text or a label (columns: {', '.join(rows[0][1])})",
                path=path,
                line=rows[0][0],
                field="text",
                hint="name the columns with --text-field / --label-field; in a file without a "
                "header, by number (--text-field 2 --label-field 1)",
            )
        notes.append(f"column {label + 1} is the label ({len(set(columns[label]))} values)")
    group = _column_number(group_field)
    return Layout(text, label, group, None, False, width, notes)


def _unquote_tsv(cell: str) -> str:
    """A TSV cell as written: literal, unless wrapped whole in quotes with every inner quote
    doubled (``"a ""b"" c"`` is ``a "b" c``)."""
    if len(cell) >= 2 and cell[0] == '"' and cell[-1] == '"':
        inner = cell[1:-1]
        if '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
    return cell


def iter_cells(
    path: Path, delimiter: str, limits: ReadLimits
) -> Iterator[tuple[int, list[str], object]]:
    """``(line, cells, record)`` of a CSV (quoting per the csv module, strictly) or TSV (cells
    literal) file; ``record`` is the :class:`~kodial.textio.TableRow` of a CSV row spanning
    lines (for the swallowed-row check), else None."""
    if delimiter == ",":
        for row in iter_table(path, delimiter, limits):
            yield row.line, row.cells, row if row.lines else None
        return
    count = 0
    for line, text in iter_lines(path, limits):
        if text.strip():
            count += 1
            if count > limits.max_rows + 1:  # the header is row 0
                raise limits.too_many_rows(path, line, "rows")
        cells = [_unquote_tsv(c) for c in text.split("\t")] if text.strip() else []
        for cell in cells:
            if len(cell) > limits.max_cell_chars:
                raise DataError(
                    f"a cell is longer than {limits.max_cell_chars:,} characters",
                    path=path,
                    line=line,
                    hint=limits.hint("max_cell_chars"),
                )
        yield line, cells, None


def read_delimited(
    path: Path,
    delimiter: str,
    text_field: str | None,
    label_field: str | None,
    group_field: str | None,
    limits: ReadLimits,
    errors: list[DataError],
    descriptions: dict[str, str],
    notes: list[str],
    need_label: bool = True,
) -> Iterator[Row]:
    """Rows of a CSV/TSV file, streamed: a first pass over at most :data:`SAMPLE_ROWS` rows
    finds the columns (:func:`find_layout`), the second reads. A quoted CSV cell spanning lines
    is refused when one of the lines it swallowed reads as a labelled row of its own (its label
    cell holds a label of the file): a quote left open on one line that another quote closes
    lines later."""
    sample: list[tuple[int, list[str]]] = []
    for line, cells, _ in iter_cells(path, delimiter, limits):
        if any(c.strip() for c in cells):
            sample.append((line, cells))
            if len(sample) > SAMPLE_ROWS:
                break
    if not sample:
        raise DataError("file is empty", path=path, hint="add labelled queries, or check the path")
    layout = find_layout(sample, path, text_field, label_field, group_field, need_label)
    notes.extend(layout.notes)
    width = layout.width
    known: dict[str, tuple[str, ...]] = {}  # label cell -> labels, one tuple shared by its rows
    swallowed: list[tuple[int, int, str]] = []  # (quote line, inner line, label cell)
    first = True
    for line, cells, record in iter_cells(path, delimiter, limits):
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if first and layout.header:
            first = False
            continue
        first = False
        if len(cells) > width:
            errors.append(DataError("more fields than the header", path=path, line=line))
            continue
        cells = cells + [""] * (width - len(cells))
        cell = cells[layout.label] if layout.label is not None else ""
        labels = known.get(cell)
        if labels is None:
            labels = known[cell] = split_labels(cell)
        group = cells[layout.group].strip() or None if layout.group is not None else None
        yield line, cells[layout.text], labels, group
        if record is not None and layout.label is not None:
            row = record  # a multi-line CSV record (textio.TableRow)
            swallowed += [
                (row.quote_line(delimiter), n, inner[layout.label])  # type: ignore[attr-defined]
                for n, inner in row.inner_rows(width, delimiter)  # type: ignore[attr-defined]
            ]
        desc = cells[layout.description].strip() if layout.description is not None else ""
        if desc and len(labels) == 1:
            descriptions[labels[0]] = desc
    if swallowed:
        seen = {lab for labs in known.values() for lab in labs}
        for quote_line, inner, cell in swallowed:
            if any(lab in seen for lab in split_labels(cell)):
                raise DataError(
                    f"unterminated quote: the quoted cell opened here runs over several lines, "
                    f"and line {inner} inside it reads as a labelled row of its own "
                    f"(label {cell!r}); rows would be merged into one cell",
                    path=path,
                    line=quote_line,
                    hint="close the quote on its line, or write a literal quote inside a quoted "
                    'cell as ""',
                )


def _json_key(obj: dict[str, object], wanted: str | None, names: Sequence[str]) -> str | None:
    if wanted is not None:
        return wanted
    return next((n for n in names if n in obj), None)


def read_jsonl(
    path: Path,
    text_field: str | None,
    label_field: str | None,
    group_field: str | None,
    limits: ReadLimits,
    errors: list[DataError],
    descriptions: dict[str, str],
) -> Iterator[Row]:
    count = 0
    text_key = label_key = None
    for i, raw in iter_lines(path, limits):
        if not raw.strip():
            continue
        count += 1
        if count > limits.max_rows:
            raise limits.too_many_rows(path, i, "records")
        try:
            obj = parse_json(raw, path, i)
        except DataError as exc:
            errors.append(exc)
            continue
        if not isinstance(obj, dict):
            errors.append(DataError("expected a JSON object", path=path, line=i))
            continue
        if text_key is None:  # the first object names the keys
            text_key = _json_key(obj, text_field, TEXT_NAMES) or "text"
            label_key = _json_key(obj, label_field, LABEL_NAMES) or "label"
        value = obj.get(label_key or "label", obj.get("labels"))
        if isinstance(value, str):
            labels = split_labels(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            labels = tuple(v.strip() for v in value if v.strip())
        elif value is None:
            labels = ()
        else:
            errors.append(
                DataError(
                    "label must be a string or a list of strings",
                    path=path,
                    line=i,
                    field=label_key,
                )
            )
            continue
        t = obj.get(text_key)
        if t is not None and not isinstance(t, str):
            errors.append(DataError("text must be a string", path=path, line=i, field=text_key))
            continue
        group = obj.get(group_field or "group")
        yield i, t or "", labels, str(group) if group is not None else None
        if isinstance(obj.get("description"), str) and len(labels) == 1:
            descriptions[labels[0]] = str(obj["description"])
    if not count:
        raise DataError("file is empty", path=path, hint="add labelled queries, or check the path")


def read_yaml_labels(
    path: Path, limits: ReadLimits, errors: list[DataError], descriptions: dict[str, str]
) -> list[Row]:
    """``label: [examples]`` or ``label: {description: ..., examples: [...]}``."""
    text = read_text(path, limits)
    if not text.strip():
        raise DataError("file is empty", path=path, hint="add labelled queries, or check the path")
    try:
        check_yaml_depth(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path) from None
    except RecursionError:
        raise DataError("YAML nested too deeply", path=path) from None
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise DataError("expected a mapping of label: [examples]", path=path, line=1)
    rows: list[Row] = []

    def examples_of(label: str, node: yaml.Node) -> None:
        if not isinstance(node, yaml.SequenceNode):
            errors.append(
                DataError(
                    "expected a list of example queries",
                    path=path,
                    line=node.start_mark.line + 1,
                    field=label,
                )
            )
            return
        for item in node.value:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.ScalarNode):
                errors.append(
                    DataError("example must be a string", path=path, line=line, field=label)
                )
                continue
            if len(rows) >= limits.max_rows:
                raise limits.too_many_rows(path, line, "examples")
            rows.append((line, str(item.value), (label,), None))

    first_line: dict[str, int] = {}
    for key_node, value_node in root.value:
        label = str(key_node.value).strip()
        key_line = key_node.start_mark.line + 1
        if label in first_line:
            errors.append(
                DataError(
                    f"label {label!r} is defined twice (first on line {first_line[label]})",
                    path=path,
                    line=key_line,
                    field=label,
                    hint="merge the two blocks into one list of examples",
                )
            )
            continue
        first_line[label] = key_line
        if isinstance(value_node, yaml.MappingNode):
            fields: dict[str, yaml.Node] = {}
            for k, v in value_node.value:
                if str(k.value) in fields:
                    errors.append(
                        DataError(
                            f"key {k.value!r} appears twice",
                            path=path,
                            line=k.start_mark.line + 1,
                            field=label,
                            hint="keep one 'description' and one 'examples' per label",
                        )
                    )
                fields.setdefault(str(k.value), v)
            unknown = set(fields) - {"description", "examples"}
            if unknown:
                errors.append(
                    DataError(
                        f"unknown key(s) {sorted(unknown)}",
                        path=path,
                        line=value_node.start_mark.line + 1,
                        field=label,
                        hint="a label maps to 'description' and 'examples'",
                    )
                )
            if "description" in fields:
                descriptions[label] = str(fields["description"].value)
            if "examples" in fields:
                examples_of(label, fields["examples"])
            else:
                errors.append(
                    DataError(
                        "no 'examples'", path=path, line=value_node.start_mark.line + 1, field=label
                    )
                )
        else:
            examples_of(label, value_node)
    return rows


def looks_tabular(path: Path, limits: ReadLimits) -> bool:
    """Whether a ``.txt`` file is tab-separated columns (every one of its first non-blank
    lines holds a tab) rather than one query per line."""
    seen = 0
    for _, text in iter_lines(path, limits):
        if not text.strip():
            continue
        if "\t" not in text:
            return False
        seen += 1
        if seen >= 20:
            break
    return seen > 0
