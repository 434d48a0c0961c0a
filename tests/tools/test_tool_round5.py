"""Readings that should carry over to tools and requests nobody tuned on (round 5): holidays and
month ends as days, a stay's nights and days, amounts said in words with spaces, a month or a
bound said next to a name, counts of "X 수", values said by a shortening, and changes that make
a thing smaller or longer. Every tool and sentence here is written for these tests (none comes
from a benchmark or a development set)."""

from __future__ import annotations

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    enum_param,
    function_tool,
    integer_param,
    one_tool,
    string_param,
    tool_result,
    user,
    values,
)

from kodial.korean.datetimes import parse_datetime
from kodial.tools import decide
from kodial.tools.acts import predicate_verbs, text_act, tool_act
from kodial.tools.arguments.kinds import value_shape
from kodial.tools.schema import parse_tools
from kodial.tools.text import numbers

# --- days: fixed holidays, the end of a month, a stay of N박 M일 (NOW is 2026-11-18) ---------


def test_a_fixed_holiday_is_its_next_day():
    assert parse_datetime("한글날에 문 여나요?", NOW).isoformat() == "2027-10-09"
    assert parse_datetime("크리스마스 이브 저녁 8시에 만나", NOW).isoformat() == "2026-12-24T20:00"
    assert parse_datetime("내년 어린이날부터 사흘", NOW).isoformat() == "2027-05-05"


def test_a_holiday_naming_a_thing_is_no_day():
    # "크리스마스 카드" is a kind of card; the day said after it is the date
    r = parse_datetime("크리스마스 카드 보내기 할일에 넣어줘, 마감은 12월 10일", NOW)
    assert r.isoformat() == "2026-12-10"
    assert not parse_datetime("광복절 특집 방송 뭐 해?", NOW).matched


def test_the_end_of_a_month():
    assert parse_datetime("이번 달 말일까지 내야 해", NOW).isoformat() == "2026-11-30"
    assert parse_datetime("다음 달 말에 이사 가요", NOW).isoformat() == "2026-12-31"
    assert parse_datetime("월말에 정산해 줘", NOW).isoformat() == "2026-11-30"


def test_a_stay_of_nights_and_days():
    tool = one_tool(
        {"from_date": string_param("시작일 (YYYY-MM-DD)"), "days": integer_param("이용 일수")},
        ["from_date", "days"],
    )
    assert values(tool, "광복절부터 2박 3일로 할게요") == {"from_date": "2027-08-15", "days": 3}
    nights = one_tool({"nights": integer_param("숙박 일수")}, ["nights"])
    assert values(nights, "2박 3일로 잡아 줘") == {"nights": 2}


# --- numbers and the words around them --------------------------------------------------------


def test_an_amount_said_in_words_with_spaces():
    said = numbers("커피값 만 삼천 원 적어 둬")
    assert [(n.value, n.unit) for n in said] == [(13000, "원")]
    assert [(n.value, n.unit) for n in numbers("택배비 천 오백 원")] == [(1500, "원")]


def test_a_bound_after_an_amount_is_not_part_of_a_name():
    tool = one_tool(
        {"query": string_param("검색어"), "max_price": integer_param("최대 가격(원)")}, ["query"]
    )
    got = values(tool, "5만원 이하 블루투스 스피커 보여줘")
    assert got == {"max_price": 50000, "query": "블루투스 스피커"}


def test_a_month_said_as_when_is_not_part_of_a_name():
    tool = one_tool(
        {"team": string_param("팀 이름"), "month": string_param("경기 월 (YYYY-MM)")}, ["team"]
    )
    assert values(tool, "한화이글스 12월에 경기 있어?") == {
        "month": "2026-12",
        "team": "한화이글스",
    }
    memo = one_tool({"memo": string_param("메모")}, ["memo"])
    assert values(memo, "메모는 5월 회비로 해줘") == {"memo": "5월 회비"}


def test_a_count_of_x_takes_the_counter_said_with_it():
    tool = one_tool(
        {"tables": integer_param("테이블 수"), "nights": integer_param("박 수")}, ["tables"]
    )
    assert values(tool, "창가 쪽으로 두 자리 부탁해요") == {"tables": 2}
    assert values(tool, "3박 할게요") == {"nights": 3}


# --- allowed values said by a shortening --------------------------------------------------------

PLANS = enum_param("보장 종류", ["일반형", "고급형 종합보장", "실속형"])
GYMS = enum_param("지점", ["피트니스 강남역점", "피트니스 잠실점"])


def test_a_value_said_by_the_first_part_of_its_word():
    tool = one_tool({"branch": GYMS}, ["branch"])
    assert values(tool, "잠실로 할게요") == {"branch": "피트니스 잠실점"}
    # the option's other word said next to it is part of the same mention
    tool = one_tool({"branch": GYMS, "coach": string_param("트레이너 이름")}, ["branch"])
    assert values(tool, "강남역 피트니스", {"branch"}) == {"branch": "피트니스 강남역점"}


def test_a_value_said_by_its_kept_syllables():
    tool = one_tool({"plan": PLANS}, ["plan"])
    # asked for: the first syllables of its words (고급형 종합보장 -> 고종)
    assert values(tool, "고종이요", {"plan": "plan"}) == {"plan": "고급형 종합보장"}
    # not asked: the shortening must keep the first and the last syllable as well
    assert values(tool, "고종으로 가입할래요") == {}
    assert values(tool, "고장으로 가입할래요") == {"plan": "고급형 종합보장"}


# --- changes: making a thing smaller, larger, longer -------------------------------------------


def test_making_smaller_or_longer_is_a_change():
    assert text_act("인원을 세 명으로 줄여 줄래?") == "modify"
    assert text_act("구독 기간 좀 늘려 주세요") == "modify"
    assert text_act("출발을 한 시간 앞당겨 줘") == "modify"
    extend = parse_tools([function_tool("extend_parking", "주차 시간을 연장합니다.", {}, [])])[0]
    assert tool_act(extend) == "modify"


BAKERY = [
    function_tool(
        "order_cake",
        "케이크를 주문합니다.",
        {"cake": string_param("케이크 이름"), "quantity": integer_param("수량")},
        ["cake", "quantity"],
    ),
    function_tool(
        "find_cakes",
        "주문할 수 있는 케이크를 찾습니다.",
        {"flavor": string_param("맛")},
        [],
    ),
]


def test_a_change_after_an_order_is_not_a_new_order():
    messages = [
        user("치즈케이크 두 개 주문해 줘"),
        called("order_cake", cake="치즈케이크", quantity=2),
        tool_result({"order_id": "K-31", "status": "접수"}),
        assistant("치즈케이크 2개 주문이 접수되었어요. 주문번호는 K-31입니다."),
        user("아 한 개로 줄여 줄 수 있어?"),
    ]
    assert decide(messages, BAKERY, now=NOW).kind == "decline"


SPEAKER = [
    function_tool(
        "set_speaker_volume",
        "스피커 음량을 설정합니다.",
        {"level": integer_param("음량 (0~10)")},
        ["level"],
    )
]


def test_a_setting_changed_again_is_the_same_tool():
    messages = [
        user("스피커 음량 6으로 해줘"),
        called("set_speaker_volume", level=6),
        tool_result({"level": 6}),
        assistant("음량을 6으로 맞췄어요."),
        user("음량 3으로 줄여줘"),
    ]
    d = decide(messages, SPEAKER, now=NOW)
    assert (d.kind, d.arguments) == ("call", {"level": 3})


# --- what is counted, and a birth date said with a two-digit year -------------------------------

DRINKS = [
    function_tool(
        "order_drinks",
        "카페에 음료 포장을 주문합니다.",
        {
            "shop_id": string_param("매장 ID"),
            "shop_name": string_param("가게 이름"),
            "drink": string_param("음료 이름"),
            "cups": integer_param("잔 수"),
        },
        ["shop_name", "drink", "cups"],
    )
]


def test_the_noun_before_a_count_is_what_is_counted():
    tool = parse_tools(DRINKS)[0]
    got = values(tool, "달빛다방에서 유자차 세 잔 포장해 줘")
    assert got == {"shop_name": "달빛다방", "drink": "유자차", "cups": 3}
    # a shop named first is where, not what: the counted noun goes to the thing
    got = values(tool, "달빛다방 쌍화차 두 잔")
    assert got["drink"] == "쌍화차" and got.get("shop_name") != "쌍화차"


def test_a_birth_date_with_a_two_digit_year():
    tool = one_tool(
        {
            "visit_date": string_param("방문 날짜 (YYYY-MM-DD)"),
            "member": string_param("회원 이름"),
            "birth": string_param("회원 생년월일 (YYYY-MM-DD)"),
        },
        ["visit_date", "member", "birth"],
    )
    got = values(tool, "한소윤, 72년 11월 9일생", {"member", "birth"})
    assert got == {"birth": "1972-11-09", "member": "한소윤"}
    # a day said as a visit still goes to the visit date
    assert values(tool, "다음 주 화요일에 갈게요") == {"visit_date": "2026-11-24"}


# --- airports by city, where one goes, a name with 이, a better value said after 아 ------------

AIRPORTS = ["GMP", "ICN", "PUS", "CJU", "CJJ"]


def test_airport_codes_by_city_and_where_one_goes():
    tool = one_tool(
        {
            "dep": enum_param("출발 공항 코드", AIRPORTS),
            "arr": enum_param("도착 공항 코드", AIRPORTS),
        },
        ["dep", "arr"],
    )
    assert values(tool, "다음 주에 청주 가는데 김포에서 출발해요") == {"dep": "GMP", "arr": "CJJ"}
    assert values(tool, "부산에서 제주로 가는 편") == {"dep": "PUS", "arr": "CJU"}


def test_a_one_letter_noun_with_the_i_of_a_name_is_a_name():
    tool = one_tool(
        {"pet": string_param("반려동물 이름"), "kind": enum_param("서비스", ["목욕", "미용"])},
        ["pet", "kind"],
    )
    assert values(tool, "우리 별이 미용 좀 하려고요") == {"kind": "미용", "pet": "별이"}


def test_a_better_value_said_after_a_takes_back_the_first():
    from kodial.korean.self_repair import repair

    assert repair("모레 오전 10시.. 아 11시가 낫겠다") == "모레 오전 11시가 낫겠다"
    assert repair("녹차 아 보리차가 좋겠어요") == "보리차가 좋겠어요"
    assert repair("아 그게 낫겠다") == "아 그게 낫겠다"  # 아 opening the message takes back nothing


LOCKERS = [
    function_tool(
        "extend_locker",
        "사물함의 만료 기한을 연장합니다.",
        {"locker_no": string_param("사물함 번호")},
        ["locker_no"],
    ),
    function_tool(
        "find_lockers",
        "빈 사물함을 찾습니다.",
        {"floor": integer_param("층")},
        [],
    ),
]


def test_a_thing_named_by_a_compound_of_a_tool_word_is_served():
    # "만료일도": the 만료 of the tool's 만료 기한, with 일 written on it; not a new thing
    messages = [user("헬스장 사물함 만료일도 연장해 주세요")]
    d = decide(messages, LOCKERS, now=NOW)
    assert (d.kind, d.tool, d.missing) == ("ask", "extend_locker", ["locker_no"])
    # a thing the tool never mentions is still not served
    assert decide([user("헬스장 수건도 연장해 주세요")], LOCKERS, now=NOW).kind == "decline"


# --- an open offer is no question about a tool; a place said like the description's example ----

CLINICS = [
    function_tool(
        "find_dental_clinics",
        "지역의 치과를 찾습니다.",
        {"gu": string_param("구 이름 (예: 서초구)")},
        ["gu"],
    ),
    function_tool(
        "book_dental_visit",
        "치과 진료를 예약합니다.",
        {
            "clinic_id": string_param("치과 ID"),
            "date": string_param("진료 날짜 (YYYY-MM-DD)"),
            "patient": string_param("환자 이름"),
        },
        ["clinic_id", "date", "patient"],
    ),
]


def test_an_open_offer_after_a_greeting_asks_about_no_tool():
    messages = [
        user("안녕하세요"),
        assistant("안녕하세요! 치과 찾기와 진료 예약을 도와드릴 수 있어요. 무엇을 도와드릴까요?"),
        user("딸아이 충치 때문에 그러는데 관악구에 갈 만한 치과 어디 있어요?"),
    ]
    d = decide(messages, CLINICS, now=NOW)
    assert (d.kind, d.tool, d.arguments) == ("call", "find_dental_clinics", {"gu": "관악구"})


def test_a_place_said_like_the_example_of_its_division():
    tool = parse_tools(CLINICS)[0]
    # the word of the example's division, not the first noun phrase (엄마)
    assert values(tool, "엄마랑 같이 송파구에서 다닐 치과") == {"gu": "송파구"}
    shape = value_shape(tool.params[0])
    assert shape is not None
    found = [m.group(0) for m in shape[0].finditer("친구랑 도구 사러 강동구 가요")]
    assert found == ["강동구"]  # 친구 and 도구 are words, not districts


# --- a quoted message is a payload, not the request ---------------------------------------------

TEAM = [
    function_tool(
        "reserve_studio",
        "녹음실을 예약합니다.",
        {
            "studio": enum_param("녹음실", ["A룸", "B룸"]),
            "date": string_param("날짜 (YYYY-MM-DD)"),
            "start": string_param("시작 시각 (HH:MM)"),
        },
        ["studio", "date", "start"],
    ),
    function_tool(
        "post_notice",
        "동아리 게시판에 공지를 올립니다.",
        {
            "board": enum_param("게시판", ["전체", "보컬", "밴드"]),
            "text": string_param("공지 내용"),
        },
        ["board", "text"],
    ),
]


def test_a_quoted_message_is_what_is_posted():
    # the quote names a studio, a day and a time: the booking tool's values, not the request
    said = "보컬 게시판에 '내일 저녁 8시 B룸 녹음실에서 연습' 이라고 올려줘"
    d = decide([user(said)], TEAM, now=NOW)
    assert (d.kind, d.tool) == ("call", "post_notice")
    assert d.arguments == {"board": "보컬", "text": "내일 저녁 8시 B룸 녹음실에서 연습"}


# --- the verb the tool's description does -------------------------------------------------------

REPAIRS = [
    function_tool(
        "get_repair_estimate",
        "휴대폰 수리 견적을 받습니다.",
        {"model": string_param("기종"), "damage": string_param("고장 내용")},
        ["model", "damage"],
    ),
    function_tool(
        "book_repair",
        "받은 견적으로 휴대폰 수리를 예약합니다.",
        {"estimate_id": string_param("견적 ID"), "date": string_param("방문 날짜 (YYYY-MM-DD)")},
        ["estimate_id", "date"],
    ),
]


def test_the_verb_a_tool_does_tells_close_neighbours_apart():
    assert predicate_verbs("휴대폰 수리 견적을 받습니다.") == {"받"}
    assert predicate_verbs("받은 견적으로 휴대폰 수리를 예약합니다.") == frozenset()
    d = decide([user("폰 수리 견적 좀 받아 보고 싶어요")], REPAIRS, now=NOW)
    assert (d.kind, d.tool) == ("ask", "get_repair_estimate")
