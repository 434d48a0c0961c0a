"""Readings that carry over to tools and requests the engine has never seen (round 2): a request
that only repeats an earlier call, items of a result picked by position or weekday, Korean
counters and native numbers, values in the shape the description shows. Every tool and sentence
here is written for these tests (none comes from a benchmark)."""

from __future__ import annotations

import json
from typing import Any

from _tool_fixtures import NOW, assistant, called, function_tool, integer_param, string_param, user

from kodial.tools import decide


def tool_result(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": "tool",
        "tool_call_id": "c1",
        "content": json.dumps(payload, ensure_ascii=False),
    }


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


# --- values the description or the language names in other words -----------------------------


def test_a_rule_in_the_description_names_an_enum_value() -> None:
    """ "(배관 누수·고장은 수리)" states which things go under a value: each of them, and each
    word of a listed phrase (누수), names it."""
    repair = function_tool(
        "request_home_service",
        "집 관리 서비스를 요청합니다.",
        {
            "kind": {
                "type": "string",
                "description": "서비스 구분 (배관 누수·고장은 수리, 이사는 기타)",
                "enum": ["청소", "수리", "기타"],
            }
        },
        ["kind"],
    )
    for text in ("욕실 누수 때문에 서비스 요청할게요", "보일러 고장났어요 서비스 요청해줘"):
        d = decide([user(text)], [repair], now=NOW)
        assert (d.kind, d.arguments) == ("call", {"kind": "수리"}), text
    d = decide([user("이사 때문에 서비스 요청해요")], [repair], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"kind": "기타"})


def test_a_currency_code_is_named_by_the_currencys_korean_name() -> None:
    rate = function_tool(
        "get_fx_rate",
        "환율을 조회합니다.",
        {"code": {"type": "string", "description": "통화", "enum": ["USD", "EUR", "CNY"]}},
        ["code"],
    )
    for text, code in (("위안화 환율 알려줘", "CNY"), ("유로 환율 얼마예요", "EUR")):
        d = decide([user(text)], [rate], now=NOW)
        assert (d.kind, d.arguments) == ("call", {"code": code}), text


def test_a_year_said_relative_to_this_one() -> None:
    """작년 = last year, 재작년 = the year before, 올해 = this one (NOW is in 2026)."""
    tax = function_tool(
        "issue_tax_statement",
        "연말정산 소득 증명서를 발급합니다.",
        {"year": integer_param("발급할 연도 (예: 2024)")},
        ["year"],
    )
    for text, year in (
        ("작년 소득 증명서 발급해줘", 2025),
        ("재작년 거 소득 증명서 발급해줘", 2024),
        ("올해 소득 증명서 발급 부탁해", 2026),
    ):
        d = decide([user(text)], [tax], now=NOW)
        assert (d.kind, d.arguments) == ("call", {"year": year}), text


# --- dates: ranges, stays, a date beside start and end times ----------------------------------


def test_a_date_beside_start_and_end_times_and_two_dates_said_in_turn() -> None:
    """A tool with a date and start/end times reads the date from the same words ("12월 3일
    오후 2시"); a rental's pick-up and return are the first and the second date-time said, with
    or without 부터/까지; a stay of N nights ends N days after it starts."""
    lesson = function_tool(
        "book_lesson",
        "레슨을 예약합니다.",
        {
            "date": string_param("레슨 날짜, YYYY-MM-DD 형식"),
            "start_time": string_param("시작 시간, HH:MM 형식"),
            "end_time": string_param("종료 시간, HH:MM 형식 (선택)"),
        },
        ["date", "start_time"],
    )
    d = decide([user("12월 3일 오후 2시로 레슨 예약해줘")], [lesson], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"date": "2026-12-03", "start_time": "14:00"})
    bikes = function_tool(
        "search_bike_rentals",
        "자전거 대여를 검색합니다.",
        {
            "pickup_date": string_param("인수 날짜, YYYY-MM-DD 형식"),
            "pickup_time": string_param("인수 시각, HH:MM 형식"),
            "return_date": string_param("반납 날짜, YYYY-MM-DD 형식"),
            "return_time": string_param("반납 시각, HH:MM 형식"),
        },
        ["pickup_date", "pickup_time", "return_date", "return_time"],
    )
    d = decide(
        [user("자전거 대여 검색해줘 11월 28일 오전 9시에 받아서 11월 29일 오후 5시에 반납할게")],
        [bikes],
        now=NOW,
    )
    assert (d.kind, d.arguments) == (
        "call",
        {
            "pickup_date": "2026-11-28",
            "pickup_time": "09:00",
            "return_date": "2026-11-29",
            "return_time": "17:00",
        },
    )
    inn = function_tool(
        "search_guesthouses",
        "게스트하우스를 검색합니다.",
        {
            "area": string_param("지역"),
            "check_in": string_param("체크인 날짜, YYYY-MM-DD 형식"),
            "check_out": string_param("체크아웃 날짜, YYYY-MM-DD 형식"),
        },
        ["area", "check_in", "check_out"],
    )
    d = decide([user("12월 24일부터 2박으로 강릉 게스트하우스 찾아줘")], [inn], now=NOW)
    assert (d.kind, d.arguments) == (
        "call",
        {"area": "강릉", "check_in": "2026-12-24", "check_out": "2026-12-26"},
    )


def test_a_new_event_takes_no_time_from_an_old_result_nor_a_discourse_word_as_its_title() -> None:
    """After the list of a day's events, "대신 25일에 요가 일정 넣어줘" makes a new event: its
    title is what it is about (대신 is how it is said), and its start time is the user's to say,
    not the time of an event the result listed (ids are what results give a new call)."""
    cal = [
        function_tool(
            "list_day_events",
            "특정 날짜의 일정을 조회합니다.",
            {"date": string_param("조회할 날짜, YYYY-MM-DD 형식")},
            ["date"],
        ),
        function_tool(
            "add_day_event",
            "새 일정을 추가합니다.",
            {
                "title": string_param("일정 제목"),
                "date": string_param("일정 날짜, YYYY-MM-DD 형식"),
                "start_time": string_param("시작 시각, HH:MM 형식"),
            },
            ["title", "date", "start_time"],
        ),
    ]
    messages = [
        user("24일 일정 알려줘"),
        called("list_day_events", date="2026-11-24"),
        tool_result({"events": [{"event_id": "E-9", "title": "요가", "start_time": "07:00"}]}),
        assistant("24일에는 7시 요가 일정이 있어요."),
        user("대신 25일에 요가 일정 넣어줘"),
    ]
    d = decide(messages, cal, now=NOW)
    assert (d.kind, d.tool, d.missing) == ("ask", "add_day_event", ["start_time"])
    assert d.explain["filled"]["title"]["value"] == "요가"
    assert d.explain["filled"]["date"]["value"] == "2026-11-25"


def test_a_change_takes_the_value_it_changes_to_and_only_what_is_said_now() -> None:
    """ "3시엔 안 돼요.. 5시로 바꿔주세요": the clause that says what to change to holds the
    new time, not the one the user cannot make; a change tool's optional date is not carried
    from the booking request (only what is changed is sent)."""
    tools = [
        function_tool(
            "book_piano_tuning",
            "피아노 조율을 예약합니다.",
            {
                "date": string_param("날짜, YYYY-MM-DD 형식"),
                "time": string_param("시각, HH:MM 형식"),
            },
            ["date", "time"],
        ),
        function_tool(
            "change_piano_tuning",
            "예약된 피아노 조율의 날짜나 시각을 변경합니다. 바꿀 항목만 입력합니다.",
            {
                "booking_id": string_param("예약번호"),
                "date": string_param("바꿀 날짜, YYYY-MM-DD 형식"),
                "time": string_param("바꿀 시각, HH:MM 형식"),
            },
            ["booking_id"],
        ),
    ]
    messages = [
        user("내일 오후 3시에 피아노 조율 예약해줘"),
        called("book_piano_tuning", date="2026-11-19", time="15:00"),
        tool_result({"booking_id": "PT-7", "status": "예약완료"}),
        assistant("내일 오후 3시로 예약했어요. 예약번호는 PT-7이에요."),
        user("아 3시엔 안 돼요.. 5시로 바꿔주세요"),
    ]
    d = decide(messages, tools, now=NOW)
    assert (d.kind, d.tool, d.arguments) == (
        "call",
        "change_piano_tuning",
        {"booking_id": "PT-7", "time": "17:00"},
    )


def test_the_guessed_noun_goes_to_the_parameter_the_message_speaks_of() -> None:
    """ "냉장고 버리려는데 수거 신청해주세요": the noun is what is thrown away (the parameter
    described with 버릴, a word the tool's description lacks), not the address listed first."""
    pickup = function_tool(
        "request_appliance_pickup",
        "폐가전 무상 방문 수거를 신청합니다.",
        {
            "address": string_param("수거할 주소"),
            "item": string_param("버릴 가전 이름"),
            "date": string_param("수거 날짜, YYYY-MM-DD 형식"),
        },
        ["address", "item", "date"],
    )
    d = decide([user("냉장고 버리려는데 수거 신청해주세요")], [pickup], now=NOW)
    assert (d.kind, d.missing) == ("ask", ["address", "date"])
    assert d.explain["filled"]["item"]["value"] == "냉장고"


# --- addresses and names said as answers -------------------------------------------------------


def test_a_street_address_is_read_whole_and_a_copula_is_not_part_of_a_name() -> None:
    """An address runs over place names with their suffixes, numbers and buildings ("대전
    유성구 대학로 99 한빛아파트 3동 501호"), up to the ending that closes it; "X이요" after a
    final consonant is X said politely, so 이 is no part of the name."""
    from kodial.tools.arguments.kinds import address_span
    from kodial.tools.text import strip_ending

    text = "대전 유성구 대학로 99 한빛아파트 3동 501호요. 모레 와주세요"
    span = address_span(text, [])
    assert (
        span is not None and text[span[0] : span[1]] == "대전 유성구 대학로 99 한빛아파트 3동 501호"
    )
    assert address_span("내일 3시에 2명 예약해줘", []) is None
    assert strip_ending("최은혁이요") == "최은혁"
    assert strip_ending("한가람이에요") == "한가람"
    mover = function_tool(
        "book_moving_truck",
        "용달 이사 차량을 예약합니다.",
        {"address": string_param("짐을 실을 주소"), "date": string_param("날짜, YYYY-MM-DD 형식")},
        ["address", "date"],
    )
    d = decide(
        [user("용달 예약해줘"), assistant("짐을 실을 주소와 날짜를 알려주세요."), user(text)],
        [mover],
        now=NOW,
    )
    assert (d.kind, d.arguments) == (
        "call",
        {"address": "대전 유성구 대학로 99 한빛아파트 3동 501호", "date": "2026-11-20"},
    )


def test_replies_to_the_assistants_question_over_a_result() -> None:
    """ "어느 강좌로 신청할까요?" over a list, answered "요리 기초요": the reply is read with the
    question, which says what is to be done; then "윤다솜 010..." gives the phone by its
    pattern and the name is what is left; "2026 자기소개서_최종 이거로요" is the document's
    name though it holds the tool's word (자기소개서)."""
    tools = [
        function_tool(
            "list_courses",
            "문화센터 강좌를 조회합니다.",
            {"month": string_param("조회할 달, MM 형식")},
            ["month"],
        ),
        function_tool(
            "enroll_course",
            "문화센터 강좌를 신청합니다.",
            {
                "course_id": string_param("신청할 강좌 ID (조회 결과의 course_id)"),
                "name": string_param("수강생 이름"),
                "phone": string_param("수강생 휴대폰 번호, 010-0000-0000 형식"),
            },
            ["course_id", "name", "phone"],
        ),
    ]
    messages = [
        user("12월 강좌 보여줘"),
        called("list_courses", month="12"),
        tool_result(
            {
                "courses": [
                    {"course_id": "C-1", "title": "요리 기초"},
                    {"course_id": "C-2", "title": "수채화"},
                ]
            }
        ),
        assistant("12월 강좌는 요리 기초, 수채화 두 개예요. 어느 강좌로 신청할까요?"),
        user("요리 기초요"),
    ]
    d = decide(messages, tools, now=NOW)
    assert (d.kind, d.tool, d.missing) == ("ask", "enroll_course", ["name", "phone"])
    assert d.explain["read_with"].endswith("신청할까요?")
    messages += [assistant("수강생 이름과 휴대폰 번호를 알려주세요."), user("윤다솜 01055512345")]
    d = decide(messages, tools, now=NOW)
    assert (d.kind, d.arguments) == (
        "call",
        {"course_id": "C-1", "name": "윤다솜", "phone": "010-5551-2345"},
    )
    letter = function_tool(
        "submit_application",
        "저장된 자기소개서로 지원서를 제출합니다.",
        {"document": string_param("제출할 자기소개서 이름")},
        ["document"],
    )
    asked = [
        user("지원서 제출해줘"),
        assistant("제출할 자기소개서 이름을 알려주세요."),
        user("2026 자기소개서_최종 이거로요"),
    ]
    d = decide(asked, [letter], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"document": "2026 자기소개서_최종"})


def test_a_name_the_description_pairs_with_a_code_is_sent_as_the_code() -> None:
    """ "출발역 코드 (예: 서울 SEL, 부산 BSN, 대전 DJN)": 부산에서 -> BSN, 대전역 -> DJN."""
    train = function_tool(
        "search_express_trains",
        "고속열차를 검색합니다.",
        {
            "from_code": string_param("출발역 코드 (예: 서울 SEL, 부산 BSN, 대전 DJN)"),
            "to_code": string_param("도착역 코드 (예: 서울 SEL, 부산 BSN, 대전 DJN)"),
        },
        ["from_code", "to_code"],
    )
    d = decide([user("부산에서 대전역까지 가는 고속열차 검색해줘")], [train], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"from_code": "BSN", "to_code": "DJN"})
