"""Readings that should carry over to tools and requests nobody tuned on (round 4): picking an
item of a result, values by meaning and by shape, answers to several questions, Korean ways of
saying days, counts and numbers. Every tool and sentence here is written for these tests (none
comes from a benchmark or a development set)."""

from __future__ import annotations

from typing import Any

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    enum_param,
    function_tool,
    integer_param,
    one_string_tool,
    string_param,
    tool_result,
    user,
)

from kodial.tools import decide
from kodial.tools.arguments import fill_arguments
from kodial.tools.arguments.addresses import address_span
from kodial.tools.arguments.kinds import as_shaped, value_shape
from kodial.tools.arguments.message import words_of_tool
from kodial.tools.arguments.params import date_format
from kodial.tools.choose import Calibration, ToolChooser
from kodial.tools.schema import ParamSpec, parse_tools
from kodial.tools.text import numbers

# --- picking an item of the last result -------------------------------------------------------

STUDY = [
    function_tool(
        "find_study_rooms",
        "스터디 카페의 빈 방을 찾습니다.",
        {"date": string_param("날짜 (YYYY-MM-DD)"), "people": integer_param("인원")},
        ["date"],
    ),
    function_tool(
        "reserve_study_room",
        "스터디룸을 예약합니다.",
        {
            "room_code": string_param("방 코드"),
            "date": string_param("날짜 (YYYY-MM-DD)"),
            "purpose": string_param("사용 목적"),
        },
        ["room_code", "date", "purpose"],
    ),
]
ROOMS = {
    "rooms": [
        {"room_code": "SR-11", "name": "노을방", "seats": 6, "open": "09:00"},
        {"room_code": "SR-12", "name": "새벽별방", "seats": 4, "open": "19:30"},
    ]
}


def _after_rooms(text: str) -> list[dict[str, Any]]:
    return [
        user("내일 스터디룸 빈 데 있어?"),
        called("find_study_rooms", date="2026-11-19"),
        tool_result(ROOMS),
        assistant("노을방(6인)과 새벽별방(4인)이 비어 있어요."),
        user(text),
    ]


def test_a_request_that_picks_a_listed_item_goes_to_the_tool_that_takes_its_field() -> None:
    """'노을방 잡아줘' shares no word with the booking tool (scored by words alone here, under
    the threshold); the room it names is an item of the
    search result whose room_code the booking tool takes (and the search did not), so the turn
    is for the booking tool: the code and the date carried, the purpose asked for."""
    chooser = ToolChooser(encoder=None, calibration=Calibration.bundled())  # words only
    d = decide(_after_rooms("노을방 잡아줘"), STUDY, now=NOW, chooser=chooser)
    assert d.explain["scores"][0]["score"] < chooser.threshold
    assert (d.kind, d.tool, d.missing) == ("ask", "reserve_study_room", ["purpose"])
    assert "picks an item" in d.explain["why"]


def test_an_item_named_by_its_first_part_and_by_the_part_of_the_day() -> None:
    """'새벽별로' names 새벽별방 by its first part; '저녁 거' names the item whose time is in
    the evening. Both give the booking its room code."""
    for text, code in (
        ("새벽별로 할게요, 목적은 토익 스터디", "SR-12"),
        ("저녁 거로 잡아줘", "SR-12"),
    ):
        messages = _after_rooms(text)
        filling = fill_arguments(parse_tools(STUDY)[1], messages, NOW, tools=parse_tools(STUDY))
        assert filling.found["room_code"].value == code, text


def test_a_superlative_picks_the_item_with_the_extreme_value() -> None:
    """'제일 싼 데로 할게' of two places: the one with the lowest price (a field of that kind)."""
    result = {
        "places": [
            {"place_id": "PL-1", "name": "강변캠프", "price_per_night": 72000},
            {"place_id": "PL-2", "name": "솔숲캠프", "price_per_night": 58000},
        ]
    }
    tool = function_tool(
        "reserve_place",
        "캠핑 자리를 예약합니다.",
        {"place_id": string_param("자리 ID"), "people": integer_param("인원")},
        ["place_id", "people"],
    )
    messages = [
        user("이번 주말 캠핑장 찾아줘"),
        called("find_places", region="양평"),
        tool_result(result),
        assistant("강변캠프(72,000원)와 솔숲캠프(58,000원)가 있어요."),
        user("제일 싼 데로 네 명 예약할게"),
    ]
    d = decide(messages, [tool], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"place_id": "PL-2", "people": 4})


def test_a_question_about_an_item_is_not_a_pick() -> None:
    d = decide(_after_rooms("노을방은 몇 명 들어가?"), STUDY, now=NOW)
    assert d.tool != "reserve_study_room"


# --- values by meaning and by shape -------------------------------------------------------------

HOTEL = [
    function_tool(
        "book_room",
        "호텔 객실을 예약합니다.",
        {
            "hotel_code": string_param("호텔 코드"),
            "room_type": enum_param("객실 종류", ["standard", "deluxe", "suite"]),
        },
        ["hotel_code", "room_type"],
    ),
]


def test_an_enum_of_english_identifiers_is_read_by_meaning() -> None:
    """The user says 디럭스 for ``deluxe``: no word of the schema, the encoder's meaning. The
    hotel's code is kept whole although the analyser splits it at the dash."""
    messages = [
        user("H-204 호텔 방 예약해줘"),
        assistant("어떤 객실 종류로 하시겠어요?"),
        user("디럭스로요"),
    ]
    d = decide(messages, HOTEL, now=NOW)
    assert (d.kind, d.arguments) == ("call", {"hotel_code": "H-204", "room_type": "deluxe"})


def test_an_enum_the_description_glosses_is_read_by_its_korean_words_only() -> None:
    """``indoor=실내``: the app said its values in Korean, so a word that only resembles one
    (자리 and indoor) does not fill it."""
    tool = function_tool(
        "reserve_table",
        "식당 테이블을 예약합니다.",
        {
            "guests": integer_param("인원"),
            "area": enum_param("자리 (indoor=실내, terrace=테라스)", ["indoor", "terrace"]),
        },
        ["guests"],
    )
    d = decide([user("세 명 자리 잡아줘")], [tool], now=NOW)
    assert d.arguments == {"guests": 3}


TRANSFER = function_tool(
    "send_money",
    "다른 계좌로 송금합니다.",
    {
        "bank": string_param("받는 은행"),
        "account_no": string_param("받는 계좌번호"),
        "amount": integer_param("보낼 금액 (원)"),
    },
    ["bank", "account_no", "amount"],
)


def test_a_code_asked_for_is_the_answers_code_shaped_word_and_the_rest_the_other_answer() -> None:
    messages = [
        user("20만원 송금해줘"),
        assistant("받으실 분의 은행과 계좌번호를 알려 주세요."),
        user("농협 352-0917-4410-83"),
    ]
    d = decide(messages, [TRANSFER], now=NOW)
    assert (d.kind, d.arguments) == (
        "call",
        {"bank": "농협", "account_no": "352-0917-4410-83", "amount": 200000},
    )


def test_an_example_with_a_space_keeps_it_and_numbers_in_road_names_stay_in_the_address() -> None:
    p = ParamSpec("plate", "string", "차량 번호 (예: 34나 5678)")
    shape = value_shape(p)
    assert shape is not None
    m = shape[0].search("번호는 123러4567 이에요")
    assert m is not None and as_shaped(m.group(0), shape[1]) == "123러 4567"
    text = "주소는 부산 해운대구 달맞이길62번길 17, 바다빌 305호예요"
    span = address_span(text, [])
    assert (
        span is not None
        and text[span[0] : span[1]] == "부산 해운대구 달맞이길62번길 17, 바다빌 305호"
    )
    text = "대구 수성구 동대구로 88, 그리고 내일 와주세요"
    span = address_span(text, [])
    assert span is not None and text[span[0] : span[1]] == "대구 수성구 동대구로 88"


def test_a_count_said_before_a_name_is_not_part_of_it() -> None:
    tool = function_tool(
        "search_pensions",
        "펜션을 검색합니다.",
        {"region": string_param("지역"), "nights": integer_param("숙박 일수 (박)")},
        ["region"],
    )
    d = decide([user("3박 가평 펜션 찾아줘")], [tool], now=NOW)
    assert d.arguments == {"region": "가평", "nights": 3}


# --- answers to several questions, Korean numbers and days --------------------------------------

BLOOD_SUGAR = function_tool(
    "log_glucose",
    "혈당을 기록합니다.",
    {
        "fasting": integer_param("공복 혈당 (mg/dL)"),
        "after_meal": integer_param("식후 혈당 (mg/dL)"),
        "measured_at": string_param("측정 시각 (YYYY-MM-DD HH:MM), 생략하면 지금"),
    },
    ["fasting", "after_meal"],
)


def test_numbers_answering_two_questions_are_taken_in_the_order_asked() -> None:
    """'구십오에 백사십' answers 공복 and 식후 in that order, in Sino-Korean numerals; the time
    an earlier, finished request said ('아침 7시') is not when this was measured."""
    messages = [
        user("내일 아침 7시에 약 먹으라고 알려줘"),
        called("log_glucose", fasting=90, after_meal=130),
        tool_result({"ok": True}),
        assistant("기록했어요."),
        user("혈당 또 기록해줘"),
        assistant("공복 혈당과 식후 혈당 수치를 알려 주세요."),
        user("구십오에 백사십"),
    ]
    d = decide(messages, [BLOOD_SUGAR], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"fasting": 95, "after_meal": 140})


def test_bare_sino_korean_numerals_and_counts_ending_in_yo() -> None:
    assert [n.value for n in numbers("백이십에 칠십")] == [120, 70]
    assert numbers("천사 같은 사람") == []
    assert [n.value for n in numbers("어른 셋 아이 하나요")] == [3, 1]
    assert [(n.value, n.unit) for n in numbers("일주일 동안")] == [(7, "일")]


def test_two_weekday_letters_after_a_week_are_a_range_and_times_fill_a_list() -> None:
    leave = function_tool(
        "apply_leave",
        "휴가를 신청합니다.",
        {
            "start_date": string_param("시작일 (YYYY-MM-DD)"),
            "end_date": string_param("종료일 (YYYY-MM-DD)"),
        },
        ["start_date", "end_date"],
    )
    d = decide([user("담주 목금 휴가 신청해줘")], [leave], now=NOW)
    assert d.arguments == {"start_date": "2026-11-26", "end_date": "2026-11-27"}
    alarm = function_tool(
        "set_alarms",
        "알람 여러 개를 맞춥니다.",
        {
            "times": {
                "type": "array",
                "items": {"type": "string"},
                "description": "알람 시각들 (HH:MM)",
            }
        },
        ["times"],
    )
    d = decide([user("알람 아침 6시 반이랑 밤 11시로 맞춰줘")], [alarm], now=NOW)
    assert d.arguments == {"times": ["06:30", "23:00"]}


def test_date_layouts_written_out_in_the_description() -> None:
    tool = function_tool(
        "book_bus",
        "고속버스를 예매합니다.",
        {
            "day": string_param("출발일 (MM/DD)"),
            "return_day": string_param("돌아오는 날 (YYYYMMDD)"),
        },
        ["day", "return_day"],
    )
    d = decide([user("금요일에 가서 다음 주 화요일에 오는 고속버스 예매")], [tool], now=NOW)
    assert d.arguments == {"day": "11/20", "return_day": "20261124"}
    fmt = date_format(ParamSpec("at", "string", "측정 시각 (YYYY-MM-DD HH:MM)"))
    assert fmt is not None and (fmt.part, fmt.layout) == ("datetime", "%Y-%m-%d %H:%M")


# --- a change nothing offered makes -----------------------------------------------------------

CLINIC = [
    function_tool(
        "find_vets",
        "동물병원을 찾습니다.",
        {"district": string_param("지역 (구)"), "date": string_param("날짜 (YYYY-MM-DD)")},
        ["district"],
    ),
    function_tool(
        "book_vet",
        "동물병원 진료를 예약합니다.",
        {"vet_id": string_param("병원 ID"), "date": string_param("날짜 (YYYY-MM-DD)")},
        ["vet_id", "date"],
    ),
]


def test_a_change_no_offered_tool_makes_is_declined_once_something_was_made() -> None:
    messages = [
        user("마포구 동물병원 내일 예약해줘, V-31로"),
        called("book_vet", vet_id="V-31", date="2026-11-19"),
        tool_result({"booking": "VB-8812"}),
        assistant("예약했어요."),
        user("그거 마포구 말고 다음 주 금요일로 옮길 수 있어요?"),
    ]
    d = decide(messages, CLINIC, now=NOW)
    assert d.kind == "decline"


def test_loanwords_name_the_same_thing_as_the_tools_words() -> None:
    """리마인드 is what an 알림 tool does, 히터 what a 난방 one turns on: the words are in one
    synonym group, so the tool is named by the user's word."""
    heat = function_tool(
        "start_car_heating",
        "차량 난방을 미리 켭니다.",
        {"temperature": integer_param("설정 온도 (도)")},
        ["temperature"],
    )
    words = words_of_tool(parse_tools([heat])[0])
    assert {"히터", "heater"} <= words
    reminder = one_string_tool("set_notice", "정해진 시각에 알림을 보냅니다.", "알림 내용")
    assert "리마인드" in words_of_tool(parse_tools([reminder])[0])
    d = decide([user("차 히터 24도로 미리 켜줘")], [heat], now=NOW)
    assert (d.kind, d.tool, d.arguments) == ("call", "start_car_heating", {"temperature": 24})


def test_a_one_letter_name_keeps_its_i() -> None:
    """'강아지 콩이 내일 미용': the analyser reads 콩 + the particle 이; a one-letter name is
    the two-letter one."""
    tool = function_tool(
        "book_grooming",
        "반려동물 미용을 예약합니다.",
        {"pet_name": string_param("반려동물 이름"), "date": string_param("날짜 (YYYY-MM-DD)")},
        ["pet_name", "date"],
    )
    d = decide([user("강아지 콩이 내일 미용 예약해줘")], [tool], now=NOW)
    assert str(d.arguments.get("pet_name")).endswith("콩이")  # (강아지 콩 before)


def test_a_word_only_one_values_gloss_has_names_that_value() -> None:
    """'pdf로 주세요' for ``online_pdf(온라인 PDF)``: pdf is in that value's gloss and name
    only, so it names it (the whole gloss 온라인 PDF was never said)."""
    tool = function_tool(
        "issue_document",
        "서류를 발급합니다.",
        {
            "doc": string_param("서류 이름"),
            "delivery": enum_param(
                "받는 방법: online_pdf(온라인 PDF) 또는 post(등기 우편)", ["online_pdf", "post"]
            ),
        },
        ["doc", "delivery"],
    )
    messages = [
        user("졸업증명서 떼 주세요"),
        assistant("어떻게 받으시겠어요? 온라인 PDF와 등기 우편이 있어요."),
        user("pdf로 주세요"),
    ]
    d = decide(messages, [tool], now=NOW)
    assert (d.kind, d.arguments.get("delivery")) == ("call", "online_pdf")
