"""Korean date/time expressions, resolved against a fixed ``now``: Wednesday 2026-11-18 14:00
in Seoul. Each row: expression -> ISO date/time (``YYYY-MM-DD``, ``HH:MM`` or both) and the part
of day said without an hour."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from kodial.korean.date_format import format_date_ko, format_time_ko
from kodial.korean.datetimes import (
    SEOUL,
    parse_datetime,
    resolve_hour,
)
from kodial.korean.numerals import sino_to_int

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=SEOUL)

TABLE = [
    # relative days
    ("오늘", "2026-11-18", None),
    ("내일", "2026-11-19", None),
    ("낼 봐요", "2026-11-19", None),
    ("모레", "2026-11-20", None),
    ("내일모레 저녁", "2026-11-20", "저녁"),
    ("글피", "2026-11-21", None),
    ("어제", "2026-11-17", None),
    ("그저께", "2026-11-16", None),
    ("3일 후", "2026-11-21", None),
    ("이틀 뒤", "2026-11-20", None),
    ("보름 뒤", "2026-12-03", None),  # every native day count of korean.numerals
    ("여드레 후", "2026-11-26", None),
    ("일주일 후", "2026-11-25", None),
    ("2주 뒤", "2026-12-02", None),
    ("한 달 뒤", "2026-12-18", None),
    # weeks (Monday-Sunday)
    ("금요일", "2026-11-20", None),
    ("수요일", "2026-11-18", None),
    ("화요일", "2026-11-24", None),
    ("이번 주 금요일", "2026-11-20", None),
    ("이번주 월요일", "2026-11-16", None),
    ("다음 주 금요일", "2026-11-27", None),
    ("담주 화요일", "2026-11-24", None),
    ("다다음 주 수요일", "2026-12-02", None),
    ("지난 주 금요일", "2026-11-13", None),
    ("이번 주말", "2026-11-21", None),
    ("주말에 부산 가요", "2026-11-21", None),
    ("다음 주말", "2026-11-28", None),
    # calendar dates
    ("3월 5일", "2027-03-05", None),
    ("12월 25일", "2026-12-25", None),
    ("11월 18일", "2026-11-18", None),
    ("2027년 1월 2일", "2027-01-02", None),
    ("2027-01-02", "2027-01-02", None),
    ("12/24", "2026-12-24", None),
    ("삼월 오일", "2027-03-05", None),
    ("시월 삼일", "2027-10-03", None),
    ("유월 이십오일", "2027-06-25", None),
    ("25일", "2026-11-25", None),
    ("5일", "2026-12-05", None),
    ("다음 달 3일", "2026-12-03", None),
    ("이번 달 30일", "2026-11-30", None),
    # times
    ("3시", "15:00", None),
    ("오후 3시", "15:00", "오후"),
    ("오전 10시 30분", "10:30", "오전"),
    ("7시 반", "19:30", None),
    ("저녁 7시", "19:00", "저녁"),
    ("아침 7시", "07:00", "아침"),
    ("점심 1시", "13:00", "점심"),
    ("낮 12시", "12:00", "낮"),
    ("새벽 2시", "02:00", "새벽"),
    ("밤 11시", "23:00", "밤"),
    ("19:30", "19:30", None),
    ("세 시", "15:00", None),
    ("다섯시 반", "17:30", None),
    ("열한 시", "23:00", None),
    ("정오", "12:00", None),
    ("30분 뒤", "2026-11-18T14:30", None),
    ("두 시간 후", "2026-11-18T16:00", None),
    ("지금", "2026-11-18T14:00", None),
    # date + time
    ("모레 오후 3시", "2026-11-20T15:00", "오후"),
    ("다음 주 금요일 3시", "2026-11-27T15:00", None),
    ("내일 저녁 7시 반에 예약", "2026-11-19T19:30", "저녁"),
    ("다음주 월요일 오전 10시 30분", "2026-11-23T10:30", "오전"),
    ("오늘 밤 11시", "2026-11-18T23:00", "밤"),
    ("내일 밤 12시", "2026-11-20T00:00", "밤"),
    ("자정", "2026-11-19T00:00", None),
    ("12월 24일 저녁 6시", "2026-12-24T18:00", "저녁"),
    # a value taken back
    ("7시 말고 8시로", "20:00", None),
    ("내일 말고 모레", "2026-11-20", None),
    # a part of day alone
    ("내일 저녁", "2026-11-19", "저녁"),
    ("오후에 갈게요", "", "오후"),
    # nothing
    ("언제 오시나요", "", None),
    ("네 시작할게요", "", None),
    ("두 시간 동안 기다렸어요", "", None),
    # a month and day that passed within the last month is that day; longer ago, next year's
    ("11월 15일에 진료받았어요", "2026-11-15", None),
    ("10월 10일", "2027-10-10", None),
    # the spoken short form of a weekday
    ("토욜 공연", "2026-11-21", None),
    ("다음주 금욜 저녁 7시", "2026-11-27T19:00", "저녁"),
    ("가격이 낮은 메뉴", "", None),
    # the nth weekday of a month, a weekday some weeks on, the end of this month
    ("12월 첫째 주 토요일", "2026-12-05", None),
    ("12월 둘째 토요일", "2026-12-12", None),
    ("12월 마지막 주 금요일", "2026-12-25", None),
    ("다음 달 첫째 주 월요일 오전 10시", "2026-12-07T10:00", "오전"),
    ("이번 달 마지막 금요일", "2026-11-27", None),
    ("11월 첫째 주 월요일", "2026-11-02", None),  # passed within the month: that day
    ("10월 첫째 주 월요일", "2027-10-04", None),  # long past: next year's
    ("2월 다섯째 월요일", "", None),  # February 2027 has four Mondays
    ("2주 뒤 목요일", "2026-12-03", None),
    ("일주일 후 금요일", "2026-11-27", None),
    ("이달 말", "2026-11-30", None),
    ("이달 25일", "2026-11-25", None),
    ("한 시간 반 뒤", "2026-11-18T15:30", None),
    # last month and next month said in one word (a day of last month was read as next month's)
    ("지난달 15일", "2026-10-15", None),
    ("저번 달 말일", "2026-10-31", None),
    ("내달 10일", "2026-12-10", None),
    ("지난달 마지막 금요일", "2026-10-30", None),
    # month.day written with dots, as on a form
    ("12.24", "2026-12-24", None),
    ("12. 24.", "2026-12-24", None),
    ("2026. 12. 24.", "2026-12-24", None),
    ("12.24(목) 저녁 7시", "2026-12-24T19:00", "저녁"),
    ("1.5배", "", None),  # a decimal, not January 5th
    ("평점 4.5 이상", "", None),
    ("새해 첫날", "2027-01-01", None),
    ("1년 뒤", "2027-11-18", None),
    # minutes to the hour
    ("3시 10분 전", "14:50", None),
    ("오전 10시 5분 전", "09:55", "오전"),
    ("3시 30분 전까지", "15:30", None),  # before half past three, not 2:30
    # 모레 typed as 모래, and 이따 (later today), before a time of day
    ("모래 오후 3시", "2026-11-20T15:00", "오후"),
    ("이따 저녁 7시", "2026-11-18T19:00", "저녁"),
    ("모래사장", "", None),
    # a day in Sino-Korean numerals, from the 10th
    ("이십오일이요", "2026-11-25", None),
    ("삼십일일", "2026-12-31", None),  # November has no 31st
    ("이십일 동안", "", None),  # twenty days, no day of the month
    ("이십일 일정 잡아줘", "2026-11-20", None),  # the 20th; 일정 is a word of its own
    ("십일월에 여행", "", None),  # a month (unread alone), not the 10th
    ("십일조", "", None),
    # the hour of "N시 M분 전" is read as that hour alone would be, then the minutes taken
    ("내일 7시 10분 전", "2026-11-19T06:50", None),
    ("내일 1시 10분 전", "2026-11-19T12:50", None),
    ("오후 12시 10분 전", "11:50", "오후"),
    ("내일 오후 3시 10분 전화해줘", "2026-11-19T15:10", "오후"),  # 전화, not 전
    ("3시 10분 전후로 도착", "15:10", None),
    # decimals are no dotted dates, nor do they lend a digit to a day or an hour count
    ("평점 4.5 식당으로 내일 저녁 7시", "2026-11-19T19:00", "저녁"),
    ("1.5 리터", "", None),
    ("v3.10", "", None),
    ("1.5 시간 뒤", "", None),
    ("1.5일", "", None),
    ("모래 3시간 찜질", "", None),
]


@pytest.mark.parametrize(("text", "expected", "period"), TABLE)
def test_expression(text: str, expected: str, period: str | None) -> None:
    got = parse_datetime(text, NOW)
    assert got.isoformat() == expected
    assert got.period == period
    assert got.matched == bool(expected or period)


def test_bare_hour_earlier_today_means_evening() -> None:
    # At 2 p.m., "오늘 9시" is 9 p.m.; at 8 a.m. it is 9 a.m.
    assert parse_datetime("오늘 9시", NOW).isoformat() == "2026-11-18T21:00"
    morning = NOW.replace(hour=8)
    assert parse_datetime("오늘 9시", morning).isoformat() == "2026-11-18T09:00"


def test_an_afternoon_hour_already_past_stays_on_the_clock() -> None:
    """ "1시" / "오늘 2시" said at 3 p.m. read as 13:00 / 14:00 (1-6 are afternoon hours); they
    used to be pushed another 12 hours on, past 23, and the parser raised."""
    late = NOW.replace(hour=15)
    assert parse_datetime("1시에 와줘", late).isoformat() == "13:00"
    assert parse_datetime("오늘 2시", late).isoformat() == "2026-11-18T14:00"
    assert parse_datetime("9시", late).isoformat() == "21:00"


def test_prefer_hours_and_period_hint() -> None:
    assert parse_datetime("7시", NOW, prefer_hours=(11, 22)).isoformat() == "19:00"
    assert parse_datetime("11시", NOW, prefer_hours=(11, 22)).isoformat() == "11:00"
    assert parse_datetime("8시", NOW, period_hint="아침").isoformat() == "08:00"
    assert parse_datetime("8시", NOW, period_hint="저녁").isoformat() == "20:00"


def test_spans_point_at_the_words() -> None:
    text = "음 내일 저녁 7시에 4명이요"
    got = parse_datetime(text, NOW)
    assert [text[s:e] for s, e in got.spans] == ["내일", "저녁 7시"]


def test_timezone_of_now_is_converted() -> None:
    # 20:00 UTC on the 18th is already 05:00 on the 19th in Seoul: 오늘 is the 19th.
    utc = datetime(2026, 11, 18, 20, 0, tzinfo=UTC)
    assert parse_datetime("오늘", utc).isoformat() == "2026-11-19"
    naive = datetime(2026, 11, 18, 14, 0)
    assert parse_datetime("내일", naive).isoformat() == "2026-11-19"
    got = parse_datetime("내일 3시", NOW)
    when = got.to_datetime(NOW)
    assert when is not None and when.utcoffset() == timedelta(hours=9)


def test_a_dotted_day_is_read_only_where_a_date_is_expected() -> None:
    assert parse_datetime("환율 1.15에 맞춰", NOW).isoformat() == "2027-01-15"
    assert not parse_datetime("환율 1.15에 맞춰", NOW, dotted=False).matched


def test_invalid_calendar_dates_are_not_matched() -> None:
    assert parse_datetime("2월 30일", NOW).date is None
    assert parse_datetime("13월 1일", NOW).date is None


@pytest.mark.parametrize(
    ("hour", "period", "prefer", "expected"),
    [
        (7, "저녁", None, (19, 0)),
        (12, "밤", None, (0, 1)),
        (1, "밤", None, (1, 1)),
        (12, "점심", None, (12, 0)),
        (12, "오전", None, (0, 0)),
        (3, None, None, (15, 0)),
        (9, None, None, (9, 0)),
        (7, None, (11, 23), (19, 0)),
        (11, None, (11, 23), (11, 0)),
        (18, None, None, (18, 0)),
        (24, None, None, (0, 1)),
    ],
)
def test_resolve_hour(
    hour: int, period: str | None, prefer: tuple[int, int] | None, expected: tuple[int, int]
) -> None:
    assert resolve_hour(hour, period, prefer) == expected


def test_numerals_and_formatting() -> None:
    assert [sino_to_int(w) for w in ("일", "십", "십오", "이십", "삼십일", "가나")] == [
        1,
        10,
        15,
        20,
        31,
        None,
    ]
    assert format_date_ko(date(2026, 11, 18), date(2026, 11, 18)) == "오늘(11월 18일 수요일)"
    assert format_date_ko(date(2027, 3, 5), date(2026, 11, 18)) == "2027년 3월 5일 금요일"
    assert format_time_ko(time(0, 0)) == "밤 12시"
    assert format_time_ko(time(15, 5)) == "오후 3시 5분"
