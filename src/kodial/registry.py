"""Registries are plain dicts (name -> class, or name -> ``"module:Class"``); this module holds
the one way to look a name up in one, so every "unknown X" error reads the same and every list
of choices (help texts, errors, validators) is derived from the registry instead of being
written out a second time.

>>> COLOURS = {"red": 1, "green": 2}
>>> lookup(COLOURS, "green", "colour")
2
>>> choices(COLOURS)
'red, green'
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TypeVar

from kodial.errors import KodialError

V = TypeVar("V")


def choices(registry: Mapping[str, object]) -> str:
    """The names of ``registry``, comma-separated, in registration order."""
    return ", ".join(registry)


def unknown(registry: Mapping[str, object], name: object, what: str) -> KodialError:
    """The error for a ``name`` that ``registry`` lacks: the choices, and the closest name."""
    close = difflib.get_close_matches(str(name), list(registry), n=1)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    return KodialError(
        f"unknown {what} {name!r}{guess}", hint=f"choose one of: {choices(registry)}"
    )


def lookup(registry: Mapping[str, V], name: str, what: str) -> V:
    """``registry[name]``, or a :class:`KodialError` naming ``what`` and listing the choices."""
    if name not in registry:
        raise unknown(registry, name, what)
    return registry[name]


def check_name(registry: Mapping[str, object], name: str, what: str) -> str:
    """``name`` when registered; else a ``ValueError`` (for pydantic validators, which turn it
    into a file:line:key error)."""
    if name not in registry:
        raise ValueError(f"unknown {what} {name!r}; choose one of: {choices(registry)}")
    return name
