"""Round 10: a part of the day said before the hour it qualifies ("아침 회의 9시로", "저녁 약속
내일 7시로") and kept with the thing it names (저녁 약속 as a title); 잡아줘 for a meeting
(일정 잡기). Every tool and sentence here is written for these tests."""

from __future__ import annotations

from datetime import date, time

import pytest
from _tool_fixtures import NOW, assistant, function_tool, string_param, user
from _tool_fixtures import answer_to as _answer
from _tool_fixtures import enum_param as _enum
from _tool_fixtures import filled as _filled

from kodial.korean.datetimes import parse_datetime
from kodial.tools import decide

CALENDAR = [
    function_tool(
        "add_event",
        "일정을 추가합니다",
        {
            "title": string_param("일정 제목"),
            "start": string_param("시작 시각 (YYYY-MM-DDTHH:MM)"),
        },
        ["title", "start"],
    )
]


@pytest.mark.parametrize(
    ("said", "clock"),
    [
        ("내일 아침 회의 9시로", time(9, 0)),
        ("저녁 약속 내일 7시로", time(19, 0)),
        ("오늘 저녁 운동 8시 반에", time(20, 30)),
        ("밤 산책 내일 10시", time(22, 0)),
    ],
)
def test_a_part_of_the_day_a_word_or_two_before_the_hour_says_which_hour(said, clock) -> None:
    r = parse_datetime(said, NOW)
    assert r.time == clock
    # the part of the day is not taken from the words it names
    assert all(said[s:e] not in ("아침", "저녁", "밤") for s, e in r.spans)


def test_a_part_of_the_day_before_a_sentence_end_or_alone_is_read_as_before() -> None:
    r = parse_datetime("저녁 메뉴 추천. 7시에 보자", NOW)
    assert r.period == "저녁" and r.time is None
    r = parse_datetime("저녁에 보자", NOW)
    assert r.period == "저녁" and r.spans == ((0, 2),)
    r = parse_datetime("점심 약속", NOW)  # the part of the day, and the words left for a name
    assert r.period == "점심" and r.spans == ()


@pytest.mark.parametrize(
    ("request_", "title", "start"),
    [
        ("저녁 약속 내일 7시로 추가해줘", "저녁 약속", "T19:00"),
        ("내일 아침 회의 9시로 잡아줘", "아침 회의", "T09:00"),
        ("다음 주 월요일 오후 3시에 미팅 잡아줘", "미팅", "T15:00"),
    ],
)
def test_a_meeting_said_with_its_part_of_the_day_is_added_whole(request_, title, start) -> None:
    d = decide([user(request_)], CALENDAR, "auto", now=NOW)
    assert d.kind == "call" and d.tool == "add_event"
    assert d.arguments["title"] == title and d.arguments["start"].endswith(start)


def test_a_part_of_the_day_alone_is_no_title() -> None:
    d = decide([user("점심 약속 추가해줘")], CALENDAR, "auto", now=NOW)
    assert _filled(d).get("title") == "점심 약속" and d.missing == ["start"]
    d = decide([user("내일 저녁 일정 추가해줘")], CALENDAR, "auto", now=NOW)
    assert "title" not in _filled(d)


def test_the_date_said_is_kept_with_the_hour_after_the_words() -> None:
    d = decide([user("저녁 약속 내일 7시로 추가해줘")], CALENDAR, "auto", now=NOW)
    assert d.arguments["start"].startswith(date.fromordinal(NOW.date().toordinal() + 1).isoformat())


RIDE = [
    function_tool(
        "call_ride",
        "택시나 다른 이동 수단을 불러 줍니다",
        {
            "destination": string_param("목적지"),
            "vehicle": _enum("이동 수단", ["taxi", "bus", "subway"]),
        },
        ["destination", "vehicle"],
    )
]
CAR = [
    function_tool(
        "rent_car",
        "차를 빌립니다",
        {
            "size": _enum("차 크기", ["소형", "중형", "대형"]),
            "date": string_param("대여일 YYYY-MM-DD"),
        },
        ["size", "date"],
    )
]


@pytest.mark.parametrize("reply", ["버스 말고요", "버스는 싫어요", "버스는 좀 불편해요"])
def test_a_value_turned_down_is_not_chosen_and_the_question_stays(reply) -> None:
    d = _answer(
        RIDE,
        "서울역 가야 해",
        "이동 수단은 무엇으로 할까요? taxi, bus, subway 중에 골라 주세요.",
        reply,
    )
    assert d.kind == "ask" and d.missing == ["vehicle"]
    # nor is the destination's word (역) read as the vehicle
    assert "vehicle" not in _filled(d)


@pytest.mark.parametrize(
    ("reply", "size"),
    [
        ("대형은 비싸니까 중형으로 할게요", "중형"),
        ("소형은 좁고 중형으로 주세요", "중형"),
        ("대형 말고 소형이요", "소형"),
    ],
)
def test_of_two_values_the_one_said_as_the_choice_is_taken(reply, size) -> None:
    d = _answer(CAR, "내일 차 빌릴래", "차 크기는 어떻게 할까요? 소형, 중형, 대형이 있어요.", reply)
    assert d.kind == "call" and d.arguments["size"] == size


def test_a_value_turned_down_for_its_price_answers_nothing() -> None:
    d = _answer(
        CAR,
        "내일 차 빌릴래",
        "차 크기는 어떻게 할까요? 소형, 중형, 대형이 있어요.",
        "대형은 너무 비싸요",
    )
    assert d.kind == "ask" and d.missing == ["size"]


@pytest.mark.parametrize("reply", ["아무거나요", "잘 모르겠어요", "상관없어요", "알아서 골라줘"])
def test_a_reply_that_leaves_the_choice_open_keeps_the_question_open(reply) -> None:
    """Asked again with the choices, not declined as a request no tool serves."""
    d = _answer(
        RIDE,
        "서울역 가야 해",
        "이동 수단은 무엇으로 할까요? taxi, bus, subway 중에 골라 주세요.",
        reply,
    )
    assert d.kind == "ask" and d.tool == "call_ride" and d.missing == ["vehicle"]
    assert "taxi" in (d.content or "")


STAYS = {
    "stays": [
        {"id": "S-11", "name": "솔숲 펜션", "price": 95000, "rating": 4.1},
        {"id": "S-12", "name": "달빛 민박", "price": 70000, "rating": 4.7},
        {"id": "S-13", "name": "파도 리조트", "price": 180000, "rating": 4.4},
    ]
}
LODGING = [
    function_tool("find_stays", "숙소를 찾습니다", {"area": string_param("지역")}, ["area"]),
    function_tool(
        "book_stay",
        "숙소를 예약합니다",
        {"stay_id": string_param("숙소 ID"), "nights": {"type": "integer", "description": "박 수"}},
        ["stay_id", "nights"],
    ),
]


def _after_the_list(reply: str):
    import json

    call = {
        "id": "c1",
        "type": "function",
        "function": {"name": "find_stays", "arguments": '{"area": "강릉"}'},
    }
    messages = [
        user("강릉 숙소 찾아줘"),
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": json.dumps(STAYS, ensure_ascii=False)},
        assistant("솔숲 펜션(9만 5천원), 달빛 민박(7만원), 파도 리조트(18만원)이 있어요."),
        user(reply),
    ]
    return decide(messages, LODGING, "auto", now=NOW)


@pytest.mark.parametrize(
    ("reply", "stay"),
    [
        ("평점 제일 높은 곳으로 2박 예약해줘", "S-12"),
        ("별점이 가장 좋은 데로 1박", "S-12"),
        ("7만원짜리로 2박 예약해줘", "S-12"),
        ("18만원짜리로 1박 예약해 줘", "S-13"),
    ],
)
def test_an_item_picked_by_its_rating_or_its_price_is_the_one_booked(reply, stay) -> None:
    d = _after_the_list(reply)
    assert d.kind == "call" and d.tool == "book_stay" and d.arguments["stay_id"] == stay


SEATS = [
    function_tool(
        "book_ferry",
        "여객선 표를 예매합니다",
        {
            "port": string_param("도착 항구"),
            "cabin": _enum("좌석 등급", ["economy", "business", "first"]),
            "side": _enum("좌석 위치", ["window", "aisle"]),
        },
        ["port", "cabin", "side"],
    )
]


@pytest.mark.parametrize(
    ("reply", "want"),
    [
        ("일반석이요", {"cabin": "economy"}),
        ("일등석으로 할게요", {"cabin": "first"}),
        ("비즈니스석이요", {"cabin": "business"}),
        ("복도 쪽이요", {"side": "aisle"}),
        ("창가석으로요", {"side": "window"}),
    ],
)
def test_seats_said_by_their_korean_names(reply, want) -> None:
    """일반석 was read by meaning as first class."""
    d = _answer(SEATS, "울릉도 배표 예매해줘", "좌석 등급과 위치를 골라 주세요.", reply)
    filled = _filled(d)
    assert all(filled.get(k) == v for k, v in want.items()), filled


TABLE = [
    function_tool(
        "reserve_table",
        "식당 자리를 예약합니다",
        {
            "date": string_param("예약 날짜 YYYY-MM-DD"),
            "party": {"type": "integer", "description": "인원 수"},
        },
        ["date", "party"],
    )
]
TICKETS = [
    function_tool(
        "buy_tickets",
        "입장권을 삽니다",
        {
            "adults": {"type": "integer", "description": "성인 매수"},
            "children": {"type": "integer", "description": "어린이 매수"},
        },
        ["adults", "children"],
    )
]


@pytest.mark.parametrize(
    ("said", "party"), [("어른 둘 아이 하나", 3), ("성인 2명 어린이 2명이요", 4)]
)
def test_counts_of_kinds_of_people_are_one_party_when_the_tool_takes_one_count(said, party) -> None:
    d = _answer(TABLE, "내일 저녁 예약할게요", "몇 분이 오시나요?", said)
    assert d.kind == "call" and d.arguments["party"] == party


def test_a_tool_that_counts_each_kind_gets_each_count() -> None:
    d = decide([user("성인 2장 어린이 1장 입장권 사줘")], TICKETS, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"adults": 2, "children": 1}


@pytest.mark.parametrize(
    ("reply", "kind", "vehicle"),
    [("지하철이요", "call", "subway"), ("버스 말고요", "ask", None), ("아무거나요", "ask", None)],
)
def test_a_question_that_lists_the_choices_asks_about_them(reply, kind, vehicle) -> None:
    """The question names no parameter, only its values; it asks about that parameter."""
    d = _answer(
        RIDE, "서울역 가야 해", "무엇으로 갈까요? taxi, bus, subway 중에 골라 주세요.", reply
    )
    assert d.kind == kind and d.tool == "call_ride"
    assert d.arguments.get("vehicle") == vehicle


BILL = [
    function_tool(
        "pay_fee",
        "관리비를 냅니다",
        {"month": string_param("납부할 달"), "method": _enum("결제 수단", ["cash", "transfer"])},
        ["month", "method"],
    )
]


@pytest.mark.parametrize("reply", ["카드로요", "신용카드로 할게요"])
def test_a_known_value_that_is_not_offered_is_asked_again_with_what_is(reply) -> None:
    """Card is a payment method, but not one this tool takes: no other method is read into it."""
    d = _answer(
        BILL, "이번 달 관리비 낼게", "결제 수단은 무엇으로 할까요? cash, transfer가 있어요.", reply
    )
    assert d.kind == "ask" and d.missing == ["method"]
    assert "cash, transfer 중에서 골라" in (d.content or "")


def test_an_offered_value_said_by_its_korean_name_is_still_taken() -> None:
    d = _answer(
        BILL,
        "이번 달 관리비 낼게",
        "결제 수단은 무엇으로 할까요? cash, transfer가 있어요.",
        "계좌이체요",
    )
    assert _filled(d)["method"] == "transfer"
