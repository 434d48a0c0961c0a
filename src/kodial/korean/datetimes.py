"""Korean date and time expressions, resolved against a given ``now``.

:func:`parse_datetime` finds the first date expression and the first time expression in a
sentence and resolves them relative to ``now`` (timezone-aware, Asia/Seoul by default):

========================  ==================================================================
Dates                     오늘, 내일/낼, 모레, 글피, 어제, 그제; 3일 후, 일주일 뒤, 두 달 후;
                          (이번|다음|다다음|지난) 주 금요일, 금요일; (이번|다음) 주말, 주말;
                          3월 5일, 2027년 3월 5일, 삼월 오일, 5일, 3/5, 2027-03-05;
                          (이번|다음) 달 10일; (이번|다음) 달 말일/말; 개천절, 한글날 (the
                          holidays on a fixed solar date: :data:`FIXED_HOLIDAYS`)
Times                     3시, 3시 30분, 7시 반, 19:30, 세 시, 열한 시 반; 정오, 자정, 지금;
                          오전/오후/아침/점심/낮/저녁/밤/새벽 + hour; 30분 뒤, 두 시간 후
Periods (no hour)         내일 저녁, 오후 -> :attr:`KoreanDateTime.period`, no time
========================  ==================================================================

Why a hand-written grammar: these expressions are a small closed set, the rules must be exact
(a booking for the wrong day is worse than a question back), and the result must not depend on
a model. Ambiguous hours follow one documented rule (:func:`resolve_hour`).

Weeks run Monday to Sunday, so on a Wednesday "이번 주 월요일" is two days ago (callers validate
past dates) and "다음 주 금요일" is the Friday of the following calendar week. A bare weekday
("금요일") is its next occurrence, today included. "3월 5일" without a year is the next such
day, today included, unless it passed within the last month (:data:`RECENT_PAST_DAYS`): "4월
15일" said on April 18 is three days ago (a visit, an accident being reported), never next
year; "5일" alone is the 5th of this month, or of next month when already past.

>>> from datetime import datetime
>>> now = datetime(2026, 11, 18, 14, 0, tzinfo=SEOUL)  # a Wednesday
>>> parse_datetime("내일 저녁 7시 반에 예약해줘", now).isoformat()
'2026-11-19T19:30'
>>> parse_datetime("다음 주 금요일 3시", now).isoformat()
'2026-11-27T15:00'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from kodial.korean.dialogue_acts import negated
from kodial.korean.named_days import (
    FIXED_HOLIDAYS,
    HOLIDAY_RE,
    RECENT_PAST_DAYS,
    WEEKDAYS,
    WHICH_MONTH,
    month_day,
    months_ahead,
    nth_weekday,
)
from kodial.korean.numerals import (
    DAY_COUNT_RE,
    DAY_COUNTS,
    NATIVE_RE,
    SINO_MONTHS,
    SINO_RE,
    number_value,
)

SEOUL = ZoneInfo("Asia/Seoul")
"""Default timezone of the assistant."""

RELATIVE_YEARS: dict[str, int] = {
    "재작년": -2,
    "작년": -1,
    "지난해": -1,
    "지난 해": -1,
    "올해": 0,
    "금년": 0,
    "이번 해": 0,
    "내년": 1,
    "다음 해": 1,
    "내후년": 2,
}
"""Years said relative to this one (작년 = last year): offsets from the current year."""
RELATIVE_YEAR_RE = "|".join(sorted(RELATIVE_YEARS, key=len, reverse=True))
"""Regex alternation of :data:`RELATIVE_YEARS`, longest first (재작년 before 작년)."""

PERIODS: dict[str, tuple[int, int]] = {
    "새벽": (0, 6),
    "아침": (6, 11),
    "오전": (0, 12),
    "점심": (11, 15),
    "낮": (11, 18),
    "오후": (12, 24),
    "저녁": (17, 22),
    "밤": (19, 28),
}
"""Part of day -> hour range [start, end) it covers (28 = 4 a.m. next day, for 밤 12시/1시)."""


def resolve_hour(
    hour: int, period: str | None, prefer: tuple[int, int] | None = None
) -> tuple[int, int]:
    """24-hour clock value and day offset (0 or 1) for a spoken ``hour`` (0-24).

    The rule: with a period (오후, 저녁 ...) the hour is placed inside that period's range
    (저녁 7시 -> 19, 밤 12시 -> 0 the next day, 새벽 2시 -> 2). Without one, an hour above 12 is
    already 24-hour; otherwise, when ``prefer`` (an opening-hours range [start, end)) is given,
    the reading that falls in it wins (7시 with (11, 23) -> 19); else 1-6 read as afternoon
    (15시 is what people mean by "3시" far more often than 3 a.m.) and 7-12 as written.

    >>> resolve_hour(7, "저녁"), resolve_hour(12, "밤"), resolve_hour(7, None, (11, 23))
    ((19, 0), (0, 1), (19, 0))
    >>> resolve_hour(3, None), resolve_hour(9, None), resolve_hour(12, "점심")
    ((15, 0), (9, 0), (12, 0))
    """
    if period is not None and hour <= 12:
        lo, hi = PERIODS[period]
        for cand in (hour, hour + 12, hour + 24):
            if lo <= cand < hi:
                return (cand % 24, cand // 24)
        if period in ("오전", "새벽", "아침"):
            return (hour % 12, 0)
        return ((hour % 12) + 12, 0)
    if hour > 12:
        return (hour % 24, hour // 24)
    if prefer is not None:
        lo, hi = prefer
        for cand in (hour, hour + 12):
            if lo <= cand < hi:
                return (cand % 24, 0)
    if 1 <= hour <= 6:
        return (hour + 12, 0)
    return (hour % 24, 0)


@dataclass(frozen=True)
class KoreanDateTime:
    """A resolved expression. ``date``/``time`` are None when the sentence did not give one."""

    date: date | None
    time: time | None
    period: str | None = None
    """Part of day said without an hour (내일 저녁 -> "저녁"), or the one qualifying the hour."""
    spans: tuple[tuple[int, int], ...] = ()
    """(start, end) character offsets of the matched words in the input."""
    tz: tzinfo = SEOUL
    date_span: tuple[int, int] | None = None
    """Where the date was said (None: not said, or implied by a time such as 30분 뒤)."""
    time_span: tuple[int, int] | None = None
    """Where the time (or the part of day) was said."""

    @property
    def matched(self) -> bool:
        return self.date is not None or self.time is not None or self.period is not None

    def to_datetime(self, now: datetime) -> datetime | None:
        """Combine into one aware datetime (date defaults to ``now``'s day), None without time."""
        if self.time is None:
            return None
        day = self.date or now.astimezone(self.tz).date()
        return datetime.combine(day, self.time, tzinfo=self.tz)

    def isoformat(self) -> str:
        """``YYYY-MM-DD``, ``HH:MM`` or ``YYYY-MM-DDTHH:MM`` (what was said, nothing more)."""
        parts = []
        if self.date is not None:
            parts.append(self.date.isoformat())
        if self.time is not None:
            parts.append(self.time.strftime("%H:%M"))
        return "T".join(parts)


_REL_DAY = {
    "오늘": 0,
    "금일": 0,
    "당일": 0,
    "내일": 1,
    "낼": 1,
    "명일": 1,
    "모레": 2,
    "내일모레": 2,
    "낼모레": 2,
    "글피": 3,
    "어제": -1,
    "그제": -2,
    "그저께": -2,
    "모래": 2,
    "이따": 0,
    "이따가": 0,
}
_WEEK_WORD = {
    "이번": 0,
    "금": 0,
    "다음": 1,
    "담": 1,
    "차": 1,
    "다다음": 2,
    "지난": -1,
    "저번": -1,
}
_UNIT_DAYS = {"일": 1, "주": 7, "주일": 7}

_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})")),
    (
        "ymd",
        re.compile(
            r"(?:(?P<y>\d{4})\s*년\s*)?(?P<m>\d{1,2}|" + SINO_RE + r"|유|시)\s*월\s*"
            r"(?P<d>\d{1,2}|" + SINO_RE + r")\s*일(?!\s*(?:후|뒤|동안|간|째))"
        ),
    ),
    ("slash", re.compile(r"(?<![\d:])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])")),
    (  # "12.24", "12. 24.": a month and day written with dots, as on a form or a ticket; a
        # decimal (1.5배, 2.5km, 4.5 이상) is not one: the day is followed by a space, a
        # bracket or a date's particle, never by a unit or a comparison
        "dot",
        re.compile(
            r"(?<![\dA-Za-z.])(?P<m>1[0-2]|0?[1-9])\.\s?(?P<d>3[01]|[12]\d|0?[1-9])\.?"
            r"(?:(?=\s*$|[,(~)?!]|에|까지|부터|이나|\s*\([월화수목금토일]\)|\s*[월화수목금토일]요일"
            r"|\s+(?:오전|오후|아침|점심|저녁|밤|새벽|낮|\d{1,2}\s*시(?!간)|\d{1,2}:))"
            # followed by other words, only a two-digit day reads as one ("12.24 공연"), never
            # "4.5 식당", "1.5 리터"
            r"|(?<=[0-3]\d)(?<=[0-3]\d\.)?(?=\s+[가-힣]))"
            r"(?!\s*(?:이상|이하|미만|초과|정도|배|점|도|%|퍼센트|프로|[A-Za-z]))"
        ),
    ),
    (
        "month_day",
        re.compile(WHICH_MONTH + r"\s*(?P<d>\d{1,2}|" + SINO_RE + r")\s*일"),
    ),
    (  # "12월 첫째 주 토요일", "다음 달 마지막 금요일": the nth such weekday of the month
        "nth_weekday",
        re.compile(
            r"(?:(?:(?P<y>\d{4})\s*년\s*)?(?P<m>\d{1,2}|" + SINO_RE + r"|유|시)\s*월"
            r"|" + WHICH_MONTH + r")\s*(?:의\s*)?"
            r"(?P<nth>첫째|첫|둘째|셋째|넷째|다섯째|마지막)\s*(?:주\s*)?"
            r"(?P<wd>[월화수목금토일])(?:요일|욜)"
        ),
    ),
    (  # "2주 뒤 목요일": that weekday of the week so many weeks on
        "weeks_day",
        re.compile(
            r"(?:(?P<n>\d{1,2}|"
            + NATIVE_RE
            + r"|"
            + SINO_RE
            + r"|일)\s*)?(?:주일|주)\s*(?:후|뒤)\s*"
            r"(?:의\s*)?(?P<wd>[월화수목금토일])(?:요일|욜)"
        ),
    ),
    (
        "week_day",
        re.compile(
            r"(?:(?P<which>다다음|이번|다음|지난|저번|담|차|금)\s*주\s*)?(?P<wd>[월화수목금토일])(?:요일|욜)"
            # 토욜, 금욜: the spoken short form of a weekday
        ),
    ),
    (
        "month_end",
        re.compile(
            WHICH_MONTH
            + r"\s*(?:말일|마지막\s*날|말(?=$|[^가-힣]|에|까지|쯤|께|경|로))|(?P<same>월말|말일)"
        ),
    ),
    (
        "holiday",
        re.compile(
            r"(?:(?P<year>올해|내년)\s*)?(?P<h>" + HOLIDAY_RE + r")"
            # a day said with a particle or a time, not a holiday naming a thing ("크리스마스
            # 선물", "한글날 행사")
            r"(?=에|부터|까지|로|으로|이|가|은|는|엔|쯤|때|전|당일|$|[,.?!~]"
            r"|\s+(?:오전|오후|아침|점심|저녁|밤|새벽|낮|당일|\d))"
        ),
    ),
    ("weekend", re.compile(r"(?:(?P<which>다다음|이번|다음|담|차|금)\s*)?주말")),
    (
        "offset",
        re.compile(
            r"(?:(?P<n>\d{1,3}|" + NATIVE_RE + r"|" + SINO_RE + r")\s*)?"
            r"(?P<unit>일주일|주일|주|일|달|개월|년)\s*(?:후|뒤|있다가|지나서)"
        ),
    ),
    (
        "days_word",
        re.compile(rf"(?P<w>{DAY_COUNT_RE})\s*(?:후|뒤|있다가|지나서)"),
    ),
    (
        "rel_day",
        re.compile(
            r"(?P<w>내일 ?모레|낼 ?모레|그저께|오늘|금일|당일|내일|명일|모레|글피|어제|그제|낼"
            # 모래 (typed for 모레) and 이따 (later today) only before a time of day
            r"|(?:모래|이따가?)(?=\s*(?:오전|오후|아침|점심|저녁|밤|새벽|낮|\d{1,2}\s*시(?!간)"
            r"|(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|열한|열두)\s*시(?!간))))"
        ),
    ),
    # "5일" after "4박" is the length of a stay (4박 5일), not the 5th
    (
        "day_only",
        re.compile(
            r"(?<![\d월.])(?<!박)(?<!박\s)(?:(?P<d>\d{1,2})\s*일"
            # a day in Sino-Korean numerals from the 10th (이십오일), written as one word and
            # ending it: the shorter ones (이일, 삼일) and others (십일월, 십일조) are other words
            r"|(?<![가-힣])(?P<sd>[이삼]?십[일이삼사오육칠팔구]?)일"
            r"(?=$|[^가-힣]|에|은|는|이|가|도|요|까지|부터|로|쯤|날))"
            r"(?!\s*(?:후|뒤|동안|간|째|주))"
        ),
    ),
]

_PERIOD_GAP = re.compile(r"\s+[가-힣]+(?:\s+[가-힣]+)?\s+")
"""What may stand between a part of the day and the hour it qualifies: one or two words (a noun
it names, a day), never a sentence's end."""

_NAMES_A_THING = re.compile(
    r"\s+(?!중|쯤|경|께|내내|동안|시간|때)[가-힣]+(?<![에로지터는은이가도요])(?=\s|$)"
)
"""A bare noun after a part of the day: what it names (저녁 약속, 점심 회식)."""

MINUTES_TO_MAX = 20
"""Most minutes "N시 M분 전" is read as M minutes to N (3시 10분 전 = 2:50); beyond it ("3시 30분
전까지", "3시 40분 전에") the minutes are the time itself and 전 means before it."""

_HOUR_RE = r"(?P<h>\d{1,2}|" + NATIVE_RE + r")"
# A period word, or a word boundary so that "오시나요" or "네 시작" never read as an hour.
_PERIOD_RE = (
    r"(?:(?P<period>새벽|아침|오전|점심|오후|저녁|밤|낮)(?:시간|때)?(?:쯤)?(?:\s*[.,~…]+)?\s*"
    r"|(?<![가-힣\d]))"
)
# "점심시간 12시반", "저녁때 7시": the part of the day said as its time, before the hour
_NOT_HOUR = r"(?!\s*간|작|켜|키|원|도|청|험|내|장|계|설|스템|즌|리즈|식|민|골)"
_TIME_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "rel_time",
        re.compile(
            r"(?<![\d.])(?P<n>\d{1,3}|" + NATIVE_RE + r"|" + SINO_RE + r"|반)\s*"
            r"(?P<unit>시간|분)\s*(?P<half>반)?\s*(?:후|뒤|있다가|지나서)"
        ),
    ),
    (
        "clock",
        re.compile(_PERIOD_RE + r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?!\d)"),
    ),
    (
        "hour",
        re.compile(
            _PERIOD_RE
            + _HOUR_RE
            + r"\s*시"
            + _NOT_HOUR
            + r"(?:\s*(?P<half>반)|\s*(?P<mi>\d{1,2}|"
            + SINO_RE
            + r")\s*분(?P<before>\s*전(?=$|[^가-힣]|에(?!서)|으로|쯤|이요|요)(?!\s*까지))?)?"
            # "3시 10분 전": ten to three
        ),
    ),
    ("noon", re.compile(r"(?P<w>정오|자정|지금|당장)")),
    (
        "period",
        re.compile(
            # 밤 as the first syllable of another word (밤하늘, 밤송이, 밤나무) is no night
            r"(?P<period>새벽|아침|오전|점심|오후|저녁|밤(?!하늘|송이|나무|톨|고구마|양갱)"
            r"|낮(?!은|아|고|게|추|춰))"
        ),
    ),
]


def _week_offset(word: str | None) -> int:
    return 0 if word is None else _WEEK_WORD[word]


def _resolve_date(kind: str, m: re.Match[str], today: date) -> date | None:
    g = m.groupdict()
    if kind in ("iso", "ymd", "slash", "dot"):
        month_word = g["m"]
        month = SINO_MONTHS.get(month_word) or number_value(month_word)
        day = number_value(g["d"])
        if month is None or day is None:
            return None
        year = int(g["y"]) if g.get("y") else today.year
        try:
            out = date(year, month, day)
        except ValueError:
            return None
        if not g.get("y") and out < today - timedelta(days=RECENT_PAST_DAYS):
            try:
                out = date(year + 1, month, day)
            except ValueError:
                return None
        return out
    if kind == "nth_weekday":
        return nth_weekday(g, today)
    if kind == "weeks_day":
        n = 1 if g["n"] in (None, "일") else number_value(g["n"])
        if n is None:
            return None
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(days=7 * n + WEEKDAYS.index(g["wd"]))
    if kind == "month_end":
        first_after = month_day(today, 1, months_ahead(g.get("which")) + 1)
        return None if first_after is None else first_after - timedelta(days=1)
    if kind == "holiday":
        month, day = FIXED_HOLIDAYS[g["h"]]
        year = today.year + (1 if g.get("year") == "내년" else 0)
        out = date(year, month, day)
        if g.get("year") is None and out < today - timedelta(days=RECENT_PAST_DAYS):
            out = date(year + 1, month, day)
        return out
    if kind == "month_day":
        day = number_value(g["d"])
        return None if day is None else month_day(today, day, months_ahead(g["which"]))
    if kind == "day_only":
        day = number_value(g["d"] or g["sd"])
        if day is None:
            return None
        this = month_day(today, day, 0)
        if this is not None and this >= today:
            return this
        return month_day(today, day, 1)
    if kind == "week_day":
        wd = WEEKDAYS.index(g["wd"])
        if g["which"] is None:
            return today + timedelta(days=(wd - today.weekday()) % 7)
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(days=7 * _week_offset(g["which"]) + wd)
    if kind == "weekend":
        monday = today - timedelta(days=today.weekday())
        saturday = monday + timedelta(days=7 * _week_offset(g["which"]) + 5)
        # On a Sunday, "이번 주말" is today: the weekend is not over yet.
        return today if g["which"] in (None, "이번", "금") and today.weekday() == 6 else saturday
    if kind == "offset":
        n = 1 if g["n"] is None else number_value(g["n"])
        if n is None:
            return None
        unit = g["unit"]
        if unit == "일주일":
            return today + timedelta(days=7 * n)
        if unit == "년":  # "1년 뒤": the same day in that year (Feb 29 -> Feb 28)
            if g["n"] is None or not 1 <= n <= 10:
                return None
            return month_day(today, today.day, 12 * n, clamp=True)
        if unit in ("달", "개월"):
            return month_day(today, today.day, n, clamp=True)
        if g["n"] is None:
            return None
        return today + timedelta(days=n * _UNIT_DAYS[unit])
    if kind == "days_word":
        return today + timedelta(days=DAY_COUNTS[g["w"]])
    if kind == "rel_day":
        return today + timedelta(days=_REL_DAY[g["w"].replace(" ", "")])
    raise ValueError(kind)


def _first(
    patterns: list[tuple[str, re.Pattern[str]]], text: str, taken: list[tuple[int, int]]
) -> list[tuple[str, re.Match[str]]]:
    """Matches of every pattern, earliest first, skipping ones overlapping ``taken``."""
    found: list[tuple[str, re.Match[str]]] = []
    for kind, pat in patterns:
        for m in pat.finditer(text):
            if m.end() == m.start():
                continue
            span = m.span()
            if any(span[0] < e and s < span[1] for s, e in taken):
                continue
            found.append((kind, m))
    return found


def parse_datetime(
    text: str,
    now: datetime | None = None,
    *,
    prefer_hours: tuple[int, int] | None = None,
    period_hint: str | None = None,
    tz: tzinfo = SEOUL,
    dotted: bool = True,
) -> KoreanDateTime:
    """Find and resolve the first date and time expressions in ``text``.

    ``now`` defaults to the current time in ``tz``; a naive ``now`` is taken to be in ``tz``.
    ``prefer_hours`` disambiguates bare hours (see :func:`resolve_hour`); ``period_hint`` is a
    part of day said in an earlier turn ("저녁으로" then "7시"). ``dotted=False`` leaves a
    month and day written with a dot ("12.24") unread, where a decimal is likelier (a message
    read for numbers with no date expected). Returns a
    :class:`KoreanDateTime` whose ``matched`` is False when nothing was found.

    >>> now = datetime(2026, 11, 18, 14, 0, tzinfo=SEOUL)
    >>> parse_datetime("모레 오후 3시", now).isoformat(), parse_datetime("3월 5일", now).isoformat()
    ('2026-11-20T15:00', '2027-03-05')
    """
    now = datetime.now(tz) if now is None else now
    now = now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)
    today = now.date()
    spans: list[tuple[int, int]] = []

    day: date | None = None
    date_span: tuple[int, int] | None = None
    time_span: tuple[int, int] | None = None
    refused: list[tuple[int, int]] = []
    for kind, m in sorted(
        _first([kp for kp in _DATE_PATTERNS if dotted or kp[0] != "dot"], text, spans),
        key=lambda km: (km[1].start(), -(km[1].end() - km[1].start())),
    ):
        if any(m.start() < e and s < m.end() for s, e in refused) or negated(text, m.end()):
            continue
        resolved = _resolve_date(kind, m, today)
        if resolved is not None:
            day = resolved
            spans.append(m.span())
            date_span = m.span()
            break
        # "2월 30일" is no date; its "30일" must not be read as the 30th of this month.
        refused.append(m.span())

    clock: time | None = None
    period: str | None = None
    day_shift = 0
    # a part of the day said a few words before the hour ("아침 회의 9시로", "저녁 약속 내일
    # 7시"): it says which 9 or 7, and stays with the words it names (아침 회의, 저녁 약속)
    said_before: re.Match[str] | None = None
    for kind, m in sorted(
        _first(_TIME_PATTERNS, text, spans),
        key=lambda km: (km[1].start(), -(km[1].end() - km[1].start())),
    ):
        g = m.groupdict()
        if negated(text, m.end()):
            continue
        if said_before is not None:
            if kind not in ("hour", "clock") or not _PERIOD_GAP.fullmatch(
                text[said_before.end() : m.start()]
            ):
                kind, m, g = "period", said_before, said_before.groupdict()
            elif not g.get("period"):
                period_hint = said_before["period"]
        elif kind == "period" and (
            _PERIOD_GAP.match(text, m.end()) or _NAMES_A_THING.match(text, m.end())
        ):
            said_before = m  # words follow it: an hour after them may be the one it qualifies
            continue
        if kind == "rel_time":
            n = number_value(g["n"])
            if g["n"] == "반":
                delta = timedelta(minutes=30)
            elif n is None:
                continue
            else:
                delta = timedelta(hours=n) if g["unit"] == "시간" else timedelta(minutes=n)
                if g["half"] and g["unit"] == "시간":  # 한 시간 반 뒤
                    delta += timedelta(minutes=30)
            when = now + delta
            day, clock = when.date(), when.time().replace(second=0, microsecond=0)
        elif kind == "noon":
            word = g["w"]
            if word == "정오":
                clock = time(12, 0)
            elif word == "자정":
                clock, day_shift = time(0, 0), 1
            else:
                day, clock = today, now.time().replace(second=0, microsecond=0)
        elif kind == "period":
            period = g["period"]
        else:
            hour = number_value(g["h"])
            if g.get("half"):
                minute: int | None = 30
            else:
                minute = number_value(g["mi"]) if g.get("mi") else 0
            if hour is None or minute is None or hour > 24 or minute > 59:
                continue
            # "3시 10분 전": ten to the hour, which is read as any hour said (7시 -> 6:50)
            to = minute if g.get("before") and 0 < minute <= MINUTES_TO_MAX else 0
            minute -= to
            period = g.get("period") or period_hint
            h24, day_shift = resolve_hour(hour, period, prefer_hours)
            if (
                period is None
                and prefer_hours is None
                and h24 < 12  # already read as afternoon (1-6 -> 13-18): never past 23
                and (day is None or day == today)
                and time(h24, minute) < now.time()
            ):
                h24 += 12  # "9시" said at 2 p.m. about today means 9 p.m.
            at = h24 * 60 + minute - to
            if at < 0:  # 밤 12시 10분 전: 23:50 of the day before the midnight
                at, day_shift = at + 24 * 60, day_shift - 1
            clock = time(at // 60, at % 60)
        spans.append(m.span())
        time_span = m.span()
        break
    else:
        # no hour after it: the part of the day alone; before a bare noun it is that noun's
        # (저녁 약속, 아침 운동: the words stay for a title; the part of the day is kept)
        if said_before is not None:
            period = said_before["period"]
            if not _NAMES_A_THING.match(text, said_before.end()):
                spans.append(said_before.span())
                time_span = said_before.span()

    if day_shift:
        day = (day or today) + timedelta(days=day_shift)
    return KoreanDateTime(day, clock, period, tuple(sorted(spans)), tz, date_span, time_span)
