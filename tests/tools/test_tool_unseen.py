"""Readings that carry over to tools and requests the engine has never seen (round 2): a request
that only repeats an earlier call, items of a result picked by position or weekday, Korean
counters and native numbers, values in the shape the description shows. Every tool and sentence
here is written for these tests (none comes from a benchmark)."""

from __future__ import annotations

from typing import Any

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    function_tool,
    integer_param,
    string_param,
    tool_result,
    user,
)

from kodial.tools import decide

# --- a request that repeats an earlier call ---------------------------------------------------

KEYS = [
    function_tool(
        "order_spare_key",
        "현관 보조키를 주문합니다.",
        {
            "door_code": string_param("현관문 모델 코드"),
            "count": integer_param("주문할 열쇠 개수"),
        },
        ["door_code", "count"],
    ),
    function_tool(
        "get_key_order",
        "열쇠 주문의 배송 상태를 조회합니다.",
        {"order_no": string_param("주문번호")},
        ["order_no"],
    ),
]


def test_a_message_that_gives_nothing_new_does_not_repeat_a_finished_call() -> None:
    """After an order went through, a remark or a request the tools cannot serve shares the
    tool's words ("열쇠") and the conversation is about it, but gives none of its arguments:
    calling it again with the old arguments would order the keys twice."""
    history = [
        user("현관 보조키 DX-200 두 개 주문해줘"),
        called("order_spare_key", door_code="DX-200", count=2),
        tool_result({"order_no": "K-118", "status": "주문완료"}),
        assistant("DX-200 보조키 2개를 주문했어요. 주문번호는 K-118이에요."),
    ]
    for text in ("보조키 색상도 고를 수 있어?", "보조키 주문하니까 마음이 놓이네"):
        d = decide([*history, user(text)], KEYS[:1], now=NOW)
        assert d.kind == "decline", (text, d.kind, d.tool, d.arguments)
        assert "would repeat an earlier call" in d.explain["why"]
    # a new value from the message is a new order
    d = decide([*history, user("보조키 코드 SX9로 세 개 더 주문해줘")], KEYS, now=NOW)
    assert (d.kind, d.tool, d.arguments) == (
        "call",
        "order_spare_key",
        {"door_code": "SX9", "count": 3},
    )


# --- counters and native numbers --------------------------------------------------------------


def test_counts_said_with_their_counters_and_native_words() -> None:
    """Korean counts a number with the counter of the thing (운동화 두 켤레, 이불 세 채),
    says 하나 alone ("우유 하나"), an hour count with 시간 (다섯 시간) and a day count with a
    native word (열흘, 보름)."""
    shoes = function_tool(
        "order_shoe_cleaning",
        "운동화 세탁을 맡깁니다.",
        {"pairs": integer_param("맡길 운동화 개수")},
        ["pairs"],
    )
    for text, n in (("운동화 두 켤레 세탁 맡길게요", 2), ("운동화 하나 세탁 맡겨줘", 1)):
        d = decide([user(text)], [shoes], now=NOW)
        assert (d.kind, d.arguments) == ("call", {"pairs": n}), text
    rent = function_tool(
        "rent_meeting_room",
        "회의실을 빌립니다.",
        {"hours": integer_param("사용할 시간(시간 단위)")},
        ["hours"],
    )
    d = decide([user("회의실 다섯 시간 빌려줘")], [rent], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"hours": 5})
    hold = function_tool(
        "hold_newspaper",
        "신문 배달을 잠시 멈춥니다.",
        {"days": integer_param("멈출 일수")},
        ["days"],
    )
    for text, n in (("신문 배달 보름 동안 멈춰줘", 15), ("신문 배달 열흘만 멈춰주세요", 10)):
        d = decide([user(text)], [hold], now=NOW)
        assert (d.kind, d.arguments) == ("call", {"days": n}), text


# --- an item of a result picked by its place or its weekday -----------------------------------

CLASSES = [
    function_tool(
        "search_cooking_classes",
        "요리 원데이 클래스를 검색합니다.",
        {"dish": string_param("배우고 싶은 요리")},
        ["dish"],
    ),
    function_tool(
        "join_cooking_class",
        "요리 클래스를 신청합니다.",
        {
            "class_id": string_param("신청할 클래스 ID (검색 결과의 class_id)"),
            "attendee": string_param("참가자 이름"),
        },
        ["class_id", "attendee"],
    ),
]

CLASS_LIST = tool_result(
    {
        "classes": [
            {"class_id": "CK-11", "title": "파스타 기초", "date": "2026-11-21"},
            {"class_id": "CK-12", "title": "파스타 심화", "date": "2026-11-22"},
            {"class_id": "CK-13", "title": "생면 파스타", "date": "2026-11-26"},
        ]
    }
)


def _after_list(text: str) -> Any:
    messages = [
        user("파스타 클래스 찾아줘"),
        called("search_cooking_classes", dish="파스타"),
        CLASS_LIST,
        assistant("파스타 클래스가 세 개 있어요: 11/21(토) 기초, 11/22(일) 심화, 11/26(목) 생면."),
        user(text),
    ]
    return decide(messages, CLASSES, now=NOW)


def test_an_item_of_the_list_just_shown_is_picked_by_its_place() -> None:
    for text, cid in (
        ("두 번째 거 신청할게요 참가자 이름은 윤다솜", "CK-12"),
        ("첫번째 클래스로 신청해줘 참가자 이름은 윤다솜", "CK-11"),
        ("마지막 클래스 신청해 주세요 참가자 이름은 윤다솜", "CK-13"),
    ):
        d = _after_list(text)
        assert (d.kind, d.tool, d.arguments.get("class_id")) == ("call", "join_cooking_class", cid)


def test_an_item_of_the_list_just_shown_is_picked_by_its_weekday() -> None:
    """The list shows dates; "일요일 거" (or the spoken "일욜") is the one on a Sunday."""
    for text in (
        "일요일 클래스 신청할게요 참가자 이름은 윤다솜",
        "일욜 거 신청해줘 참가자 이름은 윤다솜",
    ):
        d = _after_list(text)
        assert (d.kind, d.arguments.get("class_id")) == ("call", "CK-12"), text
    # without a place or a day, nothing is picked: the question asks which
    d = _after_list("클래스 신청할게요 참가자 이름은 윤다솜")
    assert (d.kind, d.missing) == ("ask", ["class_id"])


# --- values in the shape the description shows ------------------------------------------------


def test_a_value_is_read_and_written_in_the_shape_its_description_shows() -> None:
    """An example with digits (예: 34나5678, 예: AB123) or a digit mask (0000-0000 형식) says
    what a value looks like: it is found however the user spaced it, and written like the
    example."""
    boat = function_tool(
        "check_ferry_status",
        "여객선 운항 상태를 조회합니다.",
        {"ferry_code": string_param("여객선 편명 (예: SW301)")},
        ["ferry_code"],
    )
    d = decide([user("sw305 여객선 운항 상태 알려줘")], [boat], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"ferry_code": "SW305"})
    bike = function_tool(
        "register_motorbike",
        "오토바이를 주차장에 등록합니다.",
        {"plate": string_param("번호판 (예: 34나5678)")},
        ["plate"],
    )
    d = decide([user("오토바이 등록해줘 번호판 56 다 7812")], [bike], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"plate": "56다7812"})
    gift = function_tool(
        "check_gift_card",
        "상품권 잔액을 조회합니다.",
        {"card_no": string_param("상품권 번호 12자리, 0000-0000-0000 형식")},
        ["card_no"],
    )
    d = decide([user("상품권 잔액 좀 봐줘 482019375566")], [gift], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"card_no": "4820-1937-5566"})


# --- what the request asks the tool to do -----------------------------------------------------


def test_a_question_whether_something_is_there_is_a_lookup() -> None:
    """ "X 있어요?" asks whether X is there: a search, not a reservation of it; "낼 수 있나요?"
    (whether one can) and "있는 거" (a thing that is) are not that question."""
    from kodial.tools.acts import text_act

    assert text_act("강아지 동반 가능한 캠핑장 있어요?") == "lookup"
    assert text_act("이번 주말에 빈 방 있나요") == "lookup"
    assert text_act("포인트로 낼 수 있나요?") is None
    assert text_act("부산 가는 버스 좀 알아봐줘") == "lookup"
    camps = [
        function_tool(
            "search_campsites",
            "캠핑장을 검색합니다.",
            {"region": string_param("지역")},
            ["region"],
        ),
        function_tool(
            "reserve_campsite",
            "캠핑장 사이트를 예약합니다.",
            {"site_id": string_param("예약할 사이트 ID")},
            ["site_id"],
        ),
    ]
    d = decide([user("가평에 캠핑장 있어요?")], camps, now=NOW)
    assert (d.kind, d.tool) == ("call", "search_campsites")


def test_the_tools_own_action_noun_as_the_predicate_is_its_act() -> None:
    """A request whose predicate is the action noun the tool's description ends in ("환불 좀
    해줘" / "주문 금액을 환불합니다") asks for what the tool does, even when the noun is in no
    act class; "공부 할 일" in a description and "공부하기 싫다" in a request are noun phrases."""
    from kodial.tools.acts import predicate_nouns

    assert predicate_nouns("환불 좀 해줘") == {"환불"}
    assert predicate_nouns("주문 금액을 카드로 환불합니다") == {"환불"}
    assert predicate_nouns("날짜별 공부 할 일 목록을 보여줍니다") == frozenset()
    assert predicate_nouns("아 공부하기 싫다") == frozenset()
    shop = [
        function_tool(
            "refund_order",
            "주문 금액을 카드로 환불합니다.",
            {"order_no": string_param("주문번호")},
            ["order_no"],
        ),
        function_tool(
            "get_order",
            "주문 내역을 조회합니다.",
            {"order_no": string_param("주문번호")},
            ["order_no"],
        ),
    ]
    d = decide([user("환불 좀 해줘")], shop, now=NOW)
    assert (d.kind, d.tool, d.missing) == ("ask", "refund_order", ["order_no"])


def test_another_act_on_old_values_is_not_a_call() -> None:
    """After a car-wash booking, "세제 뭐가 좋은지 추천 좀" asks for a lookup the booking
    tool does not do; the message names none of its values (the main noun phrase is only a
    guess for the car's name) and the rest would come from the booking: nothing fits."""
    wash = function_tool(
        "book_car_wash",
        "손세차를 예약합니다.",
        {
            "car_model": string_param("차종"),
            "date": string_param("예약 날짜, YYYY-MM-DD 형식"),
        },
        ["car_model", "date"],
    )
    history = [
        user("아반떼 모레 손세차 예약해줘"),
        called("book_car_wash", car_model="아반떼", date="2026-11-20"),
        tool_result({"booking_id": "W-31", "status": "예약완료"}),
        assistant("11월 20일 아반떼 손세차를 예약했어요."),
    ]
    d = decide([*history, user("손세차할 때 쓰는 세제 뭐가 좋은지 추천 좀")], [wash], now=NOW)
    assert d.kind == "decline", (d.kind, d.arguments)
    assert "another act" in d.explain["why"]
    # naming a value by its own words is a new booking
    d = decide([*history, user("쏘나타도 모레 손세차 예약해줘")], [wash], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"car_model": "쏘나타", "date": "2026-11-20"})
