"""Filling a tool's arguments from the whole conversation, never inventing a value.

Each parameter gets a *kind* from its JSON schema and, where the schema says little, from its
description (the words an app already writes for an LLM):

=============  ===================================================================================
kind           found as
=============  ===================================================================================
enum           an allowed value or a synonym (``male`` <- 남자/남성; options listed in the
               description, ``('small', 'large')`` or ``(긴급, 보통, 여유 중 하나)``)
boolean        the parameter's own words with a yes/no reading (반복은 끄고 -> false); a bare
               yes/no answer when it was asked
number         digits or Korean numerals with units (13만원, 십오프로, 네 명, 175cm), matched to the
               parameter by unit and by its words written next to the number (키 176)
date / time    :mod:`kodial.korean.datetimes`, written in the format the schema asks for
               (``format: date`` or "YYYY-MM-DD" -> ``2024-08-19``; ``HH:MM``; date-time), else
               the user's own words ("말한 그대로": 모레 저녁 8시); start/end ranges
email / phone  patterns
array          simple lists: the allowed values said (enum items), the numbers said, or a
               labelled list split at commas and 와/과
string         labelled values (이름은 X, 제목: X, X라는 메모), particles the description implies
               (출발지 X에서, 도착지 X까지, 수신자 X한테, 결과 X(으)로), a payload after a colon or on
               its own line, the noun phrase next to the tool's words (춘천 날씨), or the whole
               answer to a question that asked for it
=============  ===================================================================================

Values come from the latest user message first, then earlier ones, then arguments of earlier
tool calls and fields of tool results with the same name. A parameter found nowhere stays
missing: the caller asks for it if required and omits it if optional.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from kodial.korean.datetimes import SEOUL, KoreanDateTime, parse_datetime
from kodial.tools.schema import ParamSpec, ToolSpec, validate_arguments
from kodial.tools.text import (
    NumberMention,
    chunks,
    content_words,
    numbers,
    split_identifier,
    strip_ending,
    tokens,
)

# --- what a parameter is ------------------------------------------------------------------

_DATE_WORDS = ("날짜", "일자", "날", "기한", "마감", "데드라인", "deadline", "date", "day", "생일")
_TIME_WORDS = ("시간", "시각", "time", "시점")
_EMAIL_WORDS = ("이메일", "메일", "email", "e-mail")
_PHONE_WORDS = ("전화", "휴대폰", "핸드폰", "연락처 번호", "phone", "mobile", "tel")
_TEXT_WORDS = (
    "내용",
    "텍스트",
    "문장",
    "단락",
    "본문",
    "메시지",
    "메세지",
    "text",
    "content",
    "message",
    "body",
    "문자열",
    "가사",
)
_START_WORDS = ("시작", "start", "begin", "from", "출발", "기준", "대상", "원래", "base", "source")
_END_WORDS = ("종료", "끝", "end", "until", "to", "도착", "목적", "결과", "target", "destination")
_RECEIVER_WORDS = ("수신", "받는", "receiver", "recipient", "to whom", "받을")


def _words_of(p: ParamSpec) -> str:
    return f"{p.description} {' '.join(split_identifier(p.name))}".lower()


def _head(p: ParamSpec) -> str:
    """The description's last word before any bracket (what the parameter *is*):
    "미세먼지를 조회할 지역 이름" -> "이름", "알림을 보낼 시각(예: ...)" -> "시각"."""
    label = re.split(r"[(\[（:]", p.description, maxsplit=1)[0].strip(" .")
    words = label.split()
    if not words:
        return " ".join(split_identifier(p.name)[-1:])
    return words[-1].lower()


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    """Whole-word match for Latin words (so "to" is not found in "total")."""
    for w in words:
        if re.search(r"[a-z]", w):
            if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text):
                return True
        elif w in text:
            return True
    return False


_OPTIONS_QUOTED = re.compile(r"'([^']{1,30})'|\"([^\"]{1,30})\"")
_OPTIONS_LIST = re.compile(r"\(([^()]*?)\s*중\s*(?:선택|하나)[^()]*\)")


def enum_options(p: ParamSpec) -> tuple[Any, ...]:
    """Allowed values: the schema's enum, else options the description lists
    (``크기 ('small' 또는 'large')``, ``(긴급, 보통, 여유 중 하나)``)."""
    if p.enum:
        return p.enum
    if p.type != "string":
        return ()
    quoted = [a or b for a, b in _OPTIONS_QUOTED.findall(p.description)]
    if len(quoted) >= 2 and re.search(r"또는|or|,|/|중", p.description):
        return tuple(quoted)
    m = _OPTIONS_LIST.search(p.description)
    if m:
        options = [o.strip() for o in re.split(r"[,/]|또는", m.group(1)) if o.strip()]
        if len(options) >= 2:
            return tuple(options)
    return ()


@dataclass(frozen=True)
class DateFormat:
    """How a date/time parameter wants its value."""

    part: str
    """date, time, datetime, year, month or raw (the user's words)."""


def date_format(p: ParamSpec) -> DateFormat | None:
    """The date/time format a parameter asks for, or None when it is not a date/time."""
    if p.type != "string" and not (p.type == "integer" and _head(p) in ("연도", "년도", "year")):
        return None
    d = p.description
    low = d.lower()
    if p.format == "date-time" or re.search(r"YYYY-MM-DD[T ]HH|ISO ?8601", d):
        return DateFormat("datetime")
    if p.format == "date" or "YYYY-MM-DD" in d or "yyyy-mm-dd" in low:
        return DateFormat("date")
    if p.format == "time" or re.search(r"HH:MM|hh:mm", d):
        return DateFormat("time")
    head = _head(p)
    if re.search(r"YYYY\s*형식", d) or head in ("연도", "년도", "year"):
        return DateFormat("year")
    if re.search(r"\bMM\s*형식", d) or head in ("월", "month"):
        return DateFormat("month")
    label = re.split(r"[(\[（]", low, maxsplit=1)[0]
    if _has(head, _TIME_WORDS) or _has(head, _DATE_WORDS) or _has_word(label, ("deadline",)):
        return DateFormat("raw")
    if _has_word(" ".join(split_identifier(p.name)), ("date", "time", "datetime", "deadline")):
        return DateFormat("raw")
    return None


def param_kind(p: ParamSpec) -> str:
    """enum, boolean, number, date, email, phone, text, array or string (see the module
    table)."""
    if p.type == "array":
        return "array"
    if p.type == "object":
        return "object"  # never filled from words: asked for when required
    if enum_options(p):
        return "enum"
    if p.type == "boolean":
        return "boolean"
    if date_format(p) is not None:
        return "date"
    if p.type in ("number", "integer"):
        return "number"
    words = _words_of(p)
    head = _head(p)
    if _has(words, _EMAIL_WORDS) and "이름" not in head:
        return "email"
    if _has(words, _PHONE_WORDS) and ("번호" in words or "phone" in words):
        return "phone"
    if _has(head, _TEXT_WORDS) or _has_word(
        " ".join(split_identifier(p.name)), ("text", "content", "message", "body")
    ):
        return "text"
    return "string"


# --- numbers: which unit belongs to which parameter ---------------------------------------

_UNIT_GROUPS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    # (words in the parameter's description/name, units said after the number)
    (("퍼센트", "%", "율", "비율", "percent", "rate", "백분율", "프로"), ("%", "퍼센트", "프로")),
    (
        ("금액", "가격", "원가", "요금", "price", "amount", "비용", "total", "돈", "예산", "bill"),
        ("원", "달러", "불", "유로", "엔", "위안", "파운드"),
    ),
    (("사람", "인원", "명", "people", "person", "guest", "party"), ("명", "인", "사람", "인분")),
    (("키", "신장", "height", "센티미터", "cm"), ("cm", "센티미터", "센티", "㎝")),
    (
        ("무게", "체중", "몸무게", "weight", "킬로그램", "kg"),
        ("kg", "킬로그램", "키로", "킬로", "㎏"),
    ),
    (("거리", "distance", "킬로미터", "km"), ("km", "킬로미터", "킬로", "미터", "m")),
    (("나이", "age", "연령"), ("살", "세")),
    (("회차", "round", "회"), ("회차", "회")),
    (("길이", "length", "자리", "글자", "자수"), ("자리", "글자", "자")),
    (("수량", "개수", "quantity", "count", "개"), ("개", "잔", "장", "권", "병", "마리")),
    (("평", "평수", "pyeong"), ("평",)),
    (("제곱미터", "squaremeter", "square", "㎡", "넓이"), ("제곱미터", "㎡")),
    (("연도", "year", "년도"), ("년",)),
    (("개월", "기간", "months", "month"), ("개월", "달")),
    (("온도", "기온", "temperature", "°"), ("도",)),
    (("분", "minutes"), ("분",)),
    (("층", "floor"), ("층",)),
    (("볼륨", "음량", "volume"), ("%",)),
]


def _param_units(p: ParamSpec) -> set[str]:
    words = _words_of(p)
    units: set[str] = set()
    for keys, group in _UNIT_GROUPS:
        if any(k in words for k in keys if len(k) > 1) or any(
            re.search(rf"(?<![가-힣]){re.escape(k)}(?![가-힣])", words) for k in keys if len(k) == 1
        ):
            units.update(group)
    return units


def param_keywords(p: ParamSpec, tool: ToolSpec) -> list[str]:
    """Words that name this parameter in a message: content words of its description and name,
    without the ones every parameter of the tool shares, plus Korean synonyms."""
    own = [w for w in content_words(p.description) + split_identifier(p.name) if len(w) >= 1]
    others: set[str] = set()
    for q in tool.params:
        if q.name != p.name:
            others.update(content_words(q.description))
    generic = {
        "단위",
        "여부",
        "정보",
        "입력",
        "값",
        "경우",
        "예",
        "수",
        "것",
        "하",
        "되",
        "있",
        "위하",
        "사용자",
        "사용",
        "적용",
        "설정",
        "the",
        "of",
        "for",
        "a",
        "to",
        "in",
        "id",
    }
    keys = [w for w in own if w not in generic and (w not in others or w in _head(p))]
    for group in _SYNONYMS:
        if any(k in group for k in keys):
            keys.extend(group)
    return list(dict.fromkeys(k for k in keys if k))


_SYNONYMS: list[tuple[str, ...]] = [
    ("무게", "몸무게", "체중", "weight"),
    ("키", "신장", "height"),
    ("나이", "살", "age"),
    ("성별", "gender", "sex"),
    ("이름", "성함", "name"),
    ("비밀번호", "암호", "패스워드", "password"),
    ("이메일", "메일", "email"),
    ("전화번호", "전화", "번호", "phone", "휴대폰"),
    ("금액", "가격", "원가", "총액", "총", "값"),
    ("할인율", "할인", "세일"),
    ("인원", "사람", "명"),
    ("제목", "타이틀", "title"),
    ("내용", "본문", "content"),
    ("메시지", "메세지", "문자"),
    ("출발지", "출발", "origin"),
    ("도착지", "도착", "목적지", "destination"),
    ("수신자", "수신인", "받는사람", "받는 사람", "receiver"),
    ("날짜", "일자", "date"),
    ("길이", "자리", "글자", "length"),
]

_ENUM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "male": ("남자", "남성", "남", "man", "남자예요"),
    "female": ("여자", "여성", "여", "woman"),
    "low": ("낮음", "낮", "적음", "가벼운", "조금"),
    "moderate": ("보통", "중간", "적당"),
    "medium": ("보통", "중간", "적당"),
    "high": ("높음", "높", "많음", "격한", "많이"),
    "true": ("예", "네", "응"),
    "false": ("아니", "아니요"),
}


# --- results ------------------------------------------------------------------------------


@dataclass
class Found:
    value: Any
    source: str
    """Where it came from: ``message`` (the latest user message), ``history`` (an earlier user
    message), ``answer`` (a bare answer to a question about it), ``call`` (an earlier call's
    argument) or ``tool_result``."""
    text: str = ""
    """The words it was read from."""
    strong: bool = True
    """Read from words that name this parameter (a unit, a label, a particle role, a format);
    False for a guess from position (the leftover number, the request's main noun phrase)."""


@dataclass
class Filling:
    """Arguments found for one tool."""

    tool: ToolSpec
    found: dict[str, Found] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """Schema problems of values that were dropped (never sent to the client)."""

    @property
    def arguments(self) -> dict[str, Any]:
        return {p.name: self.found[p.name].value for p in self.tool.params if p.name in self.found}

    @property
    def missing(self) -> list[str]:
        return [p.name for p in self.tool.params if p.required and p.name not in self.found]

    @property
    def evidence(self) -> int:
        """Parameters read from the latest message by words that name them: evidence that the
        message is a request for this tool."""
        return sum(1 for f in self.found.values() if f.source in ("message", "answer") and f.strong)

    @property
    def from_message(self) -> list[str]:
        return [k for k, f in self.found.items() if f.source in ("message", "answer")]


# --- extraction from one message ------------------------------------------------------------

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"(?<!\d)(?:0\d{1,2}[- .]?\d{3,4}[- .]?\d{4}|0\d{1,2}-\d{3}-\d{4})(?!\d)")
_YES = re.compile(r"^(?:네|넹|예|응|어|그래|좋아|맞아|ㅇㅇ|yes|y|ok|오케이|포함|켜)")
_NO = re.compile(r"^(?:아니|아뇨|노|no|n$|싫어|안\s|빼|제외|끄|꺼|ㄴㄴ)")
_NEG_AFTER = re.compile(
    r"^[은는을를도이가만]?\s*(?:넣지|하지|포함하지|쓰지|사용하지|켜지|말|빼|제외|없이|안\s*(?:넣|하|해|쓰|켜)|"
    r"꺼|끄|off|않|없)"
)
_POS_AFTER = re.compile(
    r"^[은는을를도이가만]?\s*(?:포함|넣|켜|설정|해|하고|추가|사용|쓰|모두|전부|섞|조합|로|on)"
)
_ONLY_BEFORE = re.compile(r"(?:전부|모두|오직|only|온리)\s*$")
_ONLY_AFTER = re.compile(r"^\s*(?:만|으?로만|로\s*된|으로\s*된)")

_TIME_WORDS_SKIP = {
    "지금",
    "현재",
    "오늘",
    "요즘",
    "최근",
    "이번",
    "좀",
    "정보",
    "것",
    "거",
    "나",
    "내",
    "저",
    "제",
    "우리",
    "혹시",
    "그럼",
    "그러면",
    "근데",
    "이거",
    "그거",
    "이",
    "그",
    "하나",
    "한번",
    "번",
    "때",
    "날",
    "뭐",
    "무엇",
    "어디",
    "언제",
    "얼마",
    "몇",
    "날짜",
    "시간",
    "시각",
    "요일",
    "동안",
    "거기",
    "여기",
    "이것",
    "그것",
    "저것",
    "부탁",
    "요청",
    "다음",
    "내용",
    "목록",
    "리스트",
    "달",
    "주",
    "년",
    "월",
    "올해",
    "작년",
    "내년",
    "이번달",
    "주말",
    "새",
    "중",
    "상태",
}


@dataclass
class _Msg:
    text: str
    masked: str
    used: list[tuple[int, int]] = field(default_factory=list)

    def take(self, start: int, end: int) -> None:
        self.used.append((start, end))
        self.masked = self.masked[:start] + " " * (end - start) + self.masked[end:]

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.used)


def _tool_words(tool: ToolSpec) -> set[str]:
    from kodial.tools.choose import TOOL_SYNONYMS

    words = set(content_words(tool.description)) | set(split_identifier(tool.name))
    for group in TOOL_SYNONYMS:
        if words & set(group):
            words.update(group)
    return {w for w in words if len(w) > 1 or re.match(r"[가-힣]", w)}


def _date_span_text(text: str, r: KoreanDateTime) -> tuple[int, int] | None:
    spans = [s for s in (r.date_span, r.time_span) if s is not None]
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


_RANGE_SPLIT = re.compile(r"\s*(?:부터|에서|~|～|-|–|〜)\s*")
_DURATION = re.compile(r"(?P<n>\d+|한|두|세|네|반)\s*(?P<unit>시간|분)\s*(?:동안|간)")


def _normalise_years(text: str) -> str:
    """ "25년6월1일" -> "2025년6월1일" (same length kept by padding? no: offsets are not reused)."""
    return re.sub(r"(?<!\d)(\d{2})년(\s*\d{1,2}\s*월)", r"20\1년\2", text)


def _format_date_value(fmt: DateFormat, r: KoreanDateTime, raw: str, now: datetime) -> Any | None:
    if fmt.part == "raw":
        return raw.strip() or None
    if fmt.part == "date":
        return r.date.isoformat() if r.date else None
    if fmt.part == "time":
        return r.time.strftime("%H:%M") if r.time else None
    if fmt.part == "datetime":
        if r.time is None:
            return None
        when = r.to_datetime(now)
        return when.strftime("%Y-%m-%dT%H:%M:%S") if when else None
    return None


def _extract_dates(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: _Msg,
    now: datetime,
    out: dict[str, Found],
    source: str,
) -> None:
    if not params:
        return
    text = _normalise_years(msg.text)
    if text != msg.text:
        msg = _Msg(text, text)
    year_month = [p for p in params if date_format(p).part in ("year", "month")]  # type: ignore[union-attr]
    for p in year_month:
        part = date_format(p).part  # type: ignore[union-attr]
        m = re.search(r"(\d{4})\s*년" if part == "year" else r"(\d{1,2})\s*월", msg.text)
        if m is None and part == "year":
            m = re.search(r"[(（]((?:19|20)\d{2})[)）]", msg.text)
        if m:
            value: Any = m.group(1)
            if part == "month":
                value = value.zfill(2) if "MM" in p.description else value
            if p.type == "integer":
                value = int(value)
            out[p.name] = Found(value, source, m.group(0))
    rest = [p for p in params if p not in year_month]
    if not rest:
        return
    r = parse_datetime(text, now)
    if r.date_span is not None and re.match(
        r"(?:오늘|지금|현재)(?:은|는|이|가)?\s", text[r.date_span[0] :]
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
    span = _date_span_text(text, r)
    if span is None:
        return
    starts = [p for p in rest if _has_word(_words_of(p), _START_WORDS)]
    ends = [p for p in rest if _has_word(_words_of(p), ("종료", "끝", "end", "until", "마침"))]
    start_raw = text[span[0] : span[1]]
    if starts and ends:
        tail = text[span[1] :]
        sep = _RANGE_SPLIT.match(tail)
        end_value: tuple[KoreanDateTime, str] | None = None
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
                end_value = (r2, raw2)
        dur = _DURATION.search(text[span[1] :])
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
        for p in starts:
            v = _format_date_value(date_format(p), r, start_raw, now)  # type: ignore[arg-type]
            if v is not None:
                out[p.name] = Found(v, source, start_raw)
        if end_value is not None:
            for p in ends:
                v = _format_date_value(date_format(p), end_value[0], end_value[1], now)  # type: ignore[arg-type]
                if v is not None:
                    out[p.name] = Found(v, source, end_value[1])
        return
    parts_used: set[str] = set()
    for p in rest:
        fmt = date_format(p)
        assert fmt is not None
        raw = start_raw
        if fmt.part == "date" and r.date_span is not None:
            raw = text[r.date_span[0] : r.date_span[1]]
        elif fmt.part == "time" and r.time_span is not None:
            raw = text[r.time_span[0] : r.time_span[1]]
        v = _format_date_value(fmt, r, raw, now)
        # one expression fills one parameter per part: a date and a time parameter share it
        # ("내일 오후 3시"), two date parameters do not
        if v is not None and fmt.part not in parts_used:
            out[p.name] = Found(v, source, raw)
            parts_used.update(
                {"raw", "datetime", fmt.part} if fmt.part in ("raw", "datetime") else {fmt.part}
            )


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


def _say_time(t: time, period: str | None) -> str:
    h = t.hour
    if period in ("오전", "아침", "새벽") or (period is None and h < 12):
        word, h12 = period or "오전", h
    else:
        word, h12 = period or "오후", h - 12 if h > 12 else h
    return f"{word} {h12}시" + (f" {t.minute}분" if t.minute else "")


def _mentions_near(text: str, mention: NumberMention, keys: list[str], window: int = 8) -> float:
    """How far (characters) a keyword is from the number, -1 if none within ``window``. A keyword
    after the number counts as further away: Korean names the thing first (키 176, 몸무게는 68)."""
    best = -1.0
    for k in keys:
        if not k:
            continue
        for m in re.finditer(re.escape(k), text):
            if m.end() <= mention.start:
                gap = float(mention.start - m.end())
            elif m.start() >= mention.end:
                gap = m.start() - mention.end + 6.0
            else:
                continue
            if gap <= window + 6 and (best < 0 or gap < best):
                best = gap
    return best


def _extract_numbers(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: _Msg,
    asked: set[str],
    out: dict[str, Found],
    source: str,
) -> None:
    if not params:
        return
    mentions = [n for n in numbers(msg.masked) if msg.free(n.start, n.end)]
    if not mentions:
        return
    pairs: list[tuple[float, int, ParamSpec, NumberMention]] = []
    for p in params:
        units = _param_units(p)
        keys = param_keywords(p, tool)
        for i, n in enumerate(mentions):
            score = 0.0
            if n.unit and n.unit in units:
                score += 2.0
            elif n.unit and units and n.unit not in units:
                score -= 3.0
            elif n.unit and not units and n.unit in ("%", "퍼센트", "프로", "시간", "분", "초"):
                score -= 1.0
            gap = _mentions_near(msg.text, n, keys)
            if gap >= 0:
                score += 2.0 - gap * 0.15
            if p.type == "integer" and not float(n.value).is_integer():
                score -= 3.0
            pairs.append((score, i, p, n))
    pairs.sort(key=lambda x: (-x[0], x[3].start))
    used_m: set[int] = set()
    used_p: set[str] = set()
    for score, i, p, n in pairs:
        if i in used_m or p.name in used_p or score <= 0:
            continue
        _put_number(p, n, msg, out, source)
        used_m.add(i)
        used_p.add(p.name)
    # One number left and one numeric parameter left: it is that one, if nothing says otherwise
    # (a bare "58키로" answering a question about weight, or "3명이야" after being asked).
    left_p = [p for p in params if p.name not in used_p and p.name not in out]
    left_m = [(i, n) for i, n in enumerate(mentions) if i not in used_m]
    if len(left_m) == 1 and left_p:
        n = left_m[0][1]
        candidates = [p for p in left_p if p.name in asked] or (left_p if len(left_p) == 1 else [])
        candidates = [
            p
            for p in candidates
            if not (n.unit and _param_units(p) and n.unit not in _param_units(p))
        ]
        if len(candidates) == 1 and (
            candidates[0].name in asked or not n.unit or n.unit in _param_units(candidates[0])
        ):
            asked_now = candidates[0].name in asked and source == "message"
            _put_number(candidates[0], n, msg, out, "answer" if asked_now else source)
            out[candidates[0].name].strong = asked_now or bool(n.unit)


def _put_number(
    p: ParamSpec, n: NumberMention, msg: _Msg, out: dict[str, Found], source: str
) -> None:
    value: Any = n.value
    if p.type == "integer" or (isinstance(value, float) and value.is_integer()):
        value = int(value)
    if p.type == "string":
        value = str(value)
    out[p.name] = Found(value, source, msg.text[n.start : n.end])
    # hide the particle after it too ("300달러가 원화로": 가 is not part of the next name);
    # role particles (로, 까지, 에서) stay, they may mark something else
    tail = re.match(
        r"(?:이면|면|가|이|는|은|을|를|의|도|만|씩|이고|이야|야|이에요|예요)(?![가-힣])",
        msg.text[n.end :],
    )
    msg.take(n.start, n.end + (tail.end() if tail and n.unit else 0))


_CURRENCY_WORDS: dict[str, tuple[str, ...]] = {
    "원": ("원화", "한국 돈", "한국돈", "우리 돈", "우리돈", "krw"),
    "달러": ("미국 달러", "달러화", "불", "usd"),
    "엔": ("엔화", "일본 엔", "jpy"),
    "위안": ("위안화", "중국 위안", "cny"),
    "유로": ("유로화", "eur"),
}
"""Everyday names of currencies (general Korean, for enums described as ``KRW=원``)."""


def _enum_forms(p: ParamSpec, opt: Any) -> set[str]:
    forms = {str(opt).lower(), *_ENUM_SYNONYMS.get(str(opt).lower(), ())}
    described = re.search(rf"{re.escape(str(opt))}\s*[:=(]\s*([^,)]+)", p.description)
    if described:
        word = described.group(1).strip().lower()
        forms.add(word)
        forms.update(_CURRENCY_WORDS.get(word, ()))
    return forms


def _enum_mentions(p: ParamSpec, text: str) -> list[tuple[int, int, Any]]:
    """(start, end, option) of every allowed value said in ``text``, longest forms first."""
    low = text.lower()
    found: list[tuple[int, int, Any]] = []
    for opt in enum_options(p):
        for form in sorted(_enum_forms(p, opt), key=len, reverse=True):
            if len(form) == 1 and re.match(r"[가-힣]", form):
                # one syllable (원, 엔, 남): alone, or right after a number (50만원)
                pat = rf"(?:(?<![가-힣])|(?<=[\d만천백억]))({re.escape(form)})(?=$|[^가-힣]|[이가은는을를으로요])"
            else:
                pat = rf"(?<![a-z가-힣])({re.escape(form)})"
            for m in re.finditer(pat, low):
                if not any(s <= m.start(1) < e for s, e, _ in found):
                    found.append((m.start(1), m.end(1), opt))
    return sorted(found)


def _extract_enums(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: _Msg,
    asked: set[str],
    out: dict[str, Found],
    source: str,
) -> None:
    """Allowed values; two parameters over the same values (from/to currency) are told apart
    by particles: the unit after the amount or X에서/X를 is the start, X(으)로 or 몇 X the end."""
    text = msg.masked
    roles: dict[str, int | None] = {}
    for p in params:
        roles[p.name] = next(
            (
                i
                for i, (words, _) in enumerate(_PARTICLE_ROLES[:2])
                if _has_word(_words_of(p), words)
            ),
            None,
        )
    claimed: set[int] = set()
    for p in sorted(params, key=lambda q: roles[q.name] is None):
        mentions = [m for m in _enum_mentions(p, text) if m[0] not in claimed]
        if not mentions:
            continue
        role = roles[p.name]
        pick = mentions[0]
        if role is not None and len({q for q in params if roles[q.name] is not None}) > 1:
            tail_ok = [
                m
                for m in mentions
                if re.match(
                    r"\s*(?:으로|로|까지)"
                    if role == 1
                    else r"\s*(?:에서|을|를|은|는|이|가|이면|면)",
                    text[m[1] :],
                )
                or (role == 1 and re.search(r"몇\s*$", text[: m[0]]))
                or (role == 0 and re.search(r"\d\s*[만천백억]?\s*$", text[: m[0]]))
            ]
            if not tail_ok:
                continue
            pick = tail_ok[0]
        value = pick[2]
        if not p.enum and p.type == "string":
            value = str(value)
        out[p.name] = Found(value, source, text[pick[0] : pick[1]])
        claimed.add(pick[0])
        msg.take(pick[0], pick[1])


def _bool_words(p: ParamSpec, tool: ToolSpec) -> list[str]:
    keys = param_keywords(p, tool)
    generic = {
        "포함",
        "여부",
        "옵션",
        "사용",
        "설정",
        "할지",
        "계산",
        "날짜",
        "일수",
        "true",
        "false",
        "이면",
        "남",
        "지나",
        "당일",
        "재생",
        "목록",
        "재생목록",
        "알파벳",
    }
    out = [k for k in keys if k not in generic and len(k) > 1]
    return out or keys[:1]


def _extract_booleans(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: _Msg,
    asked: set[str],
    out: dict[str, Found],
    source: str,
) -> None:
    text = msg.masked
    exclusive: ParamSpec | None = None
    for p in params:
        for word in _bool_words(p, tool):
            m = re.search(re.escape(word), text, flags=re.IGNORECASE)
            if not m:
                continue
            after = text[m.end() : m.end() + 14]
            before = text[max(0, m.start() - 6) : m.start()]
            explicit = re.search(rf"{re.escape(word)}\s*=\s*(true|false)", p.description)
            if (
                (
                    explicit
                    and re.search(rf"(?<![가-힣])비{re.escape(word)}|{re.escape(word)}\s*안", text)
                )
                or _NEG_AFTER.match(after)
                or re.search(r"(?:안|노|no)\s*$", before)
            ):
                value = False
            else:
                value = True
            if value and (_ONLY_BEFORE.search(before) or _ONLY_AFTER.match(after)):
                exclusive = p
            out[p.name] = Found(value, source, text[m.start() : m.end()])
            msg.take(m.start(), m.end())
            break
    if exclusive is not None:
        for p in params:
            if p.name not in out and p is not exclusive:
                out[p.name] = Found(False, source, "")
    # A bare yes/no answers the one boolean that was asked.
    open_asked = [p for p in params if p.name in asked and p.name not in out]
    if len(open_asked) == 1:
        stripped = msg.text.strip().lower()
        if _NO.match(stripped) or re.search(r"(?:안|않|말아|하지\s*마)", stripped):
            out[open_asked[0].name] = Found(False, "answer", msg.text.strip())
        elif _YES.match(stripped):
            out[open_asked[0].name] = Found(True, "answer", msg.text.strip())


# --- strings ----------------------------------------------------------------------------------

_COPULA_TAIL = (
    r"(?=\s*(?:이고|이구|고|이야|야|이에요|예요|이요|요|입니다|이며|라고|이라고|으로|로|이렇게|처럼|"
    r",|\.|!|$|\n|이랑|랑|하고))"
)


def _label_keys(p: ParamSpec) -> list[str]:
    """Words that label a value of ``p`` in a message: its short label's words, its name's
    words, and their synonyms (제목, 이름/성함, 내용 ...)."""
    from kodial.tools.questions import param_label

    keys = [w.lower() for w in re.findall(r"[가-힣A-Za-z]+", param_label(p)) if len(w) > 1]
    keys += [w for w in split_identifier(p.name) if len(w) > 2 and w not in ("new", "the")]
    for group in _SYNONYMS:
        if any(k in group for k in keys):
            keys.extend(group)
    return list(dict.fromkeys(keys))


def _labelled(text: str, keys: list[str], head: str, kind: str) -> tuple[int, int] | None:
    """``제목은 X``, ``제목: X``, ``내용에는 X``, ``이름 X`` (a bare space only after the
    parameter's head noun and before a noun) -> span of X."""
    for k in sorted(keys, key=len, reverse=True):
        if len(k) < 2 and not re.match(r"[가-힣]", k):
            continue
        for m in re.finditer(
            rf"{re.escape(k)}\s*(?:은|는|이|가|을|를|에는|엔)?\s*[:：=]?\s*",
            text,
            flags=re.IGNORECASE,
        ):
            sep = text[m.start() + len(k) : m.end()]
            rest = text[m.end() :]
            if not rest.strip() or (m.start() > 0 and re.match(r"[A-Za-z]", text[m.start() - 1])):
                continue
            if ":" in sep or "：" in sep or "=" in sep:
                end = re.search(r"\s+-\s*\S+\s*[:：]|\n|\s+[가-힣]{1,4}\s*[:：]|\)|$", rest)
                value = rest[: end.start() if end else len(rest)].strip()
                if value:
                    s = m.end() + rest.index(value[0])
                    return (s, s + len(value))
                continue
            particle = sep.strip()
            if not particle:
                if k.lower() != head or kind == "text":
                    continue
                nxt = next((t for t in tokens(text) if t.start >= m.end()), None)
                if nxt is None or nxt.tag not in ("NNP", "NNG", "SL", "SN", "SH", "W_SERIAL"):
                    continue
                word = re.match(r"\S+", rest)
                if word:  # "이름 하람 이메일 ...": one word after a bare label
                    inner = strip_ending(word.group(0))
                    return (m.end(), m.end() + len(inner))
            elif particle not in ("은", "는", "에는", "엔"):
                continue
            if kind == "text":
                stop = re.search(
                    r"\s*(?:이렇게|이라고|라고|으로\s*(?:해|설정|저장)|로\s*(?:해|설정|저장)|"
                    r"(?:을|를)?\s*(?:추가|저장|등록|작성|써|보내|남겨)|\n|$)",
                    rest,
                )
                value = rest[: stop.start() if stop else len(rest)].strip()
                if value:
                    s = m.end() + rest.index(value[0])
                    return (s, s + len(value))
                continue
            val = re.match(r"[^\s,.!?]+(?:\s+[^\s,.!?]+){0,5}?" + _COPULA_TAIL, rest)
            if val and val.group(0).strip():
                s = m.end()
                e = s + len(val.group(0).rstrip())
                inner = strip_ending(text[s:e])
                return (s, s + len(inner))
    return None


def _named_by(text: str, keys: list[str]) -> tuple[int, int] | None:
    """``X라는 메모``, ``X이라는 앨범``, ``'X'로 메모`` -> span of X."""
    for k in keys:
        m = re.search(rf"(.+?)\s*(?:이라는|라는|이란|란)\s*{re.escape(k)}", text)
        if m:
            head = m.group(1)
            quoted = re.search(r"['\"‘“]([^'\"’”]+)['\"’”]\s*$", head)
            if quoted:
                return (m.start(1) + quoted.start(1), m.start(1) + quoted.end(1))
            cs = [c for c in chunks(head)]
            if cs:
                last = cs[-1]
                # a run of chunks ending right before 라는 (road trip, 여행 준비물)
                first = last
                for c in reversed(cs[:-1]):
                    if head[c.end : first.start].strip() == "":
                        first = c
                    else:
                        break
                return (m.start(1) + first.start, m.start(1) + last.end)
    return None


_QUOTED = re.compile(r"['\"‘“\[「『]([^'\"’”\]」』]{1,200})['\"’”\]」』]")


def _payload(text: str, tool_words: set[str]) -> tuple[int, int] | None:
    """The part of a message that is data, not instruction: after a colon, on its own line, or
    before ``<-``; or a Latin sentence next to a Korean instruction."""
    m = re.search(r"(.*?)\s*(?:<-|<--|←)\s*", text, flags=re.S)
    if m and m.group(1).strip():
        return (m.start(1), m.end(1))
    lines = [(mm.start(), mm.end()) for mm in re.finditer(r"[^\n]+", text)]
    if len(lines) > 1:
        scored = sorted(lines, key=lambda s: _instruction_score(text[s[0] : s[1]], tool_words))
        s, e = scored[0]
        return (s, e)
    m = re.search(r"[:：]\s*", text)
    if m and len(text) - m.end() > 3:
        return (m.end(), len(text.rstrip()))
    latin = re.search(r"[A-Za-z][A-Za-z0-9 ,.'’!?;:-]{15,}[A-Za-z0-9.!?]", text)
    if latin:
        return latin.span()
    return None


def _instruction_score(line: str, tool_words: set[str]) -> float:
    words = set(content_words(line))
    verbs = len(re.findall(r"(?:해줘|해 줘|주세요|줄래|해주|줘|써줘|하세요|해놔|알려)", line))
    return len(words & tool_words) + 2 * verbs


_PARTICLE_ROLES: list[tuple[tuple[str, ...], str]] = [
    (
        ("출발", "origin", "기준 위치", "from", "환전 대상", "base", "source", "전 통화"),
        r"(?:에서부터|에서|부터|를|을)",
    ),
    (
        ("도착", "목적", "destination", "to", "결과", "target", "뒤 통화"),
        r"(?:까지|(?:으로|로)(?![가-힣]))",
    ),
    (("수신", "받는", "receiver", "recipient"), r"(?:한테|에게|께|더러)"),
]


def _by_particle(
    text: str, p: ParamSpec, taken: list[tuple[int, int]], original: str | None = None
) -> tuple[int, int] | None:
    """A noun phrase followed by the particle the parameter's role implies (``text`` has the
    values other readers took blanked out; ``original`` is the message as written)."""
    words = _words_of(p)
    index = next(
        (i for i, (role_words, _) in enumerate(_PARTICLE_ROLES) if _has_word(words, role_words)),
        None,
    )
    if index is None:
        return None
    role = _PARTICLE_ROLES[index][1]
    if index in (0, 1):  # "A와 B 사이", "A랑 B 사이": A is where it starts, B where it ends
        between = re.search(
            r"(\S+?)(?:와|과|이랑|랑|하고)\s+(\S+?)(?:\s*사이|\s*간)", original or text
        )
        if between:
            g = between.span(index + 1)
            if all(g[1] <= a or g[0] >= b for a, b in taken):
                return g
    for c in chunks(text):
        if any(not (c.end <= s or c.start >= e) for s, e in taken):
            continue
        tail = text[c.end : c.end + 5]
        if re.match(role, tail) and not re.match(r"(?:로\s*된|으로\s*된)", tail):
            if not [f for f in c.forms if f not in _TIME_WORDS_SKIP]:
                continue
            if c.text.strip() in _TIME_WORDS_SKIP:
                continue
            return (c.start, c.end)
    return None


def _skip_mask(text: str, skip: set[str]) -> list[bool]:
    """Per character: inside an occurrence of a skip word of two or more syllables (so that
    "스마트워치" is skipped even when the analyser splits it into 스마트 + 워치)."""
    mask = [False] * len(text)
    low = text.lower()
    for w in skip:
        if len(w) < 2:
            continue
        for m in re.finditer(re.escape(w), low):
            for i in range(m.start(), m.end()):
                mask[i] = True
    return mask


def _topic_chunk(
    text: str, tool: ToolSpec, p: ParamSpec, taken: list[tuple[int, int]], all_keys: set[str]
) -> tuple[int, int] | None:
    """The noun phrase the request is about: the first one that is not a tool word, a time word
    or another parameter's word (지금 춘천 날씨 -> 춘천; 민호 돌잔치 날짜 -> 민호 돌잔치)."""
    skip = _tool_words(tool) | all_keys | _TIME_WORDS_SKIP
    mask = _skip_mask(text, skip)

    def skipped(t: Any) -> bool:
        if t.tag in ("XSN",):
            return False
        if t.tag in ("XSV", "ETN", "VV", "JKG"):
            return True
        return (
            t.form.lower() in skip
            or all(mask[t.start : t.end])
            or (t.tag == "NNB" and (t.start == 0 or text[t.start - 1] == " "))
        )

    all_toks = tokens(text)
    for c in chunks(text):
        if any(not (c.end <= s or c.start >= e) for s, e in taken):
            continue
        prev_word = text[: c.start].split()[-1:] or [""]
        if prev_word[0] in _NOT_SPECIFIC:
            continue  # "다른 나라", "어떤 노래": a kind of thing, not a value
        toks = [t for t in all_toks if c.start <= t.start and t.end <= c.end]
        nxt = next((t for t in all_toks if t.start >= c.end), None)
        if nxt is not None and nxt.start == c.end and nxt.tag in ("XSV", "XSA"):
            toks = toks[:-1]  # "수거 신청하려고요", "검색해줘": the action noun is not a value
        while toks and skipped(toks[0]):
            toks = toks[1:]
        # a tool or time word inside ends the phrase (속초시의 현재 날씨 -> 속초시)
        cut = next(
            (
                i
                for i, t in enumerate(toks)
                if i > 0
                and skipped(t)
                and text[t.start - 1] == " "
                and t.tag not in ("XSV", "VV", "ETN", "JKG")
            ),
            None,
        )
        if cut is not None:
            toks = toks[:cut]
        while (
            toks
            and (
                skipped(toks[-1])
                and not (toks[-1].tag == "ETN" and len(toks) > 2 and toks[-2].tag in ("XSV", "VV"))
            )
        ) or (toks and toks[-1].tag in ("XSV", "VV")):
            toks = toks[:-1]
        if not toks or all(t.tag in ("SN", "NR") for t in toks):
            continue
        start, end = toks[0].start, toks[-1].end
        if end - start < 2 and toks[0].tag != "SL":
            continue  # one syllable left over ("은", "거") is a particle or a pronoun, not a name
        # the analyser may cut an unknown word short: take its whole eojeol start (unknown brand names)
        word_start = text.rfind(" ", 0, start) + 1
        if (
            word_start < start
            and not any(mask[word_start:start])
            and text[word_start:start].strip()
        ):
            start = word_start
        return (start, end)
    # The analyser may not see a short unknown name as a noun at all (a two-syllable nickname read as an adverb + a determiner): take
    # the first word that has no verb, no number and no tool or time word in it.
    for m in re.finditer(r"\S+", text):
        word = strip_ending(m.group(0))
        word_toks = tokens(m.group(0))
        if (
            len(word) < 2
            or word.lower() in skip
            or word in _NOT_SPECIFIC
            or any(mask[m.start() : m.start() + len(word)])
            or any(t.tag.startswith(("V", "XS", "SN", "IC", "NP")) for t in word_toks)
            or (word_toks and word_toks[0].tag in ("NNB", "MAJ"))
            or any(not (m.end() <= a or m.start() >= b) for a, b in taken)
            or not re.search(r"[가-힣A-Za-z]", word)
        ):
            continue
        return (m.start(), m.start() + len(word))
    return None


_NOT_SPECIFIC = {
    "다른",
    "어떤",
    "아무",
    "무슨",
    "어느",
    "모든",
    "여러",
    "이런",
    "그런",
    "저런",
    "새",
}

_QUOTATIVE = re.compile(
    r"(?P<q>[^.!?\n]+?)\s*(?:(?:이)?라고|다고|냐고|자고|달라고|해달라고)(?=\s|[.,!?]|$)"
)


def _reported_speech(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """``오늘 늦는다고`` / ``회의 자료 보냈다고`` -> the words said (a message's content)."""
    for m in _QUOTATIVE.finditer(text):
        s, e = m.span("q")
        # drop a leading receiver phrase or filler that belongs to the instruction
        head = re.match(
            r"\s*(?:\S+(?:한테|에게|께)\s+)?(?:(?:메시지|메세지|문자)\s*(?:하나|한개)?\s*"
            r"(?:보내|남겨)\S*\s*)?",
            text[s:e],
        )
        if head:
            s += head.end()
        if e - s >= 2 and all(e <= a or s >= b for a, b in taken):
            return (s, e)
    return None


def _currency_unit(text: str) -> tuple[int, int] | None:
    """The currency written after an amount (500유로 -> 유로, 50만원 -> 원)."""
    for n in numbers(text):
        if n.unit in ("원", "달러", "불", "유로", "엔", "위안", "파운드"):
            return (n.end - len(n.unit), n.end)
    return None


def _extract_strings(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: _Msg,
    asked: set[str],
    out: dict[str, Found],
    source: str,
) -> None:
    """Strings in order of evidence: patterns (e-mail, phone), labels, names, quotes, payloads,
    currencies, particle roles, a bare answer, then the noun phrase the request is about."""
    text = msg.text
    taken = list(msg.used)
    all_keys: set[str] = set()
    for p in tool.params:  # words that name parameters (not the examples in brackets)
        all_keys.update(k.lower() for k in _label_keys(p))
    tool_words = _tool_words(tool)

    put_spans: list[tuple[int, int]] = []

    def put(p: ParamSpec, span: tuple[int, int], how: str = source, strong: bool = True) -> None:
        value = text[span[0] : span[1]].strip().strip("'\"‘’“”")
        if value:
            out[p.name] = Found(value, how, value, strong)
            taken.append(span)
            put_spans.append(span)
            msg.take(*span)

    pending = [p for p in params if p.name not in out]
    for p in list(pending):  # emails and phone numbers
        kind = param_kind(p)
        pat = _EMAIL_RE if kind == "email" else _PHONE_RE if kind == "phone" else None
        if pat is None:
            continue
        m = next((m for m in pat.finditer(text) if msg.free(*m.span())), None)
        if m:
            put(p, m.span())
        pending.remove(p)  # an address or a number is never read from other words
    for p in list(pending):  # a pattern the schema gives (운송장 번호 ^[0-9]{10,14}$)
        if not p.pattern:
            continue
        body = p.pattern.removeprefix("^").removesuffix("$")
        m = next(
            (m for m in re.finditer(rf"(?<![\w-]){body}(?![\w-])", text) if msg.free(*m.span())),
            None,
        )
        if m:
            put(p, m.span())
            pending.remove(p)
    for p in list(pending):  # labelled values: 제목은 X, 내용: X, X라는 메모
        keys = _label_keys(p)
        span = _labelled(text, keys, _head(p), param_kind(p)) or _named_by(
            text, keys + sorted(tool_words, key=len, reverse=True)
        )
        # a text's payload may contain dates and numbers that other readers saw first, but
        # never another parameter's value
        free = msg.free(*span) if span else False
        if span and param_kind(p) == "text":
            free = all(span[1] <= a or span[0] >= b for a, b in put_spans)
        if span and free:
            put(p, span)
            pending.remove(p)
    for p in list(pending):  # quoted names
        if param_kind(p) == "text":
            continue
        m = next((m for m in _QUOTED.finditer(text) if msg.free(*m.span())), None)
        if m:
            put(p, (m.start(1), m.end(1)))
            pending.remove(p)
    # Optional parameters are filled only from explicit words (labelled, named, quoted, a
    # particle role): guessing them from what is left over would invent values.
    pending_loose = [p for p in pending if p.required or p.name in asked]
    for p in list(pending_loose):  # payload for text parameters
        if param_kind(p) != "text" or p not in pending:
            continue
        span = _payload(text, tool_words) or _reported_speech(text, taken)
        if span:
            put(p, span)
            pending.remove(p)
            pending_loose.remove(p)
    for p in list(pending):  # currencies: the unit of the amount is what is converted
        words = _words_of(p)
        if not _has(words, ("통화", "currency", "화폐")):
            continue
        role = next(
            (
                i
                for i, (role_words, _) in enumerate(_PARTICLE_ROLES)
                if _has_word(words, role_words)
            ),
            None,
        )
        if role == 0:
            span = _currency_unit(text)
        elif role == 1:
            m = re.search(r"몇\s*(달러|유로|엔|위안|원|파운드)", text)
            span = m.span(1) if m else None
        else:
            span = None
        if span:
            value = text[span[0] : span[1]]
            out[p.name] = Found(value, source, value)
            pending.remove(p)
    for p in list(pending):  # particle roles: X에서 / X까지 / X한테
        span = _by_particle(msg.masked, p, taken, msg.text)
        if span:
            put(p, span)
            pending.remove(p)
            if p in pending_loose:
                pending_loose.remove(p)
    # A bare answer to a question about exactly one string parameter is its value.
    open_asked = [p for p in pending if p.name in asked]
    if (
        len(open_asked) == 1
        and source == "message"
        and not out
        and param_kind(open_asked[0]) not in ("email", "phone")
    ):
        bare = strip_ending(text)
        if bare and len(bare) <= 200 and not _instruction_score(bare, tool_words):
            s = text.find(bare)
            put(open_asked[0], (s, s + len(bare)), "answer")
            pending.remove(open_asked[0])
    # Guess from position only when no string was read by its own words in this message ("X에서
    # Y까지 걸었어" answers with a particle; the other end comes from earlier words).
    if any(out[k].strong and k in {q.name for q in params} for k in out):
        return
    for p in [p for p in pending_loose if p in pending]:  # the noun phrase the request is about
        if param_kind(p) in ("text", "email", "phone"):
            continue
        span = _topic_chunk(msg.masked, tool, p, taken, all_keys)
        if span:
            put(p, span, strong=False)
            break  # one guess per message at most: a second would be a guess about a guess
            pending.remove(p)


def _extract_arrays(
    tool: ToolSpec, params: list[ParamSpec], msg: _Msg, out: dict[str, Found], source: str
) -> None:
    """Simple arrays: every allowed value said (items with an enum), every number said (number
    items), or a labelled list split at commas and 와/과/하고 (string items)."""
    for p in params:
        values: list[Any] = []
        if p.items_enum:
            item = ParamSpec(p.name, p.items_type or "string", p.description, enum=p.items_enum)
            values = list(dict.fromkeys(opt for _, _, opt in _enum_mentions(item, msg.masked)))
        elif p.items_type in ("number", "integer"):
            values = [
                int(n.value) if p.items_type == "integer" else n.value
                for n in numbers(msg.masked)
                if p.items_type != "integer" or float(n.value).is_integer()
            ]
        elif p.items_type == "string":
            span = _labelled(msg.text, _label_keys(p), _head(p), "text")
            if span:
                listed = msg.text[span[0] : span[1]]
                values = [
                    v.strip(" .")
                    for v in re.split(r"\s*(?:,|、|/|\s와\s|\s과\s|하고\s|랑\s)\s*", listed)
                    if v.strip(" .")
                ]
        if values:
            out[p.name] = Found(values, source, ", ".join(map(str, values)))


def extract_message(
    tool: ToolSpec,
    text: str,
    now: datetime,
    asked: set[str] | None = None,
    source: str = "message",
    only: set[str] | None = None,
) -> dict[str, Found]:
    """Values for ``tool``'s parameters found in one message. ``asked``: the parameters the
    assistant just asked for (a bare answer fills them); ``only``: the kinds to look for."""
    asked = asked or set()
    msg = _Msg(text, text)
    out: dict[str, Found] = {}
    by_kind: dict[str, list[ParamSpec]] = {}
    for p in tool.params:
        by_kind.setdefault(param_kind(p), []).append(p)
    if only is not None:
        by_kind = {k: v for k, v in by_kind.items() if k in only}
    _extract_dates(tool, by_kind.get("date", []), msg, now, out, source)
    # date/time words are read once: hide them from numbers and names (skipped when a two-digit
    # year was expanded, since offsets into the expanded text would not match the message)
    if _normalise_years(text) == text:
        for _ in range(4):  # every date/time said (a range has two)
            r = parse_datetime(msg.masked, now)
            spans = [s for s in (r.date_span, r.time_span) if s is not None]
            if not spans:
                break
            for s in spans:
                msg.take(*s)
        for m in _DURATION.finditer(text):
            msg.take(*m.span())
    _extract_enums(tool, by_kind.get("enum", []), msg, asked, out, source)
    _extract_arrays(tool, by_kind.get("array", []), msg, out, source)
    _extract_booleans(tool, by_kind.get("boolean", []), msg, asked, out, source)
    if not (by_kind.get("email") or by_kind.get("phone")):
        # no parameter takes them, but their digits are still not numbers
        for m in list(_EMAIL_RE.finditer(text)) + list(_PHONE_RE.finditer(text)):
            msg.take(*m.span())
    strings = (
        by_kind.get("email", [])
        + by_kind.get("phone", [])
        + by_kind.get("string", [])
        + by_kind.get("text", [])
    )
    # E-mail addresses and phone numbers first (their digits are not numbers), then numbers,
    # then the other strings (which see what the numbers took).
    _extract_strings(
        tool, [p for p in strings if param_kind(p) in ("email", "phone")], msg, asked, out, source
    )
    _extract_numbers(tool, by_kind.get("number", []), msg, asked, out, source)
    _extract_strings(tool, [p for p in strings if p.name not in out], msg, asked, out, source)
    return out


# --- the whole conversation -------------------------------------------------------------------


def _content(m: dict[str, Any]) -> str:
    c = m.get("content")
    if isinstance(c, list):  # OpenAI content parts
        return " ".join(str(part.get("text", "")) for part in c if isinstance(part, dict))
    return c if isinstance(c, str) else ""


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict):
                out.update(_flatten(v, f"{k}."))
            out[f"{prefix}{k}"] = v
            out.setdefault(str(k), v)
    return out


def _coerce(p: ParamSpec, value: Any) -> Any | None:
    if value is None:
        return None
    if p.type == "string":
        return value if isinstance(value, str) else None
    if p.type in ("number", "integer"):
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                value = float(value.replace(",", ""))
            except ValueError:
                return None
        if isinstance(value, int | float):
            if p.type == "integer":
                return int(value) if float(value).is_integer() else None
            return int(value) if float(value).is_integer() else value
        return None
    if p.type == "boolean":
        return value if isinstance(value, bool) else None
    return value if validate_arguments(ToolSpec("x", params=(p,)), {p.name: value}) == [] else None


def fill_arguments(
    tool: ToolSpec,
    messages: list[dict[str, Any]],
    now: datetime | None = None,
    asked: set[str] | None = None,
) -> Filling:
    """Arguments for ``tool`` from the conversation (OpenAI messages, oldest first).

    The latest user message is read for every kind of value, and a bare answer fills the
    ``asked`` parameters. Earlier user messages since the last tool result fill what is still
    open; older ones only typed values (dates, e-mails, phone numbers). Then arguments of earlier
    calls and fields of tool results with the parameter's exact name fill the rest.
    """
    now = now or datetime.now(SEOUL)
    filling = Filling(tool)
    user_idx = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    last_tool = max((i for i, m in enumerate(messages) if m.get("role") == "tool"), default=-1)
    for rank, i in enumerate(reversed(user_idx)):
        text = _content(messages[i])
        if not text.strip():
            continue
        source = "message" if rank == 0 else "history"
        only = None if (rank == 0 or i > last_tool) else {"date", "email", "phone"}
        found = extract_message(tool, text, now, asked if rank == 0 else set(), source, only)
        for k, v in found.items():
            if rank == 0 or v.strong:  # earlier messages give values only by their own words
                filling.found.setdefault(k, v)
    # earlier calls and tool results, newest first
    for m in reversed(messages):
        if m.get("role") == "assistant":
            for call in m.get("tool_calls") or []:
                fn = call.get("function", {}) if isinstance(call, dict) else {}
                try:
                    args = json.loads(fn.get("arguments") or "{}")
                except (TypeError, json.JSONDecodeError):
                    continue
                if not isinstance(args, dict):
                    continue
                for p in tool.params:
                    if p.name in filling.found or p.name not in args or not p.required:
                        continue
                    coerced = _coerce(p, args[p.name])
                    if coerced is not None:
                        filling.found[p.name] = Found(coerced, "call", str(args[p.name]))
        elif m.get("role") == "tool":
            try:
                result = json.loads(_content(m))
            except json.JSONDecodeError:
                continue
            flat = _flatten(result)
            for p in tool.params:
                if p.name in filling.found or p.name not in flat or not p.required:
                    continue
                coerced = _coerce(p, flat[p.name])
                if coerced is not None:
                    filling.found[p.name] = Found(coerced, "tool_result", str(flat[p.name]))
    # Never send a value the schema refuses: drop it (the parameter becomes missing) and say why.
    for p in tool.params:
        if p.name in filling.found:
            problems = validate_arguments(
                ToolSpec(tool.name, params=(p,)), {p.name: filling.found[p.name].value}
            )
            problems = [x for x in problems if not x.endswith("required")]
            if problems:
                filling.problems.extend(problems)
                del filling.found[p.name]
    return filling
