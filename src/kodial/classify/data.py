"""Labelled queries: reading, validation and stratified splitting.

Formats (chosen by extension):

- CSV / TSV with a header: a text column and a label column (names configurable). Several labels
  in one cell, separated by ``|``, make the file multi-label. An optional ``description`` column
  gives the label's description (the text used in NLI hypotheses).
- JSONL: one object per line, ``{"text": ..., "label": "finance"}`` or ``"labels": [...]``.
- YAML: ``label: [example, ...]`` or ``label: {description: 금융, examples: [...]}``.

The reserved label ``__ood__`` marks out-of-domain queries: they are kept apart (``data.ood``) and
used to calibrate the fallback, never learned as a class.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from kodial.csvio import iter_table
from kodial.errors import DataError, DataErrors
from kodial.textio import (
    ReadLimits,
    check_input_file,
    check_text,
    check_yaml_depth,
    iter_lines,
    parse_json,
    read_text,
    yaml_error,
)

OOD_LABEL = "__ood__"
"""Label marking an out-of-domain example in any input format."""

FALLBACK = "fallback"
"""What a classifier answers when no label is confident enough."""

MULTI_LABEL_SEP = "|"


@dataclass(frozen=True, slots=True)  # slots: a million examples, no dict each
class Example:
    """One labelled query; ``line`` is where it came from, for error messages."""

    text: str
    labels: tuple[str, ...]
    line: int | None = None


@dataclass
class LabelledData:
    """Validated labelled queries plus optional label descriptions and out-of-domain queries."""

    examples: list[Example]
    descriptions: dict[str, str] = field(default_factory=dict)
    ood: list[str] = field(default_factory=list)
    multi_label: bool = False
    source: str | None = None

    @property
    def labels(self) -> list[str]:
        """Sorted label names."""
        return sorted({lab for ex in self.examples for lab in ex.labels})

    @property
    def texts(self) -> list[str]:
        return [ex.text for ex in self.examples]

    @property
    def label_lists(self) -> list[list[str]]:
        return [list(ex.labels) for ex in self.examples]

    @property
    def first_labels(self) -> list[str]:
        return [ex.labels[0] for ex in self.examples]

    def description(self, label: str) -> str:
        """Text used for ``label`` in hypotheses: its description if given, else its name."""
        return self.descriptions.get(label, label)

    def counts(self) -> Counter[str]:
        return Counter(lab for ex in self.examples for lab in ex.labels)

    def __len__(self) -> int:
        return len(self.examples)

    def subset(self, examples: list[Example], ood: list[str] | None = None) -> LabelledData:
        return replace(self, examples=examples, ood=self.ood if ood is None else ood)

    def split(self, dev_ratio: float = 0.2, seed: int = 0) -> tuple[LabelledData, LabelledData]:
        """Stratified train/dev split (by first label; OOD queries split the same way).

        Every label keeps at least one training example; labels with 2+ examples get at least one
        dev example.
        """
        if not 0.0 < dev_ratio < 1.0:
            raise ValueError("dev_ratio must be between 0 and 1")
        rng = random.Random(seed)
        by_label: dict[str, list[Example]] = defaultdict(list)
        for ex in self.examples:
            by_label[ex.labels[0]].append(ex)
        train: list[Example] = []
        dev: list[Example] = []
        for label in sorted(by_label):
            group = by_label[label][:]
            rng.shuffle(group)
            n_dev = min(len(group) - 1, max(1, round(len(group) * dev_ratio)))
            dev.extend(group[:n_dev])
            train.extend(group[n_dev:])
        ood = self.ood[:]
        rng.shuffle(ood)
        n_ood = round(len(ood) * dev_ratio)
        return self.subset(train, ood[n_ood:]), self.subset(dev, ood[:n_ood])


def _sniff_format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt.lower()
    ext = path.suffix.lower().lstrip(".")
    if ext in ("csv", "tsv", "jsonl", "yaml", "yml", "txt"):
        return {"yml": "yaml"}.get(ext, ext)
    raise DataError(
        f"cannot tell the format from the extension {path.suffix!r}",
        path=path,
        hint="rename it to .csv, .tsv, .jsonl, .yaml or .txt (one out-of-domain query per line)",
    )


def _split_labels(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split(MULTI_LABEL_SEP) if p.strip())


Row = tuple[int, str, tuple[str, ...]]
"""(line, text, labels): a row as read, before validation."""
Rows = list[Row]


def _read_delimited(
    path: Path,
    delimiter: str,
    text_field: str,
    label_field: str,
    limits: ReadLimits,
    errors: list[DataError],
    descriptions: dict[str, str],
) -> Iterator[Row]:
    """Rows of a CSV/TSV file, streamed (:func:`~kodial.csvio.iter_table` finds quoting
    mistakes and oversized cells). A quoted cell spanning lines is refused when one of the lines
    it swallowed reads as a labelled row of its own (its label cell holds a label of the file):
    a quote left open on one line that another quote closes lines later."""
    table = iter_table(path, delimiter, limits)
    head = next(table, None)
    while head is not None and not any(c.strip() for c in head.cells):
        head = next(table, None)
    if head is None:
        raise DataError("file is empty", path=path, hint="add labelled queries, or check the path")
    header = head.cells
    for needed in (text_field, label_field):
        if needed not in header:
            raise DataError(
                f"missing column {needed!r} (columns: {', '.join(header) or 'none'})",
                path=path,
                line=head.line,
                field=needed,
                hint="name the columns with --text-field / --label-field",
            )
    ti, li = header.index(text_field), header.index(label_field)
    di = header.index("description") if "description" in header else None
    width = len(header)
    known: dict[str, tuple[str, ...]] = {}  # label cell -> labels, one tuple shared by its rows
    swallowed: list[tuple[int, int, str]] = []  # (quote line, inner line, label cell)
    for row in table:
        cells = row.cells
        if not cells:
            continue  # a blank line
        if len(cells) > width:
            errors.append(DataError("more fields than the header", path=path, line=row.line))
            continue
        cells = cells + [""] * (width - len(cells))
        labels = known.get(cells[li])
        if labels is None:
            labels = known[cells[li]] = _split_labels(cells[li])
        yield row.line, cells[ti], labels
        if row.lines:
            swallowed += [
                (row.quote_line(delimiter), n, inner[li])
                for n, inner in row.inner_rows(width, delimiter)
            ]
        desc = cells[di].strip() if di is not None else ""
        if desc and len(labels) == 1:
            descriptions[labels[0]] = desc
    if swallowed:
        seen = {lab for labs in known.values() for lab in labs}
        for quote_line, inner, cell in swallowed:
            if any(lab in seen for lab in _split_labels(cell)):
                raise DataError(
                    f"unterminated quote: the quoted cell opened here runs over several lines, "
                    f"and line {inner} inside it reads as a labelled row of its own "
                    f"(label {cell!r}); rows would be merged into one cell",
                    path=path,
                    line=quote_line,
                    hint="close the quote on its line, or write a literal quote inside a quoted "
                    'cell as ""',
                )


def _read_jsonl(
    path: Path,
    text_field: str,
    label_field: str,
    limits: ReadLimits,
    errors: list[DataError],
    descriptions: dict[str, str],
) -> Iterator[Row]:
    count = 0
    for i, raw in iter_lines(path, limits):
        if not raw.strip():
            continue
        count += 1
        if count > limits.max_rows:
            raise DataError(
                f"more than {limits.max_rows:,} records",
                path=path,
                line=i,
                hint=limits.hint("max_rows"),
            )
        try:
            obj = parse_json(raw, path, i)
        except DataError as exc:
            errors.append(exc)
            continue
        if not isinstance(obj, dict):
            errors.append(DataError("expected a JSON object", path=path, line=i))
            continue
        value = obj.get(label_field, obj.get("labels"))
        if isinstance(value, str):
            labels = _split_labels(value)
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
                    field=label_field,
                )
            )
            continue
        t = obj.get(text_field)
        if t is not None and not isinstance(t, str):
            errors.append(DataError("text must be a string", path=path, line=i, field=text_field))
            continue
        yield i, t or "", labels
        if isinstance(obj.get("description"), str) and len(labels) == 1:
            descriptions[labels[0]] = obj["description"]
    if not count:
        raise DataError("file is empty", path=path, hint="add labelled queries, or check the path")


def _read_yaml(
    path: Path, limits: ReadLimits, errors: list[DataError], descriptions: dict[str, str]
) -> Rows:
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
    rows: Rows = []

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
                raise DataError(
                    f"more than {limits.max_rows:,} examples",
                    path=path,
                    line=line,
                    hint=limits.hint("max_rows"),
                )
            rows.append((line, str(item.value), (label,)))

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


def read_ood_lines(path: str | Path, limits: ReadLimits | None = None) -> list[str]:
    """Read out-of-domain queries, one per line (blank lines skipped), streamed; a line is one
    query, so it is bounded like a cell (``limits.max_cell_chars``)."""
    p = Path(path)
    limits = limits or ReadLimits.from_env()
    _check_file(p, limits)
    out: list[str] = []
    for i, line in iter_lines(p, limits, max_chars=limits.max_cell_chars):
        if line.strip():
            if len(out) >= limits.max_rows:
                raise DataError(
                    f"more than {limits.max_rows:,} queries",
                    path=p,
                    line=i,
                    hint=limits.hint("max_rows"),
                )
            out.append(line.strip())
    return out


def _check_file(path: Path, limits: ReadLimits) -> None:
    if path.is_dir():
        raise DataError(
            "is a directory, expected a file", path=path, hint="give the data file itself"
        )
    check_input_file(path, limits)


def load_labelled(
    path: str | Path,
    *,
    fmt: str | None = None,
    text_field: str = "text",
    label_field: str = "label",
    min_examples: int = 2,
    descriptions: dict[str, str] | None = None,
    limits: ReadLimits | None = None,
) -> LabelledData:
    """Read and validate a labelled-query file (bounded by ``limits``, default
    :meth:`ReadLimits.from_env <kodial.textio.ReadLimits.from_env>`).

    Raises :class:`~kodial.errors.DataErrors` listing every problem (file, line, field): empty
    text, missing label, the same text under conflicting labels, a label with fewer than
    ``min_examples`` examples. Exact duplicates (same text, same labels) are dropped.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "q.yaml")
    >>> _ = open(p, "w").write("finance:\\n  description: 금융\\n  examples: [코스닥 지수, 환율 알려줘]\\n")
    >>> data = load_labelled(p); data.labels, data.description("finance"), len(data)
    (['finance'], '금융', 2)
    """
    p = Path(path)
    if p.is_dir():
        raise DataError("is a directory, expected a file", path=p, hint="give the data file itself")
    kind = _sniff_format(p, fmt)
    limits = limits or ReadLimits.from_env()
    _check_file(p, limits)
    if kind == "txt":
        return LabelledData(examples=[], ood=read_ood_lines(p, limits), source=str(p))
    errors: list[DataError] = []
    descs: dict[str, str] = {}
    rows: Iterable[Row]
    if kind in ("csv", "tsv"):
        delimiter = "," if kind == "csv" else "\t"
        rows = _read_delimited(p, delimiter, text_field, label_field, limits, errors, descs)
    elif kind == "jsonl":
        rows = _read_jsonl(p, text_field, label_field, limits, errors, descs)
    elif kind == "yaml":
        rows = _read_yaml(p, limits, errors, descs)
    else:
        raise DataError(f"unknown format {kind!r}", path=p)
    # the readers stream: their errors and descriptions are complete once the rows are consumed
    data = validate_rows(rows, p, errors, None, min_examples, text_field, label_field, limits)
    for label, desc in descs.items():
        check_text(desc, p, None, f"description of {label}")
    data.descriptions = {**descs, **(descriptions or {})}
    return data


def validate_rows(
    rows: Iterable[tuple[int, str, tuple[str, ...]]],
    path: Path | str,
    errors: list[DataError] | None = None,
    descriptions: dict[str, str] | None = None,
    min_examples: int = 2,
    text_field: str = "text",
    label_field: str = "label",
    limits: ReadLimits | None = None,
) -> LabelledData:
    """Turn (line, text, labels) rows into :class:`LabelledData`, collecting every problem
    (into ``errors``, which a streaming reader of ``rows`` may still be adding to):
    besides empty, unlabelled and conflicting rows, a text over ``limits.max_cell_chars``
    characters and text that cannot be written as UTF-8 (a lone surrogate from an escape)."""
    max_chars = limits.max_cell_chars if limits is not None else None
    errors = errors if errors is not None else []  # shared: a streaming reader adds to it
    seen: dict[str, int] = {}  # text -> index in examples (rows may be many: no tuple each)
    examples: list[Example] = []
    ood: list[str] = []
    for line, raw_text, labels in rows:
        if max_chars is not None and len(raw_text) > max_chars:
            errors.append(
                DataError(
                    f"text is longer than {max_chars:,} characters",
                    path=path,
                    line=line,
                    field=text_field,
                    hint=limits.hint("max_cell_chars") if limits else None,
                )
            )
            continue
        try:
            check_text(raw_text, path, line, text_field)
            for lab in labels:
                check_text(lab, path, line, label_field)
        except DataError as exc:
            errors.append(exc)
            continue
        t = " ".join(raw_text.split())
        if not t:
            errors.append(DataError("empty text", path=path, line=line, field=text_field))
            continue
        if not labels:
            errors.append(DataError("missing label", path=path, line=line, field=label_field))
            continue
        if OOD_LABEL in labels:
            ood.append(t)
            continue
        key = t
        if key in seen:
            prev = examples[seen[key]]
            prev_labels, prev_line = prev.labels, prev.line
            if set(prev_labels) != set(labels):
                errors.append(
                    DataError(
                        f"the same text is labelled {'|'.join(prev_labels)!r} on line {prev_line} "
                        f"and {'|'.join(labels)!r} here",
                        path=path,
                        line=line,
                        field=label_field,
                        hint="keep one label per text (or one label set in a multi-label file)",
                    )
                )
            continue
        seen[key] = len(examples)
        examples.append(Example(t, labels, line))
    counts = Counter(lab for ex in examples for lab in ex.labels)
    for label, n in sorted(counts.items()):
        if n < min_examples:
            first = next(ex.line for ex in examples if label in ex.labels)
            errors.append(
                DataError(
                    f"label {label!r} has {n} example(s), at least {min_examples} needed",
                    path=path,
                    line=first,
                    field=label_field,
                    hint="add examples for that label or remove it",
                )
            )
    if errors:
        raise DataErrors(errors)
    if not examples and not ood:
        raise DataError("no examples found", path=path)
    multi = any(len(ex.labels) > 1 for ex in examples)
    return LabelledData(examples, dict(descriptions or {}), ood, multi, str(path))


def merge(datasets: Sequence[LabelledData]) -> LabelledData:
    """Concatenate several files' data (e.g. a labelled file and an OOD file)."""
    examples = [ex for d in datasets for ex in d.examples]
    descriptions: dict[str, str] = {}
    for d in datasets:
        descriptions.update(d.descriptions)
    return LabelledData(
        examples,
        descriptions,
        [t for d in datasets for t in d.ood],
        any(d.multi_label for d in datasets),
        ",".join(d.source or "" for d in datasets),
    )
