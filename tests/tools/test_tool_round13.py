"""Round 13 of everyday forms: months said as 달 (석 달, not 한 달에), packs, sets and boxes
(3박스 is boxes, not nights), a listed time of day said on the clock (["10:00", "14:00"] from
"2시 걸로"), and an allowed amount said in any way (5만 원 for 50000). Every tool and sentence
here is written for these tests."""

from __future__ import annotations

import pytest
from _tool_fixtures import NOW, function_tool, integer_param, string_param, user

from kodial.tools import decide
from kodial.tools.text import numbers


@pytest.mark.parametrize(
    ("said", "value", "unit"),
    [
        ("두 달만 쓸게요", 2, "달"),
        ("석 달이면 돼요", 3, "달"),
        ("6달 정도", 6, "달"),
        ("마스크 세 팩", 3, "팩"),
        ("2세트 주세요", 2, "세트"),
        ("사과 4박스요", 4, "박스"),
        ("20달러요", 20, "달러"),
    ],
)
def test_months_packs_sets_and_boxes(said, value, unit) -> None:
    assert [(n.value, n.unit) for n in numbers(said)] == [(value, unit)]


@pytest.mark.parametrize("said", ["한 달에 얼마예요?", "두 달마다 와요", "이번 달", "3박 해요"])
def test_per_month_this_month_and_nights_are_no_months(said) -> None:
    assert all(n.unit != "달" for n in numbers(said))


TENTS = [
    function_tool(
        "rent_tent",
        "캠핑 텐트 대여",
        {
            "model": {"type": "string", "enum": ["돔", "터널"], "description": "텐트 종류"},
            "months": integer_param("대여 기간(개월)"),
            "packs": integer_param("팩 수(팩)"),
        },
        ["model", "months"],
    )
]


def test_months_by_dal_and_packs_fill_their_parameters() -> None:
    d = decide([user("터널 텐트 석 달 빌리고 팩도 두 팩 주세요")], TENTS, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"model": "터널", "months": 3, "packs": 2}


SLOTS = {
    "type": "string",
    "enum": ["10:00", "12:30", "14:00", "16:30"],
    "description": "입장 회차",
}
PLANETARIUM = [
    function_tool(
        "book_dome_show",
        "천체 투영관 관람 예약",
        {"date": {"type": "string", "format": "date", "description": "관람일"}, "slot": SLOTS},
        ["date", "slot"],
    )
]


@pytest.mark.parametrize(
    ("said", "slot"),
    [
        ("모레 2시 회차로 잡아줘", "14:00"),
        ("모레 오후 네 시 반 걸로요", "16:30"),
        ("모레 12:30 타임이요", "12:30"),
        ("모레 오전 10시", "10:00"),
    ],
)
def test_a_listed_time_said_on_the_clock(said, slot) -> None:
    d = decide([user(said)], PLANETARIUM, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["slot"] == slot


def test_a_time_not_listed_is_asked_for() -> None:
    d = decide([user("모레 오후 3시로 잡아줘")], PLANETARIUM, "auto", now=NOW)
    assert d.kind == "ask" and d.missing == ["slot"]


GIFTS = [
    function_tool(
        "buy_voucher",
        "공방 체험 상품권 구매",
        {
            "amount": {
                "type": "integer",
                "enum": [20000, 50000, 100000],
                "description": "금액(원)",
            },
            "to_name": string_param("받는 분 이름"),
        },
        ["amount", "to_name"],
    )
]


@pytest.mark.parametrize(
    "said",
    [
        "5만 원짜리로 윤서진한테",
        "오만 원권 윤서진한테",
        "50,000원 윤서진한테",
        "5만짜리로 윤서진한테",
    ],
)
def test_an_allowed_amount_said_any_way(said) -> None:
    d = decide([user(f"상품권 사려고요. {said}")], GIFTS, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"amount": 50000, "to_name": "윤서진"}


# --- a tool's verb after the name of its service; renting, buying and pausing said plainly ----

PLANTS = [
    function_tool(
        "plantcare_get_schedule",
        "화분 관리 방문 일정 현황 (파라미터 없음)",
        {},
        [],
    ),
    function_tool(
        "plantcare_book_visit",
        "화분 관리사 방문 신청",
        {"date": {"type": "string", "format": "date", "description": "방문일"}},
        ["date"],
    ),
    function_tool(
        "plantcare_cancel_visit",
        "방문 신청 취소",
        {"visit_id": string_param("방문 번호")},
        ["visit_id"],
    ),
]


def test_the_verb_of_a_name_after_its_service() -> None:
    from kodial.tools.acts import tool_act
    from kodial.tools.schema import parse_tools

    acts = [tool_act(t) for t in parse_tools(PLANTS)]
    assert acts == ["lookup", "create", "delete"]
    d = decide([user("우리 집 화분 관리 언제 오기로 돼 있는지 보여줘")], PLANTS, "auto", now=NOW)
    assert d.kind == "call" and d.tool == "plantcare_get_schedule"


@pytest.mark.parametrize(
    ("said", "nouns"),
    [
        ("캠핑 의자 두 개 빌릴게요", {"대여"}),
        ("원두 한 봉 사 갈게요", {"주문", "구매"}),
    ],
)
def test_everyday_verbs_of_renting_buying_and_pausing(said, nouns) -> None:
    from kodial.korean.request_acts import EVERYDAY_VERBS
    from kodial.tools.text import tokens

    named = {n for t in tokens(said) if t.tag == "VV" for n in EVERYDAY_VERBS.get(t.form, ())}
    assert nouns <= named


def test_the_act_of_a_pending_request_is_the_requests_not_the_questions() -> None:
    from kodial.tools.choose import ToolChooser
    from kodial.tools.schema import parse_tools

    chooser = ToolChooser()
    specs = parse_tools(PLANTS)
    # the question's 몇 is no look-up: the request books
    with_question = chooser.score(
        specs, "모레 와 주세요 몇 시가 좋으세요?", act_text="모레 와 주세요"
    )
    act = {s.name: s.act for s in with_question}
    assert act["plantcare_get_schedule"] <= 0.0
    read_whole = {s.name: s.act for s in chooser.score(specs, "모레 와 주세요 몇 시가 좋으세요?")}
    assert read_whole["plantcare_get_schedule"] == 1.0


# --- a range said again whole, a name joined by the copula, an address after its topic -------

DATE_PARAM = {"type": "string", "format": "date", "description": "시작일"}
BABY = [
    function_tool(
        "rent_baby_gear",
        "유아용품 대여 신청",
        {
            "start_date": DATE_PARAM,
            "end_date": {"type": "string", "format": "date", "description": "반납일"},
            "address": string_param("배달 주소(숙소 등)"),
        },
        ["start_date", "end_date", "address"],
    )
]


def test_a_range_said_again_whole_after_its_start() -> None:
    d = decide(
        [user("유모차 빌리려고요. 다음 주 화요일부터 쓸 거라서 24일부터 28일까지요")],
        BABY,
        "auto",
        now=NOW,
    )
    filled = d.explain["filled"]  # (the address is still to be asked for)
    assert d.kind == "ask" and d.missing == ["address"]
    assert (filled["start_date"]["value"], filled["end_date"]["value"]) == (
        "2026-11-24",
        "2026-11-28",
    )


def test_an_address_after_its_topic_word_and_with_the_place_to_stay() -> None:
    d = decide(
        [user("유모차 빌려요. 모레부터 글피까지, 숙소는 강릉시 사천면 해안로 45 솔바람펜션이에요")],
        BABY,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments["address"] == "강릉시 사천면 해안로 45 솔바람펜션"


EXPO = [
    function_tool(
        "register_fair_visit",
        "박람회 사전 등록",
        {
            "fair": string_param("박람회명"),
            "visitor": string_param("참가자 이름"),
            "email": string_param("QR 받을 이메일"),
            "days": {
                "type": "array",
                "items": {"type": "string", "format": "date"},
                "description": "방문 예정일 목록",
            },
        },
        ["fair", "visitor", "email", "days"],
    )
]


def test_a_name_joined_by_the_copula_answers_the_name_asked() -> None:
    from _tool_fixtures import assistant

    d = decide(
        [
            user("서울 리빙페어 미리 등록하려고요"),
            assistant("참가자 성함, QR을 받을 이메일, 방문하실 날짜를 알려 주세요."),
            user("도예린이고요 메일은 yerin.do@mail.kr, 20일이랑 21일 이틀 갈 거예요"),
        ],
        EXPO,
        "auto",
        now=NOW,
    )
    assert d.kind == "call"
    assert d.arguments["visitor"] == "도예린" and d.arguments["fair"] == "서울 리빙페어"


# --- the time of a session chosen from a list; a total and a count of one kind of people ----

FARM = [
    function_tool(
        "farm_check_sessions",
        "농장 체험 회차별 잔여석 조회",
        {"date": {"type": "string", "format": "date", "description": "체험일"}},
        ["date"],
    ),
    function_tool(
        "farm_book_session",
        "농장 체험 회차 예약",
        {
            "date": {"type": "string", "format": "date", "description": "체험일"},
            "start_time": {
                "type": "string",
                "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
                "description": "회차 시작 시각 HH:MM",
            },
            "total": integer_param("총 인원(명)"),
            "kids": integer_param("그 중 어린이 수(명)"),
        },
        ["date", "start_time", "total"],
    ),
]


def _after_the_sessions(said: str):
    from _tool_fixtures import assistant, called, tool_result

    return decide(
        [
            user("모레 감자 캐기 체험 자리 있어요?"),
            called("farm_check_sessions", date="2026-11-20"),
            tool_result({"date": "2026-11-20", "sessions": [{"time": "10:00"}, {"time": "15:30"}]}),
            assistant("오전 10시와 오후 3시 30분 회차가 있어요."),
            user(said),
        ],
        FARM,
        "auto",
        now=NOW,
    )


def test_the_time_of_a_session_chosen_by_the_part_of_the_day() -> None:
    d = _after_the_sessions("오후 걸로 어른 둘 애 하나요")
    assert d.kind == "call" and d.tool == "farm_book_session"
    assert d.arguments == {"date": "2026-11-20", "start_time": "15:30", "total": 3, "kids": 1}


def test_a_session_time_is_not_taken_unchosen() -> None:
    d = _after_the_sessions("둘이 예약할게요")
    assert d.kind == "ask" and "start_time" in d.missing


# --- yes or no said by the way of doing it ------------------------------------------------------

KAYAK = [
    function_tool(
        "book_kayak_tour",
        "카약 투어 예약",
        {
            "date": {"type": "string", "format": "date", "description": "투어일"},
            "people": integer_param("인원(명)"),
            "has_experience": {"type": "boolean", "description": "카약 경험 여부"},
            "paddle_rental": {"type": "boolean", "description": "패들 대여"},
        },
        ["date", "people", "has_experience"],
    ),
    function_tool(
        "order_photos",
        "투어 사진 앨범 주문. pickup=true면 현장 수령.",
        {
            "copies": integer_param("권수(권)"),
            "pickup": {"type": "boolean", "description": "현장 수령 여부"},
            "shipping": {"type": "boolean", "description": "배송 여부"},
        },
        ["copies"],
    ),
]


@pytest.mark.parametrize(
    ("said", "experience", "rental"),
    [
        ("모레 카약 투어 셋이요. 다들 처음이에요, 패들은 저희가 가져갈게요", False, False),
        ("모레 카약 투어 셋이요. 작년에 두 번 타 봤어요. 패들 빌려주세요", True, True),
    ],
)
def test_experience_and_rental_said_by_what_was_done(said, experience, rental) -> None:
    d = decide([user(said)], KAYAK, "auto", now=NOW)
    assert d.kind == "call" and d.tool == "book_kayak_tour"
    assert d.arguments["has_experience"] is experience
    assert d.arguments["paddle_rental"] is rental


def test_picked_up_or_sent_said_by_what_is_done() -> None:
    d = decide([user("사진 앨범 2권 주문할게요. 끝나고 가서 받을게요")], KAYAK, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["pickup"] is True and d.arguments["shipping"] is False
    d = decide([user("사진 앨범 한 권 주문이요. 집으로 보내주세요")], KAYAK, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["shipping"] is True and d.arguments["pickup"] is False


def test_the_numbers_of_an_address_are_no_count_left_over() -> None:
    tools = [
        function_tool(
            "rent_piano",
            "디지털 피아노 대여 신청",
            {
                "months": integer_param("대여 기간(개월)"),
                "address": string_param("배송 주소"),
            },
            ["months", "address"],
        )
    ]
    d = decide([user("피아노 빌릴게요. 주소는 부산 수영구 광안로 33, 5층이에요")], tools, now=NOW)
    assert d.kind == "ask" and d.missing == ["months"]


def test_each_listed_value_as_many_times_as_its_count() -> None:
    tools = [
        function_tool(
            "book_ski_rental",
            "스키복 대여 예약",
            {
                "people": integer_param("인원(명)"),
                "sizes": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["S", "M", "L", "XL"]},
                    "description": "스키복 사이즈 목록",
                },
            },
            ["people", "sizes"],
        )
    ]
    d = decide([user("스키복 4명이요. L 세 벌이랑 S 한 벌")], tools, now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"people": 4, "sizes": ["L", "L", "L", "S"]}
    d = decide([user("스키복 2명 대여요. M이랑 XL")], tools, now=NOW)
    assert d.arguments == {"people": 2, "sizes": ["M", "XL"]}


def test_one_thing_counted_is_no_number_of_hours() -> None:
    tools = [
        function_tool(
            "reserve_lane",
            "볼링 레인 예약",
            {
                "date": {"type": "string", "format": "date", "description": "이용일"},
                "hours": integer_param("이용 시간(시간)"),
                "players": integer_param("인원(명)"),
            },
            ["date", "hours", "players"],
        )
    ]
    d = decide([user("모레 레인 하나 잡아줘 다섯 명이야")], tools, now=NOW)
    assert d.kind == "ask" and d.missing == ["hours"]


@pytest.mark.parametrize("sport", ["족구", "풋살", "배드민턴"])
def test_the_sport_is_not_where_it_is_played(sport) -> None:
    tools = [
        function_tool(
            "find_courts",
            f"지역으로 빈 {sport}장 검색",
            {"district": string_param("동네/지역명")},
            ["district"],
        )
    ]
    d = decide([user(f"토요일 오전에 {sport} 할 데 있나 찾아줘")], tools, now=NOW)
    assert d.kind == "ask" and d.missing == ["district"]
    d = decide([user(f"망원동에 {sport} 할 데 있나 찾아줘")], tools, now=NOW)
    assert d.kind == "call" and d.arguments == {"district": "망원동"}


# --- the small one; an item named by another of its fields ------------------------------------

LOCKERS = [
    function_tool("locker_list_mine", "내가 쓰는 보관함 목록 (파라미터 없음)", {}, []),
    function_tool(
        "locker_end_contract",
        "보관함 계약 해지",
        {"locker_id": string_param("보관함 번호")},
        ["locker_id"],
    ),
    function_tool(
        "locker_book_visit",
        "보관함 방문 예약",
        {
            "locker_id": string_param("보관함 번호"),
            "date": {"type": "string", "format": "date", "description": "방문일"},
        },
        ["locker_id", "date"],
    ),
]


def _after_my_lockers(said: str):
    from _tool_fixtures import assistant, called, tool_result

    return decide(
        [
            user("내 보관함 뭐 있지?"),
            called("locker_list_mine"),
            tool_result(
                {
                    "lockers": [
                        {"locker_id": "LK-0912", "size": "L"},
                        {"locker_id": "LK-0340", "size": "S"},
                    ]
                }
            ),
            assistant("L 크기 LK-0912와 S 크기 LK-0340 두 개를 쓰고 계세요."),
            user(said),
        ],
        LOCKERS,
        "auto",
        now=NOW,
    )


def test_the_small_one_of_the_listed_items() -> None:
    d = _after_my_lockers("작은 건 해지할래요")
    assert d.kind == "call" and d.arguments == {"locker_id": "LK-0340"}
    d = _after_my_lockers("큰 거 해지해 주세요")
    assert d.kind == "call" and d.arguments == {"locker_id": "LK-0912"}


def test_an_item_named_by_another_of_its_fields() -> None:
    d = _after_my_lockers("L 보관함은 모레 방문할게요")
    assert d.kind == "call" and d.tool == "locker_book_visit"
    assert d.arguments == {"locker_id": "LK-0912", "date": "2026-11-20"}


# --- misreadings a review of this round found, each now read right ----------------------------

STROLLER = [
    function_tool(
        "rent_stroller",
        "유모차 대여",
        {"months": integer_param("대여 기간(개월)"), "address": string_param("배송 주소")},
        ["months", "address"],
    )
]


@pytest.mark.parametrize(
    "said",
    [
        "유모차 빌릴게요. 아기가 다섯 달 됐어요. 주소는 대구 중구 국채보상로 10이요",
        "아기 7달인데 유모차 대여할게요. 주소는 대구 중구 국채보상로 10이요",
        "석 달 전에도 빌렸는데 또 빌릴게요. 주소는 대구 중구 국채보상로 10이요",
        "한 달 3만 원이면 빌릴게요. 주소는 대구 중구 국채보상로 10이요",
    ],
)
def test_an_age_a_time_ago_or_a_monthly_price_is_no_length(said) -> None:
    d = decide([user(said)], STROLLER, "auto", now=NOW)
    months = (d.explain.get("filled") or {}).get("months", {}).get("value")
    assert months not in (1, 3, 5, 7)


def test_months_are_no_weeks_and_one_pack_priced_is_no_count() -> None:
    weeks = [
        function_tool(
            "pause_milk", "우유 배달 일시정지", {"weeks": integer_param("정지 기간(주)")}, ["weeks"]
        )
    ]
    d = decide([user("우유 배달 한 달만 일시정지해 주세요")], weeks, "auto", now=NOW)
    assert "weeks" not in d.arguments
    order = [
        function_tool(
            "order_juice",
            "주스 주문",
            {"qty": integer_param("수량(개)")},
            ["qty"],
        )
    ]
    d = decide([user("주스 한 팩에 얼마예요? 네 개 주문할게요")], order, "auto", now=NOW)
    assert d.kind == "call" and d.arguments == {"qty": 4}


@pytest.mark.parametrize(
    ("said", "slot"),
    [
        ("모레 4시 전에는 나와야 해서 2시 회차로", "14:00"),
        ("모레 2시에 퇴근하니까 4시 걸로요", "16:00"),
        ("모레 2시는 안 되고 4시 회차로", "16:00"),
    ],
)
def test_of_several_times_said_the_one_chosen(said, slot) -> None:
    tools = [
        function_tool(
            "book_puppet_show",
            "인형극 예약",
            {
                "date": {"type": "string", "format": "date", "description": "관람일"},
                "slot": {
                    "type": "string",
                    "enum": ["12:00", "14:00", "16:00"],
                    "description": "회차",
                },
            },
            ["date", "slot"],
        )
    ]
    d = decide([user(said)], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["slot"] == slot


def test_an_hour_listed_in_both_halves_of_the_day_is_asked() -> None:
    tools = [
        function_tool(
            "book_night_cruise",
            "유람선 예약",
            {
                "date": {"type": "string", "format": "date", "description": "탑승일"},
                "slot": {"type": "string", "enum": ["09:00", "21:00"], "description": "출발 시각"},
            },
            ["date", "slot"],
        )
    ]
    d = decide([user("모레 9시 출발로 예약해 주세요")], tools, "auto", now=NOW)
    assert d.kind == "ask" and d.missing == ["slot"]
    d = decide([user("모레 밤 9시 출발로 예약해 주세요")], tools, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["slot"] == "21:00"


def test_the_amount_said_as_the_kind_bought() -> None:
    d = decide(
        [user("상품권 사려고요. 3만 원 넘으면 포장 되죠? 5만 원권으로 윤서진한테")],
        GIFTS,
        "auto",
        now=NOW,
    )
    assert d.kind == "call" and d.arguments["amount"] == 50000


def test_ways_of_doing_said_of_other_things_say_nothing() -> None:
    cake = [
        function_tool(
            "order_cake",
            "케이크 주문",
            {
                "size": {"type": "string", "enum": ["1호", "2호"], "description": "크기"},
                "delivery": {"type": "boolean", "description": "배달 여부"},
            },
            ["size", "delivery"],
        )
    ]
    d = decide([user("케이크 2호로요. 완성되면 사진 먼저 보내주세요")], cake, "auto", now=NOW)
    assert d.kind == "ask" and d.missing == ["delivery"]
    d = decide([user("케이크 2호로요. 퇴근길에 들러서 찾아갈게요")], cake, "auto", now=NOW)
    assert d.kind == "call" and d.arguments["delivery"] is False
    d = decide(
        [user("모레 카약 투어 셋이요. 간식은 저희가 챙겨 갈게요. 다들 처음이에요")],
        KAYAK,
        "auto",
        now=NOW,
    )
    assert "paddle_rental" not in d.arguments and d.arguments["has_experience"] is False


def test_a_machine_that_stopped_asks_for_no_pause() -> None:
    tools = [
        function_tool(
            "purifier_pause_rental",
            "정수기 렌탈 일시정지",
            {"resume_month": string_param("재개 월 YYYY-MM")},
            ["resume_month"],
        ),
        function_tool(
            "purifier_report_fault",
            "정수기 고장 수리 접수",
            {"symptom": string_param("증상")},
            ["symptom"],
        ),
    ]
    d = decide([user("정수기가 갑자기 멈췄어요 물이 안 나와요 수리 좀 와 주세요")], tools, now=NOW)
    assert d.tool == "purifier_report_fault"


@pytest.mark.parametrize(
    ("name", "act"),
    [
        ("coupon_issue_history", None),
        ("user_join_date", None),
        ("card_issue_status", None),
        ("museum_book_ticket", "create"),
    ],
)
def test_a_verb_inside_a_record_name_is_no_act(name, act) -> None:
    from kodial.tools.acts import tool_act
    from kodial.tools.schema import parse_tools

    (spec,) = parse_tools([function_tool(name, "", {}, [])])
    assert tool_act(spec) == act


@pytest.mark.parametrize("said", ["혼자고요 010-2345-6789예요", "둘이고요 010-2345-6789예요"])
def test_who_or_how_many_joined_by_the_copula_is_no_name(said) -> None:
    from _tool_fixtures import assistant

    tools = [
        function_tool(
            "book_class",
            "원데이 클래스 예약",
            {"name": string_param("예약자 이름"), "phone": string_param("연락처")},
            ["name", "phone"],
        )
    ]
    d = decide(
        [
            user("원데이 클래스 예약할게요"),
            assistant("예약자 성함과 연락처를 알려 주세요."),
            user(said),
        ],
        tools,
        "auto",
        now=NOW,
    )
    assert d.kind == "ask" and d.missing == ["name"]


def test_people_of_a_kind_not_known_leave_the_total_unsummed() -> None:
    d = _after_the_sessions("오후 걸로 어른 둘, 애 셋, 할머니 한 분이요")
    filled = d.explain.get("filled") or {}
    assert d.arguments.get("total") != 5 and filled.get("total", {}).get("value") != 5


def test_a_range_said_of_part_of_the_stay_is_not_the_stay() -> None:
    d = decide(
        [user("유모차 빌리려고요. 다음 주 화요일부터 쓸 건데 24일부터 26일까지는 친정에 있어요")],
        BABY,
        "auto",
        now=NOW,
    )
    assert (d.explain.get("filled") or {}).get("end_date", {}).get("value") != "2026-11-26"


def test_the_tools_own_topic_says_no_yes() -> None:
    tools = [
        function_tool(
            "book_climbing",
            "클라이밍 강습 예약. 장비 포함.",
            {
                "date": {"type": "string", "format": "date", "description": "강습일"},
                "people": integer_param("인원(명)"),
                "experienced": {"type": "boolean", "description": "클라이밍 경험 여부"},
            },
            ["date", "people"],
        )
    ]
    d = decide([user("클라이밍 강습 모레 둘이요")], tools, "auto", now=NOW)
    assert d.kind == "call" and "experienced" not in d.arguments
    d = decide([user("클라이밍 강습 모레 둘이요. 경험 있어요")], tools, "auto", now=NOW)
    assert d.arguments["experienced"] is True


def test_a_bare_hour_of_a_listed_time_is_in_the_lists_half_of_the_day() -> None:
    d = _after_the_sessions("10시 걸로 예약할게요. 3명이요")
    assert d.kind == "call" and d.arguments["start_time"] == "10:00"
