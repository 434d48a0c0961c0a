"""Tool scoring: IDF-weighted tool words, and the bundled calibration reproduces from the
project's own labelled requests."""

from __future__ import annotations

import pytest

from kodial.tools.choose import (
    Calibration,
    ToolChooser,
    bundled_tools,
    calibrate,
    load_requests,
    tool_words,
)
from kodial.tools.schema import parse_tools


def bus(name: str, desc: str, param: str) -> dict:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": desc,
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string", "description": param}},
                "required": ["q"],
            },
        },
    }


def test_a_word_every_tool_shares_says_less_than_a_distinctive_one() -> None:
    tools = parse_tools(
        [
            bus("routeArrival", "노선 번호로 버스 도착 시간을 조회", "버스 노선"),
            bus("stopArrival", "정류장 이름으로 버스 도착 시간을 조회", "버스 정류장"),
            bus("routeFare", "노선 번호로 버스 요금을 조회", "버스 노선"),
        ]
    )
    chooser = ToolChooser(encoder=None, calibration=Calibration())
    scores = chooser.word_scores(tools, "402번 노선 버스 도착 시간 알려줘")
    by_route, by_stop, fare = (s for s, _ in scores)
    assert by_route > fare > 0 and by_route > by_stop > 0
    assert "노선" in scores[0][1] and "노선" not in scores[1][1]
    # one-syllable words match only as morphemes of their own, not inside other words
    assert "키" in tool_words(parse_tools([bus("bmi", "키와 몸무게로 비만도 계산", "키")])[0])
    single = ToolChooser(encoder=None, calibration=Calibration()).word_scores(
        parse_tools([bus("bmi", "키와 몸무게로 비만도 계산", "키")]), "스키 타러 가고 싶어"
    )
    assert "키" not in single[0][1]


def test_enum_values_and_nouns_inside_them_are_tool_words() -> None:
    coffee = {
        "type": "function",
        "function": {
            "name": "order",
            "description": "음료를 주문한다",
            "parameters": {
                "type": "object",
                "properties": {
                    "menu": {"type": "string", "enum": ["카페라테", "아메리카노"]},
                },
                "required": ["menu"],
            },
        },
    }
    tools = parse_tools([coffee, bus("weather", "도시의 날씨를 조회", "도시 이름")])
    assert {"카페라테", "아메리카노"} <= tool_words(tools[0])
    chooser = ToolChooser(encoder=None, calibration=Calibration())
    # "라테" (a noun of the request) sits inside the enum value "카페라테"
    (order, matched), (weather, _) = chooser.word_scores(tools, "따뜻한 라테 한 잔")
    assert matched == ["카페라테"] and order > 0 and weather == 0


def test_bundled_requests_cover_every_tool_and_none() -> None:
    names = {t.name for t in bundled_tools()}
    rows = load_requests()
    assert {r["tool"] for r in rows if r["tool"]} == names
    assert sum(r["tool"] is None for r in rows) >= 30


@pytest.mark.slow
def test_stored_calibration_reproduces_from_the_bundled_requests() -> None:
    stored = Calibration.bundled()
    fresh = calibrate(bundled_tools(), load_requests(), ToolChooser(calibration=Calibration()))
    assert (fresh.word_weight, fresh.evidence_weight, fresh.threshold) == (
        stored.word_weight,
        stored.evidence_weight,
        stored.threshold,
    )
    assert fresh.source == stored.source and "balanced accuracy 0.8" in stored.source
