"""Labelled queries: the data model and loading a file into it.

Formats (chosen by extension; the readers are in :mod:`kodial.classify.readers`):

- CSV / TSV, with a header or without one (``.txt`` files whose lines hold tabs are TSV): a
  text column and a label column, found by name (``text``, ``question``, ``document`` ...;
  ``label``, ``intent`` ...) or content, or named with ``text_field`` / ``label_field``.
  Several labels in one cell, separated by ``|``, make the file multi-label. Optional columns:
  ``group`` (the paraphrase set a query belongs to, kept together when splitting) and
  ``description`` (the label's description, the text used in NLI hypotheses).
- JSONL: one object per line, ``{"text": ..., "label": "finance"}`` or ``"labels": [...]``.
- YAML: ``label: [example, ...]`` or ``label: {description: 금융, examples: [...]}``.
- ``.txt`` without tabs: out-of-domain queries, one per line.

The reserved label ``__ood__`` marks out-of-domain queries: they are kept apart (``data.ood``) and
used to calibrate the fallback, never learned as a class. Validation, duplicates and conflicting
labels are handled by :mod:`kodial.classify.cleaning`.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kodial.classify.cleaning import OOD_LABEL, DataReport, OnConflict, clean_rows
from kodial.classify.readers import (
    MULTI_LABEL_SEP,
    Row,
    looks_tabular,
    read_delimited,
    read_jsonl,
    read_yaml_labels,
)
from kodial.classify.results import FALLBACK
from kodial.errors import DataError
from kodial.textio import ReadLimits, check_input_file, check_text, iter_lines

__all__ = ["FALLBACK", "MULTI_LABEL_SEP", "OOD_LABEL", "Example", "LabelledData", "load_labelled"]


@dataclass(frozen=True, slots=True)  # slots: a million examples, no dict each
class Example:
    """One labelled query; ``line`` is where it came from, for error messages."""

    text: str
    labels: tuple[str, ...]
    line: int | None = None
    group: str | None = None
    """The paraphrase set the query belongs to (a ``group`` column), kept whole when split."""


@dataclass
class LabelledData:
    """Validated labelled queries plus optional label descriptions and out-of-domain queries."""

    examples: list[Example]
    descriptions: dict[str, str] = field(default_factory=dict)
    ood: list[str] = field(default_factory=list)
    multi_label: bool = False
    source: str | None = None
    report: DataReport | None = None
    """What reading the file kept, dropped and resolved (None for data built in code)."""

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
                raise limits.too_many_rows(p, i, "queries")
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
    text_field: str | None = None,
    label_field: str | None = None,
    group_field: str | None = None,
    min_examples: int = 2,
    descriptions: dict[str, str] | None = None,
    limits: ReadLimits | None = None,
    on_conflict: OnConflict = "error",
) -> LabelledData:
    """Read and validate a labelled-query file (bounded by ``limits``, default
    :meth:`ReadLimits.from_env <kodial.textio.ReadLimits.from_env>`).

    Raises :class:`~kodial.errors.DataErrors` listing every problem (file, line, field): empty
    text, missing label, the same text under conflicting labels (unless ``on_conflict`` says
    otherwise), a label with fewer than ``min_examples`` examples. Exact duplicates (same text,
    same labels) are dropped; ``data.report`` counts them.

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
        if not looks_tabular(p, limits):
            data = LabelledData(examples=[], ood=read_ood_lines(p, limits), source=str(p))
            data.report = DataReport(source=str(p), rows=len(data.ood), ood=len(data.ood))
            return data
        kind = "tsv"
    errors: list[DataError] = []
    descs: dict[str, str] = {}
    notes: list[str] = []
    rows: Iterable[Row]
    if kind in ("csv", "tsv"):
        delimiter = "," if kind == "csv" else "\t"
        rows = read_delimited(
            p, delimiter, text_field, label_field, group_field, limits, errors, descs, notes
        )
    elif kind == "jsonl":
        rows = read_jsonl(p, text_field, label_field, group_field, limits, errors, descs)
    elif kind == "yaml":
        rows = read_yaml_labels(p, limits, errors, descs)
    else:
        raise DataError(f"unknown format {kind!r}", path=p)
    # the readers stream: their errors and descriptions are complete once the rows are consumed
    data = validate_rows(
        rows,
        p,
        errors,
        min_examples=min_examples,
        text_field=text_field or "text",
        label_field=label_field or "label",
        limits=limits,
        on_conflict=on_conflict,
    )
    for label, desc in descs.items():
        check_text(desc, p, None, f"description of {label}")
    data.descriptions = {**descs, **(descriptions or {})}
    if data.report is not None:
        data.report.notes = notes
    return data


def validate_rows(
    rows: Iterable[Row] | Iterable[tuple[int, str, tuple[str, ...]]],
    path: Path | str,
    errors: list[DataError] | None = None,
    descriptions: dict[str, str] | None = None,
    *,
    min_examples: int = 2,
    text_field: str = "text",
    label_field: str = "label",
    limits: ReadLimits | None = None,
    on_conflict: OnConflict = "error",
) -> LabelledData:
    """:class:`LabelledData` from rows as read, ``(line, text, labels[, group])``, validated by
    :func:`kodial.classify.cleaning.clean_rows` (every problem raised together)."""
    full = ((r[0], r[1], r[2], r[3] if len(r) > 3 else None) for r in rows)
    kept, ood, report = clean_rows(
        full, path, errors, min_examples, text_field, label_field, limits, on_conflict
    )
    examples = [Example(text, labels, line, group) for line, text, labels, group in kept]
    multi = any(len(ex.labels) > 1 for ex in examples)
    return LabelledData(examples, dict(descriptions or {}), ood, multi, str(path), report)


def read_ood(
    path: str | Path, ood_field: str | None = None, limits: ReadLimits | None = None
) -> list[str]:
    """Out-of-domain queries from a file of any supported format: a ``.txt`` of one query per
    line, or a labelled file (CSV, TSV, JSONL, YAML) whose every row counts as out-of-domain
    whatever its label says (kochat's ``ood_data.csv`` labels them ``OOD``). The text column is
    ``ood_field``, else found as in :func:`load_labelled`; a label column is not needed."""
    p = Path(path)
    if p.is_dir():
        raise DataError("is a directory, expected a file", path=p, hint="give the data file itself")
    kind = _sniff_format(p, None)
    limits = limits or ReadLimits.from_env()
    _check_file(p, limits)
    if kind == "txt" and not looks_tabular(p, limits):
        return read_ood_lines(p, limits)
    errors: list[DataError] = []
    rows: Iterable[Row]
    if kind in ("csv", "tsv", "txt"):
        delimiter = "," if kind == "csv" else "\t"
        rows = read_delimited(
            p, delimiter, ood_field, None, None, limits, errors, {}, [], need_label=False
        )
    elif kind == "jsonl":
        rows = read_jsonl(p, ood_field, None, None, limits, errors, {})
    else:
        rows = read_yaml_labels(p, limits, errors, {})
    ood_rows = ((line, text, (OOD_LABEL,), None) for line, text, _, _ in rows)
    field = ood_field or "text"
    _, ood, _ = clean_rows(ood_rows, p, errors, min_examples=0, text_field=field, limits=limits)
    return ood


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
