"""What a tool parameter is: its kind (enum, boolean, number, date, time, email, phone, array,
string) read from its schema and description, its units, keywords and synonyms."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import (
    COUNTER_UNITS,
    UNITS,
    content_words,
    split_identifier,
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
    "문구",
    "멘트",
    "인사말",
)
START_WORDS = ("시작", "start", "begin", "from", "출발", "기준", "대상", "원래", "base", "source")
NEW_VALUE = re.compile(r"(?<![a-z])new(?![a-z])|바꿀|변경할|변경 후|새로운|새 ")
"""Words of a parameter that takes what a thing is changed to (new_date, 바꿀 날짜)."""
RANGE_END_WORDS = ("종료", "끝", "end", "until")
"""Words of a parameter that is where a range ends (종료일, 끝 월, end_date)."""
_END_WORDS = (*RANGE_END_WORDS, "to", "도착", "목적", "결과", "target", "destination")
_RECEIVER_WORDS = ("수신", "받는", "receiver", "recipient", "to whom", "받을")


def words_of(p: ParamSpec) -> str:
    return f"{p.description} {' '.join(split_identifier(p.name))}".lower()


def param_head(p: ParamSpec) -> str:
    """The description's last word before any bracket (what the parameter *is*):
    "미세먼지를 조회할 지역 이름" -> "이름", "알림을 보낼 시각(예: ...)" -> "시각"."""
    label = re.split(r"[(\[（:]", p.description, maxsplit=1)[0].strip(" .")
    words = label.split()
    if not words:
        return " ".join(split_identifier(p.name)[-1:])
    return words[-1].lower()


def has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def has_whole_word(text: str, words: tuple[str, ...]) -> bool:
    """Whole-word match for Latin words (so "to" is not found in "total")."""
    for w in words:
        pattern = _whole_word(w)
        if pattern is not None:
            if pattern.search(text):
                return True
        elif w in text:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _whole_word(word: str) -> re.Pattern[str] | None:
    """The whole-word pattern of a Latin ``word``, None for a word without Latin letters."""
    if not re.search(r"[a-z]", word):
        return None
    return re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])")


T = TypeVar("T")


def per_param(fn: Callable[[ParamSpec], T]) -> Callable[[ParamSpec], T]:
    """Remember ``fn(p)`` for each parameter: what a parameter is depends on its schema alone,
    and every message is read against every offered tool's parameters (a tool set's calibration
    asked the same few hundred parameters 60,000 times). Results must not be mutated."""
    cached = functools.lru_cache(maxsize=4096)(fn)

    @functools.wraps(fn)
    def remembered(p: ParamSpec) -> T:
        try:
            hash(p)
        except TypeError:  # an enum value that is a list or an object: not hashable
            return fn(p)
        return cached(p)

    return remembered


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
    """date, time, datetime, year, month, year_month (YYYY-MM) or raw (the user's words)."""
    layout: str | None = None
    """The layout the description writes out when it is not ISO 8601 (``MM/DD``, ``YYYYMMDD``,
    ``YYYY-MM-DD HH:MM``), as a :meth:`~datetime.date.strftime` pattern."""


_LAYOUT = re.compile(
    r"(?<![A-Za-z])((?:YYYY|yyyy)[-./]?)?(MM|mm)([-./]?)(DD|dd)(?:([ T])(HH|hh):(MM|mm)(:(?:SS|ss))?)?(?![A-Za-z])"
)
"""A date (and time) layout written out in a description: YYYY-MM-DD, MM/DD, YYYYMMDD,
YYYY.MM.DD, YYYY-MM-DD HH:MM ..."""


def _layout(description: str) -> tuple[str, str] | None:
    """(part, strftime pattern) of a layout the description writes out, None when it writes
    none or the ISO forms the other rules read (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS)."""
    m = _LAYOUT.search(description)
    if m is None:
        return None
    year, _, sep, _, tsep, hh, _, secs = m.groups()
    pattern = ""
    if year:
        pattern += "%Y" + year[4:]
    pattern += f"%m{sep}%d"
    if hh:
        pattern += f"{tsep}%H:%M" + (":%S" if secs else "")
    if pattern in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        return None
    return ("datetime" if hh else "date"), pattern


_PATTERN_SAMPLES: list[tuple[str, str | None, str]] = [
    ("datetime", None, "2026-11-19T14:30:00"),
    ("datetime", "%Y-%m-%dT%H:%M", "2026-11-19T14:30"),
    ("datetime", "%Y-%m-%d %H:%M:%S", "2026-11-19 14:30:00"),
    ("datetime", "%Y-%m-%d %H:%M", "2026-11-19 14:30"),
    ("date", None, "2026-11-19"),
    ("date", "%Y.%m.%d", "2026.11.19"),
    ("date", "%Y/%m/%d", "2026/11/19"),
    ("year_month", None, "2026-11"),
    ("time", None, "14:30"),
    ("time", "%H:%M:%S", "14:30:00"),
]
"""A value of each date/time layout, tried against a parameter's ``pattern`` in this order
(the first it matches whole is the layout it asks for). Digit-only layouts (YYYYMMDD, HHMM)
and a month with a day (MM/DD) are left out: their patterns are as much a code's, a year's or
a card's expiry (MM/YY)."""


def shape_rule(pattern: str | None) -> re.Pattern[str] | None:
    """A schema ``pattern`` compiled, when it says what shape a value has: None when there is
    none, it does not compile, or it admits words as well ("내일 오후 두 시")."""
    if not pattern:
        return None
    try:
        rule = re.compile(pattern)
    except re.error:
        return None
    return None if rule.search("내일 오후 두 시") or rule.search("tomorrow") else rule


def _pattern_format(p: ParamSpec) -> DateFormat | None:
    """The date/time layout a parameter's JSON-schema ``pattern`` admits
    (``^\\d{2}:\\d{2}$``: a time; ``^\\d{4}-\\d{2}-\\d{2}$``: a date), None when it admits
    none of them, or admits words as well (a pattern that is no date's)."""
    rule = shape_rule(p.pattern)
    if rule is None:
        return None
    for part, layout, sample in _PATTERN_SAMPLES:
        if rule.fullmatch(sample):
            return DateFormat(part, layout)
    return None


@per_param
def date_format(p: ParamSpec) -> DateFormat | None:
    """The date/time format a parameter asks for, or None when it is not a date/time."""
    if p.type != "string" and not (
        p.type == "integer" and param_head(p) in ("연도", "년도", "year")
    ):
        return None
    if p.type == "string":
        shaped = _pattern_format(p)
        if shaped is not None:
            return shaped
    d = p.description
    low = d.lower()
    written = _layout(d)
    if written is not None:
        return DateFormat(*written)
    if p.format == "date-time" or re.search(r"YYYY-MM-DD[T ]HH|ISO ?8601", d):
        return DateFormat("datetime")
    if p.format == "date" or "YYYY-MM-DD" in d or "yyyy-mm-dd" in low:
        return DateFormat("date")
    if p.format == "time" or re.search(r"HH:MM|hh:mm", d):
        return DateFormat("time")
    head = param_head(p)
    if re.search(r"YYYY\s*형식", d) or head in ("연도", "년도", "year"):
        return DateFormat("year")
    if re.search(r"YYYY-MM(?!-)|yyyy-mm(?!-)", d):  # 청구 월, YYYY-MM 형식
        return DateFormat("year_month")
    if re.search(r"\bMM\s*형식", d) or head in ("월", "month"):
        return DateFormat("month")
    label = re.split(r"[(\[（]", low, maxsplit=1)[0]
    if (
        has_any(head, _TIME_WORDS)
        or has_any(head, _DATE_WORDS)
        or has_whole_word(label, ("deadline",))
    ):
        return DateFormat("raw")
    if has_whole_word(" ".join(split_identifier(p.name)), ("date", "time", "datetime", "deadline")):
        return DateFormat("raw")
    return None


@per_param
def param_kind(p: ParamSpec) -> str:
    """enum, boolean, number, date, email, phone, url, text, array or string (see the module
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
    words = words_of(p)
    head = param_head(p)
    if has_any(words, _EMAIL_WORDS) and "이름" not in head:
        return "email"
    if has_any(words, _PHONE_WORDS) and ("번호" in words or "phone" in words):
        return "phone"
    if has_whole_word(words, ("url", "링크", "link", "웹주소", "홈페이지")):
        return "url"
    if (
        has_any(head, _TEXT_WORDS)
        or has_whole_word(
            " ".join(split_identifier(p.name)), ("text", "content", "message", "body")
        )
        # "모임장에게 남길 말", "전할 말": words to be said
        or re.search(
            r"(?:남길|전할|할|하고\s*싶은|보낼)\s*말$", p.description.split("(")[0].strip()
        )
    ):
        return "text"
    return "string"


# --- numbers: which unit belongs to which parameter ---------------------------------------

_CODE_NAME_ENDS = ("id", "no", "code", "number", "num", "serial")
_CODE_HEADS = ("id", "아이디", "번호", "코드", "식별자", "시리얼", "일련번호")


def is_code_param(p: ParamSpec) -> bool:
    """Whether ``p`` holds an identifier (예약 번호, order_id, 상영 회차 ID): a code of
    digits or Latin letters that a system issued, never a Korean word of the request ("그날
    출장이네.. 취소해주세요" gives no appointment number)."""
    if p.type != "string" or enum_options(p) or param_kind(p) not in ("string",):
        return False
    name = split_identifier(p.name)
    return bool(name and name[-1] in _CODE_NAME_ENDS) or param_head(p) in _CODE_HEADS


def looks_like_code(value: str) -> bool:
    """A value an identifier parameter may take: it has a digit or a Latin letter."""
    return bool(re.search(r"[0-9A-Za-z]", value))


_UNIT_GROUPS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    # (words in the parameter's description/name, units said after the number)
    (("퍼센트", "%", "율", "비율", "percent", "rate", "백분율", "프로"), ("%", "퍼센트", "프로")),
    (
        (
            *("금액", "가격", "원가", "요금", "price", "amount", "비용", "total", "돈", "예산"),
            "bill",
            # "최대 대여료(원)", budget_won: money written in won, asked by its name
            *("원", "krw", "budget", "참가비", "대여료", "이용료", "수수료"),
        ),
        ("원", "달러", "불", "유로", "엔", "위안", "파운드"),
    ),
    # people, and the places they take (두 자리 잡아 줘)
    (
        ("사람", "인원", "명", "people", "person", "guest", "party"),
        ("명", "인", "사람", "인분", "자리"),
    ),
    (("키", "신장", "height", "센티미터", "cm"), ("cm", "센티미터", "센티", "㎝")),
    (
        ("무게", "체중", "몸무게", "weight", "킬로그램", "kg"),
        ("kg", "킬로그램", "키로", "킬로", "㎏"),
    ),
    (("그램", "중량", "gram", "grams"), ("g", "그램", "그람")),
    (("용량", "리터", "밀리리터", "ml", "volume"), ("ml", "밀리리터", "리터")),
    (("거리", "distance", "킬로미터", "km"), ("km", "킬로미터", "킬로", "키로", "미터", "m")),
    (("고도", "높이", "수심", "깊이", "altitude", "depth"), ("m", "미터")),
    (("나이", "age", "연령"), ("살", "세")),
    (("회차", "round", "회"), ("회차", "회")),
    # a number of times (헹굼 횟수): 세 번, 3회
    (("횟수", "회수", "times", "회차 수", "회차수"), ("번", "회")),
    # a number of copies (발급 부수): 두 부
    (("부수",), ("부",)),
    (("길이", "length", "자리", "글자", "자수"), ("자리", "글자", "자")),
    # seats are counted by 자리, 매 or 장 (두 자리, 3매)
    (("좌석", "seat"), ("자리", "매", "장")),
    (
        ("수량", "개수", "quantity", "count", "개", "매수", "장수"),
        (
            "개",
            "잔",
            "장",
            "권",
            "병",
            "마리",
            "채",
            "벌",
            "켤레",
            "짝",
            "대",
            "통",
            "그릇",
            "상자",
            "박스",
            "팩",
            "세트",
        ),
    ),
    # a number of hours or days (주차 예정 시간(시간 단위), 정지할 일수): 세 시간, 열흘
    (("시간 단위", "몇 시간", "hours"), ("시간",)),
    (("일수", "며칠", "days", "박수"), ("일", "박")),
    (("숙박", "nights"), ("박",)),
    (("평", "평수", "pyeong"), ("평",)),
    (("제곱미터", "squaremeter", "square", "㎡", "넓이"), ("제곱미터", "㎡")),
    (("연도", "year", "년도"), ("년",)),
    (("개월", "기간", "months", "month"), ("개월", "달")),
    (("온도", "기온", "temperature", "°"), ("도",)),
    (("분", "minutes"), ("분",)),
    (("층", "floor"), ("층",)),
    (("볼륨", "음량", "volume"), ("%",)),
    (("출력", "kw", "kW", "전력", "power"), ("kW", "kw", "KW")),
    (("kwh", "kWh", "충전량", "전력량"), ("kWh",)),
    (("mm", "밀리"), ("mm",)),
    (("용량", "gb", "GB", "storage"), ("GB", "MB", "TB")),
]


_QUANTITY_LABELS = ("몸무게", "체중", "무게", "신장", "거리", "나이", "연령", "온도", "기온")
"""Words that say which bodily or physical quantity a number is (not 기간 or 수량, which
many parameters count in their own units)."""


def labelled_as_another(label: str, p: ParamSpec) -> bool:
    """Whether ``label``, the word said before a number ("몸무게 60키로"), names a quantity
    whose units ``p`` does not take: a body weight is no distance, whatever unit it is said in."""
    if not label.startswith(_QUANTITY_LABELS):
        return False
    words = words_of(p)
    for keys, _ in _UNIT_GROUPS:
        if any(len(k) > 1 and label.startswith(k) for k in keys):
            return not any(k in words for k in keys if len(k) > 1)
    return False


def param_units(p: ParamSpec) -> set[str]:
    units = _units_named(words_of(p), p)
    written = re.search(r"\(([가-힣]{1,2})\)", p.description)
    if written and p.type == "integer" and written.group(1) in COUNTER_UNITS | _TIME_UNITS:
        # "권수(권)", "수량(병)", "정지 기간(주)": the counter or the unit of time it is said with
        units.add(written.group(1))
    counted = _COUNT_OF.search(p.description)
    if counted and p.type == "integer":
        # "박 수", "좌석 수", "탑승객 수": a count of the noun before 수; a counter that is that
        # noun is its unit ("2박"), and a count of things with no unit of its own is said with
        # any counter ("세 자리", "두 명")
        noun = counted.group(1)
        if re.fullmatch(UNITS, noun):
            units.add(noun)
        elif not units:
            units.update(COUNTER_UNITS)
        if _PEOPLE_NOUN.search(noun):
            units.update({"명", "분"})  # "보호자 수": people, counted in 명 ("보호자 1명이요")
    return units


def described_units(p: ParamSpec) -> set[str]:
    """The units of the quantity ``p``'s description names, else :func:`param_units`: "1인당
    탑승 횟수" of ride_count is counted in 회, not in every counter a count takes."""
    return _units_named(p.description.lower(), p) or param_units(p)


def _units_named(words: str, p: ParamSpec) -> set[str]:
    """The units of the quantities ``words`` name."""
    units: set[str] = set()
    other_time = _OTHER_TIME_UNIT.search(p.description)
    for keys, group in _UNIT_GROUPS:
        if other_time and "개월" in group:
            continue  # "정지 기간(주)": a 기간 counted in weeks or days, not months
        if any(k in words for k in keys if len(k) > 1) or any(
            re.search(rf"(?<![가-힣]){re.escape(k)}(?![가-힣])", words) for k in keys if len(k) == 1
        ):
            units.update(group)
    return units


_TIME_UNITS = frozenset({"주", "일", "시간", "분", "년", "개월"})
_OTHER_TIME_UNIT = re.compile(r"\((?:주|일|시간|년|분)\)|(?:주|일|시간)\s*단위|일수|주수")
_PEOPLE_NOUN = re.compile(
    r"(?:아이|어린이|어른|성인|아동|유아|소아|청소년|학생|보호자|손님|사람|인원|동반자|참가자"
    r"|참석자|탑승객|승객|관객|고객|회원|직원|환자|노인)$"
)
"""A noun for people, whose count is said in 명 or 분."""
_COUNT_OF = re.compile(r"(?<![가-힣])([가-힣]+)\s+수(?![가-힣])")
"""A description that names a count as "X 수" (written apart: 박수 and 점수 are words)."""


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
    keys = [w for w in own if w not in generic and (w not in others or w in param_head(p))]
    for group in SYNONYMS:
        if any(k in group for k in keys):
            keys.extend(group)
    return list(dict.fromkeys(k for k in keys if k))


SYNONYMS: list[tuple[str, ...]] = [
    ("무게", "몸무게", "체중", "weight"),
    ("키", "신장", "height"),
    ("나이", "살", "age"),
    ("성별", "gender", "sex"),
    ("이름", "성함", "name"),
    ("비밀번호", "비번", "암호", "패스워드", "password"),
    ("이메일", "메일", "email"),
    ("전화번호", "전화", "번호", "phone", "휴대폰"),
    ("금액", "가격", "원가", "총액", "총", "값"),
    ("할인율", "할인", "세일"),
    ("인원", "사람", "명", "어른", "성인", "인분"),
    ("아이", "애", "애들", "어린이", "아동", "자녀", "child", "kid"),
    ("제목", "타이틀", "title"),
    ("내용", "본문", "content"),
    ("메시지", "메세지", "문자"),
    ("출발지", "출발", "origin"),
    ("도착지", "도착", "목적지", "destination"),
    ("수신자", "수신인", "받는사람", "받는 사람", "receiver"),
    ("날짜", "일자", "date"),
    ("길이", "자리", "글자", "length"),
    ("셔플", "무작위", "랜덤", "shuffle"),
    ("닉네임", "닉넴", "별명", "nickname"),
]

PARTICLE_ROLES: list[tuple[tuple[str, ...], str]] = [
    (
        ("출발", "origin", "기준 위치", "from", "환전 대상", "base", "source", "전 통화"),
        r"(?:에서부터|에서|부터|를|을)",
    ),
    (
        ("도착", "목적", "destination", "to", "결과", "target", "뒤 통화"),
        # "제주도 가려고", "부산 가요": where one goes, said before 가다 without a particle
        r"(?:까지|(?:으로|로)(?![가-힣])|\s*가는(?![가-힣])|\s+가(?:려|요|서|고\s|게|ㄹ|볼|봐|기로))",
    ),
    (("수신", "받는", "receiver", "recipient"), r"(?:한테|에게|께|더러)"),
]


_MODIFIER_END = re.compile(r"(?:[을를할될볼갈올줄]|하는|되는|있는|싶은|원하는|고자|의)$")


_LAYOUT_WORDS = re.compile(
    r"(?<![A-Za-z])(?:YYYY(?:[-./]MM(?:[-./]DD)?)?|HH(?::MM(?::SS)?)?|hh:mm|yyyy-mm-dd)(?![A-Za-z])"
)


def param_label(p: ParamSpec) -> str:
    """A short Korean name for a parameter from its description: ``"그램 단위의 중량"`` ->
    ``"중량"``, ``"미세먼지를 조회할 지역 이름"`` -> ``"지역 이름"``, ``"수거할 위치"`` kept."""
    # the layout a value is written in is no part of its name ("반납일 YYYY-MM-DD", "HH:MM")
    described = _LAYOUT_WORDS.sub(" ", p.description)
    label = re.split(r"[(\[（:;.]", described, maxsplit=1)[0].strip(" ,")
    if not label or not re.search(r"[가-힣]", label):
        return " ".join(split_identifier(p.name))
    label = re.sub(r"^.*?단위의\s*", "", label)
    label = re.sub(r"^사용자(?:의|가)?\s+", "", label)
    words = label.split()
    if len(words) <= 3:
        return " ".join(words)
    # a long description: the noun phrase after its last modifier (…를 조회할 지역 이름 -> 지역 이름)
    for i in range(len(words) - 1, 0, -1):
        if _MODIFIER_END.search(words[i - 1]):
            tail = words[i:]
            if len(tail) > 1 or words[i - 1] in ("하는", "되는", "있는"):
                return " ".join(tail)
            return " ".join(words[i - 1 :])
    return " ".join(words[-2:])


_HOUR_WORDS = re.compile(r"시각|시간대|몇\s*시|\(시\)|hour", re.IGNORECASE)


def is_hour_param(p: ParamSpec) -> bool:
    """Whether ``p`` is an hour of the day written as an integer (방문 시각 [9, 11, 14, 16]):
    its description or name says an hour, and every value it allows is one."""
    if p.type != "integer" or not _HOUR_WORDS.search(f"{p.name} {p.description}"):
        return False
    options = enum_options(p)
    if options:
        return all(isinstance(o, int) and 0 <= o <= 23 for o in options)
    return p.minimum is not None and p.maximum is not None and 0 <= p.minimum <= p.maximum <= 23
