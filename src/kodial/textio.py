"""Reading user text files: UTF-8 (with or without BOM) only, with a clear error otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kodial.errors import DataError


def read_text(path: str | Path) -> str:
    """Read a UTF-8 file. A CP949/EUC-KR file (common for Korean data) gets an error saying how
    to convert it, instead of mojibake or a UnicodeDecodeError traceback."""
    p = Path(path)
    if not p.exists():
        raise DataError("file not found", path=p, hint="check the path")
    if p.is_dir():
        raise DataError("is a directory, expected a file", path=p)
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

    return yaml.load(text, Loader=UniqueKeyLoader)  # a SafeLoader subclass: safe


def read_yaml(path: str | Path) -> Any:
    """Parse a UTF-8 YAML file (safe, duplicate keys refused); syntax errors name the file and
    line."""
    import yaml

    try:
        return load_yaml_text(read_text(path))
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path) from None
