"""Argument filling: values read from the user's words in the format the schema asks for, never
invented, accumulated over the conversation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _tool_fixtures import (
    NOW,
    assistant,
    bundled_tools,
    called,
    function_tool,
    string_param,
    user,
)

from kodial.korean.numerals import korean_number
from kodial.tools.arguments import enum_options, extract_message, fill_arguments, param_kind
from kodial.tools.schema import ToolSpec, parse_tools
from kodial.tools.text import numbers


def tool(name: str) -> ToolSpec:
    return next(t for t in parse_tools(bundled_tools()) if t.name == name)


def one(props: dict[str, Any], required: list[str] | None = None, desc: str = "") -> ToolSpec:
    return parse_tools([function_tool("f", desc, props, required or [])])[0]


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("61,500", 61500),
        ("13만", 130000),
        ("삼만칠천", 37000),
        ("십오", 15),
        ("1억 2천만", 120000000),
        ("163.2", 163.2),
        ("다섯", 5),
        ("오만", 50000),
    ],
)
def test_korean_numbers(word: str, value: float) -> None:
    assert korean_number(word) == value


def test_number_mentions_keep_their_units_and_skip_copulas() -> None:
    found = [
        (n.value, n.unit) for n in numbers("모두 48200원이고 우리는 3명, 키 182인데요 35퍼센트")
    ]
    assert found == [(48200, "원"), (3, "명"), (182, ""), (35, "퍼센트")]
    assert [(n.value, n.unit) for n in numbers("네 명이서 삼만칠천원")] == [
        (4, "명"),
        (37000, "원"),
    ]


def args(name: str, text: str, **kw: Any) -> dict[str, Any]:
    return fill_arguments(tool(name), [user(text)], NOW, **kw).arguments


def test_dates_and_times_in_the_formats_the_schema_asks_for() -> None:
    # format: date + a separate time parameter described as HH:MM, sharing one expression
    assert args("book_restaurant", "금요일 점심 12시 반에 두 명 자리 잡아줘, 식당은 소담정") == {
        "restaurant": "소담정",
        "date": "2026-11-20",
        "time": "12:30",
        "party_size": 2,
    }
    # format: time
    assert args("set_alarm", "내일 아침 6시 반에 깨워줘") == {"time": "06:30"}
    # format: date-time
    assert args("create_event", "12월 3일 저녁 7시 동창회 일정 등록해줘") == {
        "title": "동창회",
        "start": "2026-12-03T19:00:00",
    }
    # YYYY-MM-DD in the description, two-digit year
    calc = one(
        {"day": {"type": "string", "description": "요일을 알고 싶은 날(YYYY-MM-DD)"}}, ["day"]
    )
    found = extract_message(calc, "27년3월2일은 무슨 요일이었지", NOW)
    assert found["day"].value == "2027-03-02"


def test_user_words_when_the_description_asks_for_them_and_ranges() -> None:
    raw = one(
        {
            "name": {"type": "string", "description": "모임 이름"},
            "start_datetime": {"type": "string", "description": "모임이 시작하는 날과 시각"},
            "end_datetime": {"type": "string", "description": "모임이 끝나는 날과 시각"},
        },
        ["name", "start_datetime", "end_datetime"],
        "달력에 모임 등록",
    )
    found = fill_arguments(raw, [user("9월 9일 오후 1시부터 3시까지 독서 모임 잡아줘")], NOW)
    assert found.arguments == {
        "name": "독서",
        "start_datetime": "9월 9일 오후 1시",
        "end_datetime": "9월 9일 오후 3시",
    }
    found = fill_arguments(raw, [user("모레 오후 2시부터 2시간 동안 워크숍 등록")], NOW)
    assert found.arguments["end_datetime"] == "모레 오후 4시"
    alarm = one(
        {
            "time": {
                "type": "string",
                "description": "울릴 시각(사용자가 말한 그대로, 예: 모레 8시)",
            }
        },
        ["time"],
    )
    assert fill_arguments(alarm, [user("15분후에 깨워줘")], NOW).arguments == {"time": "15분후"}


def test_numbers_by_unit_and_by_the_word_before_them() -> None:
    assert args("calculate_loan_payment", "1억을 연 4.5%로 36개월 빌리면 한 달에 얼마씩 갚아?") == {
        "principal": 100000000,
        "annual_rate": 4.5,
        "months": 36,
    }
    bmi = one(
        {
            "height": {"type": "number", "description": "키 (cm)"},
            "weight": {"type": "number", "description": "몸무게 (kg)"},
        },
        ["height", "weight"],
    )
    assert fill_arguments(bmi, [user("비만도 좀 봐줘. 체중 82 키 177")], NOW).arguments == {
        "height": 177,
        "weight": 82,
    }
    assert fill_arguments(bmi, [user("키190에 체중88키로야")], NOW).arguments == {
        "height": 190,
        "weight": 88,
    }


def test_enums_by_value_synonym_and_role() -> None:
    assert args("set_air_conditioner", "안방 에어컨 제습 모드로 26도 맞춰줘") == {
        "room": "안방",
        "temperature": 26,
        "mode": "dry",
    }
    assert args("exchange_currency", "200유로는 한국 돈으로 얼마나 돼?") == {
        "amount": 200,
        "from_currency": "EUR",
        "to_currency": "KRW",
    }
    assert args("exchange_currency", "50만원을 엔으로 바꾸면 얼마야") == {
        "amount": 500000,
        "from_currency": "KRW",
        "to_currency": "JPY",
    }
    gender = one({"gender": {"type": "string", "description": "성별: 'male' 또는 'female'"}})
    assert enum_options(gender.params[0]) == ("male", "female")
    assert extract_message(gender, "저는 41세 남성입니다", NOW)["gender"].value == "male"
    level = one({"level": {"type": "string", "description": "맵기(순한맛, 보통, 매운맛 중 하나)"}})
    assert param_kind(level.params[0]) == "enum"


def test_booleans_read_yes_and_no() -> None:
    pw = one(
        {
            "length": {"type": "integer", "description": "암호 자릿수"},
            "upper": {"type": "boolean", "description": "영문 대문자를 넣을지"},
            "lower": {"type": "boolean", "description": "영문 소문자를 넣을지"},
            "digits": {"type": "boolean", "description": "숫자를 넣을지"},
        },
        ["length", "upper", "lower", "digits"],
        "새 암호를 무작위로 만든다",
    )
    got = fill_arguments(
        pw,
        [user("소문자랑 숫자 섞어서 열두 자리로 만들어줘, 대문자는 빼고")],
        NOW,
    ).arguments
    assert got == {"length": 12, "upper": False, "lower": True, "digits": True}
    got = fill_arguments(pw, [user("숫자로만 된 네 자리 암호 부탁해")], NOW).arguments
    assert got == {"length": 4, "upper": False, "lower": False, "digits": True}
    assert args("play_music", "잔잔한 피아노곡 셔플로 들려줘")["shuffle"] is True
    assert args("order_coffee", "아이스 아메리카노 두 잔 주문해줘") == {
        "menu": "아메리카노",
        "quantity": 2,
        "iced": True,
    }


def test_strings_by_label_particle_payload_and_pattern() -> None:
    assert args(
        "register_member", "이름은 이서연이고 이메일은 seoyeon@example.com으로 가입시켜줘"
    ) == {"name": "이서연", "email": "seoyeon@example.com"}
    assert args("call_taxi", "회사에서 김포공항까지 가는 택시 호출해줘") == {
        "origin": "회사",
        "destination": "김포공항",
    }
    assert args("send_text", "민수에게 메시지 보내줘: 회의 자료 메일로 보냈어") == {
        "recipient": "민수",
        "message": "회의 자료 메일로 보냈어",
    }
    assert args("track_parcel", "우체국 택배 1234567890 조회 부탁해") == {
        "tracking_number": "1234567890",
        "carrier": "우체국",
    }
    assert args("transfer_money", "회비 삼만원 총무한테 송금해줘") == {
        "recipient": "총무",
        "amount": 30000,
    }


def test_never_invents_a_value() -> None:
    # nothing said: nothing filled, required ones are missing, optional ones absent
    filling = fill_arguments(tool("book_restaurant"), [user("레스토랑 예약 좀 해줄래?")], NOW)
    assert filling.arguments == {} and filling.missing == [
        "restaurant",
        "date",
        "time",
        "party_size",
    ]
    # an optional parameter is never guessed from leftover words
    assert "memo" not in args("transfer_money", "김철수한테 5만원 보내줘 고마워")
    assert "item" not in args(
        "schedule_waste_pickup", "다음 주 화요일에 101동 앞에서 수거해 주세요"
    )
    # a value the schema refuses is dropped (and reported), so the parameter is asked again
    filling = fill_arguments(tool("book_restaurant"), [user("내일 7시 30명 소담정 예약")], NOW)
    assert "party_size" not in filling.arguments and "party_size" in filling.missing
    assert any("party_size" in p and "maximum" in p for p in filling.problems)


def test_a_bare_answer_fills_what_was_asked() -> None:
    t = tool("schedule_waste_pickup")
    history = [
        user("대형 폐기물 수거 예약하고 싶어요"),
        assistant("수거할 위치와 날짜를 알려주세요."),
    ]
    got = fill_arguments(t, [*history, user("101동 앞이요")], NOW, asked={"location"})
    assert got.arguments == {"location": "101동 앞"} and got.found["location"].source == "answer"


def test_arguments_accumulate_over_turns_and_from_earlier_calls_and_results() -> None:
    t = tool("register_member")
    msgs = [
        user("이름은 이서연이에요"),
        assistant("이메일 주소를 알려주세요."),
        user("seoyeon@example.com"),
    ]
    got = fill_arguments(t, msgs, NOW, asked={"email"})
    assert got.arguments == {"name": "이서연", "email": "seoyeon@example.com"}
    assert got.found["name"].source == "history" and got.found["email"].source == "message"
    # a required value from an earlier call's argument or a tool result field of the same name
    weather = tool("get_weather_forecast")
    call = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {
                    "name": "get_weather_forecast",
                    "arguments": json.dumps({"city": "부산"}),
                },
            }
        ],
    }
    result = {"role": "tool", "tool_call_id": "c1", "content": json.dumps({"temp": 5})}
    got = fill_arguments(weather, [user("부산 날씨 알려줘"), call, result, user("내일은?")], NOW)
    assert got.arguments == {"city": "부산", "date": "2026-11-19"}


def test_simple_arrays() -> None:
    t = one(
        {
            "days": {
                "type": "array",
                "items": {"type": "string", "enum": ["mon", "wed", "fri"]},
                "description": "요일 (mon=월요일, wed=수요일, fri=금요일)",
            },
            "toppings": {"type": "array", "items": {"type": "string"}, "description": "토핑"},
            "scores": {"type": "array", "items": {"type": "integer"}, "description": "점수들"},
        },
        ["days"],
    )
    assert extract_message(t, "fri랑 mon에 알려줘", NOW)["days"].value == ["fri", "mon"]
    got = extract_message(t, "토핑은 치즈, 버섯, 올리브로 해줘", NOW)
    assert got["toppings"].value == ["치즈", "버섯", "올리브"]
    assert extract_message(t, "점수 90 85 77 기록", NOW)["scores"].value == [90, 85, 77]
    assert "days" in fill_arguments(t, [user("아무 때나 좋아")], NOW).missing


def _chores() -> ToolSpec:
    chores = function_tool(
        "add_chore",
        "집안일 목록에 새 집안일을 추가한다",
        {
            "chore": string_param("집안일 이름"),
            "due": string_param("언제까지 (사용자 표현 그대로)"),
        },
        ["chore", "due"],
    )
    return parse_tools([chores])[0]


def test_a_nominalised_verb_phrase_is_one_value_even_with_a_tool_word_inside() -> None:
    # 등록 is a word of the tool (a synonym of 추가), yet inside "X 등록하기" it is part of
    # the chore, not the end of the phrase; the old reader cut these to "관리비" and "아파트"
    t = _chores()
    got = extract_message(t, "집안일 목록에 관리비 등록하기 추가해줘", NOW)
    assert got["chore"].value == "관리비 등록하기"
    got = extract_message(t, "집안일 목록에 아파트 등록비 내기 추가해줘", NOW)
    assert got["chore"].value == "아파트 등록비 내기"


def test_an_action_noun_and_a_plain_adverb_are_never_guessed_as_values() -> None:
    naming = one({"title": {"type": "string", "description": "알림 제목"}}, ["title"], "알림 설정")
    # 하 read as a verb of its own after 설정: the action noun stayed and became the title
    assert "title" not in extract_message(naming, "3월 2일 알림 설정해줘", NOW)
    member = one({"name": {"type": "string", "description": "이름"}}, ["name"], "회원 가입")
    # "새로" (anew) is how, not who
    assert "name" not in extract_message(member, "새로 하나 만들어줘", NOW)


def test_a_guess_from_the_request_an_open_question_continues_is_kept() -> None:
    t = _chores()
    msgs = [
        user("집안일 목록에 창틀 먼지 닦기 추가해줘"),
        assistant("언제까지 하면 될까요?"),
        user("이번 주 금요일"),
    ]
    # the question asked only for the due date, so the chore guessed from the request stands;
    # before, a guess from an earlier message was dropped and the chore was asked for again
    got = fill_arguments(t, msgs, NOW, asked={"due"})
    assert got.arguments == {"chore": "창틀 먼지 닦기", "due": "이번 주 금요일"}
    assert got.missing == []
    # without an open question an older message still gives values only by their own words
    later = fill_arguments(t, [*msgs[:2], user("아 그리고 이번 주 금요일")], NOW)
    assert "chore" not in later.arguments


def test_a_search_query_is_the_object_of_the_search_verb() -> None:
    shop = one(
        {"query": {"type": "string", "description": "검색어(상품 이름, 종류 등)"}},
        ["query"],
        "꽃집에서 상품을 검색",
    )
    # the request's first noun phrase is the occasion, not what to search for
    got = extract_message(shop, "어버이날 선물 고민 중이거든 카네이션 바구니좀 찾아줘", NOW)
    assert got["query"].value == "카네이션 바구니" and not got["query"].strong
    # the verb noun is not part of the query, nor the count after it
    assert extract_message(shop, "꽃집에서 인기 꽃다발 검색해줘", NOW)["query"].value == (
        "인기 꽃다발"
    )
    assert extract_message(shop, "예쁜 화분 몇 개 찾아줘", NOW)["query"].value == "화분"
    # without a search verb the noun phrase the request is about still fills it
    assert extract_message(shop, "장미 꽃다발 있어?", NOW)["query"].value == "장미 꽃다발"
    # a name to search by is not a query: the object of 찾아 there is what is looked up
    friend = one(
        {"friend": {"type": "string", "description": "검색할 친구의 이름"}},
        ["friend"],
        "친구의 기념일을 검색",
    )
    assert extract_message(friend, "박서윤 기념일좀 찾아줘", NOW)["friend"].value == "박서윤"


def test_a_kind_of_thing_is_never_guessed_as_a_value() -> None:
    """ "다른 도시" names no city: even when no noun phrase is left, the word after a
    determiner like 다른/어떤 is not taken as the value, and the city is asked for."""
    t = one({"city": string_param("도시 이름")}, ["city"], desc="도시의 미세먼지 농도를 알려준다")
    assert fill_arguments(t, [user("다른 도시 농도도 알려줄래?")], NOW).missing == ["city"]
    assert fill_arguments(t, [user("어떤 동네 공기가 좋아?")], NOW).missing == ["city"]
    assert fill_arguments(t, [user("대전 농도도 알려줄래?")], NOW).arguments == {"city": "대전"}


def test_an_earlier_calls_argument_fills_only_a_parameter_that_means_the_same() -> None:
    """A same-named argument of another tool carries over only when the two parameters hold
    the same thing: a booked class's name is not a member's name, a weight in kilograms is."""
    raw = [
        function_tool(
            "book_class",
            "요가 수업을 예약한다",
            {"name": string_param("예약할 수업의 이름")},
            ["name"],
        ),
        function_tool(
            "find_member",
            "회원 정보를 찾는다",
            {"name": string_param("찾을 회원의 이름")},
            ["name"],
        ),
        function_tool(
            "add_member",
            "회원을 등록한다",
            {"name": string_param("등록할 회원 이름")},
            ["name"],
        ),
        function_tool(
            "protein_need",
            "하루 단백질 필요량을 계산한다",
            {"weight": {"type": "number", "description": "킬로그램 단위 체중"}},
            ["weight"],
        ),
        function_tool(
            "water_need",
            "하루 물 섭취량을 계산한다",
            {"weight": {"type": "number", "description": "몸무게 (킬로그램)"}},
            ["weight"],
        ),
    ]
    specs = parse_tools(raw)
    by = {t.name: t for t in specs}
    booked = [user("저녁 빈야사 수업 예약해줘"), called("book_class", name="빈야사")]
    ask = [*booked, {"role": "tool", "content": "{}"}, user("회원 정보도 찾아줄래?")]
    assert fill_arguments(by["find_member"], ask, NOW, tools=specs).missing == ["name"]
    # without the other tools' schemas the name alone decides, as before
    assert fill_arguments(by["find_member"], ask, NOW).arguments == {"name": "빈야사"}
    added = [user("회원 김하늘 등록해줘"), called("add_member", name="김하늘")]
    again = [*added, {"role": "tool", "content": "{}"}, user("방금 그 회원 정보 찾아줘")]
    assert fill_arguments(by["find_member"], again, NOW, tools=specs).arguments == {
        "name": "김하늘"
    }
    weighed = [user("68킬로인데 단백질 얼마나 먹어야 해?"), called("protein_need", weight=68)]
    water = [*weighed, {"role": "tool", "content": "{}"}, user("물은 얼마나 마셔야 해?")]
    assert fill_arguments(by["water_need"], water, NOW, tools=specs).arguments == {"weight": 68}


def test_the_currency_converted_from_is_named_even_without_an_amount() -> None:
    """With no amount to carry the unit, the currency named first and not marked as the target
    by (으)로 is the one converted from; a word that merely starts like one (엔진) is not."""
    t = one(
        {
            "source": string_param("바꾸기 전 통화"),
            "target": string_param("바꾼 뒤 통화"),
        },
        ["source", "target"],
        desc="두 통화 사이의 환율을 알려준다",
    )
    got = fill_arguments(t, [user("원화 일본 엔화로 바꾸면 환율이 어때?")], NOW).arguments
    assert got == {"source": "원화", "target": "일본 엔화"}
    got = fill_arguments(t, [user("영국 파운드 달러로 바꿀 때 환율")], NOW).arguments
    assert got == {"source": "영국 파운드", "target": "달러"}
    assert fill_arguments(t, [user("엔진 오일 교체 비용")], NOW).arguments.get("source") != "엔"
