"""Readings that carry over to unseen tools (round 2, continued): values the description or
the language names in other words (rules, currency names, relative years, codes), dates said as
ranges and stays, changes, addresses, answers to the assistant's questions. Every tool and
sentence here is written for these tests (none comes from a benchmark)."""

from __future__ import annotations

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

from kodial.tools import decide

# --- values the description or the language names in other words -----------------------------


def test_a_rule_in_the_description_names_an_enum_value() -> None:
    """ "(배관 누수·고장은 수리)" states which things go under a value: each of them, and each
    word of a listed phrase (누수), names it."""
    repair = function_tool(
        "request_home_service",
        "집 관리 서비스를 요청합니다.",
        {
            "kind": {
                "type": "string",
                "description": "서비스 구분 (배관 누수·고장은 수리, 이사는 기타)",
                "enum": ["청소", "수리", "기타"],
            }
        },
        ["kind"],
    )
    for text in ("욕실 누수 때문에 서비스 요청할게요", "보일러 고장났어요 서비스 요청해줘"):
        d = decide([user(text)], [repair], now=NOW)
        assert (d.kind, d.arguments) == ("call", {"kind": "수리"}), text
    d = decide([user("이사 때문에 서비스 요청해요")], [repair], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"kind": "기타"})


def test_a_currency_code_is_named_by_the_currencys_korean_name() -> None:
    rate = function_tool(
        "get_fx_rate",
        "환율을 조회합니다.",
        {"code": {"type": "string", "description": "통화", "enum": ["USD", "EUR", "CNY"]}},
        ["code"],
    )
    for text, code in (("위안화 환율 알려줘", "CNY"), ("유로 환율 얼마예요", "EUR")):
        d = decide([user(text)], [rate], now=NOW)
        assert (d.kind, d.arguments) == ("call", {"code": code}), text


def test_a_year_said_relative_to_this_one() -> None:
    """작년 = last year, 재작년 = the year before, 올해 = this one (NOW is in 2026)."""
    tax = function_tool(
        "issue_tax_statement",
        "연말정산 소득 증명서를 발급합니다.",
        {"year": integer_param("발급할 연도 (예: 2024)")},
        ["year"],
    )
    for text, year in (
        ("작년 소득 증명서 발급해줘", 2025),
        ("재작년 거 소득 증명서 발급해줘", 2024),
        ("올해 소득 증명서 발급 부탁해", 2026),
    ):
        d = decide([user(text)], [tax], now=NOW)
        assert (d.kind, d.arguments) == ("call", {"year": year}), text


# --- dates: ranges, stays, a date beside start and end times ----------------------------------


def test_a_date_beside_start_and_end_times_and_two_dates_said_in_turn() -> None:
    """A tool with a date and start/end times reads the date from the same words ("12월 3일
    오후 2시"); a rental's pick-up and return are the first and the second date-time said, with
    or without 부터/까지; a stay of N nights ends N days after it starts."""
    lesson = function_tool(
        "book_lesson",
        "레슨을 예약합니다.",
        {
            "date": string_param("레슨 날짜, YYYY-MM-DD 형식"),
            "start_time": string_param("시작 시간, HH:MM 형식"),
            "end_time": string_param("종료 시간, HH:MM 형식 (선택)"),
        },
        ["date", "start_time"],
    )
    d = decide([user("12월 3일 오후 2시로 레슨 예약해줘")], [lesson], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"date": "2026-12-03", "start_time": "14:00"})
    bikes = function_tool(
        "search_bike_rentals",
        "자전거 대여를 검색합니다.",
        {
            "pickup_date": string_param("인수 날짜, YYYY-MM-DD 형식"),
            "pickup_time": string_param("인수 시각, HH:MM 형식"),
            "return_date": string_param("반납 날짜, YYYY-MM-DD 형식"),
            "return_time": string_param("반납 시각, HH:MM 형식"),
        },
        ["pickup_date", "pickup_time", "return_date", "return_time"],
    )
    d = decide(
        [user("자전거 대여 검색해줘 11월 28일 오전 9시에 받아서 11월 29일 오후 5시에 반납할게")],
        [bikes],
        now=NOW,
    )
    assert (d.kind, d.arguments) == (
        "call",
        {
            "pickup_date": "2026-11-28",
            "pickup_time": "09:00",
            "return_date": "2026-11-29",
            "return_time": "17:00",
        },
    )
    inn = function_tool(
        "search_guesthouses",
        "게스트하우스를 검색합니다.",
        {
            "area": string_param("지역"),
            "check_in": string_param("체크인 날짜, YYYY-MM-DD 형식"),
            "check_out": string_param("체크아웃 날짜, YYYY-MM-DD 형식"),
        },
        ["area", "check_in", "check_out"],
    )
    d = decide([user("12월 24일부터 2박으로 강릉 게스트하우스 찾아줘")], [inn], now=NOW)
    assert (d.kind, d.arguments) == (
        "call",
        {"area": "강릉", "check_in": "2026-12-24", "check_out": "2026-12-26"},
    )


def test_a_new_event_takes_no_time_from_an_old_result_nor_a_discourse_word_as_its_title() -> None:
    """After the list of a day's events, "대신 25일에 요가 일정 넣어줘" makes a new event: its
    title is what it is about (대신 is how it is said), and its start time is the user's to say,
    not the time of an event the result listed (ids are what results give a new call)."""
    cal = [
        function_tool(
            "list_day_events",
            "특정 날짜의 일정을 조회합니다.",
            {"date": string_param("조회할 날짜, YYYY-MM-DD 형식")},
            ["date"],
        ),
        function_tool(
            "add_day_event",
            "새 일정을 추가합니다.",
            {
                "title": string_param("일정 제목"),
                "date": string_param("일정 날짜, YYYY-MM-DD 형식"),
                "start_time": string_param("시작 시각, HH:MM 형식"),
            },
            ["title", "date", "start_time"],
        ),
    ]
    messages = [
        user("24일 일정 알려줘"),
        called("list_day_events", date="2026-11-24"),
        tool_result({"events": [{"event_id": "E-9", "title": "요가", "start_time": "07:00"}]}),
        assistant("24일에는 7시 요가 일정이 있어요."),
        user("대신 25일에 요가 일정 넣어줘"),
    ]
    d = decide(messages, cal, now=NOW)
    assert (d.kind, d.tool, d.missing) == ("ask", "add_day_event", ["start_time"])
    assert d.explain["filled"]["title"]["value"] == "요가"
    assert d.explain["filled"]["date"]["value"] == "2026-11-25"


def test_a_change_takes_the_value_it_changes_to_and_only_what_is_said_now() -> None:
    """ "3시엔 안 돼요.. 5시로 바꿔주세요": the clause that says what to change to holds the
    new time, not the one the user cannot make; a change tool's optional date is not carried
    from the booking request (only what is changed is sent)."""
    tools = [
        function_tool(
            "book_piano_tuning",
            "피아노 조율을 예약합니다.",
            {
                "date": string_param("날짜, YYYY-MM-DD 형식"),
                "time": string_param("시각, HH:MM 형식"),
            },
            ["date", "time"],
        ),
        function_tool(
            "change_piano_tuning",
            "예약된 피아노 조율의 날짜나 시각을 변경합니다. 바꿀 항목만 입력합니다.",
            {
                "booking_id": string_param("예약번호"),
                "date": string_param("바꿀 날짜, YYYY-MM-DD 형식"),
                "time": string_param("바꿀 시각, HH:MM 형식"),
            },
            ["booking_id"],
        ),
    ]
    messages = [
        user("내일 오후 3시에 피아노 조율 예약해줘"),
        called("book_piano_tuning", date="2026-11-19", time="15:00"),
        tool_result({"booking_id": "PT-7", "status": "예약완료"}),
        assistant("내일 오후 3시로 예약했어요. 예약번호는 PT-7이에요."),
        user("아 3시엔 안 돼요.. 5시로 바꿔주세요"),
    ]
    d = decide(messages, tools, now=NOW)
    assert (d.kind, d.tool, d.arguments) == (
        "call",
        "change_piano_tuning",
        {"booking_id": "PT-7", "time": "17:00"},
    )


def test_the_guessed_noun_goes_to_the_parameter_the_message_speaks_of() -> None:
    """ "냉장고 버리려는데 수거 신청해주세요": the noun is what is thrown away (the parameter
    described with 버릴, a word the tool's description lacks), not the address listed first."""
    pickup = function_tool(
        "request_appliance_pickup",
        "폐가전 무상 방문 수거를 신청합니다.",
        {
            "address": string_param("수거할 주소"),
            "item": string_param("버릴 가전 이름"),
            "date": string_param("수거 날짜, YYYY-MM-DD 형식"),
        },
        ["address", "item", "date"],
    )
    d = decide([user("냉장고 버리려는데 수거 신청해주세요")], [pickup], now=NOW)
    assert (d.kind, d.missing) == ("ask", ["address", "date"])
    assert d.explain["filled"]["item"]["value"] == "냉장고"


# --- addresses and names said as answers -------------------------------------------------------


def test_a_street_address_is_read_whole_and_a_copula_is_not_part_of_a_name() -> None:
    """An address runs over place names with their suffixes, numbers and buildings ("대전
    유성구 대학로 99 한빛아파트 3동 501호"), up to the ending that closes it; "X이요" after a
    final consonant is X said politely, so 이 is no part of the name."""
    from kodial.tools.arguments.addresses import address_span
    from kodial.tools.text import strip_ending

    text = "대전 유성구 대학로 99 한빛아파트 3동 501호요. 모레 와주세요"
    span = address_span(text, [])
    assert (
        span is not None and text[span[0] : span[1]] == "대전 유성구 대학로 99 한빛아파트 3동 501호"
    )
    assert address_span("내일 3시에 2명 예약해줘", []) is None
    assert strip_ending("최은혁이요") == "최은혁"
    assert strip_ending("한가람이에요") == "한가람"
    mover = function_tool(
        "book_moving_truck",
        "용달 이사 차량을 예약합니다.",
        {"address": string_param("짐을 실을 주소"), "date": string_param("날짜, YYYY-MM-DD 형식")},
        ["address", "date"],
    )
    d = decide(
        [user("용달 예약해줘"), assistant("짐을 실을 주소와 날짜를 알려주세요."), user(text)],
        [mover],
        now=NOW,
    )
    assert (d.kind, d.arguments) == (
        "call",
        {"address": "대전 유성구 대학로 99 한빛아파트 3동 501호", "date": "2026-11-20"},
    )


def test_replies_to_the_assistants_question_over_a_result() -> None:
    """ "어느 강좌로 신청할까요?" over a list, answered "요리 기초요": the reply is read with the
    question, which says what is to be done; then "윤다솜 010..." gives the phone by its
    pattern and the name is what is left; "2026 자기소개서_최종 이거로요" is the document's
    name though it holds the tool's word (자기소개서)."""
    tools = [
        function_tool(
            "list_courses",
            "문화센터 강좌를 조회합니다.",
            {"month": string_param("조회할 달, MM 형식")},
            ["month"],
        ),
        function_tool(
            "enroll_course",
            "문화센터 강좌를 신청합니다.",
            {
                "course_id": string_param("신청할 강좌 ID (조회 결과의 course_id)"),
                "name": string_param("수강생 이름"),
                "phone": string_param("수강생 휴대폰 번호, 010-0000-0000 형식"),
            },
            ["course_id", "name", "phone"],
        ),
    ]
    messages = [
        user("12월 강좌 보여줘"),
        called("list_courses", month="12"),
        tool_result(
            {
                "courses": [
                    {"course_id": "C-1", "title": "요리 기초"},
                    {"course_id": "C-2", "title": "수채화"},
                ]
            }
        ),
        assistant("12월 강좌는 요리 기초, 수채화 두 개예요. 어느 강좌로 신청할까요?"),
        user("요리 기초요"),
    ]
    d = decide(messages, tools, now=NOW)
    assert (d.kind, d.tool, d.missing) == ("ask", "enroll_course", ["name", "phone"])
    assert d.explain["read_with"].endswith("신청할까요?")
    messages += [assistant("수강생 이름과 휴대폰 번호를 알려주세요."), user("윤다솜 01055512345")]
    d = decide(messages, tools, now=NOW)
    assert (d.kind, d.arguments) == (
        "call",
        {"course_id": "C-1", "name": "윤다솜", "phone": "010-5551-2345"},
    )
    letter = function_tool(
        "submit_application",
        "저장된 자기소개서로 지원서를 제출합니다.",
        {"document": string_param("제출할 자기소개서 이름")},
        ["document"],
    )
    asked = [
        user("지원서 제출해줘"),
        assistant("제출할 자기소개서 이름을 알려주세요."),
        user("2026 자기소개서_최종 이거로요"),
    ]
    d = decide(asked, [letter], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"document": "2026 자기소개서_최종"})


def test_a_name_the_description_pairs_with_a_code_is_sent_as_the_code() -> None:
    """ "출발역 코드 (예: 서울 SEL, 부산 BSN, 대전 DJN)": 부산에서 -> BSN, 대전역 -> DJN."""
    train = function_tool(
        "search_express_trains",
        "고속열차를 검색합니다.",
        {
            "from_code": string_param("출발역 코드 (예: 서울 SEL, 부산 BSN, 대전 DJN)"),
            "to_code": string_param("도착역 코드 (예: 서울 SEL, 부산 BSN, 대전 DJN)"),
        },
        ["from_code", "to_code"],
    )
    d = decide([user("부산에서 대전역까지 가는 고속열차 검색해줘")], [train], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"from_code": "BSN", "to_code": "DJN"})


def test_a_task_said_as_a_nominalised_verb_phrase_is_its_text() -> None:
    """ "내일까지 보고서 초안 쓰기 추가해줘": the to-do is the 기-phrase before the verb that adds
    it, without the date before it."""
    todo = function_tool(
        "add_work_item",
        "업무 목록에 할 일을 추가합니다.",
        {
            "content": string_param("할 일 내용"),
            "due": string_param("마감일, YYYY-MM-DD 형식"),
        },
        ["content", "due"],
    )
    d = decide([user("내일까지 보고서 초안 쓰기 추가해줘")], [todo], now=NOW)
    assert (d.kind, d.arguments) == ("call", {"content": "보고서 초안 쓰기", "due": "2026-11-19"})
