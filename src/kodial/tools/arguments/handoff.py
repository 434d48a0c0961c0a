"""Values handed on from a tool result to the next call: the time of an item chosen from a
list, an identifier said in words or by another field of the item it names, the codes of things
said with their counts, names listed and said, the one listed time in a part of the day said;
and a value from a call or a result coerced to
the type its parameter asks for."""

from __future__ import annotations

import re
from typing import Any

from kodial.tools.arguments.choices import enum_mentions
from kodial.tools.arguments.clock import in_the_part_said
from kodial.tools.arguments.params import (
    NEW_VALUE,
    date_format,
    enum_options,
    is_code_param,
    param_kind,
    words_of,
)
from kodial.tools.arguments.picking import (
    item_fields,
    listed_names_said,
    result_items,
    soonest_offered,
)
from kodial.tools.arguments.results import Filling, Found
from kodial.tools.schema import ParamSpec, ToolSpec, validate_arguments
from kodial.tools.text import message_text, tokens


def time_of_the_chosen(tool: ToolSpec, chosen: dict[str, Any], flat: dict[str, Any]) -> None:
    """The one time of day (HH:MM) of an item chosen from a list ("오후 걸로" of sessions at
    10:00 and 15:30) for the tool's one time parameter, whatever either is named (added to
    both the result's fields and the chosen item's)."""
    times = {
        v.strip()
        for k, value in chosen.items()
        if _WHEN_FIELD.search(k.lower())
        # (or the one free slot it lists: "free_slots": ["11:00"])
        for v in (value if isinstance(value, list) and len(value) == 1 else [value])
        if isinstance(v, str) and _HH_MM.fullmatch(v.strip())
    }
    wanted = [p for p in tool.params if getattr(date_format(p), "part", None) == "time"]
    # (a time a thing is changed to is never the time it has: new_time of the lesson moved)
    wanted = [p for p in wanted if not NEW_VALUE.search(words_of(p))]
    if len(times) == 1 and len(wanted) == 1 and wanted[0].name not in flat:
        flat[wanted[0].name] = chosen[wanted[0].name] = times.pop()


_WHEN_FIELD = re.compile(r"time|start|slot|session|시각|시간|회차|타임|begin|depart")
"""Fields that say when an item takes place (not when a place opens or closes)."""
_HH_MM = re.compile(r"(?:[01]?\d|2[0-3]):[0-5]\d")


def coerce(p: ParamSpec, value: Any) -> Any | None:
    """``value`` (from a call or a tool result) as ``p``'s type asks, None when it is not one."""
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


def listed_code_for_words(filling: Filling, result: Any, picked: dict[str, Any]) -> None:
    """ "3번출구꺼" for a locker listed as GN-03 at 3번 출구: an identifier said in words (or as
    one part of the picked item's: "sk 경기" for KBL-1108-SK-LG) that no listed item has as its
    identifier is the identifier of the item those words picked."""
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "history") or not is_code_param(p):
            continue
        said = str(f.value)
        fragment = said.lower() in str(picked.get(p.name, "")).lower().split("-")
        if p.name not in picked or not (re.search(r"[가-힣]", said) or fragment):
            continue  # a code said as a code (KE1208) is meant as said; a part of the
            # picked one's (sk of KBL-1108-SK-LG) names that one
        listed = {str(item_fields(result, x).get(p.name)) for x in result_items(result)}
        if str(f.value) not in listed:
            coerced = coerce(p, picked[p.name])
            if coerced is not None:
                filling.found[p.name] = Found(coerced, "tool_result", str(picked[p.name]))


def code_of_the_item_named(filling: Filling, result: Any) -> None:
    """ "M 창고는 토요일에 갈게요" of units listed as {unit_id: ST-B204, size: M} and {unit_id:
    ST-C011, size: S}: an identifier read as a word without digits that is another field's
    value of exactly one listed item is that item's identifier."""
    items = result_items(result)
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "history") or not is_code_param(p):
            continue
        said = str(f.value).strip().lower()
        if not said or re.search(r"\d", said):
            continue
        owners = [
            x
            for x in items
            if any(isinstance(v, str) and v.strip().lower() == said for v in x.values())
        ]
        code = item_fields(result, owners[0]).get(p.name) if len(owners) == 1 else None
        if code is not None and str(code).lower() != said:
            coerced = coerce(p, code)
            if coerced is not None:
                filling.found[p.name] = Found(coerced, "tool_result", str(code))


def _said_with_another_noun(name: str, item: dict[str, Any], said: str) -> bool:
    """Whether ``name`` was said right after a noun the item does not have ("녹차 라떼" for a
    바닐라 라떼): another thing of that kind, not the listed one."""
    own = {w for v in item.values() if isinstance(v, str) for w in v.split()}
    for m in re.finditer(re.escape(name), said):
        lead = said[: m.start()].rstrip()
        before = tokens(lead[-12:])
        if (
            before
            and before[-1].tag in ("NNG", "NNP")
            and before[-1].form not in own
            and lead.endswith(before[-1].form)
        ):
            return True
    return False


def listed_codes_of_things(filling: Filling, result: Any, said_since: str) -> None:
    """ "딸기케이크 하나랑 치즈케이크 하나" for items of ``{item_code, qty}`` after a menu that
    lists them: each thing's code said in words is the code of the one listed item whose words
    cover every letter said (치즈케이크 is the 치즈케이크, not any 케이크)."""
    items = result_items(result)
    for p in filling.tool.params:
        f = filling.found.get(p.name)
        if f is None or f.source not in ("message", "history") or not isinstance(f.value, list):
            continue
        for thing in f.value:
            if not isinstance(thing, dict):
                continue
            for key, said in list(thing.items()):
                if not isinstance(said, str) or not re.fullmatch(r"[가-힣\s]+", said):
                    continue
                if not re.search(r"(?:^|_)(?:code|id)$|Id$", key):
                    continue
                flat = re.sub(r"\s+", "", said)
                scores = [
                    sum(
                        len(w)
                        for v in item.values()
                        if isinstance(v, str)
                        for w in set(v.split())
                        if len(w) >= 2 and w in flat
                    )
                    if key in item
                    else 0
                    for item in items
                ]
                # every letter said is the item's (딸기+케이크 for 딸기케이크; 녹차 라떼 is no
                # 바닐라 라떼, whatever word they share)
                whole = [i for i, sc in enumerate(scores) if sc >= len(flat)]
                if len(whole) == 1 and not _said_with_another_noun(
                    said, items[whole[0]], said_since
                ):
                    thing[key] = items[whole[0]][key]


def names_listed_and_said(filling: Filling, result: Any, said: str) -> None:
    """ "썬더 코스터랑 자이로 타워" of the rides a result listed: a list of names takes the
    listed items' names said, as the list writes them (범퍼카 said for 범퍼 카)."""
    names = listed_names_said(result, said)
    if not names:
        return
    squeezed = {re.sub(r"\s+", "", n) for n in names}
    for p in filling.tool.params:
        if p.items_type != "string" or p.items_enum:
            continue
        if not re.search(r"이름|name|목록|list", f"{p.name} {p.description}"):
            continue
        had = filling.found.get(p.name)
        if had is None or (
            isinstance(had.value, list)
            and {re.sub(r"\s+", "", str(v)) for v in had.value} == squeezed
        ):
            filling.found[p.name] = Found(names, "tool_result", ", ".join(names))


def the_soonest_offered(filling: Filling, tool: ToolSpec, result: Any, said: str) -> None:
    """The earliest day or time a result offers (its ``earliest_due``) for the tool's first
    day or time not yet known, when the user takes it ("젤 빠른 날로요")."""
    soonest = soonest_offered(result, said)
    for p in tool.params if soonest is not None else ():
        if p.name not in filling.found and param_kind(p) in ("date", "time"):
            coerced = coerce(p, soonest)
            if coerced is not None:
                filling.found[p.name] = Found(coerced, "tool_result", str(soonest))
                return


CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
"""A time of day written HH:MM."""


def _listed_times(result: Any) -> set[str]:
    """Every time of day (HH:MM, whole) a result lists, however deep."""
    if isinstance(result, dict):
        return {t for v in result.values() for t in _listed_times(v)}
    if isinstance(result, list):
        return {t for v in result for t in _listed_times(v)}
    if isinstance(result, str) and CLOCK.fullmatch(result):
        return {result}
    return set()


def the_listed_time_of_the_part(filling: Filling, tool: ToolSpec, result: Any, said: str) -> None:
    """ "오후 걸로" of start options 08:00 and 13:00: the one listed time in the part of the day
    said, for the tool's time not yet known."""
    listed = [(t, int(t[:2]), int(t[3:])) for t in sorted(_listed_times(result))]
    picked = in_the_part_said(listed, said) if listed else None
    if picked is None:
        return
    for p in tool.params:
        if p.name not in filling.found and getattr(date_format(p), "part", None) == "time":
            filling.found[p.name] = Found(picked[0], "tool_result", str(picked[0]))
            return


_THAT_ONE = re.compile(r"(?<![가-힣])(?:그걸로|그거로|그것으로)(?![가-힣])")
"""A pointing word for what was just named ("그럼 그걸로 어떤 과정 있는지 보여줘")."""


def the_value_just_named(
    filling: Filling, tool: ToolSpec, messages: list[dict[str, Any]], latest: str
) -> None:
    """The one allowed value the assistant named just before the user pointed at it ("2종 보통을
    많이 따요" then "그럼 그걸로 ... 보여줘"), for an enum the user did not say."""
    if not _THAT_ONE.search(latest) or len(messages) < 2:
        return
    before = messages[-2]
    if before.get("role") != "assistant" or before.get("tool_calls"):
        return
    said = message_text(before)
    for p in tool.params:
        if p.name in filling.found or not enum_options(p):
            continue
        named = {opt for _, _, opt in enum_mentions(p, said)}
        if len(named) == 1:
            value = named.pop()
            filling.found[p.name] = Found(value, "history", str(value))
