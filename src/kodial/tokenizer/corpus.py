"""Streaming training text from files and saved ``datasets``, one text at a time.

A tokenizer corpus can be tens of gigabytes, so nothing here reads a whole file: files are read line
by line (``.txt``: one text per line; ``.jsonl``: one JSON object per line, text in ``field``;
``.tsv`` / ``.csv``: one row per record, text in ``column``), ``.parquet`` files are streamed by
``datasets`` (text in ``field``), and a directory written by ``datasets.Dataset.save_to_disk`` is
iterated row by row from its memory-mapped Arrow files.

There is no limit on a corpus's size, but one on each line (``KODIAL_MAX_LINE_CHARS``) and CSV
cell (``KODIAL_MAX_CELL_CHARS``), so one runaway line cannot exhaust memory. Encoding problems
are user errors: a file that is not UTF-8 raises a :class:`~kodial.errors.DataError`
naming the file and line (and saying when it looks like CP949) before any training starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kodial import textio
from kodial.csvio import iter_table
from kodial.errors import DataError, KodialError
from kodial.textio import ReadLimits, parse_json

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

TEXT_SUFFIXES = (".txt", ".jsonl", ".tsv", ".csv", ".parquet")
"""File types :func:`iter_texts` reads (plus saved-dataset directories)."""


@dataclass
class TextSource:
    """Where the text is inside each input."""

    field: str = "text"
    """JSONL key, parquet column or saved-dataset column holding the text."""
    column: str | None = None
    """TSV/CSV column(s) holding the text: header names or 0-based indices, comma-separated
    (``Q,A`` reads both). None: the first column named ``document``, ``text``, ``sentence``,
    ``sentence1``, ``Q``, ``question`` or ``utterance``."""


def iter_lines(path: Path, on_bytes: Callable[[int], None] | None = None) -> Iterator[str]:
    """Decoded lines of a UTF-8 file (BOM dropped, line ends stripped), streamed; a line over
    the line limit (``KODIAL_MAX_LINE_CHARS``) is an error at its line."""
    for _, line in textio.iter_lines(path, ReadLimits.streaming(), on_bytes=on_bytes):
        yield line


_TEXT_COLUMNS = ("document", "text", "sentence", "sentence1", "Q", "question", "utterance")


def _pick_columns(header: list[str], column: str | None, path: Path) -> list[int]:
    if column is not None:
        return [_pick_column(header, name.strip(), path) for name in column.split(",")]
    for name in _TEXT_COLUMNS:
        if name in header:
            return [header.index(name)]
    raise DataError(
        "cannot tell which column holds the text",
        path=path,
        line=1,
        hint=f"pass --column with one of: {', '.join(header)}",
    )


def _pick_column(header: list[str], column: str, path: Path) -> int:
    if column.isdigit():
        index = int(column)
        if index >= len(header):
            raise DataError(f"no column {index}: rows have {len(header)}", path=path, line=1)
        return index
    if column not in header:
        raise DataError(
            f"no column {column!r}", path=path, line=1, hint=f"columns: {', '.join(header)}"
        )
    return header.index(column)


def _iter_table(
    path: Path, source: TextSource, on_bytes: Callable[[int], None] | None
) -> Iterator[str]:
    limits = ReadLimits.streaming()
    rows: Iterator[tuple[int, list[str]]]
    if path.suffix == ".tsv":
        # TSV corpora (NSMC, KorNLI) use quotes as ordinary characters and may hold stray \r
        rows = (
            (n, line.split("\t")) for n, line in textio.iter_lines(path, limits, on_bytes=on_bytes)
        )
    else:
        # CSV quotes fields; strict parsing finds quotes left open, a stray \r reads as a space
        rows = (
            (row.line, row.cells)
            for row in iter_table(path, ",", limits, stray_cr=True, on_bytes=on_bytes)
        )
    first = next(rows, None)
    if first is None:
        return
    indices = _pick_columns(first[1], source.column, path)
    for lineno, row in rows:
        if len(row) <= max(indices) and any(cell.strip() for cell in row):
            raise DataError(
                f"row has {len(row)} column(s), the text column is number {max(indices)}",
                path=path,
                line=lineno,
            )
        yield from (row[i] for i in indices if i < len(row))


def _iter_jsonl(
    path: Path, source: TextSource, on_bytes: Callable[[int], None] | None
) -> Iterator[str]:
    for lineno, line in textio.iter_lines(path, ReadLimits.streaming(), on_bytes=on_bytes):
        if not line.strip():
            continue
        record = parse_json(line, path, lineno)  # syntax, nesting, lone surrogates
        value = record.get(source.field) if isinstance(record, dict) else None
        if not isinstance(value, str):
            raise DataError(
                "missing or non-text field",
                path=path,
                line=lineno,
                field=source.field,
                hint="pass --field with the key that holds the text",
            )
        yield value


def _iter_dataset(path: Path, source: TextSource) -> Iterator[str]:
    from datasets import load_from_disk

    dataset = load_from_disk(str(path))
    # a DatasetDict holds several splits: read them all, in order
    splits = [dataset[name] for name in dataset] if hasattr(dataset, "keys") else [dataset]
    for split in splits:
        if source.field not in split.column_names:
            raise DataError(
                "no such column in the dataset",
                path=path,
                field=source.field,
                hint=f"columns: {', '.join(split.column_names)}",
            )
        for batch in split.iter(batch_size=1000):
            yield from (t for t in batch[source.field] if isinstance(t, str))


def _iter_parquet(path: Path, source: TextSource) -> Iterator[str]:
    from datasets import load_dataset

    stream = load_dataset("parquet", data_files=str(path), split="train", streaming=True)
    columns = stream.column_names
    if columns is not None and source.field not in columns:
        raise DataError(
            "no such column in the parquet file",
            path=path,
            field=source.field,
            hint=f"columns: {', '.join(columns)}",
        )
    for row in stream:
        text = row.get(source.field)
        if isinstance(text, str):
            yield text


def check_inputs(paths: Sequence[str | Path]) -> list[Path]:
    """The inputs as paths, each an existing file of a known type or a saved dataset."""
    if not paths:
        raise KodialError("no input files given")
    checked = []
    for item in paths:
        p = Path(item)
        if not p.exists():
            raise DataError("file not found", path=p, hint="check the path")
        if p.is_dir():
            if not (p / "dataset_info.json").exists() and not (p / "dataset_dict.json").exists():
                raise DataError(
                    "directory is not a saved dataset",
                    path=p,
                    hint="pass text files, or a directory written by Dataset.save_to_disk",
                )
        elif p.suffix not in TEXT_SUFFIXES:
            raise DataError(
                f"unsupported file type {p.suffix or '(none)'}",
                path=p,
                hint=f"use one of {', '.join(TEXT_SUFFIXES)}",
            )
        checked.append(p)
    return checked


def input_bytes(paths: Sequence[Path]) -> int:
    """Total size of the file inputs (for progress bars); datasets count as 0."""
    return sum(p.stat().st_size for p in paths if p.is_file())


def iter_texts(
    paths: Sequence[str | Path],
    source: TextSource | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Every non-empty text of every input, in order, streamed.

    ``on_bytes`` is called with the size of each raw line read (progress reporting).
    """
    source = source or TextSource()
    for path in check_inputs(paths):
        if path.is_dir():
            texts: Iterator[str] = _iter_dataset(path, source)
        elif path.suffix == ".parquet":
            texts = _iter_parquet(path, source)
        elif path.suffix == ".jsonl":
            texts = _iter_jsonl(path, source, on_bytes)
        elif path.suffix in (".tsv", ".csv"):
            texts = _iter_table(path, source, on_bytes)
        else:
            texts = iter_lines(path, on_bytes)
        for text in texts:
            if text.strip():
                yield cut_long_words(text)


MAX_WORD_CHARS = 256
"""Longest run of non-space characters passed to a trainer as one word; longer runs (base64
blobs, minified code, a line of one repeated character) are cut into pieces of this size.
BPE training time grows with the square of a word's length: one 300,000-character word took
75 s and a 3,000,000-character one did not finish, while no real word comes near 256."""

_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


def cut_long_words(text: str) -> str:
    """``text`` with every run of more than :data:`MAX_WORD_CHARS` non-space characters split
    by spaces into pieces of at most that length (other text unchanged).

    >>> cut_long_words("ab " + "x" * 600)[:3], [len(w) for w in cut_long_words("x" * 600).split()]
    ('ab ', [256, 256, 88])
    """
    if len(text) <= MAX_WORD_CHARS:
        return text

    def cut(match: re.Match[str]) -> str:
        word = match.group()
        return " ".join(word[i : i + MAX_WORD_CHARS] for i in range(0, len(word), MAX_WORD_CHARS))

    return _LONG_WORD.sub(cut, text)


def progress_bar(console: Console, in_bytes: bool) -> Progress:
    """A progress bar for reading a corpus: bytes and speed, or a count of steps."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TransferSpeedColumn,
    )

    counts = (DownloadColumn(), TransferSpeedColumn()) if in_bytes else (MofNCompleteColumn(),)
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        *counts,
        TimeElapsedColumn(),
        console=console,
    )
