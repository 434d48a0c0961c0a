"""Slot extractors (lexicon, regex, datetime, number), validation and the registries."""

from __future__ import annotations

import typing
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from kodial.assistant.actions import ACTIONS, Action
from kodial.assistant.slots import (
    EXTRACTION_ORDER,
    EXTRACTORS,
    ExtractContext,
    Extractor,
    SlotConfig,
    extract_all,
)
from kodial.korean import render

TABLE_SLOTS = [
    SlotConfig.model_validate(s)
    for s in [
        {
            "name": "날짜",
            "prompt": "언제요?",
            "extractor": {"type": "datetime", "part": "date"},
            "not_past": True,
            "max_days_ahead": 60,
        },
        {
            "name": "시간",
            "prompt": "몇 시요?",
            "extractor": {"type": "datetime", "part": "time", "prefer_hours": [11, 22]},
            "hours": [11, 22],
            "date_slot": "날짜",
        },
        {
            "name": "인원",
            "prompt": "몇 분이요?",
            "extractor": {
                "type": "number",
                "units": ["명", "인", "사람", "분"],
                "words": {"혼자": 1, "둘이서": 2},
            },
            "min": 1,
            "max": 20,
            "unit": "명",
        },
        {
            "name": "장소",
            "prompt": "어디요?",
            "extractor": {
                "type": "lexicon",
                "values": {"강남점": ["강남", "강남역"], "홍대점": ["홍대", "홍대입구"]},
            },
        },
    ]
]


def values(text: str, now: datetime, asked: str | None = None) -> dict[str, Any]:
    found, _ = extract_all(TABLE_SLOTS, text, now, asked=asked)
    return {k: v.value for k, v in found.items()}


def test_one_message_fills_several_slots(now: datetime) -> None:
    assert values("내일 저녁 7시 30분에 4명 강남역 쪽으로", now) == {
        "날짜": "2026-11-19",
        "시간": "19:30",
        "인원": 4,
        "장소": "강남점",
    }


def test_words_between_date_and_time_stay_visible(now: datetime) -> None:
    assert values("내일 4명 저녁 7시 강남", now) == {
        "날짜": "2026-11-19",
        "시간": "19:00",
        "인원": 4,
        "장소": "강남점",
    }


def test_datetime_part_and_unitless_numbers(now: datetime) -> None:
    slots = [
        SlotConfig.model_validate(
            {"name": "언제", "prompt": "?", "extractor": {"type": "datetime"}, "not_past": True}
        ),
        SlotConfig.model_validate({"name": "수량", "prompt": "?", "extractor": {"type": "number"}}),
    ]
    found, _ = extract_all(slots, "다음 주 금요일 3시에 12개", now)
    assert found["언제"].value == "2026-11-27T15:00+09:00"
    assert found["언제"].display == "11월 27일 금요일 오후 3시"
    assert found["수량"].value == 12
    found, _ = extract_all(slots, "내일만 돼요", now)
    assert "언제" not in found  # a date without a time does not fill a datetime slot


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("네 명이요", None, 4),
        ("세 분 갈게요", None, 3),
        ("두 사람", None, 2),
        ("12인 단체", None, 12),
        ("혼자 가요", None, 1),
        ("둘이서요", None, 2),
        ("4", "인원", 4),
        ("다섯", "인원", 5),
        ("넷이요", "인원", 4),
        ("4", None, None),  # a bare number counts only when the slot was asked
        ("7시 30분", "인원", None),  # minutes are not people
    ],
)
def test_number_extractor(
    text: str, asked: str | None, expected: int | None, now: datetime
) -> None:
    assert values(text, now, asked).get("인원") == expected


def test_lexicon_takes_the_longest_earliest_synonym(now: datetime) -> None:
    assert values("홍대입구 근처", now)["장소"] == "홍대점"
    assert values("강남 말고 홍대로", now)["장소"] == "홍대점"  # 말고 takes 강남 back
    assert values("홍대 그리고 강남", now)["장소"] == "홍대점"  # else the first mention


def test_regex_extractor_value_group() -> None:
    slot = SlotConfig.model_validate(
        {
            "name": "전화",
            "prompt": "번호?",
            "extractor": {"type": "regex", "pattern": r"(?P<value>01[016789]-?\d{3,4}-?\d{4})"},
        }
    )
    ctx = ExtractContext(now=datetime(2026, 1, 1))
    got = slot.extractor.extract("제 번호는 010-1234-5678이에요", ctx)
    assert got is not None and got.value == "010-1234-5678"
    assert slot.extractor.extract("번호 없어요", ctx) is None


def test_invalid_regex_is_a_config_error() -> None:
    with pytest.raises(ValidationError, match="invalid regular expression"):
        SlotConfig.model_validate(
            {"name": "x", "prompt": "?", "extractor": {"type": "regex", "pattern": "(unclosed"}}
        )


def test_period_said_alone_is_reported(now: datetime) -> None:
    found, period = extract_all(TABLE_SLOTS, "내일 저녁으로", now)
    assert "시간" not in found and period == "저녁"
    found, _ = extract_all(TABLE_SLOTS, "8시", now, period_hint="저녁")
    assert found["시간"].value == "20:00"


@pytest.mark.parametrize(
    ("slot", "value", "other", "problem"),
    [
        ("인원", 0, {}, "이상"),
        ("인원", 21, {}, "20명까지"),
        ("인원", 20, {}, None),
        ("날짜", "2026-11-17", {}, "지난 날짜"),
        ("날짜", "2026-11-18", {}, None),
        ("날짜", "2027-03-01", {}, "60일 이내"),
        ("시간", "09:00", {}, "11시부터 22시"),
        ("시간", "22:30", {}, "11시부터 22시"),
        ("시간", "13:00", {"날짜": "2026-11-18"}, "지난 시간"),
        ("시간", "13:00", {"날짜": "2026-11-19"}, None),
        ("시간", "19:00", {"날짜": "2026-11-18"}, None),
    ],
)
def test_validation(
    slot: str, value: Any, other: dict[str, Any], problem: str | None, now: datetime
) -> None:
    cfg = next(s for s in TABLE_SLOTS if s.name == slot)
    got = cfg.check(value, now, other)
    assert (got is None) if problem is None else (got is not None and problem in got)


def test_render_picks_particles() -> None:
    tpl = "{영화}을/를 {장소}(으)로, {인원}명이 {없음}"
    assert render(tpl, {"영화": "별빛 정거장", "장소": "서울", "인원": 3}) == (
        "별빛 정거장을 서울로, 3명이 {없음}"
    )
    assert render("{영화}을/를", {"영화": "바다로 간 고양이"}) == "바다로 간 고양이를"


def test_extractor_and_action_registries_match_their_unions() -> None:
    def tags(union: Any) -> set[str]:
        members = typing.get_args(typing.get_args(union)[0])
        return {m.model_fields["type"].default for m in members}

    assert tags(Extractor) == set(EXTRACTORS) == set(EXTRACTION_ORDER)
    for name, cls in EXTRACTORS.items():
        assert cls.model_fields["type"].default == name
    assert tags(Action) == set(ACTIONS)
    for name, cls in ACTIONS.items():
        assert cls.model_fields["type"].default == name
