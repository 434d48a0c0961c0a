"""Self-repair: the words a speaker takes back ("6시.. 아 아니다 7시로") are dropped."""

from __future__ import annotations

import pytest

from kodial.korean.self_repair import repair


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("내일 오전 9시.. 아 아니다 10시에 깨워줘", "내일 오전 10시에 깨워줘"),
        ("사과 다섯 개, 아니 여섯 개 담아줘", "사과 여섯 개 담아줘"),
        ("녹차 말고 보리차로 주세요", "보리차로 주세요"),
        ("대구가 아니라 대전 날씨", "대전 날씨"),
        ("3명 아니 4명이요", "4명이요"),
    ],
)
def test_taken_back_words_are_dropped(said: str, meant: str) -> None:
    assert repair(said) == meant


@pytest.mark.parametrize(
    "said",
    [
        "아니 그게 아니고",  # 아니 opening the message answers, it takes nothing back
        "그건 아니다",  # nothing said after it
        "아니요 괜찮아요",
        "아니면 내일 할까?",  # 아니면 (or) is no repair
        "이거 아니라고 했잖아",
    ],
)
def test_no_repair_is_read_where_there_is_none(said: str) -> None:
    assert repair(said) == said
