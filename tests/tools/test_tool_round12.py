"""Round 12 of everyday forms: amounts with several magnitudes (3천만 원), numbers with Latin
units (120kW), 짝 and 게임 as counters, numbers inside codes (205/60R16, account numbers), a
range of bare hours across noon, a check-out weekday in the check-in's week, a week or a month
said whole for a look-up's start and end, 프로님 after a name, two English words written as one
Hangul word (오픈시트), a value said with 고요, and an array's number bounds. Every tool and
sentence here is written for these tests."""

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
)

from kodial.korean.loanwords import loanword_mentions
from kodial.tools import decide
from kodial.tools.schema import parse_tools, validate_arguments
from kodial.tools.text import nouns_only, numbers

DATE = {"type": "string", "description": "YYYY-MM-DD", "format": "date"}
CLOCK = {"type": "string", "description": "HH:MM", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}


@pytest.mark.parametrize(
    ("said", "value", "unit"),
    [
        ("예산은 3천만 원 정도요", 30_000_000, "원"),
        ("1억 5천만 원까지 봐요", 150_000_000, "원"),
        ("6백만원", 6_000_000, "원"),
        ("4만5000원", 45_000, "원"),
        ("120kW 넘는 거", 120, "kW"),
        ("256GB 모델", 256, "GB"),
        ("운동화 두 짝", 2, "짝"),
        ("다섯 게임 칠게요", 5, "게임"),
    ],
)
def test_amounts_latin_units_and_more_counters(said, value, unit) -> None:
    assert [(n.value, n.unit) for n in numbers(said)] == [(value, unit)]


VENUES = [
    function_tool(
        "find_venues",
        "행사장 검색",
        {
            "area": string_param("지역"),
            "people": integer_param("참석 인원"),
            "budget": integer_param("최대 예산(원)"),
        },
        ["area", "people"],
    )
]


def test_an_amount_of_tens_of_millions_fills_a_budget() -> None:
    d = decide(
        [user("80명쯤 모이고 3천만 원 안쪽으로 판교 행사장 찾아줘")], VENUES, "auto", now=NOW
    )
    assert d.kind == "call"
    assert d.arguments["people"] == 80 and d.arguments["budget"] == 30_000_000


CHARGERS = [
    function_tool(
        "find_fast_chargers",
        "충전소 찾기",
        {
            "place": string_param("기준 위치"),
            "min_power": {"type": "integer", "description": "최소 출력(kW)", "minimum": 3},
        },
        ["place"],
    )
]


def test_a_number_with_a_latin_unit_is_read_whole() -> None:
    d = decide([user("수원역 근처 충전소 150kW 이상으로 찾아줘")], CHARGERS, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["min_power"] == 150


WHEELS = [
    function_tool(
        "quote_wheels",
        "휠 교체 견적",
        {
            "wheel_size": {
                "type": "string",
                "description": "규격 (예: 205/60R16)",
                "pattern": "^[0-9]{3}/[0-9]{2}R[0-9]{2}$",
            },
            "count": {"type": "integer", "description": "개수", "minimum": 1, "maximum": 4},
        },
        ["wheel_size", "count"],
    )
]


def test_a_size_code_is_no_count_and_pairs_are_counted() -> None:
    asked = decide([user("휠 두 짝 견적 받아볼게요")], WHEELS, "auto", now=NOW)
    assert asked.kind == "ask" and asked.missing == ["wheel_size"]
    d = decide(
        [user("휠 두 짝 견적 받아볼게요"), assistant(asked.content or ""), user("215/45R17")],
        WHEELS,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments == {"wheel_size": "215/45R17", "count": 2}


STUDIO = [
    function_tool(
        "book_studio",
        "녹음실 예약",
        {
            "day": DATE,
            "start": {**CLOCK, "description": "시작"},
            "end": {**CLOCK, "description": "종료"},
        },
        ["day", "start", "end"],
    )
]


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("10시부터 3시까지요", "10:00", "15:00"),
        ("8시 반부터 5시까지 쓸게요", "08:30", "17:00"),
        ("오후 1시부터 4시까지", "13:00", "16:00"),
    ],
)
def test_a_range_of_bare_hours_runs_across_noon(said, start, end) -> None:
    # now is 14:00: alone, a bare 10시 would be the coming 22:00
    talk = [
        user("모레 녹음실 예약하려고요"),
        assistant("몇 시부터 몇 시까지 쓰실 건가요?"),
        user(said),
    ]
    d = decide(talk, STUDIO, "auto", now=NOW)
    assert d.kind == "call", d.explain
    assert (d.arguments["start"], d.arguments["end"]) == (start, end)


LODGE = [
    function_tool(
        "search_lodges",
        "숙소 검색",
        {
            "city": string_param("도시"),
            "check_in": {**DATE, "description": "체크인"},
            "check_out": {**DATE, "description": "체크아웃"},
        },
        ["city", "check_in", "check_out"],
    )
]


def test_a_check_out_weekday_is_in_the_check_in_week() -> None:
    d = decide(
        [user("강릉 다음 주 목욜 체크인 토욜 체크아웃으로 알아봐줘")], LODGE, "auto", now=NOW
    )
    assert d.kind == "call"
    assert (d.arguments["check_in"], d.arguments["check_out"]) == ("2026-11-26", "2026-11-28")


STEPS = [
    function_tool(
        "get_step_log",
        "기간별 걸음 수 기록 조회",
        {
            "from_date": {**DATE, "description": "시작일"},
            "to_date": {**DATE, "description": "종료일"},
        },
        ["from_date", "to_date"],
    ),
    function_tool(
        "request_leave",
        "휴가 신청",
        {
            "start_date": {**DATE, "description": "시작일"},
            "end_date": {**DATE, "description": "종료일"},
        },
        ["start_date", "end_date"],
    ),
]


@pytest.mark.parametrize(
    ("said", "start", "end"),
    [
        ("지난주 걸음 수 기록 보여줘", "2026-11-09", "2026-11-15"),
        ("이번 달 걸음 수 기록 좀", "2026-11-01", "2026-11-30"),
        ("저번 달 걸음 수 기록 보여줘", "2026-10-01", "2026-10-31"),
    ],
)
def test_a_week_or_month_said_whole_is_a_look_ups_start_and_end(said, start, end) -> None:
    d = decide([user(said)], STEPS[:1], "auto", now=NOW)
    assert d.kind == "call", d.explain
    assert (d.arguments["from_date"], d.arguments["to_date"]) == (start, end)


def test_what_is_booked_for_a_whole_month_is_asked_when() -> None:
    d = decide([user("다음 달에 휴가 신청하고 싶어요")], STEPS[1:], "auto", now=NOW)
    assert d.kind == "ask" and set(d.missing) == {"start_date", "end_date"}


def test_a_pro_title_is_no_part_of_the_name() -> None:
    tools = [
        function_tool(
            "get_coach_slots",
            "프로별 레슨 가능 시간",
            {"coach": string_param("프로 이름"), "day": DATE},
            ["coach", "day"],
        )
    ]
    talk = [user("내일 레슨 되는 시간 알려줘"), assistant("어느 프로님 일정을 볼까요?")]
    d = decide([*talk, user("박준영 프로님이요")], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["coach"] == "박준영"


def test_two_english_words_written_as_one_hangul_word() -> None:
    tools = [
        function_tool(
            "list_spaces",
            "지점별 빈 공간 조회",
            {
                "branch": {"type": "string", "description": "지점", "enum": ["강남", "홍대"]},
                "space": {
                    "type": "string",
                    "description": "공간 유형",
                    "enum": ["open_seat", "phone_booth", "meeting_room"],
                },
            },
            ["branch"],
        )
    ]
    d = decide([user("홍대점에 오픈시트 비어 있어요?")], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"branch": "홍대", "space": "open_seat"}
    assert loanword_mentions("폰부스로", ["open_seat", "phone_booth"]) == [(0, 4, "phone_booth")]


def test_a_value_said_with_goyo_is_read() -> None:
    said = loanword_mentions(
        "모레 점검 받을게요. 키보드고요", ["bass", "keyboard"], False, nouns_only
    )
    assert [opt for _, _, opt in said] == ["keyboard"]


SKATES = [
    function_tool(
        "reserve_rink",
        "아이스링크 예약",
        {
            "sessions": integer_param("이용 횟수"),
            "skate_sizes": {
                "type": "array",
                "description": "대여 스케이트 사이즈(mm)",
                "items": {"type": "integer", "minimum": 200, "maximum": 300},
            },
        },
        ["sessions"],
    )
]


def test_an_arrays_numbers_keep_within_the_items_bounds() -> None:
    d = decide([user("세 번 탈게요. 스케이트는 230이랑 275")], SKATES, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"sessions": 3, "skate_sizes": [230, 275]}
    (tool,) = parse_tools(SKATES)
    problems = validate_arguments(tool, {"sessions": 1, "skate_sizes": [2, 250]})
    assert any("out of range" in p for p in problems)


PHARMACY = [
    function_tool(
        "order_to_door",
        "약 배송 신청",
        {
            "order_no": string_param("주문 번호"),
            "address": string_param("받을 주소"),
            "slot": {"type": "string", "description": "배송 시간대", "enum": ["오전", "오후"]},
        },
        ["order_no", "address", "slot"],
    )
]


def test_a_street_number_and_unit_are_no_code_and_an_address_is_never_guessed() -> None:
    d = decide([user("약 배송 신청할게요. 마포구 월드컵로 12 405호요")], PHARMACY, "auto", now=NOW)
    assert d.kind == "ask"
    assert set(d.missing) == {"order_no", "slot"}
    assert d.explain["filled"]["address"]["value"] == "마포구 월드컵로 12 405호"
    guessed = decide([user("영양제 배송 신청할게요 오전으로")], PHARMACY, "auto", now=NOW)
    assert "address" in guessed.missing


def test_a_hedge_after_a_number_is_no_place() -> None:
    d = decide(
        [user("50명 정도고 예산은 5백만 원 이하로 잠실 쪽 행사장 알아봐줘")],
        VENUES,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments == {"area": "잠실", "people": 50, "budget": 5_000_000}


def test_a_name_said_first_before_a_comma_answers_the_question_about_it() -> None:
    tools = [
        function_tool(
            "join_workshop",
            "공방 체험 신청",
            {"applicant": string_param("신청자 이름"), "pieces": integer_param("만들 개수")},
            ["applicant", "pieces"],
        )
    ]
    talk = [user("체험 신청할게요"), assistant("신청자 이름과 만들 개수를 알려 주세요.")]
    d = decide([*talk, user("한보람, 두 개요. 재료는 제가 가져갈게요")], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"applicant": "한보람", "pieces": 2}
    d = decide([*talk, user("한보람 두 개요")], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"applicant": "한보람", "pieces": 2}


def test_the_same_time_is_found_past_a_result_that_has_none() -> None:
    tools = [
        function_tool(
            "move_lesson",
            "레슨 예약 변경",
            {
                "lesson_id": string_param("예약 번호"),
                "new_day": {**DATE, "description": "변경할 날짜"},
                "new_time": {**CLOCK, "description": "변경할 시각"},
            },
            ["lesson_id", "new_day", "new_time"],
        )
    ]
    talk = [
        user("금요일 오후 3시에 레슨 잡아줘"),
        called("book_lesson", day="2026-11-20", time="15:00"),
        tool_result({"lesson_id": "LS-204", "room": "B"}),
        assistant("LS-204로 예약했어요."),
        user("그거 다음 주 월요일 같은 시간으로 옮겨줘"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"lesson_id": "LS-204", "new_day": "2026-11-23", "new_time": "15:00"}


ROOMS = [
    function_tool(
        "book_room",
        "객실 예약",
        {
            "room_type": {
                "type": "string",
                "description": "객실 타입",
                "enum": ["bunk_6", "bunk_10", "private"],
            }
        },
        ["room_type"],
    )
]


@pytest.mark.parametrize(("said", "value"), [("6인실로요", "bunk_6"), ("10인실", "bunk_10")])
def test_an_option_is_named_by_the_number_in_it(said, value) -> None:
    d = decide(
        [user("객실 예약할게요"), assistant("어떤 객실로 할까요?"), user(said)],
        ROOMS,
        "auto",
        now=NOW,
    )
    assert d.kind == "call" and d.arguments == {"room_type": value}


def test_english_values_by_their_everyday_korean_names() -> None:
    tools = [
        function_tool(
            "list_swim_classes",
            "수영 강습 시간표",
            {
                "day": DATE,
                "level": {"type": "string", "description": "반", "enum": ["beginner", "advanced"]},
            },
            ["day"],
        ),
        function_tool(
            "find_drop_box",
            "회수함 위치 검색",
            {
                "district": string_param("자치구 (예: 노원구)"),
                "items": {
                    "type": "array",
                    "description": "버릴 것",
                    "items": {"type": "string", "enum": ["pet", "can", "battery"]},
                },
            },
            ["district"],
        ),
    ]
    d = decide([user("내일 초급반 수영 강습 시간표 보여줘")], tools[:1], "auto", now=NOW)
    assert d.kind == "call" and d.arguments["level"] == "beginner"
    d = decide([user("도봉구에 건전지랑 캔 넣는 회수함 어디 있어?")], tools[1:], "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"district": "도봉구", "items": ["battery", "can"]}


def test_a_second_unit_after_a_comma_stays_in_the_address() -> None:
    tools = [
        function_tool(
            "request_measure",
            "실측 방문 신청",
            {"address": string_param("방문 주소"), "day": DATE},
            ["address", "day"],
        )
    ]
    d = decide(
        [user("모레 실측 와 주세요. 성남시 분당구 판교로 12, 103동 702호요")],
        tools,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments["address"] == "성남시 분당구 판교로 12, 103동 702호"


MEMBERS = [
    function_tool(
        "buy_match_ticket",
        "배구 경기 예매",
        {
            "seats": integer_param("매수(장)"),
            "member": {"type": "boolean", "description": "팬클럽 회원 여부"},
        },
        ["seats", "member"],
    )
]


@pytest.mark.parametrize(
    ("said", "value"), [("아니 회원 아님", False), ("회원 아니에요", False), ("회원이에요", True)]
)
def test_not_being_one_is_said_after_the_word(said, value) -> None:
    talk = [user("배구 경기 두 장 예매해줘"), assistant("팬클럽 회원이세요?"), user(said)]
    d = decide(talk, MEMBERS, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"seats": 2, "member": value}


HOURS = [
    function_tool(
        "book_disinfection",
        "소독 방문 예약. 방문 시각은 10, 13, 15시 중 하나.",
        {
            "day": {**DATE, "description": "방문일"},
            "hour": {"type": "integer", "enum": [10, 13, 15], "description": "방문 시각(시)"},
        },
        ["day", "hour"],
    ),
    function_tool(
        "move_disinfection",
        "소독 방문 변경",
        {
            "booking_id": string_param("예약 번호"),
            "new_day": {**DATE, "description": "변경할 날짜"},
            "new_hour": {"type": "integer", "enum": [10, 13, 15], "description": "변경할 시각(시)"},
        },
        ["booking_id", "new_day", "new_hour"],
    ),
]


@pytest.mark.parametrize(
    ("said", "hour"), [("내일 오후 3시", 15), ("내일 1시요", 13), ("내일 열 시", 10)]
)
def test_an_hour_written_as_an_integer_is_read_from_the_clock(said, hour) -> None:
    d = decide([user(f"소독 방문 예약할게요 {said}")], HOURS[:1], "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"day": "2026-11-19", "hour": hour}


def test_the_same_hour_as_the_booking() -> None:
    talk = [
        user("소독 방문 예약할게요 내일 오후 1시"),
        called("book_disinfection", day="2026-11-19", hour=13),
        tool_result({"booking_id": "DS-771", "hour": 13}),
        assistant("DS-771로 예약했어요."),
        user("토요일 같은 시간으로 바꿔 주세요"),
    ]
    d = decide(talk, HOURS, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"booking_id": "DS-771", "new_day": "2026-11-21", "new_hour": 13}


def test_a_year_of_birth_by_two_digits_and_a_name_before_it() -> None:
    tools = [
        function_tool(
            "join_cleanup",
            "봉사 참여 신청",
            {
                "name": string_param("신청자 이름"),
                "birth_year": {"type": "integer", "description": "출생 연도", "minimum": 1900},
            },
            ["name", "birth_year"],
        )
    ]
    talk = [user("봉사 신청할래"), assistant("이름이랑 태어난 연도 알려 줘.")]
    d = decide([*talk, user("오세린, 98년생")], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"name": "오세린", "birth_year": 1998}
    d = decide([*talk, user("오세린, 03년생")], tools, "auto", now=NOW)
    assert d.arguments["birth_year"] == 2003


def test_hours_said_after_the_day_and_an_area_is_never_a_common_noun() -> None:
    tools = [
        function_tool(
            "find_pet_sitter",
            "펫시터 찾기",
            {
                "day": DATE,
                "start_time": {**CLOCK, "description": "시작 시각"},
                "end_time": {**CLOCK, "description": "종료 시각"},
                "district": string_param("동네 (구·동)"),
            },
            ["day", "start_time", "end_time", "district"],
        )
    ]
    said = "금요일 저녁에 회식이 있어서 강아지 봐 주실 분 찾아요. 7시부터 11시까지요"
    d = decide([user(said)], tools, "auto", now=NOW)
    assert d.kind == "ask" and d.missing == ["district"]
    assert d.explain["filled"]["start_time"]["value"] == "19:00"
    assert d.explain["filled"]["end_time"]["value"] == "23:00"


def test_a_day_said_after_a_word_of_one_parameter_is_that_ones() -> None:
    tools = [
        function_tool(
            "book_fitting",
            "예복 가봉 예약",
            {
                "fitting_day": {**DATE, "description": "가봉 날짜"},
                "wedding_day": {**DATE, "description": "결혼 예정일"},
            },
            ["fitting_day", "wedding_day"],
        )
    ]
    d = decide([user("가봉 예약하고 싶어요. 예정일은 3월 7일이에요")], tools, "auto", now=NOW)
    assert d.kind == "ask" and d.missing == ["fitting_day"]
    assert d.explain["filled"]["wedding_day"]["value"] == "2027-03-07"


def test_what_is_left_of_this_month_for_a_search_within_it() -> None:
    d = decide([user("이번 달 안에 걸음 수 기록 보여줘")], STEPS[:1], "auto", now=NOW)
    assert d.kind == "call"
    assert (d.arguments["from_date"], d.arguments["to_date"]) == ("2026-11-18", "2026-11-30")


def test_a_web_address_is_read_whole() -> None:
    tools = [
        function_tool(
            "order_posters",
            "포스터 인쇄 주문",
            {"count": integer_param("수량(장)"), "file_url": string_param("인쇄 파일 URL")},
            ["count", "file_url"],
        )
    ]
    said = "포스터 30장 주문할게요. 파일은 https://drive.example.com/p/spring_2.pdf 에 있어요"
    d = decide([user(said)], tools, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"count": 30, "file_url": "https://drive.example.com/p/spring_2.pdf"}


def test_a_word_that_only_agrees_is_no_value() -> None:
    tools = [
        function_tool(
            "estimate_ride",
            "대리운전 예상 요금 (호출 안 함)",
            {"start": string_param("출발지"), "goal": string_param("도착지")},
            ["start", "goal"],
        ),
        function_tool(
            "call_ride",
            "대리기사 호출",
            {"start": string_param("출발지"), "goal": string_param("도착지")},
            ["start", "goal"],
        ),
    ]
    talk = [
        user("합정역에서 판교까지 대리 얼마 나와?"),
        called("estimate_ride", start="합정역", goal="판교"),
        tool_result({"fare": 38000}),
        assistant("예상 요금은 38,000원이에요."),
        user("오케이 불러 줘"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call" and d.tool == "call_ride"
    assert d.arguments == {"start": "합정역", "goal": "판교"}


SITTERS = [
    function_tool(
        "request_tutor",
        "과외 선생님에게 수업 요청",
        {"tutor_id": string_param("선생님 ID")},
        ["tutor_id"],
    )
]
TUTORS = {
    "tutors": [
        {"tutor_id": "TU-11", "name": "가", "experience_years": 2, "wait_days": 1},
        {"tutor_id": "TU-12", "name": "나", "experience_years": 9, "wait_days": 6},
    ]
}


@pytest.mark.parametrize(
    ("said", "picked"),
    [("경력 많으신 분으로 해주세요", "TU-12"), ("대기 짧은 분으로 요청해줘", "TU-11")],
)
def test_an_item_picked_by_the_most_experience_or_the_shortest_wait(said, picked) -> None:
    talk = [
        user("과외 선생님 찾아줘"),
        tool_result(TUTORS),
        assistant("두 분이 있어요."),
        user(said),
    ]
    d = decide(talk, SITTERS, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"tutor_id": picked}


def test_an_item_picked_by_its_day_of_the_month() -> None:
    tools = [
        function_tool(
            "apply_session", "교육 신청", {"session_id": string_param("교육 ID")}, ["session_id"]
        )
    ]
    listed = {
        "sessions": [
            {"session_id": "ED-1", "date": "2026-11-24", "place": "본관"},
            {"session_id": "ED-2", "date": "2026-11-27", "place": "본관"},
        ]
    }
    talk = [
        user("남은 교육 보여줘"),
        tool_result(listed),
        assistant("두 번 있어요."),
        user("27일 걸로 신청해 줘"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"session_id": "ED-2"}


def test_what_the_assistant_said_it_cannot_do_is_no_open_question() -> None:
    tools = [
        function_tool(
            "book_court",
            "테니스 코트 예약",
            {"day": DATE, "people": integer_param("인원")},
            ["day", "people"],
        ),
        function_tool(
            "cancel_court",
            "테니스 코트 예약 취소",
            {"booking_no": string_param("예약 번호")},
            ["booking_no"],
        ),
    ]
    talk = [
        user("토요일에 코트 네 명 예약해줘"),
        called("book_court", day="2026-11-21", people=4),
        tool_result({"booking_no": "TC-8812"}),
        assistant("TC-8812로 예약했어요."),
        user("근처 체육관 배드민턴장도 같이 예약해 줄 수 있어요?"),
        assistant(
            "죄송하지만 배드민턴장 예약은 제가 도와드릴 수 없어요. 체육관에 직접 예약해 주세요."
        ),
        user("아 한 명이 못 온대요. 그냥 그 예약 취소해 주세요"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call" and d.tool == "cancel_court"
    assert d.arguments == {"booking_no": "TC-8812"}


def test_places_taken_count_people_and_a_ticket_named_by_a_part_of_the_day() -> None:
    tools = [
        function_tool(
            "book_workshop",
            "공방 클래스 예약",
            {"people": {"type": "integer", "description": "인원(명)", "minimum": 1}},
            ["people"],
        ),
        function_tool(
            "buy_pass",
            "수영장 이용권 구매",
            {
                "kind": {
                    "type": "string",
                    "enum": ["종일권", "오전권", "야간권"],
                    "description": "이용권",
                },
                "discount": {
                    "type": "string",
                    "enum": ["none", "student", "military"],
                    "description": "할인",
                },
            },
            ["kind", "discount"],
        ),
    ]
    d = decide([user("공방 클래스 세 자리 예약해 줘")], tools[:1], "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"people": 3}
    d = decide([user("수영장 야간권으로 끊어 줘. 고등학생이에요")], tools[1:], "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"kind": "야간권", "discount": "student"}


def test_an_hour_after_a_part_of_the_day_and_dots() -> None:
    from kodial.korean.datetimes import parse_datetime

    r = parse_datetime("저녁때쯤.. 7시 반?", NOW)
    assert (r.time.hour, r.time.minute, r.period) == (19, 30, "저녁")  # type: ignore[union-attr]


def test_a_booking_shown_again_is_looked_up() -> None:
    from kodial.tools.acts import text_act

    assert text_act("제 번호로 된 예약 다시 한번 보여 줄래요?") == "lookup"
    assert text_act("예약 알려줘") == "lookup"
    assert text_act("사진 보여주고 예약해줘") == "create"


def test_a_value_of_a_call_fills_a_parameter_described_alike_under_another_name() -> None:
    tools = [
        function_tool(
            "search_stays",
            "한옥 스테이 검색",
            {"region": string_param("지역"), "start_date": {**DATE, "description": "입실일"}},
            ["region", "start_date"],
        ),
        function_tool(
            "apply_stay",
            "한옥 스테이 신청",
            {
                "stay_id": string_param("스테이 ID"),
                "arrival": {**DATE, "description": "입실일"},
                "nights": {"type": "integer", "description": "숙박(박)", "minimum": 1},
            },
            ["stay_id", "arrival", "nights"],
        ),
    ]
    talk = [
        user("전주 쪽 한옥 스테이 12월 5일부터 찾아줘"),
        called("search_stays", region="전주", start_date="2026-12-05"),
        tool_result(
            {"stays": [{"stay_id": "HS-1", "name": "소담"}, {"stay_id": "HS-2", "name": "여운"}]}
        ),
        assistant("소담과 여운이 있어요."),
        user("여운으로 할게요. 2박이요"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"stay_id": "HS-2", "arrival": "2026-12-05", "nights": 2}


ZOO = [
    function_tool(
        "show_schedule",
        "날짜별 체험 프로그램 시간표",
        {"date": {**DATE, "description": "관람 날짜"}},
        ["date"],
    ),
    function_tool(
        "buy_entry",
        "동물원 입장권 구매",
        {"visit_day": {**DATE, "description": "방문일"}, "adults": integer_param("성인 매수(장)")},
        ["visit_day", "adults"],
    ),
]
ZOO_TALK = [
    user("모레 동물원 가려는데 체험 프로그램 몇 시에 있어요?"),
    called("show_schedule", date="2026-11-20"),
    tool_result(
        {"programs": [{"name": "먹이 체험", "time": "10:30"}, {"name": "설명회", "time": "15:00"}]}
    ),
    assistant("모레는 10시 30분 먹이 체험, 오후 3시 설명회가 있어요."),
]


def test_then_buying_for_the_outing_keeps_its_day() -> None:
    d = decide([*ZOO_TALK, user("그럼 입장권도 끊어 주세요. 어른 셋")], ZOO, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"visit_day": "2026-11-20", "adults": 3}
    # without going on from it, a day said for the schedule is not the tickets' day
    d = decide([*ZOO_TALK, user("입장권 어른 셋 사고 싶어요")], ZOO, "auto", now=NOW)
    assert d.kind == "ask" and d.missing == ["visit_day"]


def test_a_listed_time_picked_keeps_the_day_it_was_listed_for() -> None:
    tools = [
        function_tool(
            "free_slots",
            "조율사 방문 가능 시간",
            {"date": {**DATE, "description": "희망 날짜"}},
            ["date"],
        ),
        function_tool(
            "book_visit",
            "조율 방문 예약",
            {
                "day": {**DATE, "description": "방문일"},
                "time": {**CLOCK, "description": "방문 시각"},
            },
            ["day", "time"],
        ),
    ]
    talk = [
        user("다음 주 수요일에 언제 오실 수 있어요?"),
        called("free_slots", date="2026-11-25"),
        tool_result({"slots": ["09:30", "14:00"]}),
        assistant("9시 30분과 오후 2시가 돼요."),
        user("2시로 예약해 주세요"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"day": "2026-11-25", "time": "14:00"}


QUOTES = [
    function_tool(
        "quote_mattress",
        "매트리스 견적",
        {
            "brand": {
                "type": "string",
                "enum": ["시몬스", "에이스", "템퍼"],
                "description": "브랜드",
            },
            "size": {"type": "string", "enum": ["SS", "Q", "K"], "description": "크기"},
        },
        ["brand", "size"],
    ),
    function_tool(
        "order_mattress", "매트리스 주문", {"quote_id": string_param("견적 ID")}, ["quote_id"]
    ),
]
QUOTE_TALK = [
    user("템퍼 퀸 사이즈 견적 좀"),
    called("quote_mattress", brand="템퍼", size="Q"),
    tool_result({"quote_id": "MQ-5", "price": 2890000}),
    assistant("템퍼 Q 사이즈는 2,890,000원이에요."),
]


def test_a_remark_about_the_result_is_no_request_for_it_again() -> None:
    d = decide(
        [*QUOTE_TALK, user("헐 비싸네.. 템퍼가 진짜 그 정도로 좋아?")], QUOTES, "auto", now=NOW
    )
    assert d.kind == "decline"
    d = decide([*QUOTE_TALK, user("그럼 에이스는?")], QUOTES, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"brand": "에이스", "size": "Q"}


@pytest.mark.parametrize(
    "said",
    [
        "매트리스는 보통 몇 년 쓰면 바꿔요?",
        "라텍스는 허리에 안 좋다던데 진짜예요?",
        "매트리스 뒤집어 쓰면 오래 간다면서요?",
    ],
)
def test_what_is_known_in_general_is_answered_not_looked_up(said) -> None:
    d = decide([*QUOTE_TALK, user(said)], QUOTES, "auto", now=NOW)
    assert d.kind == "decline"


def test_two_short_words_of_a_yes_no_description_said_as_one() -> None:
    tools = [
        function_tool(
            "send_groceries",
            "장보기 배송 요청",
            {
                "address": string_param("배송 주소"),
                "leave_outside": {"type": "boolean", "description": "문 앞 비대면 수령"},
            },
            ["address"],
        )
    ]
    said = "장보기 배송 요청할게요. 송파구 오금로 21 805호, 문앞에 두고 가주세요"
    d = decide([user(said)], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["leave_outside"] is True


def test_a_function_the_assistant_said_it_lacks_leaves_no_open_question() -> None:
    tools = [
        function_tool(
            "find_spots",
            "주변 주차장 검색",
            {"place": string_param("기준 위치")},
            ["place"],
        ),
        function_tool(
            "reserve_spot",
            "주차면 예약",
            {"spot_id": string_param("주차면 ID"), "hours": integer_param("이용 시간")},
            ["spot_id", "hours"],
        ),
    ]
    listed = {
        "spots": [{"spot_id": "PK-1", "distance_m": 400}, {"spot_id": "PK-2", "distance_m": 90}]
    }
    talk = [
        user("시청역 근처 주차장 찾아줘"),
        called("find_spots", place="시청역"),
        tool_result(listed),
        assistant("두 곳이 있어요."),
        user("주차비 할인 카드도 만들어 줘요?"),
        assistant("카드 발급은 제가 할 수 있는 기능이 아니에요. 카드사에 문의해 보세요."),
        user("가까운 데로 예약"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "ask" and d.tool == "reserve_spot" and d.missing == ["hours"]


def test_a_phone_number_for_a_contact_that_may_be_a_mail_or_a_phone() -> None:
    tools = [
        function_tool(
            "confirm_print",
            "인쇄 주문 확정",
            {"contact": string_param("받을 이메일 또는 방문 수령 시 연락처")},
            ["contact"],
        )
    ]
    d = decide(
        [user("인쇄 주문 확정해 주세요. 연락처는 010-3345-1290이에요")], tools, "auto", now=NOW
    )
    assert d.kind == "call" and d.arguments == {"contact": "010-3345-1290"}


def test_names_of_listed_items_said_fill_a_list_of_names() -> None:
    tools = [
        function_tool(
            "reserve_rides",
            "빠른 탑승 예약",
            {
                "pass_id": string_param("이용권 번호"),
                "rides": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "놀이기구 이름 목록",
                },
            },
            ["pass_id", "rides"],
        )
    ]
    talk = [
        user("지금 대기 시간 알려줘"),
        called("wait_times"),
        tool_result(
            {"rides": [{"name": "바이킹", "wait_min": 30}, {"name": "범퍼 카", "wait_min": 15}]}
        ),
        assistant("바이킹 30분, 범퍼 카 15분이에요."),
        user("이용권 PS-77로 범퍼카랑 바이킹 빨리 타는 거 예약해 줘"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"pass_id": "PS-77", "rides": ["범퍼 카", "바이킹"]}


def test_a_part_of_a_listed_id_said_names_that_item() -> None:
    tools = [
        function_tool(
            "book_match",
            "배구 경기 예매",
            {"match_id": string_param("경기 ID"), "seats": integer_param("매수(장)")},
            ["match_id", "seats"],
        )
    ]
    listed = {
        "matches": [
            {"match_id": "VL-1121-KB-HD", "teams": "KB vs 현대"},
            {"match_id": "VL-1121-GS-IBK", "teams": "GS vs IBK"},
        ]
    }
    talk = [
        user("토요일 배구 경기 보여줘"),
        tool_result(listed),
        assistant("두 경기가 있어요."),
        user("gs 경기로 두 장"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"match_id": "VL-1121-GS-IBK", "seats": 2}


# --- misreadings a review of the round found, each kept as a test ---------------------------

COFFEE = [
    function_tool(
        "order_drink",
        "음료 주문",
        {
            "menu": string_param("메뉴"),
            "size": {
                "type": "string",
                "enum": ["small", "medium", "large"],
                "description": "사이즈",
            },
        },
        ["menu", "size"],
    )
]


def test_a_request_beside_what_is_usual_or_heard_is_still_a_request() -> None:
    d = decide([user("아메리카노 보통 사이즈로 주문해 줄래?")], COFFEE, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"menu": "아메리카노", "size": "medium"}


def test_a_question_beside_a_cannot_stays_open() -> None:
    tools = [function_tool("get_forecast", "날씨 조회", {"city": string_param("도시")}, ["city"])]
    talk = [
        user("날씨 알려줘"),
        assistant("어느 도시 날씨를 알려드릴까요? 참고로 주간 예보는 지원하지 않아요."),
        user("부산"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"city": "부산"}


def test_an_amount_described_alike_is_not_carried_to_another_tool() -> None:
    tools = [
        function_tool(
            "convert_money",
            "환율 계산",
            {"amount": integer_param("금액"), "to": string_param("바꿀 통화")},
            ["amount", "to"],
        ),
        function_tool(
            "transfer",
            "송금",
            {"to_name": string_param("받는 사람 이름"), "money": integer_param("금액")},
            ["to_name", "money"],
        ),
    ]
    talk = [
        user("백만 원 달러로 얼마야?"),
        called("convert_money", amount=1000000, to="USD"),
        tool_result({"result": 730.5}),
        assistant("약 730달러예요."),
        user("김하나한테 송금해줘"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "ask" and "money" in d.missing


def test_a_count_with_its_counter_names_no_option_by_number() -> None:
    tools = [
        function_tool(
            "book_bunk",
            "호스텔 예약",
            {
                "room": {
                    "type": "string",
                    "enum": ["dorm_4", "dorm_8", "private"],
                    "description": "객실",
                },
                "guests": integer_param("인원"),
            },
            ["room", "guests"],
        )
    ]
    talk = [
        user("호스텔 예약할게요"),
        assistant("객실 타입과 인원은 몇 명인가요?"),
        user("4명이요"),
    ]
    d = decide(talk, tools, "auto", now=NOW)
    assert d.kind == "ask" and d.missing == ["room"]


@pytest.mark.parametrize(
    "said", ["문앞에 두지 말고 벨 눌러 주세요", "경비실에 맡겨주세요, 문앞은 안돼요"]
)
def test_a_joined_yes_no_word_turned_down(said) -> None:
    tools = [
        function_tool(
            "deliver_box",
            "택배 배송 요청",
            {"leave_outside": {"type": "boolean", "description": "문 앞 비대면 수령 여부"}},
            ["leave_outside"],
        )
    ]
    d = decide([user(f"택배 배송 요청할게요. {said}")], tools, "auto", now=NOW)
    assert d.arguments.get("leave_outside") is not True


def test_the_end_of_hours_after_a_part_of_the_day_is_after_the_start() -> None:
    tools = [
        function_tool(
            "add_event",
            "일정 추가",
            {
                "title": string_param("일정 제목"),
                "day": DATE,
                "start_time": {**CLOCK, "description": "시작 시각"},
                "end_time": {**CLOCK, "description": "종료 시각"},
            },
            ["title", "day", "start_time", "end_time"],
        )
    ]
    for said, span in [
        ("토요일 오전에 봉사활동 9시부터 12시까지 일정 추가해줘", ("09:00", "12:00")),
        ("금요일 저녁에 송년회 7시부터 12시까지 일정 추가", ("19:00", "00:00")),
        ("내일 아침에 일찍 나가서 10시부터 3시까지 캠핑 일정 추가", ("10:00", "15:00")),
    ]:
        d = decide([user(said)], tools, "auto", now=NOW)
        assert (d.arguments["start_time"], d.arguments["end_time"]) == span, said


def test_the_last_hour_said_and_not_turned_down_is_the_visit() -> None:
    for said, hour in [
        ("내일 3시 회의 끝나고 5시에 방문", 15),
        ("내일 1시는 안 되고 3시 방문", 15),
    ]:
        d = decide([user(f"소독 방문 예약할게요 {said}")], HOURS[:1], "auto", now=NOW)
        assert d.arguments.get("hour") == hour or d.arguments.get("hour") is None, said


def test_two_periods_or_a_range_of_them_are_not_one_whole_period() -> None:
    d = decide([user("지난주랑 이번주 걸음 수 기록 보여줘")], STEPS[:1], "auto", now=NOW)
    assert (d.arguments or {}).get("to_date") != "2026-11-15"


@pytest.mark.parametrize(("said", "value"), [("3.", 3), ("금액은 50000.", 50000)])
def test_a_number_before_a_full_stop(said, value) -> None:
    assert [n.value for n in numbers(said)] == [value]


def test_digits_of_a_number_are_no_head_count_and_ranges_of_counts_are_no_code() -> None:
    tools = [
        function_tool(
            "check_card",
            "카드 확인",
            {"last4": string_param("카드 번호 뒤 4자리"), "people": integer_param("인원")},
            ["last4"],
        )
    ]
    d = decide([user("카드 확인해줘. 카드 뒤 네 자리는 1234예요")], tools, "auto", now=NOW)
    assert "people" not in d.arguments
    assert [(n.value, n.unit) for n in numbers("3-4명 정도")][-1] == (4, "명")


def test_hedge_words_inside_a_name_are_kept() -> None:
    tools = [
        function_tool(
            "reserve_table",
            "식당 예약",
            {"restaurant": string_param("식당 이름"), "people": integer_param("인원")},
            ["restaurant", "people"],
        )
    ]
    d = decide([user("정도감자탕 2명 예약해 줘")], tools, "auto", now=NOW)
    assert d.arguments == {"restaurant": "정도감자탕", "people": 2}


def test_an_agreeing_word_asked_for_or_said_as_the_value_is_kept() -> None:
    tools = [
        function_tool(
            "rename_me", "닉네임 변경", {"nickname": string_param("새 닉네임")}, ["nickname"]
        )
    ]
    d = decide([user("닉네임을 오케이로 바꿔줘")], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"nickname": "오케이"}


def test_a_pick_turned_down_is_not_picked() -> None:
    tools = [
        function_tool(
            "join_class", "수업 신청", {"class_id": string_param("수업 ID")}, ["class_id"]
        )
    ]
    listed = {
        "classes": [
            {"class_id": "C1", "date": "2026-11-25", "wait_days": 3, "experience_years": 9},
            {"class_id": "C2", "date": "2026-11-27", "wait_days": 0, "experience_years": 2},
        ]
    }
    talk = [user("수업 보여줘"), tool_result(listed), assistant("두 개 있어요.")]
    d = decide([*talk, user("25일은 안 되니까 다른 걸로 신청해줘")], tools, "auto", now=NOW)
    assert d.arguments.get("class_id") != "C1"
