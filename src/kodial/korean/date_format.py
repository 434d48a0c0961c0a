"""Dates and times said back to the user in Korean: ``내일(11월 19일 목요일)``, ``오후 7시 30분``
(the reading side is :mod:`kodial.korean.datetimes`)."""

from __future__ import annotations

from datetime import date, time

from kodial.korean.named_days import WEEKDAYS


def format_date_ko(day: date, today: date | None = None) -> str:
    """``11월 19일 목요일``, prefixed with 오늘/내일/모레 when ``today`` makes it near.

    >>> format_date_ko(date(2026, 11, 19), date(2026, 11, 18))
    '내일(11월 19일 목요일)'
    """
    base = f"{day.month}월 {day.day}일 {WEEKDAYS[day.weekday()]}요일"
    if today is not None:
        near = {0: "오늘", 1: "내일", 2: "모레"}.get((day - today).days)
        if near:
            return f"{near}({base})"
    if today is not None and day.year != today.year:
        return f"{day.year}년 {base}"
    return base


def format_time_ko(clock: time) -> str:
    """``오후 7시 30분``, ``오전 11시``, ``낮 12시``, ``밤 12시``.

    >>> format_time_ko(time(19, 30)), format_time_ko(time(12, 0)), format_time_ko(time(9, 0))
    ('오후 7시 30분', '낮 12시', '오전 9시')
    """
    h, mi = clock.hour, clock.minute
    if h == 0:
        head = "밤 12시"
    elif h < 12:
        head = f"오전 {h}시"
    elif h == 12:
        head = "낮 12시"
    else:
        head = f"오후 {h - 12}시"
    return head if mi == 0 else f"{head} {mi}분"
