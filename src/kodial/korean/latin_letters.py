"""How Korean speakers say Latin letters: an acronym said or typed in Hangul (씨제이 for CJ,
케이비 for KB, 엘지 for LG), so that a value written with Latin letters is found in Korean text."""

from __future__ import annotations

import re

LETTER_NAMES: dict[str, str] = {
    "a": "에이",
    "b": "비",
    "c": "씨",
    "d": "디",
    "e": "이",
    "f": "에프",
    "g": "지",
    "h": "에이치",
    "i": "아이",
    "j": "제이",
    "k": "케이",
    "l": "엘",
    "m": "엠",
    "n": "엔",
    "o": "오",
    "p": "피",
    "q": "큐",
    "r": "알",
    "s": "에스",
    "t": "티",
    "u": "유",
    "v": "브이",
    "w": "더블유",
    "x": "엑스",
    "y": "와이",
    "z": "제트",
}
"""Each Latin letter's Korean name."""


def spell_letters(acronym: str) -> str | None:
    """The Hangul reading of a Latin acronym (``"CJ"`` -> ``"씨제이"``), None when ``acronym`` is
    not letters only.

    >>> spell_letters("KB"), spell_letters("IBK"), spell_letters("K-9")
    ('케이비', '아이비케이', None)
    """
    if not re.fullmatch(r"[A-Za-z]+", acronym):
        return None
    return "".join(LETTER_NAMES[c] for c in acronym.lower())
