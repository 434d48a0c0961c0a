"""General readings that carry over to tools the engine has never seen: enum values named by
the words the description glosses them with, identifiers taken from results instead of from
Korean words, an item of a listed result picked by its own words. Every tool and sentence here
is written for these tests (none comes from a benchmark)."""

from __future__ import annotations

from typing import Any

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    enum_param,
    function_tool,
    string_param,
    tool_result,
    user,
    values,
)

from kodial.tools.arguments import fill_arguments
from kodial.tools.schema import ToolSpec, parse_tools


def spec(name: str, props: dict[str, Any], required: list[str], desc: str = "") -> ToolSpec:
    return parse_tools([function_tool(name, desc, props, required)])[0]


# --- enum values named by their gloss -------------------------------------------------------

MEMBERSHIP = spec(
    "join_membership",
    {
        "tier": enum_param(
            "가입할 등급: basic(일반 회원), premium(프리미엄·골드 회원)", ["basic", "premium"]
        )
    },
    ["tier"],
    "헬스장 회원으로 가입합니다.",
)


def test_a_gloss_after_the_value_matches_with_or_without_its_spaces() -> None:
    assert values(MEMBERSHIP, "일반회원으로 가입할게요") == {"tier": "basic"}
    assert values(MEMBERSHIP, "일반 회원으로 할게요") == {"tier": "basic"}
    # one gloss listing two names (프리미엄·골드 회원): each names the value
    assert values(MEMBERSHIP, "골드 회원으로 해주세요") == {"tier": "premium"}


DOOR = spec(
    "control_door_lock",
    {
        "door": enum_param("문 위치", ["현관", "베란다"]),
        "action": enum_param("잠그기(lock) 또는 풀기(unlock)", ["lock", "unlock"]),
    },
    ["door", "action"],
    "도어락을 제어합니다.",
)


def test_a_glossed_action_matches_its_verb_in_any_conjugation() -> None:
    assert values(DOOR, "현관 문 좀 잠가줘") == {"door": "현관", "action": "lock"}
    assert values(DOOR, "베란다 문 풀어 줄래?") == {"door": "베란다", "action": "unlock"}
    # the joining word before a gloss (또는 풀기) is not part of it
    assert values(DOOR, "또는") == {}


SHIPPING = spec(
    "send_parcel",
    {"method": enum_param("배송 방법", ["일반택배", "편의점택배", "퀵서비스"])},
    ["method"],
    "물건을 보냅니다.",
)


def test_a_noun_only_one_compound_option_has_names_it() -> None:
    assert values(SHIPPING, "편의점으로 보낼게요") == {"method": "편의점택배"}
    # 택배 is in two options: it names neither
    assert values(SHIPPING, "택배로 보낼게요") == {}


def test_everyday_names_of_fuels() -> None:
    fuel = spec("find_station", {"fuel": enum_param("유종", ["휘발유", "경유", "LPG"])}, ["fuel"])
    assert values(fuel, "디젤 넣을 거예요") == {"fuel": "경유"}
    assert values(fuel, "가솔린이요") == {"fuel": "휘발유"}
    box = spec("send_box", {"size": enum_param("상자 크기", ["소", "중", "대"])}, ["size"])
    assert values(box, "상자는 중간 크기예요") == {"size": "중"}
    assert values(box, "큰 상자로 보낼게요") == {"size": "대"}


# --- identifiers and items of results -------------------------------------------------------

TICKETS = [
    function_tool(
        "find_concerts",
        "공연을 검색합니다.",
        {"artist": string_param("가수 이름")},
        ["artist"],
    ),
    function_tool(
        "cancel_ticket",
        "공연 예매를 취소합니다.",
        {"ticket_no": string_param("취소할 예매 번호")},
        ["ticket_no"],
    ),
    function_tool(
        "buy_ticket",
        "공연 티켓을 예매합니다.",
        {"concert_id": string_param("검색 결과의 공연 ID"), "buyer": string_param("예매자 이름")},
        ["concert_id", "buyer"],
    ),
]


def test_an_identifier_is_never_read_from_korean_words() -> None:
    cancel = parse_tools(TICKETS)[1]
    messages = [
        user("공연 예매해줘"),
        called("buy_ticket", concert_id="C-77", buyer="한지민"),
        tool_result({"ticket_no": "TK-5521", "status": "예매완료"}),
        assistant("예매되었습니다. 예매 번호는 TK-5521입니다."),
        user("아 그날 야근이네.. 취소해줘"),
    ]
    filled = fill_arguments(cancel, messages, NOW, tools=parse_tools(TICKETS))
    assert filled.arguments == {"ticket_no": "TK-5521"}
    # a code said by the user is still read
    said = fill_arguments(cancel, [user("예매 번호 TK-9001 취소해줘")], NOW)
    assert said.arguments == {"ticket_no": "TK-9001"}


CONCERTS = {
    "concerts": [
        {"concert_id": "C-101", "title": "봄밤 콘서트", "venue": "올림픽홀", "start": "19:30"},
        {"concert_id": "C-102", "title": "여름 페스티벌", "venue": "난지공원", "start": "17:00"},
    ]
}


def _after_search(*replies: str) -> list[dict[str, Any]]:
    return [
        user("아이유 공연 찾아줘"),
        called("find_concerts", artist="아이유"),
        tool_result(CONCERTS),
        assistant("봄밤 콘서트(올림픽홀 19:30)와 여름 페스티벌(난지공원 17:00)이 있어요."),
        *[user(r) for r in replies],
    ]


def test_an_item_of_a_listed_result_is_picked_by_its_own_words() -> None:
    buy = parse_tools(TICKETS)[2]
    filled = fill_arguments(buy, _after_search("난지공원에서 하는 걸로 예매해줘"), NOW)
    assert filled.found["concert_id"].value == "C-102"
    # by its time, said the 12-hour way
    filled = fill_arguments(buy, _after_search("7시 반 거로 할게"), NOW)
    assert filled.found["concert_id"].value == "C-101"
    # naming none (or both) picks none: the identifier stays missing
    filled = fill_arguments(buy, _after_search("그 공연 예매해줘"), NOW)
    assert "concert_id" in filled.missing


def test_a_phrase_ending_in_geo_names_an_item_not_a_value() -> None:
    buy = parse_tools(TICKETS)[2]
    filled = fill_arguments(buy, _after_search("여름 페스티벌 걸로 예매해줘"), NOW)
    assert filled.found["concert_id"].value == "C-102"
    assert "buyer" in filled.missing  # "여름 페스티벌 걸" is not the buyer's name


# --- formats, corrections, where a trip ends ------------------------------------------------


def test_a_month_in_the_year_month_format() -> None:
    usage = spec(
        "get_data_usage",
        {"month": string_param("조회할 월, YYYY-MM 형식")},
        ["month"],
        "휴대폰 데이터 사용량을 조회합니다.",
    )
    assert values(usage, "9월 데이터 얼마나 썼어?") == {"month": "2026-09"}
    assert values(usage, "2025년 12월 사용량") == {"month": "2025-12"}
    assert values(usage, "지난달 사용량 알려줘") == {"month": "2026-10"}  # NOW is November


def test_a_phone_number_in_the_described_format() -> None:
    call = spec("dial", {"number": string_param("전화할 번호, 010-0000-0000 형식")}, ["number"])
    assert values(call, "010 5512 0093으로 전화 걸어줘") == {"number": "010-5512-0093"}
    plain = spec("dial", {"number": string_param("전화번호")}, ["number"])
    assert values(plain, "010 5512 0093으로 전화 걸어줘") == {"number": "010 5512 0093"}


def test_a_corrected_value_is_the_one_said_after_the_repair() -> None:
    wake = spec(
        "set_wakeup",
        {
            "time": string_param("깨울 시각, HH:MM 형식"),
            "people": {"type": "integer", "description": "인원 수"},
        },
        ["time"],
    )
    assert values(wake, "오후 3시.. 아 아니다 4시로 해줘. 두 명이야") == {
        "time": "16:00",
        "people": 2,
    }


RIDE = spec(
    "book_ride",
    {"origin": string_param("출발지"), "destination": string_param("도착지")},
    ["origin", "destination"],
    "차량을 호출합니다.",
)


def test_where_a_trip_ends_right_after_where_it_starts_or_before_gada() -> None:
    assert values(RIDE, "서울대입구역 3번출구에서 김해공항 국내선이요") == {
        "origin": "서울대입구역 3번출구",
        "destination": "김해공항 국내선",
    }
    assert values(RIDE, "수원에서 광주 가는 차 불러줘") == {"origin": "수원", "destination": "광주"}


# --- everyday verbs -------------------------------------------------------------------------


def test_everyday_verbs_share_the_action_nouns_of_tool_descriptions() -> None:
    from kodial.tools.choose import Calibration, ToolChooser

    tools = parse_tools(
        [
            function_tool("order_food", "식당에 음식을 주문합니다.", {}, []),
            function_tool("hail_cab", "택시를 호출합니다.", {}, []),
            function_tool("buy_train_ticket", "기차 승차권을 예매합니다.", {}, []),
        ]
    )
    chooser = ToolChooser(encoder=None, calibration=Calibration())
    matched = {
        text: [m for _, m in chooser.word_scores(tools, text)]
        for text in ("짜장면 두 그릇 시켜줘", "콜택시 좀 불러줘", "부산 가는 거 한 장 끊어줘")
    }
    assert matched["짜장면 두 그릇 시켜줘"][0] == ["주문"]
    assert "호출" in matched["콜택시 좀 불러줘"][1]
    assert "예매" in matched["부산 가는 거 한 장 끊어줘"][2]


def test_ordering_booking_and_calling_a_service_are_requests_to_create() -> None:
    from kodial.tools.acts import text_act, tool_act

    assert text_act("짜장면 두 그릇 시켜줘") == "create"
    assert text_act("치과 예약 좀 잡아줘") == "create"
    assert text_act("반품 신청할게요") == "create"
    # a one-syllable stem is a whole predicate, not the start of a noun (잡채)
    assert text_act("잡채 만드는 방법 좀 알려줄래") != "create"
    assert text_act("예약 취소해줘") == "delete"  # deleting still wins
    order = parse_tools([function_tool("place_order", "상품을 주문합니다.", {}, [])])[0]
    track = parse_tools([function_tool("track_order", "주문한 상품을 조회합니다.", {}, [])])[0]
    assert (tool_act(order), tool_act(track)) == ("create", "lookup")


# --- the question being answered ------------------------------------------------------------


def test_the_pending_tool_is_the_one_the_request_gave_arguments_to() -> None:
    from kodial.tools.decide import decide

    tools = [
        function_tool(
            "get_air_now",
            "도시의 현재 미세먼지 농도를 조회합니다.",
            {"city": string_param("도시 이름")},
            ["city"],
        ),
        function_tool(
            "get_air_forecast",
            "도시의 특정 날짜 미세먼지 예보를 조회합니다.",
            {"city": string_param("도시 이름"), "day": string_param("예보 날짜, YYYY-MM-DD 형식")},
            ["city", "day"],
        ),
    ]
    messages = [
        user("모레 미세먼지 어때?"),
        assistant("어느 도시의 미세먼지를 알려 드릴까요?"),
        user("광주"),
    ]
    d = decide(messages, tools, now=NOW)
    assert (d.kind, d.tool, d.arguments) == (
        "call",
        "get_air_forecast",
        {"city": "광주", "day": "2026-11-20"},
    )


def test_a_question_names_the_parameter_its_own_word_tells_apart() -> None:
    from kodial.tools.decide import decide

    tools = [
        function_tool(
            "book_class",
            "학원 수업을 신청합니다.",
            {
                "academy_name": string_param("학원 이름"),
                "student_name": string_param("학생 이름"),
            },
            ["academy_name", "student_name"],
        )
    ]
    messages = [
        user("수업 신청하려고요"),
        assistant("학생 성함을 알려 주세요."),
        user("김도윤이요"),
    ]
    d = decide(messages, tools, now=NOW)
    # the answer is the student's name; the academy is still to be asked
    assert (d.kind, d.missing) == ("ask", ["academy_name"])
    assert d.explain["filled"]["student_name"]["value"] == "김도윤"


# --- counts without a counter, stays, a question that commits to a tool --------------------


def test_a_count_said_without_a_counter_after_who_is_counted() -> None:
    table = spec(
        "book_table",
        {"people": {"type": "integer", "description": "방문 인원 수"}},
        ["people"],
    )
    assert values(table, "어른 셋이랑 갈게요") == {"people": 3}
    assert values(table, "성인 넷이요") == {"people": 4}
    # words that only start like a count are none (둘러보다, 넷플릭스)
    assert values(table, "넷플릭스 보면서 둘러볼게") == {}


def test_a_stay_is_read_from_a_range_of_days() -> None:
    camp = spec(
        "reserve_campsite",
        {
            "site": string_param("캠핑장 이름"),
            "check_in": string_param("입실 날짜, YYYY-MM-DD 형식"),
            "check_out": string_param("퇴실 날짜, YYYY-MM-DD 형식"),
        },
        ["site", "check_in", "check_out"],
    )
    got = values(camp, "12월 30일부터 1월 2일까지 캠핑장 예약")
    assert (got["check_in"], got["check_out"]) == ("2026-12-30", "2027-01-02")
    got = values(camp, "11월 21일부터 23일까지")
    assert (got["check_in"], got["check_out"]) == ("2026-11-21", "2026-11-23")


def test_a_question_about_a_tools_parameters_continues_a_request_a_little_under_the_threshold() -> (
    None
):
    from kodial.tools.decide import decide

    tools = [
        function_tool(
            "buy_seat",
            "공연 회차를 골라 좌석을 구매합니다.",
            {
                "session_id": string_param("공연 회차 ID"),
                "seat_count": {"type": "integer", "description": "구매할 좌석 수"},
            },
            ["session_id", "seat_count"],
        ),
        function_tool(
            "get_weather",
            "도시의 날씨를 조회합니다.",
            {"city": string_param("도시 이름")},
            ["city"],
        ),
    ]
    messages = [
        # the request and the question score about 0.33 together, under the threshold (0.4)
        user("8시 거로 할게요"),
        assistant("몇 좌석 필요하세요?"),
        user("세 개요"),
    ]
    d = decide(messages, tools, now=NOW)
    assert d.tool == "buy_seat"
    assert d.explain["pending"]["tool"] == "buy_seat"


# --- brand-like options, codes in digit groups, honorifics ----------------------------------

TELECOM = spec(
    "pay_phone_bill",
    {
        "carrier": enum_param("통신사", ["SKT텔레콤", "KT올레", "LG유플러스", "알뜰모바일"]),
        "account_no": string_param("가입자 번호 (숫자만)"),
    },
    ["carrier", "account_no"],
)


def test_an_acronym_option_is_named_by_its_letters_typed_or_said_in_hangul() -> None:
    assert values(TELECOM, "엘지요")["carrier"] == "LG유플러스"
    assert values(TELECOM, "lg로 할게요")["carrier"] == "LG유플러스"
    assert values(TELECOM, "케이티 쓰고 있어요")["carrier"] == "KT올레"


def test_a_code_written_in_digit_groups_is_read_whole() -> None:
    got = values(TELECOM, "알뜰모바일 가입자 번호 5521 0093 7781이에요")
    assert got == {"carrier": "알뜰모바일", "account_no": "552100937781"}  # 숫자만: digits only
    card = spec("block_card", {"card_number": string_param("카드 번호")}, ["card_number"])
    assert values(card, "카드 번호 9410-2231-5567-0012 정지해줘") == {
        "card_number": "9410-2231-5567-0012"
    }


def test_an_option_is_named_by_the_part_before_a_head_word_options_share() -> None:
    insurer = spec(
        "claim_insurance",
        {"insurer": enum_param("보험사", ["한화생명보험", "교보생명보험", "메리츠화재"])},
        ["insurer"],
    )
    assert values(insurer, "교보에 청구할게요") == {"insurer": "교보생명보험"}


def test_an_honorific_after_a_name_is_not_part_of_it() -> None:
    gift = spec(
        "send_gift",
        {"receiver": string_param("받는 사람 이름"), "item": string_param("보낼 선물")},
        ["receiver", "item"],
    )
    assert values(gift, "이서연님한테 케이크 보내줘")["receiver"] == "이서연"


# --- parameters over the same values --------------------------------------------------------

UNITS = ["cm", "inch", "kg", "lb", "geun"]
CONVERT = spec(
    "convert_measure",
    {
        "amount": {"type": "number", "description": "바꿀 값"},
        "source": enum_param("원래 단위 (inch=인치, lb=파운드, geun=근)", UNITS),
        "target": enum_param("결과 단위 (source와 같은 표기)", UNITS),
    },
    ["amount", "source", "target"],
)


def test_parameters_over_the_same_values_share_their_glosses() -> None:
    # the target's description only points at the source's glosses (근 = geun)
    assert values(CONVERT, "3근은 몇 파운드야?") == {"amount": 3, "source": "geun", "target": "lb"}
    # a unit by its Korean name, and a description naming another parameter (source) does not
    # make the target where the conversion starts
    assert values(CONVERT, "170센티미터는 몇 인치야?") == {
        "amount": 170,
        "source": "cm",
        "target": "inch",
    }


def test_a_boolean_named_by_an_everyday_synonym() -> None:
    play = spec(
        "play_album",
        {
            "album": string_param("앨범 이름"),
            "shuffle": {"type": "boolean", "description": "셔플 재생 여부"},
        },
        ["album"],
    )
    assert values(play, "봄 앨범 랜덤으로 틀어줘")["shuffle"] is True


# --- what surrounds a value -----------------------------------------------------------------


def test_a_noun_asking_about_the_guessed_value_is_not_part_of_it() -> None:
    find = spec(
        "find_member", {"member": string_param("찾을 회원 이름")}, ["member"], "회원을 찾습니다."
    )
    assert values(find, "윤하람 연락처 좀 알려줘") == {"member": "윤하람"}


def test_the_particle_of_make_it_x_is_not_part_of_x() -> None:
    rent = spec(
        "pay_rent",
        {
            "amount": {"type": "integer", "description": "보낼 금액"},
            "note": string_param("받는 분 통장에 표시될 메모"),
        },
        ["amount"],
        "월세를 보냅니다.",
    )
    assert values(rent, "50만원 보내고 메모는 5월 월세로 해줘") == {
        "amount": 500000,
        "note": "5월 월세",
    }
    assert values(rent, "메모는 관리비로 해주세요") == {"note": "관리비"}


def test_a_new_text_asked_for_with_hana_is_not_an_earlier_one() -> None:
    tools = [
        function_tool(
            "post_notice",
            "게시판에 공지를 올립니다.",
            {"board": string_param("게시판 이름"), "body": string_param("공지 내용")},
            ["board", "body"],
        )
    ]
    messages = [
        user("자유게시판에 '내일 휴관합니다' 공지 올려줘"),
        called("post_notice", board="자유게시판", body="내일 휴관합니다"),
        tool_result({"status": "posted"}),
        assistant("공지를 올렸어요."),
        user("자유게시판에 공지 하나 더 올려줘"),
    ]
    filled = fill_arguments(parse_tools(tools)[0], messages, NOW)
    assert filled.missing == ["body"]
    # without 하나 the request continues with what was said
    same = fill_arguments(parse_tools(tools)[0], [*messages[:-1], user("공지 다시 올려줘")], NOW)
    assert same.arguments["body"] == "내일 휴관합니다"


def test_a_place_said_relative_to_the_speaker_is_not_a_place() -> None:
    pharmacy = spec(
        "find_pharmacy",
        {"area": string_param("찾을 지역 (예: 종로구)")},
        ["area"],
        "문 연 약국을 찾습니다.",
    )
    assert values(pharmacy, "근처 약국 찾아줘") == {}
    assert values(pharmacy, "여기 주변 약국 어디 있어?") == {}
    assert values(pharmacy, "망원동 약국 찾아줘") == {"area": "망원동"}


def test_a_required_field_the_last_result_holds_counts_as_given() -> None:
    from kodial.tools.choose import evidence_for
    from kodial.tools.decide import _result_fields

    pay = parse_tools(
        [
            function_tool(
                "pay_invoice",
                "청구서를 결제합니다.",
                {
                    "invoice_id": string_param("청구서 ID"),
                    "method": enum_param("결제 수단", ["신용카드", "계좌이체"]),
                },
                ["invoice_id", "method"],
            )
        ]
    )
    result = tool_result({"invoice_id": "INV-88", "amount": 52000})
    known = _result_fields([user("관리비 조회해줘"), result])
    assert "invoice_id" in known
    assert evidence_for(pay, "계좌이체로 해줘", NOW)["pay_invoice"].complete == 0.5
    assert evidence_for(pay, "계좌이체로 해줘", NOW, known)["pay_invoice"].complete == 1.0
