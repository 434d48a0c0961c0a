"""Enums: an allowed value said by its own words, a synonym, a shortening or English said in
Hangul; a value turned down or not offered (booleans are in :mod:`booleans`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kodial.korean.latin_letters import spell_letters
from kodial.korean.loanwords import loanword_mentions
from kodial.korean.particles import final_consonant
from kodial.tools.arguments.clock import hour_of_a_time, time_by_part_of_day
from kodial.tools.arguments.message import (
    Msg,
    turned_down,
)
from kodial.tools.arguments.numbers import CURRENCY_WORDS, in_the_unit_asked
from kodial.tools.arguments.params import (
    PARTICLE_ROLES,
    described_units,
    enum_options,
    has_whole_word,
    is_hour_param,
    param_units,
    words_of,
)
from kodial.tools.arguments.results import Found
from kodial.tools.arguments.synonyms import ENUM_KINDS, ENUM_SYNONYMS, UNIT_SAID
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import (
    COUNTER_UNITS,
    in_a_compound,
    nouns_only,
    numbers,
    rx,
    split_identifier,
    tokens,
)

_DEFINED = re.compile(r"[^\s=,.()]+\s*=\s*[^,.;()=]+(?=[,.;()]|$)")
"""A word defined in a description ("크리스탈=바닥 투명 캐빈", "1=입문")."""
_GLOSS_JOINERS = re.compile(r"^(?:또는|혹은|및|그리고|or)\s+")


def glosses(p: ParamSpec, opt: Any, notes: bool = True) -> list[str]:
    """Korean words the description gives for an allowed value, after it (``checking(입출금
    통장)``, ``ko=한국어``, ``card: 신용카드``) or before it (``켜기(on) 또는 끄기(off)``,
    ``다음 곡(next)``); one gloss may list several (``적금·저축 통장``)."""
    o = re.escape(str(opt))
    found = []
    # (with what the tool's description says of the parameter, unless ``notes`` is false)
    said = f"{p.description} {p.notes}" if p.notes and notes else p.description
    # "true면 잠금" says the value's word after it as well
    after = rx(rf"(?<![A-Za-z0-9_]){o}\s*(?:[:=(]|이?면\s)\s*([^,)]+)").search(said)
    if after:
        # "1=입문 2=숙련": a gloss ends where the next value's begins
        gloss = re.split(r"\s+[^\s=]+\s*=", after.group(1))[0]
        found.append(gloss)
        words = gloss.split()
        if len(words) >= 3:  # "크리스탈=바닥 투명 캐빈": said without its head ("바닥 투명한 거")
            found.append(" ".join(words[:-1]))
    if not after and re.fullmatch(r"[A-Za-z0-9_-]+", str(opt)):
        # "(NRT 도쿄, CTS 삿포로)": a list of each code and its name after it (not "긴급, 보통,
        # 여유 중 하나", a list of the values themselves)
        listed = rx(rf"[(,]\s*{o}\s+([가-힣][가-힣 ]{{0,12}}?)\s*(?=[,)])").search(said)
        if listed:
            found.append(listed.group(1))
    before = rx(rf"([가-힣][가-힣 ]{{0,15}}?)\s*\(\s*{o}\s*\)").search(said)
    if before:
        found.append(_GLOSS_JOINERS.sub("", before.group(1).strip()))
    out = []
    for gloss in found:
        for part in re.split(r"[·/]|또는|혹은", gloss):
            part = part.strip().lower()
            if part:
                out.append(part)
    # a rule the description states: "(병원 진료·아픔은 질병)", "(환불·교환은 기타)": each of
    # the things listed, and each word of them, is said for that value
    for m in rx(
        rf"[(（,]\s*([가-힣][가-힣·,/ ]{{0,30}}?)(?:은|는)\s*{o}(?![A-Za-z0-9가-힣])"
    ).finditer(p.description):
        for part in re.split(r"[·/,]", m.group(1)):
            part = part.strip().lower()
            if part:
                out.append(part)
                out.extend(w for w in part.split() if len(w) > 1 and w != part)
    return out


def _enum_forms(p: ParamSpec, opt: Any) -> set[str]:
    forms = {str(opt).lower(), *ENUM_SYNONYMS.get(str(opt).lower(), ())}
    said_for = glosses(p, opt)
    for word in said_for:
        forms.add(word)
        forms.update(CURRENCY_WORDS.get(word, ()))
    for words in ENUM_SYNONYMS.values():
        if set(said_for) & set(words):  # "1=입문" is said as the other words for a beginner
            forms.update(words)
    for name, words in CURRENCY_WORDS.items():
        if str(opt).lower() in words:  # a currency code (JPY) is said by its name (엔화)
            forms.update({name, *words})
    forms.update(_acronym_forms(p, opt))
    measured = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-z]+)", str(opt).lower())
    if measured and measured.group(2) in UNIT_SAID:
        # "10키로로 신청할래" for 10km: the number with its unit said in Korean
        forms.update(
            measured.group(1) + w + end
            for w in UNIT_SAID[measured.group(2)]
            for end in ("로", "으로", "요", "이요", " 코스", "짜리")
        )
    head = re.fullmatch(r"\s*([^()]+?)\s*\([^()]*\)\s*", str(opt))
    if head and len(head.group(1)) > 1:
        # "2부(오후)", "L(라지)": an option written with a gloss in brackets is said by its head
        forms.add(head.group(1).lower())
    return forms


def _acronym_forms(p: ParamSpec, opt: Any) -> set[str]:
    """An option led by a Latin acronym only it has (``CJ대한통운``, ``KB국민은행``): the acronym,
    typed or said in Hangul (씨제이, 케이비), names it."""
    m = re.match(r"([A-Za-z]{2,5})(?=[가-힣])", str(opt))
    if m is None:
        return set()
    acronym = m.group(1).lower()
    if sum(str(o).lower().startswith(acronym) for o in enum_options(p)) != 1:
        return set()
    spelled = spell_letters(acronym)
    return {acronym, spelled} if spelled else {acronym}


_ASIDE_ENDINGS = frozenset({"어서", "아서", "면", "으면", "니까", "으니까", "지만", "는데", "은데"})
_VERB_OF_NOUN = {"매수": "사", "구매": "사", "구입": "사", "매도": "팔", "판매": "팔"}
"""Sino-Korean nouns of an act and the native verb people say for it."""


def _verb_glosses(p: ParamSpec, opt: Any) -> set[str]:
    """Verb stems of glosses that name an action (``켜기``, ``끄기``, ``열기``, ``잠금``): the
    request says the verb conjugated ("불 꺼줘", "문 잠가줘"), which its morphemes give back as
    the stem."""
    out = set()
    for g in [*glosses(p, opt), str(opt)]:
        if g in _VERB_OF_NOUN:  # "매수": 사다 ("열 주만 사볼래"), "매도": 팔다
            out.add(_VERB_OF_NOUN[g])
        if re.fullmatch(r"[가-힣]{1,4}기", g):
            out.add(g[:-1])
        elif re.fullmatch(r"[가-힣]{1,4}", g) and final_consonant(g) == _FINAL_M:
            stem = g[:-1] + chr(ord(g[-1]) - _FINAL_M)  # 잠금 -> 잠그: the noun of a verb
            out.add(stem)
            if len(stem) > 1 and stem[-1] in "리히":
                out.add(stem[:-1])  # 열림 -> 열리 -> 열: said in the active ("열어줘")
    return out


_FINAL_M = 16
"""Index of the final consonant ㅁ in a Hangul syllable (잠금 = 잠그 + ㅁ)."""


def _option_nouns(p: ParamSpec, options: tuple[Any, ...]) -> dict[str, Any]:
    """Nouns that belong to exactly one compound option (농협 of ``NH농협은행``, 카드 of
    ``신용카드``, 사이즈 of ``사이즈불일치``): people name a compound by its telling part."""
    owners: dict[str, set[int]] = {}
    for i, opt in enumerate(options):
        # the analyser reads a brand-like compound whole (NH농협은행): read its Hangul part too
        for part in {str(opt), *re.findall(r"[가-힣]{2,}", str(opt))}:
            for t in tokens(part):
                if t.tag in ("NNG", "NNP") and len(t.form) > 1 and t.form != str(opt):
                    owners.setdefault(t.form, set()).add(i)
    # the part before a head word several options end with (농협 of 농협은행 among 국민은행,
    # 신한은행 ...; 토스 of 토스뱅크 beside 카카오뱅크)
    runs = {i: re.findall(r"[가-힣]{2,}", str(o)) for i, o in enumerate(options)}
    for i, rs in runs.items():
        for run in rs:
            for k in range(2, len(run) - 1):
                head = run[k:]
                if (
                    len(head) >= 2
                    and sum(any(r.endswith(head) for r in o) for o in runs.values()) > 1
                ):
                    owners.setdefault(run[:k], set()).add(i)
                    break
    return {w: options[next(iter(ix))] for w, ix in owners.items() if len(ix) == 1}


def _distinctive_words(p: ParamSpec, options: tuple[Any, ...]) -> dict[str, Any]:
    """Words (two letters or more) of an allowed value's Korean gloss or of its identifier
    (``online_pdf`` -> online, pdf) that no other value's gloss or identifier has."""
    owners: dict[str, set[int]] = {}
    for i, opt in enumerate(options):
        words = {w for g in glosses(p, opt) for w in g.split()}
        words.update(w.lower() for w in split_identifier(str(opt)))
        for w in words:
            if len(w) > 1:
                owners.setdefault(w, set()).add(i)
    return {w: options[next(iter(ix))] for w, ix in owners.items() if len(ix) == 1}


def _shortened(word: str, option: str, asked: bool) -> bool:
    """Whether ``word`` is a shortening of ``option`` as Korean shortens: the first part of one
    of its words ("용산" for 용산아이파크몰, "오토" for 오토캠핑), or its syllables kept in order
    from its first one (줄임말: "완자" for 완전자차, "실비" for 실손의료비); one not asked for must
    also keep the last syllable, since a two-syllable word often fits a longer value by chance."""
    w = word.lower()
    runs = re.findall(r"[a-z0-9가-힣]+", option.lower())
    if any(len(r) > len(w) and r.startswith(w) for r in runs):
        return True
    whole = "".join(runs)
    if not re.fullmatch(r"[가-힣]{2,3}", w) or len(whole) <= len(w) or whole[0] != w[0]:
        return False
    if not asked and whole[-1] != w[-1]:
        return False
    rest = iter(whole[1:])
    return all(ch in rest for ch in w[1:])


def _shortening_mentions(
    options: tuple[Any, ...], text: str, asked: bool
) -> list[tuple[int, int, Any]]:
    """Nouns of ``text`` that shorten exactly one option (:func:`_shortened`)."""
    found = []
    toks = tokens(text)
    for i, t in enumerate(toks):
        if t.tag not in ("NNG", "NNP", "SL") or len(t.form) < 2:
            continue
        owners = [o for o in options if isinstance(o, str) and _shortened(t.form, o, asked)]
        if len(owners) != 1:
            continue
        start, end = t.start, t.end
        # "용산 cgv": the option's other words said next to it are part of the mention
        runs = set(re.findall(r"[a-z0-9가-힣]+", owners[0].lower()))
        for j in (i - 1, i + 1):
            if 0 <= j < len(toks) and toks[j].form.lower() in runs:
                between = text[min(end, toks[j].end) : max(start, toks[j].start)]
                if not between.strip():
                    start, end = min(start, toks[j].start), max(end, toks[j].end)
        found.append((start, end, owners[0]))
    return found


def not_offered(p: ParamSpec, text: str) -> str | None:
    """A known value of the parameter's kind that it does not offer, named in ``text`` ("카드로요"
    for [cash, transfer]): the word said, or None. Only for kinds :data:`ENUM_SYNONYMS` knows
    (:data:`ENUM_KINDS`: payment methods, languages, seats ...)."""
    offered = {str(o).lower() for o in p.enum}
    kinds = frozenset().union(*(k for k in ENUM_KINDS if k & offered))
    forms = {f for o in offered for f in (o, *ENUM_SYNONYMS.get(o, ()))}
    for key in sorted(kinds - offered):
        for w in ENUM_SYNONYMS.get(key, ()):
            if w not in forms and rx(rf"(?<![가-힣A-Za-z]){re.escape(w)}").search(text):
                return w
    return None


_SHORT_FORMS = re.compile(r"(?<![가-힣])(?:담달|담주|낼)")
_SAID_IN_FULL = {"담달": "다음 달", "담주": "다음 주", "낼": "내일"}
"""Words said shortened (담달부터 for next_month, 다음 달 1일부터)."""


def enum_mentions(
    p: ParamSpec, text: str, asked: bool = False, every: bool = False
) -> list[tuple[int, int, Any]]:
    """:func:`_enum_mentions` of ``text`` with shortened words said in full (담달 -> 다음 달),
    at their places in ``text``."""
    if not _SHORT_FORMS.search(text):
        return _enum_mentions(p, text, asked, every)
    full: list[str] = []
    back: list[int] = []
    at = 0
    for m in _SHORT_FORMS.finditer(text):
        full.append(text[at : m.start()])
        back += range(at, m.start())
        said = _SAID_IN_FULL[m.group(0)]
        full.append(said)
        back += [min(m.start() + i, m.end() - 1) for i in range(len(said))]
        at = m.end()
    full.append(text[at:])
    back += range(at, len(text))
    back.append(len(text))
    return [
        (back[s], back[e - 1] + 1, opt)
        for s, e, opt in _enum_mentions(p, "".join(full), asked, every)
    ]


_KIND_BOUGHT = re.compile(r"(권|짜리)?(?:으로|로)?")
"""After an amount: what makes it a kind of thing bought (5만 원권으로, 312짜리)."""


_NOT_SO = re.compile(r"(?<![가-힣])(?:안|덜)\s$")
"""Said just before a value's word, 안 and 덜 say it is not what is wanted."""
_NOT_WANTED = re.compile(r"\s*(?:[가-힣]{1,4}\s*)?(?:은|는)?\s*(?:말고|싫|빼고|별로|제외)")
"""Said just after a describing word, what turns it down ("무서운 건 싫어해서", "무서운 영화
말고")."""


def _enum_mentions(
    p: ParamSpec, text: str, asked: bool = False, every: bool = False
) -> list[tuple[int, int, Any]]:
    """(start, end, option) of every allowed value said in ``text``, longest forms first: its
    own words (spaces optional inside a multi-word gloss: 입출금통장 for ``입출금 통장``), a
    glossed action's verb in any conjugation, and, when none of those is said, a noun only one
    compound option has, or one that shortens only one option (``asked``: the parameter was
    just asked for, see :func:`_shortened`). ``every``: a list's items, where English said in
    Hangul is read beside values said otherwise ("보드랑 헬멧" for board and helmet)."""
    low = text.lower()
    found: list[tuple[int, int, Any]] = []
    options = enum_options(p)
    # "세 장" for a count of rides [1, 2, 3, 5]: a number said in another unit is not one
    units = described_units(p) if _numeric(options) else set()
    counted = {n.start: n.unit for n in numbers(text)} if units else {}
    for opt in options:
        for form in sorted(_enum_forms(p, opt), key=len, reverse=True):
            body = re.escape(form).replace(r"\ ", r"\s*")
            if len(form) == 1 and re.match(r"[가-힣]", form):
                # one syllable (원, 엔, 남): alone, or right after a number (50만원)
                pat = rf"(?:(?<![가-힣])|(?<=[\d만천백억]))({body})(?=$|[^가-힣]|[이가은는을를으로요])"
            elif form.isdigit():  # (8 is no part of 88 or 1.8)
                pat = rf"(?<![a-z가-힣\d.])({body})(?![\d])"
            else:
                pat = rf"(?<![a-z가-힣])({body})"
            for m in rx(pat).finditer(low):
                if _NOT_SO.search(low, 0, m.start(1)) or (
                    form != str(opt).lower() and _NOT_WANTED.match(low, m.end(1))
                ):
                    continue  # "안 무서운 거", "무서운 건 싫어서": the value said not to be
                unit = counted.get(m.start(1))
                if unit and unit not in units and unit in (*COUNTER_UNITS, "명"):
                    continue
                if not any(s <= m.start(1) < e for s, e, _ in found):
                    found.append((m.start(1), m.end(1), opt))
    if _numeric(options):
        # "5만 원짜리" for [30000, 50000, 100000]: a number said in any way, in the parameter's
        # unit, or in digits with none when it has none ("312짜리" for a battery size; "둘이
        # 갔는데" is who went, not a score)
        units = described_units(p)
        amounts = []
        for n in numbers(text):
            money = "원" in units and not n.unit and re.search(r"[만천]", text[n.start : n.end])
            if n.value in options and (
                n.unit in units
                or (not units and not n.unit and text[n.start].isdigit())
                or money  # "5만짜리": an amount by its magnitude, 원 left unsaid
                # "친구랑 둘이 갈 거예요": how many go, for a count of people
                or ("명" in units and not n.unit and _WE_GO.match(text, n.end))
            ):
                # (with what makes it a kind of thing: 5만 원권, 312짜리)
                after = _KIND_BOUGHT.match(text, n.end)
                kind = (after.group(1) or "") if after else ""
                end = after.end() if after else n.end
                amounts.append((n.start, end, next(o for o in options if o == n.value), kind))
        # "3만 원 이상이면 무료배송이죠? 5만 원권으로": the one said as a kind of thing
        kinds = [x for x in amounts if x[3]]
        # "열 번은 더 고민했는데 20회로 할게요": else the one said as the choice, with (으)로
        kinds = kinds or [x for x in amounts if text[x[0] : x[1]].endswith("로")]
        for start, end, opt, _ in kinds or amounts:
            if not any(s < end and start < e for s, e, _ in found):
                found.append((start, end, opt))
    if not found:
        # "pdf로 주세요" for online_pdf(온라인 PDF): a word of one value's gloss or name that no
        # other value has names it
        for word, opt in _distinctive_words(p, options).items():
            said = rx(rf"(?<![a-z가-힣\d.]){re.escape(word)}(?![a-z\d])").search(low)
            if said is not None and in_a_compound(text, said.start(), said.end(), opt):
                continue  # 캠핑 of "캠핑카", "캠핑장" names no 캠핑 의자 세트
            if said is not None and not any(s <= said.start() < e for s, e, _ in found):
                found.append((said.start(), said.end(), opt))
    # (a value named outright, 매도, is chosen over a verb said by the way, 사 먹을)
    verbs = {} if found else {stem: opt for opt in options for stem in _verb_glosses(p, opt)}
    nouns = (
        _option_nouns(p, options)
        if not found and any(re.search(r"[가-힣]", str(o)) for o in options)
        else {}
    )
    if verbs or nouns:
        toks = tokens(text)
        for i, t in enumerate(toks):
            nxt = next((u for u in toks[i + 1 :] if u.tag != "EP"), None)  # (팔았던: 던)
            # "주식 팔아서 번 돈", "판 물건": a verb of the circumstances or of a description
            aside = nxt is not None and (nxt.tag == "ETM" or nxt.form in _ASIDE_ENDINGS)
            opt = verbs.get(t.form) if t.tag == "VV" and not aside else None
            if opt is None and t.tag in ("NNG", "NNP"):
                opt = nouns.get(t.form)
                if opt is not None and in_a_compound(text, t.start, t.end, opt):
                    opt = None
            if opt is not None and not any(s <= t.start < e for s, e, _ in found):
                found.append((t.start, t.end, opt))
    if not found:
        found = _shortening_mentions(options, text, asked)
    latin = [o for o in options if isinstance(o, str) and re.fullmatch(r"[A-Za-z][A-Za-z _-]*", o)]
    if (every or not found) and latin:
        # "이코노미석으로" for economy, "퍼스트 클래스" for first_class: English said in Hangul
        passes = [asked]
        if every and not asked:
            passes.append(True)  # beside items said surely, a list is about these values
        for short in passes:
            if short and not asked and not found:
                break  # (a short key fits words by chance, unless asked or beside such items)
            for s, e, opt in loanword_mentions(text, latin, short, nouns_only):
                if not any(s < e2 and s2 < e for s2, e2, _ in found):
                    found.append((s, e, opt))
    hangul = [o for o in options if isinstance(o, str) and re.fullmatch(r"[가-힣]+", o)]
    if not found and asked and hangul:
        # "파마요" for 펌, "컷" for 커트: a loanword spelled another way, in an answer about it
        found = list(loanword_mentions(text, hangul, asked, nouns_only))
    return sorted(found)


def _own_words(p: ParamSpec, tool: ToolSpec) -> str:
    """The parameter's words without other parameters' names its description refers to ("바꿀
    단위 (from_unit과 같은 표기)" is where a conversion ends, whatever ``from`` it names)."""
    words = words_of(p)
    for q in tool.params:
        if q.name != p.name:
            words = words.replace(q.name.lower(), " ")
    return words


def extract_enums(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: Msg,
    asked: set[str],
    out: dict[str, Found],
    source: str,
) -> None:
    """Allowed values; two parameters over the same values (from/to currency) are told apart
    by particles: the unit after the amount or X에서/X를 is the start, X(으)로 or 몇 X the end."""
    if any(_numeric(enum_options(p)) for p in params):
        for m in _OUT_OF.finditer(msg.masked):  # "5점 만점에 4점": the scale is no value
            msg.take(*m.span())
    text = msg.masked
    roles: dict[str, int | None] = {}
    for p in params:
        roles[p.name] = next(
            (
                i
                for i, (words, _) in enumerate(PARTICLE_ROLES[:2])
                if has_whole_word(_own_words(p, tool), words)
            ),
            None,
        )
    claimed: set[int] = set()
    # parameters over the same values share their glosses: "바꿀 단위 (from_unit과 같은 표기)"
    # means the words from_unit's description gives (m2=제곱미터)
    # and the tool's description may give them ("크리스탈=바닥 투명 캐빈")
    defined = " ".join(_DEFINED.findall(tool.description))
    # (only for the one parameter over those values: "1=순한맛 2=보통" beside a count 1-3 says
    # which of them it defines no more than the values do)
    glossed = {
        p.name: replace(
            p,
            description=" ".join(
                [q.description for q in params if enum_options(q) == enum_options(p)]
                + [
                    defined
                    if sum(enum_options(q) == enum_options(p) for q in tool.params) == 1
                    else ""
                ]
            ),
        )
        for p in params
    }
    for p in sorted(params, key=lambda q: roles[q.name] is None):
        said = enum_mentions(glossed[p.name], text, p.name in asked)
        mentions = [m for m in said if m[0] not in claimed]
        # a value said and turned down is not chosen ("버스 말고요", "대형은 너무 비싸요"); of
        # several values, the one said as the choice is ("대형은 비싸니까 중형으로 할게요")
        mentions = [m for m in mentions if not turned_down(text, m[1])]
        if not mentions:
            continue
        if len({m[2] for m in mentions}) > 1:
            chosen = [m for m in mentions if _CHOSEN.match(text, m[1])]
            if len({m[2] for m in chosen}) == 1:
                mentions = chosen
        role = roles[p.name]
        pick = mentions[0]
        into = [m for m in mentions if re.match(r"\s*(?:으로|로)(?![가-힣])", text[m[1] :])]
        if (
            len({m[2] for m in mentions}) > 1
            and len(into) == 1
            and _INTO.search(_own_words(p, tool))
        ):
            # "한국어 문장을 영어로 번역": what it becomes is the one said with (으)로
            pick = into[0]
        if role is not None and len({q for q in params if roles[q.name] is not None}) > 1:
            tail_ok = [
                m
                for m in mentions
                if re.match(
                    # "제주 가려구요", "부산에 갈 건데": where one goes is the end too
                    r"\s*(?:으로|로|까지|행|(?:에\s*)?(?:가[는려고요서]|갈\s|갑니))"
                    if role == 1
                    # a particle is written on its word ("제주 가려구요" is no subject), or
                    # 출발 said after it ("인천 출발")
                    else r"(?:에서|을|를|은|는|이|가|이면|면|\s*출발)",
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
        # the ending said after the value goes with it ("최유나, 계좌이체요": 요 is no name)
        ending = re.match(r"(?:이요|요|예요|이에요|입니다|으로요|로요)(?![가-힣])", text[pick[1] :])
        msg.take(pick[0], pick[1] + (ending.end() if ending else 0))
    for p in params:
        if p.name not in out and p.name in asked and source == "message":
            _numeric_answer(p, msg, out)
        if p.name not in out and p.name in asked and source == "message":
            _option_by_its_number(p, msg, out)
        if p.name not in out:
            time_by_part_of_day(p, msg, out, source)
        if p.name not in out and is_hour_param(p):
            hour_of_a_time(p, msg, out, source)


_CHOSEN = re.compile(
    r"\s*(?:(?:으로|로)\s*(?:할게|할께|해\s*주|해\s*줘|해요|하자|할래|갈게|주세요|부탁|요|$)"
    r"|(?:이요|요|예요|이에요|입니다)(?![가-힣])|(?:으로|로)?\s*(?:주세요|부탁|할게|할래|골라|선택))"
)
"""After a value: chosen (으로 할게요, 이요)."""


_OUT_OF = re.compile(r"(?:(?<!\d)\d+|[가-힣]{1,2})\s*점\s*만점\s*(?:에|중에?|기준)?\s*")
"""The scale said before a score ("5점 만점에 4점"): not the answer."""


_INTO = re.compile(r"목표|도착|target|결과|바꿀|번역|변환|into|output|출력")
"""Words of a parameter that is what something becomes (목표 언어, target_language)."""


_WE_GO = re.compile(r"이서?\s*(?:갈|가|올|와|방문|이용|신청|들어|묵|탈|타)")
"""After a native count with no counter: the people who go (둘이 갈게요, 셋이서 와요)."""


def _numeric(options: Sequence[Any]) -> bool:
    """Whether a list of allowed values is all numbers."""
    return bool(options) and all(
        isinstance(o, int | float) and not isinstance(o, bool) for o in options
    )


def _option_by_its_number(p: ParamSpec, msg: Msg, out: dict[str, Found]) -> None:
    """An answer to a question about a value from a list of identifiers with numbers in them
    (dorm_4, dorm_8, private): the one option whose digits are the one number said ("4인실",
    "8명 방")."""
    options = [o for o in enum_options(p) if isinstance(o, str)]
    said = [n for n in numbers(msg.masked) if msg.free(n.start, n.end)]
    if len(said) != 1 or not float(said[0].value).is_integer() or said[0].unit not in ("", "인"):
        return  # ("4명이요" answers a head count, "8박" the nights, not dorm_4 or dorm_8)
    n = said[0]
    owners = [o for o in options if str(int(n.value)) in re.findall(r"\d+", o)]
    if len(owners) == 1:
        end = n.end + len(re.match(r"[가-힣]*", msg.masked[n.end :]).group(0))  # type: ignore[union-attr]
        out[p.name] = Found(owners[0], "answer", msg.text[n.start : end])
        msg.take(n.start, end)


def _numeric_answer(p: ParamSpec, msg: Msg, out: dict[str, Found]) -> None:
    """An answer to a question about a value from a list of numbers (별점 1-5): the one number
    said, in words too ("다섯 개", "세 개요"), or the top of the list for 만점; the scale said
    before it (5점 만점에) is no answer."""
    options = enum_options(p)
    if not _numeric(options):
        return
    said = [n for n in numbers(msg.masked) if msg.free(n.start, n.end)]
    # in the list's unit ("하루" for hours: 24)
    said = in_the_unit_asked(said, msg.masked, [p])
    # a score said as one ("다섯 개", "4점") or alone ("셋"); not a count of something else
    # in a sentence ("둘이 갔는데 좋았어요")
    said = [
        n
        for n in said
        if n.unit in ("점", "개", "별", "stars", *param_units(p))
        or (not n.unit and len(msg.text.split()) <= 2)
    ]
    if len(said) == 1 and said[0].value in options:
        n = said[0]
        out[p.name] = Found(
            next(o for o in options if o == n.value), "answer", msg.text[n.start : n.end]
        )
        msg.take(n.start, n.end)
        return
    top = re.search(r"(?<![가-힣])만점", msg.masked)
    if not said and top:
        out[p.name] = Found(max(options), "answer", top.group(0))
        msg.take(*top.span())
