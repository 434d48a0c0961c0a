"""Round 18 of everyday forms, found on the fifteenth set: what there is, asked after a purpose
said, is a look-up; a choice taken with (으)로 and a promise (할게요, 갈게) books it; a word of a
longer noun does not name a value of several words; names the analyser does not know, phone
numbers spaced their own way, families counted in 식구, sizes and genres by their everyday
words, a building of any name after the street number, and advice asked after another thing
done. Every tool and sentence here is written for these tests."""

from __future__ import annotations

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    enum_param,
    function_tool,
    integer_param,
    string_param,
    tool_result,
    user,
    values,
)

from kodial.tools import decide
from kodial.tools.acts import text_act
from kodial.tools.arguments.kinds import fit_pattern
from kodial.tools.schema import ToolSpec, parse_tools
from kodial.tools.text import numbers, strip_ending

DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
CLOCK = {"type": "string", "pattern": r"^\d{2}:\d{2}$"}
MOBILE = {
    "type": "string",
    "description": "휴대폰 번호",
    "pattern": r"^01[016789]-\d{3,4}-\d{4}$",
}

BOATS = [
    function_tool(
        "search_rowboats",
        "날짜에 빌릴 수 있는 보트를 찾아 줍니다. 예약은 되지 않아요.",
        {"date": DAY, "riders": integer_param("탈 인원")},
        ["date"],
    ),
    function_tool(
        "rowboat_price",
        "보트 대여 요금을 계산합니다.",
        {
            "boat_code": string_param("보트 코드"),
            "date": DAY,
            "extras": {
                "type": "array",
                "description": "추가 옵션",
                "items": {"type": "string", "enum": ["낚시 의자 세트", "구명조끼", "아이스박스"]},
            },
        },
        ["boat_code", "date"],
    ),
    function_tool(
        "book_rowboat",
        "보트 예약을 확정합니다.",
        {
            "boat_code": string_param("보트 코드"),
            "date": DAY,
            "start": CLOCK,
            "renter_name": string_param("빌리는 사람 이름"),
            "renter_phone": MOBILE,
        },
        ["boat_code", "date", "start", "renter_name", "renter_phone"],
    ),
    function_tool(
        "change_rowboat_booking",
        "예약된 보트의 날짜나 시간을 바꿉니다.",
        {"booking_no": string_param("예약 번호"), "new_date": DAY, "new_start": CLOCK},
        ["booking_no", "new_date"],
    ),
]


def _plays() -> ToolSpec:
    """A play finder whose genre is one of three Korean values."""
    return parse_tools(
        [
            function_tool(
                "find_plays",
                "연극 찾기",
                {"genre": enum_param("장르", ["코미디", "공포", "로맨스"])},
                ["genre"],
            )
        ]
    )[0]


def test_what_there_is_asked_after_a_purpose_is_a_look_up() -> None:
    assert text_act("주말에 보트 빌리려고 하는데 세 명 탈 만한 거 있어요?") == "lookup"
    assert text_act("다음 주에 예약하려는데 빈 방 있나요?") == "lookup"
    # the question may come before the rest of what is said
    assert text_act("배 빌리려고요. 넷이 탈 수 있는 거 있어요? 너무 비싸면 곤란하고요") == "lookup"
    # a thing one was about to use, described, is no purpose
    assert text_act("헬멧 있어? 아 그리고 타려던 거 고장 났어요. 신고 좀") != "lookup"
    d = decide([user("토요일에 보트 빌리려고 하는데 세 명 탈 만한 거 있어요?")], BOATS, now=NOW)
    assert d.kind == "call" and d.tool == "search_rowboats"
    assert d.arguments["riders"] == 3


def test_a_thing_there_is_asked_by_its_bound_noun_is_a_look_up() -> None:
    assert text_act("매달 와서 소독해 주는 요금제 같은 거 있어요?") == "lookup"
    # a place to pass the time is asked of the world, not of a tool
    assert text_act("기다리는 동안 근처에 시간 보낼 데 있어요?") != "lookup"


def test_a_word_of_a_longer_noun_names_no_value_of_several_words() -> None:
    price = parse_tools(BOATS)[1]
    assert "extras" not in values(price, "보트 타고 나서 갈 만한 낚시터도 추천해 줄 수 있어?")
    assert values(price, "낚시 의자 세트도 넣어서 계산해 주세요")["extras"] == ["낚시 의자 세트"]
    # a compound of the value's own words still names it
    docs = parse_tools(
        [
            function_tool(
                "submit_receipts",
                "서류 제출",
                {
                    "documents": {
                        "type": "array",
                        "items": {"type": "string", "enum": ["진료비세부내역서", "처방전"]},
                    }
                },
                ["documents"],
            )
        ]
    )[0]
    assert values(docs, "세부내역서 낼게요")["documents"] == ["진료비세부내역서"]
    # and a value said with 짜리 is said whole
    passes = parse_tools(
        [
            function_tool(
                "buy_gym_pass",
                "이용권 구매",
                {"pass_type": enum_param("이용권", ["1개월_자유", "3개월_자유"])},
                ["pass_type"],
            )
        ]
    )[0]
    assert values(passes, "3개월짜리로요")["pass_type"] == "3개월_자유"


def test_a_name_the_analyser_does_not_know_said_with_the_copula_is_a_name() -> None:
    book = parse_tools(BOATS)[2]
    got = values(book, "빌리는 건 제가 해요. 최서준이고 010 5521 7730이에요")
    assert got["renter_name"] == "최서준"
    # and a word the analyser knows is no name
    assert "renter_name" not in values(book, "김치전이고 010 5521 7730이에요")


def test_a_phone_number_spaced_its_own_way_fits_a_pattern_of_varying_groups() -> None:
    pattern = r"^01[016789]-\d{3,4}-\d{4}$"
    assert fit_pattern("010 5521 7730", pattern) == "010-5521-7730"
    assert fit_pattern("01055217730", pattern) == "010-5521-7730"
    assert fit_pattern("02 555 1234", pattern) is None  # no mobile number


def test_a_family_counted_in_sikgu_is_a_number_of_people() -> None:
    said = numbers("세 식구가 잘 수 있으면 돼요")
    assert [(n.value, n.unit) for n in said] == [(3, "명")]
    assert [(n.value, n.unit) for n in numbers("우리 4식구예요")] == [(4, "명")]


def test_sizes_and_genres_by_their_everyday_words() -> None:
    storage = parse_tools(
        [
            function_tool(
                "find_lockers",
                "빈 보관함 찾기",
                {"size": enum_param("보관함 크기", ["소형", "중형", "대형"])},
                ["size"],
            )
        ]
    )[0]
    assert values(storage, "캐리어 두 개라 중간 크기면 될 것 같아요")["size"] == "중형"
    shows = _plays()
    assert values(shows, "대학로에 무서운 연극 뭐 있어?")["genre"] == "공포"


def test_a_building_of_any_name_and_its_unit_after_the_street_number() -> None:
    visit = parse_tools(
        [
            function_tool(
                "book_filter_change",
                "정수기 필터 교체 방문 예약",
                {"address": string_param("방문 주소"), "units": integer_param("정수기 대수")},
                ["address"],
            )
        ]
    )[0]
    got = values(visit, "예약할게요. 주소는 대전 서구 둔산동 1203-4 리버뷰 807호예요")
    assert got["address"] == "대전 서구 둔산동 1203-4 리버뷰 807호"
    assert "units" not in got  # the unit of a flat is no count


def test_advice_asked_after_another_thing_done_is_knowledge() -> None:
    assert text_act("예방접종 맞고 나서 바로 사우나 가도 돼?") == "explain"
    assert text_act("내일 가도 돼?") != "explain"  # says when


def test_a_choice_taken_with_a_promise_books_it() -> None:
    assert text_act("30분짜리로 다음 주 화요일 세 시에 할게요") == "create"
    assert text_act("노란 보트로 넷이서 갈게") == "create"
    assert text_act("내일 다시 올게요") is None
    listed = tool_result(
        {
            "boats": [
                {"boat_code": "RB-2", "name": "노란 보트", "seats": 4},
                {"boat_code": "RB-5", "name": "파란 보트", "seats": 2},
            ]
        }
    )
    d = decide(
        [
            user("토요일에 보트 빌릴 수 있는 거 보여줘"),
            called("search_rowboats", date="2026-05-16"),
            listed,
            assistant("노란 보트(4인)와 파란 보트(2인)가 있어요."),
            user("노란 보트로 오후 두 시에 할게요"),
        ],
        BOATS,
        now=NOW,
    )
    assert d.kind == "ask" and d.tool == "book_rowboat"
    assert set(d.missing) == {"renter_name", "renter_phone"}
    # "20분짜리" names an item, not a booking's number
    change = parse_tools(BOATS)[3]
    assert "booking_no" not in values(change, "20분짜리로 바꿀게요")


def test_a_given_name_ending_in_a_keeps_it() -> None:
    assert strip_ending("정윤아,") == "정윤아"
    assert strip_ending("한빛초등학교야") == "한빛초등학교"


def test_a_genre_said_not_to_be_is_no_value() -> None:
    shows = _plays()
    assert "genre" not in values(shows, "안 무서운 연극 뭐 있어?")


PLOTS = [
    function_tool(
        "list_garden_plots",
        "시에서 분양하는 텃밭 구획 목록",
        {"city": string_param("시 이름")},
        ["city"],
    ),
    function_tool(
        "apply_garden_plot",
        "텃밭 구획 분양을 신청합니다.",
        {
            "plot_id": string_param("구획 ID"),
            "applicant_name": string_param("신청자 이름"),
            "phone": MOBILE,
            "is_resident": {"type": "boolean", "description": "해당 시 거주 여부"},
        },
        ["plot_id", "applicant_name", "phone", "is_resident"],
    ),
]


def test_a_surname_and_a_given_name_the_analyser_reads_apart_and_a_citizen() -> None:
    apply = parse_tools(PLOTS)[1]
    got = values(apply, "개울 옆 걸로 신청할래요. 윤재석이고 수원 시민이에요")
    assert got["applicant_name"] == "윤재석"
    assert got["is_resident"] is True


def test_a_phone_number_said_digit_by_digit_answers_the_question() -> None:
    apply = parse_tools(PLOTS)[1]
    got = values(apply, "공일공 삼칠공일 팔팔이사요", {"phone"})
    assert got["phone"] == "010-3701-8824"
    # not asked, digits said so are no number: 이사 and 오이 are words
    assert "phone" not in values(apply, "공일공 삼칠공일 팔팔이사요")


TRANSLATION = [
    function_tool(
        "translation_quote",
        "번역 견적을 냅니다.",
        {"pages": integer_param("쪽수")},
        ["pages"],
    ),
    function_tool(
        "order_translation_job",
        "견적 번호로 번역을 주문합니다.",
        {
            "quote_id": string_param("견적 번호"),
            "delivery": enum_param("수령 방법", ["pickup", "courier", "email"]),
            "due_date": {**DAY, "description": "완료 희망일"},
        },
        ["quote_id", "delivery", "due_date"],
    ),
]


def test_a_way_of_receiving_said_in_everyday_words_and_the_soonest_day_offered() -> None:
    order = parse_tools(TRANSLATION)[1]
    assert values(order, "받는 건 택배로 할게요")["delivery"] == "courier"
    assert values(order, "직접 찾으러 갈게요")["delivery"] == "pickup"
    quote = tool_result({"quote_id": "TQ-310", "total": 90000, "earliest_due": "2026-11-25"})
    d = decide(
        [
            user("졸업증명서 세 장 번역 견적 내 주세요"),
            called("translation_quote", pages=3),
            quote,
            assistant("총 9만 원이고 빠르면 11월 25일에 받으실 수 있어요."),
            user("진행해 주세요. 메일로 받을게요"),
            assistant("완료 희망일은 언제로 할까요?"),
            user("제일 빠른 날로요"),
        ],
        TRANSLATION,
        now=NOW,
    )
    assert d.kind == "call" and d.tool == "order_translation_job"
    assert d.arguments == {"quote_id": "TQ-310", "delivery": "email", "due_date": "2026-11-25"}


WASH = [
    function_tool("wash_menu", "출장 세차 메뉴와 가격", {}, []),
    function_tool(
        "book_car_wash",
        "출장 세차 예약. 차가 세워진 위치를 받아야 기사님이 찾아갈 수 있습니다.",
        {
            "menu_code": string_param("메뉴 코드"),
            "car_model": string_param("차종"),
            "parking_spot": string_param("주차 위치"),
            "date": DAY,
            "time": CLOCK,
        },
        ["menu_code", "car_model", "parking_spot", "date", "time"],
    ),
    function_tool(
        "move_car_wash",
        "세차 예약 일시 변경",
        {"booking_id": string_param("예약 번호"), "new_date": DAY, "new_time": CLOCK},
        ["booking_id", "new_date", "new_time"],
    ),
]
WASH_MENU = tool_result(
    {
        "menu": [
            {"menu_code": "M-OUT", "name": "외부 세차", "price": 30000},
            {"menu_code": "M-ALL", "name": "실내외 스팀세차", "price": 80000},
            {"menu_code": "M-WAX", "name": "스팀세차+왁스 광택", "price": 140000},
        ]
    }
)


def test_the_item_said_more_wholly_is_chosen_and_someone_asked_to_come_books() -> None:
    history = [
        user("출장 세차 메뉴 좀 보여줘"),
        called("wash_menu"),
        WASH_MENU,
        assistant("외부 세차 3만 원, 실내외 스팀세차 8만 원, 스팀세차+왁스 광택 14만 원이에요."),
        user("스팀세차로 모레 오전 열 시에 와 주세요"),
    ]
    d = decide(history, WASH, now=NOW)
    assert d.kind == "ask" and d.tool == "book_car_wash"
    assert set(d.missing) == {"car_model", "parking_spot"}
    history += [
        assistant("차종과 차가 세워진 위치를 알려주세요."),
        user("쏘렌토고요, 아파트 지하 2층 기둥 D-07에 있어요"),
    ]
    d = decide(history, WASH, now=NOW)
    assert d.kind == "call" and d.tool == "book_car_wash"
    assert d.arguments["menu_code"] == "M-ALL"
    assert d.arguments["car_model"] == "쏘렌토"
    assert d.arguments["parking_spot"] == "아파트 지하 2층 기둥 D-07"


def test_what_must_be_brought_and_whether_a_thing_can_be_seen_are_knowledge() -> None:
    assert text_act("건강검진 받으러 갈 때 뭐 챙겨 가야 돼요?") == "explain"
    assert text_act("목성 위성이 쌍안경으로도 보여요? 와 대박") != "lookup"
    assert text_act("예약 내역 보여 줄래요?") == "lookup"


def test_an_elevator_said_short_and_the_maker_a_thing_is_of() -> None:
    moving = parse_tools(
        [
            function_tool(
                "moving_quote",
                "이사 견적",
                {
                    "floor": integer_param("층수"),
                    "elevator": {"type": "boolean", "description": "엘리베이터 유무"},
                },
                ["floor"],
            )
        ]
    )[0]
    assert values(moving, "5층인데 엘베는 있어요") == {"floor": 5, "elevator": True}
    buyback = parse_tools(
        [
            function_tool(
                "used_tv_price",
                "중고 TV 매입가 조회",
                {"brand": string_param("제조사"), "year": integer_param("구입 연도")},
                ["brand"],
            )
        ]
    )[0]
    got = values(buyback, "이사 가면서 TV 팔려구요. 삼성 거고 2022년에 샀어요")
    assert got["brand"] == "삼성"
    assert values(buyback, "TV 팔려구요. 오래 쓰던 거예요").get("brand") != "쓰던"


def test_probe_review_near_misses_of_this_round() -> None:
    # a (으)로 with no time or party books nothing; a time said after 하고 나서 says when
    for said in (
        "생각해 보고 나중에 전화로 할게요",
        "그럼 없던 걸로 할게요",
        "오늘은 그냥 집으로 갈게요",
    ):
        assert text_act(said) != "create", said
    assert text_act("일 끝나고 나서 일곱 시쯤 가도 돼요?") != "explain"
    assert text_act("지금 제 주문 내역 보여요?") == "lookup"
    # someone asked to come, quoted from elsewhere, asks for nothing
    assert text_act("문자에 열 시에 와 주세요라고 돼 있던데 주차는 돼요?") != "create"
    order = parse_tools(TRANSLATION)[1]
    for said in ("우편번호가 바뀌었어요", "메일 주소 확인하려고요", "택배 찾으러 가느라 늦었네요"):
        assert "delivery" not in values(order, said), said
    apply = parse_tools(PLOTS)[1]
    assert "is_resident" not in values(apply, "시민공원 옆 텃밭으로 신청할래요")
    assert values(apply, "저 여기 주민인데요")["is_resident"] is True
    maker = parse_tools(
        [function_tool("used_tv_price", "중고 TV 매입가", {"brand": string_param("제조사")}, [])]
    )[0]
    for said in ("작년 거고 상태는 좋아요", "이거 동생 거예요"):
        assert "brand" not in values(maker, said), said
    shows = _plays()
    assert values(shows, "애가 무서운 건 싫어해서 코미디로 찾아 줘")["genre"] == "코미디"
    wash = parse_tools(WASH)[1]
    asked = {"car_model", "parking_spot"}
    got = values(wash, "그랜저고 아파트 지하 1층 B-12 기둥 옆에 있어요", asked)
    assert got == {"car_model": "그랜저", "parking_spot": "아파트 지하 1층 B-12 기둥 옆"}
    assert "parking_spot" not in values(wash, "아반떼인데 그 시간엔 제가 집에 있어요", asked)
    # a final 이 before 요 is a digit when the number needs it; a coupon's digits are no phone
    plot = parse_tools(PLOTS)[1]
    assert values(plot, "공일공 구팔칠육 오사삼이요", {"phone"})["phone"] == "010-9876-5432"
    assert "phone" not in values(plot, "쿠폰은 공공일 이삼사 오육칠팔이요", {"phone"})


def test_a_time_word_the_yes_or_no_is_about_and_a_word_of_letters_is_no_id() -> None:
    centers = parse_tools(
        [
            function_tool(
                "find_test_centers",
                "지역의 자동차 검사소 찾기",
                {
                    "region": string_param("지역"),
                    "weekend_open": {"type": "boolean", "description": "주말 운영 검사소만 보기"},
                },
                ["region"],
            )
        ]
    )[0]
    assert values(centers, "가까운 검사소 찾아줘. 주말에도 하는 데로")["weekend_open"] is True
    tour = parse_tools(
        [
            function_tool(
                "visit_daycare",
                "어린이집 방문 상담 신청",
                {"center_id": string_param("어린이집 ID"), "date": DAY},
                ["center_id", "date"],
            )
        ]
    )[0]
    assert "center_id" not in values(tour, "CCTV 있는 데 가 보고 싶어요")


def test_an_item_named_by_its_english_word_and_its_one_free_slot() -> None:
    courts = [
        function_tool(
            "find_courts",
            "빈 테니스 코트 찾기",
            {"date": DAY},
            ["date"],
        ),
        function_tool(
            "book_court",
            "테니스 코트 예약",
            {"court_id": string_param("코트 ID"), "date": DAY, "start_time": CLOCK},
            ["court_id", "date", "start_time"],
        ),
    ]
    listed = tool_result(
        {
            "courts": [
                {"court_id": "T-1", "surface": "hard", "free_slots": ["08:00", "10:00"]},
                {"court_id": "T-7", "surface": "grass", "free_slots": ["16:00"]},
            ]
        }
    )
    d = decide(
        [
            user("모레 빈 코트 있어?"),
            called("find_courts", date="2026-11-20"),
            listed,
            assistant("하드 코트 T-1은 8시와 10시, 잔디 코트 T-7은 4시에 비어 있어요."),
            user("그래스 코트로 예약해 줘"),
        ],
        courts,
        now=NOW,
    )
    assert d.kind == "call" and d.tool == "book_court"
    assert d.arguments == {"court_id": "T-7", "date": "2026-11-20", "start_time": "16:00"}


def test_one_doing_it_for_the_first_time_and_the_value_just_named() -> None:
    lessons = parse_tools(
        [
            function_tool(
                "surf_lessons",
                "서핑 강습 목록",
                {"level": enum_param("수준", ["입문", "초급", "중급"])},
                ["level"],
            )
        ]
    )[0]
    assert values(lessons, "처음 하는 사람이 들을 만한 강습 있어요?")["level"] == "입문"
    courses = [
        function_tool(
            "license_course_list",
            "면허 종류별 과정 목록",
            {"license_class": enum_param("면허 종류", ["1종 보통", "2종 보통", "2종 소형"])},
            ["license_class"],
        )
    ]
    d = decide(
        [
            user("오토만 몰 거면 면허 뭐 따야 돼?"),
            assistant("자동변속기 차만 모실 거면 보통 2종 보통을 많이 따요."),
            user("그럼 그걸로 과정 목록 보여줘"),
        ],
        courses,
        now=NOW,
    )
    assert d.kind == "call" and d.arguments == {"license_class": "2종 보통"}
