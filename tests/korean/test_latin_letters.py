"""Latin acronyms read in Hangul, as Korean speakers say them."""

from __future__ import annotations

import pytest

from kodial.korean.latin_letters import spell_letters


@pytest.mark.parametrize(
    ("acronym", "said"),
    [
        ("CJ", "씨제이"),
        ("KB", "케이비"),
        ("lg", "엘지"),
        ("SKT", "에스케이티"),
        ("IBK", "아이비케이"),
    ],
)
def test_acronyms_are_spelled_by_letter_names(acronym: str, said: str) -> None:
    assert spell_letters(acronym) == said


@pytest.mark.parametrize("word", ["K-9", "B2B", "", "한글"])
def test_only_letters_are_spelled(word: str) -> None:
    assert spell_letters(word) is None
