"""Days and times said as people write them (round 8): a month and day with dots ("12.24"),
last month's day in one word (지난달 15일), minutes to the hour (3시 10분 전), and a decimal
that stays a number where no date is asked for. Every tool and sentence here is written for
these tests (none comes from a benchmark or a development set)."""

from __future__ import annotations

from _tool_fixtures import NOW, assistant, function_tool, one_tool, string_param, user, values

from kodial.tools import decide


def _date(desc: str) -> dict[str, str]:
    return {"type": "string", "format": "date", "description": desc}


def test_a_dotted_month_and_day_fills_a_date():
    tool = one_tool(
        {"venue": string_param("공연장 이름"), "day": _date("공연 날짜 (YYYY-MM-DD)")},
        ["venue", "day"],
    )
    assert values(tool, "12.24 해오름극장 공연 자리 있어?")["day"] == "2026-12-24"
    assert values(tool, "해오름극장 1.9(토) 공연이요")["day"] == "2027-01-09"


def test_last_months_day_is_in_the_past():
    tool = one_tool(
        {"item": string_param("반품할 상품"), "bought_on": _date("구매 날짜 (YYYY-MM-DD)")},
        ["item", "bought_on"],
    )
    got = values(tool, "지난달 15일에 산 털장갑 반품할게요")
    assert got["bought_on"] == "2026-10-15"


def test_minutes_to_the_hour_fill_a_time():
    tool = one_tool(
        {"at": {"type": "string", "description": "알람 시각 (HH:MM)"}},
        ["at"],
    )
    assert values(tool, "오전 7시 10분 전에 알람 맞춰줘") == {"at": "06:50"}


def test_a_decimal_stays_a_number_where_no_date_is_asked_for():
    ratio = {"type": "number", "description": "확대 배율"}
    tool = one_tool({"zoom": ratio}, ["zoom"])
    assert values(tool, "지도 1.5에 맞춰 줘") == {"zoom": 1.5}


def test_a_schema_pattern_says_the_layout_of_a_time_or_a_date():
    hhmm = {"type": "string", "description": "픽업 시간", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"}
    tool = one_tool({"shop": string_param("매장 이름"), "pickup": hhmm}, ["shop", "pickup"])
    # without the pattern, a time with no format is kept in the user's words
    assert values(tool, "모레 저녁 6시 반에 달콤제과 픽업할게요")["pickup"] == "18:30"
    day = {"type": "string", "description": "희망일", "pattern": r"^\d{4}\.\d{2}\.\d{2}$"}
    tool = one_tool({"wish": day}, ["wish"])
    assert values(tool, "다음 주 화요일로 부탁해요") == {"wish": "2026.11.24"}
    # a pattern no date or time matches (a code) leaves the parameter as it was
    code = {"type": "string", "description": "예약 시간대 코드", "pattern": r"^[A-Z]\d{2}$"}
    tool = one_tool({"slot": code}, ["slot"])
    assert values(tool, "A07 시간대로 해줘") == {"slot": "A07"}


def test_a_value_is_written_the_way_its_pattern_asks():
    member = {"type": "string", "description": "회원 번호", "pattern": r"^[A-Z]{2}\d{4}$"}
    phone = {"type": "string", "description": "연락처", "pattern": r"^\d{3}-\d{4}-\d{4}$"}
    tools = [
        function_tool(
            "renew_library_card",
            "도서관 회원증을 갱신합니다.",
            {"member_no": member, "phone": phone},
            ["member_no", "phone"],
        )
    ]
    said = user("도서관 회원증 갱신해 주세요. 회원 번호 kr 2231, 연락처는 010 2345 6789예요")
    d = decide([said], tools, "auto", now=NOW)
    assert d.kind == "call"
    assert d.arguments == {"member_no": "KR2231", "phone": "010-2345-6789"}
    # a value no writing of it fits is not sent: it is asked for
    wrong = user("도서관 회원증 갱신해 주세요. 회원 번호 kr 22, 연락처는 010 2345 6789예요")
    d = decide([wrong], tools, "auto", now=NOW)
    assert d.kind == "ask" and "member_no" in d.missing


def test_an_english_value_is_read_from_the_adjective_that_means_it():
    from kodial.encoders import load_encoder
    from kodial.tools.arguments.meaning import enum_by_meaning
    from kodial.tools.choose import DEFAULT_ENCODER
    from kodial.tools.schema import parse_tools

    encode = load_encoder(DEFAULT_ENCODER).encode
    schema = {"type": "object", "properties": {"level": {"type": "string", "enum": []}}}

    def level(options: list[str], text: str) -> object:
        schema["properties"]["level"]["enum"] = options
        tool = parse_tools([{"type": "function", "function": {"name": "t", "parameters": schema}}])
        return enum_by_meaning(tool[0].params[0], text, encode)

    assert level(["easy", "normal", "hard"], "관악산 쉬운 코스 알려줘") == ("easy", "쉽다")
    assert level(["small", "medium", "large"], "넓은 방으로 잡아줘") == ("large", "넓다")
    # said negated, or a verb that only loosely resembles a value (보내다 ~ express): nothing
    assert level(["easy", "normal", "hard"], "관악산 쉽지 않은 코스 알려줘") is None
    assert level(["standard", "express"], "무선 이어폰 보내 주세요") is None


def _aircon() -> list[dict[str, object]]:
    temperature = {"type": "integer", "description": "희망 온도", "minimum": 16, "maximum": 30}
    fan = {"type": "integer", "description": "바람 세기", "minimum": 1, "maximum": 5}
    return [
        function_tool(
            "set_aircon",
            "에어컨을 설정합니다.",
            {"temperature": temperature, "fan": fan},
            ["temperature", "fan"],
        )
    ]


def test_a_bare_number_goes_to_the_parameter_whose_range_holds_it():
    asked = [user("거실 에어컨 설정해줘"), assistant("희망 온도와 바람 세기를 알려주세요.")]
    d = decide([*asked, user("22")], _aircon(), now=NOW)
    assert (d.kind, d.missing) == ("ask", ["fan"])
    d = decide([*asked, user("3")], _aircon(), now=NOW)
    assert (d.kind, d.missing) == ("ask", ["temperature"])
    # two numbers in the other order than asked: the one order that keeps both in range
    d = decide([*asked, user("3이랑 22")], _aircon(), now=NOW)
    assert (d.kind, d.arguments) == ("call", {"temperature": 22, "fan": 3})
    # a number outside every range is still refused by the schema check and asked again
    d = decide([*asked, user("40이랑 3")], _aircon(), now=NOW)
    assert d.kind == "ask" and "temperature" in d.missing


def test_a_refused_answer_is_asked_again_with_what_it_takes():
    """40 for a 16-30 temperature answers the question: it is asked again with the range,
    never declined as a request no tool serves."""
    asked = [user("거실 에어컨 바람 세기 3으로 설정해줘"), assistant("희망 온도를 알려주세요.")]
    d = decide([*asked, user("40도")], _aircon(), now=NOW)
    assert (d.kind, d.missing) == ("ask", ["temperature"])
    assert d.content == "희망 온도는 16~30 사이로 알려주세요."
    assert d.explain["dropped"] == ["temperature: 40 is above the maximum 30"]
    d = decide([*asked, user("40도"), assistant(d.content), user("25도")], _aircon(), now=NOW)
    assert (d.kind, d.arguments) == ("call", {"temperature": 25, "fan": 3})
    # said in the request itself, the same
    d = decide([user("거실 에어컨 40도에 바람 세기 2로 설정해줘")], _aircon(), now=NOW)
    assert d.content == "희망 온도는 16~30 사이로 알려주세요."


def test_a_list_of_days_takes_every_day_said_with_its_week_or_month():
    days = {
        "type": "array",
        "description": "상담 희망일 목록",
        "items": {"type": "string", "format": "date"},
        "minItems": 1,
    }
    tool = one_tool({"days": days}, ["days"])
    assert values(tool, "1월 3일이랑 5일 중에 가능해요") == {"days": ["2027-01-03", "2027-01-05"]}
    assert values(tool, "다음 주 월요일이나 수요일") == {"days": ["2026-11-23", "2026-11-25"]}
    times = {
        "type": "array",
        "description": "가능한 시간",
        "items": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
    }
    tool = one_tool({"times": times}, ["times"])
    assert values(tool, "오후 2시나 4시") == {"times": ["14:00", "16:00"]}


def test_a_pattern_never_makes_a_value_the_user_did_not_say():
    def code(pattern: str, text: str) -> dict[str, object]:
        tool = one_tool({"x": {"type": "string", "description": "코드", "pattern": pattern}}, ["x"])
        return values(tool, text)

    assert code(r"^\d{2}$", "배율 코드 1.5로 해줘").get("x") != "15"
    assert code(r"^\d{4}$", "인증 번호 12 34 56이요").get("x") != "1234"  # part of a longer number
    # a month/year pattern (a card's expiry) is not read as a month and day
    expiry = r"^(0[1-9]|1[0-2])/\d{2}$"
    assert code(expiry, "유효기간 02/30") == {"x": "02/30"}


def test_strong_evidence_beats_a_range_and_both_refusals_are_asked_again():
    d = decide([user("에어컨 바람 세기 8, 온도 3도로 해줘")], _aircon(), now=NOW)
    assert d.kind == "ask" and set(d.missing) == {"temperature", "fan"}
    assert d.content == "희망 온도는 16~30 사이로 알려주세요. 바람 세기는 1~5 사이로 알려주세요."
    # one refused and one never said: the range of the one, then the other
    d = decide([user("거실 에어컨 40도로 설정해줘")], _aircon(), now=NOW)
    assert d.content == "희망 온도는 16~30 사이로 알려주세요. 바람 세기를 알려주세요."
    budget = {"type": "integer", "description": "예산", "minimum": 10000, "maximum": 5000000}
    tools = [function_tool("set_budget", "예산을 정합니다.", {"budget": budget}, ["budget"])]
    d = decide([user("예산 1억으로 정해줘")], tools, now=NOW)
    assert d.content == "예산은 10,000~5,000,000 사이로 알려주세요."


def test_a_part_of_the_day_said_once_holds_for_a_list_of_times():
    times = {
        "type": "array",
        "description": "희망 시간",
        "items": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
    }
    tool = one_tool({"times": times}, ["times"])
    assert values(tool, "내일 오전 10시나 11시") == {"times": ["10:00", "11:00"]}


def test_a_bare_number_no_asked_parameter_takes_is_asked_again():
    asked = [user("거실 에어컨 설정해줘"), assistant("희망 온도와 바람 세기를 알려주세요.")]
    d = decide([*asked, user("40")], _aircon(), now=NOW)
    assert (d.kind, d.tool, d.missing) == ("ask", "set_aircon", ["temperature", "fan"])
    # a new request is still no answer
    d = decide([*asked, user("주식 시세 알려줘")], _aircon(), now=NOW)
    assert d.kind == "decline"
