"""Korean street addresses said in a message ("서울 노원구 상계로 45 현대아파트 102동 1203호요",
"송도동 28-5 더샵 1502호예요"): the run of words that are place names, street numbers,
buildings and units."""

from __future__ import annotations

import re

from kodial.tools.arguments.message import spans_free
from kodial.tools.text import tokens

_ADDRESS_WORD = re.compile(
    r"(?:[가-힣][가-힣\d]*(?:특별시|광역시|특별자치도|시|도|구|군|읍|면|동|리|로|길|가)"
    r"|\d+(?:-\d+)?(?:번지|호|동|층|번길|길)?"
    r"|[A-Za-z0-9]{1,3}(?:동|층|호)"
    r"|[가-힣A-Za-z0-9]+(?:아파트|빌라|빌딩|빌|타워|오피스텔|스퀘어|센터|맨션|하우스|마을|단지"
    # a place to stay or a building of another kind after the street number ("210 바다펜션")
    r"|펜션|호텔|리조트|모텔|게스트하우스|콘도|민박|상가|플라자|주택|연립|하이츠|캐슬|팰리스)"
    # where in the building ("1층 로비", "B동 정문")
    r"|로비|입구|정문|후문|현관|라운지)"
)
_ADDRESS_TAIL = re.compile(r"(?:이요|요|이고|고|이에요|예요|이야|야|입니다|에서|,|\.)+$")
_ADMIN = re.compile(
    r"[가-힣][가-힣\d]*(?:특별시|광역시|시|도|구|군|읍|면|동|리|로|길|\d가)$|\d+번?길$"
)


_UNIT = re.compile(r"[A-Za-z0-9]*\d+(?:호|동|층)")


_UNIT_PARTICLE = re.compile(r"(?<=\d)([층호동]?)(?:으로|로|에|까지|이요|요)$")


def _unit_core(word: str) -> str:
    """A word of an address without what is said after it: its ending or particle ("45요",
    "8층으로", "88로": the particle after a number or a unit is not part of it)."""
    core = _ADDRESS_TAIL.sub("", word) or word
    return _UNIT_PARTICLE.sub(r"\1", core)


def _building_and_unit(
    text: str, words: list[tuple[int, int]], j: int, taken: list[tuple[int, int]]
) -> int | None:
    """The end (word index) of a building and unit said after a street address, after a comma
    or the street number ("302호", "라온하임 1203호", "B동 12층", "102동 1504호", "더샵 1502호"),
    None when the next words are not one."""
    end = None
    for k in range(j, min(j + 4, len(words))):
        s, e = words[k]
        if not spans_free(s, e, taken):
            break
        word = text[s:e]
        core = _unit_core(word)
        if _UNIT.fullmatch(core):
            end = k + 1  # and on, over a unit inside a building ("102동 1504호")
            if core != word:
                break
            continue
        if end is not None:
            if k == len(words) - 1 and _TENANT.fullmatch(core) and _a_business_name(core):
                end = k + 1  # "양화로 45, 7층 세모디자인": whose floor it is, said last
            break
        if not re.fullmatch(r"[가-힣A-Za-z0-9]{1,12}", core) or core != word:
            break
    return end


_TENANT = re.compile(r"[가-힣A-Za-z][가-힣A-Za-z0-9]{1,11}")
"""One word that may name whose floor it is, said after the unit."""


def _a_business_name(word: str) -> bool:
    """Whether the analyser reads ``word`` as a business's name: a proper noun and the noun of
    its trade (세모디자인, 한빛물산), not one person's name (김민수) nor a common noun (택배)."""
    toks = tokens(word)
    return (
        len(toks) >= 2
        and toks[0].tag in ("NNP", "SL")
        and all(t.tag in ("NNP", "NNG", "SL", "SN") for t in toks)
    )


def address_span(text: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """A Korean street address said in a message ("서울 노원구 상계로 45 현대아파트 102동
    1203호요"): the longest run of words that are place names with their administrative suffix
    (시, 구, 동, 로, 길), numbers (45, 24-5, 1203호), or buildings (현대아파트), with at least
    one place name and one number; the first word may be a bare city (서울, 인천)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    best: tuple[int, int] | None = None
    i = 0
    while i < len(words):
        j, names, digits = i, 0, 0
        while j < len(words):
            s, e = words[j]
            word = text[s:e]
            core = _unit_core(word)
            ok = bool(_ADDRESS_WORD.fullmatch(core)) or (
                j == i
                and re.fullmatch(r"[가-힣]{2,4}", core) is not None
                # "숙소는 제주시 ...": a word said as the topic is what the address is of
                and not re.search(r"(?:은|는|을|를|도|까지|부터)$", core)
                and j + 1 < len(words)
            )
            if not ok and j > i and re.fullmatch(r"\d+(?:-\d+)?", text[slice(*words[j - 1])]):
                # "송도동 28-5 더샵 1502호예요": a building of any name and its unit after the
                # street number
                j = _building_and_unit(text, words, j, taken) or j
                break
            if not ok or not spans_free(s, e, taken):
                break
            names += bool(_ADMIN.fullmatch(core))
            digits += bool(re.search(r"\d", core))
            j += 1
            if word.endswith(",") and core + "," == word:
                # "백제고분로 301, 라온하임 1203호": the building and the unit after a comma
                j = _building_and_unit(text, words, j, taken) or j
                break
            if core != word:
                break  # a particle or an ending closes the address
        if j > i and names and digits:
            s = words[i][0]
            last = text[words[j - 1][0] : words[j - 1][1]]
            e = words[j - 1][0] + len(_unit_core(last))
            if best is None or e - s > best[1] - best[0]:
                best = (s, e)
            i = j
        else:
            i += 1
    return best
