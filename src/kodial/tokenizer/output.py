"""Where a trained tokenizer is written: only tokenizer files are ever replaced or deleted, and the
new directory appears whole (staged next to it, then renamed into place)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

from kodial.errors import KodialError
from kodial.textio import check_output_dir, staging_dir

TOKENIZER_FILES = frozenset(
    {
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "added_tokens.json",
        "chat_template.jinja",
        "chat_template.json",
        "vocab.json",
        "vocab.txt",
        "merges.txt",
        "tokenizer.model",
        "spiece.model",
    }
)
"""Files a saved tokenizer consists of: the only ones ``train --out`` replaces in an existing
directory (a model directory also holds weights and a config, which are not touched)."""


def check_tokenizer_out(out: Path, also: frozenset[str] = frozenset()) -> list[str]:
    """The files of the earlier tokenizer in ``out`` that training replaces; refuses (before
    any work) a file, a directory without a tokenizer, and a tokenizer directory holding
    anything else (a model's weights, notes): only tokenizer files are ever deleted."""
    check_output_dir(out, ("tokenizer.json", "tokenizer_config.json"), "tokenizer")
    if not out.is_dir():
        return []
    names = []
    for entry in sorted(out.iterdir()):
        if entry.name not in TOKENIZER_FILES | also or entry.is_dir() or entry.is_symlink():
            raise KodialError(
                f"--out {out}: holds {entry.name}, which is not a tokenizer file; training "
                "replaces only the files of the earlier tokenizer and deletes nothing else",
                hint="save the tokenizer to its own directory, or move that file elsewhere",
            )
        names.append(entry.name)
    return names


def replace_dir(tmp: Path, out: Path) -> None:
    """Move a finished tokenizer directory into place. An earlier tokenizer there is moved aside
    first and then only its tokenizer files are deleted (checked again now: something may have
    appeared there during training)."""
    if not out.exists():
        tmp.rename(out)
        return
    names = check_tokenizer_out(out, frozenset(p.name for p in tmp.iterdir()))
    old = staging_dir(out)
    out.rename(old)  # onto the new, empty staging directory
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)
        raise
    for name in names:
        (old / name).unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # empty now; rmdir never deletes content
        old.rmdir()


def save_tokenizer(tokenizer: Any, out: Path) -> None:
    """Save a Hugging Face tokenizer to ``out`` through a staging directory (no half-written
    tokenizer on failure; an earlier tokenizer there is replaced file by file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = staging_dir(out)
    try:
        tokenizer.save_pretrained(str(tmp))
        replace_dir(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)  # our own staging directory, never the user's
