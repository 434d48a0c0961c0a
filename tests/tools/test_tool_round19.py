"""Round 19 of everyday forms, found on the sixteenth set: names that say their own kind (a
clinic, a branch), what a thing is for, counts of people and ages, times picked from a list by
the part of the day or as a span, lists said again after 아니다, a weekend said for one day,
knowledge asked after a call, and the time of one visit booked, which is not the regular one's.
Every tool and sentence here is written for these tests."""

from __future__ import annotations

from datetime import date

from _tool_fixtures import (
    CLOCK,
    MOBILE,
    NOW,
    assistant,
    called,
    enum_param,
    function_tool,
    integer_param,
    parsed_tool,
    string_param,
    tool_result,
    user,
    values,
)

from kodial.korean.datetimes import parse_datetime
from kodial.korean.self_repair import repair
from kodial.tools import decide
from kodial.tools.acts import predicate_match, text_act, tool_act
from kodial.tools.arguments.labels import name_with_its_kind
from kodial.tools.schema import parse_tools

DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def test_the_day_after_tomorrow_said_short() -> None:
    # NOW is Wednesday 2026-11-18
    assert parse_datetime("낼모레 오후 세 시 괜찮아요?", now=NOW).date == date(2026, 11, 20)
    assert parse_datetime("낼 모레 갈게요", now=NOW).date == date(2026, 11, 20)
    assert parse_datetime("낼 오후에 갈게요", now=NOW).date == date(2026, 11, 19)


def test_left_as_it_is_turns_a_yes_or_no_down() -> None:
    quote = parsed_tool(
        "get_painting_quote",
        "페인트 시공 견적을 냅니다.",
        {
            "rooms": integer_param("방 개수"),
            "include_ceiling": {"type": "boolean", "description": "천장 도장 포함 여부"},
        },
        ["rooms", "include_ceiling"],
    )
    assert values(quote, "천장은 그냥 둘게요", {"include_ceiling"})["include_ceiling"] is False
    assert values(quote, "천장은 그대로 놔둘래요")["include_ceiling"] is False
    assert values(quote, "천장도 해 주세요")["include_ceiling"] is True


def test_what_a_thing_is_for() -> None:
    papers = parsed_tool(
        "issue_paper",
        "증명서를 발급합니다.",
        {
            "kind": enum_param("서류 종류", ["재직증명서", "경력증명서"]),
            "purpose": string_param("제출 용도"),
        },
        ["kind"],
    )
    got = values(papers, "재직증명서요. 은행 제출용이에요")
    assert got["purpose"] == "은행 제출용"
    assert values(papers, "비자 신청용으로 한 장")["purpose"] == "비자 신청용"
    # 이용, 비용 and 사용 are words of their own, not things something is for
    assert "purpose" not in values(papers, "재직증명서 발급 비용이 있나요?")
    # a size is no purpose, and only an act's noun takes the noun before it
    assert "purpose" not in values(papers, "재직증명서 크기가 2인용이에요?")
    assert values(papers, "경력증명서 두 장 선물용으로요")["purpose"] == "선물용"


def test_a_name_glued_to_a_sort_of_its_kind() -> None:
    claim = parsed_tool(
        "claim_clinic_bill",
        "진료비를 청구합니다.",
        {"hospital_name": string_param("병원 이름"), "amount": integer_param("진료비(원)")},
        ["hospital_name", "amount"],
    )
    got = values(claim, "어제 소아과 다녀왔어요. 해맑은소아과고 2만 원 나왔어요")
    assert got["hospital_name"] == "해맑은소아과"
    assert values(claim, "튼튼치과에서 5만 원 냈어요")["hospital_name"] == "튼튼치과"
    # the sort alone, or a sort of clinic, names none
    hospital = claim.params[0]
    assert name_with_its_kind("어제 정형외과고 3만 원이요", hospital) is None
    assert name_with_its_kind("대학병원이고 3만 원이요", hospital) is None
    assert name_with_its_kind("해맑은소아과고 2만 원", hospital) == (0, 6)


SHOWS = [
    function_tool(
        "find_screenings",
        "영화 제목, 지점, 날짜로 상영 시간을 찾습니다.",
        {
            "title": string_param("영화 제목"),
            "branch": string_param("극장 지점명"),
            "day": DAY,
        },
        ["title", "branch", "day"],
    ),
    function_tool(
        "cancel_ticket",
        "예매를 취소합니다.",
        {"ticket_no": string_param("예매 번호")},
        ["ticket_no"],
    ),
]


def test_a_branch_said_with_its_sort_leaves_the_title_to_be_guessed() -> None:
    d = decide([user("이번 주 금요일에 잠실점에서 겨울 정원 몇 시에 해?")], SHOWS, now=NOW)
    assert d.kind == "call" and d.tool == "find_screenings"
    assert d.arguments == {"title": "겨울 정원", "branch": "잠실점", "day": "2026-11-20"}


def test_sessions_counted_in_번() -> None:
    pt = parsed_tool(
        "buy_lessons",
        "레슨 회차권을 결제합니다.",
        {"session_count": {"type": "integer", "description": "구매할 회차 수", "enum": [10, 20]}},
        ["session_count"],
    )
    assert values(pt, "스무 번짜리 끊을게요")["session_count"] == 20
    assert values(pt, "열 번짜리로요")["session_count"] == 10
    # of two counts, the one said as the choice
    assert values(pt, "열 번은 더 고민했는데 20회로 할게요")["session_count"] == 20


def test_who_receives_it_and_a_clause_that_ends_at_the_next_topic() -> None:
    gift = parsed_tool(
        "send_gift",
        "선물을 보냅니다.",
        {"recipient_name": string_param("받는 분 이름"), "address": string_param("배송 주소")},
        ["recipient_name", "address"],
    )
    assert values(gift, "받는 사람은 한소망, 주소는 대구시 수성구")["recipient_name"] == "한소망"
    got = values(gift, "받는 분은 한소망이고 주소는 대구시 수성구 동대구로 12")
    assert got["recipient_name"] == "한소망"


LOCKERS = [
    function_tool(
        "quote_storage",
        "짐 보관 견적을 냅니다.",
        {"boxes": integer_param("상자 수")},
        ["boxes"],
    ),
    function_tool(
        "book_storage_pickup",
        "견적 번호로 짐 수거를 예약합니다.",
        {"quote_id": string_param("견적 번호"), "pickup_time": CLOCK, "phone": MOBILE},
        ["quote_id", "pickup_time", "phone"],
    ),
]


def test_a_part_of_the_day_picks_the_one_listed_time_in_it() -> None:
    offered = {"quote_id": "SQ-88", "price": 90000, "start_options": ["09:30", "15:00"]}
    messages = [
        user("상자 다섯 개 보관 견적 좀"),
        called("quote_storage", boxes=5),
        tool_result(offered),
        assistant("9만 원이에요. 수거는 오전 9시 30분이나 오후 3시에 가능해요."),
        user("오후 걸로 잡아 주세요. 연락처는 010-4455-6677이요"),
    ]
    d = decide(messages, LOCKERS, now=NOW)
    assert d.kind == "call" and d.tool == "book_storage_pickup"
    assert d.arguments["pickup_time"] == "15:00"
    assert d.arguments["quote_id"] == "SQ-88"


def test_a_span_said_from_one_hour_to_another() -> None:
    pickup = parsed_tool(
        "request_pickup",
        "수거를 신청합니다.",
        {
            "slot": enum_param("수거 시간대", ["07:00-09:00", "19:00-21:00", "21:00-23:00"]),
            "door_code": string_param("공동현관 비밀번호"),
        },
        ["slot"],
    )
    got = values(pickup, "9시에서 11시요. 현관 비번은 #2580이에요", {"slot"})
    assert got == {"slot": "21:00-23:00", "door_code": "#2580"}
    assert values(pickup, "저녁 7시부터 9시", {"slot"})["slot"] == "19:00-21:00"
    # an hour both halves of the day list is no choice
    assert "slot" not in values(pickup, "7시 걸로", {"slot"})


def test_a_list_said_again_after_아니다_takes_back_the_list() -> None:
    assert repair("B3, B4 두 자리.. 아 아니다 B4, B5로 해줘") == "B4, B5로 해줘"
    assert repair("D1 D2 하려다가 아 아니다 D2 D3로") == "D2 D3로"
    assert repair("E4, E5.. 아니다 E5만") == "E5만"
    assert repair("101호 아니 102호") == "102호"  # (no code: the word before is taken back)
    seats = parsed_tool(
        "hold_seats",
        "좌석을 잡습니다.",
        {
            "seats": {
                "type": "array",
                "description": "좌석 번호 목록",
                "items": {"type": "string", "pattern": r"^[A-Z]\d{1,2}$"},
            }
        },
        ["seats"],
    )
    got = values(seats, "C7, C8 두 자리.. 아 아니다 C8, C9로 잡아줘")
    assert got["seats"] == ["C8", "C9"]
    # a code labelled as another parameter's is not one of the list
    shows = parsed_tool(
        "hold_show_seats",
        "공연 좌석을 잡습니다.",
        {
            "show_id": string_param("공연 ID"),
            "seats": {"type": "array", "items": {"type": "string", "pattern": r"^[A-Z]\d{1,2}$"}},
        },
        ["seats"],
    )
    assert values(shows, "공연 ID는 P7이고 좌석은 A1, A2")["seats"] == ["A1", "A2"]


AQUARIUM = [
    function_tool(
        "list_feeding_times",
        "날짜별 먹이 주기 시간을 알려 줍니다.",
        {"day": DAY},
        ["day"],
    ),
    function_tool(
        "buy_entry_tickets",
        "아쿠아리움 입장권을 구매합니다.",
        {
            "day": DAY,
            "adults": integer_param("어른 수"),
            "children": integer_param("어린이 수"),
        },
        ["day", "adults", "children"],
    ),
]


def test_tickets_bought_by_the_everyday_verb() -> None:
    spec = parse_tools(AQUARIUM)[1]
    text = "그날 표 끊을게요"
    assert predicate_match(text, text_act(text), spec) == 1.0
    # a tool of an act of its own keeps it (바꾸다 is no conversion of a fixed pair)
    convert = parsed_tool(
        "convert_usd_to_krw", "달러를 원화로 변환", {"usd": integer_param("달러")}, ["usd"]
    )
    assert predicate_match("달러 바꿀 거야", text_act("달러 바꿀 거야"), convert) != 1.0


def test_knowledge_asked_after_a_call_is_no_follow_up() -> None:
    messages = [
        user("토요일 먹이 주는 시간 알려줘"),
        called("list_feeding_times", day="2026-11-21"),
        tool_result({"shows": [{"name": "수달", "time": "11:00"}]}),
        assistant("토요일에는 수달 먹이 주기가 11시에 있어요."),
        user("수달은 물에서 잠을 잔다던데 진짜야?"),
    ]
    assert decide(messages, AQUARIUM, now=NOW).kind == "decline"
    assert text_act("렌즈는 보통 유효기간이 얼마나 돼요?") == "explain"
    assert text_act("보통 얼마나 나와요?") != "explain"  # (a price, a tool's to say)


def test_an_allowed_number_is_no_part_of_a_longer_one() -> None:
    helper = parsed_tool(
        "book_cleaner",
        "청소 도우미를 예약합니다.",
        {"hours": {"type": "integer", "description": "이용 시간", "enum": [3, 4, 8]}},
        ["hours"],
    )
    assert "hours" not in values(helper, "주소는 역삼로 88이에요")
    assert values(helper, "8시간으로 해 주세요")["hours"] == 8


def test_counts_of_children_and_guardians_and_their_ages() -> None:
    cafe = parsed_tool(
        "book_playroom",
        "키즈룸을 예약합니다.",
        {
            "child_count": integer_param("아이 수"),
            "guardian_count": integer_param("보호자 수"),
            "child_ages": {
                "type": "array",
                "description": "아이들 나이",
                "items": {"type": "integer", "minimum": 0, "maximum": 13},
            },
        },
        ["child_count", "guardian_count"],
    )
    got = values(cafe, "애 둘인데 여섯 살, 네 살이고 보호자는 저 혼자요")
    assert got == {"child_count": 2, "guardian_count": 1, "child_ages": [6, 4]}
    assert values(cafe, "보호자는 2명이요")["guardian_count"] == 2
    assert values(cafe, "애는 셋으로 해 주세요")["child_count"] == 3
    # of a count said twice, the one it is made (둘로 해주세요) stands
    got = values(cafe, "애 셋이요. 아 잠깐, 큰애는 못 간대요. 애는 둘로 해주세요")
    assert got["child_count"] == 2
    # a count said alone is no age, unless ages were asked for
    assert "child_ages" not in values(cafe, "애 둘이요")
    assert values(cafe, "여섯, 네 살이요", {"child_ages"})["child_ages"] == [6, 4]


def test_a_weekend_said_for_one_day_is_asked() -> None:
    viewing = [
        function_tool(
            "book_house_viewing",
            "매물 방문을 예약합니다.",
            {"listing": string_param("매물 번호"), "day": DAY, "time": CLOCK},
            ["listing", "day", "time"],
        )
    ]
    d = decide([user("HM-204 매물 이번 주말에 보러 갈래요")], viewing, now=NOW)
    assert d.kind == "ask" and "day" in d.missing
    # the weekend's day said is that day
    d = decide([user("HM-204 매물 이번 주말 토요일 오후 2시에 보러 갈래요")], viewing, now=NOW)
    assert d.kind == "call" and d.arguments["day"] == "2026-11-21"
    # a weekend for a range is its Saturday to its Sunday
    stay = parsed_tool(
        "book_cabin",
        "숙소를 예약합니다.",
        {"check_in": DAY, "check_out": DAY},
        ["check_in", "check_out"],
    )
    assert values(stay, "이번 주말에 묵을게요") == {
        "check_in": "2026-11-21",
        "check_out": "2026-11-22",
    }


def test_the_time_of_one_visit_booked_is_not_the_regular_ones() -> None:
    tools = [
        function_tool(
            "book_one_cleaning",
            "도우미 1회 방문을 예약합니다.",
            {"helper_id": string_param("도우미 ID"), "day": DAY, "start_time": CLOCK},
            ["helper_id", "day", "start_time"],
        ),
        function_tool(
            "set_weekly_cleaning",
            "같은 도우미로 매주 정기 방문을 설정합니다.",
            {
                "helper_id": string_param("도우미 ID"),
                "weekdays": {
                    "type": "array",
                    "description": "방문 요일",
                    "items": {"type": "string", "enum": ["월", "화", "수", "목", "금"]},
                },
                "start_time": CLOCK,
            },
            ["helper_id", "weekdays", "start_time"],
        ),
    ]
    messages = [
        user("HP-12 도우미님으로 금요일 오전 9시에 와 주세요"),
        called("book_one_cleaning", helper_id="HP-12", day="2026-11-20", start_time="09:00"),
        tool_result({"booking_id": "CL-9", "status": "확정"}),
        assistant("금요일 오전 9시로 예약했어요."),
        user("이분 좋으면 아예 매주 고정으로 오시게 하고 싶어요"),
    ]
    d = decide(messages, tools, now=NOW)
    assert d.kind == "ask" and d.tool == "set_weekly_cleaning"
    assert set(d.missing) == {"weekdays", "start_time"}
    # unless the user keeps it
    messages[-1] = user("매주 금요일 그 시간으로 고정해 주세요")
    d = decide(messages, tools, now=NOW)
    assert d.tool == "set_weekly_cleaning" and d.arguments.get("start_time") == "09:00"


def test_a_record_of_one_week_said_twice() -> None:
    history = parsed_tool(
        "paper_history",
        "기간을 정해 서류 발급 이력을 조회합니다.",
        {"start_date": DAY, "end_date": DAY},
        ["start_date", "end_date"],
    )
    got = values(history, "지난주에도 뭐 뗀 거 같은데 지난주 기록 좀 볼 수 있나")
    assert got == {"start_date": "2026-11-09", "end_date": "2026-11-15"}


def test_digits_a_strings_pattern_takes_are_no_number() -> None:
    meter = parsed_tool(
        "send_water_reading",
        "수도 계량기 자가검침 값을 입력합니다.",
        {
            "customer_no": {
                "type": "string",
                "description": "고객 번호 10자리",
                "pattern": r"^\d{10}$",
            },
            "reading": integer_param("계량기 숫자(㎥)"),
        },
        ["customer_no", "reading"],
    )
    got = values(meter, "검침 올리려고요. 고객번호 2203114587이에요")
    assert got == {"customer_no": "2203114587"}
    assert values(meter, "계량기 숫자 천이백삼십사요")["reading"] == 1234


def test_a_record_of_orders_is_looked_up() -> None:
    orders = parsed_tool(
        "order_history",
        "기간을 정해 주문 이력을 조회합니다.",
        {"start_date": DAY, "end_date": DAY},
        ["start_date", "end_date"],
    )
    assert tool_act(orders) == "lookup"  # (order_history is a record, not an order placed)
    assert values(orders, "지난주 주문 기록 보여줘") == {
        "start_date": "2026-11-09",
        "end_date": "2026-11-15",
    }


def test_codes_glossed_in_a_list_and_where_from() -> None:
    flights = parsed_tool(
        "search_award_flights",
        "보너스 항공권을 찾습니다.",
        {
            "origin": enum_param("출발 공항 코드", ["ICN", "GMP"]),
            "destination": enum_param(
                "도착 공항 코드 (NRT 도쿄, CTS 삿포로, BKK 방콕)", ["NRT", "CTS", "BKK"]
            ),
        },
        ["origin", "destination"],
    )
    got = values(flights, "방콕 가고 싶은데 김포 출발 좌석 있어?")
    assert got == {"origin": "GMP", "destination": "BKK"}
    # values listed themselves, with words after the last, gloss nothing
    todo = parsed_tool(
        "add_chore",
        "할 일을 추가한다.",
        {
            "task": string_param("할 일"),
            "priority": string_param("중요도 (긴급, 보통, 여유 중 하나)"),
        },
        ["task"],
    )
    assert "priority" not in values(todo, "빨래 하나 추가해줘")


def test_the_day_of_the_thing_moved_is_not_the_new_day() -> None:
    tools = [
        function_tool(
            "lesson_schedule",
            "월별 수업 일정을 조회합니다.",
            {"month": string_param("월")},
            ["month"],
        ),
        function_tool(
            "move_lesson",
            "수업 하나의 날짜와 시간을 바꿉니다.",
            {"lesson_id": string_param("수업 ID"), "new_date": DAY, "new_time": CLOCK},
            ["lesson_id", "new_date", "new_time"],
        ),
    ]
    lessons = [
        {"lesson_id": "L-19", "date": "2026-11-19", "time": "07:00"},
        {"lesson_id": "L-24", "date": "2026-11-24", "time": "07:00"},
    ]
    messages = [
        user("이번 달 수업 일정 보여줘"),
        called("lesson_schedule", month="2026-11"),
        tool_result({"lessons": lessons}),
        assistant("19일과 24일, 모두 아침 7시 수업이 있어요."),
        user("낼 수업 좀 미루고 싶은데"),
    ]
    d = decide(messages, tools, now=NOW)
    assert d.kind == "ask" and d.tool == "move_lesson"
    assert set(d.missing) == {"new_date", "new_time"}  # (tomorrow's lesson is L-19)
    messages += [assistant("언제로 옮길까요?"), user("토요일 아침 아홉 시 반으로")]
    d = decide(messages, tools, now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"lesson_id": "L-19", "new_date": "2026-11-21", "new_time": "09:30"}
