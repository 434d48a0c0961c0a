"""Answers people give to an assistant's question (round 9): a list of things, a length of time
in other units than the parameter counts, English values said in Hangul (이코노미, 라지), an
adjective for a value (큰 거요), a score from a list of numbers (다섯 개, 만점), and a guess from
an answer that must not replace what the request said. Every tool and sentence here is written
for these tests (none comes from a benchmark or a development set)."""

from __future__ import annotations

import pytest
from _tool_fixtures import NOW, assistant, function_tool, string_param, user
from _tool_fixtures import answer_to as _answer
from _tool_fixtures import enum_param as _enum
from _tool_fixtures import filled as _filled

from kodial.korean.loanwords import loanword_mentions, skeleton, sounds_like
from kodial.tools import decide

FLIGHT = [
    function_tool(
        "book_flight",
        "항공권을 예약합니다",
        {
            "dest": string_param("도착 도시"),
            "seat_class": _enum("좌석 등급", ["economy", "business", "first_class"]),
        },
        ["dest", "seat_class"],
    )
]


@pytest.mark.parametrize(
    ("reply", "value"),
    [("이코노미요", "economy"), ("비즈니스석으로", "business"), ("퍼스트 클래스요", "first_class")],
)
def test_an_english_value_said_in_hangul_answers_the_question(reply, value):
    d = _answer(FLIGHT, "부산 가는 비행기 예약해줘", "좌석 등급은 어떻게 하시겠어요?", reply)
    assert d.kind == "call"
    # the answer's words are the seat, not a new destination
    assert d.arguments == {"dest": "부산", "seat_class": value}


def test_a_hangul_value_in_a_request_needs_its_consonants_and_first_vowel():
    d = decide([user("제주 가는 이코노미석으로 예약")], FLIGHT, "auto", now=NOW)
    assert d.arguments.get("seat_class") == "economy"
    # 파이썬 and beginner share a skeleton (PSN); their first vowels tell them apart
    assert loanword_mentions("파이썬 왕초보 강좌", ["beginner", "advanced"]) == []
    assert loanword_mentions("비기너 강좌", ["beginner", "advanced"]) == [(0, 3, "beginner")]
    # two words are read together only for a value of two words (건 너무 is not economy)
    assert loanword_mentions("싼 건 너무 이르고", ["economy", "business"]) == []
    # two consonants are enough only in an answer to a question about the value
    assert loanword_mentions("라지", ["small", "large"]) == []
    assert loanword_mentions("라지", ["small", "large"], asked=True) == [(0, 2, "large")]


def test_skeletons_of_loanwords():
    for hangul, latin in [
        ("이코노미", "economy"),
        ("라지", "large"),
        ("디럭스", "deluxe"),
        ("스탠다드", "standard"),
        ("싱글", "single"),
        ("프리미엄", "premium"),
    ]:
        assert sounds_like(hangul, latin), (hangul, latin, skeleton(hangul), skeleton(latin))
    assert not sounds_like("스몰", "large")
    assert not sounds_like("오토", "auto")  # one consonant says too little


def test_an_answers_guess_does_not_replace_what_the_request_said():
    table = [
        function_tool(
            "book_table",
            "식당 테이블을 예약합니다",
            {
                "restaurant": string_param("식당 이름"),
                "people": {"type": "integer", "description": "인원 수", "minimum": 1},
            },
            ["restaurant", "people"],
        )
    ]
    asked = "몇 분이 방문하시나요?"
    d = _answer(table, "바다횟집 식당 테이블 예약해줘", asked, "어른 둘 아이 하나")
    assert d.arguments["restaurant"] == "바다횟집"
    d = _answer(table, "바다횟집 식당 테이블 예약해줘", asked, "저 혼자요")
    assert d.arguments == {"restaurant": "바다횟집", "people": 1}


SHOPPING = [
    function_tool(
        "make_list",
        "장보기 목록을 만듭니다",
        {"items": {"type": "array", "items": {"type": "string"}, "description": "살 물건 목록"}},
        ["items"],
    )
]


@pytest.mark.parametrize(
    ("reply", "items"),
    [
        ("사과랑 우유", ["사과", "우유"]),
        ("계란, 두부, 대파", ["계란", "두부", "대파"]),
        ("휴지하고 세제 그리고 샴푸요", ["휴지", "세제", "샴푸"]),
    ],
)
def test_a_list_of_things_answers_a_question_about_a_list(reply, items):
    d = _answer(SHOPPING, "장보기 목록 만들어줘", "어떤 물건을 넣을까요?", reply)
    assert d.kind == "call"
    assert d.arguments == {"items": items}


def test_nouns_joined_into_a_list_fill_the_one_list_of_a_tool():
    d = decide([user("사과랑 우유를 장보기 목록에 넣어줘")], SHOPPING, "auto", now=NOW)
    assert d.arguments == {"items": ["사과", "우유"]}
    # one thing is no list: it is asked for
    d = decide([user("장보기 목록 만들어줘")], SHOPPING, "auto", now=NOW)
    assert d.kind == "ask"


TIMER = [
    function_tool(
        "set_timer",
        "타이머를 설정합니다",
        {"minutes": {"type": "integer", "description": "타이머 시간(분)", "minimum": 1}},
        ["minutes"],
    )
]


@pytest.mark.parametrize(
    ("reply", "minutes"),
    [("1시간", 60), ("한 시간 반", 90), ("반 시간", 30), ("1시간 20분", 80), ("15분", 15)],
)
def test_a_length_of_time_is_given_in_the_unit_the_parameter_counts(reply, minutes):
    d = _answer(TIMER, "타이머 맞춰줘", "몇 분으로 설정할까요?", reply)
    assert d.kind == "call"
    assert d.arguments == {"minutes": minutes}


def test_a_phone_number_is_laid_out_as_the_pattern_fixes_it():
    phone = {"type": "string", "description": "휴대폰 번호", "pattern": r"^010-\d{4}-\d{4}$"}
    tools = [
        function_tool(
            "register",
            "회원 가입합니다",
            {"name": string_param("이름"), "phone": phone},
            ["name", "phone"],
        )
    ]
    for reply in ("01012345678", "010.1234.5678", "010 1234 5678이요"):
        d = _answer(tools, "김민지로 회원 가입할게요", "휴대폰 번호를 알려주세요.", reply)
        assert d.arguments == {"name": "김민지", "phone": "010-1234-5678"}, reply
    # a number the pattern's fixed digits refuse is asked again, never rewritten
    d = _answer(tools, "김민지로 회원 가입할게요", "휴대폰 번호를 알려주세요.", "011 1234 5678")
    assert d.kind == "ask"
    assert d.missing == ["phone"]


def test_an_adjective_before_a_noun_says_a_value():
    tools = [
        function_tool(
            "order_coffee",
            "커피를 주문합니다",
            {"menu": string_param("메뉴"), "size": _enum("사이즈", ["small", "medium", "large"])},
            ["menu", "size"],
        )
    ]
    for reply, size in (("큰 거요", "large"), ("작은 걸로", "small"), ("라지", "large")):
        d = _answer(tools, "아메리카노 하나 주문", "사이즈는요?", reply)
        assert d.arguments == {"menu": "아메리카노", "size": size}, reply
    movies = [
        function_tool(
            "search_movie",
            "영화를 검색합니다",
            {"genre": _enum("장르", ["action", "comedy", "horror", "animation"])},
            ["genre"],
        )
    ]
    assert decide([user("무서운 영화 찾아줘")], movies, "auto", now=NOW).arguments == {
        "genre": "horror"
    }
    # said negated, it is no value
    d = decide([user("안 무서운 영화 찾아줘")], movies, "auto", now=NOW)
    assert d.arguments.get("genre") != "horror"


def test_a_compound_means_its_value_whole():
    tools = [
        function_tool(
            "pay_bill",
            "공과금을 납부합니다",
            {
                "bill": _enum("공과금 종류", ["electricity", "water", "gas"]),
                "method": _enum("결제 수단", ["card", "bank_transfer", "point"]),
            },
            ["bill", "method"],
        )
    ]
    d = _answer(tools, "가스비 납부", "결제 수단을 골라주세요.", "계좌이체요")
    assert d.arguments == {"bill": "gas", "method": "bank_transfer"}


@pytest.mark.parametrize(
    ("reply", "stars"),
    [("다섯 개", 5), ("세 개요", 3), ("4점", 4), ("만점", 5), ("5점 만점에 4점", 4)],
)
def test_a_score_from_a_list_of_numbers(reply, stars):
    tools = [
        function_tool(
            "rate_movie",
            "영화에 평점을 남깁니다",
            {
                "movie": string_param("영화 제목"),
                "stars": {"type": "integer", "description": "별점", "enum": [1, 2, 3, 4, 5]},
            },
            ["movie", "stars"],
        )
    ]
    d = _answer(tools, "하얼빈 평점 남길게", "별점은 몇 점 주시겠어요?", reply)
    assert d.arguments == {"movie": "하얼빈", "stars": stars}


def test_a_thing_to_do_keeps_its_nominal_ending():
    tools = [
        function_tool(
            "create_reminder",
            "리마인더를 등록합니다",
            {"title": string_param("리마인더 내용"), "date": {"type": "string", "format": "date"}},
            ["title", "date"],
        )
    ]
    d = _answer(tools, "리마인더 등록해줘", "무엇을 알려드릴까요?", "엄마 생신 선물 사기")
    assert _filled(d)["title"] == "엄마 생신 선물 사기"


def test_people_counted_are_not_what_is_booked():
    hotel = [
        function_tool(
            "book_hotel",
            "호텔 객실을 예약합니다",
            {
                "hotel": string_param("호텔 이름"),
                "nights": {"type": "integer", "description": "숙박 일수"},
                "guests": {"type": "integer", "description": "투숙 인원"},
            },
            ["hotel", "nights", "guests"],
        )
    ]
    d = decide([user("신라호텔 2박 성인 2명 예약해줘")], hotel, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments["hotel"].startswith("신라")  # (the hotel's kind word may go)
    assert (d.arguments["nights"], d.arguments["guests"]) == (2, 2)


SHIP = [
    function_tool(
        "ship",
        "배송지를 등록합니다",
        {
            "zip": {"type": "string", "description": "우편번호", "pattern": r"^\d{5}$"},
            "name": string_param("받는 분 이름"),
        },
        ["zip", "name"],
    )
]

MESSAGE = [
    function_tool(
        "send_message",
        "문자를 보냅니다",
        {"to": string_param("받는 사람"), "text": string_param("보낼 내용")},
        ["to", "text"],
    )
]


def test_a_message_keeps_its_words_and_its_recipient():
    # a parameter named "to" and described as a person is whom it goes to (X에게), and the
    # words quoted as said are the message's, not the recipient's name
    d = decide([user("엄마에게 '곧 도착해요' 라고 보내줘")], MESSAGE, "auto", now=NOW)
    assert d.arguments == {"to": "엄마", "text": "곧 도착해요"}
    # what is reported may hold a day; it is given in its plain form
    d = decide([user("민수한테 오늘 회의 취소됐다고 문자 보내줘")], MESSAGE, "auto", now=NOW)
    assert d.arguments == {"to": "민수", "text": "오늘 회의 취소됐다"}
    # an answer that is the message keeps its ending
    d = _answer(
        MESSAGE, "김과장님께 문자 보내줘", "어떤 내용을 보낼까요?", "내일 보고서 드리겠습니다"
    )
    assert d.arguments == {"to": "김과장님", "text": "내일 보고서 드리겠습니다"}


def test_an_account_sent_to_is_no_person():
    tools = [
        function_tool(
            "transfer",
            "송금합니다",
            {"to_account": string_param("받는 계좌번호"), "amount": {"type": "integer"}},
            ["to_account", "amount"],
        )
    ]
    d = decide([user("110234567890으로 5만원 보내줘")], tools, "auto", now=NOW)
    assert d.arguments == {"to_account": "110234567890", "amount": 50000}


def test_a_language_is_said_by_its_name_and_a_quoted_object_is_the_text():
    tools = [
        function_tool(
            "translate",
            "문장을 번역합니다",
            {"text": string_param("번역할 문장"), "target": _enum("도착 언어", ["en", "ja", "zh"])},
            ["text", "target"],
        )
    ]
    d = decide([user("'감사합니다'를 일본어로 번역해줘")], tools, "auto", now=NOW)
    assert d.arguments == {"text": "감사합니다", "target": "ja"}
    # a title quoted inside a longer text is not the text
    count = [
        function_tool(
            "count_words", "단어 수를 셉니다", {"text": string_param("단어를 셀 텍스트")}, ["text"]
        )
    ]
    said = "몇 단어인지 세줘: 우리 동네는 '가을 축제'를 맞아 거리마다 등을 달고 공연을 열었다."
    d = decide([user(said)], count, "auto", now=NOW)
    assert d.arguments.get("text") != "가을 축제"


def test_a_long_number_is_the_identifier_asked_for():
    tools = [
        function_tool(
            "track_parcel",
            "택배 배송을 조회합니다",
            {
                "tracking_no": string_param("운송장 번호"),
                "carrier": _enum("택배사", ["CJ대한통운", "한진택배", "우체국택배"]),
            },
            ["tracking_no", "carrier"],
        )
    ]
    d = decide([user("우체국 택배 6012345678901 어디쯤이야")], tools, "auto", now=NOW)
    assert d.arguments == {"tracking_no": "6012345678901", "carrier": "우체국택배"}


def test_a_question_is_about_the_tool_whose_parameters_it_names():
    day = {"type": "string", "format": "date", "description": "수업 날짜"}
    tools = [
        function_tool(
            "search_class", "요가 수업을 찾아봅니다", {"branch": string_param("지점")}, ["branch"]
        ),
        function_tool(
            "book_class",
            "요가 수업을 예약합니다",
            {"class_date": day, "level": _enum("난이도", ["초급", "중급"])},
            ["class_date", "level"],
        ),
    ]
    # "요가" alone scores the search a little higher, but the assistant asked for the level,
    # which only the booking takes: the answer continues the booking
    msgs = [user("요가"), assistant("난이도와 날짜는 어떻게 할까요?"), user("모레 초급이요")]
    d = decide(msgs, tools, "auto", now=NOW)
    assert (d.kind, d.tool) == ("call", "book_class")
    assert d.arguments == {"class_date": "2026-11-20", "level": "초급"}


def test_an_area_is_the_proper_names_that_begin_the_phrase():
    tools = [
        function_tool(
            "search_restaurant",
            "맛집을 검색합니다",
            {"area": string_param("지역"), "food": string_param("음식 종류")},
            ["area"],
        )
    ]
    d = decide([user("성수동 파스타 맛집 찾아줘")], tools, "auto", now=NOW)
    assert d.arguments["area"] == "성수동"
    d = decide([user("부산 해운대 횟집 맛집 찾아줘")], tools, "auto", now=NOW)
    assert d.arguments["area"] == "부산 해운대"


def test_an_answer_says_a_korean_value_in_other_words():
    tools = [
        function_tool(
            "call_taxi",
            "택시를 호출합니다",
            {
                "origin": string_param("출발지"),
                "destination": string_param("목적지"),
                "car_type": _enum("차량 종류", ["일반", "모범", "대형"]),
            },
            ["origin", "destination", "car_type"],
        )
    ]
    asked = "차량 종류를 선택해주세요."
    d = _answer(tools, "강남역에서 인천공항까지 택시 불러줘", asked, "큰 차로")
    assert d.arguments == {"origin": "강남역", "destination": "인천공항", "car_type": "대형"}
    # an answer that means no value clearly is asked again, not guessed
    d = _answer(tools, "강남역에서 인천공항까지 택시 불러줘", asked, "작은 차")
    assert d.kind == "ask" and d.missing == ["car_type"]
    # the same words in a request nobody asked about are no answer
    d = decide([user("큰 차로 강남역에서 인천공항까지 택시")], tools, "auto", now=NOW)
    assert d.arguments.get("car_type") != "대형" or d.kind == "ask"


def test_an_end_or_the_middle_of_a_range_is_a_value():
    level = {"type": "integer", "description": "볼륨 (0-100)", "minimum": 0, "maximum": 100}
    tools = [function_tool("set_volume", "스피커 볼륨을 조절합니다", {"level": level}, ["level"])]
    for said, value in (("볼륨 최대로", 100), ("소리 절반으로 줄여줘", 50), ("볼륨 최소로", 0)):
        d = decide([user(said)], tools, "auto", now=NOW)
        assert d.arguments == {"level": value}, said
    # a number said wins over the words
    assert decide([user("볼륨 30으로")], tools, "auto", now=NOW).arguments == {"level": 30}


def test_digits_spelled_or_spaced_are_laid_out_as_the_pattern_asks():
    code = {"type": "string", "description": "인증 번호 6자리", "pattern": r"^\d{6}$"}
    tools = [function_tool("verify", "본인 인증을 완료합니다", {"code": code}, ["code"])]
    for reply in ("482913", "482-913", "4 8 2 9 1 3", "사팔이구일삼"):
        d = _answer(tools, "인증 완료해줘", "인증 번호 6자리를 알려주세요.", reply)
        assert d.arguments == {"code": "482913"}, reply
    # a decimal point is never dropped to make a code
    d = _answer(tools, "인증 완료해줘", "인증 번호 6자리를 알려주세요.", "4829.13")
    assert d.kind == "ask"


def test_addressed_to_a_person():
    tools = SHIP
    d = _answer(tools, "김민지 앞으로 배송지 등록", "우편번호를 알려주세요.", "공육이삼육")
    assert d.arguments == {"zip": "06236", "name": "김민지"}


def test_how_is_it_about_a_new_value_follows_the_last_call_up():
    from _tool_fixtures import called, tool_result

    day = {"type": "string", "format": "date", "description": "날짜"}
    weather = [
        function_tool(
            "get_weather",
            "날씨를 조회합니다",
            {"city": string_param("도시 이름"), "date": day},
            ["city", "date"],
        )
    ]
    before = [
        user("내일 부산 날씨 어때?"),
        called("get_weather", city="부산", date="2026-11-19"),
        tool_result({"city": "부산", "weather": "맑음"}),
        assistant("내일 부산은 맑아요."),
    ]
    d = decide([*before, user("서울은 어때?")], weather, "auto", now=NOW)
    assert (d.tool, d.arguments) == ("get_weather", {"city": "서울", "date": "2026-11-19"})
    # "내일 날씨는 어때?" after an alarm is no follow-up of the alarm: 날씨 is none of its values
    alarm = [
        function_tool(
            "add_alarm", "알람을 설정합니다", {"time": string_param("알람 시각")}, ["time"]
        )
    ]
    after_alarm = [
        user("내일 아침 7시에 알람"),
        called("add_alarm", time="내일 아침 7시"),
        tool_result({"status": "success"}),
        assistant("알람을 설정했어요."),
        user("내일 날씨는 어때?"),
    ]
    assert decide(after_alarm, alarm, "auto", now=NOW).kind == "decline"


def test_a_bound_with_its_particle_is_no_search_word():
    tools = [
        function_tool(
            "search_product",
            "상품을 검색합니다",
            {
                "keyword": string_param("검색어"),
                "max_price": {"type": "integer", "description": "최대 가격(원)"},
            },
            ["keyword"],
        )
    ]
    d = decide([user("무선 이어폰 5만원 이하로 찾아줘")], tools, "auto", now=NOW)
    assert d.arguments == {"keyword": "무선 이어폰", "max_price": 50000}


def test_yes_and_no_said_without_ne_or_anio():
    ticket = [
        function_tool(
            "buy_ticket",
            "공연 티켓을 예매합니다",
            {
                "show": string_param("공연 이름"),
                "insurance": {"type": "boolean", "description": "취소 보험 가입 여부"},
            },
            ["show", "insurance"],
        )
    ]
    asked = "취소 보험도 가입하시겠어요?"
    for reply, value in (("필요 없어요", False), ("그건 됐어요", False), ("해주세요", True)):
        d = _answer(ticket, "레미제라블 예매", asked, reply)
        assert d.arguments == {"show": "레미제라블", "insurance": value}, reply


def test_a_loanword_spelled_another_way_answers_a_question_about_it():
    salon = [
        function_tool(
            "book_salon",
            "미용실을 예약합니다",
            {"when": string_param("예약 시간"), "service": _enum("시술", ["커트", "펌", "염색"])},
            ["when", "service"],
        )
    ]
    for reply, value in (("파마요", "펌"), ("컷이요", "커트")):
        d = _answer(salon, "내일 3시 예약", "어떤 시술을 받으시겠어요?", reply)
        assert d.arguments.get("service") == value, reply


# --- the round's review: each of these was read wrongly by a first version of the rules -----


def test_korean_grammar_words_are_never_english_values():
    aircon = [
        function_tool(
            "set_aircon",
            "에어컨 모드를 설정합니다",
            {"mode": _enum("운전 모드", ["cool", "heat", "dry", "fan"])},
            ["mode"],
        )
    ]
    d = _answer(aircon, "에어컨 모드 바꿔줘", "어떤 모드로 할까요?", "따뜻한 걸로요")
    assert d.arguments == {"mode": "heat"}  # 걸 (것 + 을) is not "cool"
    repeat = _enum("반복 주기", ["daily", "weekly", "monthly"])
    tools = [
        function_tool(
            "set_reminder",
            "반복 알림 설정",
            {"title": string_param("알림 제목"), "repeat": repeat},
            ["title", "repeat"],
        )
    ]
    d = _answer(tools, "약 먹기 반복 알림 설정", "반복 주기는 어떻게 할까요?", "한 달에 한 번")
    assert d.arguments.get("repeat") != "daily"  # 달 (one syllable) is no loanword
    pay = [
        function_tool(
            "pay",
            "결제합니다",
            {"amount": {"type": "integer"}, "method": _enum("결제 수단", ["cash", "card"])},
            ["amount", "method"],
        )
    ]
    d = _answer(pay, "3만원 결제해줘", "결제 수단은요?", "현금으로 갔다 줄게요")
    assert d.arguments.get("method") == "cash"  # 갔다 is a verb, not "card"
    d = _answer(pay, "3만원 결제해줘", "결제 수단은요?", "거기서 할게요")
    assert d.kind != "call"


def test_a_place_keeps_the_noun_that_ends_its_name():
    taxi = [
        function_tool(
            "call_taxi", "택시 호출", {"destination": string_param("도착 장소")}, ["destination"]
        )
    ]
    for said, place in (
        ("김포 공항으로 택시 불러줘", "김포 공항"),
        ("서울 시청으로 택시 불러줘", "서울 시청"),
        ("부산 터미널까지 택시", "부산 터미널"),
    ):
        assert decide([user(said)], taxi, "auto", now=NOW).arguments == {"destination": place}


def test_an_answer_may_correct_a_name_the_request_gave():
    car = _enum("차종", ["경차", "소형", "중형", "대형", "SUV"])
    tools = [
        function_tool(
            "rent_car",
            "렌터카 예약",
            {"city": string_param("대여 지역"), "car_type": car},
            ["city", "car_type"],
        )
    ]
    asked = "차종은 어떤 걸로 할까요?"
    d = _answer(tools, "제주에서 렌터카 예약해줘", asked, "서귀포에서 경차로")
    assert d.arguments == {"city": "서귀포", "car_type": "경차"}
    d = _answer(tools, "제주에서 렌터카 예약해줘", asked, "아 부산으로 바꿔서 중형")
    assert d.arguments == {"city": "부산", "car_type": "중형"}


def test_the_language_translated_into_is_the_one_said_with_ro():
    target = _enum("목표 언어", ["en", "ja", "zh", "ko"])
    tools = [
        function_tool(
            "translate",
            "번역",
            {"text": string_param("번역할 문장"), "target": target},
            ["text", "target"],
        )
    ]
    d = decide([user('한국어 문장 "좋은 아침"을 영어로 번역해줘')], tools, "auto", now=NOW)
    assert d.arguments.get("target") == "en"


def test_a_list_is_not_read_from_a_name_a_title_or_a_verb():
    songs = {"type": "array", "items": {"type": "string"}, "description": "곡 제목 목록"}
    playlist = [
        function_tool(
            "make_playlist",
            "플레이리스트 만들기",
            {"name": string_param("플레이리스트 이름"), "songs": songs},
            ["name", "songs"],
        )
    ]
    d = decide([user("봄과 여름 플레이리스트 만들어줘")], playlist, "auto", now=NOW)
    assert "songs" not in _filled(d)  # the words before 플레이리스트 name it
    people = {"type": "array", "items": {"type": "string"}, "description": "참석자 이름 목록"}
    invite = [
        function_tool(
            "invite",
            "회의에 참석자 초대",
            {"title": string_param("회의 제목"), "attendees": people},
            ["title", "attendees"],
        )
    ]
    d = decide([user("주간회의에 박지와 초대해줘")], invite, "auto", now=NOW)
    assert "초대" not in (_filled(d).get("attendees") or [])
    stuff = {"type": "array", "items": {"type": "string"}, "description": "재료 목록"}
    recipe = [function_tool("find_recipe", "레시피 찾기", {"ingredients": stuff}, ["ingredients"])]
    d = _answer(recipe, "레시피 찾아줘", "어떤 재료가 있나요?", "냉장고에 두부하고 김치밖에 없어요")
    assert d.arguments == {"ingredients": ["두부", "김치"]}


def test_range_words_in_other_senses_are_no_value():
    temp = {"type": "integer", "description": "온도(도)", "minimum": 10, "maximum": 40}
    tools = [function_tool("set_temp", "보일러 온도 설정", {"temp": temp}, ["temp"])]
    assert decide([user("보일러 온도 설정해줘, 최대한 빨리")], tools, "auto", now=NOW).kind == "ask"
    assert decide([user("보일러 최대로 틀어줘")], tools, "auto", now=NOW).arguments == {"temp": 40}


def test_counts_said_in_passing_are_no_answer():
    stars = {"type": "integer", "description": "별점", "enum": [1, 2, 3, 4, 5]}
    rate = [
        function_tool(
            "rate",
            "별점 남기기",
            {"store": string_param("가게 이름"), "stars": stars},
            ["store", "stars"],
        )
    ]
    d = _answer(rate, "소문난집 별점 남길게", "별점은 몇 점 드릴까요?", "둘이 갔는데 좋았어요")
    assert "stars" not in _filled(d)
    book = [
        function_tool(
            "book",
            "식당 예약",
            {
                "name": string_param("식당 이름"),
                "people": {"type": "integer", "description": "인원 수"},
            },
            ["name", "people"],
        )
    ]
    d = decide([user("혼자 사는 친구랑 둘이 스시호 예약")], book, "auto", now=NOW)
    assert _filled(d).get("people") == 2


def test_an_amount_or_an_account_is_no_order_number():
    refund = [
        function_tool(
            "refund",
            "주문 환불 요청",
            {"order_id": string_param("주문 번호"), "reason": string_param("사유")},
            ["order_id"],
        )
    ]
    for said in (
        "어제 산 운동화 환불해줘, 환불은 국민은행 123401567890 계좌로",
        "어제 1290000 결제한 노트북 환불해줘",
    ):
        assert decide([user(said)], refund, "auto", now=NOW).kind == "ask", said
    assert decide([user("주문 2024113055 환불해줘")], refund, "auto", now=NOW).arguments == {
        "order_id": "2024113055"
    }


def test_a_request_reported_keeps_its_verb_and_spelled_digits_their_ending():
    d = decide([user("민수한테 다음 주에 다시 연락 달라고 문자 보내줘")], MESSAGE, "auto", now=NOW)
    assert d.arguments == {"to": "민수", "text": "다음 주에 다시 연락 달라"}
    tools = SHIP
    d = _answer(tools, "김민지 앞으로 배송지 등록", "우편번호를 알려주세요.", "공육이삼육이요")
    assert d.arguments == {"zip": "06236", "name": "김민지"}


@pytest.mark.parametrize(
    ("options", "reply", "value"),
    [
        (["cash", "transfer"], "계좌로요", "transfer"),
        (["cash", "transfer"], "이체로 할게요", "transfer"),
        (["card", "bank_transfer", "point"], "계좌이체요", "bank_transfer"),
        (["cash", "card"], "신용카드요", "card"),
    ],
)
def test_payment_methods_by_their_everyday_names(options, reply, value):
    tools = [
        function_tool(
            "pay",
            "결제합니다",
            {"amount": {"type": "integer"}, "method": _enum("결제 수단", options)},
            ["amount", "method"],
        )
    ]
    d = _answer(tools, "3만원 결제해줘", "결제 수단은요?", reply)
    assert d.arguments == {"amount": 30000, "method": value}


def test_a_name_and_a_payment_method_in_one_answer():
    tools = [
        function_tool(
            "enroll",
            "강좌에 수강 신청합니다",
            {
                "student": string_param("수강생 이름"),
                "method": _enum("결제 방법", ["card", "bank_transfer"]),
            },
            ["student", "method"],
        )
    ]
    d = _answer(
        tools, "주말반 등록할게요", "수강생 이름과 결제 방법을 알려 주세요.", "박하은, 계좌이체요"
    )
    assert d.arguments == {"student": "박하은", "method": "bank_transfer"}
