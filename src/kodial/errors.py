"""User-facing errors.

Everything a user can cause (a bad file, a wrong option) raises a :class:`KodialError`; the CLI
prints it as one clear message with a hint, never a traceback. Programming errors stay ordinary
exceptions.
"""

from __future__ import annotations

from pathlib import Path


class KodialError(Exception):
    """An error the user can fix. ``hint`` says how."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class DataError(KodialError):
    """A problem in an input file, located by file, line and field.

    >>> print(DataError("empty text", path="q.csv", line=3, field="text"))
    q.csv:3: field 'text': empty text
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        where = self.path or "<input>"
        if line is not None:
            where += f":{line}"
        if field is not None:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}", hint)


class DataErrors(DataError):
    """Several :class:`DataError` found in one pass, reported together. It is a
    :class:`DataError` itself, located where the first problem is, so callers that expect one
    error (``except DataError``) see the first and can read all of them in ``errors``."""

    def __init__(self, errors: list[DataError], limit: int = 20) -> None:
        self.errors = errors
        first = errors[0] if errors else DataError("no details")
        hints = sorted({e.hint for e in errors if e.hint})
        KodialError.__init__(self, first.message, "; ".join(hints) if hints else None)
        self.path, self.line, self.field = first.path, first.line, first.field
        if len(errors) > 1:
            shown = "\n".join(f"  - {e.message}" for e in errors[:limit])
            more = f"\n  ... and {len(errors) - limit} more" if len(errors) > limit else ""
            self.message = f"{len(errors)} problem(s) in input:\n{shown}{more}"
