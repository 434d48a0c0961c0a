"""One turn of OpenAI function calling, decided by kodial's understanding.

:func:`decide` reads the conversation (OpenAI ``messages``) and the offered ``tools`` and returns
a :class:`ToolDecision`:

- ``call``: the tool and its arguments (validated against the schema, every value read from the
  conversation);
- ``ask``: the tool's missing required parameters and a Korean question about them;
- ``answer``: after a ``tool`` message, a reply built from the result;
- ``decline``: no tool fits (or ``tool_choice`` is ``"none"``): what the tools can do.

``tool_choice`` follows OpenAI: ``"auto"`` (decide), ``"none"`` (never call), ``"required"``
(call the best tool; ask when its arguments are missing), ``{"type": "function", "function":
{"name": X}}`` (that tool). A question the assistant asked earlier is remembered from the
conversation itself: its tool is the one the user's earlier request chose, and the parameters it
named are the ones a bare answer ("내일 오후 3시요") fills. Three more readings of the
conversation: a follow-up, elliptical ("인셉션은?") or naming an option by its own words
("음량 7로 해줘"), continues the last call's tool with the new value it gives; a call that
would repeat an earlier one (a tool already called, every argument carried over, nothing from
the latest message, which does not ask for it 다시) gives way to the next tool above the
threshold ("BMR도 계산할 수 있나요?" after a BMI), or to none; and a
request for an explanation ("X가 뭐야? 설명해줘") goes only to a tool that explains, else to
none. ``explain`` says why: tool scores, the threshold, which tool was already being filled,
the arguments found (value, source, words) and the ones missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from kodial.errors import KodialError
from kodial.korean.datetimes import SEOUL
from kodial.tools.acts import predicate_match, text_act, tool_act
from kodial.tools.arguments import (
    Filling,
    extract_message,
    fill_arguments,
    param_kind,
)
from kodial.tools.arguments.params import is_code_param
from kodial.tools.choose import ToolChooser, ToolScore, evidence_for
from kodial.tools.conversation import (
    follow_up,
    is_elliptical,
    last_arguments,
    latest_user_text,
    picked_tool,
    says_nothing_new,
    without_quoted_speech,
)
from kodial.tools.fit import (
    change_it_does_not_make,
    corroborated,
    other_act_on_old_values,
    remakes_what_was_made,
    undoes_unasked,
    unserved_new_thing,
    unserved_topic,
)
from kodial.tools.pending import (
    BARE_NUMBER,
    Pending,
    chooser_encode,
    pending_question,
)
from kodial.tools.questions import answer_from_result, decline_message, slot_question
from kodial.tools.schema import ToolSpec, parse_tools
from kodial.tools.text import called_tools, message_text, tokens

Kind = Literal["call", "ask", "answer", "decline"]

_How = Literal["named", "answer", "follow-up", "pick", "score", "none"]
"""How ``_choose`` reached a turn's tool: ``tool_choice`` named it, the message answers the
open question, it follows up the last call, the message picks an item of the last result that
the tool takes, the scores chose it, or none fits."""


@dataclass
class ToolDecision:
    """What the assistant does this turn."""

    kind: Kind
    content: str | None = None
    """The Korean text said to the user (None for a call)."""
    tool: str | None = None
    """The tool called, or asked about."""
    arguments: dict[str, Any] = field(default_factory=dict)
    """For a call: the arguments, valid under the tool's schema."""
    missing: list[str] = field(default_factory=list)
    """For a question: the required parameters still missing."""
    explain: dict[str, Any] = field(default_factory=dict)


_CHOOSERS: dict[str, ToolChooser] = {}


def default_chooser() -> ToolChooser:
    """One shared chooser (the encoder loads once per process)."""
    if "default" not in _CHOOSERS:
        _CHOOSERS["default"] = ToolChooser()
    return _CHOOSERS["default"]


def _check_messages(messages: Any) -> list[dict[str, Any]]:
    if not isinstance(messages, list) or not messages:
        raise KodialError("messages must be a non-empty list")
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in (
            "system",
            "developer",
            "user",
            "assistant",
            "tool",
        ):
            raise KodialError(f"messages[{i}]: needs a role of system, user, assistant or tool")
    return messages


def _named_choice(tool_choice: Any, specs: list[ToolSpec]) -> ToolSpec | None:
    """The tool a named ``tool_choice`` forces, or None for ``auto``/``none``/``required``;
    :class:`KodialError` for anything else (both deciders check their choice here)."""
    if not isinstance(tool_choice, dict):
        if tool_choice not in ("auto", "none", "required"):
            raise KodialError(
                f"unknown tool_choice {tool_choice!r}",
                hint='use "auto", "none", "required" or a named function',
            )
        return None
    fn = tool_choice.get("function")
    name = fn.get("name") if isinstance(fn, dict) else None
    if tool_choice.get("type") != "function" or not isinstance(name, str):
        raise KodialError(
            'tool_choice must be "auto", "none", "required" or '
            '{"type": "function", "function": {"name": ...}}'
        )
    spec = next((s for s in specs if s.name == name), None)
    if spec is None:
        raise KodialError(
            f"tool_choice names {name!r}, which is not in tools",
            hint=f"tools: {', '.join(s.name for s in specs)}",
        )
    return spec


def _offer_after_result(messages: list[dict[str, Any]]) -> str:
    """The question ending the assistant's reply to a tool result ("...2대예요. 어떤 차로
    예약할까요?"), when the latest user message answers it; empty otherwise."""
    last_user = max(i for i, m in enumerate(messages) if m.get("role") == "user")
    if last_user < 2:
        return ""
    reply, before = messages[last_user - 1], messages[last_user - 2]
    if reply.get("role") != "assistant" or reply.get("tool_calls") or before.get("role") != "tool":
        return ""
    sentences = [x for x in re.split(r"(?<=[.?!])\s+|\n", message_text(reply).strip()) if x.strip()]
    last = sentences[-1].strip() if sentences else ""
    return last if last.endswith("?") else ""


def _result_fields(messages: list[dict[str, Any]]) -> frozenset[str]:
    """Field names of the conversation's last tool result (top level and the first item of
    each of its lists); empty when there is none or it is not a JSON object."""
    last = next((m for m in reversed(messages) if m.get("role") == "tool"), None)
    if last is None:
        return frozenset()
    try:
        result = json.loads(message_text(last))
    except json.JSONDecodeError:
        return frozenset()
    if not isinstance(result, dict):
        return frozenset()
    names = set(result)
    for v in result.values():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            names.update(v[0])
    return frozenset(str(n) for n in names)


def _filled_explain(filling: Filling) -> dict[str, Any]:
    return {
        k: {"value": v.value, "source": v.source, "text": v.text} for k, v in filling.found.items()
    }


def settled_without_choosing(
    messages: list[dict[str, Any]],
    specs: list[ToolSpec],
    tool_choice: Any,
    explain: dict[str, Any],
) -> ToolDecision | None:
    """The decision every decider makes before choosing a tool, if the turn needs no choice: an
    answer from the result of the last tool call, or a decline under ``tool_choice: none`` or
    with no tools offered. A history without a user message is a :class:`KodialError`."""
    last = messages[-1]
    if last.get("role") == "tool":
        name = last.get("name") or _tool_of_call(messages, last.get("tool_call_id"))
        explain["why"] = "answered from the result of the last tool call"
        return ToolDecision(
            "answer", answer_from_result(name, message_text(last)), tool=name, explain=explain
        )
    if not any(m.get("role") == "user" for m in messages):
        raise KodialError("messages need at least one user message")
    if tool_choice == "none" or not specs:
        explain["why"] = "tool_choice is none" if specs else "no tools were offered"
        return ToolDecision("decline", decline_message(specs), explain=explain)
    return None


def decide(
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]],
    tool_choice: str | dict[str, Any] = "auto",
    now: datetime | None = None,
    examples: dict[str, list[str]] | None = None,
    chooser: ToolChooser | None = None,
) -> ToolDecision:
    """Decide this turn (see the module docstring). ``examples``: tool name -> example requests
    from the app; with them a lexical classifier trained on the examples joins the scores.
    Raises :class:`~kodial.tools.schema.ToolSchemaError` / :class:`KodialError` on bad input."""
    messages = _check_messages(messages)
    specs = parse_tools(tools)
    named = _named_choice(tool_choice, specs)
    now = now or datetime.now(SEOUL)
    chooser = chooser or default_chooser()
    explain: dict[str, Any] = {"tool_choice": tool_choice, "threshold": chooser.threshold}

    early = settled_without_choosing(messages, specs, tool_choice, explain)
    if early is not None:
        return early
    user_text = latest_user_text(messages)

    pending = pending_question(messages, specs, chooser, now)
    context = {name: 0.5 for name in called_tools(messages)[-2:]}
    # "시간 좀 미뤄줄 수 있어?" after a booking: a tool acting on the record the last result
    # named (its reservation_id), asked for its own act, goes on with it as the tool just
    # called does
    made = _result_fields(messages)
    acting_on_it = [
        spec
        for spec in specs
        if spec.name not in context
        and any(p.required and p.name in made and is_code_param(p) for p in spec.params)
    ]
    act = text_act(user_text) if acting_on_it else None
    for spec in acting_on_it:
        if predicate_match(user_text, act, spec) > 0:
            context[spec.name] = 0.5
    if pending is not None:
        context[pending.tool.name] = 1.0
        explain["pending"] = {"tool": pending.tool.name, "asked": sorted(pending.asked)}
    example_probs = _example_probs(examples, specs, user_text) if examples else None
    asked_for = without_quoted_speech(user_text)  # what the request asks, not what it quotes
    evidence = evidence_for(specs, asked_for, now, _result_fields(messages))
    scores = chooser.score(specs, asked_for, context, example_probs, evidence)
    offer = _offer_after_result(messages)
    if pending is None and offer and scores[0].score < chooser.threshold:
        # "어떤 차로 예약할까요?" / "투싼이요": a short reply to the question the assistant
        # asked over a result is read with that question, which says what is to be done
        with_offer = chooser.score(specs, offer + " " + user_text, context, example_probs, evidence)
        if with_offer[0].score >= chooser.threshold:
            scores = with_offer
            explain["read_with"] = offer
    explain["scores"] = [s.as_dict() for s in scores[:5]]

    tool: ToolSpec | None
    asked: set[str] = set()
    how: _How = "named"
    if named is not None:
        tool = named
        why = "tool_choice names this tool"
    else:
        tool, why, how = _choose(scores, specs, pending, messages, now, chooser)
        if tool is None and tool_choice == "required":
            tool = next(s for s in specs if s.name == scores[0].name)
            why = "tool_choice is required: the best-scoring tool"
    if tool is None:
        explain["why"] = why
        return ToolDecision("decline", decline_message(specs), explain=explain)
    if pending is not None and tool.name == pending.tool.name:
        asked = pending.asked
    filling = fill_arguments(
        tool, messages, now, asked, specs, chooser_encode(chooser), follows_up=how == "follow-up"
    )
    if named is None and _repeats_a_call(filling, messages, user_text):
        # A call of a tool already called, with every argument carried over and none from this
        # message, would only repeat a result the user has had: the message asks for something
        # else ("BMR도 계산할 수 있나요?" after a BMI, "보험료 계좌 바꿔주세요" after a claim),
        # so the next tool that also fits is meant, or none is.
        other = next(
            (s for s in scores[1:] if s.score >= chooser.threshold and s.name != tool.name), None
        )
        picked = picked_tool(messages, specs, scores, now) if other is None else None
        if picked is not None:
            # "오후 첫 타임으로 셋이 탈게" after the slots listed: not the search again, but the
            # tool that takes the item picked
            tool, how = picked[0], "pick"
            why = _picks_why(picked[1])
            filling = fill_arguments(tool, messages, now, set(), specs, chooser_encode(chooser))
        elif other is None:
            explain["why"] = (
                f"{tool.name} would repeat an earlier call with nothing new from the message, "
                "and no other tool fits"
            )
            return ToolDecision("decline", decline_message(specs), explain=explain)
        else:
            tool = next(t for t in specs if t.name == other.name)
            why = (
                f"{filling.tool.name} would repeat an earlier call with nothing new; "
                f"next best score {other.score:.3f} >= threshold {chooser.threshold:.2f}"
            )
            filling = fill_arguments(tool, messages, now, set(), specs, chooser_encode(chooser))
    unmade = (
        change_it_does_not_make(user_text, tool, bool(called_tools(messages)))
        if how == "score"
        else "change what the last call made"
        if how == "follow-up" and remakes_what_was_made(user_text, tool, _result_fields(messages))
        else None
    )
    if unmade is not None:
        explain["why"] = f"the request asks to {unmade}, which {tool.name} does not do"
        return ToolDecision("decline", decline_message(specs), explain=explain)
    continuing = how in ("answer", "follow-up", "pick")
    if named is None and not continuing and other_act_on_old_values(filling, scores):
        # "강아지 사료 뭐가 좋은지 추천 좀" after a grooming booking: the request asks for
        # another act than the tool does and names none of its values; what would fill the
        # call is only what earlier turns gave it. Nothing offered serves the request.
        explain["why"] = (
            f"{tool.name} does another act than the request asks for, and the message gives "
            "it no value by its own words"
        )
        return ToolDecision("decline", decline_message(specs), explain=explain)
    if named is None and how == "score" and undoes_unasked(filling, scores, user_text):
        # "근처에 주차할 데 있어요?" after a dental booking: the cancel tool matched the
        # conversation's words, but nothing asks to cancel and only the booking's id fills it
        explain["why"] = (
            f"{tool.name} would undo or change what was made, which the request does not ask, "
            "with nothing from the message"
        )
        return ToolDecision("decline", decline_message(specs), explain=explain)
    answering = how in ("answer", "pick")
    unserved = (
        None
        if named is not None or answering
        else unserved_new_thing(user_text, filling)
        # "그럼 기생충은?": an elliptical follow-up's topic is the new value, not a thing
        or (None if is_elliptical(user_text) else unserved_topic(user_text, filling))
    )
    if unserved is not None:
        # "박물관 주차 자리도 잡아줄 수 있어?" after a museum booking: the request adds a thing
        # the tool never mentions; that its other words matched does not make the tool serve it.
        explain["why"] = f"{tool.name} does not handle {unserved!r}, which the request adds"
        return ToolDecision("decline", decline_message(specs), explain=explain)
    explain.update(
        tool=tool.name,
        filled=_filled_explain(filling),
        missing=filling.missing,
        dropped=filling.problems,
        why=why,
    )
    if filling.missing:
        return ToolDecision(
            "ask",
            slot_question(tool, filling.missing, filling.refused),
            tool=tool.name,
            missing=filling.missing,
            explain=explain,
        )
    return ToolDecision("call", None, tool=tool.name, arguments=filling.arguments, explain=explain)


def _short_reply(text: str) -> bool:
    """A reply of a few words that asks nothing and requests nothing: a noun phrase or an
    adjective ("작은 차", "창가 쪽이요"), the shape of an answer."""
    said = text.strip()
    if not said or len(said.split()) > 3 or "?" in said or _ASKS_BACK.search(said):
        return False
    toks = tokens(said)
    # a thing named ("작은 차", "창가 쪽"), not a feeling or thanks (배고파, 고마워요)
    return any(t.tag in ("NNG", "NNP", "XR") for t in toks) and not any(
        t.tag in ("VV", "IC") for t in toks
    )


_ASKS_BACK = re.compile(r"무슨|뭐|왜|어떻게|어디|언제|누구|몰라|모르")
"""A reply that asks back or does not know ("무슨 말이에요", "잘 모르겠어요"): no answer."""


_UNDECIDED = re.compile(
    r"아무\s*(?:거나|거|데나|때나|걸로|렇게나)|상관\s*(?:없|x)|알아서|모르겠|글쎄|잘\s*몰라"
    r"|괜찮은\s*(?:걸로|거로)|추천해\s*줘|골라\s*줘"
)
"""A reply that leaves the choice open ("아무거나요", "잘 모르겠어요", "알아서 해 줘")."""

_AGAIN = re.compile(r"다시|한\s*번\s*더|또\s*(?:해|알려|보여|조회|검색)")
"""Words that ask for the same thing again ("다시 조회해줘", "한 번 더 알려줘")."""


def _repeats_a_call(filling: Filling, messages: list[dict[str, Any]], text: str) -> bool:
    """Whether calling ``filling``'s tool now would repeat an earlier call of it: every argument
    carried over from the conversation (at least one), none from the latest message, and the
    message does not ask for it again."""
    if filling.missing or filling.from_message or not filling.found or _AGAIN.search(text):
        return False
    return filling.tool.name in called_tools(messages)


def _tool_of_call(messages: list[dict[str, Any]], call_id: Any) -> str | None:
    for m in reversed(messages):
        for call in m.get("tool_calls") or []:
            if isinstance(call, dict) and call.get("id") == call_id:
                name = call.get("function", {}).get("name")
                return name if isinstance(name, str) else None
    return None


def _choose(
    scores: list[ToolScore],
    specs: list[ToolSpec],
    pending: Pending | None,
    messages: list[dict[str, Any]],
    now: datetime,
    chooser: ToolChooser,
) -> tuple[ToolSpec | None, str, _How]:
    """The tool the turn is for (None: none fits), why in words, and how it was reached."""
    by_name = {s.name: s for s in specs}
    best = scores[0]
    if pending is not None:
        # A reply that fills what was asked continues that tool, unless the message is plainly
        # a new request for another tool.
        filled = fill_arguments(
            pending.tool, messages, now, pending.asked, specs, chooser_encode(chooser)
        )
        answered = [k for k in filled.from_message if k in pending.asked or k in filled.found]
        # a value said for what was asked that the schema refused (40 for 16-30) is an answer
        # too: it is asked again with what it takes, not read as a request no tool serves
        answered += [k for k in filled.refused if k in pending.asked]
        answered += filled.gave_way  # it said something, though not what was asked
        # "Plainly a new request" is judged by meaning and the tools' own words only: an answer
        # gives values that fit many tools' parameters ("이름은 이서연이에요" fills a recipe's
        # dish name as well as a member's name), so argument evidence says nothing here.
        ww = chooser.calibration.word_weight
        intent = {s.name: s.cosine + ww * min(s.words, 2.0) for s in scores}
        rival = max(intent, key=lambda n: intent[n])
        new_request = (
            rival != pending.tool.name
            and intent[rival] >= chooser.threshold + 0.15
            and intent[rival] > intent[pending.tool.name] + 0.1
        )
        if answered and not new_request:
            asked = ", ".join(sorted(pending.asked))
            return pending.tool, f"answers the question about {asked}", "answer"
        reply = latest_user_text(messages)
        numbers_asked = any(
            param_kind(p) == "number" for p in pending.tool.params if p.name in pending.asked
        )
        if not new_request and (
            _short_reply(reply)
            or (BARE_NUMBER.match(reply) and numbers_asked)
            # "아무거나요", "잘 모르겠어요": the question stays open, the task is not declined
            or (len(reply.split()) <= 4 and _UNDECIDED.search(reply))
        ):
            # "작은 차" about the car type, "40" about two numbers in neither's range: an answer
            # that fits nothing asked is asked again, not declined as a request no tool serves
            asked = ", ".join(sorted(pending.asked))
            return (
                pending.tool,
                f"answers the question about {asked} with no value it takes",
                "answer",
            )
    followed = follow_up(messages, specs, now)
    picked = picked_tool(messages, specs, scores, now) if followed is not None else None
    if picked is not None and not _another_day(messages, followed, now):
        # "토요일 프리미엄으로 1번 2번 자리요" after a list of buses: naming a listed item
        # hands it on, though its words also read as a new value for the search
        why = _picks_why(picked[1])
        return picked[0], why, "pick"
    if followed is not None and _wants_explanation(messages, followed):
        followed = None  # "패딩은 물세탁하면 숨 죽는다던데 진짜야?": knowledge, not a new value
    if followed is not None and (best.score < chooser.threshold or best.name == followed.name):
        why = f"a follow-up of the last call of {followed.name} with a new value"
        return followed, why, "follow-up"
    if best.score >= chooser.threshold and _wants_explanation(messages, by_name[best.name]):
        explains = next(
            (
                s
                for s in scores
                if s.score >= chooser.threshold
                and not _wants_explanation(messages, by_name[s.name])
            ),
            None,
        )
        if explains is None:
            return (
                None,
                "no tool fits: the request asks for an explanation, and "
                f"{best.name} does not explain (best score {best.score:.3f})",
                "none",
            )
        best = explains
    if (
        best.score >= chooser.threshold
        and text_act(latest_user_text(messages)) is None
        and says_nothing_new(messages, by_name[best.name], now)
    ):
        # "템퍼가 진짜 그 정도로 좋아?" after a quote for 템퍼: a remark on the result
        why = f"no tool fits: the message asks nothing of {best.name} its last call did not"
        return None, why, "none"
    if best.score >= chooser.threshold:
        why = f"best score {best.score:.3f} >= threshold {chooser.threshold:.2f}"
        return by_name[best.name], why, "score"
    picked = picked_tool(messages, specs, scores, now)
    if picked is not None:
        why = _picks_why(picked[1])
        return picked[0], why, "pick"
    if corroborated(scores, chooser.threshold) and not says_nothing_new(
        messages, by_name[best.name], now
    ):
        why = (
            f"best score {best.score:.3f} is under the threshold, but the request names the tool "
            "by its own words and gives it an argument by the parameter's words, and no other "
            "tool comes close"
        )
        return by_name[best.name], why, "score"
    why = f"no tool fits: best score {best.score:.3f} < threshold {chooser.threshold:.2f}"
    return None, why, "none"


def _picks_why(field: str) -> str:
    return f"the request picks an item of the last result, whose {field} the tool takes"


def _another_day(messages: list[dict[str, Any]], tool: ToolSpec | None, now: datetime) -> bool:
    """Whether the latest message gives ``tool``, the tool last called, a day other than the
    one it was called with ("토요일 특실로" after Thursday's trains): a new search, not a pick
    of what that day listed."""
    if tool is None:
        return False
    args = last_arguments(messages, tool.name)
    found = extract_message(tool, latest_user_text(messages), now)
    return any(
        param_kind(p) == "date" and p.name in found and found[p.name].value != args.get(p.name)
        for p in tool.params
    )


def _wants_explanation(messages: list[dict[str, Any]], tool: ToolSpec) -> bool:
    """Whether the latest user message asks for an explanation (what X is, what X means:
    :func:`kodial.tools.acts.text_act`) that ``tool`` does not give. Knowledge is the
    assistant's to answer: a BMR calculator does not explain what a BMR is, however many of
    its words the question shares."""
    text = latest_user_text(messages)
    return text_act(text) == "explain" and tool_act(tool) != "explain"


def _example_probs(
    examples: dict[str, list[str]], specs: list[ToolSpec], text: str
) -> dict[str, float]:
    """Probabilities of a lexical classifier trained on the app's examples (one per tool)."""
    from kodial.classify import create_classifier
    from kodial.classify.data import Example, LabelledData

    names = {s.name for s in specs}
    rows = [
        Example(t, (name,))
        for name, texts in examples.items()
        if name in names
        for t in texts
        if t.strip()
    ]
    if len({r.labels[0] for r in rows}) < 2:
        return {}
    key = json.dumps(examples, sort_keys=True, ensure_ascii=False)
    clf = _EXAMPLE_CLASSIFIERS.get(key)
    if clf is None:
        clf = create_classifier("lexical").fit(LabelledData(rows))
        _EXAMPLE_CLASSIFIERS.clear()
        _EXAMPLE_CLASSIFIERS[key] = clf
    pred = clf.predict([text])[0]
    return {ls.label: float(ls.score) for ls in pred.ranking}


_EXAMPLE_CLASSIFIERS: dict[str, Any] = {}
