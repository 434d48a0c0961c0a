"""Picking one item of a tool result the user names: by its place in the list (두 번째), its
weekday or part of the day (토요일 공연, 아침 거), the cheapest or the best (제일 싼 데), its price
(8만 9천원짜리), or its own words said since (세인트존스로, 3번 출구 거)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kodial.korean.datetimes import WEEKDAYS, parse_datetime
from kodial.korean.loanwords import loanword_mentions
from kodial.tools.arguments.message import turned_down
from kodial.tools.text import numbers, tokens


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict):
                out.update(flatten(v, f"{k}."))
            out[f"{prefix}{k}"] = v
            out.setdefault(str(k), v)
    return out


_PICK_PARTICLE = re.compile(r"(?:으로|로|에서|이요|요|이|가|을|를|은|는|꺼|거|걸로|것)$")
"""What follows a name the user picks by ("맑은소리로", "솔바람으로", "한라요")."""


_LIGHT = frozenset({"하", "되", "있", "없", "주", "보", "알", "가", "오", "싶"})
"""Verbs too light to name an activity."""


def _said_stems(said: str) -> set[str]:
    """The user's words without the particle after them, two Hangul letters or more: a name
    said by its first part ("맑은소리로" for 맑은소리이비인후과)."""
    stems = set()
    for word in re.findall(r"[가-힣]+", said):
        stem = _PICK_PARTICLE.sub("", word)
        if len(stem) >= 2:
            stems.add(stem)
    return stems


def _item_score(item: dict[str, Any], said: str, times: set[tuple[int, int]]) -> float:
    """How many of a result item's own words (its names, its times) the user said since, whole
    or by their first part; a word said that only ends one of them ("보건소로" for
    동작구보건소: a name's last part says what kind of place it is) counts half."""
    said_flat = re.sub(r"\s+", "", said.lower())
    stems = _said_stems(said)
    # a verb said names the activity its noun form names ("조개 캐는 걸로" for 바지락 캐기)
    toks = tokens(said)
    doings = {
        f"{t.form}기"
        for t, e, n in zip(toks, toks[1:], toks[2:], strict=False)
        if t.tag in ("VV", "VX")
        and t.form not in _LIGHT
        and e.tag == "ETM"
        and n.form in ("거", "걸", "것", "꺼")
    }
    score = 0.0
    for v in item.values():
        if not isinstance(v, str):
            continue
        hm = re.fullmatch(r"(\d{1,2}):(\d{2})", v.strip())
        if hm:  # "7시20분 거": a time said in the 12-hour way names 19:20 as well
            score += (int(hm.group(1)) % 12, int(hm.group(2))) in times
            continue
        # its words as the user wrote them, particles attached ("세인트존스로")
        for w in set(re.findall(r"[\w-]+", v.lower())):
            if len(w) > 1 and (
                w in said_flat or any(w.startswith(x) for x in stems) or w in doings
            ):
                score += 1
            elif any(len(x) >= 2 and w.endswith(x) for x in stems):
                score += 0.5  # the kind of place said for its name: 보건소 for 동작구보건소
    return score


def result_items(result: Any) -> list[dict[str, Any]]:
    """The objects a tool result lists (in any of its top-level lists, or the result itself
    when it is a list)."""
    lists = result.values() if isinstance(result, dict) else [result]
    return [x for v in lists if isinstance(v, list) for x in v if isinstance(x, dict)]


def _singular(key: str) -> str:
    """``services`` -> ``service``, ``branches`` -> ``branch``: what one item of a list is."""
    key = key.lower()
    if re.search(r"(?:ch|sh|ss|x)es$", key):
        return key[:-2]
    return key[:-1] if key.endswith("s") and not key.endswith("ss") else key


def item_fields(result: Any, item: dict[str, Any]) -> dict[str, Any]:
    """An item's fields, each also under the name of what the list holds: the ``code`` of an
    item of ``services`` is its ``service_code``."""
    out = flatten(item)
    lists = result.items() if isinstance(result, dict) else ()
    key = next((k for k, v in lists if isinstance(v, list) and any(x is item for x in v)), None)
    if key:
        one = _singular(str(key))
        for k, v in list(out.items()):
            if "." not in k and not k.lower().startswith(one):
                out.setdefault(f"{one}_{k}", v)
    return out


def picked_item(result: Any, said: str, now: datetime) -> dict[str, Any]:
    """The fields of the one item of a result's list the user picked by its own words ("세인트
    존스로 할게" of three hotels, "7시20분 거" of three showtimes), or of the only item; empty
    when none or several are named equally. A list of choices is answered by naming one. Each
    field is also given under the name of what the list holds (:func:`_item_fields`)."""
    items = result_items(result)
    if not items:
        return {}
    picked = _picked(items, said, now)
    return {} if picked is None else item_fields(result, picked)


def _picked(items: list[dict[str, Any]], said: str, now: datetime) -> dict[str, Any] | None:
    if len(items) == 1:
        return items[0]
    times = set()
    masked = said
    for _ in range(4):
        r = parse_datetime(masked, now)
        if r.time_span is None or r.time is None:
            break
        times.add((r.time.hour % 12, r.time.minute))
        s, e = r.time_span
        masked = masked[:s] + " " * (e - s) + masked[e:]
    at = _item_by_position(said, len(items))
    if at is not None:  # "두 번째 호텔", "첫 번째 책": the item in that place of the list
        return items[at]
    on_day = (
        _items_on_weekday(items, said)
        or _items_on_day_of_month(items, said)
        or _items_on_the_day_said(items, said, now)
    )
    if len(on_day) == 1:  # "토요일 공연" of a Saturday and a Sunday show; "18일 걸로"; "낼 수업"
        return on_day[0]
    in_period = _items_in_period(items, said)
    if len(in_period) == 1:  # "아침 거" of a 7:00 and a 19:00 class
        return in_period[0]
    end = _FIRST_OR_LAST.search(said)
    if in_period and end:  # "오후 첫 타임" of 10:30, 13:00 and 15:30: 13:00
        return in_period[0] if end.group(1) == "첫" else in_period[-1]
    extreme = _item_by_superlative(items, said)
    if extreme is not None:  # "싼 데로" of two campsites: the one with the lowest price
        return extreme
    priced = _item_by_price(items, said)
    if priced is not None:  # "8만 9천원짜리로": the one item at that price
        return priced
    scores = [_item_score(x, said, times) for x in items]
    best = max(scores)
    if best == 0:
        return _item_by_its_english_word(items, said)  # "클레이 코트" of hard and clay
    if scores.count(best) > 1:
        # "풀세차로" of 내외부 풀세차 and 풀세차+유리막 코팅: the one said more wholly, with
        # fewer words of its own left unsaid (an extra is said when it is wanted)
        # (and first the one whose word said is the longest: 스팀세차 over the 세차 inside it)
        tied = [i for i, sc in enumerate(scores) if sc == best]
        keys = {i: _wholly_said(items[i], said, best) for i in tied}
        top = max(keys.values())
        if list(keys.values()).count(top) > 1:
            return None
        return items[next(i for i in tied if keys[i] == top)]
    return items[scores.index(best)]


def _items_on_the_day_said(
    items: list[dict[str, Any]], said: str, now: datetime
) -> list[dict[str, Any]]:
    """The items dated the day said relative to now ("낼 수업 좀 미루고 싶은데" of lessons on
    the 15th, 20th and 22nd: the 15th's)."""
    r = parse_datetime(said, now)
    if r.date is None or r.date_span is None or turned_down(said, r.date_span[1]):
        return []  # ("25일은 안 되니까 다른 걸로": the day said is the one not wanted)
    day = r.date.isoformat()
    return [x for x in items if day in (v for v in x.values() if isinstance(v, str))]


def _wholly_said(item: dict[str, Any], said: str, score: float) -> tuple[int, float]:
    """How wholly an item is said: the length of its longest word said, and the share of its
    names' words said (an item with extras unsaid is the less likely one meant)."""
    said_flat = re.sub(r"\s+", "", said.lower())
    stems = _said_stems(said)
    words = [
        w
        for v in item.values()
        if isinstance(v, str) and re.search(r"[가-힣]", v)
        for w in re.findall(r"[\w-]+", v.lower())
        if len(w) > 1
    ]
    longest = max(
        (len(w) for w in words if w in said_flat or any(w.startswith(x) for x in stems)),
        default=0,
    )
    return longest, score / max(1, len(words))


_ORDINALS = {"첫": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6}
_POSITION = re.compile(
    r"(?:(?P<word>첫|두|둘|세|셋|네|넷|다섯|여섯)\s*(?:번\s*)?째|(?P<n>\d)\s*번\s*째|(?P<last>마지막))"
)
"""첫 번째, 두번째, 둘째, 3번째, 마지막: a place in a list just shown."""
_FIRST_OR_LAST = re.compile(r"(첫|마지막|막)\s*(?:번\s*째|타임|회차|회|차|편|배|시간|거|꺼|걸)")
"""The first or last of some (오후 첫 타임, 저녁 마지막 회차, 첫차, 막차)."""
_PART_OF_THE_DAY = re.compile(r"새벽|아침|오전|점심|낮|오후|저녁|밤")
"""A part of the day named: the first or last said with it is of that part (:func:`_picked`)."""


def _item_by_position(said: str, count: int) -> int | None:
    """Index of the item a message names by its place in the list (두 번째 -> 1, 마지막 ->
    the last); None when it names none, or a place the list does not have."""
    m = _POSITION.search(said)
    if m is None:
        end = _FIRST_OR_LAST.search(said)
        if end is None or _PART_OF_THE_DAY.search(said):
            return None  # (the first of a part of the day is the period's: _picked)
        return 0 if end.group(1) == "첫" else count - 1  # "첫 타임으로", "막차로"
    if m.group("last"):
        if _PART_OF_THE_DAY.search(said):
            return None  # "오전 마지막 거": the last of the morning's (_picked)
        return count - 1 if count > 1 else None
    n = _ORDINALS[m.group("word")] if m.group("word") else int(m.group("n"))
    return n - 1 if 1 <= n <= count else None


_WEEKDAY_SAID = re.compile(rf"([{WEEKDAYS}])(?:요일|욜)")


def _items_on_weekday(items: list[dict[str, Any]], said: str) -> list[dict[str, Any]]:
    """Items with a date (YYYY-MM-DD) that falls on a weekday the message names (토요일 공연,
    금욜 거); empty when it names none."""
    days = {WEEKDAYS.index(m.group(1)) for m in _WEEKDAY_SAID.finditer(said)}
    if not days:
        return []
    out = []
    for item in items:
        for v in item.values():
            if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
                try:
                    on = datetime.fromisoformat(v.strip()).weekday()
                except ValueError:
                    continue
                if on in days:
                    out.append(item)
                    break
    return out


_PASSED_OVER = re.compile(
    r"[가-힣]*\s*(?:은|는|건|이|가)?\s*(?:안\s*(?:돼|되)|말고|빼고|상관\s*없|괜찮|아니)"
)
"""After a mention, what says it is not the one wanted ("18일은 안 되니까", "경력이 많은 건
상관없고")."""
_DAY_OF_MONTH = re.compile(r"(?<![\d월])(\d{1,2})\s*일(?!\s*(?:동안|간|째|요일))")


def _items_on_day_of_month(items: list[dict[str, Any]], said: str) -> list[dict[str, Any]]:
    """Items with a date (YYYY-MM-DD) on a day of the month the message names without its
    month ("18일 걸로" of the 18th and the 25th); empty when it names none."""
    days = {
        int(m.group(1))
        for m in _DAY_OF_MONTH.finditer(said)
        if not _PASSED_OVER.match(said, m.end())
    }
    return [
        item
        for item in items
        if any(
            isinstance(v, str)
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip())
            and int(v.strip()[-2:]) in days
            for v in item.values()
        )
    ]


_PERIODS = (
    (re.compile(r"새벽"), 0, 6),
    (re.compile(r"아침|오전"), 0, 12),
    (re.compile(r"점심|낮(?!에도)"), 11, 15),
    (re.compile(r"오후"), 12, 24),
    (re.compile(r"저녁|밤"), 17, 24),
)
"""Parts of the day a message names an item by, with the hours (from, to) they cover."""


def _items_in_period(items: list[dict[str, Any]], said: str) -> list[dict[str, Any]]:
    """Items with a time (HH:MM) in the part of the day the message names (아침 거, 저녁
    타임); empty when it names none or a time of its own (then the time decides)."""
    hours = [(a, b) for pat, a, b in _PERIODS if pat.search(said)]
    if not hours or re.search(r"\d\s*시|[한두세네]\s*시", said):
        return []
    a, b = hours[0]
    out = []
    for item in items:
        for v in item.values():
            m = re.fullmatch(r"(\d{1,2}):\d{2}", v.strip()) if isinstance(v, str) else None
            if m and a <= int(m.group(1)) < b:
                out.append(item)
                break
    return out


_PRICE_FIELDS = re.compile(r"price|fee|cost|fare|요금|가격|금액")
_SIZE_FIELDS = re.compile(r"size|크기|사이즈|area|평수|면적")
_SIZES = {"xs": 0, "s": 1, "소": 1, "m": 2, "중": 2, "l": 3, "대": 3, "xl": 4, "xxl": 5}
"""Sizes written as letters or 소/중/대, in order (an item's size said as a word, not a number)."""


def _measure(value: Any) -> float | None:
    """A field's value as a number to compare: a number, or a size written as a letter."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip().lower() in _SIZES:
        return float(_SIZES[value.strip().lower()])
    if isinstance(value, str) and (m := _WHEN_VALUE.fullmatch(value.strip())):
        y, mo, d, h, mi = (int(g) if g else 0 for g in m.groups())
        return float(((y * 13 + mo) * 32 + d) * 1440 + h * 60 + mi)
    return None


_WHEN_VALUE = re.compile(r"(?:(\d{4})-(\d{2})-(\d{2}))?[ T]?(?:(\d{1,2}):(\d{2}))?(?::\d{2})?")
"""A date (2026-05-29), a time (14:30) or both, as a result writes them, to compare."""
_WHEN_FIELDS = re.compile(r"date|time|start|depart|날짜|일시|시간|출발")


_SUPERLATIVES = (
    (re.compile(r"(?<![비])싼|저렴한|싸게"), _PRICE_FIELDS, min),
    (re.compile(r"비싼"), _PRICE_FIELDS, max),
    (re.compile(r"가까운|가까이"), re.compile(r"distance|dist|km|거리"), min),
    (
        re.compile(
            r"(?:평점|별점|점수|평가|평)\s*(?:이|가)?\s*(?:제일|가장|젤|최고로)?\s*(?:높은|좋은)"
        ),
        re.compile(r"rating|score|stars|평점|별점"),
        max,
    ),
    (
        re.compile(r"경력\s*(?:이|이가)?\s*(?:제일|가장|젤|더)?\s*(?:많|긴|오래)|베테랑|연차\s*높"),
        re.compile(r"experience|career|years|경력|연차"),
        max,
    ),
    (
        re.compile(r"(?:대기|기다림|웨이팅)\s*(?:이|가)?\s*(?:제일|가장|젤|더)?\s*(?:짧|적|없)"),
        re.compile(r"wait|queue|대기"),
        min,
    ),
    # the one whose deadline comes first ("마감 빠른 거 신청할래")
    (
        re.compile(r"마감\s*(?:이|일)?\s*(?:제일|가장|젤|더)?\s*(?:빠른|임박|가까운|이른|급한)"),
        re.compile(r"deadline|due|마감|closing"),
        min,
    ),
    # the earliest and the latest ("제일 빠른 걸로", "늦은 시간 거")
    (
        re.compile(r"(?:빠른|이른)\s*(?:거|걸|건|것|날|시간|타임|편|차|회차)"),
        _WHEN_FIELDS,
        min,
    ),
    (re.compile(r"(?<![가-힣])늦은\s*(?:거|걸|건|것|날|시간|타임|편|차|회차)"), _WHEN_FIELDS, max),
    # the small one and the big one ("작은 건 해지할래" of an M and an S unit)
    (re.compile(r"(?<![가-힣])작은\s*(?:거|걸|건|것|데|쪽|방|칸)"), _SIZE_FIELDS, min),
    (re.compile(r"(?<![가-힣])큰\s*(?:거|걸|건|것|데|쪽|방|칸)"), _SIZE_FIELDS, max),
)
"""Words that pick the item with the lowest or highest value of a kind of field (the cheapest,
the dearest, the nearest, the best rated, the most experienced, the shortest wait), with the
field names of that kind."""


def _item_by_price(items: list[dict[str, Any]], said: str) -> dict[str, Any] | None:
    """The one item whose price is an amount said in won ("8만9천원짜리로", "12만 원 하는 곳");
    None when no amount is said or not exactly one item costs it."""
    amounts = {n.value for n in numbers(said) if n.unit == "원"}
    if not amounts:
        return None
    hits = [
        x
        for x in items
        if any(
            _PRICE_FIELDS.search(k.lower()) and isinstance(v, int | float) and v in amounts
            for k, v in x.items()
        )
    ]
    return hits[0] if len(hits) == 1 else None


def _item_by_superlative(items: list[dict[str, Any]], said: str) -> dict[str, Any] | None:
    """The one item a superlative names ("싼 데로", "제일 가까운 곳"): the lowest (or highest)
    number in the items' field of the kind it is about; None when it names none, the items
    have no such field, or two share the extreme."""
    for words, fields, pick in _SUPERLATIVES:
        m = words.search(said)
        if m is None or _PASSED_OVER.match(said, m.end()):
            continue
        key = next(
            (k for k in items[0] if fields.search(k.lower()) and _measure(items[0][k]) is not None),
            None,
        )
        raw = [_measure(x.get(key)) for x in items] if key else []
        values = [v for v in raw if v is not None]
        if not key or len(values) != len(items):
            continue
        best = pick(values)
        if values.count(best) == 1:
            return items[values.index(best)]
    return None


def listed_names_said(result: Any, said: str) -> list[str]:
    """The names of a result's listed items that ``said`` mentions, in the order said, however
    spaced ("썬더코스터랑 자이로 타워" of three rides): each item's name-like field (name,
    title, 이름)."""
    squeezed = re.sub(r"\s+", "", said)
    hits: list[tuple[int, str]] = []
    for item in result_items(result):
        for k, v in item.items():
            if not isinstance(v, str) or not _NAME_KEYS.search(k.lower()) or len(v) < 2:
                continue
            at = squeezed.find(re.sub(r"\s+", "", v))
            if at >= 0:
                hits.append((at, v))
    return [v for _, v in sorted(hits)]


_NAME_KEYS = re.compile(r"name|title|이름|명칭")


_SOONEST_SAID = re.compile(r"(?<![가-힣])(?:빠른|이른)\s*(?:날|날짜|걸로|거|걸|때|일정)")
_SOONEST_FIELD = re.compile(r"earliest|soonest|first_available|fastest", re.IGNORECASE)


def soonest_offered(result: Any, said: str) -> Any | None:
    """The earliest day or time a result offers (its ``earliest_due``, ``first_available``),
    when the user takes it ("젤 빠른 날로요"); None when not said or not offered."""
    if not isinstance(result, dict) or not _SOONEST_SAID.search(said):
        return None
    return next(
        (v for k, v in result.items() if _SOONEST_FIELD.search(k) and isinstance(v, str)), None
    )


def _item_by_its_english_word(items: list[dict[str, Any]], said: str) -> dict[str, Any] | None:
    """The one item with an English word of its own (its ``surface``: ``clay``) that the user
    said in Hangul ("클레이 코트 잡아줘"); None when none or several are said."""
    owners: dict[str, set[int]] = {}  # each English word -> the items that have it
    for i, x in enumerate(items):
        for v in x.values():
            if isinstance(v, str) and re.fullmatch(r"[A-Za-z][A-Za-z ]{2,}", v):
                owners.setdefault(v.lower(), set()).add(i)
    # (a short word is read too: the items just listed are what the user is choosing among)
    said_ones = {opt for _, _, opt in loanword_mentions(said, sorted(owners), asked=True)}
    hits = {i for w in said_ones for i in owners.get(w, set())}
    return items[hits.pop()] if len(hits) == 1 else None
