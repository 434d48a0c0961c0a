"""Long and odd messages are read, not choked on: the readers that rescanned a message from
each position were rewritten to read it once (their timing is in bench/bench_long_messages.py;
here, that what they read is unchanged, and that nothing raises)."""

from __future__ import annotations

import random
import re
from datetime import date, datetime
from typing import Any, get_args

import pytest

from kodial.korean.datetimes import SEOUL, parse_datetime
from kodial.korean.numerals import korean_number
from kodial.korean.self_repair import _MARKER, _NUMBER_WORD, repair
from kodial.tools.arguments.kinds import quotations
from kodial.tools.arguments.labels import named_by
from kodial.tools.arguments.payload import payload
from kodial.tools.decide import Kind, decide
from kodial.tools.text import numbers

KINDS = get_args(Kind)
NOW = datetime(2027, 3, 31, 10, 0, tzinfo=SEOUL)

BOOK: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "book_table",
            "description": "식당 자리를 예약합니다",
            "parameters": {
                "type": "object",
                "properties": {
                    "date": {"type": "string", "description": "예약 날짜 (YYYY-MM-DD)"},
                    "people": {"type": "integer", "description": "인원 수"},
                },
                "required": ["date", "people"],
            },
        },
    }
]


@pytest.mark.parametrize("digits", [400, 1_000, 5_000])
def test_a_pasted_run_of_digits_is_no_amount_and_raises_nothing(digits: int) -> None:
    """1,000 digits overflowed a float and ``int(inf)`` raised OverflowError mid-request."""
    run = "7" * digits
    assert korean_number(run) is None
    assert not [n for n in numbers(f"{run}명") if n.end - n.start > 300]
    asked = [
        {"role": "user", "content": "자리 예약해 줘"},
        {"role": "assistant", "content": "몇 분이세요?"},
    ]
    for messages in ([], asked):
        out = decide([*messages, {"role": "user", "content": run}], BOOK, now=NOW)
        assert out.kind in KINDS
        assert out.arguments.get("people", 0) < 10**6


def test_a_long_run_of_spaces_between_a_number_and_its_unit_still_reads() -> None:
    """The offset and week patterns took the optional number's spaces inside the group; what
    they read is the same."""
    gap = " " * 50
    assert parse_datetime(f"3{gap}일 뒤", NOW).date == date(2027, 4, 3)
    assert parse_datetime(f"2{gap}주 뒤 목요일", NOW).date == date(2027, 4, 15)
    assert parse_datetime(f"{gap}일주일 뒤", NOW).date == date(2027, 4, 7)
    assert not parse_datetime(" " * 5_000).matched


@pytest.mark.parametrize(
    ("said", "today", "day"),
    [
        ("한 달 뒤", date(2027, 3, 31), date(2027, 4, 30)),
        ("1개월 후", date(2027, 1, 31), date(2027, 2, 28)),
        ("두 달 뒤", date(2027, 12, 31), date(2028, 2, 29)),
        ("1년 뒤", date(2028, 2, 29), date(2029, 2, 28)),
        ("한 달 뒤", date(2027, 3, 15), date(2027, 4, 15)),
    ],
)
def test_a_month_on_from_a_long_months_end_is_the_shorter_months_last_day(
    said: str, today: date, day: date
) -> None:
    """As calendars count: a month after 3월 31일 is 4월 30일 (it was 4월 28일)."""
    now = datetime(today.year, today.month, today.day, 9, 0, tzinfo=SEOUL)
    assert parse_datetime(said, now).date == day


def _repair_from_the_start(text: str) -> str:
    """The rule as first written: after each marker, read the whole message again."""
    while True:
        m = _MARKER.search(text)
        if m is None:
            return text
        words = text[: m.start()].split()
        taken_back = words.pop() if words else ""
        if words and not re.search(r"\d", taken_back) and _NUMBER_WORD.fullmatch(words[-1]):
            words.pop()
        head = " ".join(words)
        text = f"{head} {text[m.end() :]}" if head else text[m.end() :]


def test_self_repair_read_once_takes_back_what_the_rule_takes_back() -> None:
    assert repair("콜라 두 개, 아니 세 개, 아니 네 개 주세요") == "콜라 네 개 주세요"
    assert repair("7시.. 아 8시가 낫겠다") == "8시가 낫겠다"
    words = [
        "콜라",
        "두",
        "개",
        "아니",
        "말고",
        "3시",
        "아",
        "4시가",
        "낫겠다",
        "사이다",
        ",",
        "...",
    ]
    rng = random.Random(5)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 14)))
        assert repair(text) == _repair_from_the_start(text), text
    long = "큰 거 말고 " * 2_000 + "작은 거요"
    assert repair(long) == _repair_from_the_start(long) == "큰 " * 2_000 + "작은 거요"


def test_names_and_payloads_read_the_same_span_without_rescanning() -> None:
    text = "첫 줄\n  장보기 목록   라는 메모 만들어 줘"
    s = named_by(text, ["메모"])
    assert s is not None and text[s[0] : s[1]] == "장보기 목록"
    text = "'여행 준비물'이라는 메모 만들어"
    s = named_by(text, ["메모"])
    assert s is not None and text[s[0] : s[1]] == "여행 준비물"
    assert named_by(" " * 3_000 + "라는 메모", ["메모"]) is None
    text = "사과 두 개   <- 이걸 메모해"
    s = payload(text, set())
    assert s is not None and text[s[0] : s[1]] == "사과 두 개"


@pytest.mark.parametrize(
    "piece",
    [" ", "\n", "가", "1 ", "삼만칠천 ", "예약 내일 3시 두 명 ", "큰 거 말고 ", "라는 메모 ", ", "],
)
def test_a_message_as_long_as_a_request_body_allows_is_answered(piece: str) -> None:
    """20,000 characters (a 64 KiB body holds about that many Hangul syllables)."""
    text = "내일 예약 " + (piece * (20_000 // len(piece) + 1))[:20_000]
    out = decide([{"role": "user", "content": text}], BOOK, now=NOW)
    assert out.kind in KINDS


def test_quotations_read_once_are_the_spans_the_lazy_pattern_read() -> None:
    lazy = re.compile(
        r"(?P<q>[^.!?\n]+?)\s*(?:(?:이)?라고|다고|냐고|자고|달라고|해달라고)(?=\s|[.,!?]|$)"
    )
    words = [
        "늦는다고",
        "회의",
        "이라고",
        "라고",
        "연락",
        "달라고",
        "해달라고",
        " ",
        "  ",
        ".",
        "\n",
        "자료",
    ]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice(["", " "]) for _ in range(rng.randint(1, 10)))
        assert list(quotations(text)) == [m.span("q") for m in lazy.finditer(text)], repr(text)
    assert list(quotations(" " * 5_000 + "늦는다고")) == [(0, 5_002)]
