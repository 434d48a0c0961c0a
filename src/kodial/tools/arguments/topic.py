"""The noun phrase a request is about (지금 춘천 날씨 -> 춘천; 민호 돌잔치 날짜 -> 민호 돌잔치): the
guess from position that fills a string parameter no words named, read past tool words, time
words, kinds of things (다른 나라) and counts (1박)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kodial.tools.arguments.message import (
    DAY_PARTS,
    TIME_WORDS_SKIP,
    spans_free,
    words_of_tool,
)
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import COUNTER_UNITS, chunks, numbers, rx, strip_ending, tokens

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


def _skip_mask(text: str, skip: set[str]) -> list[bool]:
    """Per character: inside an occurrence of a skip word of two or more syllables (so that
    "스마트워치" is skipped even when the analyser splits it into 스마트 + 워치)."""
    mask = [False] * len(text)
    low = text.lower()
    for w in skip:
        if len(w) < 2:
            continue
        for m in rx(re.escape(w)).finditer(low):
            for i in range(m.start(), m.end()):
                mask[i] = True
    return mask


_HEDGES = frozenset(
    {"정도", "쯤", "가량", "내외", "안팎", "이상", "이하", "미만", "초과", "안쪽", "포함"}
)
"""Words that hedge or bound a number said before them (200명 정도, 2천만 원 이하): no value."""


_WHY_SO = re.compile(r"(?:\s*[가-힣]{1,4})?\s*(?:이라서|이라|라서|여서|이어서)(?=\s|,|$)")
"""A noun said as the reason (친구 생일이라, 이사라서): the circumstance, not what is asked."""


def topic_chunk(
    text: str, tool: ToolSpec, p: ParamSpec, taken: list[tuple[int, int]], all_keys: set[str]
) -> tuple[int, int] | None:
    """The noun phrase the request is about: the first one that is not a tool word, a time word
    or another parameter's word (지금 춘천 날씨 -> 춘천; 민호 돌잔치 날짜 -> 민호 돌잔치)."""
    tool_words = words_of_tool(tool)
    skip = tool_words | all_keys | TIME_WORDS_SKIP
    # a tool word said short by its last syllable (캐릭 of 캐릭터)
    clipped = {w[:-1] for w in tool_words if re.fullmatch(r"[가-힣]{3,}", w)}
    mask = _skip_mask(text, skip)
    all_toks = tokens(text)
    # a hedge word is skipped said after a number with at most its particle or copula
    # (200명 정도고, 5만 원 이하로), never inside a name (정도감자탕, 이상한나라)
    hedges = {
        t.start
        for k, t in enumerate(all_toks)
        if t.form in _HEDGES
        and (t.start == 0 or text[t.start - 1] == " ")
        and (
            k + 1 == len(all_toks)
            or all_toks[k + 1].start > t.end
            or not all_toks[k + 1].tag.startswith(("NN", "XS", "VA"))
        )
    }

    def skipped(t: Any) -> bool:
        if t.start in hedges:
            return True
        if t.tag in ("XSN",):
            return False
        if t.tag in ("XSV", "ETN", "VV", "JKG"):
            return True
        return (
            t.form.lower() in skip
            or t.form in clipped
            or all(mask[t.start : t.end])
            or (t.tag == "NNB" and (t.start == 0 or text[t.start - 1] == " "))
        )

    for c in chunks(text):
        if not spans_free(c.start, c.end, taken):
            continue
        prev_word = text[: c.start].split()[-1:] or [""]
        if prev_word[0] in _NOT_SPECIFIC:
            continue  # "다른 나라", "어떤 노래": a kind of thing, not a value
        if _WHY_SO.match(text, c.end):
            continue  # "친구 생일이라 커피 쿠폰 ...": why, not what
        toks = [t for t in all_toks if c.start <= t.start and t.end <= c.end]
        nxt = next((t for t in all_toks if t.start >= c.end), None)
        if (
            nxt is not None
            and nxt.start == c.end
            and (nxt.tag in ("XSV", "XSA") or (nxt.tag == "VV" and nxt.form == "하"))
        ):
            # "수거 신청하려고요", "검색해줘", "디데이 설정해줘" (the analyser may read that 하
            # as a verb of its own): the action noun is not a value
            toks = toks[:-1]
        while toks and skipped(toks[0]):
            toks = toks[1:]
        # a tool or time word inside ends the phrase (속초시의 현재 날씨 -> 속초시), except in a
        # nominalised verb phrase, which is one thing to do ("회비 등록하기", "모임 일정 잡기")
        nominalised = len(toks) > 2 and toks[-1].tag == "ETN" and toks[-2].tag in ("VV", "XSV")
        cut = (
            None
            if nominalised
            else next(
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
        )
        whole = toks
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
        if toks and all(t.form in DAY_PARTS for t in toks):
            # a part of the day names the thing after it (점심 약속, 저녁 모임), unless that is
            # the tool's own word ("저녁 일정 추가" for a tool that adds 일정 names nothing);
            # alone it is a time, not a name
            if len(whole) == len(toks) or whole[len(toks)].form in tool.description:
                continue
            toks = whole[: len(toks) + 1]
        if not toks or all(t.tag in ("SN", "NR") for t in toks) or _is_count(text, toks):
            continue
        start, end = toks[0].start, toks[-1].end
        # one syllable left over ("은", "거") is a particle or a pronoun, not a name; a noun
        # with the 이 of a name written on it is a name ("우리 콩이 목욕": 콩이)
        named = re.match(r"이(?:$|[\s,.])", text[end:]) and toks[0].tag in ("NNG", "NNP")
        if end - start < 2 and toks[0].tag != "SL" and not named:
            continue
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
            or word in clipped
            or word in DAY_PARTS
            or word in _NOT_SPECIFIC
            # the noun of "다른 나라" is a kind of thing here too, as in the phrases above
            or (text[: m.start()].split()[-1:] or [""])[0] in _NOT_SPECIFIC
            or any(mask[m.start() : m.start() + len(word)])
            or any(t.tag.startswith(("V", "XS", "SN", "IC", "NP")) for t in word_toks)
            or (word_toks and word_toks[0].tag in ("NNB", "MAJ"))
            # a plain adverb (새로, 빨리, 좀) is how, not what; a nickname the analyser misreads
            # comes out as an adverb plus something else
            or [t.tag for t in word_toks] == ["MAG"]
            or not spans_free(m.start(), m.end(), taken)
            or not re.search(r"[가-힣A-Za-z]", word)
        ):
            continue
        return (m.start(), m.start() + len(word))
    return None


def _is_count(text: str, toks: list[Any]) -> bool:
    """A number with its counter ("1박", "두 명"): a count, never a name or a place."""
    said = text[toks[0].start : toks[-1].end]
    return any(n.start == 0 and n.end >= len(said.rstrip()) for n in numbers(said))


_PLACE_WORDS = (
    *("주소", "지역", "장소", "위치", "지점", "도시", "address", "location", "area"),
    # where it is bought, not what: a shop is named before what it sells
    *("가게", "매장", "식당", "음식점", "상점", "업체", "store", "shop", "restaurant"),
    *("호텔", "숙소", "hotel"),
)
_PERSON_COUNTERS = frozenset({"명", "사람", "인", "분"})


def counted_thing(text: str, p: ParamSpec, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The noun said right before a count of things ("짬뽕 세 그릇", "장미 열 송이"): what is
    counted, so what the request orders, books or buys; for a parameter that is neither a place
    nor a shop ("홍보각에서 짬뽕 세 그릇": the 에서 phrase is where). None when no count of
    things follows a free noun."""
    if any(w in p.description.lower() for w in _PLACE_WORDS):
        return None
    toks = tokens(text)
    for n in numbers(text):
        if n.unit not in COUNTER_UNITS or n.unit in _PERSON_COUNTERS:
            continue  # "성인 2명": people are who come, not what is ordered
        before = [t for t in toks if t.end <= n.start]
        if not before or text[before[-1].end : n.start].strip():
            continue
        head = before[-1]
        if head.tag not in ("NNG", "NNP", "SL") or not spans_free(head.start, head.end, taken):
            continue
        start = head.start
        for t in reversed(before[:-1]):  # the whole word: 쌍화 + 차 written together
            if t.end != start or t.tag not in ("NNG", "NNP", "SL", "XPN"):
                break
            start = t.start
        return start, head.end
    return None


_AREA_HEADS = frozenset({"지역", "동네", "구", "동", "도시", "region", "area", "district", "city"})
_PLACE_END = re.compile(r"(?:시|구|군|동|읍|면|리|로|길|역|도|점|공원|시장|마을|단지|센터|터미널)$")


def not_a_place(p: ParamSpec, value: str, tool: ToolSpec | None = None) -> bool:
    """Whether a noun guessed for an area (동네, 지역, 동네/지역명) names none: no proper noun
    and no place ending (결혼식 is no 동네; 정자동, 분당, 강남역 are), or a word of what the tool
    is about ("풋살 할 데" for a futsal court search: 풋살 is the sport, not where)."""
    head = re.split(r"[\s(]", p.description.strip(), maxsplit=1)[0].lower()
    heads = {h.removesuffix("명") for h in re.split(r"[/·,]", head)}
    if not heads & _AREA_HEADS and p.name.lower() not in _AREA_HEADS:
        return False
    said = value.strip()
    if tool is not None and said and re.search(re.escape(said) + r"[가-힣]", tool.description):
        return True  # 족구 of 족구장 (an area the description names alone, 송파, stays one)
    toks = tokens(value)
    return not any(t.tag in ("NNP", "SL") for t in toks) and not _PLACE_END.search(said)


_THING_BOUGHT_PARAM = re.compile(r"^(?:상품|제품|물건|품목|구매\s*품목|product|item)")
"""A parameter that names the thing bought (상품명, 제품명, 물건 이름)."""
_THING_BOUGHT = re.compile(
    r"(?:산|샀던|구매한|구입한|주문한|시킨)\s+([가-힣A-Za-z0-9]{2,12}?)"
    r"(?:이|가|은|는|을|를|도|이랑|랑|에|의|이요|요)?(?=[\s,.!?]|$)"
)
"""The thing a relative clause of buying names ("어제 산 공기청정기가", "지난주 주문한 신발")."""


_NOT_THINGS = frozenset(
    {"거", "것", "게", "지", "날", "다음", "적", "분", "곳", "때", "후", "뒤", "전"}
)


def _a_thing(word: str) -> bool:
    """Whether a word after a clause of buying names a thing: nouns only, none of them a bound
    noun or a time ("산 거라", "주문한 다음 날", "산 날부터", "제가")."""
    toks = tokens(word)
    return bool(toks) and all(
        t.tag in ("NNG", "NNP", "SL", "SN") and t.form not in _NOT_THINGS for t in toks
    )


def names_a_thing_bought(p: ParamSpec) -> bool:
    """Whether ``p`` names the thing bought (상품명, 제품명, 물건 이름; not an enum)."""
    return not p.enum and _THING_BOUGHT_PARAM.search(p.description) is not None


def thing_bought(text: str, free: Callable[[int, int], bool]) -> tuple[int, int] | None:
    """Where the noun a clause of buying names is ("어제 산 공기청정기가"), if it is free."""
    m = _THING_BOUGHT.search(text)
    return m.span(1) if m and free(*m.span(1)) and _a_thing(m.group(1)) else None
