"""Values of particular kinds read without a label: the object of a search verb, the words of
reported speech, a currency (after an amount or by its name), a phone number in the
hyphenated form a parameter's description shows; and words the date parser would otherwise take:
a part of the day or a weekday as an allowed value, a day of the month as a number, a car plate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kodial.korean.datetimes import WEEKDAYS
from kodial.tools.arguments.message import DAY_PARTS, Msg, spans_free
from kodial.tools.arguments.params import shape_rule
from kodial.tools.arguments.results import Found
from kodial.tools.arguments.synonyms import ENUM_SYNONYMS
from kodial.tools.schema import ParamSpec
from kodial.tools.text import chunks, numbers, tokens

_SEARCH_STEMS = ("찾", "검색", "조회")


_BETWEEN_OBJECT_AND_VERB = frozenset({"JKO", "JX", "JKS", "MAG", "MM", "NNB"})
"""Tags skipped between a search verb and its object: particles, adverbs, and 몇 개 (a count
is skipped only as a classifier after 몇, never a number: "3개" is not between)."""


def search_object(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The object of the last search verb (``X 검색해줘``, ``X좀 찾아줘``, ``X 몇 개 찾아줘``):
    the noun phrase right before it, past particles, adverbs and counts."""
    toks = tokens(text)
    verbs = [
        i
        for i, t in enumerate(toks)
        if (t.tag == "VV" and t.form.startswith(_SEARCH_STEMS))
        or (
            t.tag == "NNG"
            and t.form in _SEARCH_STEMS
            and (i + 1 == len(toks) or toks[i + 1].tag in ("XSV", "VV"))
        )
    ]
    if not verbs:
        return None
    i = verbs[-1] - 1
    while i >= 0 and toks[i].tag in _BETWEEN_OBJECT_AND_VERB:
        i -= 1  # 좀, 을, 몇 개
    if i < 0 or toks[i].tag not in ("NNG", "NNP", "SL", "SH", "XSN"):
        return None
    c = next((c for c in chunks(text) if c.start <= toks[i].start < c.end), None)
    # the chunk may run on into the verb noun ("꽃다발 검색"): it ends with the object
    if c is None or not spans_free(c.start, toks[i].end, taken):
        return None
    return (c.start, toks[i].end)


_QUOTATIVE = re.compile(r"(?:(?:이)?라고|다고|냐고|자고|달라고|해달라고)(?=\s|[.,!?]|$)")
_SENTENCE_END = re.compile(r"[.!?\n]")


def quotations(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the words before each quotative (라고, 다고, 달라고 ...) from the start of
    their sentence, less the spaces before it. Read once: a lazy ``(.+?)\\s*`` before the
    quotative read the same spans in time cubic in a run of spaces."""
    pos = scanned = 0
    last_end = -1  # the last sentence end read so far
    for m in _QUOTATIVE.finditer(text):
        if m.start() < pos:
            continue
        gap = m.start()  # the spaces before the quotative start at gap
        while gap > pos and text[gap - 1].isspace():
            gap -= 1
        for t in _SENTENCE_END.finditer(text, scanned, gap):
            last_end = t.start()
        scanned = max(scanned, gap)
        start = max(pos, last_end + 1)
        if start < gap:
            yield (start, gap)
        else:  # nothing but spaces: the words are the first of them that ends no line
            first = next((i for i in range(max(pos, gap), m.start()) if text[i] != "\n"), None)
            if first is None and m.group(0)[0] in "이해달":
                first = m.start()  # the 이 of 이라고, 해 of 해달라고, 달 of 달라고
            if first is None:
                continue
            yield (first, first + 1)
        pos = m.end()


_AFTER_THE_VALUE = re.compile(r"[^,.\n]{0,8},\s*(?=\S)|\s+(?=\S)")


def reported_speech(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """``오늘 늦는다고`` / ``회의 자료 보냈다고`` -> the words said, in their plain form (오늘
    늦는다, 회의 자료 보냈다: a message's content)."""
    for s, e in quotations(text):
        q_end = e
        said = text[q_end:].lstrip()
        ask = re.match(r"(?:해\s*)?달라", said)
        if ask:  # "연락 달라고" -> 연락 달라
            e = q_end + (len(text[q_end:]) - len(said)) + ask.end()
        elif said[:1] in ("다", "냐", "자"):
            e = text.index(said[:1], e) + 1  # 늦는다고 -> 늦는다
        # drop a leading receiver phrase or filler that belongs to the instruction
        head = re.match(
            r"\s*(?:\S+(?:한테|에게|께)\s+)?(?:(?:메시지|메세지|문자)\s*(?:하나|한개)?\s*"
            r"(?:보내|남겨)\S*\s*)?",
            text[s:e],
        )
        if head:
            s += head.end()
        inside = [b for a, b in taken if s <= a < e]
        after = _AFTER_THE_VALUE.match(text, max(inside), e) if inside else None
        if after:
            # "박서연 이름으로, 삼가 고인의 명복을 빕니다 라고": what is said starts after
            # another parameter's value said first (and the words said with it)
            s = after.end()
        if e - s >= 2 and spans_free(s, e, taken):
            return (s, e)
    return None


_PASS_IT_ON = re.compile(r"고\s*(?:(?:꼭|좀|잘|꼭\s*좀)\s*)?(?:전해|전달해|말해|얘기해|말씀해)")


def passed_on(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Words the user asks to be passed on ("어머니가 낯을 많이 가리신다고 꼭 전해 주세요" ->
    어머니가 낯을 많이 가리신다): said outright for a note nobody asked for."""
    span = reported_speech(text, taken)
    return span if span and _PASS_IT_ON.match(text, span[1]) else None


def currency_unit(text: str) -> tuple[int, int] | None:
    """The currency written after an amount (500유로 -> 유로, 50만원 -> 원)."""
    for n in numbers(text):
        if n.unit in ("원", "달러", "불", "유로", "엔", "위안", "파운드"):
            return (n.end - len(n.unit), n.end)
    return None


_CURRENCY_NAME = re.compile(
    r"(?<![가-힣A-Za-z])(?:한국\s?돈|한화|원화|미국\s?달러|달러|유로화?|일본\s?엔화?|엔화|엔|"
    r"중국\s?위안화?|위안화?|영국\s?파운드|파운드|USD|EUR|JPY|CNY|KRW|GBP)"
    r"(?=\s|$|[을를이가은는의와과도에,.?!]|으로|로)"
)


def currency_name(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The currency converted from when no amount carries it: the first currency named and
    not marked as the target with (으)로 ("한국돈 중국 위안으로 바꿀 때" -> 한국돈)."""
    for m in _CURRENCY_NAME.finditer(text):
        if not spans_free(m.start(), m.end(), taken):
            continue
        if re.match(r"\s*(?:으로|로)(?![가-힣])", text[m.end() :]):
            continue
        return m.span()
    return None


def phone_as_described(p: ParamSpec, value: str) -> str:
    """A phone number in the hyphenated form the description shows (``010-0000-0000 형식``),
    however the user spaced it ("010 9931 4420")."""
    if not re.search(r"\d{2,3}-\d{3,4}-\d{4}", p.description):
        return value
    return hyphenated_phone(re.sub(r"\D", "", value)) or value


def hyphenated_phone(digits: str) -> str | None:
    """A phone number's digits in the hyphenated groups Korean numbers are read in
    (01012345678 -> 010-1234-5678, 0212345678 -> 02-1234-5678); None when they are no number."""
    m = re.fullmatch(r"(02|0\d{2})(\d{3,4})(\d{4})", digits)
    return "-".join(m.groups()) if m else None


# --- values in the shape the description shows -------------------------------------------------

_EXAMPLE = re.compile(
    r"(?:예|예시|e\.g\.|ex)\s*[:：)]?\s*([0-9A-Za-z가-힣][0-9A-Za-z가-힣-]*(?: \d[0-9A-Za-z-]*)?)"
)
_MASK = re.compile(r"(?<![\dA-Za-z])(0+(?:-0+)+|0{6,})(?![\dA-Za-z])")


def value_shape(p: ParamSpec) -> tuple[re.Pattern[str], str] | None:
    """The shape of ``p``'s values, from its description: an example with digits (``차량 번호
    (예: 12가3456)``, ``항공편명 (예: KE1203)``), a digit mask (``0000-0000-0000-0000
    형식``) or a place of an administrative division (``예: 동작구``: a word ending in 구): a
    pattern that finds such a value however the user spaces it, and the example it is written
    like. None when the description shows neither (or only a phone number's form,
    which :func:`phone_as_described` reads)."""
    mask = _MASK.search(p.description)
    if mask and not re.fullmatch(r"0\d{1,2}-0{3,4}-0{4}|010-0000-0000", mask.group(1)):
        groups = mask.group(1).split("-")
        body = r"[\s-]?".join(rf"\d{{{len(g)}}}" for g in groups)
        return re.compile(rf"(?<![\d-]){body}(?![\d-])"), mask.group(1)
    for m in _EXAMPLE.finditer(p.description):
        example = m.group(1)
        district = re.fullmatch(r"[가-힣]{2,5}([시군구동읍면])", example)
        if district:
            # "구 이름 (예: 동작구)": a place of the same division, said by its whole name
            suffix = district.group(1)
            particle = r"(?:에서|에는|에|의|은|는|이|가|으로|로|쪽|까지|부터|이요|요)?"
            body = rf"(?<![가-힣])[가-힣]{{2,5}}{suffix}(?={particle}(?![가-힣]))"
            return re.compile(body), example
        brand = re.fullmatch(r"([A-Za-z]{2,})([가-힣]{2,})", example)
        if brand:
            # "극장 지점명 (예: CGV강남)": a chain's letters and a place, as the user spaces them
            particle = r"(?:에서|에는|에|의|은|는|이|가|으로|로|이요|요)?"
            latin = re.escape(brand.group(1))
            body = (
                rf"(?<![A-Za-z])(?i:{latin})\s?(?!{particle}(?![가-힣]))"
                rf"[가-힣]{{2,8}}?(?={particle}(?![가-힣]))"
            )
            return re.compile(body), example
        if not re.search(r"\d", example) or not re.search(r"[A-Za-z가-힣]|-", example):
            continue  # a plain number or a word is no shape of its own
        runs = re.findall(r"\d+|[A-Za-z]+|[가-힣]+|-", example)
        parts = []
        for run in runs:
            if run == "-":
                parts.append("-?")
            elif run.isdigit():
                parts.append(rf"\d{{{max(1, len(run) - 1)},{len(run) + 1}}}")
            elif re.fullmatch(r"[A-Za-z]+", run):
                parts.append(rf"[A-Za-z]{{{len(run)}}}")
            else:
                parts.append(rf"[가-힣]{{{len(run)}}}")
        body = r"\s?".join(parts)
        return re.compile(rf"(?<![\dA-Za-z가-힣-]){body}(?![\dA-Za-z-])"), example
    return None


def as_shaped(value: str, example: str) -> str:
    """``value`` written like ``example``: without the spaces the user put in ("12가 3456" ->
    "12가3456"), in the example's case ("ke1208" -> "KE1208"), and with a mask's hyphens
    ("1010223344556677" -> "1010-2233-4455-6677")."""
    compact = re.sub(r"\s+", "", value)
    if re.fullmatch(r"0+(?:-0+)+", example):
        digits = re.sub(r"\D", "", compact)
        out, pos = [], 0
        for g in example.split("-"):
            out.append(digits[pos : pos + len(g)])
            pos += len(g)
        return "-".join(out)
    if re.search(r"[A-Z]", example) and not re.search(r"[a-z]", example):
        compact = compact.upper()
    if " " in example:
        # "12가 3456": the example's space between its parts, where the value has the same parts
        runs = re.findall(r"\d+|[A-Za-z]+|[가-힣]+|-", compact)
        shape = list(re.finditer(r"\d+|[A-Za-z]+|[가-힣]+|-", example))
        if len(runs) == len(shape):
            gaps = [" " if m.start() and example[m.start() - 1] == " " else "" for m in shape]
            return "".join(g + r for g, r in zip(gaps, runs, strict=True))
    return compact


_LAYOUT_PART = re.compile(r"\\d\{(\d+)\}|\[0-9\]\{(\d+)\}|(\\d|\[0-9\])|(\d)|\\?([-./ ])|\\s")


def _digit_layout(pattern: str) -> list[int | str] | None:
    """A pattern made only of digits and separators as a layout: a number for a run of any
    digits, a one-digit string for a digit the pattern fixes, a separator otherwise
    (``^010-\\d{4}-\\d{4}$`` -> ["0", "1", "0", "-", 4, "-", 4]; ``^\\d{6}$`` -> [6]); None
    for any other pattern."""
    body = pattern.removeprefix("^").removesuffix("$")
    out: list[int | str] = []
    pos = 0
    while pos < len(body):
        m = _LAYOUT_PART.match(body, pos)
        if not m:
            return None
        if m.group(1) or m.group(2):
            out.append(int(m.group(1) or m.group(2)))
        elif m.group(3):
            out.append(1)
        elif m.group(4):
            out.append(m.group(4))
        else:
            out.append(m.group(5) or " ")
        pos = m.end()
    return out if out else None


def _lay_out(digits: str, layout: list[int | str]) -> str | None:
    """``digits`` written in ``layout``; None when their count or a fixed digit differs."""
    need = sum(x if isinstance(x, int) else 1 for x in layout if isinstance(x, int) or x.isdigit())
    if need != len(digits):
        return None
    out, pos = [], 0
    for x in layout:
        if isinstance(x, int):
            out.append(digits[pos : pos + x])
            pos += x
        elif x.isdigit():
            if digits[pos] != x:
                return None
            out.append(x)
            pos += 1
        else:
            out.append(x)
    return "".join(out)


def fit_pattern(value: str, pattern: str, whole: bool = False) -> str | None:
    """``value`` written the way a schema ``pattern`` asks, when only its spacing, case or
    separators differ ("kr 1234" -> "KR1234" for ``^[A-Z]{2}\\d{4}$``, "010 1234 5678" ->
    "010-1234-5678" for ``^\\d{3}-\\d{4}-\\d{4}$``); None when no such writing matches. The
    characters the user said are kept; nothing is added but separators. ``whole``: the
    pattern must match the whole writing (finding a value in a sentence), not a part of it
    (JSON Schema's rule, for checking a value)."""
    try:
        rule = re.compile(pattern)
    except re.error:
        return None
    compact = re.sub(r"\s+", "", value)
    candidates = [value, value.strip(), compact, compact.upper(), compact.lower()]
    if re.search(r"[A-Za-z]", value):  # "KR-1234" for KR1234; never "3-1" or "1.5" as digits
        unhyphened = re.sub(r"[\s-]", "", value)
        candidates += [unhyphened, unhyphened.upper(), unhyphened.lower()]
    # digits a pattern lays out in groups (\d{3}-\d{4}-\d{4}, 010-\d{4}-\d{4}): the user's
    # digits in that layout, when they say exactly as many (six at least, so a decimal is
    # never one) and the pattern's own digits agree
    layout = _digit_layout(pattern)
    digits = re.sub(r"\D", "", value)
    # one dot is a decimal point (1234.56 is no code); dots between groups are separators
    decimal = value.count(".") == 1
    if (
        layout
        and (not decimal or "." in layout)
        and re.fullmatch(r"[\d\s./-]+", value)
        and len(digits) >= 6
    ):
        written = _lay_out(digits, layout)
        if written:
            candidates.append(written)
    phone = hyphenated_phone(digits) if re.fullmatch(r"[\d\s.-]+", value) else None
    if phone:
        # a phone number spaced its own way, for a pattern whose groups vary (^01[016789]-
        # \d{3,4}-\d{4}$): written in the hyphenated groups Korean numbers are read in
        candidates.append(phone)
    test = rule.fullmatch if whole else rule.search
    return next((c for c in candidates if c and test(c)), None)


_CHUNK = re.compile(r"[0-9A-Za-z]+(?:[-./][0-9A-Za-z]+)*")


def _digits_go_on(text: str, chunks: list[re.Match[str]], i: int, j: int) -> bool:
    """Whether chunks i..j are digits that an adjacent run of digits continues."""
    joined = r"\s?-?\s?"
    before = i > 0 and re.fullmatch(joined, text[chunks[i - 1].end() : chunks[i].start()])
    after = j + 1 < len(chunks) and re.fullmatch(
        joined, text[chunks[j].end() : chunks[j + 1].start()]
    )
    return bool(
        (before and chunks[i - 1].group(0).isdigit() and chunks[i].group(0).isdigit())
        or (after and chunks[j + 1].group(0).isdigit() and chunks[j].group(0).isdigit())
    )


def pattern_span(
    text: str, pattern: str, free: Callable[[int, int], bool]
) -> tuple[int, int] | None:
    """Where ``text`` says a value of a schema ``pattern``, however the user spaced or cased
    it ("kr 2231" for ``^[A-Z]{2}\\d{4}$``, "010 2345 6789" for ``^\\d{3}-\\d{4}-\\d{4}$``):
    the longest run of up to four Latin/digit chunks, apart by a space or a hyphen, that
    :func:`fit_pattern` writes to match the pattern whole and that ``free`` allows. None for a
    pattern that admits words (it says nothing of a value's shape)."""
    if shape_rule(pattern) is None:
        return None
    chunks = list(_CHUNK.finditer(text))
    best: tuple[int, int] | None = None
    for i, first in enumerate(chunks):
        for j in range(i, min(i + 4, len(chunks))):
            if j > i and not re.fullmatch(
                r"\s?-?\s?", text[chunks[j - 1].end() : chunks[j].start()]
            ):
                break
            span = (first.start(), chunks[j].end())
            if best is not None and span[1] - span[0] <= best[1] - best[0]:
                continue
            if _digits_go_on(text, chunks, i, j):
                continue  # "12 34" of "12 34 56" is part of a longer number
            if fit_pattern(text[span[0] : span[1]], pattern, whole=True) and free(*span):
                best = span
    return best


# --- codes the description glosses -----------------------------------------------------------

_CODE_GLOSS = re.compile(r"([가-힣]{2,6})\s*[:=]?\s*\(?([A-Z][A-Z0-9]{1,3})\)?(?![A-Za-z0-9])")


def coded_value(p: ParamSpec, value: str) -> str:
    """``value`` as the code the description pairs with it ("출발 공항 IATA 코드 (예: 김포 GMP,
    제주 CJU)": 김포 -> GMP, 제주공항 -> CJU); unchanged when the description pairs none."""
    pairs = {name: code for name, code in _CODE_GLOSS.findall(p.description)}
    if len(pairs) < 2:
        return value
    said = re.sub(r"\s+", "", value)
    for name, code in pairs.items():
        if said == name or re.fullmatch(rf"{re.escape(name)}(?:국제)?(?:공항|역|항|터미널)?", said):
            return code
    return value


_TASK = re.compile(  # from a word's start (from inside a long one it was quadratic)
    r"(?<![가-힣A-Za-z0-9])([가-힣A-Za-z0-9]+(?:\s+[가-힣A-Za-z0-9]+){0,5}?기)(?:도|를|을|로)?\s*"
    r"(?:추가|넣어|넣|등록|적어|써|저장)"
)


def task_phrase(masked: str) -> tuple[int, int] | None:
    """A to-do said as a nominalised verb phrase before the verb that adds it ("단어 50개
    외우기 추가해줘", "문제집 풀기도 넣어줘"): its span (the values other readers took are
    blanked in ``masked``, so a subject or a date before it is not part of it)."""
    m = _TASK.search(masked)
    if m is None:
        return None
    start, end = m.span(1)
    # a particle left after a value another reader took ("모레까지" -> "까지") is not the task's
    lead = re.match(r"(?:(?:까지|부터|에서|에|은|는|도)\s+)+", masked[start:end])
    return (start + lead.end(), end) if lead else (start, end)


# --- words the date parser would take: parts of the day, days of the month, car plates -------


def when_enum(p: ParamSpec) -> bool:
    """An enum whose every allowed value is a part of the day or a weekday (오전/오후, 월..금),
    or all but one (아침/점심/저녁/간식, the meals), or one of whose values is named by one
    (오후권, 야간권, 주말반): the date parser would take its words for a time."""
    opts = [str(o) for o in p.enum]
    timed = sum(
        o in DAY_PARTS
        or (o[:1] in WEEKDAYS and o in (o[:1], f"{o[:1]}요일"))
        or bool(DAY_PARTS.intersection(ENUM_SYNONYMS.get(o, ())))  # 석식 (저녁)
        for o in opts
    )
    return bool(opts) and (
        timed == len(opts)
        or (timed >= 2 and timed == len(opts) - 1)
        or any(_NAMED_BY_A_TIME.match(o) for o in opts)
    )


_NAMED_BY_A_TIME = re.compile(r"(?:오전|오후|아침|점심|저녁|야간|주간|새벽|주말|평일)[가-힣]")


_DAY_OF_MONTH = re.compile(
    r"(?<![\d.:/-])(?:(?:매달|매월|달마다)\s*)?([1-9]|[12]\d|3[01])\s*일(?=$|[^가-힣]|에|로|마다|이요|요)"
)
_DAY_PARAM = re.compile(
    r"(?:결제|납부|이체|출금|지급|급여|청구|정산|마감)일|매[월달]|day of (?:the )?month"
)


def days_of_month(params: list[ParamSpec], msg: Msg, out: dict[str, Found], source: str) -> None:
    """An integer day of the month ("매월 결제일(1-28)") from "매달 25일에"."""
    for p in params:
        if p.type != "integer" or p.name in out or not _DAY_PARAM.search(p.description):
            continue
        m = _DAY_OF_MONTH.search(msg.masked)
        if m and not re.search(r"\d\s*월\s*$", msg.masked[: m.start()]):
            out[p.name] = Found(int(m.group(1)), source, m.group(0))
            msg.take(*m.span())


_PLATE = re.compile(r"(?<![\d가-힣])\d{2,3}\s?[가-힣]\s?\d{4}(?!\d)")
_PLATE_PARAM = re.compile(r"차량\s*번호|차\s*번호|번호판|plate", re.IGNORECASE)


def plates(params: list[ParamSpec], msg: Msg, out: dict[str, Found], source: str) -> None:
    """A car's plate ("12가 3456", "345나6789") for a parameter described as one."""
    for p in params:
        if p.name in out or not _PLATE_PARAM.search(f"{p.name} {p.description}"):
            continue
        if re.search(r"예\s*[:)]?\s*\S*\d", p.description):
            continue  # "번호판 (예: 34나5678)": read and written in the example's shape elsewhere
        m = _PLATE.search(msg.masked)
        if m:
            out[p.name] = Found(m.group(0), source, m.group(0))
            msg.take(*m.span())


_SINO_DIGITS = {"공": "0", "영": "0", "일": "1", "이": "2", "삼": "3", "사": "4", "오": "5"}
_SINO_DIGITS.update({"육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9"})


def spelled_digits(text: str, pattern: str) -> tuple[str, tuple[int, int]] | None:
    """Digits said one by one in Sino-Korean ("공육이삼육" -> 06236), laid out as a digits-only
    ``pattern`` asks; only a run exactly as long as the pattern's digits (Korean words are made
    of these syllables too: 이사, 오이), and None for a pattern that fixes digits or has letters."""
    layout = _digit_layout(pattern)
    if not layout or any(isinstance(x, str) and x.isdigit() for x in layout):
        return None
    need = sum(x for x in layout if isinstance(x, int))
    runs: list[tuple[str, tuple[int, int]]] = []
    for m in re.finditer(r"[공영일이삼사오육륙칠팔구](?:\s?[공영일이삼사오육륙칠팔구])*", text):
        said = re.sub(r"\s", "", m.group(0))
        if len(said) == need + 1 and said.endswith("이") and re.match(r"요|에요", text[m.end() :]):
            said = said[:-1]  # "공육이삼육이요": the 이 of 이요 is the ending's
        if len(said) == need:
            runs.append((said, m.span()))
    if len(runs) != 1:
        return None
    digits = "".join(_SINO_DIGITS[ch] for ch in runs[0][0])
    written = _lay_out(digits, layout)
    return (written, runs[0][1]) if written else None


def spelled_phone(text: str) -> tuple[str, tuple[int, int]] | None:
    """A phone number said digit by digit in Sino-Korean ("공일공 팔팔공일 이삼사오요" ->
    010-8801-2345), in the hyphenated groups Korean numbers are read in; None unless exactly
    one run of ten or eleven such digits, starting with 공 or 영, is said."""
    runs = []
    for m in re.finditer(r"[공영일이삼사오육륙칠팔구](?:\s?[공영일이삼사오육륙칠팔구])*", text):
        said = re.sub(r"\s", "", m.group(0))
        readings = [(said, m.end())]
        if said.endswith("이") and re.match(r"요|에요", text[m.end() :]):
            readings.append((said[:-1], m.end() - 1))  # (the 이 of 이요 may be the ending's)
        for digits_said, end in readings:
            digits = "".join(_SINO_DIGITS[ch] for ch in digits_said)
            if _KOREAN_PHONE.fullmatch(digits):
                runs.append((digits, (m.start(), end)))
                break
    if len(runs) != 1:
        return None
    phone = hyphenated_phone(runs[0][0])
    return (phone, runs[0][1]) if phone else None


_KOREAN_PHONE = re.compile(r"010\d{8}|01[16789]\d{7,8}|02\d{7,8}|0[3-6][1-5]\d{7,8}|070\d{8}")
"""The digits of a Korean phone number: a mobile (010 with eight more), Seoul's 02, another
area's code, or an internet phone's 070 (a coupon's 001 is none)."""
