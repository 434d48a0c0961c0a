"""Arrays: lists of allowed values, numbers, times of day, or a labelled list of strings."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kodial.korean.datetimes import parse_datetime
from kodial.korean.numerals import NATIVE_NUMERALS
from kodial.tools.arguments.choices import enum_mentions
from kodial.tools.arguments.dates import format_date_value
from kodial.tools.arguments.labels import label_keys, labelled
from kodial.tools.arguments.message import EMAIL_RE, PHONE_RE, Msg
from kodial.tools.arguments.params import (
    DateFormat,
    date_format,
    param_head,
    param_units,
    shape_rule,
    words_of,
)
from kodial.tools.arguments.payload import QUOTED
from kodial.tools.arguments.people import lists_people, names_listed
from kodial.tools.arguments.results import Found
from kodial.tools.schema import ParamSpec, ToolSpec, item_fields
from kodial.tools.text import (
    BARE_NOUN_TAGS,
    COUNTER_UNITS,
    Token,
    nouns_only,
    numbers,
    strip_ending,
    tokens,
)

_EMAILS = re.compile(r"이메일|메일\s*주소|e-?mail", re.IGNORECASE)
_PHONES = re.compile(r"전화\s*번호|휴대폰|핸드폰|연락처|phone", re.IGNORECASE)


def _times_said(text: str, now: datetime) -> list[str]:
    """Every time of day ``text`` says, as HH:MM, in the order said (아침 8시 저녁 8시 ->
    08:00, 20:00)."""
    out: list[str] = []
    for _ in range(8):
        r = parse_datetime(text, now)
        if r.time is None or r.time_span is None:
            break
        out.append(f"{r.time.hour:02d}:{r.time.minute:02d}")
        s, e = r.time_span
        text = text[:s] + " " * (e - s) + text[e:]
    return out


_LIST_JOINER = r"\s*(?:이나|나|랑|이랑|하고|와|과|,|또는|아니면|혹은)\s*"
_WEEK_LIST = re.compile(
    rf"((?:다다음|다음|담|이번|저번|지난)\s*주)\s*([월화수목금토일](?:요일|욜))"
    rf"((?:{_LIST_JOINER}[월화수목금토일](?:요일|욜))+)"
)
_MONTH_LIST = re.compile(rf"(\d{{1,2}}\s*월)\s*(\d{{1,2}}\s*일)((?:{_LIST_JOINER}\d{{1,2}}\s*일)+)")


_HOUR = r"\d{1,2}\s*시(?:\s*반|\s*\d{1,2}\s*분)?"
_PERIOD_LIST = re.compile(
    rf"(오전|오후|아침|점심|낮|저녁|밤|새벽)\s*({_HOUR})((?:{_LIST_JOINER}{_HOUR})+)"
)


def _carried_over(text: str) -> str:
    """A week, a month or a part of the day said once for a list, said for each ("다음 주
    월요일이나 수요일" -> "다음 주 월요일이나 다음 주 수요일"; "1월 3일이랑 5일" -> "1월 3일이랑 1월
    5일"; "오전 10시나 11시" -> "오전 10시나 오전 11시")."""

    def carry(m: re.Match[str]) -> str:
        rest = re.sub(
            r"([월화수목금토일](?:요일|욜)|\d{1,2}\s*일)", rf"{m.group(1)} \1", m.group(3)
        )
        return f"{m.group(1)} {m.group(2)}{rest}"

    def carry_period(m: re.Match[str]) -> str:  # "오전 10시나 11시": 11 in the morning too
        rest = re.sub(_HOUR, lambda h: f"{m.group(1)} {h.group(0)}", m.group(3))
        return f"{m.group(1)} {m.group(2)}{rest}"

    text = _MONTH_LIST.sub(carry, _WEEK_LIST.sub(carry, text))
    return _PERIOD_LIST.sub(carry_period, text)


def _days_said(text: str, now: datetime, fmt: DateFormat) -> list[Any]:
    """Every day (or time, or both, as ``fmt`` asks) ``text`` says, in the order said."""
    text = _carried_over(text)
    out: list[Any] = []
    for _ in range(8):
        r = parse_datetime(text, now)
        spans = [s for s in (r.date_span, r.time_span) if s is not None]
        if not spans:
            break
        value = format_date_value(fmt, r, "", now)
        if value is not None and value not in out:
            out.append(value)
        for s, e in spans:
            text = text[:s] + " " * (e - s) + text[e:]
    return out


def _item_date_format(p: ParamSpec) -> DateFormat | None:
    """How an array's items are dates or times, by their format, pattern or the description's
    layout; None for items of another kind."""
    item = ParamSpec(
        p.name, "string", p.description, format=p.items_format, pattern=p.items_pattern
    )
    fmt = date_format(item)
    return fmt if fmt is not None and fmt.part in ("date", "time", "datetime") else None


_COUNT_WORDS = (
    "하나",
    "한",
    "둘",
    "두",
    "셋",
    "세",
    "넷",
    "네",
    "다섯",
    "여섯",
    "일곱",
    "여덟",
    "아홉",
    "열",
)
"""The native counts of one to ten (their values: :data:`kodial.korean.numerals.NATIVE_NUMERALS`)."""
_ALONE = ("하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉", "열")
_COUNTERS = "개|벌|장|대|잔|그릇|마리|박스|상자|권|인분|판|병|켤레|쌍|채|통|봉지|세트|점"
_COUNTED = re.compile(
    rf"(?<![가-힣A-Za-z0-9])([가-힣A-Za-z]{{1,12}})\s*(\d{{1,3}}(?![.,]?\d)|{'|'.join(_COUNT_WORDS)})"
    rf"\s*({_COUNTERS})?"
    r"(?=이랑|랑|하고|와|과|이요|요|씩|[\s,.]|$)"
)
"""A thing and how many of it ("장롱 하나랑", "셔츠 다섯 장", "아메리카노 2잔")."""


def _item_schema(tool: ToolSpec, p: ParamSpec) -> tuple[str, tuple[Any, ...], str] | None:
    """The name field (and its allowed values) and the count field of an array's objects, when
    each item is a thing and how many of it (one string and one integer field)."""
    fields = item_fields(tool, p.name)
    if len(fields) != 2:
        return None
    names = [k for k, v in fields.items() if v.get("type") == "string"]
    counts = [k for k, v in fields.items() if v.get("type") == "integer"]
    if len(names) != 1 or len(counts) != 1:
        return None
    return names[0], tuple(fields[names[0]].get("enum") or ()), counts[0]


def _things_counted(tool: ToolSpec, p: ParamSpec, msg: Msg) -> list[dict[str, Any]]:
    """Every thing said with how many of it, as the array's objects ("패딩 두 벌이랑 셔츠 다섯
    장" -> [{name: 패딩, count: 2}, {name: 셔츠, count: 5}]); the thing must be one of the allowed
    names when the schema lists them, else a noun. The words read are taken (not a name)."""
    schema = _item_schema(tool, p)
    if schema is None:
        return []
    name_key, options, count_key = schema
    out: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    for m in _COUNTED.finditer(msg.masked):
        word, number, counter = m.group(1), m.group(2), m.group(3)
        if not counter and not number.isdigit() and number not in _ALONE:
            continue  # "한", "두" count only with a counter ("두 개")
        count = int(number) if number.isdigit() else NATIVE_NUMERALS[number]
        if options:
            name = next((o for o in options if str(o) == word), None)
            if name is None:
                continue
        else:
            toks = tokens(word)
            if not toks or not all(t.tag in ("NNG", "NNP", "SL") for t in toks):
                continue
            name = word
        out.append({name_key: name, count_key: count})
        spans.append(m.span())
    for span in spans:
        msg.take(*span)
    return out


_NOUNS = BARE_NOUN_TAGS
_JOINING_WORDS = ("그리고", "및", "또")
_JOINING_PARTICLES = ("랑", "이랑", "하고", "와", "과")
"""Particles that also say "with" (엄마랑 가): between two nouns they join a list."""


def _joins(t: Token, comitative: bool) -> bool:
    """Whether a morpheme joins two things of a list: 와/과/랑/하고 (JC), a comma, 그리고/및,
    and with ``comitative`` also those particles read as "with" (엄마랑 아빠한테)."""
    return (
        t.tag == "JC"
        or (t.tag == "SP" and t.form in (",", "、"))
        or (t.tag == "MAJ" and t.form in _JOINING_WORDS)
        or (comitative and t.tag == "JKB" and t.form in _JOINING_PARTICLES)
    )


def _items_of(text: str, start: int = 0) -> list[tuple[int, int]]:
    """The spans (offsets into the whole message) of the things ``text`` lists, cut where a
    joining particle (랑, 하고, 와/과), a comma or 그리고/및 joins them ("휴지하고 세제 그리고
    샴푸" -> 휴지, 세제, 샴푸); the last one without its ending."""
    cuts = [(t.start, t.start + len(t.form)) for t in tokens(text) if _joins(t, comitative=False)]
    spans: list[tuple[int, int]] = []
    at = 0
    for a, b in [*cuts, (len(text), len(text))]:
        piece = text[at:a]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if a == len(text) and piece:
            piece = strip_ending(piece)
        if piece:
            s = at + lead
            spans.append((start + s, start + s + len(piece)))
        at = b
    return spans


def _noun_list(msg: Msg) -> list[tuple[int, int]]:
    """Two or more nouns joined into a list anywhere in the message ("사과랑 우유를 장보기
    목록에 넣어줘" -> 사과, 우유): each a word of nouns only, joined by 랑/하고/와/과, a comma
    or 그리고/및; the last one ends the phrase (its object or topic particle, or a verb next)."""
    words = list(re.finditer(r"\S+", msg.masked))
    toks = tokens(msg.masked)
    in_word = [[t for t in toks if w.start() <= t.start < w.end()] for w in words]
    for i in range(len(words)):
        items: list[tuple[int, int]] = []
        j = i
        while j < len(words):
            w, wt = words[j], in_word[j]
            if not wt or wt[0].tag not in _NOUNS:
                break
            k = next((n for n, t in enumerate(wt) if t.tag not in _NOUNS), len(wt))
            end = wt[k - 1].start + len(wt[k - 1].form)
            items.append((w.start(), end))
            rest = wt[k:]
            joined = bool(rest) and _joins(rest[0], comitative=True)
            if not joined and j + 1 < len(words) and words[j + 1].group(0) in _JOINING_WORDS:
                joined, j = True, j + 1
            if not joined:
                # the list ends here: as the object or topic (우유를, 김치밖에) or the whole
                # phrase before a verb, never a modifier of the next noun (봄과 여름
                # 플레이리스트) or a verb noun (초대해줘) or a place (커피로)
                nxt = in_word[j + 1] if j + 1 < len(words) else []
                acts = bool(nxt) and (
                    j + 2 == len(words) or any(t.tag in ("XSV", "VV") for t in nxt)
                )  # "... 대파 추가", "... 대파 추가해줘": the request's act follows
                ends = (not rest and (not nxt or nxt[0].tag not in _NOUNS or acts)) or (
                    bool(rest) and rest[0].tag in ("JKO", "JX")
                )
                if not ends:
                    items = []
                break
            j += 1
        before = in_word[i - 1] if i else []
        if before and before[-1].tag in ("JKG", "ETM", "MM"):
            items = []  # "너와 나의 거리랑": a title's words, not a list
        if len(items) >= 2:
            return items
    return []


def _strings_listed(
    tool: ToolSpec, p: ParamSpec, msg: Msg, asked: set[str], source: str
) -> list[str]:
    """The strings a plain list parameter takes: the things listed after its label ("준비물은
    A, B"); the whole answer to a question about it ("사과랑 우유"); or, when it is the tool's
    only such list, nouns joined into a list anywhere in the message."""
    span = labelled(msg.text, label_keys(p), param_head(p), "text")
    if span:
        listed = msg.text[span[0] : span[1]]
        return [
            v.strip(" .")
            for v in re.split(r"\s*(?:,|、|/|\s와\s|\s과\s|하고\s|랑\s)\s*", listed)
            if v.strip(" .")
        ]
    spans: list[tuple[int, int]] = []
    quoted = [q.span(1) for q in QUOTED.finditer(msg.text) if msg.free(*q.span())]
    if len(quoted) >= 2:  # "'우승', '준우승', '3위' 이렇게 세 개": each quoted line an item
        spans = quoted
    elif p.name in asked and source == "message":
        spoken = msg.masked.strip()
        start = msg.masked.find(spoken) if spoken else 0
        spans = _items_of(spoken, start) if spoken else []
        first = re.match(r"[^.!?]+[.!?]\s", spoken)
        if first and not all(nouns_only(msg.text[a:b].replace(" ", "")) for a, b in spans):
            # "닭가슴살 샐러드. 한 350칼로리?": the list is the first sentence, and the rest
            # says something else
            spans = _items_of(first.group(0).rstrip(" .!?"), start)
        if not all(nouns_only(msg.text[a:b].replace(" ", "")) for a, b in spans):
            spans = []  # "냉장고에 두부하고 김치밖에 없어요": not a bare list; read as a message
    if not spans and lists_people(p):
        spans = names_listed(msg.masked, msg.free)  # "김도윤, 박서하. 번호는 ..."
    plain = [q for q in tool.params if q.type == "array" and _plain_string_list(q)]
    if not spans and plain == [p]:
        spans = _noun_list(msg)
    for a, b in spans:
        msg.take(a, b)
    return list(dict.fromkeys(msg.text[a:b] for a, b in spans))


def _codes_fitting(tool: ToolSpec, p: ParamSpec, msg: Msg) -> list[str]:
    """Every word of letters and digits said that the items' pattern takes whole, but one
    labelled as another parameter's ("공연 ID는 P7이고 좌석은 A1, A2"); the words read, taken."""
    fits = shape_rule(p.items_pattern)
    if fits is None:
        return []
    others = {w for q in tool.params if q is not p for w in words_of(q).split()}
    others -= set(words_of(p).split())
    said = []
    for m in re.finditer(r"(?<![A-Za-z0-9-])[A-Za-z0-9][A-Za-z0-9-]*(?![A-Za-z0-9-])", msg.masked):
        if not (re.search(r"\d", m.group(0)) and fits.fullmatch(m.group(0))):
            continue
        label = _LABEL_BEFORE.search(msg.text[max(0, m.start() - 12) : m.start()])
        if label and label.group(1).lower() in others:
            continue
        said.append(m)
    for m in said:
        msg.take(*m.span())
    return list(dict.fromkeys(m.group(0) for m in said))


_LABEL_BEFORE = re.compile(r"([가-힣A-Za-z]{2,}?)\s*(?:은|는|이|가|:)?\s*$")
"""The word said right before a value, which may be another parameter's label."""


def _plain_string_list(p: ParamSpec) -> bool:
    """A list of strings of no special kind (not e-mails, phone numbers, days or times)."""
    return (
        p.items_type == "string"
        and not p.items_enum
        and not _EMAILS.search(f"{p.name} {p.description}")
        and not _PHONES.search(f"{p.name} {p.description}")
        and _item_date_format(p) is None
        and not re.search(r"HH:?MM", p.description)
    )


def _as_many_as_said(
    said: list[tuple[int, int, Any]], text: str
) -> tuple[list[Any], list[tuple[int, int]]]:
    """ "M 두 개 L 하나" for sizes: each value as many times as the count said right after it,
    when two values or more are said and every one has a count (and where the counts are);
    nothing otherwise ("텐트 두 개" alone is a quantity, said elsewhere)."""
    out: list[Any] = []
    spans: list[tuple[int, int]] = []
    for _, end, opt in said:
        after = numbers(text[end : end + 12])
        if not after or text[end : end + after[0].start].strip() or after[0].value > 20:
            return [], []
        if after[0].unit not in ("", *COUNTER_UNITS) or not float(after[0].value).is_integer():
            return [], []
        out += [opt] * int(after[0].value)
        spans.append((end + after[0].start, end + after[0].end))
    return (out, spans) if len(said) > 1 else ([], [])


def extract_arrays(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: Msg,
    out: dict[str, Found],
    source: str,
    now: datetime,
    asked: set[str] | None = None,
) -> None:
    """Simple arrays: every allowed value said (items with an enum), every number said (number
    items), every e-mail address or phone number said (string items described so), every time
    said (string items written HH:MM), or a labelled list split at commas and 와/과/하고 (string
    items)."""
    for p in params:
        values: list[Any] = []
        if p.items_enum:
            item = ParamSpec(p.name, p.items_type or "string", p.description, enum=p.items_enum)
            said = enum_mentions(item, msg.masked, p.name in (asked or set()), every=True)
            counted = _as_many_as_said(said, msg.masked)
            for start, end in counted[1]:  # (the counts are the list's, no other value)
                msg.take(start, end)
            values = counted[0] or list(dict.fromkeys(opt for _, _, opt in said))
            words = ", ".join(msg.text[start:end] for start, end, _ in said)
            for start, end, _ in said:  # the words of the items said are read, whole
                rest = re.match(r"[^\s,.]*", msg.masked[end:])
                msg.take(start, end + (rest.end() if rest else 0))
            if values:  # the words said for them (텐트, 매트), which a request adds with 도
                out[p.name] = Found(values, source, words)
                continue
        elif p.items_type in ("number", "integer"):
            # every number said within the items' bounds ("세 게임" is no shoe size in mm); of
            # ages, those said as ages unless asked for ("애 둘인데 다섯 살, 세 살": not the 둘)
            heard = numbers(msg.masked)
            ages = param_units(p) & {"살", "세"}
            if ages and p.name not in (asked or set()):
                heard = [n for n in heard if n.unit in ages]
            values = [
                int(n.value) if p.items_type == "integer" else n.value
                for n in heard
                if (p.items_type != "integer" or float(n.value).is_integer())
                and (p.items_minimum is None or n.value >= p.items_minimum)
                and (p.items_maximum is None or n.value <= p.items_maximum)
            ]
        elif p.items_type == "object":
            values = _things_counted(tool, p, msg)
        elif p.items_type == "string" and _EMAILS.search(f"{p.name} {p.description}"):
            # "참석자 이메일 목록": every e-mail address said
            values = list(dict.fromkeys(m.group(0) for m in EMAIL_RE.finditer(msg.text)))
        elif p.items_type == "string" and _PHONES.search(f"{p.name} {p.description}"):
            values = list(dict.fromkeys(m.group(0) for m in PHONE_RE.finditer(msg.text)))
        elif p.items_type == "string" and (days := _item_date_format(p)) is not None:
            # "희망 날짜 목록" of dates: every day said ("3일이랑 5일", "다음 주 월요일이나 수요일")
            values = _days_said(msg.text, now, days)
        elif p.items_type == "string" and re.search(r"HH:?MM", p.description):
            # "복용 시각 목록 (HH:MM)": every time said ("아침 8시 저녁 8시")
            values = _times_said(
                _carried_over(msg.text), now
            )  # (dates and times are masked by now)
        elif (
            p.items_type == "string" and p.items_pattern and (coded := _codes_fitting(tool, p, msg))
        ):
            values = coded  # "G13, G14로" for seats written ^[A-Z]\d{1,2}$: every code that fits
        elif p.items_type == "string":
            values = _strings_listed(tool, p, msg, asked or set(), source)
        if values:
            out[p.name] = Found(values, source, ", ".join(map(str, values)))
