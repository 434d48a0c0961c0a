"""Round 17 of everyday forms, found on the fourteenth set: what a tool does read from its name's
head noun, from a verb second in its name, and from its description without the sentences that
say what it does not do; a verb in an if-clause is the condition of a question, not its act;
what is proper and how two things differ are knowledge; the item whose deadline or time comes
first. Every tool and sentence here is written for these tests."""

from __future__ import annotations

from typing import Any

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    filled,
    function_tool,
    integer_param,
    string_param,
    tool_result,
    user,
)

from kodial.tools import decide
from kodial.tools.acts import text_act, tool_act
from kodial.tools.schema import parse_tools

DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
CLOCK = {"type": "string", "pattern": r"^\d{2}:\d{2}$"}


def _spec(name: str, desc: str) -> Any:
    return parse_tools([function_tool(name, desc, {}, [])])[0]


def test_a_names_head_noun_says_what_is_made_or_looked_up() -> None:
    assert tool_act(_spec("pond_cleaning_quote_estimate", "연못 청소 비용")) == "lookup"
    assert tool_act(_spec("logo_similarity_search", "비슷한 로고")) == "lookup"
    assert tool_act(_spec("patent_filing_request", "특허 출원 대행")) == "create"
    # the act of the word before a generic head: a refund asked for undoes
    assert tool_act(_spec("kayak_trip_refund_request", "카약 투어 환불")) == "delete"
    # a verb elsewhere in the name wins over a head noun
    assert tool_act(_spec("sauna_change_reservation", "사우나 예약")) == "modify"


def test_a_verb_second_in_a_two_word_name_is_its_act() -> None:
    assert tool_act(_spec("grant_apply", "지원금")) == "create"
    assert tool_act(_spec("locker_cancel", "사물함")) == "delete"
    # but not a word that may be the thing itself (an address book is no booking)
    assert tool_act(_spec("address_book", "주소록 보기")) != "create"


def test_what_a_description_says_the_tool_does_not_do_is_not_its_act() -> None:
    spec = _spec("tent_fee", "텐트 대여료를 미리 조회합니다. 신청은 되지 않습니다.")
    assert tool_act(spec) == "lookup"
    assert tool_act(_spec("tent_fee", "텐트 대여료 계산 (예약 아님)")) != "create"
    assert tool_act(_spec("tent_fee", "텐트 대여를 신청합니다.")) == "create"


def test_a_verb_in_an_if_clause_is_the_condition_of_a_question() -> None:
    assert text_act("텐트 두 동 빌리면 얼마야?") == "lookup"
    assert text_act("지금 신청하면 언제 나와요?") == "lookup"
    assert text_act("비 오면 취소해줘") == "delete"
    # a wish is no condition
    assert text_act("토요일로 예약하면 좋겠어요") == "create"


def test_what_is_proper_and_how_two_things_differ_are_knowledge() -> None:
    assert text_act("제사 때 술은 몇 번 따르는 게 맞아?") == "explain"
    assert text_act("전세랑 월세 차이가 뭐야?") == "explain"
    assert text_act("전세 매물 뭐 있어?") == "lookup"


TENTS = [
    function_tool(
        "tent_rental_quote",
        "텐트 대여료 견적 (예약 아님)",
        {
            "size": string_param("텐트 크기 (2인용, 4인용)"),
            "start_date": {**DAY, "description": "대여 시작일"},
            "end_date": {**DAY, "description": "반납일"},
        },
        ["size", "start_date", "end_date"],
    ),
    function_tool(
        "tent_rental_book",
        "텐트 대여를 예약합니다.",
        {
            "size": string_param("텐트 크기 (2인용, 4인용)"),
            "start_date": {**DAY, "description": "대여 시작일"},
            "end_date": {**DAY, "description": "반납일"},
            "pickup": {"type": "string", "enum": ["택배", "매장"], "description": "수령 방법"},
        },
        ["size", "start_date", "end_date", "pickup"],
    ),
]


def test_a_price_asked_of_renting_goes_to_the_quote() -> None:
    d = decide([user("5월 2일부터 4일까지 4인용 텐트 빌리면 얼마야?")], TENTS, now=NOW)
    assert d.kind == "call" and d.tool == "tent_rental_quote"


GRANTS = [
    function_tool(
        "grant_search",
        "조건에 맞는 창업 지원금 검색",
        {"stage": string_param("창업 단계")},
        ["stage"],
    ),
    function_tool(
        "grant_apply",
        "지원금 신청서 제출",
        {
            "grant_id": string_param("지원금 ID"),
            "company_name": string_param("회사 이름"),
            "employees": integer_param("직원 수 (명)"),
        },
        ["grant_id", "company_name", "employees"],
    ),
]
GRANT_LIST = tool_result(
    {
        "grants": [
            {"grant_id": "GR-31", "name": "청년 창업 도약", "deadline": "2026-06-12"},
            {"grant_id": "GR-07", "name": "로컬 브랜드 육성", "deadline": "2026-05-30"},
        ]
    }
)


def test_the_one_whose_deadline_comes_first_is_picked() -> None:
    messages = [
        user("초기 창업 지원금 찾아줘"),
        called("grant_search", stage="초기"),
        GRANT_LIST,
        assistant("청년 창업 도약(6월 12일 마감), 로컬 브랜드 육성(5월 30일 마감)이 있어요."),
        user("마감 빠른 거로 신청할래"),
    ]
    d = decide(messages, GRANTS, now=NOW)
    assert d.tool == "grant_apply" and d.kind == "ask"
    assert filled(d)["grant_id"] == "GR-07"
    assert sorted(d.missing) == ["company_name", "employees"]


def test_the_earliest_of_listed_times_is_picked() -> None:
    ferry = [
        function_tool(
            "ferry_times",
            "여객선 운항 시간 조회",
            {"day": {**DAY, "description": "날짜"}},
            ["day"],
        ),
        function_tool(
            "ferry_ticket_buy",
            "여객선 승선권 예매",
            {
                "sailing_id": string_param("운항 ID"),
                "passengers": integer_param("승객 수 (명)"),
            },
            ["sailing_id", "passengers"],
        ),
    ]
    messages = [
        user("토요일 배 시간 봐줘"),
        called("ferry_times", day="2026-11-21"),
        tool_result(
            {
                "sailings": [
                    {"sailing_id": "S-2", "depart": "13:10"},
                    {"sailing_id": "S-1", "depart": "08:40"},
                    {"sailing_id": "S-3", "depart": "17:30"},
                ]
            }
        ),
        assistant("13:10, 08:40, 17:30 배가 있어요."),
        user("제일 빠른 걸로 두 명 예매해줘"),
    ]
    d = decide(messages, ferry, now=NOW)
    assert d.kind == "call" and d.arguments == {"sailing_id": "S-1", "passengers": 2}


def test_a_head_noun_gives_way_to_a_description_that_changes() -> None:
    assert tool_act(_spec("move_booking", "예약 변경")) == "modify"


def test_counters_of_graves_tents_and_pills_are_counts() -> None:
    from kodial.tools.text import numbers

    assert [n.value for n in numbers("봉분은 두 기.")] == [2]
    assert [n.value for n in numbers("텐트 네 동 빌릴게")] == [4]
    assert [n.value for n in numbers("세 알만 먹을게")] == [3]
    for word in ("두 기사님", "한동안", "한 동안", "두 동네"):
        assert numbers(word) == [], word


def test_a_thought_wondered_aloud_is_taken_back_whole() -> None:
    from kodial.korean.self_repair import repair

    assert repair("세 개. 아 방석도 같이 할까.. 아니다 걍 돗자리만") == "세 개. 걍 돗자리만"
    assert repair("내일 갈까? 아니 모레로 해줘") == "모레로 해줘"
    assert repair("콜라 두 개, 아니 세 개 주세요") == "콜라 세 개 주세요"


STALLS = [
    function_tool(
        "market_stall_vacancy",
        "플리마켓 자리 남은 수 조회 (조회만)",
        {"day": {**DAY, "description": "날짜"}},
        ["day"],
    ),
    function_tool(
        "market_stall_reserve",
        "플리마켓 판매 자리를 예약합니다.",
        {
            "day": {**DAY, "description": "날짜"},
            "stalls": {**integer_param("자리 수(개)"), "minimum": 1},
            "section": string_param("구역 이름 (예: 가구역)"),
        },
        ["day", "stalls"],
    ),
]


def test_the_section_of_the_item_chosen_goes_with_the_booking() -> None:
    messages = [
        user("토요일 플리마켓 자리 남았어?"),
        called("market_stall_vacancy", day="2026-11-21"),
        tool_result(
            {
                "day": "2026-11-21",
                "sections": [
                    {"section": "가구역", "left": 4, "price": 30000},
                    {"section": "나구역", "left": 9, "price": 20000},
                ],
            }
        ),
        assistant("가구역 4자리(3만 원), 나구역 9자리(2만 원)가 남았어요."),
        user("싼 데로 두 자리 잡아줘"),
    ]
    d = decide(messages, STALLS, now=NOW)
    assert d.kind == "call" and d.tool == "market_stall_reserve"
    assert d.arguments == {"day": "2026-11-21", "stalls": 2, "section": "나구역"}


MOWING = [
    function_tool(
        "lawn_mowing_quote",
        "잔디 깎기 비용 견적 조회. 신청은 되지 않습니다.",
        {
            "area_pyeong": integer_param("면적 (평)"),
            "with_weeding": {"type": "boolean", "description": "잡초 제거 포함 여부"},
        },
        ["area_pyeong"],
    ),
    function_tool(
        "lawn_mowing_apply",
        "잔디 깎기 작업 신청",
        {
            "area_pyeong": integer_param("면적 (평)"),
            "day": {**DAY, "description": "작업일"},
            "with_weeding": {"type": "boolean", "description": "잡초 제거 포함"},
        },
        ["area_pyeong", "day"],
    ),
]


def test_an_option_of_the_quote_goes_with_the_application() -> None:
    messages = [
        user("마당 잔디 50평 깎는 데 잡초 제거까지 하면 얼마예요?"),
        called("lawn_mowing_quote", area_pyeong=50, with_weeding=True),
        tool_result({"price": 180000}),
        assistant("18만 원이에요."),
        user("그럼 토요일로 신청해 주세요"),
    ]
    d = decide(messages, MOWING, now=NOW)
    assert d.kind == "call" and d.tool == "lawn_mowing_apply"
    assert d.arguments == {"area_pyeong": 50, "day": "2026-11-21", "with_weeding": True}


def test_a_counter_written_into_a_word_is_no_count() -> None:
    from kodial.tools.text import numbers

    assert numbers("바람 세기 약하게") == []


def test_an_ending_fused_into_its_verbs_last_letter_stays() -> None:
    from kodial.tools.text import strip_ending

    assert strip_ending("바다를 건너는 친구들을 위해") == "바다를 건너는 친구들을 위해"
    assert strip_ending(["", "5월 회비로 해줘"][1]) == "5월 회비로"
    assert strip_ending("한빛초등학교야") == "한빛초등학교"


BENEFIT = [
    function_tool(
        "housing_aid_check",
        "주거 지원 자격 모의 판정 (신청 아님)",
        {
            "age": integer_param("만 나이"),
            "income_manwon": integer_param("연 소득 (만 원 단위)"),
            "household": {**integer_param("가구원 수(명)"), "minimum": 1},
            "region": string_param("거주 지역 (시/구)"),
        },
        ["age", "income_manwon", "region"],
    ),
    function_tool(
        "housing_aid_apply",
        "주거 지원 신청서 제출",
        {
            "applicant_name": string_param("신청인 이름"),
            "payout_account": string_param("지원금 받을 계좌"),
        },
        ["applicant_name", "payout_account"],
    ),
]


def test_income_in_man_won_where_one_lives_and_a_household_of_one() -> None:
    said = "주거 지원 되나 봐줘요. 만 31살, 작년 연봉 3,100만 원, 혼자 살고 대구 수성구예요"
    d = decide([user(said)], BENEFIT, now=NOW)
    assert d.kind == "call" and d.tool == "housing_aid_check"
    assert d.arguments == {
        "age": 31,
        "income_manwon": 3100,
        "household": 1,
        "region": "대구 수성구",
    }
    d = decide(
        [user("주거 지원 자격 확인해줘. 스물아홉이고 연 소득 2천만 원, 경남 진주 살아")],
        BENEFIT,
        now=NOW,
    )
    assert filled(d).get("region") == "경남 진주"


def test_an_account_said_with_its_bank_is_the_account_and_no_phone() -> None:
    said = "주거 지원 신청서 넣어줘. 신청인 이름은 오세린, 토스뱅크 1000-04-7731258로 받을게"
    d = decide([user(said)], BENEFIT, now=NOW)
    assert d.kind == "call"
    assert d.arguments["payout_account"] == "토스뱅크 1000-04-7731258"


LOGO = parse_tools(
    [
        function_tool(
            "logo_filing_request",
            "로고 상표 출원 대행 의뢰. owner_type: person(개인/개인사업자) 또는 company(법인).",
            {
                "mark_name": string_param("출원할 상표명"),
                "owner_name": string_param("출원인 이름 또는 법인명"),
                "owner_type": {
                    "type": "string",
                    "enum": ["person", "company"],
                    "description": "출원인 유형",
                },
            },
            ["mark_name", "owner_name", "owner_type"],
        )
    ]
)[0]


def test_a_label_of_the_parameters_own_description_wins_over_a_synonym() -> None:
    from _tool_fixtures import values

    got = values(LOGO, "개인사업자고 이름은 민서준이요", {"owner_name", "owner_type"})
    assert got.get("owner_name") == "민서준" and "mark_name" not in got


def test_words_the_tool_description_gives_for_a_value_are_read() -> None:
    from _tool_fixtures import values

    assert LOGO.params[2].notes.startswith("person(개인/개인사업자)")
    assert values(LOGO, "법인으로 할게요", {"owner_type"}).get("owner_type") == "company"
    assert values(LOGO, "개인사업자예요", {"owner_type"}).get("owner_type") == "person"


CLASS = parse_tools(
    [
        function_tool(
            "pottery_class_reserve",
            "도자기 클래스 예약",
            {
                "people": {**integer_param("참여 인원(명)"), "minimum": 1},
                "booker": string_param("예약자 이름"),
            },
            ["people", "booker"],
        ),
        function_tool(
            "essay_contest_enter",
            "백일장 참가 신청",
            {
                "student": string_param("학생 이름"),
                "school": string_param("학교명"),
            },
            ["student", "school"],
        ),
    ]
)


def test_a_name_said_as_a_clause_of_its_own_is_the_persons() -> None:
    from _tool_fixtures import values

    got = values(CLASS[0], "도자기 클래스 예약해줘. 세 명이고 문채원이요")
    assert got == {"people": 3, "booker": "문채원"}


def test_the_school_one_goes_to_is_the_school() -> None:
    from _tool_fixtures import values

    got = values(CLASS[1], "한밭고 다니는 오지율이고요")
    assert got == {"school": "한밭고", "student": "오지율"}


def test_grams_and_a_larger_unit_are_read_in_the_unit_asked() -> None:
    from _tool_fixtures import values

    meat = parse_tools(
        [
            function_tool(
                "deli_preorder",
                "반찬가게 예약 주문",
                {
                    "weight_g": {**integer_param("중량(그램)"), "minimum": 100},
                    "pieces": integer_param("개수"),
                },
                ["weight_g"],
            )
        ]
    )[0]
    assert values(meat, "수육 칠백 그램 예약할게요") == {"weight_g": 700}
    assert values(meat, "수육 1.5키로로 해주세요") == {"weight_g": 1500}
    sign = parse_tools(
        [
            function_tool(
                "banner_quote",
                "현수막 견적. 크기는 cm 단위",
                {"width_cm": integer_param("가로(cm)"), "height_cm": integer_param("세로(cm)")},
                ["width_cm", "height_cm"],
            )
        ]
    )[0]
    assert values(sign, "가로 3미터 세로 90센티로 얼마예요?") == {"width_cm": 300, "height_cm": 90}


_ROAST = {"type": "string", "enum": ["라이트", "미디엄", "다크"], "description": "로스팅 정도"}
ROAST = [
    function_tool(
        "roastery_price_check",
        "원두 100g 가격 확인",
        {"bean": string_param("원두 이름"), "roast": _ROAST},
        ["bean"],
    ),
    function_tool(
        "roastery_preorder",
        "원두 미리 주문",
        {
            "bean": string_param("원두 이름"),
            "roast": _ROAST,
            "weight_g": integer_param("중량(그램)"),
        },
        ["bean", "weight_g"],
    ),
]


def test_a_choice_made_in_a_look_up_goes_with_the_order_that_follows() -> None:
    assert tool_act(parse_tools(ROAST)[1]) == "create"
    messages = [
        user("예가체프 다크로 볶은 거 100그램에 얼마예요?"),
        called("roastery_price_check", bean="예가체프", roast="다크"),
        tool_result({"bean": "예가체프", "roast": "다크", "price_per_100g": 6500}),
        assistant("100g에 6,500원이에요."),
        user("그럼 그걸로 오백 그램 주문할게요"),
    ]
    d = decide(messages, ROAST, now=NOW)
    assert d.kind == "call" and d.tool == "roastery_preorder"
    assert d.arguments == {"bean": "예가체프", "roast": "다크", "weight_g": 500}


STUDIO = [
    function_tool(
        "music_room_reserve",
        "합주실 사용 시간 예약",
        {
            "room": {"type": "string", "enum": ["A룸", "B룸"], "description": "방"},
            "date": {**DAY, "description": "사용일"},
            "start_time": {**CLOCK, "description": "시작"},
            "end_time": {**CLOCK, "description": "종료"},
        },
        ["room", "date", "start_time", "end_time"],
    )
]


def test_an_end_time_follows_from_the_start_and_how_long() -> None:
    messages = [user("B룸 토요일에 세 시간 쓰고 싶어요")]
    d = decide(messages, STUDIO, now=NOW)
    assert d.kind == "ask" and d.missing == ["start_time"]
    messages += [assistant("몇 시부터 쓰실 건가요?"), user("저녁 7시부터요")]
    d = decide(messages, STUDIO, now=NOW)
    assert d.kind == "call"
    assert d.arguments == {
        "room": "B룸",
        "date": "2026-11-21",
        "start_time": "19:00",
        "end_time": "22:00",
    }
    # with no length said, both ends are asked for
    d = decide([user("B룸 토요일에 쓰고 싶어요")], STUDIO, now=NOW)
    assert sorted(d.missing) == ["end_time", "start_time"]


def test_probe_review_near_misses_of_this_round() -> None:
    """Found by a probe review of this round with sentences of its own."""
    from _tool_fixtures import values

    from kodial.korean.self_repair import repair
    from kodial.tools.text import numbers

    # a difference in price is a price question, not knowledge
    assert text_act("글램핑이랑 오토캠핑 가격 차이 얼마나 나?") != "explain"
    # a compound label names another parameter ("상표 이름은 X" is the mark's)
    assert values(LOGO, "상표 이름은 숲속책방이에요") == {"mark_name": "숲속책방"}
    # a hospital, a church or a gym one goes to is no school or workplace
    assert "school" not in values(CLASS[1], "병원 다니는 중이라 대신 신청해요")
    # a length that is a delay or a time from now is no booking's length
    d = decide([user("B룸 토요일 오후 2시부터 쓸게요. 30분 늦을 수도 있어요")], STUDIO, now=NOW)
    assert d.kind == "ask" and d.missing == ["end_time"]
    d = decide([user("B룸 토요일 오전 10시부터 한 시간 반 쓸게요")], STUDIO, now=NOW)
    assert d.arguments.get("end_time") == "11:30"
    d = decide([user("B룸 토요일 오후 4시부터, 끝나는 건 두 시간 후쯤")], STUDIO, now=NOW)
    assert d.arguments.get("end_time") == "18:00"
    # a status check of preorders looks up
    assert tool_act(_spec("preorder_status_check", "케이크 예약 주문 상태 확인")) == "lookup"
    # a wish to live alone is no household of one; a corrected count keeps its thing
    assert [n.value for n in numbers("혼자 살고 싶은데 지금은 셋이 살아요")] == [3]
    assert repair("튤립 열 송이 할까.. 아니다 스무 송이") == "튤립 스무 송이"
    # boats are counted in 척, not people
    assert [(n.value, n.unit) for n in numbers("배 두 척 빌려서 열 명 갈 거예요")] == [
        (2, "척"),
        (10, "명"),
    ]
