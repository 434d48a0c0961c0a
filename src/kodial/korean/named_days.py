"""Days named rather than numbered: fixed holidays, the nth weekday of a month, and month
arithmetic relative to now (이번 달, 다음 달, 지난달), used by :mod:`kodial.korean.datetimes`."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from kodial.korean.numerals import SINO_MONTHS, number_value

WEEKDAYS = "월화수목금토일"
"""Weekday syllables, Monday first (``date.weekday()`` order)."""

RECENT_PAST_DAYS = 31
"""A month and day without a year that passed at most this many days ago is that past day."""

FIXED_HOLIDAYS: dict[str, tuple[int, int]] = {
    "신정": (1, 1),
    "새해 첫날": (1, 1),
    "새해첫날": (1, 1),
    "삼일절": (3, 1),
    "어린이날": (5, 5),
    "어버이날": (5, 8),
    "스승의 날": (5, 15),
    "스승의날": (5, 15),
    "현충일": (6, 6),
    "제헌절": (7, 17),
    "광복절": (8, 15),
    "개천절": (10, 3),
    "한글날": (10, 9),
    "크리스마스 이브": (12, 24),
    "크리스마스이브": (12, 24),
    "크리스마스": (12, 25),
    "성탄절": (12, 25),
}
"""Days Koreans name by their holiday, on a fixed solar date (month, day). The lunar ones (설날,
추석) move every year and are not here: a wrong day is worse than a question back."""
HOLIDAY_RE = "|".join(re.escape(h) for h in sorted(FIXED_HOLIDAYS, key=len, reverse=True))
"""Regex alternation of :data:`FIXED_HOLIDAYS`, longest first."""

WHICH_MONTH = r"(?P<which>이번|다음|담|지난|저번|(?<![가-힣])(?:이|내(?=달)))\s*달"
"""A month said relative to now (이번 달, 이달, 다음 달, 담달, 내달, 지난달, 저번 달)."""

_MONTHS_AHEAD = {"다음": 1, "담": 1, "내": 1, "지난": -1, "저번": -1}


def months_ahead(which: str | None) -> int:
    """0 for this month (이번 달, 이달), 1 for the next (다음 달, 내달), -1 for the last
    (지난달, 저번 달)."""
    return _MONTHS_AHEAD.get(which or "", 0)


def month_day(today: date, day: int, months: int, *, clamp: bool = False) -> date | None:
    """That day of the month ``months`` after today's (negative: before); None when the month
    has no such day (2월 30일), or with ``clamp`` that month's last day ("한 달 뒤" from 3월
    31일 is 4월 30일, as calendars count a month on)."""
    y, m = today.year, today.month + months
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    if clamp:
        day = min(day, calendar.monthrange(y, m)[1])
    try:
        return date(y, m, day)
    except ValueError:
        return None


NTH = {"첫째": 1, "첫": 1, "둘째": 2, "셋째": 3, "넷째": 4, "다섯째": 5, "마지막": -1}
"""Ordinals of a weekday in its month (마지막 = the last)."""


def nth_weekday(g: dict[str, Any], today: date) -> date | None:
    """The nth (or last) such weekday of the month said (this year's, or next year's when it
    has passed), None when the month has no nth one. ``g``: the groups ``which`` (a relative
    month) or ``m`` and ``y``, ``nth`` and ``wd``."""
    if g.get("which"):
        first = month_day(today, 1, months_ahead(g["which"]))
    else:
        month = SINO_MONTHS.get(g["m"]) or number_value(g["m"])
        if month is None or not 1 <= month <= 12:
            return None
        first = date(int(g["y"]) if g.get("y") else today.year, month, 1)
    if first is None:
        return None
    wd = WEEKDAYS.index(g["wd"])
    days = [first + timedelta(days=k) for k in range(31)]
    days = [d for d in days if d.month == first.month and d.weekday() == wd]
    nth = NTH[g["nth"]]
    if nth > len(days):
        return None
    out = days[nth - 1] if nth > 0 else days[-1]
    if not g.get("y") and not g.get("which") and out < today - timedelta(days=RECENT_PAST_DAYS):
        return nth_weekday({**g, "y": str(today.year + 1)}, today)
    return out
