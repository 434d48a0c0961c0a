"""What a saved classifier directory holds, and reading it without running any of it.

A model directory is data: JSON (manifest, vocabularies, texts) and arrays (``.npy``/``.npz``
read with ``allow_pickle=False``, transformers weights as safetensors). Nothing in it is
unpickled, so a directory from someone else cannot run code when it is loaded. Directories
saved by older versions (a ``lexical.joblib`` pickle) are refused without being opened.

The manifest lists every file kodial wrote (:data:`FILES_KEY`), so that replacing a saved model
(``kodial classify train --overwrite``) deletes exactly those files and refuses a directory that
holds anything else.
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from kodial.errors import KodialError

MANIFEST = "manifest.json"

FILES_KEY = "files"
"""Manifest key listing the files kodial wrote in the directory (relative POSIX paths)."""

PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle", ".bin", ".pt", ".pth", ".ckpt")
"""Files read by unpickling (joblib/pickle, and torch's own format, a zip around a pickle):
never opened; their presence refuses a classifier directory, where kodial writes weights as
safetensors only."""


def retrain_hint(directory: Path) -> str:
    return (
        f"re-save it in the current format: re-run `kodial classify train DATA --out {directory} "
        "--method ...` with the data it was trained on (the new save holds JSON and arrays only)"
    )


def refuse_pickles(directory: Path) -> None:
    """Refuse a model directory holding a pickle (``lexical.joblib`` of older versions, or any
    ``.pkl``/``.joblib``/``.pickle`` file): unpickling runs whatever code the file names. Only
    the names are looked at; the files are never opened."""
    for path in sorted(directory.rglob("*")):
        if path.suffix.lower() in PICKLE_SUFFIXES:
            raise KodialError(
                f"{directory} holds {path.relative_to(directory)}, a pickle (saved by an older "
                "kodial or added by someone else); kodial does not load pickles, because "
                "loading one can run any code it names",
                hint=retrain_hint(directory),
            )


def read_json_file(path: Path, what: str) -> Any:
    """A JSON file of a saved model; a missing or unreadable one is a :class:`KodialError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KodialError(
            f"{path.parent} has no {path.name} ({what})",
            hint=retrain_hint(path.parent),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KodialError(f"cannot read {path} ({what}): {exc}") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise KodialError(
            f"{path} ({what}) is not valid JSON: {exc}", hint=retrain_hint(path.parent)
        ) from None


def read_examples(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    """``examples.json`` of the example-based methods: ``[[text, [label, ...]], ...]``."""
    rows = read_json_file(path, "labelled examples")
    if not isinstance(rows, list) or not all(
        isinstance(r, list)
        and len(r) == 2
        and isinstance(r[0], str)
        and isinstance(r[1], list)
        and all(isinstance(lab, str) for lab in r[1])
        for r in rows
    ):
        raise KodialError(
            f"{path} is not a list of [text, [labels]] pairs", hint=retrain_hint(path.parent)
        )
    return [r[0] for r in rows], [tuple(r[1]) for r in rows]


def write_json_file(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


def load_array(path: Path, what: str) -> np.ndarray:
    """A ``.npy`` array of numbers, read with ``allow_pickle=False`` (an object array, which
    only a pickle can hold, is refused)."""
    try:
        array = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise KodialError(
            f"{path.parent} has no {path.name} ({what})", hint=retrain_hint(path.parent)
        ) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise KodialError(
            f"cannot read {path} ({what}): {exc}", hint=retrain_hint(path.parent)
        ) from None
    if not isinstance(array, np.ndarray):  # a zip (.npz) under a .npy name
        array.close()
        raise KodialError(f"cannot read {path} ({what}): not a .npy array")
    return _numeric(array, path, what)


def load_arrays(path: Path, what: str) -> dict[str, np.ndarray]:
    """Every array of a ``.npz`` file, read with ``allow_pickle=False``."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise KodialError(
            f"{path.parent} has no {path.name} ({what})", hint=retrain_hint(path.parent)
        ) from None
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise KodialError(
            f"cannot read {path} ({what}): {exc}", hint=retrain_hint(path.parent)
        ) from None
    for name, array in arrays.items():
        _numeric(array, path, f"{what}, array {name!r}")
    return arrays


def _numeric(array: np.ndarray, path: Path, what: str) -> np.ndarray:
    if array.dtype.kind not in "biuf":
        raise KodialError(
            f"{path} ({what}) holds {array.dtype} values, expected numbers",
            hint=retrain_hint(path.parent),
        )
    return array


def written_files(directory: Path) -> list[str]:
    """Every file under ``directory`` as a sorted relative POSIX path (the manifest excluded)."""
    return sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if (p.is_file() or p.is_symlink()) and p.relative_to(directory).as_posix() != MANIFEST
    )


def record_files(directory: Path) -> None:
    """List in the manifest every file now in ``directory`` (call after the last file is
    written, e.g. after the report)."""
    manifest_path = directory / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest[FILES_KEY] = written_files(directory)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def owned_files(directory: Path, option: str = "--out") -> list[str]:
    """The files of the saved model in ``directory``, relative: those its manifest lists, plus
    the manifest. Raises a :class:`KodialError` (and deletes nothing) when the directory is not
    a saved model that lists its files, or holds a file it does not list."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise KodialError(
            f"{option} {directory}: is not a saved kodial classifier (no {MANIFEST}); "
            "--overwrite only replaces a saved model, never other content",
            hint=f"choose another {option}, or empty that directory yourself",
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        manifest = None
    listed = manifest.get(FILES_KEY) if isinstance(manifest, dict) else None
    if not isinstance(listed, list) or not all(isinstance(f, str) for f in listed):
        raise KodialError(
            f"{option} {directory}: its {MANIFEST} does not list the files kodial wrote (a model "
            "saved by an older version, or not a kodial model), so --overwrite cannot tell them "
            "from other files and deletes nothing",
            hint=f"choose another {option}, or delete that directory yourself",
        )
    known = set(listed)
    for rel in written_files(directory):
        if rel not in known:
            raise KodialError(
                f"{option} {directory}: holds {rel}, which kodial did not write there; "
                "--overwrite only deletes the files of the saved model",
                hint=f"move {rel} elsewhere, or choose another {option}",
            )
    # every file there is listed; what is listed but absent is simply not there to delete
    return [
        MANIFEST,
        *(rel for rel in listed if (directory / rel).is_file() or (directory / rel).is_symlink()),
    ]


def remove_files(directory: Path, files: Iterable[str]) -> None:
    """Delete ``files`` (relative paths from :func:`owned_files`), then every directory left
    empty under ``directory``, and ``directory`` itself when empty. A path leading outside
    ``directory`` is skipped; anything not listed stays."""
    root = directory.resolve()
    for rel in files:
        path = directory / rel
        if os.path.isabs(rel) or ".." in Path(rel).parts:
            continue
        parent = path.parent.resolve()
        if parent != root and root not in parent.parents:  # through a symlinked folder
            continue
        path.unlink(missing_ok=True)
    for dirpath, _, _ in sorted(os.walk(directory), key=lambda w: -len(Path(w[0]).parts)):
        with contextlib.suppress(OSError):  # rmdir only succeeds when empty: nothing is lost
            Path(dirpath).rmdir()


def replace_model_dir(staged: Path, target: Path, option: str = "--out") -> None:
    """Move the finished model directory ``staged`` to ``target``. An existing ``target`` must
    be empty or a saved model whose manifest lists every file in it; it is moved aside, the new
    model moved in, and then only the listed files of the old one are deleted (never a whole
    directory tree: a file kodial did not write is refused up front, see :func:`owned_files`)."""
    from kodial.textio import staging_dir

    if target.exists() and not target.is_dir():
        raise KodialError(f"{option} {target}: is a file, expected a directory")
    if not target.exists():
        staged.rename(target)
        return
    if not any(target.iterdir()):
        target.rmdir()
        staged.rename(target)
        return
    files = owned_files(target, option)
    old = staging_dir(target)
    target.rename(old)  # onto the new, empty staging directory
    try:
        staged.rename(target)
    except BaseException:
        old.rename(target)
        raise
    remove_files(old, files)


def model_reference(name_or_path: str) -> str:
    """A hub id as given; a local directory made absolute, so a saved classifier still finds its
    model when it is loaded from another working directory."""
    path = Path(name_or_path)
    return str(path.resolve()) if path.exists() else name_or_path


def check_out(out: Path, option: str = "--out") -> None:
    """Refuse an output path that is (or sits under) a regular file, before any work is done."""
    if out.exists() and not out.is_dir():
        raise KodialError(
            f"{option} {out}: is a file, expected a directory",
            hint=f"choose another {option} path or remove that file",
        )
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise KodialError(
                    f"{option} {out}: {parent} is a file, expected a directory",
                    hint=f"choose another {option} path",
                )
            break


def check_model_out(out: Path, overwrite: bool) -> None:
    """``train --out``: a missing or empty directory, or (with ``--overwrite``) a saved model
    holding only the files its manifest lists (the ones ``--overwrite`` deletes)."""
    check_out(out)
    if not out.exists() or not any(out.iterdir()):
        return
    if not overwrite:
        raise KodialError(
            f"--out {out}: already exists and is not empty",
            hint="pass --overwrite to replace a saved model there, or choose another --out",
        )
    owned_files(out, "--out")
