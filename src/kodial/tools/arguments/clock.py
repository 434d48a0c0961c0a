"""Times of day among allowed values: a listed time (["09:00", "11:00"]) said on the clock or by
its part of the day, and an hour of the day written as an integer ([9, 11, 14, 16])."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from kodial.korean.datetimes import PERIODS, parse_datetime
from kodial.korean.numerals import number_value
from kodial.tools.arguments.message import Msg, turned_down
from kodial.tools.arguments.params import date_format, enum_options
from kodial.tools.arguments.results import Filling, Found
from kodial.tools.schema import ParamSpec
from kodial.tools.text import numbers, split_identifier

_LISTED_TIME = re.compile(r"(\d{1,2}):(\d{2})(?:\s*[-~]\s*\d{1,2}:\d{2})?")
"""An allowed value that is a time of day, or a span of the day by its start ("10:00-12:00")."""
PERIOD_WORD = re.compile(r"오전|오후|아침|점심|낮|저녁|밤|새벽|자정|정오")
"""A word for a part of the day, said with an hour (오후 3시): the half of the day is said."""


def listed_times(p: ParamSpec) -> list[tuple[object, int, int]] | None:
    """Each allowed value with the hour and minute it starts at, or None when some allowed
    value is no time of day."""
    out = []
    for o in enum_options(p):
        m = _LISTED_TIME.fullmatch(str(o).strip()) if isinstance(o, str) else None
        if m is None:
            return None
        out.append((o, int(m.group(1)), int(m.group(2))))
    return out or None


def clock_options(
    params: list[ParamSpec], msg: Msg, now: datetime, out: dict[str, Found], source: str
) -> None:
    """ "11시 타임으로" for start times ["09:00", "11:00", "13:00"]: the listed time said on the
    clock as the choice (of several times said, the one said with 걸로, 회차로, 타임; never one
    said as a bound or another event's: "5시 전에는 끝나야 해서", "3시에 퇴근하니까"); with no
    part of the day said, the one listed time of either half ("2시" -> "14:00"), none when
    both halves are listed ("10시" of 10:00 and 22:00)."""
    for p in params:
        listed = listed_times(p)
        if p.name in out or listed is None:
            continue
        said = [
            (t, span)
            for t, span in _clock_times(msg.masked, now)
            if not turned_down(msg.masked, span[1]) and not _NOT_CHOSEN.match(msg.masked, span[1])
        ]
        # "9시에서 11시요" of spans: the span from the one to the other
        joined = len(said) == 2 and bool(
            _SPAN_JOINED.fullmatch(msg.masked, said[0][1][1], said[1][1][0])
        )
        until = said.pop() if joined else None
        chosen = [x for x in said if _CHOSEN.match(msg.masked, x[1][1])]
        if len(chosen) == 1 and not joined:
            said = chosen
        if len(said) != 1:
            continue
        (hour, minute), (start, end) = said[0]
        words = msg.masked[start:end]
        if PERIOD_WORD.search(words):
            fits = [o for o, h, m in listed if (h, m) == (hour, minute)]
        else:
            fits = [o for o, h, m in listed if h % 12 == hour % 12 and m == minute]
        if until is not None:
            fits = [o for o in fits if _ends_at(o, until[0])]
            end = until[1][1]
        if len(fits) == 1:
            out[p.name] = Found(fits[0], source, words)
            msg.take(start, end)


_SPAN_JOINED = re.compile(r"\s*(?:에서|부터|~|-|에서부터)\s*")
"""Between two times: the span from the one to the other (9시에서 11시, 7시부터 9시)."""


def _ends_at(option: object, until: tuple[int, int]) -> bool:
    """Whether a listed span ("21:00-23:00") ends at the time said (11시: 23:00 or 11:00)."""
    m = re.search(r"[-~]\s*(\d{1,2}):(\d{2})$", str(option))
    return m is not None and int(m.group(1)) % 12 == until[0] % 12 and int(m.group(2)) == until[1]


def _clock_times(text: str, now: datetime) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Every time of day said, with where it is said, in the order said."""
    out = []
    for _ in range(6):
        r = parse_datetime(text, now)
        if r.time is None or r.time_span is None:
            break
        out.append(((r.time.hour, r.time.minute), r.time_span))
        s, e = r.time_span
        text = text[:s] + " " * (e - s) + text[e:]
    return sorted(out, key=lambda x: x[1][0])


_CHOSEN = re.compile(
    r"\s*(?:걸로|거로|것으로|거|꺼|회차|타임|시간대|(?:으로|로)\s*(?:할|해|잡|예약|부탁|주세요)"
    r"|(?:이요|요|으로요|로요)(?![가-힣]))"
)
"""After a time: said as the choice (2시 걸로, 3시 회차로, 5시로 할게요, 1시요)."""
_NOT_CHOSEN = re.compile(
    r"\s*(?:까지|전에|전까지|이전|이후|넘어|쯤\s*(?:도착|끝|출발)|에\s*(?:퇴근|도착|끝나|출발|회의|수업))"
)
"""After a time: a bound or the time of something else (5시 전에는, 3시에 퇴근하니까)."""


_PART_OF_DAY = re.compile(
    r"(?<![가-힣])(새벽|아침|오전|점심|낮|오후|저녁|밤)"
    r"(?=(?:시간|때)?(?:에|엔|은|는|이요|요|으로|로|쯤|중|걸로|거|꺼)?(?![가-힣])(?!\s*\d))"
)


def time_by_part_of_day(p: ParamSpec, msg: Msg, out: dict[str, Found], source: str) -> None:
    """ "오전이요" for start times [09:00, 13:00]: the one listed time in the part of the day
    said, when no hour is said with it."""
    listed = listed_times(p)
    said = in_the_part_said(listed, msg.text) if listed else None
    if said is not None:
        out[p.name] = Found(said[0], source, said[1])


def in_the_part_said(
    listed: Sequence[tuple[object, int, int]], text: str
) -> tuple[object, str] | None:
    """The one of ``listed`` (value, hour, minute) in the one part of the day ``text`` says
    with no hour ("오후 걸로"), with the word said; None when none, two or no part is said."""
    said = list(_PART_OF_DAY.finditer(text))  # (the parser has read it as a time of day)
    if len({m.group(1) for m in said}) != 1 or re.search(r"\d\s*시|\d:\d", text):
        return None  # none, or two ("밤에 잠이 안 와서 아침에"): no one part of the day is chosen
    m = said[0]
    if turned_down(text, m.end()) or re.match(
        r"(?:시간|때)?(?:에|엔|은|는)?\s*(?:안|말고|빼고|피해|못)", text[m.end() :]
    ):
        return None  # "오전은 안 돼요", "아침은 말고"
    low, high = PERIODS[m.group(1)]
    inside = [o for o, h, _ in listed if low <= h < high]
    return (inside[0], m.group(0)) if len(inside) == 1 else None


def hour_of_a_time(p: ParamSpec, msg: Msg, out: dict[str, Found], source: str) -> None:
    """ "오후 2시" for an hour of the day written as an integer ([9, 11, 14, 16]): the allowed
    hour on the clock said, in the half of the day said, or the one allowed hour of either half
    when none is said ("2시" -> 14)."""
    # the last hour said and not turned down ("3시 회의 끝나고 5시에 방문", "1시는 안 되고 3시");
    # (a day read with its time may have taken its words: 낼 2시)
    said = [m for m in _CLOCK_SAID.finditer(msg.text) if not turned_down(msg.text, m.end())]
    if not said:
        return
    m = said[-1]
    hour = number_value(m.group("h"))
    if hour is None or not 0 <= hour <= 24:
        return
    period = m.group("period")
    if period in _PM_WORDS and hour < 12:
        hour += 12
    allowed = enum_options(p) or range(int(p.minimum or 0), int(p.maximum or 23) + 1)
    fits = [h for h in allowed if h == hour] or (
        [h for h in allowed if h % 12 == hour % 12] if period is None else []
    )
    if len(fits) == 1:
        out[p.name] = Found(fits[0], source, m.group(0))


_PM_WORDS = frozenset({"오후", "저녁", "밤", "낮"})
_CLOCK_SAID = re.compile(
    r"(?:(?P<period>오전|오후|아침|저녁|밤|낮|새벽)\s*|(?<![\d가-힣]))(?P<h>\d{1,2}|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|열한|열두)\s*시(?!간|작|장|청|험|즌|계|내|골|리|민|설|술|트)"
)
"""An hour said on the clock ("오후 2시", "열한 시"), with the part of the day said before it."""


_START_WORDS = frozenset({"start", "begin", "from"})
_END_WORDS = frozenset({"end", "finish", "until", "to"})
_HOW_LONG = {"시간": 60, "분": 1}
_NOT_HOW_LONG = re.compile(
    r"\s*(?:반\s*)?(?:뒤|후|전|늦|일찍|걸리|걸려|지나|있다가|만에|정도\s*늦)"
)
"""After a length of time, words that make it no length of the booking ("30분 늦을 수도",
"세 시간 뒤에 연락할게", "한 시간 걸리는데")."""
_ENDS_AFTER = re.compile(r"끝나는\s*(?:건|거|시간은?)\s*$")
"""The end said as a time after the start ("끝나는 건 두 시간 후쯤"): a length after all."""


def _clock_pair(filling: Filling) -> tuple[ParamSpec, ParamSpec] | None:
    """The tool's start and end times of day (start_time / end_time as HH:MM), if it has both."""
    clocks = [p for p in filling.tool.params if getattr(date_format(p), "part", None) == "time"]
    starts = [p for p in clocks if _START_WORDS & set(split_identifier(p.name))]
    ends = [p for p in clocks if _END_WORDS & set(split_identifier(p.name))]
    return (starts[0], ends[0]) if len(starts) == 1 and len(ends) == 1 else None


def end_from_a_duration(filling: Filling, said: str) -> None:
    """An end time that follows from the start and how long was said ("두 시간 쓰고 싶어" then
    "오후 2시부터": 14:00 to 16:00). While the start is not known, the end is not asked for:
    it will follow (:attr:`Filling.follows`)."""
    pair = _clock_pair(filling)
    if pair is None or pair[1].name in filling.found:
        return
    lengths = [
        n
        for n in numbers(said)
        if n.unit in _HOW_LONG
        and (not _NOT_HOW_LONG.match(said, n.end) or _ENDS_AFTER.search(said, 0, n.start))
    ]
    if len(lengths) != 1 or lengths[0].value <= 0:
        return
    minutes = int(lengths[0].value * _HOW_LONG[lengths[0].unit])
    if lengths[0].unit == "시간" and re.match(r"\s*반", said[lengths[0].end :]):
        minutes += 30  # "한 시간 반"
    start, end = pair
    found = filling.found.get(start.name)
    m = re.fullmatch(r"(\d{2}):(\d{2})", str(found.value)) if found else None
    if found is None:
        filling.follows.add(end.name)
    elif m:
        total = int(m.group(1)) * 60 + int(m.group(2)) + minutes
        if total < 24 * 60:
            text = said[lengths[0].start : lengths[0].end]
            filling.found[end.name] = Found(f"{total // 60:02d}:{total % 60:02d}", "message", text)
