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

import csv
import io
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from kodial.errors import DataError, DataErrors
from kodial.textio import read_text, yaml_error

OOD_LABEL = "__ood__"
"""Label marking an out-of-domain example in any input format."""

FALLBACK = "fallback"
"""What a classifier answers when no label is confident enough."""

MULTI_LABEL_SEP = "|"


@dataclass(frozen=True)
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


def _unterminated_quote_line(text: str, delimiter: str) -> int | None:
    """The line where a quoted field opens and never closes (None if every quote closes).

    Mirrors the csv module's default dialect: a quote opens a field only at the field's start;
    inside, a doubled quote is a literal quote."""
    line, quote_line = 1, 0
    start, quoted, after_quote = True, False, False
    for ch in text:
        if quoted:
            if ch == '"':
                quoted, after_quote = False, True
            elif ch == "\n":
                line += 1
            continue
        if after_quote and ch == '"':
            quoted, after_quote = True, False  # "" inside a quoted field
            continue
        after_quote = False
        if ch == "\n":
            line += 1
            start = True
        elif ch == delimiter or ch == "\r":
            start = True
        elif start and ch == '"':
            quoted, quote_line, start = True, line, False
        else:
            start = False
    return quote_line if quoted else None


def _check_quotes(path: Path, text: str, delimiter: str) -> None:
    """A quoted field that never closes swallows the rest of the file into one cell; the csv
    module then reports nothing, so say where the quote opened. The C-speed strict reader finds
    the common case; the exact line comes from a slower scan, run only then."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        pass
    else:
        return
    line = _unterminated_quote_line(text, delimiter)
    if line is not None:
        raise DataError(
            "unterminated quote: this quoted field never closes, so the rest of the file would "
            "be read as one cell",
            path=path,
            line=line,
            hint='close the quote, or write a literal quote inside a quoted field as ""',
        )


def _read_delimited(
    path: Path, text: str, delimiter: str, text_field: str, label_field: str
) -> tuple[list[tuple[int, str, tuple[str, ...]]], dict[str, str], list[DataError]]:
    _check_quotes(path, text, delimiter)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = reader.fieldnames or []
    for needed in (text_field, label_field):
        if needed not in header:
            raise DataError(
                f"missing column {needed!r} (columns: {', '.join(header) or 'none'})",
                path=path,
                line=1,
                field=needed,
                hint="name the columns with --text-field / --label-field",
            )
    rows: list[tuple[int, str, tuple[str, ...]]] = []
    descriptions: dict[str, str] = {}
    errors: list[DataError] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            errors.append(DataError("more fields than the header", path=path, line=line))
            continue
        labels = _split_labels(row.get(label_field) or "")
        rows.append((line, (row.get(text_field) or ""), labels))
        desc = (row.get("description") or "").strip()
        if desc and len(labels) == 1:
            descriptions[labels[0]] = desc
    return rows, descriptions, errors


def _read_jsonl(
    path: Path, text: str, text_field: str, label_field: str
) -> tuple[list[tuple[int, str, tuple[str, ...]]], dict[str, str], list[DataError]]:
    rows: list[tuple[int, str, tuple[str, ...]]] = []
    descriptions: dict[str, str] = {}
    errors: list[DataError] = []
    for i, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(DataError(f"invalid JSON: {exc.msg}", path=path, line=i))
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
        rows.append((i, t or "", labels))
        if isinstance(obj.get("description"), str) and len(labels) == 1:
            descriptions[labels[0]] = obj["description"]
    return rows, descriptions, errors


def _read_yaml(
    path: Path, text: str
) -> tuple[list[tuple[int, str, tuple[str, ...]]], dict[str, str], list[DataError]]:
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path) from None
    if root is None:
        return [], {}, []
    if not isinstance(root, yaml.MappingNode):
        raise DataError("expected a mapping of label: [examples]", path=path, line=1)
    rows: list[tuple[int, str, tuple[str, ...]]] = []
    descriptions: dict[str, str] = {}
    errors: list[DataError] = []

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
    return rows, descriptions, errors


def read_ood_lines(path: str | Path) -> list[str]:
    """Read out-of-domain queries, one per line (blank lines skipped)."""
    return [t.strip() for t in read_text(path).splitlines() if t.strip()]


def load_labelled(
    path: str | Path,
    *,
    fmt: str | None = None,
    text_field: str = "text",
    label_field: str = "label",
    min_examples: int = 2,
    descriptions: dict[str, str] | None = None,
) -> LabelledData:
    """Read and validate a labelled-query file.

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
    text = read_text(p)
    if kind == "txt":
        return LabelledData(examples=[], ood=read_ood_lines(p), source=str(p))
    if not text.strip():
        raise DataError("file is empty", path=p, hint="add labelled queries, or check the path")
    if kind in ("csv", "tsv"):
        rows, descs, errors = _read_delimited(
            p, text, "," if kind == "csv" else "\t", text_field, label_field
        )
    elif kind == "jsonl":
        rows, descs, errors = _read_jsonl(p, text, text_field, label_field)
    elif kind == "yaml":
        rows, descs, errors = _read_yaml(p, text)
    else:
        raise DataError(f"unknown format {kind!r}", path=p)
    return validate_rows(
        rows, p, errors, {**descs, **(descriptions or {})}, min_examples, text_field, label_field
    )


def validate_rows(
    rows: Iterable[tuple[int, str, tuple[str, ...]]],
    path: Path | str,
    errors: list[DataError] | None = None,
    descriptions: dict[str, str] | None = None,
    min_examples: int = 2,
    text_field: str = "text",
    label_field: str = "label",
) -> LabelledData:
    """Turn (line, text, labels) rows into :class:`LabelledData`, collecting every problem."""
    errors = list(errors or [])
    seen: dict[str, tuple[tuple[str, ...], int]] = {}
    examples: list[Example] = []
    ood: list[str] = []
    for line, raw_text, labels in rows:
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
            prev_labels, prev_line = seen[key]
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
        seen[key] = (labels, line)
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
