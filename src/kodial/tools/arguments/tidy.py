"""Values read as they are meant, after the conversation was read: a relation (엄마) or a
common noun is no one's name, a value is written as its description asks ('역' 제외), a
booking is for a day to come, and a unit left over from a number ("키로로") is no value."""

from __future__ import annotations

import re
from datetime import datetime

from kodial.korean.datetimes import parse_datetime
from kodial.korean.loanwords import skeleton, sounds_like
from kodial.tools.acts import tool_act
from kodial.tools.arguments.kinds import fit_pattern
from kodial.tools.arguments.params import param_head, param_kind, words_of
from kodial.tools.arguments.people import (
    is_person_name,
    is_relation,
    looks_like_person_name,
    not_a_name,
    sends_to_contacts,
    the_name_said,
)
from kodial.tools.arguments.results import Filling, Found
from kodial.tools.schema import ToolSpec, validate_arguments
from kodial.tools.text import COUNTER_UNITS, content_words, split_identifier, tokens


def people_as_they_are(filling: Filling) -> None:
    """What a message says about people, read as they are: "엄마" is who a person is, not the
    person's name, so it never fills a person's name (받는 분 이름, 어르신 성함) except the
    recipient of a message or a transfer (a contact may be saved as 엄마 or 죠르디); a common
    noun ("등급", "박스") is no one's name either, outside those; and "엄마 혈압약" is the 혈압약 a medicine's name
    wants."""
    tool = filling.tool
    sends = sends_to_contacts(tool)
    for p in tool.params:
        f = filling.found.get(p.name)
        if f is None or not isinstance(f.value, str):
            continue
        if is_person_name(p):
            said = f.source in ("message", "history", "answer")
            name = the_name_said(f.value.strip()) if said else f.value
            titled = name != f.value  # "지수 원장님": the title says 지수 is a name
            if titled:
                f = filling.found[p.name] = Found(name, f.source, f.text, f.strong)
            said = f.source in ("message", "history")  # a bare answer to "성함은요?" is a name
            if not sends and (
                is_relation(f.value) or (said and not titled and not_a_name(f.value))
            ):
                del filling.found[p.name]
        elif param_kind(p) == "string" and not p.enum:
            first, _, rest = f.value.partition(" ")
            if rest.strip() and is_relation(first):
                filling.found[p.name] = Found(rest.strip(), f.source, f.text, f.strong)
    for p in tool.params:  # "저 최민호, 아버지 최영수" for a list of names: the names
        f = filling.found.get(p.name)
        if f is None or p.type != "array" or not isinstance(f.value, list):
            continue
        if not re.search(r"이름|성함|name", f"{p.description} {p.name}", re.IGNORECASE):
            continue
        names = [_name_without_who(v) for v in f.value]
        if names != f.value:
            filling.found[p.name] = Found(names, f.source, f.text, f.strong)


def _name_without_who(value: object) -> object:
    """A name said after who the person is to the speaker (저 최민호, 아버지 최영수): the name."""
    if not isinstance(value, str):
        return value
    first, _, rest = value.strip().partition(" ")
    rest = rest.strip()
    if (
        rest
        and looks_like_person_name(rest)
        and (first in ("저", "제", "나") or is_relation(first))
    ):
        return rest
    return value


_EXCLUDED_END = re.compile(
    r"['\"‘“]([가-힣A-Za-z]{1,3})['\"’”]\s*(?:은|는)?\s*(?:제외|빼고|없이|생략)"
)
"""A description saying how a value is written: "역 이름 ('역' 제외)"."""


def without_excluded_ends(filling: Filling) -> None:
    """A value written as its description asks: "강남역" for "출발역 이름 ('역' 제외)" is 강남."""
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        m = _EXCLUDED_END.search(p.description)
        if f is None or m is None or not isinstance(f.value, str) or p.enum:
            continue
        end = m.group(1)
        value = f.value.strip()
        if value.endswith(end) and len(value) > len(end):
            filling.found[p.name] = Found(value[: -len(end)].strip(), f.source, f.text, f.strong)


_BOOKS = re.compile(r"^(?:book|reserve|schedule)(?:_|[A-Z]|$)|예약")


_PAST_DAY = re.compile(
    r"생년월일|생일|출생|birth|dob|구매|구입|발급|가입|발생|사고|분실|증상|입사|개업|purchase|issue"
)
"""Words of a date parameter whose day has passed by nature (a birthday, a purchase)."""


def no_booking_in_the_past(filling: Filling, now: datetime) -> None:
    """A booking is for a day to come: a day the user says that has passed ("어제 감기약
    먹었는데 헌혈해도 되나?" after a donation booking) is not the booking's day."""
    tool = filling.tool
    if tool_act(tool) != "create" or not _BOOKS.search(f"{tool.name} {tool.description}"):
        return
    for p in tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "history") or param_kind(p) != "date":
            continue
        if _PAST_DAY.search(words_of(p)):
            continue  # the booking's other days: whose birthday, when it was bought
        r = parse_datetime(f.text, now)
        if r.date is not None and r.date < now.date():
            del filling.found[p.name]


_UNIT_WORDS = frozenset(
    [
        "키로",
        "킬로",
        "킬로미터",
        "킬로그램",
        "미터",
        "센티",
        "센티미터",
        "프로",
        "퍼센트",
        "시간",
        "분",
        "초",
        "개",
        "명",
        "번",
        "회",
        "장",
        "권",
        "대",
    ]
)
_PARTICLE_END = re.compile(r"(?:으로|로|요|이요|에|은|는|이|가|을|를)$")


_PRICED = re.compile(
    r"[\d,.]+(?:\s*[억만천백]\s*[\d,.]*)*\s*(?:원|달러|유로|엔)\s*짜리(?:로|으로|요)?"
)


def no_unit_leftovers(filling: Filling) -> None:
    """What is left of a number said with its unit ("10키로로" read as 10K) is no string value:
    "키로로" is the unit and its particle, not a race's name."""
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "history") or not isinstance(f.value, str):
            continue
        if p.enum or param_kind(p) not in ("string", "text"):
            continue
        word = f.value.strip()
        if word in _UNIT_WORDS or _PARTICLE_END.sub("", word) in _UNIT_WORDS:
            del filling.found[p.name]
        elif _PRICED.fullmatch(word):
            # "8만9천원짜리로": the one at that price, picked from a list, not a name
            del filling.found[p.name]


_LONE_PARTICLE = re.compile(r"\s+(?:으로|로|이라고|라고|이라는|라는)$")


def text_without_a_lone_particle(filling: Filling) -> None:
    """A text said before its particle, apart ("엄마 생신 축하해요 로 써주세요"): the particle
    is how it was said, not part of it."""
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or not isinstance(f.value, str) or param_kind(p) != "text":
            continue
        value = _LONE_PARTICLE.sub("", f.value.rstrip())
        if value and value != f.value:
            filling.found[p.name] = Found(value, f.source, f.text, f.strong)


def without_copula(filling: Filling) -> None:
    """A value said with the copula that joins it to the next one ("수원 영통구고 디젤이에요",
    "서울역이고"): the value is what comes before 이고."""
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "history") or not isinstance(f.value, str):
            continue
        if p.enum or param_kind(p) != "string":
            continue
        toks = tokens(f.value)
        if len(toks) < 2 or toks[-1].tag != "EC" or not toks[-1].form.startswith("고"):
            continue
        cut = toks[-2].start if toks[-2].tag == "VCP" else toks[-1].start
        before = [t for t in toks if t.start < cut]
        if before and before[-1].tag.startswith(("NN", "NR", "SL", "SN")):
            value = f.value[:cut].strip()
            if value:
                filling.found[p.name] = Found(value, f.source, f.text, f.strong)


_AREA_WORDS = re.compile(r"지역|동네|area|region|neighborhood")
"""An area searched in (성수동), not a place gone to (김포 공항, 서울 시청)."""
_PLACE_NOUNS = re.compile(
    r"공항|시청|구청|터미널|역|입구|광장|공원|병원|센터|타워|시장|거리|골목|해변|해수욕장|항|"
    r"대학교?|학교|캠퍼스|단지|호텔|빌딩|아파트|마을|섬|산|강|호수|궁|사|성당|교회|점"
)
"""Nouns that end a place's name (김포 공항, 부산 터미널): part of the place, never cut."""


def place_without_what_is_sought(filling: Filling) -> None:
    """A place is the proper names that begin the phrase: "성수동 파스타" for an area is 성수동
    (the pasta is what is sought there), "부산 해운대" stays whole. Only a word of common
    nouns after one or more words of proper names is cut."""
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or not isinstance(f.value, str) or param_kind(p) != "string" or p.enum:
            continue
        if not _AREA_WORDS.search(f"{p.name} {p.description}".lower()):
            continue
        words = f.value.split()
        if len(words) < 2:
            continue
        tags = [[t.tag for t in tokens(w)] for w in words]
        cut = next(
            (
                i
                for i, ts in enumerate(tags)
                if i and ts and all(t == "NNG" for t in ts) and not _PLACE_NOUNS.search(words[i])
            ),
            None,
        )
        if cut and all(ts and all(t == "NNP" for t in ts) for ts in tags[:cut]):
            value = " ".join(words[:cut])
            filling.found[p.name] = Found(value, f.source, f.text, f.strong)


_NAME_HEADS = re.compile(r"(?:이름|명|name)$")


def name_without_what_the_tool_is_about(filling: Filling) -> None:
    """A name is the proper names said before the tool's own thing: "성시경 콘서트" for the
    artist of a concert-schedule tool is 성시경 (콘서트 says what is looked up, in Hangul for
    the tool's ``concert``); a word of the parameter's own description stays (강남 지점 for 지점명)."""
    tool = filling.tool
    about = set(content_words(tool.description)) | set(split_identifier(tool.name))
    english = [w for w in about if re.fullmatch(r"[a-z]{3,}", w)]
    for p in tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "history") or not isinstance(f.value, str):
            continue
        if p.enum or param_kind(p) != "string" or not _NAME_HEADS.search(param_head(p)):
            continue
        words = f.value.split()
        if len(words) < 2 or words[-1] in p.description:
            continue
        last = words[-1]
        said_of_tool = last in about or (
            len(skeleton(last)) >= 4 and any(sounds_like(last, w) for w in english)
        )
        tags = [[t.tag for t in tokens(w)] for w in words]
        if (
            said_of_tool
            and all(t == "NNG" for t in tags[-1])
            and all(ts and all(t == "NNP" for t in ts) for ts in tags[:-1])
        ):
            filling.found[p.name] = Found(" ".join(words[:-1]), f.source, f.text, f.strong)


def only_what_the_schema_allows(filling: Filling) -> None:
    """Never send a value the schema refuses: a string its ``pattern`` refuses is first
    written the way the pattern asks when only spacing, case or separators differ ("kr 1234"
    -> KR1234 for ``^[A-Z]{2}\\d{4}$``); a value still refused is dropped (the parameter
    becomes missing, so it is asked for) and the reason kept in ``filling.problems``."""
    tool = filling.tool
    for p in tool.params:
        f = filling.found.get(p.name)
        if f is None:
            continue
        if p.pattern and isinstance(f.value, str):
            fitted = fit_pattern(f.value, p.pattern)
            if fitted is not None:
                f.value = fitted
        problems = validate_arguments(ToolSpec(tool.name, params=(p,)), {p.name: f.value})
        problems = [x for x in problems if not x.endswith("required")]
        if problems:
            filling.problems.extend(problems)
            if f.source in ("message", "answer"):
                filling.refused.append(p.name)
            del filling.found[p.name]


_COUNT = (
    r"(?:\d+|한|두|세|네|다섯)\s*(?:박|"
    + "|".join(sorted(COUNTER_UNITS, key=len, reverse=True))
    + r")"
)
_LEADING_COUNT = re.compile(_COUNT + r"\s+(?=\S)")
"""A number with a counter at the start of a span (2박, 두 명), then more words."""
_TRAILING_COUNT = re.compile(r"(?<=\S)\s+" + _COUNT + r"$")
"""A number with a counter at the end of a span, after the words it follows (오사카 2박)."""


def without_counts(value: str) -> tuple[str, bool]:
    """``value`` without a count said before it ("2박 해운대", "두 명 강남") and the part from a
    count said after it ("오사카 2박 3일"), and whether the end was cut."""
    lead = _LEADING_COUNT.match(value)
    if lead:
        value = value[lead.end() :]
    trail = _TRAILING_COUNT.search(value)
    return (value[: trail.start()], True) if trail else (value, False)
