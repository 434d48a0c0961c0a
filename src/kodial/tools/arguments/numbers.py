"""Numbers for a parameter: digits or Korean numerals, matched by unit and by the parameter's words
written next to them."""

from __future__ import annotations

import itertools
import re
from typing import Any

from kodial.korean.numerals import DAY_COUNT_RE
from kodial.tools.arguments.addresses import address_span
from kodial.tools.arguments.codes import LONG_DIGITS, in_a_code, takes_code
from kodial.tools.arguments.labels import named_by_another
from kodial.tools.arguments.message import Msg
from kodial.tools.arguments.params import (
    labelled_as_another,
    param_head,
    param_keywords,
    param_units,
    shape_rule,
    words_of,
)
from kodial.tools.arguments.results import Found
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import COUNTER_UNITS, NumberMention, numbers, rx


def _mentions_near(text: str, mention: NumberMention, keys: list[str], window: int = 8) -> float:
    """How far (characters) a keyword is from the number, -1 if none within ``window``. A keyword
    after the number counts as further away: Korean names the thing first (키 176, 몸무게는 68)."""
    best = -1.0
    for k in keys:
        if not k:
            continue
        # only the window around the number is searched (the whole message, for each number of
        # a long one, was quadratic)
        lo = max(0, mention.start - window - 6 - len(k))
        hi = min(len(text), mention.end + window + len(k))
        for m in rx(re.escape(k)).finditer(text, lo, hi):
            if m.end() <= mention.start:
                gap = float(mention.start - m.end())
            elif m.start() >= mention.end:
                gap = m.start() - mention.end + 6.0
            else:
                continue
            if gap <= window + 6 and (best < 0 or gap < best):
                best = gap
    return best


def _counts_people(p: ParamSpec) -> bool:
    """Whether ``p`` is a head count (인원, a count in 명)."""
    return "명" in param_units(p) or "인원" in p.description


_KINDS = (
    (re.compile(r"어른|성인|대인"), re.compile(r"어른|성인|대인|adult")),
    (
        re.compile(r"아이|어린이|소아|유아|아기|애|애들|꼬마|초등학생|초딩|유치원생|미취학"),
        re.compile(r"아이|어린이|소아|유아|아동|child|kid"),
    ),
    (re.compile(r"청소년|(?<!초등)학생"), re.compile(r"청소년|학생|teen|student")),
    (re.compile(r"노인|경로"), re.compile(r"노인|경로|senior")),
)
"""Kinds of people a count is said of, and the words of a parameter that counts that kind."""
_GROUP = re.compile("(?:" + "|".join(who.pattern for who, _ in _KINDS) + r")\s*$")
"""A kind of person a count is said of ("어른 둘 아이 하나")."""
_GROUP_PARAM = re.compile(
    r"어른|성인|대인|아이|어린이|소아|유아|청소년|adult|child|kid|infant|senior"
)


def _party_summed(
    mentions: list[NumberMention], text: str, params: list[ParamSpec], tool: ToolSpec
) -> list[NumberMention]:
    """Counts of several kinds of people ("어른 둘 아이 하나", "성인 2명 어린이 1명") are one
    party when the tool takes one head count (인원) and no count per kind: their sum."""
    grouped = [n for n in mentions if _GROUP.search(text[max(0, n.start - 6) : n.start])]
    if len(grouped) < 2 or any(n.unit not in ("", "명", "분") for n in grouped):
        return mentions
    heads = [p for p in params if _counts_people(p)]
    if len(heads) != 1 or any(
        _GROUP_PARAM.search(" ".join(words_of(p)).lower()) for p in tool.params
    ):
        return mentions
    party = NumberMention(sum(n.value for n in grouped), "명", grouped[0].start, grouped[-1].end)
    return sorted([n for n in mentions if n not in grouped] + [party], key=lambda n: n.start)


_PEOPLE_COUNTED = re.compile(
    r"(?:\d+|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*(?:명|분)(?![가-힣])|(?:\d+|한|두|세|네)\s*(?:명|분)(?=이|도|은|는|요|과|와|이랑)"
)
_TOTAL = re.compile(r"총|전체|합계|모두|total")


def _total_and_kinds(
    mentions: list[NumberMention],
    msg: Msg,
    params: list[ParamSpec],
    out: dict[str, Found],
    source: str,
) -> list[NumberMention]:
    """ "어른 둘 애 셋" for a total head count (총 인원) and a count of one kind of them (그 중
    어린이 수): the sum is the total, each kind's count its own; the mentions left."""
    text = msg.masked
    grouped = [n for n in mentions if _GROUP.search(text[max(0, n.start - 6) : n.start])]
    if len(grouped) < 2 or any(n.unit not in ("", "명", "분") for n in grouped):
        return mentions
    heads = [m.span() for m in _PEOPLE_COUNTED.finditer(text)]
    if any(not any(n.start <= s < n.end for n in grouped) for s, _ in heads):
        return mentions  # "할머니 한 분", "인솔 교사 두 명": people of a kind not known here
    totals = [p for p in params if _TOTAL.search(p.description) and _counts_people(p)]
    if len(totals) != 1 or totals[0].name in out:
        return mentions
    party = NumberMention(sum(n.value for n in grouped), "명", grouped[0].start, grouped[-1].end)
    out[totals[0].name] = Found(int(party.value), source, text[party.start : party.end])
    for n in grouped:
        said = text[max(0, n.start - 6) : n.start]
        kind = next((own for who, own in _KINDS if who.search(said)), None)
        counts = [
            p
            for p in params
            if p is not totals[0] and p.name not in out and kind and kind.search(words_of(p))
        ]
        if len(counts) == 1:
            out[counts[0].name] = Found(int(n.value), source, text[n.start : n.end])
    msg.take(party.start, party.end)
    return [n for n in mentions if n not in grouped]


_MADE_SO = re.compile(r"\s*(?:명|개|분)?\s*(?:으로|로)\s*(?:해|할|바꿔|바꿀|변경|수정)")
"""After a number: the value a thing is made ("둘로 해주세요", "세 명으로 바꿔 주세요")."""
_LABEL_BEFORE = re.compile(r"([가-힣]{2,})(?:은|는|이|가|도)?\s*$")
"""The word said right before a number, which may say what it is a number of (몸무게 60키로)."""
_TOPIC_AFTER = re.compile(r"\s*(?:은|는)(?![가-힣])")


def _without_parts_of_a_count(mentions: list[NumberMention], text: str) -> list[NumberMention]:
    """ "4명, 한 명은 왼손잡이야": a count said as the topic after a larger count of the same
    unit is a part of that group, not another value."""
    return [
        n
        for i, n in enumerate(mentions)
        if not (
            n.unit
            and _TOPIC_AFTER.match(text, n.end)
            and not _GROUP.search(text[: n.start])  # "어른 4명, 아이 2명은 따로": another group
            and any(m.unit == n.unit and m.value > n.value for m in mentions[:i])
        )
    ]


_DIGITS_OF = re.compile(r"(?:번호|비밀번호|뒤|앞|끝|코드)\s*(?:의|는|은)?\s*$")
"""What says a count of 자리 is of digits (카드 번호 뒤 네 자리)."""


def _counts_a_value(n: NumberMention, text: str, tool: ToolSpec, out: dict[str, Found]) -> bool:
    """Whether a number without a unit of people is said right after a value read for an
    enum ("4인승 하나로", "디럭스 두 개"): how many of that kind, not a head count."""
    if n.unit not in (None, "", "개", "대", "채", "장"):
        return False
    if re.match(r"이(?:서|요|에요|야|$|\s)", text[n.end :]):
        return False  # "스위트 둘이요", "디럭스 셋이서": who comes, said of the kind chosen
    before = text[: n.start].rstrip()
    return any(
        p.enum and p.name in out and out[p.name].text and before.endswith(out[p.name].text)
        for p in tool.params
    )


_QUOTED_WORDS = re.compile(r"['\"‘“][^'\"’”]*\s[^'\"’”]*['\"’”]")
"""Words quoted as said, a space or more in them ('생일 축하해 언제 밥 한번 먹자')."""


def _in_quoted_words(text: str, n: NumberMention) -> bool:
    """Whether a number is part of words quoted as said (a message's 한번), not a quantity."""
    return any(q.start() < n.start and n.end < q.end() for q in _QUOTED_WORDS.finditer(text))


def extract_numbers(
    tool: ToolSpec,
    params: list[ParamSpec],
    msg: Msg,
    asked: set[str],
    out: dict[str, Found],
    source: str,
) -> None:
    if not params:
        return
    mentions = [
        n for n in numbers(msg.masked) if msg.free(n.start, n.end) and not in_a_code(msg.masked, n)
    ]
    mentions = [n for n in mentions if not _in_quoted_words(msg.masked, n)]
    if any(takes_code(p) for p in tool.params if p.name in asked):
        # "20481937이요" asked for a member number: its digits, not a count or an age
        mentions = [
            n for n in mentions if n.unit or not LONG_DIGITS.fullmatch(msg.text[n.start : n.end])
        ]
    # "고객번호 4410228703이에요" for a customer number written ^\d{10}$: digits a string's
    # pattern takes whole are that string's, not a meter reading or a count
    shapes = [r for p in tool.params if p.type == "string" and (r := shape_rule(p.pattern))]
    mentions = [
        n
        for n in mentions
        if n.unit
        or not LONG_DIGITS.fullmatch(msg.text[n.start : n.end])
        or not any(r.fullmatch(msg.text[n.start : n.end]) for r in shapes)
    ]
    if any(param_head(p) in ("주소", "address") for p in tool.params):
        # "마포구 망원로 52": the street number is the address's, not a count
        where = address_span(msg.masked, msg.used)
        if where:
            mentions = [n for n in mentions if not (where[0] <= n.start and n.end <= where[1])]
    mentions = in_the_unit_asked(mentions, msg.masked, params)
    mentions = _in_the_measure_asked(mentions, params)
    mentions = _total_and_kinds(mentions, msg, params, out, source)
    mentions = _party_summed(mentions, msg.masked, params, tool)
    mentions = _without_parts_of_a_count(mentions, msg.masked)
    if not mentions:
        _ends_of_the_range(params, msg, asked, out, source)
        return
    pairs: list[tuple[float, int, ParamSpec, NumberMention]] = []
    for p in params:
        units = param_units(p)
        keys = param_keywords(p, tool)
        for i, n in enumerate(mentions):
            score = 0.0
            if n.unit and n.unit in units:
                score += 2.0
            elif n.unit and units and n.unit not in units:
                score -= 3.0
            elif n.unit and not units and n.unit in ("%", "퍼센트", "프로", "시간", "분", "초"):
                score -= 1.0
            if score > 0 and p.name in asked:
                score += 0.5  # "58키로" asked about weight, beside a distance in km
            if n.unit == "자리" and "명" in units and _DIGITS_OF.search(msg.text[: n.start]):
                score -= 3.0  # "카드 뒤 네 자리": digits of a number, not people
            label = _LABEL_BEFORE.search(msg.text[max(0, n.start - 12) : n.start])
            if label and labelled_as_another(label.group(1), p):
                score -= 3.0  # "몸무게 60키로" for a distance: another quantity's number
            elif named_by_another(msg.text, n, p, tool, asked):
                score -= 3.0  # "통장은 7년" for 무주택 기간: what 청약통장 says, not this
            if (
                p.name not in asked
                and _counts_people(p)
                and _counts_a_value(n, msg.text, tool, out)
            ):
                score -= 3.0  # "4인승 하나로": one of the kind chosen, not one person
            if _nights_of_a_stay(mentions, i, p):
                score -= 1.5  # "4박 5일" for 이용 일수: the days (5), not the nights
            if i > 0 and _nights_of_a_stay(mentions, i - 1, None) and _counts_nights(p):
                score -= 3.0  # "3박 5일" for 숙박 일수(박): the nights (3), not the days
            gap = _mentions_near(msg.text, n, keys)
            if gap >= 0:
                score += 2.0 - gap * 0.15
            if gap >= 0 and _MADE_SO.match(msg.text, n.end):
                score += 0.5  # "애 셋이요. 아 잠깐, ... 애는 둘로 해주세요": the one it is made
            if p.type == "integer" and not float(n.value).is_integer():
                score -= 3.0
            if not _in_range(n, p):
                # outside the schema's minimum/maximum: a weak pairing (no unit, no label) is
                # dropped; a strong one stays, for the schema check to refuse and report
                score -= 1.0
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
    if len(left_m) > 1 and left_p:
        # "셋이요. 작년에 두 번 타 봤어요": a number in a unit no parameter left takes is
        # something else said, not a value in the way of the one that is
        left_m = [
            (i, n)
            for i, n in left_m
            if not (
                n.unit
                and n.unit not in _ADDRESS_UNITS  # ("성미산로 12, 3층": an address's numbers)
                and all(_unit_fits(n.unit, p) is False for p in left_p)
            )
        ]
    if len(left_m) > 1 and len(left_p) == 1 and len({n.value for _, n in left_m}) == 1:
        # "한 명 못 온대ㅠ 하나만 빼줘": two counts that agree say one value, the last said
        left_m = left_m[-1:]
    asked_left = [p for p in left_p if p.name in asked]
    if len(left_m) > 1 and len(left_m) == len(asked_left) and source == "message":
        # "135에 85" answering a question about two numbers: said in the order they were
        # asked for (the schema's order), when every unit said fits; in another order when
        # only that one keeps each within its schema range ("3이랑 22" for 16-30 and 1-5)
        said = [n for _, n in left_m]
        orders = [asked_left]
        if len(asked_left) <= 3:
            orders += [list(o) for o in itertools.permutations(asked_left)][1:]
        fitting = [
            pairs
            for pairs in (list(zip(order, said, strict=True)) for order in orders)
            if all(_unit_fits(n.unit, p) is True for p, n in pairs)
        ]
        within = [pairs for pairs in fitting if all(_in_range(n, p) for p, n in pairs)]
        in_order = list(zip(asked_left, said, strict=True))
        pick: list[tuple[ParamSpec, NumberMention]] | None = (
            in_order if in_order in fitting else None
        )
        if len(within) == 1:
            pick = within[0]  # the one order that keeps every number in its range
        # otherwise the order asked: the schema check refuses what is out of range, and says so
        for p, n in pick or []:
            _put_number(p, n, msg, out, "answer")
        return
    if len(left_m) == 1 and left_p:
        n = left_m[0][1]
        if not n.unit and _ONE_MORE.match(msg.text, n.end) and not asked:
            return  # "방문차 하나 더 등록해줘": another thing of the kind, not a value
        candidates = [p for p in left_p if p.name in asked] or (left_p if len(left_p) == 1 else [])
        candidates = [p for p in candidates if _unit_fits(n.unit, p) is not False]
        candidates = [p for p in candidates if not named_by_another(msg.text, n, p, tool, asked)]
        if _counts_a_value(n, msg.text, tool, out):  # "4인승 하나로": not one person
            candidates = [p for p in candidates if p.name in asked or not _counts_people(p)]
        if _a_thing_counted(msg.text, n):
            # "대대 하나 잡아줘": one table, not one hour (a count of things still counts them)
            candidates = [
                p
                for p in candidates
                if p.name in asked or not param_units(p) or param_units(p) & COUNTER_UNITS
            ]
        in_range = [p for p in candidates if _in_range(n, p)]
        if len(candidates) > 1 and len(in_range) == 1:
            candidates = in_range
        if len(candidates) == 1 and (
            candidates[0].name in asked or _unit_fits(n.unit, candidates[0]) is not None
        ):
            asked_now = candidates[0].name in asked and source == "message"
            _put_number(candidates[0], n, msg, out, "answer" if asked_now else source)
            out[candidates[0].name].strong = asked_now or bool(n.unit)


_ADDRESS_UNITS = frozenset({"층", "호", "동", "번지"})
_NATIVE_COUNT = re.compile(r"하나|한|둘|두|셋|세|넷|네")


def _a_thing_counted(text: str, n: NumberMention) -> bool:
    """Whether a bare native count follows the noun of the thing it counts ("대대 하나",
    "방 둘"), not a kind of person ("어른 둘")."""
    before = re.search(r"([가-힣]+)\s+$", text[: n.start])
    return bool(
        not n.unit
        and _NATIVE_COUNT.match(text, n.start)
        and before
        and not _GROUP.search(before.group(0))
        and not re.search(r"(?:은|는|이|가|을|를|도|로|에)$", before.group(1))
    )


_SECONDS = {"초": 1, "분": 60, "시간": 3600}
_DAYS_LONG = re.compile(rf"(?:{DAY_COUNT_RE})|\d+\s*일\s*(?:동안|간)")
"""Days said as a length of time (하루, 이틀, 3일 동안), not a day of the month (3일)."""
_HALF_AFTER = re.compile(r"\s*반(?![가-힣])")
_HALF_HOUR = re.compile(r"(?<![가-힣\d])반\s*시간")


_MEASURES = (
    (("미터", "m"), "cm", 100),
    (("kg", "킬로그램", "키로", "킬로", "㎏"), "g", 1000),
    (("리터",), "ml", 1000),
)
"""Larger units of a measure said for a parameter in a smaller one: (said, unit asked, times)."""


def _in_the_measure_asked(
    mentions: list[NumberMention], params: list[ParamSpec]
) -> list[NumberMention]:
    """A length, weight or volume said in a larger unit than every parameter of that measure
    takes, in the parameter's unit: "가로 4미터" for 가로(cm) is 400, "1.2키로" for 중량(그램)
    is 1200."""
    units = [param_units(p) for p in params]
    described = " ".join(p.description for p in params).lower()
    out = []
    for n in mentions:
        for said, unit, times in _MEASURES:
            # (a weight_g described in 그램 counts grams, though its name says weight, as kg do)
            if (
                n.unit in said
                and any(unit in u for u in units)
                and not any(
                    re.search(rf"(?<![가-힣a-z]){re.escape(s)}(?![a-z])", described) for s in said
                )
            ):
                n = NumberMention(n.value * times, unit, n.start, n.end)
        out.append(n)
    return out


def in_the_unit_asked(
    mentions: list[NumberMention], text: str, params: list[ParamSpec]
) -> list[NumberMention]:
    """A length of time said in other units than the parameter counts, in its unit: "1시간",
    "한 시간 반", "반 시간", "1시간 20분" for minutes (60, 90, 30, 80). Only when every
    parameter that counts time counts it in the same unit; an integer parameter takes only a
    whole number of its unit."""
    units = {u for p in params for u in param_units(p) if u in _SECONDS}
    if len(units) != 1:
        return mentions
    unit = units.pop()
    # days said as a length ("하루", "이틀", "3일 동안") for a parameter counting hours
    if not any(n.unit == "시간" for n in mentions):  # "3시간, 하루만 쓸 거예요": the hours said
        mentions = [
            NumberMention(n.value * 24, "시간", n.start, n.end)
            if unit == "시간" and n.unit == "일" and _DAYS_LONG.match(text, n.start)
            else n
            for n in mentions
        ]
    integer = all(p.type == "integer" for p in params if unit in param_units(p))
    said: list[tuple[float, int, int]] = []  # seconds, start, end
    i = 0
    while i < len(mentions):
        n = mentions[i]
        if n.unit not in _SECONDS:
            i += 1
            continue
        total, start, end = n.value * _SECONDS[n.unit], n.start, n.end
        half = _HALF_AFTER.match(text, end) if n.unit == "시간" else None
        if half:
            total, end = total + 1800, half.end()
        j = i + 1
        while (
            j < len(mentions)
            and mentions[j].unit in _SECONDS
            and _SECONDS[mentions[j].unit] < _SECONDS[mentions[j - 1].unit]
            and not text[end : mentions[j].start].strip()
        ):
            total, end = total + mentions[j].value * _SECONDS[mentions[j].unit], mentions[j].end
            j += 1
        said.append((total, start, end))
        i = j
    for m in _HALF_HOUR.finditer(text):
        said.append((1800.0, m.start(), m.end()))
    out = [n for n in mentions if n.unit not in _SECONDS]
    for total, start, end in said:
        value = total / _SECONDS[unit]
        if integer and not float(value).is_integer():
            continue
        out.append(
            NumberMention(int(value) if float(value).is_integer() else value, unit, start, end)
        )
    out.sort(key=lambda n: n.start)
    return out


_ONE_MORE = re.compile(r"\s*더(?![가-힣])")
"""더 after a count: one more of a thing ("하나 더"), not a value of anything."""

_NIGHT_WORDS = ("박", "숙박", "night")


def _counts_nights(p: ParamSpec) -> bool:
    return any(w in words_of(p) for w in _NIGHT_WORDS)


def _nights_of_a_stay(mentions: list[NumberMention], i: int, p: ParamSpec | None) -> bool:
    """Whether mention ``i`` is the nights of a stay said as "N박 M일" (the days follow it) and
    ``p`` counts days, not nights: a stay of 4 nights is 5 days of use (any ``p`` for None)."""
    n = mentions[i]
    after = mentions[i + 1] if i + 1 < len(mentions) else None
    return (
        n.unit == "박"
        and after is not None
        and after.unit == "일"
        and after.start - n.end <= 2
        and (p is None or not _counts_nights(p))
    )


def _in_range(n: NumberMention, p: ParamSpec) -> bool:
    """Whether the number is within the parameter's schema ``minimum``/``maximum``."""
    return (p.minimum is None or n.value >= p.minimum) and (
        p.maximum is None or n.value <= p.maximum
    )


def _unit_fits(unit: str, p: ParamSpec) -> bool | None:
    """Whether a number said with ``unit`` fits ``p`` by its unit: True when it has none or one
    of the parameter's, False when the parameter names other units, None when it cannot tell (a
    unit said for a parameter that names none). A count of things or times said with any
    counter fits an integer whose description counts with counters only ("두 통 떼려구요" for
    발급 부수, "세 번" for 헹굼 횟수): the counter Korean uses depends on the thing, and the
    parameter has only one count. A parameter naming no unit is not assumed to count ("피자 한
    판" is not a recipe's anything)."""
    units = param_units(p)
    if not unit or unit in units:
        return True
    if unit in COUNTER_UNITS and p.type == "integer" and units and units <= COUNTER_UNITS:
        return True
    return False if units else None


_IN_MAN_WON = re.compile(r"만\s*원\s*단위|\(\s*만\s*원\s*\)|manwon|man_won|10k_won", re.I)
_IN_CHEON_WON = re.compile(r"천\s*원\s*단위|\(\s*천\s*원\s*\)|cheonwon|1k_won", re.I)


def _in_won_units(p: ParamSpec, n: NumberMention) -> float:
    """An amount in won said for a parameter counted in 만 원 or 천 원 (연 소득 (만 원 단위),
    annual_income_manwon): "2,600만 원" is 2600 of them."""
    said = f"{p.name} {p.description}"
    for pattern, size in ((_IN_MAN_WON, 10000), (_IN_CHEON_WON, 1000)):
        if n.unit == "원" and pattern.search(said) and n.value >= size:
            return n.value / size
    return n.value


def _put_number(
    p: ParamSpec, n: NumberMention, msg: Msg, out: dict[str, Found], source: str
) -> None:
    value: Any = _in_won_units(p, n)
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
    end = n.end + (tail.end() if tail and n.unit else 0)
    bound = _BOUND_WORD.match(msg.text[end:])
    # "3만원 이하", "5명 이상": the bound belongs to the number, not to the next name
    msg.take(n.start, end + (bound.end() if bound else 0))


_SET_AFTER = (
    r"(?=\s*(?:$|[.!?~]|맞춰|설정|올려|높여|줄여|낮춰|내려|해|틀어|켜|바꿔|변경|부탁|조절))"
)
_RANGE_WORDS = (
    (re.compile(r"(?<![가-힣])(?:최대|최고|맥스)(?:치)?(?:로|으로)" + _SET_AFTER), "max"),
    (re.compile(r"(?<![가-힣])(?:최소|최저)(?:치)?(?:로|으로)" + _SET_AFTER), "min"),
    (re.compile(r"(?<![가-힣])(?:절반|반|중간)(?:으로|쯤으로|정도로)" + _SET_AFTER), "mid"),
)
"""Words that say an end or the middle of a range instead of a number: 볼륨 최대로, 절반으로."""


def _ends_of_the_range(
    params: list[ParamSpec], msg: Msg, asked: set[str], out: dict[str, Found], source: str
) -> None:
    """No number said, but an end or the middle of a range ("볼륨 최대로" -> the maximum,
    "절반으로" -> halfway): for the one parameter with both bounds that is open (the one asked
    about, when several are)."""
    ranged = [
        p for p in params if p.name not in out and p.minimum is not None and p.maximum is not None
    ]
    ranged = [p for p in ranged if p.name in asked] or ranged
    if len(ranged) != 1:
        return
    p = ranged[0]
    for rule, where in _RANGE_WORDS:
        m = rule.search(msg.masked)
        if m is None or not msg.free(*m.span()):
            continue
        lo, hi = float(p.minimum or 0), float(p.maximum or 0)
        value = hi if where == "max" else lo if where == "min" else (lo + hi) / 2
        if p.type == "integer":
            if not value.is_integer():
                return
            out[p.name] = Found(int(value), source, m.group(0))
        else:
            out[p.name] = Found(value, source, m.group(0))
        msg.take(*m.span())
        return


_BOUND_WORD = re.compile(
    r"\s*(?:이하|이상|미만|초과|이내|안쪽|언더)(?:으로|로|의|에서|에|는|가|인|짜리)?(?![가-힣])"
)


CURRENCY_WORDS: dict[str, tuple[str, ...]] = {
    "원": ("원화", "한국 돈", "한국돈", "우리 돈", "우리돈", "krw"),
    "달러": ("미국 달러", "달러화", "불", "usd"),
    "엔": ("엔화", "일본 엔", "jpy"),
    "위안": ("위안화", "중국 위안", "cny"),
    "유로": ("유로화", "eur"),
}
"""Everyday names of currencies (general Korean, for enums described as ``KRW=원``)."""
