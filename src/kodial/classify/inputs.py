"""Queries to classify, from a file or standard input, under the same limits as training data.

A labelled file (CSV, TSV, JSONL, YAML) gives its texts with their gold labels (out-of-domain
ones as ``__ood__``); any other file, and standard input, is one query per line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kodial.classify.data import OOD_LABEL, load_labelled, read_ood_lines
from kodial.errors import DataError
from kodial.textio import ReadLimits, check_text, not_utf8

LABELLED_SUFFIXES = (".csv", ".tsv", ".jsonl", ".yaml", ".yml")


def read_queries(
    source: str | None, text_field: str | None = None, label_field: str | None = None
) -> tuple[list[str], list[Any]]:
    """(texts, gold labels or None each) from ``source``: a file, or stdin for ``-``/None."""
    if source is None or source == "-":
        texts = read_stdin_lines()
        return texts, [None] * len(texts)
    path = Path(source)
    if path.suffix.lower() in LABELLED_SUFFIXES:
        data = load_labelled(path, text_field=text_field, label_field=label_field, min_examples=1)
        gold: list[Any] = [
            list(ex.labels) if data.multi_label else ex.labels[0] for ex in data.examples
        ]
        return data.texts + data.ood, gold + [OOD_LABEL] * len(data.ood)
    texts = read_ood_lines(path)  # one query per line: streamed and bounded like an OOD file
    return texts, [None] * len(texts)


def read_stdin_lines() -> list[str]:
    """Queries from standard input, one per line, under the same limits as a file: at most
    ``max_bytes`` read, UTF-8 only, each line a query of at most ``max_cell_chars``."""
    limits = ReadLimits.from_env()
    stream = getattr(sys.stdin, "buffer", None)
    chunks: list[bytes] = []
    size = 0
    while True:  # in chunks: read(n) would reserve all n bytes up front
        if stream is None:  # a text stream without bytes underneath (tests, embedding)
            chunk = sys.stdin.read(1 << 20).encode("utf-8", "surrogatepass")
        else:
            chunk = stream.read(1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limits.max_bytes:
            raise DataError(
                f"more than {limits.max_bytes:,} bytes",
                path="<stdin>",
                hint=limits.hint("max_bytes"),
            )
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(raw, Path("<stdin>"), raw[: exc.start].count(b"\n") + 1) from None
    texts = []
    for n, line in enumerate(text.splitlines(), start=1):
        if len(line) > limits.max_cell_chars:
            raise DataError(
                f"line is longer than {limits.max_cell_chars:,} characters",
                path="<stdin>",
                line=n,
                hint=limits.hint("max_cell_chars"),
            )
        if line.strip():
            texts.append(check_text(line.strip(), "<stdin>", n, None))
    return texts
