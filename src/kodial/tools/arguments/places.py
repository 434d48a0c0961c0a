"""Where a value is: a place said before a noun of relative position (분당 근처, 북한산 쪽으로),
a place relative to the speaker (여기 근처), street addresses, and the noun phrase a parameter's
role marks with its particle (X에서 for where from, X까지 for where to, X한테 for whom)."""

from __future__ import annotations

import re
from collections.abc import Callable

from kodial.tools.arguments.message import TIME_WORDS_SKIP, Msg, spans_free
from kodial.tools.arguments.params import (
    PARTICLE_ROLES,
    has_any,
    has_whole_word,
    is_code_param,
    param_head,
    param_kind,
    words_of,
)
from kodial.tools.arguments.people import is_relation
from kodial.tools.schema import ParamSpec
from kodial.tools.text import chunks, has_proper_noun, tokens

_PERSON = re.compile(r"사람|수신자|이름|대상자|상대방?|친구|분(?![가-힣])")
"""Words of a description that name a person."""


DEICTIC_PLACES = frozenset(
    {"근처", "주변", "근방", "여기", "이근처", "이주변", "여기근처", "내주변", "내위치", "현재위치"}
)
"""Places said relative to the speaker: not a place a tool can look up."""


POSITION_NOUNS = frozenset(
    {"근처", "주변", "부근", "인근", "근방", "일대", "쪽", "방면", "방향", "편"}
)
"""Nouns of relative position said after a place (강남쪽, 역 근처, 오이도 방면): the closed class
of Korean nouns that locate something by another place."""


def without_position_noun(value: str) -> str:
    """``value`` without a trailing noun of relative position (Kiwi morphemes: 강남/NNP 쪽/NNB),
    when a place is left before it."""
    toks = tokens(value)
    if len(toks) < 2 or toks[-1].form not in POSITION_NOUNS or toks[-1].tag not in ("NNG", "NNB"):
        return value
    if toks[-2].tag not in ("NNP", "NNG", "SL", "SN", "XSN"):
        return value
    return value[: toks[-1].start].strip()


PLACE_WORDS = (
    "지역",
    "장소",
    "여행지",
    "목적지",
    "위치",
    "동네",
    "region",
    "area",
    "location",
    "destination",
    "place",
)
_PLACE_NEAR = re.compile(
    r"(?<![가-힣A-Za-z0-9])([가-힣A-Za-z0-9]{2,10}?)\s*(?:"
    + "|".join(sorted(POSITION_NOUNS, key=len, reverse=True))
    + r")(?P<particle>에서부터|에서|에|으로|로|까지|이면|이요|요)?(?![가-힣])"
)
CITIES = frozenset(
    [
        "서울",
        "부산",
        "대구",
        "인천",
        "광주",
        "대전",
        "울산",
        "세종",
        "경기",
        "강원",
        "충북",
        "충남",
        "전북",
        "전남",
        "경북",
        "경남",
        "제주",
        "수원",
        "성남",
        "고양",
        "용인",
        "부천",
        "안산",
        "안양",
        "남양주",
        "화성",
        "평택",
        "의정부",
        "시흥",
        "파주",
        "김포",
        "광명",
        "하남",
        "구리",
        "군포",
        "오산",
        "이천",
        "청주",
        "천안",
        "아산",
        "전주",
        "익산",
        "군산",
        "포항",
        "경주",
        "구미",
        "창원",
        "김해",
        "진주",
        "양산",
        "거제",
        "원주",
        "춘천",
        "강릉",
        "속초",
        "여수",
        "순천",
        "목포",
        "서귀포",
    ]
)
"""Cities and provinces said before a district (수원 영통구, 부산 해운대)."""
NOT_PLACES_NEAR = frozenset(
    {"어디", "여기", "거기", "저기", "이", "그", "집", "우리", "회사", "학교"}
)


def place_near(msg: Msg, skip: set[str]) -> tuple[tuple[int, int], str] | None:
    """A place said before a noun of relative position (분당 근처, 북한산 쪽으로) and the
    particle after it: the place a search is near; not 어디 근처 or 집 근처, which only the
    user knows."""
    for m in _PLACE_NEAR.finditer(msg.masked):
        word = m.group(1)
        if word in NOT_PLACES_NEAR or word.lower() in skip or not msg.free(*m.span(1)):
            continue
        if any(t.tag.startswith(("V", "E", "J", "M")) for t in tokens(word)):
            continue
        start = m.start(1)
        wider = re.search(r"(?<![가-힣A-Za-z0-9])([가-힣]{2,4})\s+$", msg.masked[:start])
        if (
            wider
            and msg.free(*wider.span(1))
            and (wider.group(1) in CITIES or re.fullmatch(r"[가-힣]{1,3}(?:시|도)", wider.group(1)))
        ):
            start = wider.start(1)  # "수원 영통구 쪽", "부산 해운대 쪽": the city with it
        return (start, m.end(1)), m.group(2) or ""
    return None


_AREA_WORDS = frozenset({"지역", "동네", "시군구", "region", "area", "district", "city"})
_ADMIN_END = re.compile(r"(?:시|군|구|읍|면|동|도)$")


def is_area(p: ParamSpec) -> bool:
    """Whether ``p`` names an area one lives in or a thing is in (거주 지역, 지역 (시/구))."""
    return has_any(words_of(p), tuple(_AREA_WORDS)) and not is_address(p)


def area_said(text: str, free: Callable[[int, int], bool]) -> tuple[int, int] | None:
    """A run of proper nouns that names an area: ending in an administrative unit (인천
    부평구, 충남 공주시 계룡면) or said as where one lives (전북 전주 살아, 대전에 살고)."""
    toks = tokens(text)
    i = 0
    while i < len(toks):
        if toks[i].tag != "NNP":
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and toks[j + 1].tag == "NNP" and toks[j + 1].start > toks[j].start:
            j += 1
        start, end = toks[i].start, toks[j].start + len(toks[j].form)
        after = toks[j + 1 : j + 3]
        lives = any(t.tag == "VV" and t.form == "살" for t in after) or any(
            t.form == "거주" for t in after
        )
        if (
            text[start:end] == " ".join(t.form for t in toks[i : j + 1])
            and (lives or (j > i and _ADMIN_END.search(toks[j].form)))
            and free(start, end)
        ):
            return start, end
        i = j + 1
    return None


_ATTENDED_PARAM = re.compile(r"학교|회사|직장|학원|school|company|employer", re.I)
_ATTENDS = re.compile(
    r"([가-힣A-Za-z0-9]{2,12}?)(?:에|을|를)?\s*다니(?:는|고|며|면서|어요|는데|거든)"
)


_NOT_ATTENDED = re.compile(
    r"(?:병원|의원|치과|한의원|교회|성당|절|헬스장|헬스|수영장|필라테스|요가|도서관)$"
)
_SCHOOL_END = re.compile(r"(?:학교|대학|대|고|중|초|고등학교|중학교|초등학교|원)$")


def where_one_attends(
    p: ParamSpec, text: str, free: Callable[[int, int], bool]
) -> tuple[int, int] | None:
    """The school or workplace ``p`` names said as where one goes ("전북대 다니는 서하은이고")."""
    if not _ATTENDED_PARAM.search(f"{p.name} {p.description}"):
        return None
    school = re.search(r"학교|school", f"{p.name} {p.description}", re.I) is not None
    for m in _ATTENDS.finditer(text):
        said = m.group(1)
        if not free(*m.span(1)) or _NOT_ATTENDED.search(said):
            continue  # "병원 다니는 중이라", "교회 다니는": no school or workplace
        if school and not _SCHOOL_END.search(said):
            continue
        return m.span(1)
    return None


def area_or_attended(
    p: ParamSpec, text: str, free: Callable[[int, int], bool]
) -> tuple[int, int] | None:
    """Where one lives, for an area (:func:`area_said`), or the school or workplace one goes
    to (:func:`where_one_attends`)."""
    if param_kind(p) != "string":
        return None
    return area_said(text, free) if is_area(p) else where_one_attends(p, text, free)


def is_address(p: ParamSpec) -> bool:
    """Whether ``p`` holds a street address (배송 주소, address)."""
    return param_head(p) in ("주소", "address") or has_any(words_of(p), ("주소", "address"))


def only_an_address(p: ParamSpec) -> bool:
    """Whether ``p`` takes a street address and no other way of naming a place (역 이름)."""
    return param_head(p) in ("주소", "address") and not _OTHER_PLACES.search(p.description)


_OTHER_PLACES = re.compile(r"역|장소|위치|지역|이름|place|location|station", re.IGNORECASE)


def _listed_with_a_place(before: str) -> bool:
    """Whether what is said right before ends naming another place with 이랑/와/하고 ("부산이랑
    경주 가려고": two places, not one), not a companion ("가족이랑 제주도 가려고")."""
    m = re.search(r"([가-힣]+?)(?:이랑|랑|와|과|하고|,)\s*$", before)
    return m is not None and has_proper_noun(m.group(1)) and not is_relation(m.group(1))


def by_particle(
    text: str, p: ParamSpec, taken: list[tuple[int, int]], original: str | None = None
) -> tuple[int, int] | None:
    """A noun phrase followed by the particle the parameter's role implies (``text`` has the
    values other readers took blanked out; ``original`` is the message as written)."""
    # "to" described as 받는 사람 is whom a message goes to (X에게), not where a trip ends
    # (X까지): a person the description names is a recipient whatever the name says (받는
    # 계좌번호 is not a person: an account is sent to with 로)
    words = words_of(p)
    if _PERSON.search(p.description) and has_whole_word(p.description, PARTICLE_ROLES[2][0]):
        words = p.description
    index = next(
        (
            i
            for i, (role_words, _) in enumerate(PARTICLE_ROLES)
            if has_whole_word(words, role_words)
        ),
        None,
    )
    if index is None:
        return None
    role = PARTICLE_ROLES[index][1]
    if index == 2:  # "김민지 앞으로 택배": addressed to a person
        to = re.search(r"(?<![가-힣])([가-힣]{2,4})(?:님|씨)?\s+앞으로(?![가-힣])", text)
        if to and spans_free(*to.span(1), taken):
            return to.span(1)
    if index in (0, 1):  # "A와 B 사이", "A랑 B 사이": A is where it starts, B where it ends
        between = re.search(
            r"(\S+?)(?:와|과|이랑|랑|하고)\s+(\S+?)(?:\s*사이|\s*간)", original or text
        )
        if between:
            g = between.span(index + 1)
            if spans_free(g[0], g[1], taken):
                return g
    for c in chunks(text):
        if not spans_free(c.start, c.end, taken):
            continue
        tail = text[c.end : c.end + 5]
        if (
            index == 1
            and re.search(r"[^\s](?:에서부터|에서|부터)\s+$", (original or text)[: c.start])
            and re.match(r"\s*(?:이요|요|이에요|예요|입니다|이고|$)", text[c.end :])
        ):
            return (c.start, c.end)  # "A에서 B요": where it ends, right after where it starts
        if (
            re.match(role, tail)
            and not re.match(r"(?:로\s*된|으로\s*된)", tail)
            # "제주도 가려고" (not "다낭 패키지 가려고"): one place said before 가다
            and not (
                re.match(r"\s+가", tail)
                and (
                    " " in c.text.strip()
                    or not has_proper_noun(c.text)
                    or _listed_with_a_place(text[: c.start])
                )
            )
        ):
            if not [f for f in c.forms if f not in TIME_WORDS_SKIP]:
                continue
            if c.text.strip() in TIME_WORDS_SKIP:
                continue
            return (c.start, c.end)
    return None


def near_place_param(
    params: list[ParamSpec], msg: Msg, skip: set[str]
) -> tuple[ParamSpec, tuple[int, int]] | None:
    """The place parameter a place said before a noun of relative position fills ("분당
    근처에", "북한산 쪽으로"), optional ones too, and where it was said: of several, the one its
    particle says (포항 쪽에서 for where from); none when the particle says the other end
    (강남역 근처에서 is where from, never the 목적지 asked)."""
    places = [
        q
        for q in params
        if has_whole_word(words_of(q), PLACE_WORDS)
        and param_kind(q) == "string"
        and not is_code_param(q)
        and not only_an_address(q)
    ]
    near = place_near(msg, skip) if places else None
    if near is None:
        return None
    span, particle = near
    roles = [i for i, (_, marks) in enumerate(PARTICLE_ROLES[:2]) if re.fullmatch(marks, particle)]
    if len(places) > 1:
        places = [
            q for q in places if roles and has_whole_word(words_of(q), PARTICLE_ROLES[roles[0]][0])
        ]
    elif roles and has_whole_word(words_of(places[0]), PARTICLE_ROLES[1 - roles[0]][0]):
        return None
    return (places[0], span) if len(places) == 1 else None
