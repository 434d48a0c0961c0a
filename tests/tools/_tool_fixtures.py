"""Shared pieces of the tool-calling tests: the bundled Korean tool set and a fixed "now"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kodial.korean.datetimes import SEOUL
from kodial.tools.schema import load_tools

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=SEOUL)
"""A Wednesday afternoon: 내일 = 2026-11-19, 금요일 = 2026-11-20, 다음 주 화요일 = 2026-11-24."""


def bundled_tools() -> list[dict[str, Any]]:
    """The project's own 18 Korean tools (OpenAI JSON, as a client would send them)."""
    from importlib import resources

    return load_tools(str(resources.files("kodial") / "resources" / "tools" / "tools.json"))


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}
