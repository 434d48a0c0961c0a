"""Readings that should carry over to tools and requests nobody tuned on (round 6): a year said
before a month, a relation (엄마, 동생) that is who a person is and not their name, the
description of a tool turned into words for a refusal, lists of e-mail addresses, and a result
of one item picked by a word pointing at it. Every tool and sentence here is written for these
tests (none comes from a benchmark or a development set)."""

from __future__ import annotations

from typing import Any

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    function_tool,
    integer_param,
    one_tool,
    string_param,
    tool_result,
    user,
    values,
)

from kodial.tools import decide
from kodial.tools.arguments import fill_arguments
from kodial.tools.arguments.people import is_person_name, is_relation, not_a_name
from kodial.tools.questions import decline_message
from kodial.tools.schema import ParamSpec, ToolSpec, parse_tools

# --- a year said before a month (NOW is 2026-11-18) ----------------------------------------


def test_a_month_of_next_or_last_year():
    tool = one_tool({"month": string_param("시작 월 (YYYY-MM)")}, ["month"])
    assert values(tool, "내년 2월부터 주말농장 하고 싶어요") == {"month": "2027-02"}
    assert values(tool, "작년 7월 내역 보여줘") == {"month": "2025-07"}
    assert values(tool, "올해 9월 것도") == {"month": "2026-09"}
    assert values(tool, "4월 거 보여줘") == {"month": "2026-04"}


# --- a relation is who a person is, not their name ------------------------------------------


def test_relations_and_person_names():
    assert is_relation("엄마") and is_relation("우리 동생") and is_relation("남편한테")
    assert not is_relation("김민지") and not is_relation("엄마 생신 선물")
    assert is_person_name(ParamSpec("to_name", "string", "받는 분 이름"))
    assert is_person_name(ParamSpec("patient", "string", "환자 성함"))
    assert not is_person_name(ParamSpec("drug", "string", "약 이름"))
    assert not is_person_name(ParamSpec("album", "string", "앨범 이름"))


def _gift_tool() -> dict[str, Any]:
    return function_tool(
        "order_gift",
        "선물 배송을 주문합니다.",
        {
            "gift": string_param("선물 종류"),
            "to_name": string_param("받는 분 이름"),
            "address": string_param("배송 주소"),
        },
        ["gift", "to_name", "address"],
    )


def test_a_relation_does_not_fill_a_persons_name():
    d = decide([user("아빠한테 케이크 선물 배송 주문해줘")], [_gift_tool()], now=NOW)
    assert d.kind == "ask" and set(d.missing) == {"to_name", "address"}


def test_the_name_said_after_a_relation_is_the_name():
    msgs = [
        user("동생한테 케이크 선물 배송 주문할래"),
        assistant("받는 분 성함과 주소를 알려주세요."),
        user("박서윤, 광주 북구 용봉로 77"),
    ]
    d = decide(msgs, [_gift_tool()], now=NOW)
    assert d.kind == "call" and d.arguments["to_name"] == "박서윤"


def test_a_message_may_go_to_a_contact_saved_as_a_relation():
    tool = function_tool(
        "send_text",
        "문자를 보냅니다.",
        {"to": string_param("받는 사람 이름"), "text": string_param("보낼 내용")},
        ["to", "text"],
    )
    filled = fill_arguments(
        parse_tools([tool])[0], [user("엄마한테 오늘 늦는다고 문자 보내줘")], NOW
    )
    assert filled.arguments["to"] == "엄마"


def test_a_relation_before_a_things_name_is_not_part_of_it():
    tool = one_tool(
        {"pill": string_param("약 이름"), "at": string_param("복용 시각 (HH:MM)")},
        ["pill", "at"],
        name="set_pill_alarm",
    )
    filled = fill_arguments(tool, [user("아빠 당뇨약 저녁 7시에 알람 맞춰줘")], NOW)
    assert filled.arguments == {"pill": "당뇨약", "at": "19:00"}


# --- a refusal names what the tools do -------------------------------------------------------


def test_a_refusal_turns_polite_endings_into_things_to_do():
    specs = [
        ToolSpec("a", "참석자에게 안내 메일을 보냅니다."),
        ToolSpec("b", "빈 강의실을 찾습니다."),
        ToolSpec("c", "도서에 대출 예약을 겁니다."),
        ToolSpec("d", "사물함 문을 엽니다."),
    ]
    text = decline_message(specs)
    for done in ("보내기", "찾기", "걸기", "열기"):
        assert f"{done}'" in text
    assert "니기" not in text


# --- lists of e-mail addresses -------------------------------------------------------------


def test_every_address_said_fills_a_list_of_addresses():
    tool = one_tool(
        {
            "meeting": string_param("회의 번호"),
            "to": {
                "type": "array",
                "items": {"type": "string"},
                "description": "받는 사람 이메일 목록",
            },
        },
        ["meeting", "to"],
    )
    got = values(tool, "hana.lee@example.org 그리고 tom_k@mail.example.com 두 명이요")
    assert got["to"] == ["hana.lee@example.org", "tom_k@mail.example.com"]


# --- a result of one item, picked by a word pointing at it ---------------------------------


def _studio_tools() -> list[dict[str, Any]]:
    return [
        function_tool(
            "find_studios",
            "빈 연습실을 검색합니다.",
            {"date": string_param("날짜 (YYYY-MM-DD)")},
            ["date"],
        ),
        function_tool(
            "book_studio",
            "연습실을 예약합니다.",
            {
                "studio_id": string_param("연습실 ID"),
                "date": string_param("날짜 (YYYY-MM-DD)"),
                "people": integer_param("이용 인원"),
            },
            ["studio_id", "date", "people"],
        ),
    ]


def test_a_pointing_word_picks_the_only_item():
    msgs = [
        user("금요일에 빈 연습실 있어?"),
        called("find_studios", date="2026-11-20"),
        tool_result({"studios": [{"studio_id": "S-12", "name": "B동 12호", "price": 15000}]}),
        assistant("금요일에는 B동 12호 연습실 한 곳이 비어 있어요."),
        user("거기로 잡아주세요"),
    ]
    d = decide(msgs, _studio_tools(), now=NOW)
    assert d.kind == "ask" and d.tool == "book_studio" and d.missing == ["people"]
    d = decide(
        [*msgs, assistant("몇 명이 이용하시나요?"), user("세 명이요")], _studio_tools(), now=NOW
    )
    assert d.kind == "call" and d.tool == "book_studio"
    assert d.arguments == {"studio_id": "S-12", "date": "2026-11-20", "people": 3}


# --- words the date parser reads that are values of other parameters ----------------------


def test_a_part_of_the_day_or_a_weekday_as_an_allowed_value():
    tool = one_tool(
        {
            "day": {
                "type": "string",
                "enum": ["월", "화", "수", "목", "금"],
                "description": "요일",
            },
            "slot": {"type": "string", "enum": ["오전", "오후"], "description": "시간대"},
        },
        ["day", "slot"],
    )
    assert values(tool, "목요일 오전반 있어요?") == {"day": "목", "slot": "오전"}


def test_a_day_of_the_month_as_a_number():
    tool = one_tool(
        {"pay_day": integer_param("매월 납부일(1-28)"), "amount": integer_param("금액(원)")},
        ["pay_day"],
    )
    assert values(tool, "매달 15일에 3만원씩 내게 해줘") == {"pay_day": 15, "amount": 30000}
    # a date with its month is a date, not a day of every month
    assert "pay_day" not in values(tool, "12월 15일에 내줘")


def test_a_cars_plate():
    tool = one_tool(
        {"car": string_param("차량 번호"), "hours": integer_param("주차 시간(시간 단위)")},
        ["car", "hours"],
    )
    assert values(tool, "손님 차 57다 1234 두 시간만 등록해 주세요") == {
        "car": "57다 1234",
        "hours": 2,
    }
    assert values(tool, "123머4567 차 4시간")["car"] == "123머4567"


def test_one_more_is_a_new_thing_not_a_value():
    tool = function_tool(
        "add_guest_car",
        "방문 차량을 등록합니다.",
        {
            "car": string_param("차량 번호"),
            "date": string_param("방문일 (YYYY-MM-DD)"),
            "hours": integer_param("주차 시간(시간 단위)"),
        },
        ["car", "date"],
    )
    msgs = [
        user("오늘 68라 2345 차 등록해줘"),
        called("add_guest_car", car="68라 2345", date="2026-11-18"),
        tool_result({"ok": True}),
        assistant("등록했습니다."),
        user("모레 손님 차 하나 더 등록해줘"),
    ]
    d = decide(msgs, [tool], now=NOW)
    assert d.kind == "ask" and d.missing == ["car"]
    d = decide([*msgs, assistant("차량 번호를 알려주세요."), user("21가 9876")], [tool], now=NOW)
    assert d.kind == "call" and d.arguments == {"car": "21가 9876", "date": "2026-11-20"}


def test_a_common_noun_is_no_ones_name():
    assert not_a_name("상자") and not_a_name("요금제") and not_a_name("생일 케이크")
    assert not not_a_name("박서윤") and not not_a_name("민준") and not not_a_name("Alex")
    tool = parse_tools([_gift_tool()])[0]
    filled = fill_arguments(tool, [user("생일 케이크로 보내줘 리본도")], NOW)
    assert "to_name" not in filled.arguments


def test_a_contact_may_have_any_name():
    tool = function_tool(
        "send_text",
        "문자를 보냅니다.",
        {"to": string_param("받는 사람 이름"), "text": string_param("보낼 내용")},
        ["to", "text"],
    )
    said = [user("받는 사람은 딸기, 내용은 집 앞이야")]
    assert fill_arguments(parse_tools([tool])[0], said, NOW).arguments["to"] == "딸기"


# --- a booking is for a day to come ---------------------------------------------------------


def test_a_day_gone_by_is_not_a_bookings_day():
    tool = one_tool(
        {"day": string_param("예약일 (YYYY-MM-DD)"), "room": string_param("방 이름")},
        ["day", "room"],
        name="book_room",
    )
    assert "day" not in fill_arguments(tool, [user("어제 하늘방 예약해줘")], NOW).arguments
    assert (
        fill_arguments(tool, [user("내일 하늘방 예약해줘")], NOW).arguments["day"] == "2026-11-19"
    )
    log = one_tool(
        {"day": string_param("날짜 (YYYY-MM-DD)"), "what": string_param("한 일")},
        ["day", "what"],
        name="add_diary",
    )
    assert fill_arguments(log, [user("어제 등산 기록해줘")], NOW).arguments["day"] == "2026-11-17"


# --- lists of things and how many of each ---------------------------------------------------


def _counted_tool(enum: list[str] | None = None) -> Any:
    name: dict[str, Any] = {"type": "string", "description": "품목"}
    if enum:
        name["enum"] = enum
    items = {
        "type": "array",
        "description": "품목 목록",
        "items": {
            "type": "object",
            "properties": {"item": name, "qty": integer_param("수량")},
            "required": ["item", "qty"],
        },
    }
    return one_tool({"goods": items, "where": string_param("배송지")}, ["goods", "where"])


def test_things_and_their_counts_fill_a_list_of_objects():
    got = values(_counted_tool(), "식탁 하나랑 의자 4개 보내주세요")
    assert got["goods"] == [{"item": "식탁", "qty": 1}, {"item": "의자", "qty": 4}]
    assert "where" not in got  # the things are not the place
    got = values(_counted_tool(["수건", "이불"]), "이불 두 채하고 수건 열 장, 책상 하나")
    assert got["goods"] == [{"item": "이불", "qty": 2}, {"item": "수건", "qty": 10}]


def test_a_decimal_or_an_address_number_is_not_a_count():
    assert "goods" not in values(_counted_tool(), "주스 1.5 하나 추가 돼?")
    assert "goods" not in values(_counted_tool(), "서초구 반포대로12길 7로 보내줘")


def test_values_of_a_lists_objects_are_the_tools_words():
    from kodial.tools.choose import tool_words

    tool = _counted_tool(["수건", "이불"])
    assert {"수건", "이불"} <= tool_words(tool)


# --- a value written as its description asks -----------------------------------------------


def test_an_end_the_description_excludes_is_left_off():
    tool = one_tool({"station": string_param("역 이름 ('역' 제외)")}, ["station"])
    assert fill_arguments(tool, [user("역 이름은 서면역")], NOW).arguments == {"station": "서면"}
    plain = one_tool({"station": string_param("역 이름")}, ["station"])
    assert fill_arguments(plain, [user("역 이름은 서면역")], NOW).arguments["station"] == "서면역"


# --- a yes/no option said by the everyday name of what it is about --------------------------


def test_a_pet_said_by_its_kind_sets_a_pets_option():
    tool = one_tool(
        {
            "area": string_param("지역 (예: 제주)"),
            "with_pet": {"type": "boolean", "description": "반려동물 동반 가능 여부 (선택)"},
        },
        ["area"],
        name="search_pensions",
    )
    assert values(tool, "제주 펜션 중에 고양이 데려갈 수 있는 데 있어?")["with_pet"] is True
    assert "with_pet" not in values(tool, "제주 펜션 찾아줘")


# --- a unit left over is no value; 전해줘 sends ---------------------------------------------


def test_what_is_left_of_a_number_and_its_unit_is_no_name():
    from kodial.tools.arguments.results import Filling, Found
    from kodial.tools.arguments.tidy import no_unit_leftovers

    tool = one_tool({"event": string_param("대회명"), "note": string_param("메모")}, ["event"])
    filling = Filling(tool, {"event": Found("키로로", "message", "키로로")})
    filling.found["note"] = Found("한강 코스", "message", "한강 코스")
    no_unit_leftovers(filling)
    assert filling.arguments == {"note": "한강 코스"}


def test_passing_word_on_is_sending():
    from kodial.tools.acts import text_act

    assert text_act("팀장님께 오늘 회의 못 간다고 전해줘") == "send"
    assert text_act("이 내용 총무님한테 전달해 주세요") == "send"


def test_a_value_joined_to_the_next_by_the_copula():
    kind = {"type": "string", "enum": ["손세차", "자동세차"], "description": "세차 종류"}
    tool = one_tool(
        {"area": string_param("지역"), "kind": kind}, ["area", "kind"], name="find_wash"
    )
    asked = [user("세차장 찾아줘"), assistant("지역과 세차 종류를 알려주세요.")]
    filled = fill_arguments(tool, [*asked, user("대구 수성구고 손세차요")], NOW, {"area", "kind"})
    assert filled.arguments == {"area": "대구 수성구", "kind": "손세차"}
    filled = fill_arguments(tool, [*asked, user("창고 앞이요, 자동세차")], NOW, {"area", "kind"})
    assert filled.arguments["area"].startswith("창고")


# --- nothing is cancelled or changed unasked ------------------------------------------------


def _lesson_tools() -> list[dict[str, Any]]:
    return [
        function_tool(
            "book_lesson",
            "수영 강습을 예약합니다.",
            {
                "date": string_param("강습 날짜 (YYYY-MM-DD)"),
                "level": string_param("반 (초급/중급)"),
            },
            ["date", "level"],
        ),
        function_tool(
            "cancel_lesson",
            "수영 강습 예약을 취소합니다.",
            {"lesson_id": string_param("강습 예약 번호")},
            ["lesson_id"],
        ),
    ]


def test_a_question_after_a_booking_cancels_nothing():
    msgs = [
        user("금요일 초급 수영 강습 예약해줘"),
        called("book_lesson", date="2026-11-20", level="초급"),
        tool_result({"lesson_id": "SW-88", "pool": "2레인"}),
        assistant("금요일 초급반 강습을 예약했어요. 예약번호는 SW-88이에요."),
    ]
    d = decide([*msgs, user("강습 끝나고 샤워실 쓸 수 있어요?")], _lesson_tools(), now=NOW)
    assert d.kind == "decline" and "undo" in d.explain["why"]
    d = decide([*msgs, user("방금 강습 예약 취소해줘")], _lesson_tools(), now=NOW)
    assert (d.kind, d.tool, d.arguments) == ("call", "cancel_lesson", {"lesson_id": "SW-88"})


def test_a_count_without_a_counter_before_and():
    from kodial.tools.text import numbers

    said = [(n.value, n.unit) for n in numbers("책상 하나랑 의자 둘하고 선반 셋")]
    assert said == [(1, ""), (2, ""), (3, "")]
    assert [n.value for n in numbers("하나와 둘")] == [1, 2]


# --- a day said for a finished request belongs to it ------------------------------------------


def _gym_tools() -> list[dict[str, Any]]:
    return [
        function_tool(
            "find_classes",
            "요가 수업을 조회합니다.",
            {"date": string_param("날짜 (YYYY-MM-DD)")},
            ["date"],
        ),
        function_tool(
            "hold_membership",
            "회원권을 일시 정지합니다.",
            {
                "start_date": string_param("정지 시작일 (YYYY-MM-DD)"),
                "days": integer_param("정지 일수"),
            },
            ["start_date", "days"],
        ),
    ]


def test_a_day_of_a_finished_request_is_not_the_next_requests():
    msgs = [
        user("모레 요가 수업 뭐 있어?"),
        called("find_classes", date="2026-11-20"),
        tool_result({"classes": [{"name": "아침 요가", "time": "07:00"}]}),
        assistant("모레는 아침 7시 요가 수업이 있어요."),
        user("그리고 회원권 좀 멈추고 싶은데"),
    ]
    d = decide(msgs, _gym_tools(), now=NOW)
    assert (d.kind, d.tool) == ("ask", "hold_membership")
    assert set(d.missing) == {"start_date", "days"}
    d = decide([*msgs[:-1], user("그 날부터 5일 동안 회원권 정지해줘")], _gym_tools(), now=NOW)
    assert (d.kind, d.arguments) == ("call", {"start_date": "2026-11-20", "days": 5})
