"""Reading CSV/TSV files: streamed, bounded, every error located.

:func:`iter_table` yields one :class:`TableRow` per record with the line it starts on, finds
quoting problems (a quote opened and never closed swallows the rest of the file) and names the line
where they start, and keeps memory to the longest record. Limits are those of
:class:`kodial.textio.ReadLimits`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kodial.errors import DataError
from kodial.textio import ReadLimits, iter_lines


@dataclass
class TableRow:
    """One CSV/TSV record: where it starts, its cells, and its physical lines when it spans
    more than one (a quoted cell holding a line break)."""

    line: int
    cells: list[str]
    lines: list[tuple[int, str]] | None = None

    def quote_line(self, delimiter: str) -> int:
        """The line where the first quoted cell spanning a line break opened (for a multi-line
        record; else the record's line)."""
        if not self.lines:
            return self.line
        return _quote_scan("".join(t for _, t in self.lines), delimiter, self.line)[2] or self.line

    def inner_rows(self, width: int, delimiter: str) -> Iterator[tuple[int, list[str]]]:
        """Physical lines of a multi-line record that read as a complete row of ``width``
        cells on their own (quotes taken literally): what a quote that never closed on its line
        would have swallowed. The first line is left out when the multi-line cell is the last
        column, the last line when it is the first column: there a real multi-line cell puts
        every cell of its row on that one line."""
        lines = self.lines or []
        column = next((i for i, c in enumerate(self.cells) if "\n" in c or "\r" in c), None)
        if column is None:
            return
        for k, (lineno, text) in enumerate(lines):
            if (k == 0 and column == width - 1) or (k == len(lines) - 1 and column == 0):
                continue
            cells = next(
                csv.reader([text.rstrip("\r\n")], delimiter=delimiter, quoting=csv.QUOTE_NONE),
                [],
            )
            if len(cells) == width:
                yield lineno, [c.strip().strip('"').strip() for c in cells]


def _quote_scan(text: str, delimiter: str, first_line: int) -> tuple[int | None, bool, int | None]:
    """(line where the last quoted field of ``text`` opened, whether it is still open, line where
    the first quoted field holding a line break opened), reading quotes as the csv module's
    default dialect does: a quote opens a field only at its start; inside, a doubled quote is a
    literal quote."""
    line, quote_line, multi_line = first_line, None, None
    start, quoted, after_quote = True, False, False
    for ch in text:
        if quoted:
            if ch == '"':
                quoted, after_quote = False, True
            elif ch == "\n":
                line += 1
                if multi_line is None:
                    multi_line = quote_line
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
    return quote_line, quoted, multi_line


def _csv_error(
    exc: csv.Error, path: Path, lines: list[tuple[int, str]], delimiter: str, limits: ReadLimits
) -> DataError:
    """A csv module error as a :class:`DataError` at the line where the trouble began (the
    quote that opened the field, not where the parser gave up)."""
    first = lines[0][0] if lines else 1
    last = lines[-1][0] if lines else 1
    quote_line, still_open, _ = _quote_scan("".join(t for _, t in lines), delimiter, first)
    problem = str(exc)
    close_hint = 'close the quote, or write a literal quote inside a quoted field as ""'
    if "field larger than field limit" in problem:
        message = f"a cell is longer than {limits.max_cell_chars:,} characters"
        hint = limits.hint("max_cell_chars")
        if still_open and quote_line is not None:
            message += (
                f": the quoted field opened on line {quote_line} is still open on line {last}; "
                "an unterminated quote?"
            )
            hint = f"{close_hint}; {hint}"
        return DataError(
            message,
            path=path,
            line=quote_line if still_open and quote_line is not None else first,
            hint=hint,
        )
    if still_open and quote_line is not None:
        return DataError(
            "unterminated quote: this quoted field never closes, so the rest of the file would "
            "be read as one cell",
            path=path,
            line=quote_line,
            hint=close_hint,
        )
    if "expected after" in problem and quote_line is not None:
        if last > quote_line:
            return DataError(
                f"unterminated quote: the quoted field opened here only closes on line {last}, "
                "so the lines in between would be read as one cell",
                path=path,
                line=quote_line,
                hint=close_hint,
            )
        return DataError(
            "text after the closing quote of a quoted field",
            path=path,
            line=quote_line,
            hint='quote the whole cell and double the quotes inside it: "he said ""hi"" then"',
        )
    if "new-line character seen in unquoted field" in problem:
        return DataError(
            "a carriage return (\\r) inside an unquoted cell",
            path=path,
            line=last,
            hint="save the file with Unix (\\n) or Windows (\\r\\n) line ends, or quote the cell",
        )
    return DataError(f"malformed CSV: {problem}", path=path, line=last)


def iter_table(
    path: Path,
    delimiter: str,
    limits: ReadLimits | None = None,
    *,
    stray_cr: bool = False,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[TableRow]:
    """Records of a CSV/TSV file (the header is the first), streamed and bounded: cells over
    ``limits.max_cell_chars`` and quoting mistakes are errors at their line, found with the
    strict parser (a quote that closes in the middle of a later line would otherwise merge the
    rows in between silently). ``stray_cr=True`` reads a carriage return inside a line as a space
    (scraped corpora hold them; the csv module would stop)."""
    limits = limits or ReadLimits.from_env()
    record: list[tuple[int, str]] = []
    lines = iter_lines(
        path, limits, keep_ends=True, max_chars=limits.max_line_chars, on_bytes=on_bytes
    )

    def feed() -> Iterator[str]:
        for lineno, text in lines:
            if stray_cr and "\r" in text.rstrip("\r\n"):
                text = text.rstrip("\r\n").replace("\r", " ") + "\n"
            record.append((lineno, text))
            yield text

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    rows = 0
    while True:
        # the csv module's cell limit is process-wide: set for this row only (a reader in another
        # thread may see it for that moment; every kodial reader sets its own before each row)
        before = csv.field_size_limit(min(limits.max_cell_chars, _C_LONG_MAX))
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(exc, path, record, delimiter, limits) from None
        finally:
            csv.field_size_limit(before)
        if rows > limits.max_rows:  # the header is row 0
            raise limits.too_many_rows(path, record[0][0], "rows")
        rows += 1
        yield TableRow(record[0][0], cells, list(record) if len(record) > 1 else None)
        record.clear()


_C_LONG_MAX = (1 << 31) - 1
"""The csv module keeps its cell limit in a C long (32 bits on some platforms)."""
