"""Round 14 of everyday forms, found on the eleventh set: floor areas counted natively (서른 평),
meals as parts of the day, a range of months, quoted words as said, ordinals, adverbs made of
nouns, clipped tool words and a meal logged today. Every tool and sentence here is written for
these tests."""

from __future__ import annotations

import pytest
from _tool_fixtures import (
    NOW,
    assistant,
    called,
    function_tool,
    integer_param,
    string_param,
    tool_result,
    user,
    values,
)

from kodial.tools import decide
from kodial.tools.schema import parse_tools
from kodial.tools.text import numbers

MONTH = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}
DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@pytest.mark.parametrize(
    ("said", "value"), [("거실이 한 스무 평 돼요", 20), ("서른 평짜리 사무실", 30)]
)
def test_a_floor_area_counted_natively(said, value) -> None:
    assert [(n.value, n.unit) for n in numbers(said)] == [(value, "평")]


@pytest.mark.parametrize("said", ["두 번째 거로 할게요", "세 번 째 줄"])
def test_an_ordinal_is_no_count(said) -> None:
    assert numbers(said) == []


def test_three_times_is_still_a_count() -> None:
    assert [(n.value, n.unit) for n in numbers("세 번 다녀왔어요")] == [(3, "번")]


CLEANING = parse_tools(
    [
        function_tool(
            "quote_window_cleaning",
            "유리창 청소 견적",
            {"area": integer_param("집 면적(평)"), "floor": integer_param("층수")},
            ["area"],
        )
    ]
)[0]


def test_a_native_area_fills_its_parameter() -> None:
    assert values(CLEANING, "집이 서른 평인데 얼마나 나와요?") == {"area": 30}


SNACKS = parse_tools(
    [
        function_tool(
            "record_snack_diary",
            "아이 식사 기록",
            {
                "day": {**DAY, "description": "먹은 날"},
                "meal": {
                    "type": "string",
                    "enum": ["아침", "점심", "저녁", "간식"],
                    "description": "끼니",
                },
                "dishes": {"type": "array", "items": {"type": "string"}, "description": "음식"},
            },
            ["day", "meal", "dishes"],
        )
    ]
)[0]


def test_a_meal_said_as_a_part_of_the_day_is_the_meal() -> None:
    got = values(SNACKS, "어제 저녁에 카레 먹였어요")
    assert got["meal"] == "저녁"
    assert got["day"] == "2026-11-17"


def test_a_meal_eaten_and_logged_without_a_day_was_today() -> None:
    got = values(SNACKS, "아침에 죽이랑 바나나 먹었어요 적어줘")
    assert got["day"] == NOW.date().isoformat()
    assert got["meal"] == "아침"


def test_a_meal_not_said_as_eaten_gives_no_day() -> None:
    assert "day" not in values(SNACKS, "아침에 먹을 죽 기록해줘")


RESERVATIONS = parse_tools(
    [
        function_tool(
            "book_lunch_table",
            "점심 테이블 예약",
            {"day": {**DAY, "description": "예약일"}, "people": integer_param("인원")},
            ["day", "people"],
        )
    ]
)[0]


def test_a_day_part_said_in_the_past_fills_no_day_of_a_booking() -> None:
    assert "day" not in values(RESERVATIONS, "점심에 갔었는데 세 명 예약해줘")


FEES = parse_tools(
    [
        function_tool(
            "list_paid_fees",
            "관리비 납부 내역",
            {
                "from_month": {**MONTH, "description": "시작 월"},
                "to_month": {**MONTH, "description": "끝 월"},
            },
            ["from_month", "to_month"],
        )
    ]
)[0]


@pytest.mark.parametrize(
    ("said", "first", "last"),
    [
        ("올해 3월부터 지난달까지 보여줘", "2026-03", "2026-10"),
        ("4월~7월 내역", "2026-04", "2026-07"),
        ("이번 달부터 담달까지", "2026-11", "2026-12"),
    ],
)
def test_a_range_of_months(said, first, last) -> None:
    assert values(FEES, said) == {"from_month": first, "to_month": last}


def test_one_month_fills_both_ends() -> None:
    assert values(FEES, "지난달 거 보여줘") == {"from_month": "2026-10", "to_month": "2026-10"}


CLASSES = parse_tools(
    [
        function_tool(
            "join_drawing_class",
            "드로잉 수업 등록",
            {"start": {**MONTH, "description": "시작 월"}, "student": string_param("수강생 이름")},
            ["start", "student"],
        )
    ]
)[0]


def test_damdal_is_next_month() -> None:
    assert values(CLASSES, "담달부터 다닐게요")["start"] == "2026-12"


GAME = [
    function_tool(
        "recover_pet_account",
        "삭제한 펫 캐릭터 복구",
        {
            "pet_name": string_param("펫 이름"),
            "world": {"type": "string", "enum": ["하늘", "바다"], "description": "월드"},
        },
        ["pet_name", "world"],
    )
]


def test_an_answer_without_the_other_parameters_word() -> None:
    d = decide(
        [
            user("펫을 지워버렸는데 살려줘요"),
            assistant("펫 이름과 월드를 알려 주세요."),
            user("하늘 월드에 몽실이요"),
        ],
        GAME,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments == {"pet_name": "몽실", "world": "하늘"}


def test_a_noun_said_as_an_adverb_and_a_clipped_tool_word_are_no_name() -> None:
    tool = parse_tools(GAME)[0]
    assert "pet_name" not in values(tool, "실수로 캐릭 지웠어요")


CARDS = parse_tools(
    [
        function_tool(
            "send_flower_card",
            "꽃 카드 보내기",
            {
                "phone": string_param("받는 사람 번호"),
                "message": string_param("카드 메시지"),
                "count": integer_param("수량(개)"),
            },
            ["phone"],
        )
    ]
)[0]


def test_a_quoted_message_after_its_label() -> None:
    got = values(CARDS, "010-2233-4455. 메시지는 '다음에 한번 놀러 갈게'로")
    assert got == {"phone": "010-2233-4455", "message": "다음에 한번 놀러 갈게"}


def test_a_number_quoted_as_said_is_no_count() -> None:
    assert "count" not in values(CARDS, "010-2233-4455로 '두 번 다시 늦지 않을게'라고 보내줘")


CLUBS = parse_tools(
    [
        function_tool(
            "join_running_crew",
            "러닝 크루 가입",
            {
                "crew_id": string_param("크루 ID"),
                "nickname": string_param("크루에서 쓸 닉네임"),
                "greeting": string_param("크루장에게 남길 말"),
            },
            ["crew_id", "nickname"],
        )
    ]
)[0]


def test_a_nickname_said_short_and_a_note_left_in_quotes() -> None:
    said = "닉넴은 달리는하마. 크루장님께 '주말만 나갈 수 있어요' 남겨주세요"
    got = values(CLUBS, said, {"nickname"})
    assert got == {"nickname": "달리는하마", "greeting": "주말만 나갈 수 있어요"}


def test_an_ordinal_in_history_is_no_quantity() -> None:
    tools = [
        function_tool(
            "send_coupon",
            "쿠폰 선물",
            {
                "product_id": string_param("상품 ID"),
                "phone": string_param("받는 사람 번호"),
                "quantity": integer_param("수량(개)"),
            },
            ["product_id", "phone"],
        )
    ]
    d = decide(
        [
            user("두 번째 거 보내줘"),
            assistant("받는 분 번호를 알려 주세요."),
            user("010-3344-5566이요"),
        ],
        tools,
        "auto",
        now=NOW,
    )
    assert "quantity" not in (d.arguments or {})


SEATS = parse_tools(
    [
        function_tool(
            "apply_quiz_show_seats",
            "퀴즈쇼 방청 신청",
            {"seats": {"type": "integer", "enum": [1, 2], "description": "신청 인원"}},
            ["seats"],
        )
    ]
)[0]


@pytest.mark.parametrize("said", ["동생이랑 둘이 갈게요", "둘이서 와요"])
def test_two_of_us_going_is_a_head_count(said) -> None:
    assert values(SEATS, said) == {"seats": 2}


def test_two_said_of_something_else_is_no_head_count() -> None:
    assert values(SEATS, "둘이 싸웠어요") == {}


TRIPS = parse_tools(
    [
        function_tool(
            "find_island_trips",
            "섬 여행 상품 찾기",
            {
                "destination": string_param("여행지"),
                "nights": integer_param("숙박 일수(박)"),
                "region": string_param("출발 지역 또는 장소"),
            },
            ["destination"],
        )
    ]
)[0]


def test_who_goes_is_no_destination() -> None:
    got = values(TRIPS, "할머니 모시고 울릉도 가려고요")
    assert got["destination"] == "울릉도"


def test_the_nights_of_n_nights_m_days() -> None:
    assert values(TRIPS, "울릉도 2박 3일로요")["nights"] == 2


def test_a_place_said_before_a_noun_of_position() -> None:
    got = values(TRIPS, "울릉도 가는 거 포항 쪽에서 출발하는 걸로요")
    assert got["region"] == "포항"


def test_where_only_the_user_knows_is_no_place() -> None:
    assert "region" not in values(TRIPS, "울릉도 가는 거 집 근처에서 출발하는 걸로요")


def test_names_said_after_who_they_are() -> None:
    tools = [
        function_tool(
            "book_island_trip",
            "섬 여행 예약",
            {
                "trip_id": string_param("상품 ID"),
                "names": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "여행자 이름 목록",
                },
            },
            ["trip_id", "names"],
        )
    ]
    d = decide(
        [
            user("IT-207 상품 두 명 예약해줘"),
            assistant("여행하실 분들 이름을 알려 주세요."),
            user("저 한도윤, 어머니 강미숙이요"),
        ],
        tools,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments == {"trip_id": "IT-207", "names": ["한도윤", "강미숙"]}


def test_a_bare_day_of_a_listed_date_is_in_the_lists_month() -> None:
    tools = [
        function_tool(
            "search_ferry_tours",
            "배 여행 상품 검색",
            {"month": {**MONTH, "description": "출발 월"}},
            ["month"],
        ),
        function_tool(
            "book_ferry_tour",
            "배 여행 예약",
            {"tour_id": string_param("상품 ID"), "day": {**DAY, "description": "출발일"}},
            ["tour_id", "day"],
        ),
    ]
    listed = {"tours": [{"tour_id": "FT-31", "depart_dates": ["2027-01-09", "2027-01-16"]}]}
    d = decide(
        [
            user("내년 1월 배 여행 상품 찾아줘"),
            called("search_ferry_tours", month="2027-01"),
            tool_result(listed),
            assistant("FT-31 상품이 1월 9일, 16일에 출발해요."),
            user("16일 출발로 예약해줘"),
        ],
        tools,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments == {"tour_id": "FT-31", "day": "2027-01-16"}


@pytest.mark.parametrize(
    ("said", "act"),
    [
        ("패러글라이딩 해보고 싶은데 예약 돼?", "create"),
        ("신청 되나요?", "create"),
        ("예약돼 있어?", "lookup"),
        ("독서 모임 거기 들어갈래요", "create"),
        ("그 모임 탈퇴할게요", "delete"),
    ],
)
def test_can_it_be_done_joining_and_leaving(said, act) -> None:
    from kodial.tools.acts import text_act

    assert text_act(said) == act


def test_leave_in_a_tools_name_is_deleting() -> None:
    from kodial.tools.acts import tool_act

    tool = parse_tools(
        [
            function_tool(
                "leave_book_club",
                "참여한 독서 모임에서 나가기",
                {"club_id": string_param("모임 ID")},
                ["club_id"],
            )
        ]
    )[0]
    assert tool_act(tool) == "delete"


def test_joining_an_item_picked_from_a_list() -> None:
    tools = [
        function_tool(
            "search_book_clubs", "독서 모임 찾기", {"topic": string_param("주제")}, ["topic"]
        ),
        function_tool(
            "join_book_club",
            "독서 모임 참여 신청",
            {"club_id": string_param("모임 ID"), "nickname": string_param("모임에서 쓸 닉네임")},
            ["club_id", "nickname"],
        ),
        function_tool(
            "leave_book_club",
            "참여한 모임에서 나가기",
            {"club_id": string_param("모임 ID")},
            ["club_id"],
        ),
    ]
    listed = {
        "clubs": [
            {"club_id": "BC-11", "name": "고전 읽기"},
            {"club_id": "BC-12", "name": "SF 읽기"},
        ]
    }
    d = decide(
        [
            user("독서 모임 찾아줘. 주제는 소설"),
            called("search_book_clubs", topic="소설"),
            tool_result(listed),
            assistant("고전 읽기(BC-11), SF 읽기(BC-12) 모임이 있어요."),
            user("SF 읽기 좋다 거기 들어갈래"),
        ],
        tools,
        "auto",
        now=NOW,
    )
    assert d.tool == "join_book_club"
    assert d.kind == "ask" and d.missing == ["nickname"]


CHAUFFEUR = [
    function_tool(
        "book_chauffeur",
        "대리운전 예약",
        {
            "pickup_address": string_param("출발지 주소"),
            "day": {**DAY, "description": "날짜"},
            "time": {"type": "string", "pattern": r"^\d{2}:\d{2}$", "description": "시각 HH:MM"},
            "riders": integer_param("탑승 인원(명)"),
        },
        ["pickup_address", "day", "time"],
    )
]


def test_a_street_number_is_the_addresss_not_a_count() -> None:
    got = values(parse_tools(CHAUFFEUR)[0], "내일 가야 돼요. 출발은 우리 집, 은평구 통일로 88")
    assert got["pickup_address"] == "은평구 통일로 88"
    assert "riders" not in got


def test_a_bare_hour_in_the_part_of_the_day_said_before() -> None:
    d = decide(
        [
            user("모레 새벽에 대리운전 예약할게요. 은평구 통일로 88로 와주세요"),
            assistant("몇 시에 갈까요?"),
            user("네 시 반이요"),
        ],
        CHAUFFEUR,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments["time"] == "04:30"


def test_a_bare_hour_with_no_part_of_the_day_before_stays_as_read() -> None:
    d = decide(
        [
            user("모레 대리운전 예약할게요. 은평구 통일로 88로 와주세요"),
            assistant("몇 시에 갈까요?"),
            user("네 시 반이요"),
        ],
        CHAUFFEUR,
        "auto",
        now=NOW,
    )
    assert d.arguments["time"] == "16:30"


def test_a_unit_after_a_comma_with_its_particle() -> None:
    from kodial.tools.arguments.addresses import address_span

    said = "여섯 시까지 서초구 반포대로 21, 3층으로 보내주세요"
    span = address_span(said, [(0, 6)])
    assert span is not None
    assert said[span[0] : span[1]] == "서초구 반포대로 21, 3층"


KINDERGARTEN = parse_tools(
    [
        function_tool(
            "apply_kindergarten",
            "유치원 입학 신청",
            {
                "child_name": string_param("아이 이름"),
                "birth": {**DAY, "description": "아이 생년월일"},
                "start": {**MONTH, "description": "입학 희망 월"},
            },
            ["child_name", "birth", "start"],
        )
    ]
)[0]


def test_the_month_of_a_whole_date_is_that_dates() -> None:
    got = values(KINDERGARTEN, "한지우, 2022년 3월 9일생이에요", {"child_name", "birth"})
    assert got == {"child_name": "한지우", "birth": "2022-03-09"}


def test_a_range_said_after_the_weekend() -> None:
    tool = parse_tools(
        [
            function_tool(
                "apply_weekend_leave",
                "외박 신청",
                {
                    "start_date": {**DAY, "description": "외박 시작일"},
                    "end_date": {**DAY, "description": "외박 종료일"},
                },
                ["start_date", "end_date"],
            )
        ]
    )[0]
    got = values(tool, "이번 주말에 집에 가요. 금요일부터 일요일까지요")
    assert got == {"start_date": "2026-11-20", "end_date": "2026-11-22"}
    assert values(tool, "이번 주말에 집에 가요") == {
        "start_date": "2026-11-21",
        "end_date": "2026-11-22",
    }


def test_another_record_for_another_meal_takes_nothing_of_the_last() -> None:
    tools = [
        function_tool(
            "record_snack_diary",
            "아이 식사 기록",
            {
                "day": {**DAY, "description": "먹은 날"},
                "meal": {
                    "type": "string",
                    "enum": ["아침", "점심", "저녁", "간식"],
                    "description": "끼니",
                },
                "dishes": {"type": "array", "items": {"type": "string"}, "description": "음식"},
            },
            ["day", "meal", "dishes"],
        )
    ]
    history = [
        user("오늘 아침에 죽 먹였어요 기록해줘"),
        called("record_snack_diary", day="2026-11-18", meal="아침", dishes=["죽"]),
        tool_result({"ok": True}),
        assistant("기록했어요."),
        user("어제 저녁 것도 넣어줘"),
    ]
    d = decide(history, tools, "auto", now=NOW)
    assert d.kind == "ask" and d.missing == ["dishes"]
    d = decide(
        [*history, assistant("무엇을 먹였나요?"), user("미역국. 한 200칼로리?")],
        tools,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments == {"day": "2026-11-17", "meal": "저녁", "dishes": ["미역국"]}


REPAIRS = parse_tools(
    [
        function_tool(
            "request_sink_repair",
            "배관 수리 요청",
            {
                "fault": {
                    "type": "string",
                    "enum": ["누수", "막힘", "역류"],
                    "description": "증상",
                },
                "urgent": {"type": "boolean", "description": "긴급 출동 여부"},
            },
            ["fault", "urgent"],
        )
    ]
)[0]


@pytest.mark.parametrize(
    ("said", "fault", "urgent"),
    [
        ("싱크대 밑에서 물이 새요. 최대한 빨리 와주세요", "누수", True),
        ("세면대가 막혔어요. 급한 건 아니에요", "막힘", False),
    ],
)
def test_a_fault_by_how_it_shows_and_urgency_by_how_it_is_said(said, fault, urgent) -> None:
    assert values(REPAIRS, said) == {"fault": fault, "urgent": urgent}


def test_urgency_not_said_is_not_read() -> None:
    assert "urgent" not in values(REPAIRS, "싱크대 밑에서 물이 새요")


def test_advice_after_saying_it_cannot_is_no_question() -> None:
    from kodial.tools.pending import _CANNOT

    assert _CANNOT.search("그건 제가 처리할 수 있는 부분이 아니에요. 관리사무소에 물어보세요.")


KITE = parse_tools(
    [
        function_tool(
            "apply_kite_flight",
            "연날리기 행사 비행 신청",
            {
                "kite_serial": string_param("연 시리얼(등록번호)"),
                "purpose": {
                    "type": "string",
                    "enum": ["hobby", "filming", "education"],
                    "description": "목적",
                },
                "max_height_m": integer_param("최대 높이(m)"),
            },
            ["kite_serial", "purpose"],
        )
    ]
)[0]


def test_a_purpose_an_altitude_and_no_serial_guessed() -> None:
    got = values(KITE, "그냥 취미로 날릴 거예요. 높이는 30미터 안 넘겨요")
    assert got == {"purpose": "hobby", "max_height_m": 30}


# --- misreadings a review of this round found, each now read right ----------------------------


@pytest.mark.parametrize(
    ("said", "act"), [("나 언제 가입했어?", "lookup"), ("몇 시에 예약했었지?", "lookup")]
)
def test_when_it_was_done_is_asked_about(said, act) -> None:
    from kodial.tools.acts import text_act

    assert text_act(said) == act


def test_a_childs_name_said_with_its_label() -> None:
    tool = parse_tools(
        [
            function_tool(
                "register_pupil",
                "원아 등록",
                {"child_name": string_param("아이 이름"), "age": integer_param("나이(살)")},
                ["child_name", "age"],
            )
        ]
    )[0]
    assert values(tool, "우리 아이 이름은 하린이고 네 살이에요") == {"child_name": "하린", "age": 4}


def test_a_place_near_said_as_where_from_is_no_destination() -> None:
    tool = parse_tools(
        [
            function_tool(
                "find_walk_route",
                "걷기 경로 찾기",
                {"origin": string_param("출발지"), "destination": string_param("목적지")},
                ["origin", "destination"],
            )
        ]
    )[0]
    got = values(tool, "서울역 근처에서 남산 쪽으로 걷는 길 알려줘")
    assert got == {"origin": "서울역", "destination": "남산"}


def test_quoted_words_after_any_label_and_their_numbers() -> None:
    tool = parse_tools(
        [
            function_tool(
                "reserve_brunch",
                "브런치 예약",
                {"people": integer_param("인원(명)"), "request": string_param("요청사항")},
                ["people"],
            )
        ]
    )[0]
    got = values(tool, "세 명이요. 요청사항은 '유아 의자 2개 부탁드려요'로")
    assert got == {"people": 3, "request": "유아 의자 2개 부탁드려요"}


def test_a_bare_answer_without_the_other_parameters_word() -> None:
    d = decide(
        [
            user("하늘 월드 펫 복구해줘"),
            assistant("펫 이름을 알려 주세요."),
            user("월드에 구름이요"),
        ],
        GAME,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments == {"pet_name": "구름", "world": "하늘"}


@pytest.mark.parametrize(
    ("said", "act"),
    [
        ("잠깐 멈춰줘", "modify"),
        ("출장 나가 있어서 못 받아요. 잠깐 멈춰줄 수 있어요?", "modify"),
    ],
)
def test_pausing_and_being_away_is_no_cancelling(said, act) -> None:
    from kodial.tools.acts import text_act

    assert text_act(said) == act


def test_a_word_the_analyser_cuts_is_still_the_tools() -> None:
    tools = [
        function_tool(
            "book_bounce_park",
            "방방 놀이터 이용 예약. 미끄럼방지 양말 구매는 켤레 수.",
            {
                "day": {**DAY, "description": "이용일"},
                "kids": integer_param("아이 수(명)"),
                "socks": integer_param("양말(켤레)"),
            },
            ["day", "kids"],
        )
    ]
    said = "모레 아이 둘 방방 놀이터 예약해줘. 미끄럼 안 되는 양말도 두 켤레"
    d = decide([user(said)], tools, "auto", now=NOW)
    assert d.tool == "book_bounce_park"


def test_beforehand_is_pre() -> None:
    tools = [
        function_tool(
            "fair_preregister",
            "도서전 사전 등록 (무료 입장)",
            {"name": string_param("참가자 성함"), "email": string_param("이메일")},
            ["name", "email"],
        ),
        function_tool(
            "fair_book_talk",
            "도서전 작가와의 대화 좌석 예약",
            {"talk_id": string_param("행사 ID")},
            ["talk_id"],
        ),
    ]
    d = decide([user("이번 도서전 미리 등록해두려고요")], tools, "auto", now=NOW)
    assert d.tool == "fair_preregister" and d.kind == "ask"


@pytest.mark.parametrize(
    ("said", "act"),
    [
        ("욕실 곰팡이가 심해요. 사람 좀 보내 주세요", "create"),
        ("수리기사 빨리 보내줄 수 있어요?", "create"),
        ("동생한테 사진 보내줘", "send"),
    ],
)
def test_a_person_sent_to_come_is_a_visit(said, act) -> None:
    from kodial.tools.acts import text_act

    assert text_act(said) == act


@pytest.mark.parametrize(
    ("said", "address"),
    [
        ("관악구 봉천로 12길 7로 보내주세요", "관악구 봉천로 12길 7"),
        ("수원시 팔달구 효원로 3번길 12요", "수원시 팔달구 효원로 3번길 12"),
    ],
)
def test_a_numbered_street(said, address) -> None:
    from kodial.tools.arguments.addresses import address_span

    span = address_span(said, [])
    assert span is not None and said[span[0] : span[1]] == address


def test_a_count_after_a_place_is_no_part_of_it() -> None:
    tool = parse_tools(
        [
            function_tool(
                "search_city_tours",
                "도시 여행 상품 검색",
                {"destination": string_param("여행지"), "days": integer_param("여행 일수(일)")},
                ["destination"],
            )
        ]
    )[0]
    assert values(tool, "삿포로 3박 4일 상품 찾아줘") == {"destination": "삿포로", "days": 4}


def test_what_is_left_of_a_word_another_reader_took_is_no_value() -> None:
    tools = [
        function_tool(
            "log_meal_plain",
            "식사 기록",
            {
                "meal": {"type": "string", "enum": ["아침", "점심", "저녁"], "description": "끼니"},
                "menu": string_param("메뉴"),
            },
            ["meal", "menu"],
        )
    ]
    d = decide(
        [
            user("점심에 칼국수 먹었어 기록해줘"),
            called("log_meal_plain", meal="점심", menu="칼국수"),
            tool_result({"ok": True}),
            assistant("기록했어요."),
            user("저녁에도 똑같이 먹었어, 그것도 넣어줘"),
        ],
        tools,
        "auto",
        now=NOW,
    )
    assert d.kind == "ask" and d.missing == ["menu"]


def test_a_word_that_begins_with_bam_is_no_night() -> None:
    from kodial.korean.datetimes import parse_datetime

    assert parse_datetime("닉네임은 밤하늘고래로 해주세요", NOW).period is None
    assert parse_datetime("밤 9시에 와주세요", NOW).period == "밤"
