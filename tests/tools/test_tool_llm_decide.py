"""The ``llm`` tool-call decider on a tiny random Llama: whatever the (random) model prefers, a
decision is well-formed, its arguments pass the schema, span strings come from the conversation,
and ``tool_choice`` is honoured, behind the same interface as the offline decider."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest
from _tool_fixtures import NOW, assistant, bundled_tools, user

from kodial.classify.llm import LocalScorer
from kodial.registry import lookup
from kodial.tools import DECIDERS, ToolDecision
from kodial.tools.llm_decide import (
    LLMDecideOptions,
    decide,
    generate_number,
    generate_string,
)
from kodial.tools.schema import parse_tools, validate_arguments

TOOLS = bundled_tools()
SPECS = {s.name: s for s in parse_tools(TOOLS)}

CONVERSATIONS = [
    [user("금요일 점심 12시 반에 두 명 자리 잡아줘, 식당은 소담정")],
    [user("내일 서울 날씨 어때?")],
    [user("택시 불러줘"), assistant("어디에서 출발할까요?"), user("강남역 2번 출구요")],
    [user("오늘 기분이 좀 별로야")],
    [user("엄마한테 저녁 7시에 집에 간다고 문자 보내줘")],
]


@pytest.fixture(scope="module")
def lm(tmp_path_factory: pytest.TempPathFactory) -> LocalScorer:
    import torch

    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    torch.set_num_threads(1)
    path = build_tiny_llama(tmp_path_factory.mktemp("llm-decide") / "llama", initializer_range=0.5)
    untie_head(path)
    return LocalScorer.load(str(path), "cpu")


def said(messages: list[dict[str, Any]]) -> str:
    return re.sub(r"\s+", "", " ".join(m["content"] for m in messages if m["role"] == "user"))


def check(decision: ToolDecision, messages: list[dict[str, Any]]) -> None:
    assert decision.explain["decider"] == "llm"
    if decision.kind == "decline":
        assert decision.tool is None and decision.content
        return
    spec = SPECS[decision.tool or ""]
    if decision.kind == "call":
        assert decision.content is None
        assert validate_arguments(spec, decision.arguments) == []
    else:
        assert decision.kind == "ask" and decision.content
        assert decision.missing and set(decision.missing) <= set(spec.required)
        assert not set(decision.missing) & set(decision.arguments)
    for name, value in decision.arguments.items():
        p = spec.param(name)
        assert p is not None
        if p.type == "string" and not (p.enum or p.format or p.pattern):
            assert re.sub(r"\s+", "", value) in said(messages), (name, value)


@pytest.mark.parametrize("choice", ["auto", "required"])
def test_decisions_are_well_formed_and_validated(lm: LocalScorer, choice: str) -> None:
    kinds = set()
    for messages in CONVERSATIONS:
        d = decide(messages, TOOLS, choice, now=NOW, model=lm)
        check(d, messages)
        kinds.add(d.kind)
        assert set(d.explain["scores"]) == set(SPECS) | ({"없음"} if choice == "auto" else set())
        if choice == "required":
            assert d.kind != "decline"


def test_a_named_tool_is_used_and_its_arguments_checked(lm: LocalScorer) -> None:
    for name in ("book_restaurant", "send_text", "call_taxi", "transfer_money"):
        for messages in CONVERSATIONS:
            d = decide(
                messages, TOOLS, {"type": "function", "function": {"name": name}}, now=NOW, model=lm
            )
            assert d.tool == name and d.kind in ("call", "ask")
            check(d, messages)
            # every parameter was considered, and a dropped value says why
            assert set(d.explain["filled"]) == {p.name for p in SPECS[name].params}


def test_made_up_strings_are_dropped_not_sent(lm: LocalScorer) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "send_note",
            "description": "메모를 보낸다",
            "parameters": {
                "type": "object",
                "properties": {"body": {"type": "string", "description": "보낼 내용"}},
                "required": ["body"],
            },
        },
    }
    messages = [user("메모 보내줘")]
    d = decide(messages, [tool], "required", now=NOW, model=lm)
    if d.kind == "call":
        assert re.sub(r"\s+", "", d.arguments["body"]) in "메모보내줘"
    else:
        assert d.kind == "ask" and d.missing == ["body"]
        if d.explain["filled"]["body"].get("generated"):
            assert any(x.startswith("body: ") for x in d.explain["dropped"])


def test_none_answer_and_bad_choices_follow_the_offline_rules(lm: LocalScorer) -> None:
    d = decide(CONVERSATIONS[0], TOOLS, "none", now=NOW, model=lm)
    assert d.kind == "decline"
    messages = [
        user("내일 서울 날씨 어때?"),
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_weather_forecast", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"weather": "맑음"}'},
    ]
    d = decide(messages, TOOLS, now=NOW, model=lm)
    assert d.kind == "answer" and d.tool == "get_weather_forecast"
    from kodial.errors import KodialError

    with pytest.raises(KodialError, match="not in tools"):
        decide(CONVERSATIONS[0], TOOLS, {"type": "function", "function": {"name": "x"}}, model=lm)


def test_constrained_decoding_gives_digits_and_unquoted_text(lm: LocalScorer) -> None:
    for prompt in ("인원: ", "금액은 ", "몇 명"):
        n = generate_number(lm, prompt, integer=True, max_digits=6)
        assert re.fullmatch(r"-?\d{1,6}", n), n
        x = generate_number(lm, prompt, integer=False, max_digits=6)
        assert re.fullmatch(r"-?\d+(\.\d+)?", x), x
    s = generate_string(lm, '내용: "', max_chars=10)
    assert '"' not in s and "\n" not in s and len(s) <= 10


def test_numbers_not_said_by_the_user_are_dropped(lm: LocalScorer) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "reserve",
            "description": "예약한다",
            "parameters": {
                "type": "object",
                "properties": {"people": {"type": "integer", "description": "인원"}},
                "required": ["people"],
            },
        },
    }
    messages = [user("예약해줘")]  # no number at all
    d = decide(messages, [tool], "required", now=NOW, model=lm)
    assert d.kind == "ask" and d.missing == ["people"]
    loose = decide(
        messages,
        [tool],
        "required",
        now=NOW,
        model=lm,
        options=LLMDecideOptions(numbers_from_conversation=False),
    )
    if loose.kind == "call":
        assert isinstance(loose.arguments["people"], int)


def test_both_deciders_are_registered_with_the_same_interface() -> None:
    offline = importlib.import_module("kodial.tools.decide").decide
    for name in ("offline", "llm"):
        module, fn = lookup(DECIDERS, name, "decider").split(":")
        func = getattr(importlib.import_module(module), fn)
        params = list(inspect.signature(func).parameters)[:4]
        assert params == list(inspect.signature(offline).parameters)[:4]
        assert params == ["messages", "tools", "tool_choice", "now"]
    assert decide is not offline


def test_enum_and_boolean_are_chosen_among_the_allowed_values(lm: LocalScorer) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "set_mode",
            "description": "에어컨 모드를 바꾼다",
            "parameters": {
                "type": "object",
                "properties": {
                    "mode": {"type": "string", "enum": ["냉방", "난방", "제습"]},
                    "quiet": {"type": "boolean", "description": "저소음"},
                },
            },
        },
    }
    spec = parse_tools([tool])[0]
    for text in ("에어컨 냉방으로 조용하게 틀어줘", "제습 모드로 바꿔"):
        d = decide([user(text)], [tool], "required", now=NOW, model=lm)
        assert d.kind == "call" and d.tool == "set_mode"  # nothing required: always a call
        assert validate_arguments(spec, d.arguments) == []
        assert set(d.explain["filled"]["mode"]["scores"]) == {'"냉방"', '"난방"', '"제습"', "null"}
        assert set(d.explain["filled"]["quiet"]["scores"]) == {"true", "false", "null"}
        best = max(d.explain["filled"]["mode"]["scores"].items(), key=lambda kv: kv[1])[0]
        assert d.arguments.get("mode") == (None if best == "null" else best.strip('"'))
