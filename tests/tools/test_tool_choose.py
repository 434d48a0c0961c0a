"""Tool scoring: IDF-weighted tool words scaled to the tool list, how completely a message fills
a tool's required parameters, and the calibration (over labelled cases with their own tool
lists; the shipped one still holds on the project's own requests)."""

from __future__ import annotations

import pytest
from _tool_fixtures import NOW, function_tool, one_string_tool, string_param

from kodial.tools.arguments import extract_message
from kodial.tools.choose import (
    ArgumentEvidence,
    Calibration,
    CalibrationCase,
    ToolChooser,
    balanced_accuracy,
    bundled_tools,
    calibrate,
    evidence_for,
    load_requests,
    request_cases,
    tool_words,
)
from kodial.tools.schema import parse_tools


def test_a_word_every_tool_shares_says_less_than_a_distinctive_one() -> None:
    tools = parse_tools(
        [
            one_string_tool("routeArrival", "노선 번호로 버스 도착 시간을 조회", "버스 노선"),
            one_string_tool("stopArrival", "정류장 이름으로 버스 도착 시간을 조회", "버스 정류장"),
            one_string_tool("routeFare", "노선 번호로 버스 요금을 조회", "버스 노선"),
        ]
    )
    chooser = ToolChooser(encoder=None, calibration=Calibration())
    scores = chooser.word_scores(tools, "402번 노선 버스 도착 시간 알려줘")
    by_route, by_stop, fare = (s for s, _ in scores)
    assert by_route > fare > 0 and by_route > by_stop > 0
    assert "노선" in scores[0][1] and "노선" not in scores[1][1]
    # one-syllable words match only as morphemes of their own, not inside other words
    assert "키" in tool_words(
        parse_tools([one_string_tool("bmi", "키와 몸무게로 비만도 계산", "키")])[0]
    )
    single = ToolChooser(encoder=None, calibration=Calibration()).word_scores(
        parse_tools([one_string_tool("bmi", "키와 몸무게로 비만도 계산", "키")]),
        "스키 타러 가고 싶어",
    )
    assert "키" not in single[0][1]


def test_enum_values_and_nouns_inside_them_are_tool_words() -> None:
    coffee = function_tool(
        "order",
        "음료를 주문한다",
        {"menu": {"type": "string", "enum": ["카페라테", "아메리카노"]}},
        ["menu"],
    )
    tools = parse_tools([coffee, one_string_tool("weather", "도시의 날씨를 조회", "도시 이름")])
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


def test_a_word_only_this_tool_has_counts_one_whatever_the_list_size() -> None:
    # The old weights grew with the list (log(n+1)): with one tool offered its own word "날씨"
    # counted 0.79, among eight 2.29, so one threshold could not suit both.
    weather = one_string_tool("weather", "도시의 날씨를 조회", "도시 이름")
    others = [
        one_string_tool(f"t{i}", f"{w} 기록을 저장", "내용")
        for i, w in enumerate(["운동", "식단", "수면"])
    ]
    chooser = ToolChooser(encoder=None, calibration=Calibration())
    (alone, _), *_ = chooser.word_scores(parse_tools([weather]), "부산 날씨 어때")
    (among, _), *_ = chooser.word_scores(parse_tools([weather, *others]), "부산 날씨 어때")
    assert alone == pytest.approx(1.0) and among == pytest.approx(1.0)


def test_complete_counts_required_parameters_found_and_guesses_half() -> None:
    search = one_string_tool(
        "find_birthday", "친구 이름으로 저장된 생일을 검색한다", "친구 이름", key="friend"
    )
    register = function_tool(
        "register_birthday",
        "친구의 생일을 등록한다",
        {
            "friend": string_param("친구 이름"),
            "birthday": {"type": "string", "format": "date", "description": "생일"},
        },
        ["friend", "birthday"],
    )
    no_args = {"type": "function", "function": {"name": "box_office", "description": "순위"}}
    tools = parse_tools([search, register, no_args])
    ev = evidence_for(tools, "민지라는 친구 생일 찾아줘")
    # the name is read from its label (strong): the search is complete, the registration half
    assert ev["find_birthday"].complete == 1.0
    assert ev["register_birthday"].complete == 0.5
    assert ev["box_office"] == ArgumentEvidence(0, 0.5)  # nothing to find, nothing missing
    guessed = evidence_for(tools, "민지 생일 찾아줘")["find_birthday"]
    assert guessed.complete == 0.5  # the main noun phrase is only a guess at the name


def test_calibrate_balances_groups_and_prefers_small_weights() -> None:
    tools = parse_tools(
        [
            one_string_tool("weather", "도시의 날씨를 조회", "도시 이름"),
            one_string_tool("fare", "버스 요금을 조회", "버스 노선"),
        ]
    )
    cases = [
        CalibrationCase(tools, "서울 날씨 알려줘", "weather"),
        CalibrationCase(tools, "부산 날씨 어때", "weather"),
        CalibrationCase(tools, "402번 버스 요금 얼마야", "fare"),
        CalibrationCase(tools, "버스 요금 알려줘", "fare", group="slot"),
        CalibrationCase(tools, "고마워 잘 있어", None),
        CalibrationCase(tools, "피자 한 판 주문해줘", None),
    ]
    chooser = ToolChooser(encoder=None, calibration=Calibration())
    cal = calibrate(cases, chooser, "six requests")
    # without an encoder words alone separate them (a matched word scores 1): the smallest word
    # weight that reaches the lowest threshold, and no other weight
    assert cal.source == "six requests (6), balanced accuracy 1.000"
    assert (cal.word_weight, cal.evidence_weight, cal.complete_weight) == (0.1, 0.0, 0.0)
    assert cal.threshold == 0.1
    chooser.calibration = cal
    assert balanced_accuracy(cases, chooser) == 1.0
    assert {c.group for c in cases} == {"call", "slot", "none"}


@pytest.mark.slow
def test_shipped_calibration_was_tuned_on_the_tuning_part_and_holds_on_own_requests() -> None:
    stored = Calibration.bundled()
    assert stored.source.startswith("bundled requests + FunctionChat-Bench tuning part")
    cases = request_cases(bundled_tools(), load_requests())
    # the project's own requests, never tuned on alone, still come out well with it
    assert balanced_accuracy(cases, ToolChooser(calibration=stored)) >= 0.8
    own = calibrate(cases, ToolChooser(calibration=Calibration()), "bundled requests")
    assert own.source.startswith("bundled requests (146), balanced accuracy ")
    assert float(own.source.rsplit(" ", 1)[1]) >= 0.8


def test_general_synonyms_reach_time_distance_birthday_and_dday_words() -> None:
    tools = parse_tools(
        [
            one_string_tool("getLocalTime", "도시의 현재 시간", "도시 이름"),
            one_string_tool("walkDistance", "두 장소 사이의 거리", "장소"),
            one_string_tool("friendBirthday", "친구 생일 검색", "친구 이름"),
            one_string_tool("countDday", "저장된 디데이 조회", "디데이 이름"),
        ]
    )
    chooser = ToolChooser(encoder=None, calibration=Calibration())
    for text, tool in [
        ("리스본은 지금 몇 시야?", 0),
        ("남산이랑 명동은 얼마나 떨어져 있어?", 1),
        ("할머니 생신이 언제였지", 2),
        ("시험 d-day 알려줘", 3),
    ]:
        scores = [s for s, _ in chooser.word_scores(tools, text)]
        assert max(range(4), key=lambda i: scores[i]) == tool and scores[tool] > 0, text


def test_now_fills_a_date_but_is_no_evidence_for_a_date_tool() -> None:
    """ "지금" is the present every request has: it still fills a date parameter, but counts as
    a guess, not as words naming the parameter, so a tide table by date is not made likelier
    by "지금 몇 시야"; a date the user chose (내일) is evidence."""
    tide = function_tool(
        "tide_by_date",
        "날짜별 물때를 알려준다",
        {"date": {"type": "string", "description": "YYYY-MM-DD 형식의 날짜"}},
        ["date"],
    )
    tools = parse_tools([tide])
    now = evidence_for(tools, "지금 몇 시야?", NOW)["tide_by_date"]
    tomorrow = evidence_for(tools, "내일 물때 알려줘", NOW)["tide_by_date"]
    assert (now.strong, now.complete) == (0, 0.5)
    assert (tomorrow.strong, tomorrow.complete) == (1, 1.0)
    found = extract_message(tools[0], "지금 물때 알려줘", NOW)
    assert found["date"].value == NOW.date().isoformat() and not found["date"].strong
