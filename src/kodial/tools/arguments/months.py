"""Months said in a message, as YYYY-MM: on the calendar (2023년 11월, 내년 3월, 3월분),
relative to now (지난달, 이번 달, 다음 달, 담달), and a first and a last month said as a range
(1월부터 지난달까지, 3월~8월) for a start and an end month parameter."""

from __future__ import annotations

import itertools
import re
from datetime import datetime

from kodial.tools.arguments.params import RANGE_END_WORDS, START_WORDS, has_whole_word, words_of
from kodial.tools.arguments.results import Found
from kodial.tools.schema import ParamSpec

_RELATIVE_YEARS = {
    "올해": 0,
    "금년": 0,
    "내년": 1,
    "명년": 1,
    "작년": -1,
    "지난해": -1,
    "재작년": -2,
}
"""Words for a year relative to now, said before a month ("내년 3월" -> next year's March)."""
_RELATIVE_MONTHS = {"지난달": -1, "저번달": -1, "전달": -1, "이번달": 0, "이달": 0, "다음달": 1}


_MONTH_SAID = re.compile(
    r"(?:(\d{4})\s*년\s*|(올해|금년|내년|명년|작년|지난해|재작년)\s*)?(\d{1,2})\s*월"
    r"|(?<![가-힣])(?:(지난|저번|이번|다음|담)\s*달|(전달|이달))"
)
_MONTH_RANGE_SEP = re.compile(r"\s*(?:부터|에서|~|-|–)\s*")


def months_said(text: str, now: datetime) -> list[tuple[str, tuple[int, int]]]:
    """Every month said, as YYYY-MM with its span: "2023년 11월", "내년 3월", "3월분" (this
    year's), "지난달" / "이번 달" / "다음 달" / "담달" (from ``now``)."""
    out = []
    for m in _MONTH_SAID.finditer(text):
        if m.group(3):
            if not 1 <= int(m.group(3)) <= 12 or re.match(r"\s*\d{1,2}\s*일", text[m.end() :]):
                continue  # (the month of a whole date, 2024년 5월 17일, is that date's)
            year = (
                int(m.group(1))
                if m.group(1)
                else now.year + _RELATIVE_YEARS[m.group(2)]
                if m.group(2)
                else now.year
            )
            out.append((f"{year:04d}-{int(m.group(3)):02d}", m.span()))
            continue
        key = re.sub(r"\s+", "", m.group(0)).replace("담달", "다음달")
        if key in _RELATIVE_MONTHS:
            n = now.year * 12 + now.month - 1 + _RELATIVE_MONTHS[key]
            out.append((f"{n // 12:04d}-{n % 12 + 1:02d}", m.span()))
    return out


def year_month(text: str, now: datetime) -> tuple[str, str] | None:
    """A month as YYYY-MM and the words that said it (the first said: see :func:`months_said`);
    a month of the year said on the calendar (3월) before one said relative to now."""
    said = months_said(text, now)
    said.sort(key=lambda x: not re.search(r"\d", text[x[1][0] : x[1][1]]))
    return (said[0][0], text[said[0][1][0] : said[0][1][1]]) if said else None


def month_range(
    params: list[ParamSpec], text: str, now: datetime, out: dict[str, Found], source: str
) -> list[ParamSpec]:
    """A first and a last month said as a range ("1월부터 지난달까지", "3월~8월") for a start
    and an end month parameter; returns the month parameters it left."""
    starts = [p for p in params if has_whole_word(words_of(p), START_WORDS)]
    ends = [p for p in params if has_whole_word(words_of(p), (*RANGE_END_WORDS, "마지막"))]
    said = months_said(text, now)
    if len(starts) != 1 or len(ends) != 1 or starts[0] is ends[0] or len(said) < 2:
        return params
    for (first, span1), (last, span2) in itertools.pairwise(said):
        if _MONTH_RANGE_SEP.fullmatch(text[span1[1] : span2[0]]) and first <= last:
            out[starts[0].name] = Found(first, source, text[span1[0] : span1[1]])
            out[ends[0].name] = Found(last, source, text[span2[0] : span2[1]])
            return [p for p in params if p not in (starts[0], ends[0])]
    return params
