"""The question the assistant asked last, and which tool and parameters it was about: a reply
that fills them continues that tool (:func:`kodial.tools.decide.decide`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kodial.tools.arguments import fill_arguments, param_keywords
from kodial.tools.arguments.meaning import Encode
from kodial.tools.arguments.params import date_format, param_label
from kodial.tools.arguments.results import Filling
from kodial.tools.choose import ToolChooser, evidence_for
from kodial.tools.conversation import picked_tool
from kodial.tools.schema import ToolSpec
from kodial.tools.text import message_text


def chooser_encode(chooser: ToolChooser) -> Encode | None:
    """The chooser's sentence encoder, for reading enums by meaning; None without one."""
    return chooser.encoder.encode if chooser.encoder is not None else None


def _asked_params(tool: ToolSpec, question: str, missing: list[str]) -> set[str]:
    """Parameters a question names (its label or keywords appear in it); all missing ones when it
    names none ("무엇을 전할까요?"); the named ones when none is missing."""
    named = _named_params(tool, question)
    open_named = {n for n in named if n in missing}
    # a question about a parameter that an earlier guess had filled asks for it again
    return open_named or set(missing) or named


def _named_params(tool: ToolSpec, question: str) -> set[str]:
    """Parameters a question names by their label or keywords."""
    q = re.sub(r"\s+", "", question.lower())
    said: dict[str, set[str]] = {}
    for p in tool.params:
        words = [param_label(p), *param_keywords(p, tool)[:6]]
        hit = {w for w in words if len(w) > 1 and re.sub(r"\s+", "", w.lower()) in q}
        # a question that lists the choices asks about them ("taxi, bus, subway 중에 골라
        # 주세요" names no parameter, but two of its values or more)
        # (a value by its first word too: 매장 of 매장 수령, "매장에서 찾아갈지 택배로 받을지")
        values = {str(o) for o in p.enum if _value_said(str(o).lower(), q)}
        if len(values) >= 2:
            hit |= values
        fmt = date_format(p)
        if fmt is not None and fmt.part in ("time", "datetime") and "몇시" in q:
            hit.add("몇시")  # "몇 시로 예약할까요?" asks for the time
        if hit:
            said[p.name] = hit
    # "환자분 성함" names the patient's name, not the hospital's: a word only one parameter
    # has (환자) tells which of those sharing a head noun (이름, 성함) is asked
    distinct = {
        n
        for n, hit in said.items()
        if any(all(w not in other for m, other in said.items() if m != n) for w in hit)
    }
    return distinct or set(said)


def _value_said(value: str, question: str) -> bool:
    """Whether an allowed value of two letters or more, or its first word, is in ``question``."""
    first = value.split()[0] if value.split() else ""
    return len(value) > 1 and (value in question or (len(first) > 1 and first in question))


_QUESTION_END = re.compile(
    r"(?:\?|까요|나요|가요|인가요|세요|시겠어요|주세요|십시오|습니까|ㄹ까요|니까)\s*[.!~]*\s*$"
)


BARE_NUMBER = re.compile(
    r"^\s*[\d,.]+\s*[가-힣%]{0,2}?\s*(?:이요|요|입니다|이에요|예요)?\s*[.!~]?\s*$"
)
"""A message that is only a number, with a unit and an ending at most ("40", "40도요")."""


def is_question(text: str) -> bool:
    """An assistant message that asks the user something (ends in ? or a question/request form)."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]
    asks = re.search(
        r"알려\s*주시|말씀해\s*주|입력해\s*주|알려\s*줘|(?:골라|정해|말해)\s*줘\s*[.!~]*\s*$", text
    )
    return bool(asks) or any(_QUESTION_END.search(s) for s in sentences)


_OFFER = re.compile(
    r"(?:무엇을|무엇이든|뭘|뭐든|어떤\s*걸|어떤\s*것을|어떻게)\s*도와\s*드릴까요\??\s*$"
)
"""The assistant's open offer ending its message: what to help with, not a parameter."""
_CANNOT = re.compile(
    r"(?:할|드릴|해\s*드릴|도와\s*드릴)\s*수가?\s*(?:없어요|없습니다|없어)|어려워요|어렵습니다"
    r"|기능이\s*(?:아니|없)|지원하지\s*않"
    r"|수\s*있는\s*(?:부분|일|게|것|기능)이\s*아니"
)
"""The assistant said it cannot do what was asked: its closing advice ("앱에서 예매해 주세요")
asks nothing of any tool."""


@dataclass
class Pending:
    tool: ToolSpec
    asked: set[str]
    score: float


_QUESTION_MARGIN = 0.1
"""How far under the threshold the request behind a question about a tool's parameters may be."""
_QUESTION_LEAD = 0.15
"""How far that tool must lead the next one."""
_QUESTION_RIVAL = 0.2
"""How close a rival must score for a question naming its parameters to be about it."""


def pending_question(
    messages: list[dict[str, Any]], specs: list[ToolSpec], chooser: ToolChooser, now: datetime
) -> Pending | None:
    """The tool an earlier assistant question was about, if the last assistant message is a
    question (no tool call) that followed a user request for a tool."""
    last_user = max(i for i, m in enumerate(messages) if m.get("role") == "user")
    prev = [i for i in range(last_user) if messages[i].get("role") == "assistant"]
    if not prev:
        return None
    a = prev[-1]
    question = message_text(messages[a])
    if messages[a].get("tool_calls") or not is_question(question):
        return None
    if _OFFER.search(question) or (_CANNOT.search(question) and "?" not in question):
        return None  # "무엇을 도와드릴까요?": an open offer asks about no tool's parameters
    # the user's request(s) before that question, back to the previous tool result
    start = max((i for i in range(a) if messages[i].get("role") in ("tool",)), default=-1)
    request = " ".join(
        message_text(m) for m in messages[start + 1 : a] if m.get("role") == "user"
    ).strip()
    if not request:
        return None
    # what the request gave each tool counts as it did then ("토요일 날씨" gives a forecast
    # its date, which the current weather does not take)
    # (the act is the request's: "몇 명이세요?" asks, it does not look anything up)
    scores = chooser.score(
        specs,
        request + " " + question,
        evidence=evidence_for(specs, request, now),
        act_text=request,
    )
    by_name = {t.name: t for t in specs}
    best = scores[0]
    tool = by_name[best.name]
    encode = chooser_encode(chooser)
    fillings: dict[str, Filling] = {}

    def filled(t: ToolSpec) -> Filling:
        """``t``'s arguments from the conversation before the question (read once per tool)."""
        if t.name not in fillings:
            fillings[t.name] = fill_arguments(t, messages[:a], now, tools=specs, encode=encode)
        return fillings[t.name]

    def asks_about(t: ToolSpec) -> bool:
        """Whether the question names a required parameter of ``t`` still missing then."""
        named = _named_params(t, question) & set(t.required)
        return bool(named & set(filled(t).missing))

    if not asks_about(tool):
        # "시작일을 알려주세요" after a request two tools fit: the question is about the close
        # rival whose missing parameters it names, not the one that scored a little higher
        # (or was just called, and has all it needs)
        rivals = [
            by_name[s.name]
            for s in scores[1:3]
            if best.score - s.score <= _QUESTION_RIVAL and asks_about(by_name[s.name])
        ]
        if len(rivals) == 1:
            tool = rivals[0]
            best = next(s for s in scores if s.name == tool.name)
    if best.score < chooser.threshold:
        # The assistant has asked already: a question naming the parameters of the tool that
        # leads clearly ("몇 명 예매할까요?" after "7시20분 거 예매해줘") is about that tool
        # even when the request alone scored a little under the threshold.
        second = scores[1].score if len(scores) > 1 else 0.0
        required = set(tool.required)
        picked = picked_tool(messages[:a], specs, scores, now)
        if picked is not None:  # "한라 잡아줘" / "회의 제목을 뭐라고 할까요?"
            tool = picked[0]
        elif not (
            best.score >= chooser.threshold - _QUESTION_MARGIN
            and best.score - second >= _QUESTION_LEAD
            and _named_params(tool, question) & required
        ):
            return None
    return Pending(tool, _asked_params(tool, question, filled(tool).missing), best.score)
