"""The engine's interface to the server: typed state and route out, their JSON back in (never
mutated), concurrent turns on different states, /v1/classify payloads, describe(), TurnResult
streaming."""

from __future__ import annotations

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from kodial.assistant.engine import Assistant, TurnResult
from kodial.assistant.history import Exchange
from kodial.assistant.route import Route
from kodial.assistant.state import STATE_VERSION, DialogueState

SCRIPTS = [
    ["내일 저녁 7시에 4명 예약하고 싶어요", "강남점", "아니 시간은 8시로 바꿔줘", "네"],
    ["영화 예매해 줘", "별빛 정거장", "토요일 오후 2시", "두 장", "응"],
    ["부산 날씨 어때?", "안녕하세요", "환불은 어떻게 받나요?"],
    ["식당 예약해 줘", "모레", "점심 12시", "취소할래"],
    ["비트코인 지금 얼마야", "너 이름이 뭐야?", "영업시간이 어떻게 되나요"],
]


def run_script(bot: Assistant, script: list[str], now: datetime) -> list[tuple[str, str, str]]:
    state: dict[str, Any] | None = None
    history: list[Exchange] = []
    out = []
    for msg in script:
        before = copy.deepcopy(state)
        r = bot.turn(msg, state, history, now=now)
        text = r.collect()
        assert state == before  # the engine never mutates the caller's state
        state = json.loads(r.state.model_dump_json())  # what a server stores and loads back
        history.append(Exchange(msg, text))
        out.append((text, r.route.handler, r.route.model_dump_json()))
    return out


def test_concurrent_sessions_match_sequential_runs(demo: Assistant, now: datetime) -> None:
    expected = [run_script(demo, s, now) for s in SCRIPTS]
    jobs = [s for s in SCRIPTS for _ in range(4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda s: run_script(demo, s, now), jobs))
    for i, result in enumerate(got):
        assert result == expected[i // 4]


def test_state_layout_and_stale_states(demo: Assistant, now: datetime) -> None:
    r = demo.turn("식당 예약해 줘", None, [], now=now)
    r.collect()
    assert r.state.version == STATE_VERSION and r.state.turns == 1
    assert r.state.task is not None and r.state.task.handler == "book_table"
    saved = r.state.model_dump(mode="json")
    assert DialogueState.from_json(saved) == r.state  # the JSON round trip loses nothing
    old = {**saved, "version": 0}
    again = demo.turn("고마워요", old, [], now=now)
    assert again.state.task is None and "another version" in (again.route.note or "")
    foreign = {**saved, "task": {**saved["task"], "handler": "nope"}}
    fresh = demo.turn("안녕하세요", foreign, [], now=now)
    assert fresh.state.task is None
    assert "not one of this assistant's tasks" in (fresh.route.note or "")
    unknown_slot = {
        **saved,
        "task": {**saved["task"], "slots": {"x": {"value": 1, "display": "1"}}},
    }
    assert "not one of" in (demo.turn("네", unknown_slot, [], now=now).route.note or "")
    # Malformed states (missing keys, wrong types) reset instead of failing the turn.
    for task in (
        {"handler": "book_table", "slots": {}},
        {**saved["task"], "confirming": "yes"},
        {**saved["task"], "slots": {"인원": 4}},
    ):
        out = demo.turn("네", {**saved, "task": task}, [], now=now)
        assert out.state.task is None and "malformed" in (out.route.note or "")
    assert "malformed" in (demo.turn("네", {**saved, "turns": "x"}, [], now=now).route.note or "")
    assert DialogueState.from_json({**saved, "turns": "x"}).reset_note is not None
    assert DialogueState.fresh("x").model_dump() == DialogueState().model_dump()  # never stored
    assert DialogueState.model_validate({"reset_note": "x"}).reset_note is None  # nor read


def test_turn_result_chunks_then_text() -> None:
    route = Route(handler="x", type="fallback")
    result = TurnResult(iter(["안녕", "하세요", "", "!"]), route, DialogueState())
    assert list(result.chunks) == ["안녕", "하세요", "!"]
    assert result.text == "안녕하세요!" and result.collect() == "안녕하세요!"
    lazy = TurnResult(iter(["가", "나"]), route, DialogueState())
    assert lazy.text == "가나" and list(lazy.chunks) == []


def test_classify_payload(demo: Assistant) -> None:
    out = demo.classify(["내일 서울 날씨 알려 줘", "주식 시세 좀 알려줘"])
    weather, stocks = out
    assert weather.label == "weather" and weather.handler == "weather"
    assert weather.fallback is False and weather.handler_type == "task"
    assert weather.labels == ["weather"]
    assert weather.ranking[0].label == "weather"
    assert abs(sum(r.score for r in weather.ranking) - 1) < 1e-3
    assert weather.explanation.neighbors and weather.explanation.features
    assert weather.thresholds.min_score > 0  # calibrated at start-up (target_recall)
    assert stocks.fallback is True and stocks.handler == "fallback"
    json.loads(stocks.model_dump_json())


def test_describe(demo: Assistant) -> None:
    d = demo.describe()
    assert d.name == "kodial-demo" and d.display_name == "모아"
    caps = {c.intent: c for c in d.capabilities}
    assert caps["book_table"].description == "식당 예약" and caps["book_table"].examples
    assert {c.type for c in caps.values()} == {"task", "faq", "chitchat", "fallback"}
    assert d.demo_script and d.examples


def test_demo_script_visits_every_handler(demo: Assistant, now: datetime) -> None:
    handlers = {h for _, h, _ in run_script(demo, demo.describe().demo_script, now)}
    assert handlers == {"smalltalk", "book_table", "faq", "weather", "fallback"}
