"""Reading the conversation around a turn: message texts, the tools called so far, and how the
latest user message continues what came before (a follow-up of the last call, or a pick of an
item of the last tool result)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from kodial.tools.acts import text_act
from kodial.tools.arguments import extract_message, param_kind
from kodial.tools.arguments.picking import flatten, picked_item, result_items
from kodial.tools.choose import ToolScore
from kodial.tools.schema import ToolSpec, validate_arguments
from kodial.tools.text import called_tools, message_text, tokens


def latest_user_text(messages: list[dict[str, Any]]) -> str:
    """The text of the last user message (the request being decided)."""
    return message_text(next(m for m in reversed(messages) if m.get("role") == "user"))


_QUOTED_SPEECH = re.compile(
    r"(['\"‘“「『])([^'\"’”」』]{4,}?)(['\"’”」』])(?=\s*(?:이?라고|하고|라는|라며|이?란))"
)


def without_quoted_speech(text: str) -> str:
    """``text`` with the words of a quoted message ("'내일 2시 회의실에서 봬요' 라고 보내줘")
    replaced by 내용: what is to be said is a payload, not the request, so its dates and places
    must not make a tool that takes them look meant."""
    return _QUOTED_SPEECH.sub(lambda m: f"{m.group(1)}내용{m.group(3)}", text)


_POINTS_AT = re.compile(
    r"(?<![가-힣])(?:거기|그거|그걸|그것|그곳|이거|이걸|이것|이곳|저기|저거|저걸)"
)
"""A word that points at a thing just shown (거기로, 그걸로)."""
_TAKES_IT = re.compile(r"(?<![가-힣])(?:그걸|그거|이걸|이거|저걸|저거)\s*(?:로|으로)(?![가-힣])")
"""Taking the thing just shown as it is ("그걸로 주문 넣어줘" after a quote): not 거기, which
also says where ("거기 근처에 밥집도")."""


def picked_tool(
    messages: list[dict[str, Any]], specs: list[ToolSpec], scores: list[ToolScore], now: datetime
) -> tuple[ToolSpec, str] | None:
    """The tool a request that picks one of the items the last tool result listed hands that
    item to, and the item's field it takes: "노을방 잡아줘" after a list of free rooms is for the
    booking tool, whose required ``room_code`` the picked room has and the search did not take.
    A result of one item is picked by a word pointing at it ("거기로 예약해줘"). Several such
    tools: the best-scoring. A question about an item ("노을방은 몇 명 들어가?")
    or a request to look something up is not a pick; None when there is no pick."""
    t = max((i for i, m in enumerate(messages) if m.get("role") == "tool"), default=-1)
    said = " ".join(message_text(m) for m in messages[t + 1 :] if m.get("role") == "user").strip()
    latest = latest_user_text(messages).strip()  # (an aside answered since is no request)
    if t < 0 or not said or latest.endswith("?") or text_act(latest) in ("lookup", "explain"):
        return None
    try:
        result = json.loads(message_text(messages[t]))
    except json.JSONDecodeError:
        return None
    items = result_items(result)
    if len(items) == 1 and _POINTS_AT.search(said):
        # "거기로 예약해주세요" after a result of one court: the only item is the one meant
        picked = picked_item(result, said, now)
    elif not items and isinstance(result, dict) and _TAKES_IT.search(said):
        # "그걸로 주문 넣어줘" after a quote: the record the result is
        picked = flatten(result)
    else:
        picked = picked_item(result, said, now) if len(items) > 1 else {}
    if not picked:
        return None
    listed_by, given = call_of_result(messages, t)
    rank = {s.name: k for k, s in enumerate(scores)}
    ranked = sorted(specs, key=lambda s: rank.get(s.name, len(rank)))
    # a tool that requires the item's field, else one that takes it ("설치할 도어락 모델 ID
    # (설치일 때만)")
    for required in (True, False):
        for spec in ranked:
            if spec.name == listed_by:
                continue
            for p in spec.params:
                if p.required >= required and p.name in picked and p.name not in given:
                    return spec, p.name
    return None


def call_of_result(messages: list[dict[str, Any]], t: int) -> tuple[str, set[str]]:
    """The tool whose result is message ``t`` and the argument names it was called with."""
    call_id = messages[t].get("tool_call_id")
    for m in reversed(messages[:t]):
        for call in m.get("tool_calls") or [] if m.get("role") == "assistant" else []:
            if not isinstance(call, dict) or (call_id and call.get("id") != call_id):
                continue
            fn = call.get("function") or {}
            try:
                args = json.loads(fn.get("arguments") or "{}")
            except (TypeError, json.JSONDecodeError):
                args = {}
            return str(fn.get("name") or ""), set(args) if isinstance(args, dict) else set()
    return "", set()


_ELLIPSIS_NOMINAL = frozenset({"NNG", "NNP", "NNB", "NR", "SN", "SL", "SH"})


def is_elliptical(text: str) -> bool:
    """A bare noun phrase with a topic particle, as a question ("인셉션은?", "그럼 대전은요?"):
    the rest of the request is the previous one's."""
    toks = [t for t in tokens(text) if t.tag not in ("SF", "SP", "SS", "SW")]
    while toks and toks[0].tag in ("MAJ", "IC"):  # 그럼, 아
        toks = toks[1:]
    i = 0
    while i < len(toks) and toks[i].tag in _ELLIPSIS_NOMINAL:
        i += 1
    rest = [(t.tag, t.form) for t in toks[i:]]
    topic = i > 0 and bool(rest) and rest[0][0] == "JX" and rest[0][1] in ("은", "는")
    if not topic or not text.rstrip().endswith("?"):
        return False
    # the polite 요 (the analyser reads it as an ending or, after 은, a determiner), or "how
    # is it" said out ("서울은 어때?", "대전은 어떤가요?")
    return all(form == "요" for _, form in rest[1:]) or how_is_it(text) is not None


def how_is_it(text: str) -> str | None:
    """The topic of "X은 어때?" ("서울은 어때?" -> 서울), a follow-up asking the last
    question again about X; None for any other message."""
    m = re.fullmatch(r"\s*(?:그럼|그러면|아)?\s*(\S+?)(?:은|는)" + _HOW_IS_IT.pattern, text)
    return m.group(1) if m else None


_HOW_IS_IT = re.compile(
    r"\s*(?:요\s*)?(?:어때|어때요|어떤가요|어떤데|어떨까|어떨까요|어떻게\s*돼요?)\s*[?？]+\s*"
)
"""'How is it?' after an elliptical topic: the question is the last call's again."""


def last_arguments(messages: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The arguments of the last call of the tool ``name`` (empty when unreadable)."""
    for m in reversed(messages):
        for call in m.get("tool_calls") or [] if m.get("role") == "assistant" else []:
            fn = call.get("function", {}) if isinstance(call, dict) else {}
            if fn.get("name") == name:
                try:
                    args = json.loads(fn.get("arguments") or "{}")
                except (TypeError, json.JSONDecodeError):
                    return {}
                return args if isinstance(args, dict) else {}
    return {}


def says_nothing_new(messages: list[dict[str, Any]], tool: ToolSpec, now: datetime) -> bool:
    """Whether the latest message, after a call of ``tool``, gives it only values that call
    had ("미쉐린이 진짜 그만큼 좋아?" after a quote for 미쉐린): a remark about the result, not
    a request for the tool again."""
    called = called_tools(messages)
    if not called or called[-1] != tool.name:
        return False
    found = {
        k: f.value
        for k, f in extract_message(tool, latest_user_text(messages), now).items()
        if not any(m.startswith(f"{k}:") for m in validate_arguments(tool, {k: f.value}))
    }
    last = last_arguments(messages, tool.name)
    return bool(found) and all(last.get(k) == v for k, v in found.items())


def follow_up(
    messages: list[dict[str, Any]], specs: list[ToolSpec], now: datetime
) -> ToolSpec | None:
    """The tool of the last call, when the latest user message follows it up with a new value:
    elliptically ("다크나이트 평점 알려줘" ... "인셉션은?"), or by naming one of its options with
    the option's own words ("셔플도 켜줘")."""
    text = latest_user_text(messages)
    called = called_tools(messages)
    tool = next((s for s in specs if s.name == called[-1]), None) if called else None
    if tool is None:
        return None
    last = last_arguments(messages, tool.name)
    # a value the last call had already is nothing new ("미쉐린이 진짜 그만큼 좋아?" after a
    # quote for 미쉐린 asks about it, not for it again)
    found = {k: f for k, f in extract_message(tool, text, now).items() if last.get(k) != f.value}
    if is_elliptical(text):
        topic = how_is_it(text)
        if topic is not None and not any(f.text.strip() == topic for f in found.values()):
            return None  # "내일 날씨는 어때?" after an alarm: 날씨 is no value of the alarm's
        return tool if found else None
    # "셔플 설정해줘" after a playlist started: an option of the last call named by its own
    # words (not a date, which small talk says as often: "내일 날씨는 어때?")
    kinds = {p.name: param_kind(p) for p in tool.params}
    return tool if any(f.strong and kinds[k] != "date" for k, f in found.items()) else None
