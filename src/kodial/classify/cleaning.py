"""Turning rows as read into validated examples: what was dropped, merged or refused, and why.

Real files are noisy: 3i4k has 226 texts under two labels, NSMC 12, kochat's intent file 39,
and all of them repeat texts. Every problem is collected with its file, line and field; the
choices a user can make are named in the error:

- **exact duplicates** (same text after normalising spaces and Unicode, same labels) are
  dropped and counted;
- **conflicts** (same text, different labels) follow ``on_conflict``: ``error`` (the default:
  every conflicting row is reported, and the hint names the other choices), ``majority`` (keep
  the label the text has most often; a tie drops the text) or ``drop`` (remove the text).

Whatever happened is in :class:`DataReport`, with counts and example lines, which the training
report shows.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from kodial.classify.options import OnConflict
from kodial.errors import DataError, DataErrors
from kodial.textio import ReadLimits, check_text

OOD_LABEL = "__ood__"
"""Label marking an out-of-domain example in any input format."""

EXAMPLES_SHOWN = 5
"""Example lines kept per kind of change in the report."""

CONFLICT_HINT = (
    "keep one label per text (or one label set in a multi-label file), or pass "
    "--on-conflict majority (keep the label the text has most often) or --on-conflict drop "
    "(leave such texts out)"
)


class DataReport(BaseModel):
    """What reading a labelled file kept, dropped and resolved (in ``report.json``)."""

    source: str | None = None
    rows: int = 0
    """Labelled rows read (out-of-domain rows included)."""
    examples: int = 0
    """In-domain examples kept."""
    ood: int = 0
    """Out-of-domain queries (label ``__ood__``)."""
    duplicates: int = 0
    """Rows dropped because an earlier row has the same text and labels."""
    duplicate_lines: list[str] = Field(default_factory=list)
    """A few of them: "line 40 repeats line 3: ..."."""
    on_conflict: OnConflict = "error"
    conflicts: int = 0
    """Texts found under different labels."""
    conflict_rows: int = 0
    """Rows those texts take up."""
    conflicts_dropped: int = 0
    """Of the conflicting texts, how many were left out (``drop``, or a ``majority`` tie)."""
    conflict_lines: list[str] = Field(default_factory=list)
    """A few of them: "'text': 0 (lines 3, 9) vs 1 (line 40) -> kept 0"."""
    notes: list[str] = Field(default_factory=list)
    """How the file was read (columns guessed in a file without a header ...)."""

    def summary(self) -> list[str]:
        """One line per thing a user should know, for the CLI."""
        out = list(self.notes)
        if self.duplicates:
            out.append(
                f"{self.duplicates} duplicate row(s) dropped (same text and label as an earlier "
                f"row), e.g. {'; '.join(self.duplicate_lines[:2])}"
            )
        if self.conflicts:
            kept = self.conflicts - self.conflicts_dropped
            out.append(
                f"{self.conflicts} text(s) had conflicting labels ({self.conflict_rows} rows): "
                f"--on-conflict {self.on_conflict} kept {kept}, dropped {self.conflicts_dropped}; "
                f"e.g. {'; '.join(self.conflict_lines[:2])}"
            )
        return out


def normalise_text(text: str) -> str:
    """The text an example keeps: NFC (decomposed Hangul from macOS composed), whitespace runs
    to one space, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _lines(lines: list[int | None]) -> str:
    shown = [str(n) for n in lines[:3] if n is not None]
    more = f" +{len(lines) - 3}" if len(lines) > 3 else ""
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(shown) + more


def clean_rows(
    rows: Iterable[tuple[int, str, tuple[str, ...], str | None]],
    path: Path | str,
    errors: list[DataError] | None = None,
    min_examples: int = 2,
    text_field: str = "text",
    label_field: str = "label",
    limits: ReadLimits | None = None,
    on_conflict: OnConflict = "error",
) -> tuple[list[tuple[int | None, str, tuple[str, ...], str | None]], list[str], DataReport]:
    """Validate (line, text, labels, group) rows: returns the kept examples as (line, text,
    labels, group), the OOD texts and the :class:`DataReport`.

    Every problem goes to ``errors`` (which a streaming reader of ``rows`` may still be adding
    to) and they are raised together as :class:`~kodial.errors.DataErrors`: empty text, no
    label, a text over ``limits.max_cell_chars`` characters, text that cannot be written as
    UTF-8, conflicting labels (with ``on_conflict="error"``), a label with fewer than
    ``min_examples`` examples."""
    max_chars = limits.max_cell_chars if limits is not None else None
    errors = errors if errors is not None else []  # shared: a streaming reader adds to it
    report = DataReport(source=str(path), on_conflict=on_conflict)
    order: dict[str, int] = {}  # text -> position of its first row
    first: list[tuple[int | None, str, tuple[str, ...], str | None]] = []
    # label sets of each text seen under more than one: text -> {sorted labels: [lines]}
    variants: dict[str, dict[tuple[str, ...], list[int | None]]] = {}
    # lines that repeated a text with its first label set: votes for it, should a conflict come
    repeats: dict[str, list[int | None]] = {}
    ood: list[str] = []
    for line, raw_text, labels, group in rows:
        report.rows += 1
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
        t = normalise_text(raw_text)
        if not t:
            errors.append(DataError("empty text", path=path, line=line, field=text_field))
            continue
        if not labels:
            errors.append(DataError("missing label", path=path, line=line, field=label_field))
            continue
        if OOD_LABEL in labels:
            ood.append(t)
            continue
        key = tuple(sorted(set(labels)))
        if t not in order:
            order[t] = len(first)
            first.append((line, t, labels, group))
            continue
        prev_line, _, prev_labels, _ = first[order[t]]
        prev_key = tuple(sorted(set(prev_labels)))
        if t not in variants:
            if key == prev_key:
                report.duplicates += 1
                repeats.setdefault(t, []).append(line)
                if len(report.duplicate_lines) < EXAMPLES_SHOWN:
                    report.duplicate_lines.append(
                        f"line {line} repeats line {prev_line}: {_short(t)!r}"
                    )
                continue
            # the rows that repeated the first label set are votes for it, not duplicates
            earlier = repeats.pop(t, [])
            report.duplicates -= len(earlier)
            report.duplicate_lines = [
                d for d in report.duplicate_lines if not d.endswith(f": {_short(t)!r}")
            ]
            variants[t] = {prev_key: [prev_line, *earlier]}
        seen = variants[t]
        if key in seen:  # one more row of a label set this text already has
            seen[key].append(line)
            continue
        seen[key] = [line]
        if on_conflict == "error":
            errors.append(
                DataError(
                    f"the same text is labelled {'|'.join(prev_labels)!r} on line {prev_line} "
                    f"and {'|'.join(labels)!r} here",
                    path=path,
                    line=line,
                    field=label_field,
                    hint=CONFLICT_HINT,
                )
            )
    examples = _resolve(first, variants, on_conflict, report)
    counts = Counter(lab for _, _, labs, _ in examples for lab in labs)
    for label, n in sorted(counts.items()):
        if n < min_examples:
            at = next(line for line, _, labs, _ in examples if label in labs)
            errors.append(
                DataError(
                    f"label {label!r} has {n} example(s), at least {min_examples} needed",
                    path=path,
                    line=at,
                    field=label_field,
                    hint="add examples for that label or remove it",
                )
            )
    if errors:
        raise DataErrors(errors)
    if not examples and not ood:
        raise DataError("no examples found", path=path)
    report.examples, report.ood = len(examples), len(ood)
    return examples, ood, report


def _resolve(
    first: list[tuple[int | None, str, tuple[str, ...], str | None]],
    variants: dict[str, dict[tuple[str, ...], list[int | None]]],
    on_conflict: OnConflict,
    report: DataReport,
) -> list[tuple[int | None, str, tuple[str, ...], str | None]]:
    """The examples after conflicts are resolved (``error`` has already reported them)."""
    conflicted = variants
    report.conflicts = len(conflicted)
    report.conflict_rows = sum(len(lines) for v in conflicted.values() for lines in v.values())
    if not conflicted or on_conflict == "error":
        return first
    out = []
    for line, text, labels, group in first:
        seen = conflicted.get(text)
        if seen is None:
            out.append((line, text, labels, group))
            continue
        ranked = sorted(seen.items(), key=lambda kv: -len(kv[1]))
        tie = len(ranked) > 1 and len(ranked[0][1]) == len(ranked[1][1])
        keep = on_conflict == "majority" and not tie
        if keep:
            winner, lines = ranked[0]
            out.append((lines[0], text, winner, group))
        else:
            report.conflicts_dropped += 1
        if len(report.conflict_lines) < EXAMPLES_SHOWN:
            parts = " vs ".join(f"{'|'.join(k)} ({_lines(v)})" for k, v in ranked)
            verdict = f"kept {'|'.join(ranked[0][0])}" if keep else "dropped"
            report.conflict_lines.append(f"{_short(text)!r}: {parts} -> {verdict}")
    return out
