"""Reading user text files: UTF-8 (with or without BOM) only, with a clear error otherwise.

Every reader here is bounded (:class:`ReadLimits`): a file, a line, a cell or a row count past
its limit is a :class:`~kodial.errors.DataError` naming the file, the line and the setting that
raises the limit, never a memory blow-up or a traceback. Line-wise readers stream: memory follows
the longest line (or CSV record), not the file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, ClassVar

from kodial.errors import DataError, KodialError


@dataclass(frozen=True)
class ReadLimits:
    """How much one input file may hold. Each limit is raised with its environment variable
    (``KODIAL_MAX_ROWS=5000000 kodial classify train ...``); 0 there means no limit."""

    max_bytes: int = 1 << 30
    """Size of a file read into memory (labelled queries, dialogues, preference pairs);
    ``KODIAL_MAX_INPUT_BYTES``. Streamed corpora (tokenizer training) have no size limit."""
    max_rows: int = 1_000_000
    """Rows (CSV/TSV), lines (JSONL) or records (JSON list) of such a file; ``KODIAL_MAX_ROWS``."""
    max_cell_chars: int = 100_000
    """Characters of one CSV/TSV cell; ``KODIAL_MAX_CELL_CHARS``."""
    max_line_chars: int = 10_000_000
    """Characters of one line (a JSONL record holds a whole conversation);
    ``KODIAL_MAX_LINE_CHARS``."""

    ENV: ClassVar[dict[str, str]] = {
        "max_bytes": "KODIAL_MAX_INPUT_BYTES",
        "max_rows": "KODIAL_MAX_ROWS",
        "max_cell_chars": "KODIAL_MAX_CELL_CHARS",
        "max_line_chars": "KODIAL_MAX_LINE_CHARS",
    }

    @classmethod
    def from_env(cls) -> ReadLimits:
        """The defaults, overridden by the environment variables in :attr:`ENV`."""
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = os.environ.get(cls.ENV[f.name], "").strip().replace("_", "")
            if not raw:
                continue
            if not raw.isdigit():
                raise KodialError(
                    f"{cls.ENV[f.name]}={os.environ[cls.ENV[f.name]]!r} is not a whole number",
                    hint=f"set it to a number of {f.name.removeprefix('max_')}, or 0 for no limit",
                )
            values[f.name] = int(raw) or _UNLIMITED
        return cls(**values)

    @classmethod
    def streaming(cls) -> ReadLimits:
        """Limits of a streamed corpus (tokenizer training): no file size or row limit, since
        memory does not grow with the file; the line and cell limits of :meth:`from_env`."""
        return replace(cls.from_env(), max_bytes=_UNLIMITED, max_rows=_UNLIMITED)

    def hint(self, name: str) -> str:
        """How to raise limit ``name``."""
        return (
            f"if the input is right, raise the limit: {self.ENV[name]}=N "
            f"(now {getattr(self, name)}; 0 = no limit)"
        )

    def too_many_rows(self, path: Path | str, line: int | None, what: str = "rows") -> DataError:
        """The error for an input past :attr:`max_rows` (``what``: rows, records, queries ...)."""
        return DataError(
            f"more than {self.max_rows:,} {what}", path=path, line=line, hint=self.hint("max_rows")
        )


_UNLIMITED = 1 << 62


def check_size(path: Path, limits: ReadLimits) -> None:
    """Refuse a file over ``limits.max_bytes`` before reading any of it."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise DataError(
            f"file is {size:,} bytes, over the limit of {limits.max_bytes:,}",
            path=path,
            hint=limits.hint("max_bytes"),
        )


def check_input_file(path: Path, limits: ReadLimits | None = None) -> None:
    """An existing file (not a directory) within ``limits.max_bytes``."""
    if not path.exists():
        raise DataError("file not found", path=path, hint="check the path")
    if path.is_dir():
        raise DataError("is a directory, expected a file", path=path)
    check_size(path, limits or ReadLimits.from_env())


def read_text(path: str | Path, limits: ReadLimits | None = None) -> str:
    """Read a UTF-8 file (within ``limits.max_bytes``). A CP949/EUC-KR file (common for Korean
    data) gets an error saying how to convert it, instead of mojibake or a UnicodeDecodeError
    traceback."""
    p = Path(path)
    check_input_file(p, limits)
    raw = p.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise not_utf8(raw, p, line, f" (byte {exc.start})") from None


def not_utf8(raw: bytes, path: Path, line: int, where: str = "") -> DataError:
    """The error for bytes that are not UTF-8: says whether they look like CP949 (EUC-KR), a
    legacy Korean encoding, and how to convert the file."""
    try:
        raw.decode("cp949")
        looks = "it looks like CP949 (EUC-KR), a legacy Korean encoding"
    except UnicodeDecodeError:
        looks = "its encoding is unknown"
    return DataError(
        f"not valid UTF-8{where}; {looks}",
        path=path,
        line=line,
        hint=f"convert it first: iconv -f cp949 -t utf-8 {path} > {path.stem}.utf8{path.suffix}",
    )


def iter_lines(
    path: Path,
    limits: ReadLimits | None = None,
    *,
    keep_ends: bool = False,
    max_chars: int | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of a UTF-8 file, streamed: BOM dropped, line ends stripped unless
    ``keep_ends``. A line longer than ``max_chars`` (default ``limits.max_line_chars``) is an
    error at its line, found without reading the rest of it."""
    limits = limits or ReadLimits.from_env()
    cap = max_chars or limits.max_line_chars
    # a UTF-8 character is at most 4 bytes: reading 4 * cap + 4 bytes either ends the line or
    # proves it longer than cap characters
    cap_bytes = 4 * cap + 4 if cap < _UNLIMITED else -1
    with path.open("rb") as handle:
        lineno = 0
        while raw := handle.readline(cap_bytes):
            lineno += 1
            if on_bytes is not None:
                on_bytes(len(raw))
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if len(raw) == cap_bytes and not raw.endswith(b"\n"):
                raise line_too_long(path, lineno, cap, limits)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise not_utf8(raw, path, lineno, f" (byte {exc.start} of the line)") from None
            if len(text) > cap + 2:  # + the line end
                raise line_too_long(path, lineno, cap, limits)
            yield lineno, text if keep_ends else text.rstrip("\r\n")


def line_too_long(path: Path, line: int, cap: int, limits: ReadLimits) -> DataError:
    which = "max_cell_chars" if cap == limits.max_cell_chars else "max_line_chars"
    return DataError(
        f"line is longer than {cap:,} characters",
        path=path,
        line=line,
        hint=limits.hint(which),
    )


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A JSON escape of a UTF-16 surrogate: the only way a lone surrogate (text that cannot be
written as UTF-8) gets into a decoded string."""


class InvalidJSON(DataError):
    """Text that is not JSON (as opposed to JSON holding a bad value)."""


def parse_json(text: str, path: Path, line: int | None) -> Any:
    """``json.loads`` of one record whose every failure is a :class:`DataError` at ``line``:
    bad syntax, nesting too deep for the parser, an integer too long to convert, and a lone
    surrogate escape such as ``"\\ud800"`` (it would fail later, far from the file, when the text
    is written or tokenized)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        at = line + exc.lineno - 1 if line is not None else exc.lineno
        raise InvalidJSON(f"invalid JSON: {exc.msg}", path=path, line=at) from None
    except RecursionError:
        raise InvalidJSON(
            "invalid JSON: nested too deeply", path=path, line=line, hint="flatten the record"
        ) from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InvalidJSON(f"invalid JSON: {exc}", path=path, line=line) from None
    if _SURROGATE_ESCAPE.search(text):
        check_json_text(value, path, line)
    return value


def check_text(value: str, path: Path | str | None, line: int | None, field: str | None) -> str:
    """``value`` if it is text: a NUL character (a binary file read as text) or a lone surrogate
    (from an escape such as ``\\ud800`` in JSON or YAML; it cannot be written as UTF-8) is a
    :class:`DataError` naming the field."""
    if "\x00" in value:
        raise DataError(
            f"text holds a NUL character (at character {value.index(chr(0))})",
            path=path,
            line=line,
            field=field,
            hint="is this a binary file? remove the NUL bytes",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DataError(
            f"text holds a lone UTF-16 surrogate {value[exc.start]!r} (at character {exc.start}), "
            "which is not a character",
            path=path,
            line=line,
            field=field,
            hint="fix the escape (a \\uD800-\\uDFFF escape must be half of a pair) or remove it",
        ) from None
    return value


def check_json_text(value: Any, path: Path, line: int | None) -> None:
    """Every string (keys included) in a parsed JSON value can be written as UTF-8. Iterative,
    so a deeply nested value cannot exhaust the stack."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            check_text(item, path, line, where or None)
        elif isinstance(item, dict):
            for k, v in item.items():
                check_text(k, path, line, where or None)
                stack.append((v, f"{where}.{k}" if where else k))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write a file via a temporary sibling and a rename, so readers never see half a file."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def staging_dir(target: Path) -> Path:
    """A fresh hidden sibling directory of ``target`` to write an output into before renaming it
    into place. ``tempfile.mkdtemp`` creates it private (0700); it is opened up to what the
    umask allows, as ``mkdir`` would, so a model saved by one user can be served by another."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp.chmod(0o777 & ~_umask())
    return tmp


def _umask() -> int:
    """The process umask, read without changing it where Linux shows it (``os.umask`` can only
    be read by setting it, which is process-wide and races with other threads)."""
    import os

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def check_output_dir(out: Path, owned: tuple[str, ...], what: str) -> None:
    """Refuse an output directory that saving would damage, before the work starts: a file, or
    a non-empty directory that does not hold one of the ``owned`` files (an earlier output of
    the same kind, which is replaced)."""
    if out.exists() and not out.is_dir():
        raise DataError(
            f"is a file, expected a directory for the {what}", path=out, hint="name a new directory"
        )
    if out.is_dir() and any(out.iterdir()) and not any((out / f).exists() for f in owned):
        raise DataError(
            f"already exists and is not a {what}: it holds no {' or '.join(owned)}, and saving "
            "replaces the directory as a whole, so it refuses to delete what is there",
            path=out,
            hint="choose a new or empty directory",
        )


def yaml_error(exc: Exception, path: str | Path) -> DataError:
    """A YAML syntax error as a :class:`DataError` naming the file and line."""
    mark = getattr(exc, "problem_mark", None)
    return DataError(
        f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
        path=path,
        line=mark.line + 1 if mark is not None else None,
    )


MAX_YAML_DEPTH = 100
"""Deepest ``[``/``{`` nesting a YAML file may have. PyYAML's pure-Python parser slows down with
the square of the depth (900 levels: over a second) before failing with a RecursionError; no
kodial file needs more than a few levels."""

_YAML_BRACKETS = re.compile(r"[\[\]{}]")


def check_yaml_depth(text: str) -> None:
    """Raise a ``yaml.YAMLError`` (with the line) when flow collections nest deeper than
    :data:`MAX_YAML_DEPTH`; checked before parsing, in one pass over the brackets."""
    import yaml

    depth = 0
    for match in _YAML_BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = text.count("\n", 0, match.start())
                mark = yaml.error.Mark("<yaml>", match.start(), line, 0, None, 0)
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_YAML_DEPTH} levels deep", problem_mark=mark
                )
        elif depth:
            depth -= 1


def load_yaml_text(text: str) -> Any:
    """``yaml.safe_load`` with two promises that hold on every PyYAML release:

    - a key repeated in one mapping is refused (PyYAML keeps the last one silently, so a recipe
      with ``epochs`` twice would train with whichever came last); the error is a
      ``yaml.YAMLError`` carrying the line of the repeat;
    - merge keys (``<<: *anchor`` or ``<<: [*a, *b]``) follow the YAML 1.1 merge spec: a mapping's
      own keys win over merged ones, an earlier merged mapping wins over a later one, and merged
      mappings are themselves resolved first (nested merges). kodial resolves them itself because
      PyYAML 6.0.4 changed which value a nested merge keeps.

    >>> load_yaml_text("b: &b {k: 1}\nc: &c {<<: *b, k: 9}\nd: {<<: *c}")["d"]
    {'k': 9}
    """
    import yaml
    from yaml.nodes import MappingNode, SequenceNode

    merge_tag = "tag:yaml.org,2002:merge"

    class UniqueKeyLoader(yaml.SafeLoader):
        def flatten_mapping(self, node: Any) -> None:
            # Anchored mappings are shared nodes: resolve each once (resolution is idempotent,
            # since it removes the merge keys, but re-checking would be wasted work).
            done: set[int] = self.__dict__.setdefault("_kodial_flattened", set())
            if id(node) in done:
                return
            done.add(id(node))
            own: list[tuple[Any, Any]] = []
            sources: list[Any] = []
            taken: set[Any] = set()
            for key_node, value_node in node.value:
                if key_node.tag == merge_tag:
                    if isinstance(value_node, MappingNode):
                        sources.append(value_node)
                    elif isinstance(value_node, SequenceNode) and all(
                        isinstance(sub, MappingNode) for sub in value_node.value
                    ):
                        sources.extend(value_node.value)
                    else:
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping",
                            node.start_mark,
                            "a merge key (<<) needs a mapping or a list of mappings",
                            value_node.start_mark,
                        )
                    continue
                if key_node.tag == "tag:yaml.org,2002:value":
                    key_node.tag = "tag:yaml.org,2002:str"
                key = self.construct_object(key_node, deep=False)
                try:
                    repeated = key in taken
                except TypeError:  # an unhashable key: construct_mapping reports it
                    own.append((key_node, value_node))
                    continue
                if repeated:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                taken.add(key)
                own.append((key_node, value_node))
            merged: list[tuple[Any, Any]] = []
            for source in sources:
                self.flatten_mapping(source)
                for key_node, value_node in source.value:
                    key = self.construct_object(key_node, deep=False)
                    try:
                        new = key not in taken
                    except TypeError:
                        new = True
                    if new:
                        taken.add(key)
                        merged.append((key_node, value_node))
            # no key appears twice, so the result does not depend on PyYAML's "last one wins"
            node.value = merged + own

    check_yaml_depth(text)
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # a SafeLoader subclass: safe
    except RecursionError:  # deep block nesting (indentation), which brackets do not show
        raise yaml.YAMLError("nested too deeply") from None


def read_yaml(path: str | Path) -> Any:
    """Parse a UTF-8 YAML file (safe, duplicate keys refused); syntax errors name the file and
    line."""
    import yaml

    try:
        return load_yaml_text(read_text(path))
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path) from None
