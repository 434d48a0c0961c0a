"""Filling a tool's arguments from one message and from the whole conversation (history, earlier
calls, tool results), validated against the schema."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kodial.korean.datetimes import SEOUL, WEEKDAYS, parse_datetime
from kodial.korean.self_repair import repair
from kodial.tools.acts import tool_act
from kodial.tools.arguments.arrays import extract_arrays
from kodial.tools.arguments.choices import extract_booleans, extract_enums, not_offered
from kodial.tools.arguments.dates import BORN, DURATION, extract_dates, normalise_years
from kodial.tools.arguments.kinds import days_of_month, plates, when_enum
from kodial.tools.arguments.meaning import Encode, enums_by_meaning
from kodial.tools.arguments.message import EMAIL_RE, PHONE_RE, Msg
from kodial.tools.arguments.numbers import extract_numbers
from kodial.tools.arguments.params import is_code_param, param_keywords, param_kind
from kodial.tools.arguments.people import is_person_name, looks_like_person_name
from kodial.tools.arguments.results import Filling, Found
from kodial.tools.arguments.strings import extract_strings
from kodial.tools.arguments.tidy import (
    no_booking_in_the_past,
    no_unit_leftovers,
    only_what_the_schema_allows,
    people_as_they_are,
    place_without_what_is_sought,
    without_copula,
    without_excluded_ends,
)
from kodial.tools.schema import ParamSpec, ToolSpec, validate_arguments
from kodial.tools.text import (
    called_tools,
    content_words,
    has_proper_noun,
    message_text,
    numbers,
    tokens,
)

_BARE_MONTH = re.compile(
    r"(?<![\d.:/-])(?:1[0-2]|0?[1-9])\s*월(?:달)?(?=에|부터|까지|중|쯤|엔|$|[,.?!])"
)
"""A month said alone as when ("10월에", "3월달쯤"), not a day of it (10월 5일), a weekday
(월요일) nor a month that names a thing ("4월 용돈", the memo)."""


_SHORT_YEAR = re.compile(r"(?<!\d)\d{2}년\s*$")


def extract_message(
    tool: ToolSpec,
    text: str,
    now: datetime,
    asked: set[str] | None = None,
    source: str = "message",
    only: set[str] | None = None,
) -> dict[str, Found]:
    """Values for ``tool``'s parameters found in one message. ``asked``: the parameters the
    assistant just asked for (a bare answer fills them); ``only``: the kinds to look for."""
    asked = asked or set()
    # "6시.. 아 아니다 7시로": only the words the speaker did not take back are read
    text = repair(text)
    msg = Msg(text, text)
    out: dict[str, Found] = {}
    by_kind: dict[str, list[ParamSpec]] = {}
    for p in tool.params:
        by_kind.setdefault(param_kind(p), []).append(p)
    if only is not None:
        by_kind = {k: v for k, v in by_kind.items() if k in only}
    extract_dates(tool, by_kind.get("date", []), msg, now, out, source)
    # words the date parser would take for a day or a time are values of some parameters:
    # an enum of parts of the day or of weekdays ("오후", "화"), a day of the month as a number
    # (매달 25일 for 결제일), a car's plate ("12가 3456")
    extract_enums(
        tool, [p for p in by_kind.get("enum", []) if when_enum(p)], msg, asked, out, source
    )
    days_of_month(by_kind.get("number", []), msg, out, source)
    plates(by_kind.get("string", []), msg, out, source)
    # date/time words are read once: hide them from numbers and names (the message as said:
    # a two-digit year, which the parser reads only expanded, and a birth's 생 go with the day)
    for _ in range(4):  # every date/time said (a range has two); "1.5" is a date only where
        # a date is asked for
        r = parse_datetime(msg.masked, now, dotted=bool(by_kind.get("date")))
        spans = [s for s in (r.date_span, r.time_span) if s is not None]
        if not spans:
            break
        for s in spans:
            msg.take(*s)
        if r.date_span is not None:
            year = _SHORT_YEAR.search(text[: r.date_span[0]])
            if year and normalise_years(text) != text:
                msg.take(*year.span())
            born = BORN.match(text, r.date_span[1])
            if born:
                msg.take(*born.span())
    for m in DURATION.finditer(text):
        msg.take(*m.span())
    for m in _BARE_MONTH.finditer(text):  # "아이유 10월에": a month is never a name's part
        if msg.free(*m.span()):
            msg.take(*m.span())
    extract_enums(tool, by_kind.get("enum", []), msg, asked, out, source)
    extract_arrays(tool, by_kind.get("array", []), msg, out, source, now, asked)
    extract_booleans(tool, by_kind.get("boolean", []), msg, asked, out, source)
    if not (by_kind.get("email") or by_kind.get("phone")):
        # no parameter takes them, but their digits are still not numbers
        for m in list(EMAIL_RE.finditer(text)) + list(PHONE_RE.finditer(text)):
            msg.take(*m.span())
    strings = (
        by_kind.get("email", [])
        + by_kind.get("phone", [])
        + by_kind.get("string", [])
        + by_kind.get("text", [])
    )
    # E-mail addresses and phone numbers first (their digits are not numbers), then numbers,
    # then the other strings (which see what the numbers took).
    extract_strings(
        tool, [p for p in strings if param_kind(p) in ("email", "phone")], msg, asked, out, source
    )
    extract_numbers(tool, by_kind.get("number", []), msg, asked, out, source)
    extract_strings(tool, [p for p in strings if p.name not in out], msg, asked, out, source)
    return out


# --- the whole conversation -------------------------------------------------------------------


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict):
                out.update(_flatten(v, f"{k}."))
            out[f"{prefix}{k}"] = v
            out.setdefault(str(k), v)
    return out


_PICK_PARTICLE = re.compile(r"(?:으로|로|에서|이요|요|이|가|을|를|은|는|꺼|거|걸로|것)$")
"""What follows a name the user picks by ("맑은소리로", "솔바람으로", "한라요")."""


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
            if len(w) > 1 and (w in said_flat or any(w.startswith(x) for x in stems)):
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


def _item_fields(result: Any, item: dict[str, Any]) -> dict[str, Any]:
    """An item's fields, each also under the name of what the list holds: the ``code`` of an
    item of ``services`` is its ``service_code``."""
    out = _flatten(item)
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
    return {} if picked is None else _item_fields(result, picked)


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
    on_day = _items_on_weekday(items, said)
    if len(on_day) == 1:  # "토요일 공연" of a Saturday and a Sunday show
        return on_day[0]
    in_period = _items_in_period(items, said)
    if len(in_period) == 1:  # "아침 거" of a 7:00 and a 19:00 class
        return in_period[0]
    extreme = _item_by_superlative(items, said)
    if extreme is not None:  # "싼 데로" of two campsites: the one with the lowest price
        return extreme
    priced = _item_by_price(items, said)
    if priced is not None:  # "8만 9천원짜리로": the one item at that price
        return priced
    scores = [_item_score(x, said, times) for x in items]
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return None
    return items[scores.index(best)]


_ORDINALS = {"첫": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6}
_POSITION = re.compile(
    r"(?:(?P<word>첫|두|둘|세|셋|네|넷|다섯|여섯)\s*(?:번\s*)?째|(?P<n>\d)\s*번\s*째|(?P<last>마지막))"
)
"""첫 번째, 두번째, 둘째, 3번째, 마지막: a place in a list just shown."""


def _item_by_position(said: str, count: int) -> int | None:
    """Index of the item a message names by its place in the list (두 번째 -> 1, 마지막 ->
    the last); None when it names none, or a place the list does not have."""
    m = _POSITION.search(said)
    if m is None:
        return None
    if m.group("last"):
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
)
"""Words that pick the item with the lowest or highest value of a kind of field (the cheapest,
the dearest, the nearest, the best rated), with the field names of that kind."""


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
        if not words.search(said):
            continue
        key = next(
            (
                k
                for k in items[0]
                if fields.search(k.lower()) and isinstance(items[0][k], int | float)
            ),
            None,
        )
        raw = [x.get(key) for x in items] if key else []
        values = [float(v) for v in raw if isinstance(v, int | float) and not isinstance(v, bool)]
        if not key or len(values) != len(items):
            continue
        best = pick(values)
        if values.count(best) == 1:
            return items[values.index(best)]
    return None


def _coerce(p: ParamSpec, value: Any) -> Any | None:
    if value is None:
        return None
    if p.type == "string":
        return value if isinstance(value, str) else None
    if p.type in ("number", "integer"):
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                value = float(value.replace(",", ""))
            except ValueError:
                return None
        if isinstance(value, int | float):
            if p.type == "integer":
                return int(value) if float(value).is_integer() else None
            return int(value) if float(value).is_integer() else value
        return None
    if p.type == "boolean":
        return value if isinstance(value, bool) else None
    return value if validate_arguments(ToolSpec("x", params=(p,)), {p.name: value}) == [] else None


_GENERIC_PARAM_WORDS = frozenset({"이름", "명칭", "name", "id", "아이디", "식별자", "값", "value"})
"""Head nouns nearly every parameter of their kind has: two parameters sharing only these (an
event's 이름 and a person's 이름) hold different things."""


def _same_meaning(p: ParamSpec, other: ParamSpec) -> bool:
    """Whether two same-named parameters of different tools hold the same thing: their
    descriptions share a word other than a generic head noun (킬로그램 단위의 무게 / 체중
    (킬로그램 단위) do; 추가할 일정의 이름 / 사람의 이름 do not). Without a description on
    either side there is nothing to tell them apart, and the name decides."""
    if not p.description.strip() or not other.description.strip():
        return True
    return bool(_meaning_words(p.description) & _meaning_words(other.description))


def _meaning_words(description: str) -> set[str]:
    """Content words of a parameter description, with its units (킬로그램 is a bound noun to
    the analyser), less the generic head nouns."""
    units = {t.form.lower() for t in tokens(description) if t.tag == "NNB" and len(t.form) > 1}
    return (set(content_words(description)) | units) - _GENERIC_PARAM_WORDS


def _carries(tool: ToolSpec, p: ParamSpec, called: str, tools: Sequence[ToolSpec]) -> bool:
    """Whether an argument ``p.name`` of an earlier call of ``called`` may fill ``p``."""
    if called == tool.name:
        return True
    spec = next((t for t in tools if t.name == called), None)
    other = next((q for q in spec.params if q.name == p.name), None) if spec else None
    return other is None or _same_meaning(p, other)


def _only_particles(value: Any) -> bool:
    """A string of particles only ("부터", "에도"): what is left of a phrase whose words were
    read as other values, never a value itself."""
    if not isinstance(value, str) or not value.strip():
        return False
    toks = tokens(value)
    return bool(toks) and all(t.tag.startswith("J") for t in toks)


_ANOTHER = re.compile(r"(?:하나|한\s*(?:개|대|명|건|장|마리|분))\s*더(?![가-힣])")
"""One more of a kind ("방문차 하나 더 등록해줘"): a new thing, whose number (차량 번호) is not
the last one's; where it is made (the branch) may be."""


_SAME_DAY = re.compile(r"(?<![가-힣])(?:(?:이|그|저|같은)\s*(?:날짜|날|일자)|그날|이날|당일)")


def fill_arguments(
    tool: ToolSpec,
    messages: list[dict[str, Any]],
    now: datetime | None = None,
    asked: set[str] | None = None,
    tools: Sequence[ToolSpec] = (),
    encode: Encode | None = None,
) -> Filling:
    """Arguments for ``tool`` from the conversation (OpenAI messages, oldest first).

    The latest user message is read for every kind of value, and a bare answer fills the
    ``asked`` parameters. Earlier user messages since the last tool result fill what is still
    open; older ones only typed values (dates, e-mails, phone numbers). Then arguments of earlier
    calls and fields of tool results with the parameter's exact name fill the rest; an earlier
    call of another of the offered ``tools`` only when its parameter of that name means the same
    (:func:`_same_meaning`), so an event's name never becomes a contact's. With ``encode`` (the
    sentence encoder), an enum of Latin identifiers still open is read by meaning from the
    user's words since the last tool result (:func:`enum_by_meaning`: 디럭스 -> ``deluxe``).
    """
    now = now or datetime.now(SEOUL)
    filling = Filling(tool)
    user_idx = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    last_tool = max((i for i, m in enumerate(messages) if m.get("role") == "tool"), default=-1)
    act = tool_act(tool)
    required = set(tool.required)
    latest = message_text(messages[user_idx[-1]]) if user_idx else ""
    since = " ".join(message_text(messages[i]) for i in user_idx if i > last_tool)
    same_day = bool(_SAME_DAY.search(since))  # "이 날짜 디데이 설정해줘": the day said before
    called_later: set[str] = set()  # tools called after the message read (newest first)
    guessed: dict[str, Found] = {}
    end = len(messages)
    for rank, i in enumerate(reversed(user_idx)):
        called_later.update(called_tools(messages[i + 1 : end]))
        end = i + 1
        text = message_text(messages[i])
        if not text.strip():
            continue
        source = "message" if rank == 0 else "history"
        # a message before the last result gives only typed values, and its days only to the
        # tool it led to ("낼 PT 비는 시간" is not when a membership pause starts)
        only = (
            None
            if (rank == 0 or i > last_tool)
            else {"date", "email", "phone"}
            if tool.name in called_later or same_day
            else {"email", "phone"}
        )
        found = extract_message(tool, text, now, asked if rank == 0 else set(), source, only)
        for k, v in found.items():
            # Earlier messages give values only by their own words, except the request an open
            # question continues: what was guessed from it then was not asked for, so the
            # question took it as given ("할 일에 X 하기 추가해줘" / "기한은?" / "금요일").
            continued = asked is not None and bool(asked) and k not in asked and i > last_tool
            if rank > 0 and act == "modify" and k not in required:
                continue  # what a change changes is what the user says now ("11시로 바꿔줘")
            if i < last_tool and k not in required:
                # an option is the current request's: "아침 8시" of an earlier, finished request
                # is not when a blood pressure just said was measured
                continue
            named = isinstance(v.value, str) and has_proper_noun(v.value)
            if rank == 0 and asked and k not in asked and not v.strong and not named:
                # "일반석이요" answering a question about the seat: a guess for a parameter
                # not asked about gives way to what the request it answers said ("부산 가는"),
                # unless it is a name, which corrects it ("서귀포에서 경차로")
                guessed.setdefault(k, v)
                continue
            if (rank == 0 or v.strong or continued) and not _only_particles(v.value):
                filling.found.setdefault(k, v)
    for k, v in guessed.items():
        if k in filling.found:
            filling.gave_way.append(k)
        elif not _only_particles(v.value):
            filling.found[k] = v
    people_as_they_are(filling)
    without_excluded_ends(filling)
    no_unit_leftovers(filling)
    without_copula(filling)
    place_without_what_is_sought(filling)
    no_booking_in_the_past(filling, now)
    if encode is not None:
        enums_by_meaning(filling, messages, user_idx, last_tool, encode, asked or set())
    for p in tool.params:  # "카드로요" for [cash, transfer]: asked again with what is offered
        f = filling.found.get(p.name)
        if p.name in (asked or ()) and (f is None or not f.strong) and not_offered(p, latest):
            filling.found.pop(p.name, None)
            filling.refused.append(p.name)
    # earlier calls and tool results, newest first
    for i in reversed(range(len(messages))):
        m = messages[i]
        if m.get("role") == "assistant":
            for call in m.get("tool_calls") or []:
                fn = call.get("function", {}) if isinstance(call, dict) else {}
                try:
                    args = json.loads(fn.get("arguments") or "{}")
                except (TypeError, json.JSONDecodeError):
                    continue
                if not isinstance(args, dict):
                    continue
                called = str(fn.get("name") or "")
                # "방문차 하나 더 등록해줘": a new one, whose number is not the last one's
                another = called == tool.name and act == "create" and _ANOTHER.search(latest)
                for p in tool.params:
                    if p.name in filling.found or p.name not in args or not p.required:
                        continue
                    if another and is_code_param(p):
                        continue
                    if not _carries(tool, p, called, tools):
                        continue
                    coerced = _coerce(p, args[p.name])
                    if coerced is not None:
                        filling.found[p.name] = Found(coerced, "call", str(args[p.name]))
        elif m.get("role") == "tool":
            try:
                result = json.loads(message_text(m))
            except json.JSONDecodeError:
                continue
            flat = _flatten(result)
            said = " ".join(message_text(x) for x in messages[i:] if x.get("role") == "user")
            flat.update({k: v for k, v in picked_item(result, said, now).items() if k not in flat})
            for p in tool.params:
                if p.name in filling.found or p.name not in flat or not p.required:
                    continue
                if act == "create" and not is_code_param(p) and param_kind(p) in ("date", "number"):
                    # a new booking or event takes the ids and names a result gives (the pet
                    # just looked up), never its times or counts: the time of the event just
                    # deleted is not the new one's
                    continue
                if is_person_name(p) and not looks_like_person_name(flat[p.name]):
                    continue  # the name of the clinic just picked is not whose appointment
                coerced = _coerce(p, flat[p.name])
                if coerced is not None:
                    filling.found[p.name] = Found(coerced, "tool_result", str(flat[p.name]))
    # "문자 하나 보내줘", "문장 하나 번역해줘": a new one, not yet said, so not an earlier one
    for p in tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source == "message" or param_kind(p) != "text":
            continue
        keys = [k for k in param_keywords(p, tool) if len(k) > 1]
        if any(re.search(rf"{re.escape(k)}\s*(?:하나|한\s*(?:개|통|줄|건))", latest) for k in keys):
            del filling.found[p.name]
    only_what_the_schema_allows(filling)
    return filling
