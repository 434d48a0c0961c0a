"""Filling a tool's arguments from one message and from the whole conversation (history, earlier
calls, tool results), validated against the schema."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from kodial.korean.datetimes import PERIODS, SEOUL, parse_datetime, resolve_hour
from kodial.korean.self_repair import repair, taken_back_where_first_said
from kodial.tools.acts import text_act, tool_act
from kodial.tools.arguments.arrays import extract_arrays
from kodial.tools.arguments.booleans import extract_booleans
from kodial.tools.arguments.carried import carries, described_alike, made_by, option_carried
from kodial.tools.arguments.choices import extract_enums, not_offered
from kodial.tools.arguments.clock import PERIOD_WORD, clock_options, end_from_a_duration
from kodial.tools.arguments.dates import BORN, DURATION, extract_dates, normalise_years
from kodial.tools.arguments.handoff import (
    CLOCK,
    code_of_the_item_named,
    coerce,
    listed_code_for_words,
    listed_codes_of_things,
    names_listed_and_said,
    the_listed_time_of_the_part,
    the_soonest_offered,
    the_value_just_named,
    time_of_the_chosen,
)
from kodial.tools.arguments.kinds import days_of_month, plates, when_enum
from kodial.tools.arguments.labels import labelled_answer
from kodial.tools.arguments.meaning import Encode, enums_by_meaning
from kodial.tools.arguments.message import EMAIL_RE, PHONE_RE, URL_RE, Msg
from kodial.tools.arguments.months import months_said
from kodial.tools.arguments.numbers import extract_numbers
from kodial.tools.arguments.params import (
    date_format,
    is_code_param,
    is_hour_param,
    param_keywords,
    param_kind,
)
from kodial.tools.arguments.people import is_person_name, looks_like_person_name
from kodial.tools.arguments.picking import (
    flatten,
    picked_item,
    result_items,
)
from kodial.tools.arguments.results import Filling, Found
from kodial.tools.arguments.strings import extract_strings
from kodial.tools.arguments.tidy import (
    name_without_what_the_tool_is_about,
    no_booking_in_the_past,
    no_unit_leftovers,
    only_what_the_schema_allows,
    people_as_they_are,
    place_without_what_is_sought,
    text_without_a_lone_particle,
    without_copula,
    without_excluded_ends,
)
from kodial.tools.schema import ParamSpec, ToolSpec
from kodial.tools.text import (
    called_tools,
    has_proper_noun,
    message_text,
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
    text = repair(taken_back_where_first_said(text))
    msg = Msg(text, text)
    out: dict[str, Found] = {}
    by_kind: dict[str, list[ParamSpec]] = {}
    for p in tool.params:
        by_kind.setdefault(param_kind(p), []).append(p)
    if only is not None:
        by_kind = {k: v for k, v in by_kind.items() if k in only}
    answered = labelled_answer(tool, text, asked) if source == "message" else None
    if answered:  # "팀명 새벽세시": the labelled answer whole, before any time is read in it
        said, (a, b) = answered
        out[said.name] = Found(text[a:b], "answer", text[a:b])
        text = text[:a] + " " * (b - a) + text[b:]  # (no reader sees its words again)
        msg = Msg(text, text)
    # a year among listed years (귀속 연도 [2020..2024]) is read as a year too: "작년이요"
    years = [p for p in by_kind.get("enum", []) if getattr(date_format(p), "part", None) == "year"]
    extract_dates(tool, by_kind.get("date", []) + years, msg, now, out, source)
    # words the date parser would take for a day or a time are values of some parameters:
    # an enum of parts of the day or of weekdays ("오후", "화"), a day of the month as a number
    # (매달 25일 for 결제일), a car's plate ("12가 3456")
    extract_enums(
        tool, [p for p in by_kind.get("enum", []) if when_enum(p)], msg, asked, out, source
    )
    timed_lists = [p for p in by_kind.get("array", []) if when_enum(replace(p, enum=p.items_enum))]
    extract_arrays(tool, timed_lists, msg, out, source, now, asked)  # "밤이랑 새벽에"
    clock_options(by_kind.get("enum", []), msg, now, out, source)
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
    arrays = [p for p in by_kind.get("array", []) if p.name not in out]
    extract_arrays(tool, arrays, msg, out, source, now, asked)
    extract_booleans(tool, by_kind.get("boolean", []), msg, asked, out, source)
    if not (by_kind.get("email") or by_kind.get("phone") or by_kind.get("url")):
        # no parameter takes them, but their digits are still not numbers
        for rule in (URL_RE, EMAIL_RE, PHONE_RE):
            for m in rule.finditer(text):
                if msg.free(*m.span()):
                    msg.take(*m.span())
    month_asked = any(
        getattr(date_format(p), "part", None) == "year_month" for p in by_kind.get("date", [])
    )
    for _, span in months_said(text, now) if month_asked else ():  # "배송은 다음 달에": the
        if msg.free(*span) and not re.search(r"\d", text[span[0] : span[1]]):  # month's, no
            msg.take(*span)  # address (a memo without a month asked keeps it: "다음 달 이사")
    strings = (
        by_kind.get("email", [])
        + by_kind.get("phone", [])
        + by_kind.get("url", [])
        + by_kind.get("string", [])
        + by_kind.get("text", [])
    )
    # E-mail addresses and phone numbers first (their digits are not numbers), then numbers,
    # then the other strings (which see what the numbers took).
    extract_strings(
        tool,
        [p for p in strings if param_kind(p) in ("email", "phone", "url")],
        msg,
        asked,
        out,
        source,
    )
    extract_numbers(tool, by_kind.get("number", []), msg, asked, out, source)
    extract_strings(tool, [p for p in strings if p.name not in out], msg, asked, out, source)
    return out


# --- the whole conversation -------------------------------------------------------------------


def _picks_a_listed_time(
    messages: list[dict[str, Any]], last_tool: int, said: str, now: datetime
) -> bool:
    """Whether what was said since the last result names one of the times (HH:MM) it lists."""
    if last_tool < 0:
        return False
    listed = {
        (int(c[:2]) % 12, int(c[3:])) for c in CLOCK.findall(message_text(messages[last_tool]))
    }
    when = parse_datetime(said, now).time
    return when is not None and (when.hour % 12, when.minute) in listed


def _no_value(k: str, found: Found, asked: set[str] | None, said: str) -> bool:
    """Whether a value read is none: particles only, or a word that only agrees opening what
    was ``said`` ("오케이 불러 줘"), unless it answers a question about ``k`` (닉네임을
    오케이로 바꿔줘 says it as the value)."""
    value = found.value
    if isinstance(value, str) and _AGREEING.fullmatch(value.strip()):
        return k not in (asked or set()) and said.strip().startswith(value.strip())
    return _only_particles(value)


def _only_particles(value: Any) -> bool:
    """A string of particles only ("부터", "에도"): what is left of a phrase whose words were
    read as other values, never a value itself."""
    if not isinstance(value, str) or not value.strip():
        return False
    toks = tokens(value)
    return bool(toks) and all(t.tag.startswith("J") for t in toks)


_AGREEING = re.compile(
    r"(?:오케이|오키|오케|ㅇㅋ|ㅇㅇ|okay|ok|콜|좋아요?|그래요?|네|넵|응|알겠어요?|알겠습니다)[.!~]*",
    re.IGNORECASE,
)

_ANOTHER = re.compile(r"(?:하나|한\s*(?:개|대|명|건|장|마리|분))\s*더(?![가-힣])")
"""One more of a kind ("방문차 하나 더 등록해줘"): a new thing, whose number (차량 번호) is not
the last one's; where it is made (the branch) may be."""


_THAT_ONE_TOO = re.compile(r"(?:것|거|꺼)도\s*(?:넣|기록|추가|등록|적|써)")
"""Another record of the same kind for another occasion ("어제 저녁 것도 넣어줘"): what it
holds is not the last one's."""


_GOES_ON = re.compile(r"(?:그럼|그러면|그렇다면|그럼요)(?![가-힣])")
"""A request that goes on from what a result just said (그럼 ...)."""
_SAME_DAY = re.compile(r"(?<![가-힣])(?:(?:이|그|저|같은)\s*(?:날짜|날|일자)|그날|이날|당일)")


_SAME_TIME = re.compile(
    r"(?<![가-힣])(?:같은|그)\s*(?:시간|시각|시간대)(?:으로|로|에|요|$|\s)(?!\s*(?:말고|빼고|은|는|안))"
)
_HOUR_FIELD = re.compile(r'hour\\?"\s*:\s*(\d{1,2})\b')


def _the_listed_half_of_the_day(
    filling: Filling, messages: list[dict[str, Any]], last_tool: int
) -> None:
    """ "10시 걸로" of sessions at 10:00 and 15:30: a bare hour said of a listed time is that
    time, in the half of the day the list has it (not the next 10 o'clock on the clock)."""
    if last_tool < 0:
        return
    listed = set(CLOCK.findall(message_text(messages[last_tool])))
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source != "message" or getattr(date_format(p), "part", None) != "time":
            continue
        if not isinstance(f.value, str) or not CLOCK.fullmatch(f.value):
            continue
        if PERIOD_WORD.search(f.text) or f.value in listed:
            continue
        hour, minute = int(f.value[:2]), f.value[3:]
        other = f"{(hour + 12) % 24:02d}:{minute}"
        if other in listed:
            filling.found[p.name] = Found(other, f.source, f.text, f.strong)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_BARE_DAY = re.compile(r"(\d{1,2})\s*일")


def _the_listed_day_of_the_month(
    filling: Filling, messages: list[dict[str, Any]], last_tool: int
) -> None:
    """ "15일 출발" of departures listed on 2026-01-08 and 2026-01-15: a bare day of the month
    said of a listed date is that date, in the list's month (not the next 15th on the calendar)."""
    if last_tool < 0:
        return
    listed = set(_ISO_DAY.findall(message_text(messages[last_tool])))
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "history"):
            continue
        if getattr(date_format(p), "part", None) != "date" or f.value in listed:
            continue
        if not isinstance(f.value, str) or not _ISO_DAY.fullmatch(f.value):
            continue  # (a date written otherwise is left as it is)
        said = _BARE_DAY.fullmatch(f.text.strip())
        if said is None:
            continue
        same_day = [d for d in listed if int(d[8:]) == int(said.group(1))]
        if len(same_day) == 1:
            filling.found[p.name] = Found(same_day[0], f.source, f.text, f.strong)


_PERIOD_ALONE = re.compile(
    r"(?<![가-힣])("
    + "|".join(PERIODS)
    + r")(?:에|에는|쯤|때)?(?!\s*(?:\d|[한두세네다여일아열]\S*\s*시))"
)


def _the_part_of_the_day_said_before(
    filling: Filling, messages: list[dict[str, Any]], user_idx: list[int], last_tool: int
) -> None:
    """ "낼 새벽에 공항 가야 되는데 ..." then "다섯 시 반에 와줘": a bare hour answering for a
    time is in the one part of the day the request said earlier without an hour (05:30)."""
    earlier = [message_text(messages[i]) for i in user_idx[:-1] if i > last_tool]
    said = {m.group(1) for text in earlier for m in _PERIOD_ALONE.finditer(text)}
    if len(said) != 1:
        return
    period = said.pop()
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "answer"):
            continue
        if getattr(date_format(p), "part", None) != "time" or PERIOD_WORD.search(f.text):
            continue
        if not isinstance(f.value, str) or not CLOCK.fullmatch(f.value):
            continue
        if re.search(r"(?:1[3-9]|2\d)\s*(?:시|:)", f.text):
            continue  # "17시": the clock said whole
        hour, minute = int(f.value[:2]), f.value[3:]
        placed, _ = resolve_hour(hour % 12 or 12, period)
        value = f"{placed:02d}:{minute}"
        if value != f.value:
            filling.found[p.name] = Found(value, f.source, f.text, f.strong)


def _same_time_as_before(filling: Filling, messages: list[dict[str, Any]], latest: str) -> None:
    """ "토요일 같은 시간으로 바꿔주세요": a time asked for and not said is the time of what
    was booked or called last (its HH:MM in the newest tool result or call)."""
    open_times = [
        p
        for p in filling.tool.params
        if p.name not in filling.found
        and (getattr(date_format(p), "part", None) == "time" or is_hour_param(p))
    ]
    if len(open_times) != 1 or not _SAME_TIME.search(latest):
        return
    hour = is_hour_param(open_times[0])
    for m in reversed(messages):
        if m.get("role") == "tool":
            text = message_text(m)
        elif m.get("role") == "assistant" and m.get("tool_calls"):
            text = json.dumps(m["tool_calls"], ensure_ascii=False)
        else:
            continue
        clocks: set[Any] = set(CLOCK.findall(text))
        if hour:  # an hour of the day as an integer: "visit_hour": 14, or 14:00
            clocks = {int(c[:2]) for c in clocks} | {int(h) for h in _HOUR_FIELD.findall(text)}
        if not clocks:
            continue  # a result with no time (a booking number): the call before it has one
        if len(clocks) == 1:
            value = clocks.pop()
            filling.found[open_times[0].name] = Found(value, "tool_result", str(value))
        return


def fill_arguments(
    tool: ToolSpec,
    messages: list[dict[str, Any]],
    now: datetime | None = None,
    asked: set[str] | None = None,
    tools: Sequence[ToolSpec] = (),
    encode: Encode | None = None,
    follows_up: bool = False,
) -> Filling:
    """Arguments for ``tool`` from the conversation (OpenAI messages, oldest first).

    The latest user message is read for every kind of value, and a bare answer fills the
    ``asked`` parameters. Earlier user messages since the last tool result fill what is still
    open; older ones only typed values (dates, e-mails, phone numbers). Then arguments of earlier
    calls and fields of tool results with the parameter's exact name fill the rest; an earlier
    call of another of the offered ``tools`` only when its parameter of that name means the same
    (:func:`~kodial.tools.arguments.carried.same_meaning`), so an event's name never becomes a contact's. With ``encode`` (the
    sentence encoder), an enum of Latin identifiers still open is read by meaning from the
    user's words since the last tool result (:func:`enum_by_meaning`: 디럭스 -> ``deluxe``).
    ``follows_up``: the message asks the last call again with a new value ("그럼 토요일은?"),
    so that call's optional arguments (15시 이후) stand as well as its required ones.
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
    # "그럼 입장권도 끊어 주세요" after a day's schedule: the same outing goes on, on that day
    same_day = same_day or (
        bool(_GOES_ON.match(latest.strip())) and "create" in (act, text_act(latest))
    )
    # "1시로 해주세요" of the times a day's look-up listed: that day's
    same_day = same_day or _picks_a_listed_time(messages, last_tool, since, now)
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
            else {"date", "email", "phone", "url"}
            if tool.name in called_later or same_day
            else {"email", "phone", "url"}
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
            if (rank == 0 or v.strong or continued) and not _no_value(k, v, asked, text):
                filling.found.setdefault(k, v)
    for k, v in guessed.items():
        if k in filling.found:
            filling.gave_way.append(k)
        elif not _no_value(k, v, asked, latest):
            filling.found[k] = v
    people_as_they_are(filling)
    without_excluded_ends(filling)
    no_unit_leftovers(filling)
    without_copula(filling)
    place_without_what_is_sought(filling)
    name_without_what_the_tool_is_about(filling)
    text_without_a_lone_particle(filling)
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
                kept = follows_up and called == tool.name
                for p in tool.params:
                    key = p.name if p.name in args else described_alike(p, called, tools)
                    if p.name in filling.found or key not in args:
                        continue
                    if not p.required and not kept and not option_carried(tool, p, called, act):
                        continue
                    if another and is_code_param(p):
                        continue
                    if (
                        called == tool.name
                        and _THAT_ONE_TOO.search(since)
                        and param_kind(p) in ("array", "string", "text")
                        and not is_code_param(p)
                    ):
                        continue  # "어제 저녁 것도 넣어줘": not the foods of the last record
                    if key == p.name and not carries(tool, p, called, tools):
                        continue
                    if act == "create" and param_kind(p) == "date" and made_by(tool, called, tools):
                        continue  # (the one visit booked is not when the regular ones come)
                    coerced = coerce(p, args[key])
                    if coerced is not None:
                        filling.found[p.name] = Found(coerced, "call", str(args[key]))
        elif m.get("role") == "tool":
            try:
                result = json.loads(message_text(m))
            except json.JSONDecodeError:
                continue
            flat = flatten(result)
            said = " ".join(message_text(x) for x in messages[i:] if x.get("role") == "user")
            picked = picked_item(result, said, now)
            flat.update({k: v for k, v in picked.items() if k not in flat})
            # an item the user chose among several of the last result ("오후 걸로" of two
            # sessions), not the only one, nor one an earlier request acted on
            chosen = picked if i == last_tool and len(result_items(result)) > 1 else {}
            time_of_the_chosen(tool, chosen, flat)
            listed_code_for_words(filling, result, picked)
            code_of_the_item_named(filling, result)
            listed_codes_of_things(filling, result, said)
            names_listed_and_said(filling, result, said)
            the_soonest_offered(filling, tool, result, said)  # "젤 빠른 날로요"
            the_listed_time_of_the_part(filling, tool, result, said)  # "오후 걸로"
            for p in tool.params:
                if p.name in filling.found or p.name not in flat:
                    continue
                if not p.required and not (p.name in chosen and isinstance(chosen[p.name], str)):
                    continue  # (the zone of the stall chosen is the booking's, said or not)
                # the day of a list an item was chosen from is the item's (a day's slots)
                of_the_list = bool(chosen) and isinstance(result, dict) and p.name in result
                if (
                    act == "create"
                    and not is_code_param(p)
                    and param_kind(p) in ("date", "number")
                    and p.name not in chosen
                    and not (of_the_list and param_kind(p) == "date")
                ):
                    # a new booking or event takes the ids and names a result gives (the pet
                    # just looked up), never its times or counts: the time of the event just
                    # deleted is not the new one's; the time of a session chosen from a list is
                    continue
                if is_person_name(p) and not looks_like_person_name(flat[p.name]):
                    continue  # the name of the clinic just picked is not whose appointment
                coerced = coerce(p, flat[p.name])
                if coerced is not None:
                    filling.found[p.name] = Found(coerced, "tool_result", str(flat[p.name]))
    _same_time_as_before(filling, messages, latest)
    the_value_just_named(filling, tool, messages, latest)  # "그럼 그걸로 보여줘"
    _the_listed_half_of_the_day(filling, messages, last_tool)
    _the_listed_day_of_the_month(filling, messages, last_tool)
    _the_part_of_the_day_said_before(filling, messages, user_idx, last_tool)
    # "문자 하나 보내줘", "문장 하나 번역해줘": a new one, not yet said, so not an earlier one
    for p in tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source == "message" or param_kind(p) != "text":
            continue
        keys = [k for k in param_keywords(p, tool) if len(k) > 1]
        if any(re.search(rf"{re.escape(k)}\s*(?:하나|한\s*(?:개|통|줄|건))", latest) for k in keys):
            del filling.found[p.name]
    end_from_a_duration(filling, since)  # "두 시간 쓰고 싶어" + "오후 2시부터": 14:00-16:00
    only_what_the_schema_allows(filling)
    return filling
