"""Dates and times for a parameter: :mod:`kodial.korean.datetimes` read in the format the schema
asks for, ranges split into start and end."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from kodial.korean.datetimes import (
    RELATIVE_YEAR_RE,
    RELATIVE_YEARS,
    WEEKDAYS,
    KoreanDateTime,
    parse_datetime,
    resolve_hour,
)
from kodial.korean.named_days import month_day
from kodial.korean.numerals import number_value
from kodial.tools.acts import tool_act
from kodial.tools.arguments.message import DAY_PARTS, Msg
from kodial.tools.arguments.months import month_range, year_month
from kodial.tools.arguments.params import (
    NEW_VALUE,
    RANGE_END_WORDS,
    START_WORDS,
    DateFormat,
    date_format,
    has_whole_word,
    words_of,
)
from kodial.tools.arguments.results import Found
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import content_words, tokens


def _date_span_text(text: str, r: KoreanDateTime) -> tuple[int, int] | None:
    spans = [s for s in (r.date_span, r.time_span) if s is not None]
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


_DEICTIC = re.compile(r"\s*(?:지금|현재|요즘|최근|이제|방금)\s*$")
"""A time said only as "now": the value is filled (the present), but it is the default every
request has, not a value the user chose, so it is no evidence that a date-taking tool is meant
("지금 몇 시야?" names no lottery draw date)."""

_STAY_STARTS = ("체크인", "입실", "대여 시작", "check in", "checkin", "인수", "pickup", "가는 날")
_STAY_ENDS = ("체크아웃", "퇴실", "반납", "check out", "checkout", "return", "오는 날")
"""A stay or a rental starts and ends on the days said as a range (5월 4일부터 6일까지)."""
_RANGE_SPLIT = re.compile(r"\s*(?:부터|에서|~|～|-|–|〜)\s*")
_NIGHTS = re.compile(r"^\s*(?:부터\s*)?(?:(\d{1,2})|(한|두|세|네|다섯))\s*박")
"""A stay said by its nights after the first day (5월 4일부터 1박): it ends that many days on."""
_BARE_WEEKDAY = re.compile(r"\s*[월화수목금토일](?:요일|욜)\s*")
"""A weekday said with no week (목욜, 금요일): the coming one, or one in a week said before it."""
_WEEKEND = re.compile(r"주말(?!\s*(?:까지|에서|부터))")
_SAID_OF_THE_END = re.compile(r"\d+\s*박|\d+\s*일|[월화수목금토일](?:요일|욜)|반납|까지")
"""After a weekend, what says its end otherwise (2박 3일, 3일간, 월요일에 반납, 화요일까지)."""
DURATION = re.compile(r"(?P<n>(?<!\d)\d+|한|두|세|네|반)\s*(?P<unit>시간|분)\s*(?:동안|간)")


def normalise_years(text: str, now: datetime | None = None) -> str:
    """ "25년6월1일" -> "2025년6월1일"; a two-digit year more than ten years ahead of ``now`` is
    of the last century ("58년 3월 2일생" -> 1958). Offsets are not kept."""

    def century(m: re.Match[str]) -> str:
        yy = int(m.group(1))
        ahead = now is not None and 2000 + yy > now.year + 10
        return f"{19 if ahead else 20}{m.group(1)}년{m.group(2)}"

    return re.sub(r"(?<!\d)(\d{2})년(\s*\d{1,2}\s*월)", century, text)


_BORN_IN = re.compile(r"(?<!\d)(\d{2})\s*년생")
"""A year of birth said by its last two digits ("01년생", "88년생")."""

_WEEKDAY_PAIR = re.compile(
    r"((?:다다음|다음|이번|지난|저번)\s*주|담주|금주|저번주)\s*([월화수목금토일])([월화수목금토일])(?![가-힣])"
)


def expand_weekday_pairs(text: str) -> str:
    """ "담주 목금" -> "담주 목요일부터 담주 금요일까지": two weekdays written as their first
    letters after a week are the days from the one to the other (a later day second)."""

    def expand(m: re.Match[str]) -> str:
        a, b = m.group(2), m.group(3)
        if WEEKDAYS.index(b) <= WEEKDAYS.index(a):
            return m.group(0)
        return f"{m.group(1)} {a}요일부터 {m.group(1)} {b}요일까지"

    return _WEEKDAY_PAIR.sub(expand, text)


def format_date_value(fmt: DateFormat, r: KoreanDateTime, raw: str, now: datetime) -> Any | None:
    """The value of a date/time parameter written as ``fmt`` asks, from a parsed expression;
    None when the expression lacks the part the format needs."""
    if fmt.part == "raw":
        return raw.strip() or None
    if fmt.part == "date":
        if r.date is None:
            return None
        return r.date.strftime(fmt.layout) if fmt.layout else r.date.isoformat()
    if fmt.part == "time":
        return r.time.strftime(fmt.layout or "%H:%M") if r.time else None
    if fmt.part == "datetime":
        if r.time is None:
            return None
        when = r.to_datetime(now)
        return when.strftime(fmt.layout or "%Y-%m-%dT%H:%M:%S") if when else None
    return None


_RECORDS = re.compile(r"기록|일지|(?:^|_)(?:log|record)(?:_|$)", re.IGNORECASE)


def _logged_today(
    tool: ToolSpec,
    params: list[ParamSpec],
    text: str,
    now: datetime,
    out: dict[str, Found],
    source: str,
) -> None:
    """A record of what was done at a part of the day, said in the past with no day
    ("점심에 제육볶음 먹었어 적어놔줘"): it was today. Only for a tool that keeps a record, and
    only its one date."""
    days = [p for p in params if date_format(p).part == "date" and p.name not in out]  # type: ignore[union-attr]
    if len(days) != 1 or not _RECORDS.search(f"{tool.name} {tool.description}"):
        return
    toks = tokens(text)
    part = next((t for t in toks if t.form in DAY_PARTS and t.tag.startswith("NN")), None)
    if part is None or not any(t.tag == "EP" and t.form in ("었", "았", "였") for t in toks):
        return
    fmt = date_format(days[0])
    today = now.date()
    value = today.strftime(fmt.layout) if fmt and fmt.layout else today.isoformat()
    out[days[0].name] = Found(value, source, part.form, strong=False)


_SAID_OF_A_DAY = re.compile(
    r"(?:이|가|은|는)\s[^.!?\n]*?(?:네|다|야|요)?[.!?\n]\s*(?:그럼|그러면|그래서|그냥)"
)
"""A day as the subject of a sentence that ends, the next one starting with what follows from
it ("모레가 마지막이네. 그럼 ...")."""


def extract_dates(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: Msg,
    now: datetime,
    out: dict[str, Found],
    source: str,
) -> None:
    if not params:
        return
    text = expand_weekday_pairs(normalise_years(msg.text, now))
    if text != msg.text:
        msg = Msg(text, text)
    months = [p for p in params if date_format(p).part in ("year", "month", "year_month")]  # type: ignore[union-attr]
    whole_months = [p for p in months if date_format(p).part == "year_month"]  # type: ignore[union-attr]
    left = month_range(whole_months, msg.text, now, out, source)
    for p in months:
        if p in whole_months and p not in left:
            continue
        part = date_format(p).part  # type: ignore[union-attr]
        if part == "year_month":
            found = year_month(msg.text, now)
            if found:
                out[p.name] = Found(found[0], source, found[1])
            continue
        m = re.search(r"(\d{4})\s*년" if part == "year" else r"(\d{1,2})\s*월", msg.text)
        born_in = _BORN_IN.search(msg.text) if part == "year" and m is None else None
        if born_in:  # "01년생": a two-digit year of birth, of the last century when ahead of now
            yy = int(born_in.group(1))
            year = 1900 + yy if 2000 + yy > now.year else 2000 + yy
            value_b = year if p.type == "integer" else str(year)
            out[p.name] = Found(value_b, source, born_in.group(0))
            msg.take(*born_in.span())
            continue
        if m is None and part == "year":
            m = re.search(r"[(（]((?:19|20)\d{2})[)）]", msg.text)
        if m is None and part == "year":  # 작년 영수증, 올해 기록: a year said relative to now
            rel = re.search(rf"(?<![가-힣])({RELATIVE_YEAR_RE})", msg.text)
            if rel:
                year = now.year + RELATIVE_YEARS[rel.group(1)]
                value_y: Any = year if p.type == "integer" else str(year)
                out[p.name] = Found(value_y, source, rel.group(1))
                continue
        if m:
            value: Any = m.group(1)
            if part == "month":
                value = value.zfill(2) if "MM" in p.description else value
            if p.type == "integer":
                value = int(value)
            out[p.name] = Found(value, source, m.group(0))
    rest = [p for p in params if p not in months]
    if not rest:
        return
    text = _change_target(text, now)
    r = parse_datetime(text, now)
    if r.date_span is not None and (
        re.match(r"(?:오늘|지금|현재)(?:은|는|이|가)?\s", text[r.date_span[0] :])
        # "모레가 마지막이네. 그럼 낼 오후권": a day said of something, then the day chosen
        or _SAID_OF_A_DAY.match(text, r.date_span[1])
    ):
        # "오늘은 2001년 3월 1일부터 며칠째": today is the reference point, the other date is asked
        blank = (
            text[: r.date_span[0]]
            + " " * (r.date_span[1] - r.date_span[0])
            + text[r.date_span[1] :]
        )
        other = parse_datetime(blank, now)
        if other.date_span is not None:
            r, text = other, blank
    if r.date_span is None and tool_act(tool) != "lookup":
        _logged_today(tool, rest, text, now, out, source)
    span = _date_span_text(text, r)
    if span is None:
        if tool_act(tool) == "lookup":
            _whole_period(rest, text, now, out, source)
        return
    starts = [p for p in rest if has_whole_word(words_of(p), (*START_WORDS, *_STAY_STARTS))]
    ends = [p for p in rest if has_whole_word(words_of(p), (*RANGE_END_WORDS, "마침", *_STAY_ENDS))]
    start_raw = text[span[0] : span[1]]
    if starts and ends and _WEEKEND.search(start_raw) and not _BARE_WEEKDAY.search(start_raw):
        # "이번 주말에 본가 가려고. 토욜부터 일욜까지": the range said after the weekend
        blank = text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]
        ranged = parse_datetime(blank, now)
        span_r = _date_span_text(blank, ranged)
        if (
            span_r
            and ranged.date is not None
            and r.date is not None
            and _RANGE_SPLIT.match(blank[span_r[1] :])
            and (r.date - ranged.date).days < 7  # (not in a week before the weekend's)
        ):
            r, text, span = ranged, blank, span_r
            start_raw = text[span[0] : span[1]]
    if starts and ends:
        tail = text[span[1] :]
        sep = _RANGE_SPLIT.match(tail)
        end_value: tuple[KoreanDateTime, str] | None = None
        later = _hours_said_later(starts + ends, r, tail)
        if later is not None:  # "토요일 저녁에 결혼식이라 ... 6시부터 10시까지"
            r, end_value = later
            start_raw, sep = text[span[0] : span[1]], None
        if sep:
            after = tail[sep.end() :]
            r2 = parse_datetime(after, now)
            span2 = _date_span_text(after, r2)
            if span2 is not None and span2[0] <= 2:
                raw2 = after[span2[0] : span2[1]]
                if r2.date_span is None and r.date_span is not None:
                    raw2_full = text[r.date_span[0] : r.date_span[1]] + " "
                    if r2.period is None and r.period is not None and r2.time is not None:
                        raw2_full += r.period + " "
                    raw2 = raw2_full + raw2
                    r2 = KoreanDateTime(r.date, _same_half(r, r2), r.period)
                elif _weekday_before(r, r2, raw2):
                    r2 = _in_the_week_of_the_start(r, r2)  # "담주 월욜부터 목욜까지"
                elif (crossing := _across_noon(r, r2)) is not None:
                    r, r2 = crossing  # "9시 반부터 6시까지": 09:30 to 18:00
                end_value = (r2, raw2)
            elif r.date is not None:
                end_value = _restated_range(r, after, now)
        nights = _NIGHTS.match(text[span[1] :])
        if end_value is None and nights and r.date is not None:
            count = int(nights.group(1)) if nights.group(1) else number_value(nights.group(2))
            end_day = r.date + timedelta(days=count or 1)
            end_value = (KoreanDateTime(end_day, None, None), f"{end_day.month}월 {end_day.day}일")
        if end_value is None and sep is None:
            # "5월 3일 오전 10시에 받아서 5월 5일 저녁 6시에 반납": the second date said is
            # where it ends
            after = text[span[1] :]
            r2 = parse_datetime(after, now)
            span2 = _date_span_text(after, r2)
            if span2 is not None and r2.date_span is not None:
                raw2 = after[span2[0] : span2[1]]
                if _weekday_before(r, r2, raw2):
                    r2 = _in_the_week_of_the_start(r, r2)  # "담주 월욜 체크인 수욜 체크아웃"
                end_value = (r2, raw2)
        dur = DURATION.search(text[span[1] :])
        if end_value is None and dur and r.time is not None:
            n = {"한": 1, "두": 2, "세": 3, "네": 4, "반": 0.5}.get(dur.group("n"))
            amount = float(n) if n is not None else float(dur.group("n"))
            delta = (
                timedelta(hours=amount)
                if dur.group("unit") == "시간"
                else timedelta(minutes=amount)
            )
            start_dt = datetime.combine(r.date or now.date(), r.time)
            end_dt = start_dt + delta
            raw_date = text[r.date_span[0] : r.date_span[1]] + " " if r.date_span else ""
            end_value = (
                KoreanDateTime(end_dt.date(), end_dt.time(), r.period),
                raw_date + _say_time(end_dt.time(), r.period),
            )
        if (
            end_value is None
            and r.date is not None
            and _WEEKEND.search(start_raw)
            and not _BARE_WEEKDAY.search(start_raw)
            and not _SAID_OF_THE_END.search(text[span[1] :])
        ):
            # "이번 주말 이틀 동안": a weekend is its Saturday and Sunday, unless an end, a
            # length or a single day is said ("월요일에 반납", "2박 3일로", "토요일 하루만")
            sunday = r.date + timedelta(days=1)
            end_value = (KoreanDateTime(sunday, None, None), f"{sunday.month}월 {sunday.day}일")
        for p in starts:
            v = format_date_value(date_format(p), r, start_raw, now)  # type: ignore[arg-type]
            if v is not None:
                out[p.name] = Found(v, source, start_raw, strong=not _DEICTIC.match(start_raw))
        if end_value is not None:
            for p in ends:
                v = format_date_value(date_format(p), end_value[0], end_value[1], now)  # type: ignore[arg-type]
                if v is not None:
                    out[p.name] = Found(v, source, end_value[1])
        # a date with a start and an end time ("일정 날짜" beside "시작/종료 시간") is read
        # from the same words
        rest = [p for p in rest if p not in starts and p not in ends]
    if any(date_format(p).part == "time" for p in rest):  # type: ignore[union-attr]
        r = _hour_in_the_part_said(r, text, span[1], now)
    parts_used: set[str] = set()
    # "58년 3월 2일생": a day said as a birth goes to the birth date first, any other day to
    # the other dates first (접종 날짜 beside 생년월일)
    born = r.date is not None and (
        bool(_BORN_AFTER.match(text[span[1] :])) or r.date.year < now.year - 10
    )
    # a day said after a word of one parameter's description ("예정일은 1월 20일") is that one's
    label = text[max(0, span[0] - 8) : span[0]]
    rest = sorted(
        rest,
        key=lambda p: (
            not any(len(w) > 1 and w in label for w in content_words(p.description)),
            _is_birth(p) != born,
        ),
    )
    for p in rest:
        fmt = date_format(p)
        assert fmt is not None
        raw = start_raw
        if fmt.part == "date" and r.date_span is not None:
            raw = text[r.date_span[0] : r.date_span[1]]
        elif fmt.part == "time" and r.time_span is not None:
            raw = text[r.time_span[0] : r.time_span[1]]
        v = format_date_value(fmt, r, raw, now)
        if fmt.part == "date" and _WEEKEND.search(raw) and not _BARE_WEEKDAY.search(text):
            v = None  # "이번 주말에 집 보러 갈래요": which of its two days is not said yet
        if (
            fmt.part == "date"
            and r.date_span is not None
            and NEW_VALUE.search(words_of(p))
            and _THE_THING_OF_THAT_DAY.match(text, r.date_span[1])
        ):
            v = None  # "낼 수업 좀 미루고 싶은데": the day of the thing moved, not the new one
        # one expression fills one parameter per part: a date and a time parameter share it
        # ("내일 오후 3시"), two date parameters do not
        if v is not None and fmt.part not in parts_used:
            out[p.name] = Found(v, source, raw, strong=not _DEICTIC.match(raw))
            parts_used.update(
                {"raw", "datetime", fmt.part} if fmt.part in ("raw", "datetime") else {fmt.part}
            )


BORN = re.compile(r"\s*생(?=$|[^가-힣]|이(?:에요|예요|요|고|야|며|시|세)|입니|으로|인데)")
"""생 after a day: the day is a birth ("58년 3월 2일생", "67년 8월 14일생이에요")."""
_BORN_AFTER = re.compile(rf"{BORN.pattern}|\s*생일|\s*출생")
"""What after a day says it is a birth (생, 생일, 출생)."""


def _is_birth(p: ParamSpec) -> bool:
    """A parameter that takes someone's birth date (생년월일, 생일, birth)."""
    return has_whole_word(words_of(p), ("생년월일", "생일", "birth", "birthday", "dob"))


_THE_THING_OF_THAT_DAY = re.compile(
    r"\s+[가-힣]{1,6}(?:을|를|은|는)?\s*(?:좀\s*)?(?:미루|미뤄|옮기|옮겨|바꾸|바꿔|변경|연기|당기|당겨)"
)
"""After a day: the thing of that day, then the change ("낼 수업 좀 미루고", "금요일 예약 옮겨")."""
_CHANGE_TO = re.compile(
    r"(?:으로|로)\s*(?:바꿔|바꾸|바꿀|변경|옮겨|옮기|미뤄|미루|당겨|당기|수정|해\s*주)"
)
_CLAUSE_END = re.compile(r"[.!?。]+|\n|(?<=[요다])\s+|,\s*")


def _change_target(text: str, now: datetime) -> str:
    """ "9시엔 집에 없어요.. 11시로 바꿔주세요": when a clause says what to change to (X로
    바꿔), the date or time asked for is in that clause; the others (the old value, the reason)
    are blanked, offsets kept."""
    m = _CHANGE_TO.search(text)
    if m is None:
        return text
    starts = [0, *(e.end() for e in _CLAUSE_END.finditer(text, 0, m.start()))]
    start = max(starts)
    said = parse_datetime(text[start : m.start()], now)
    if start == 0 or (said.date_span is None and said.time_span is None):
        return text
    return " " * start + text[start:]


def _same_half(r: KoreanDateTime, r2: KoreanDateTime) -> time | None:
    """An end time said without 오전/오후 after a start that had one stays in the start's half
    of the day when that keeps it after the start (오전 8시부터 9시 반 -> 오전 9시 반)."""
    if r2.time is None:
        return None
    if r.time is None:
        return r2.time
    h = r2.time.hour % 12 + (12 if r.time.hour >= 12 else 0)
    cand = r2.time.replace(hour=h)
    return cand if cand > r.time else r2.time


_PERIOD = re.compile(
    r"(?<![가-힣])(?P<which>지난|저번|이번|금|다음|담|다다음)\s*(?P<unit>주|달)"
    r"(?!\s*(?:[월화수목금토일](?:요일|욜)|\d|[0-9]+일|말|초|중순))"
)
"""A week or a month said whole (지난주, 이번 달): no day of it is named."""
_WITHIN = re.compile(r"\s*(?:안에|안으로|안|내에|내로|중에|중으로|까지)(?![가-힣])")
_PERIOD_SHIFT = {"지난": -1, "저번": -1, "이번": 0, "금": 0, "다음": 1, "담": 1, "다다음": 2}


def _whole_period(
    params: list[ParamSpec], text: str, now: datetime, out: dict[str, Found], source: str
) -> None:
    """A start and an end date filled from a week or a month said whole ("지난주에 적립된 포인트"
    -> its Monday to its Sunday; "이번 달" -> its first to its last day), for a look-up: what
    is booked or paused for "next month" is asked when it starts and ends."""
    said = list(_PERIOD.finditer(text))
    periods = {(m.group("which"), m.group("unit")) for m in said}  # (one said twice is one)
    if len(periods) != 1 or re.search(r"부터|까지|말고|빼고", text):
        return  # "지난주랑 이번주", "지난달 말부터 이번 주까지": not one whole period
    m = said[0]
    days = [p for p in params if date_format(p).part == "date"]  # type: ignore[union-attr]
    starts = [p for p in days if has_whole_word(words_of(p), (*START_WORDS, *_STAY_STARTS))]
    ends = [p for p in days if has_whole_word(words_of(p), (*RANGE_END_WORDS, "마침"))]
    if len(starts) != 1 or len(ends) != 1:
        return
    shift = _PERIOD_SHIFT[m.group("which")]
    today = now.date()
    if m.group("unit") == "주":
        first = today - timedelta(days=today.weekday()) + timedelta(weeks=shift)
        last = first + timedelta(days=6)
    else:
        first = month_day(today, 1, shift)  # type: ignore[assignment]
        last = month_day(today, 31, shift, clamp=True)  # type: ignore[assignment]
    if shift == 0 and _WITHIN.match(text, m.end()):
        first = max(first, today)  # "이번 달 안에": what is left of it, from today
    for p, day in ((starts[0], first), (ends[0], last)):
        v = format_date_value(date_format(p), KoreanDateTime(day, None, None), m.group(0), now)  # type: ignore[arg-type]
        if v is not None:
            out[p.name] = Found(v, source, m.group(0))


_HOUR_RANGE = re.compile(
    r"(?<![\d가-힣])(?P<a>\d{1,2}\s*시(?:\s*반|\s*\d{1,2}\s*분)?)\s*(?:부터|에서|~|-)\s*"
    r"(?P<b>\d{1,2}\s*시(?:\s*반|\s*\d{1,2}\s*분)?)"
)


def _hours_said_later(
    params: list[ParamSpec], r: KoreanDateTime, tail: str
) -> tuple[KoreanDateTime, tuple[KoreanDateTime, str]] | None:
    """A start and an end time said as a range of hours after the day (and its part of the day)
    that has none ("토요일 저녁에 ... 6시부터 10시까지" -> 18:00 to 22:00): the start and the
    end, or None when the parameters are not times or no such range follows."""
    if r.time is not None or any(date_format(p).part != "time" for p in params):  # type: ignore[union-attr]
        return None
    m = _HOUR_RANGE.search(tail)
    if m is None:
        return None
    # the part of the day goes with the range said right after it ("토요일 저녁에 결혼식이
    # 있어서 ... 6시부터"), not with one said after another thing done then ("오전 운동하고
    # 2시부터 4시까지 미팅": a bare range, read as the day's)
    period = r.period if r.period and not _ANOTHER_THING.search(tail[: m.start()]) else None
    h1 = _hour_of(m.group("a"))
    h2 = _hour_of(m.group("b"))
    if h1 is None or h2 is None:
        return None
    start_h = resolve_hour(h1[0], period)[0]
    # the end is the first reading of its hour after the start (오전 9시부터 12시 -> noon;
    # 저녁 7시부터 12시 -> midnight; 10시부터 3시 -> 15:00)
    end_h = next(
        (h % 24 for h in (h2[0], h2[0] + 12, h2[0] + 24) if (h, h2[1]) > (start_h, h1[1])),
        h2[0],
    )
    start = KoreanDateTime(
        r.date, time(start_h, h1[1]), period, date_span=r.date_span, time_span=r.time_span
    )
    end = KoreanDateTime(r.date, time(end_h, h2[1]), period)
    if period is None and (crossing := _across_noon(start, end)) is not None:
        start, end = crossing
    return start, (end, m.group("b"))


def _hour_in_the_part_said(r: KoreanDateTime, text: str, at: int, now: datetime) -> KoreanDateTime:
    """``r`` with the hour said later in the part of the day it has ("오늘 밤에 빈 데 있어?
    9시부터" -> 21:00), when it has a part of the day and no time."""
    if r.time is not None or r.period is None:
        return r
    r2 = parse_datetime(text[at:], now)
    if r2.time is None or r2.time_span is None or r2.date_span is not None or r2.period:
        return r
    said = _hour_of(text[at + r2.time_span[0] : at + r2.time_span[1]])
    between = text[at : at + r2.time_span[0]]
    if said is None or said[0] > 12 or _ANOTHER_THING.search(between) or _DONE.search(between):
        return r  # ("새벽에 열이 났어요. 진료는 4시에": the part of the day of what happened)
    hour = resolve_hour(said[0], r.period)[0]
    span = (at + r2.time_span[0], at + r2.time_span[1])
    return KoreanDateTime(
        r.date, time(hour, said[1]), r.period, date_span=r.date_span, time_span=span
    )


_DONE = re.compile(r"[았었였했됐]\S*[.!]|[았었였했됐](?:어요|어|다|습니다)(?![가-힣])")
_ANOTHER_THING = re.compile(r"(?:하고|하구|한\s*다음|한\s*뒤|끝나고|가고|보고)\s")
"""A verb joining one thing done to the next: a part of the day said before it is the first
thing's."""


def _hour_of(said: str) -> tuple[int, int] | None:
    """(hour, minute) of "9시", "9시 반" or "9시 20분"."""
    m = re.match(r"(\d{1,2})\s*시(?:\s*(반)|\s*(\d{1,2})\s*분)?", said)
    if m is None or int(m.group(1)) > 24:
        return None
    return int(m.group(1)), 30 if m.group(2) else int(m.group(3) or 0)


def _restated_range(
    r: KoreanDateTime, after: str, now: datetime
) -> tuple[KoreanDateTime, str] | None:
    """The end of a range said again whole after its start was said alone ("담주 월요일부터 쓸
    거라 23일부터 27일까지"): the range that starts on the same day, said later."""
    again = parse_datetime(after, now)
    at = _date_span_text(after, again)
    if at is None or r.date is None or again.date != r.date:
        return None
    sep = _RANGE_SPLIT.match(after[at[1] :])
    if sep is None:
        return None
    rest = after[at[1] + sep.end() :]
    end = parse_datetime(rest, now)
    end_at = _date_span_text(rest, end)
    if end_at is None or end_at[0] > 2 or end.date is None or end.date < r.date:
        return None
    if _PART_OF_IT.match(rest, end_at[1]):
        # "24일부터 26일까지는 출장이라", "...까지 가격이 얼마예요": not the range asked
        return None
    return end, rest[end_at[0] : end_at[1]]


_PART_OF_IT = re.compile(r"(?:까지)?(?:는|은|만|\s*(?:가격|요금|얼마|비용))")


def _weekday_before(r: KoreanDateTime, r2: KoreanDateTime, raw2: str) -> bool:
    """Whether the end of a range is a bare weekday (목욜) that fell before its start."""
    return bool(r.date and r2.date and r2.date < r.date and _BARE_WEEKDAY.fullmatch(raw2))


def _in_the_week_of_the_start(r: KoreanDateTime, r2: KoreanDateTime) -> KoreanDateTime:
    """The end's weekday in the start's week, or the one after it (금요일부터 월요일까지), never
    before the start."""
    assert r.date is not None and r2.date is not None
    return replace(r2, date=r2.date + timedelta(weeks=(r.date - r2.date).days // 7 + 1))


def _across_noon(
    r: KoreanDateTime, r2: KoreanDateTime
) -> tuple[KoreanDateTime, KoreanDateTime] | None:
    """A range of two bare hours whose end is the smaller on the clock ("9시 반부터 6시까지",
    "11시부터 2시까지") runs from the morning into the afternoon, whatever the time now; None
    when a part of the day is said or the end is the larger."""
    if r.time is None or r2.time is None or r.period is not None or r2.period is not None:
        return None
    h1, h2 = r.time.hour % 12, r2.time.hour % 12
    if not (h2 < h1 and 6 <= h1 <= 11):
        return None
    return replace(r, time=r.time.replace(hour=h1)), replace(r2, time=r2.time.replace(hour=h2 + 12))


def _say_time(t: time, period: str | None) -> str:
    h = t.hour
    if period in ("오전", "아침", "새벽") or (period is None and h < 12):
        word, h12 = period or "오전", h
    else:
        word, h12 = period or "오후", h - 12 if h > 12 else h
    return f"{word} {h12}시" + (f" {t.minute}분" if t.minute else "")
