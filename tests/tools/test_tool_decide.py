"""One turn of OpenAI function calling decided by kodial, end to end on the bundled Korean tool
set (real encoder, no mocks): call, ask, decline, answer; tool_choice; multi-turn slot filling."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from _tool_fixtures import (
    NOW,
    assistant,
    bundled_tools,
    called,
    function_tool,
    integer_param,
    string_param,
    user,
)

from kodial.errors import KodialError
from kodial.tools import ToolSchemaError, decide
from kodial.tools.choose import Calibration, ToolChooser

TOOLS = bundled_tools()


def turn(messages: list[dict[str, Any]], choice: Any = "auto", **kw: Any) -> Any:
    return decide(messages, TOOLS, choice, now=NOW, **kw)


@pytest.mark.parametrize(
    ("text", "tool", "arguments"),
    [
        (
            "금요일 점심 12시 반에 두 명 자리 잡아줘, 식당은 소담정",
            "book_restaurant",
            {"restaurant": "소담정", "date": "2026-11-20", "time": "12:30", "party_size": 2},
        ),
        (
            "안방 에어컨 제습 모드로 26도 맞춰줘",
            "set_air_conditioner",
            {"room": "안방", "temperature": 26, "mode": "dry"},
        ),
        (
            "50만원을 엔으로 바꾸면 얼마야",
            "exchange_currency",
            {"amount": 500000, "from_currency": "KRW", "to_currency": "JPY"},
        ),
        ("내일 아침 6시 반에 깨워줘", "set_alarm", {"time": "06:30"}),
        (
            "아이스 아메리카노 두 잔 주문해줘",
            "order_coffee",
            {"menu": "아메리카노", "quantity": 2, "iced": True},
        ),
        (
            "1억을 연 4.5%로 36개월 빌리면 한 달에 얼마씩 갚아?",
            "calculate_loan_payment",
            {"principal": 100000000, "annual_rate": 4.5, "months": 36},
        ),
        (
            "운송장 번호 6123456789012 택배 어디쯤 왔어?",
            "track_parcel",
            {"tracking_number": "6123456789012"},
        ),
        (
            "민수에게 메시지 보내줘: 회의 자료 메일로 보냈어",
            "send_text",
            {"recipient": "민수", "message": "회의 자료 메일로 보냈어"},
        ),
    ],
)
def test_calls_with_dates_numbers_and_enums_in_the_schema_format(
    text: str, tool: str, arguments: dict[str, Any]
) -> None:
    d = turn([user(text)])
    assert (d.kind, d.tool, d.arguments) == ("call", tool, arguments)
    assert d.explain["why"].startswith("best score")


def test_asks_for_exactly_the_missing_required_arguments() -> None:
    d = turn([user("대형 폐기물 수거 예약하고 싶어요")])
    assert (d.kind, d.tool, d.missing) == ("ask", "schedule_waste_pickup", ["location", "date"])
    assert d.content == "수거할 위치와 날짜를 알려주세요."
    d = turn([user("내일 대형 폐기물 수거 예약하고 싶어요")])
    assert d.missing == ["location"] and d.content == "수거할 위치를 알려주세요."


def test_multi_turn_slot_filling_accumulates_arguments() -> None:
    messages = [user("회원가입 하고 싶어요")]
    d = turn(messages)
    assert (d.kind, d.missing, d.content) == (
        "ask",
        ["name", "email"],
        "회원 이름과 이메일 주소를 알려주세요.",
    )
    messages += [assistant(d.content), user("이름은 이서연이에요")]
    d = turn(messages)
    assert (d.kind, d.missing, d.content) == ("ask", ["email"], "이메일 주소를 알려주세요.")
    assert d.explain["pending"] == {"tool": "register_member", "asked": ["email", "name"]}
    messages += [assistant(d.content), user("seoyeon@example.com")]
    d = turn(messages)
    assert (d.kind, d.tool, d.arguments) == (
        "call",
        "register_member",
        {"name": "이서연", "email": "seoyeon@example.com"},
    )
    assert d.explain["filled"]["name"]["source"] == "history"


def test_a_bare_answer_continues_the_question() -> None:
    messages = [
        user("대형 폐기물 수거 예약하고 싶어요"),
        assistant("수거할 위치와 날짜를 알려주세요."),
        user("내일이요"),
    ]
    d = turn(messages)
    assert (d.kind, d.missing) == ("ask", ["location"])
    messages += [assistant(d.content), user("101동 앞이요")]
    d = turn(messages)
    assert (d.kind, d.arguments) == ("call", {"location": "101동 앞", "date": "2026-11-19"})
    assert d.explain["filled"]["location"]["source"] == "answer"


@pytest.mark.parametrize(
    "text", ["피자 한 판 배달시켜줘", "호텔 방 하나 잡아줘", "고마워 덕분에 살았다"]
)
def test_declines_when_no_tool_fits(text: str) -> None:
    d = turn([user(text)])
    assert d.kind == "decline" and d.tool is None and not d.arguments
    assert "도와드릴 수 있는 일은" in d.content and "no tool fits" in d.explain["why"]
    assert d.explain["scores"][0]["score"] < d.explain["threshold"]


def test_tool_choice_none_required_and_named() -> None:
    fitting = [user("내일 부산 날씨 어때?")]
    assert turn(fitting).kind == "call"
    none = turn(fitting, "none")
    assert none.kind == "decline" and none.explain["why"] == "tool_choice is none"
    # required: the best tool even for a message that fits none; it asks rather than invents
    required = turn([user("안녕하세요")], "required")
    assert required.kind == "ask" and required.tool is not None and required.arguments == {}
    named = turn(
        [user("부산은?")], {"type": "function", "function": {"name": "get_weather_forecast"}}
    )
    assert (named.kind, named.tool, named.arguments) == (
        "call",
        "get_weather_forecast",
        {"city": "부산"},
    )
    assert named.explain["why"] == "tool_choice names this tool"


def test_answers_from_the_last_tool_message() -> None:
    call = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "book_restaurant", "arguments": "{}"},
            }
        ],
    }
    result = {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": json.dumps(
            {"status": "success", "message": "소담정 예약이 완료되었습니다."}, ensure_ascii=False
        ),
    }
    d = turn([user("소담정 예약해줘"), call, result])
    assert (d.kind, d.tool, d.content) == (
        "answer",
        "book_restaurant",
        "소담정 예약이 완료되었습니다.",
    )
    result["content"] = json.dumps({"temperature": 3, "sky": "맑음"}, ensure_ascii=False)
    d = turn([user("날씨"), call, result])
    assert d.kind == "answer" and "temperature: 3" in d.content and "sky: 맑음" in d.content


def test_explain_says_why() -> None:
    d = turn([user("다음 주 월요일 오후 2시에 팀 회의 일정 잡아줘")])
    ex = d.explain
    assert ex["tool"] == "create_event" and ex["scores"][0]["tool"] == "create_event"
    assert {"score", "cosine", "words", "matched", "evidence"} <= set(ex["scores"][0])
    assert ex["filled"]["start"] == {
        "value": "2026-11-23T14:00:00",
        "source": "message",
        "text": "다음 주 월요일 오후 2시",
    }
    assert ex["missing"] == [] and 0 < ex["threshold"] < 1


def test_app_examples_join_the_scores() -> None:
    examples = {
        "play_music": ["노동요 부탁해", "출근길 플레이 부탁해"],
        "find_recipe": ["집밥 메뉴 부탁해", "반찬 뭐 하지"],
    }
    d = turn([user("노동요 좀 부탁해")], examples=examples)
    music = next(s for s in d.explain["scores"] if s["tool"] == "play_music")
    assert music["examples"] > 0.5 and d.explain["scores"][0]["tool"] == "play_music"


def test_bad_requests_are_refused_clearly() -> None:
    with pytest.raises(KodialError, match="not in tools"):
        turn([user("x")], {"type": "function", "function": {"name": "nope"}})
    with pytest.raises(KodialError, match="unknown tool_choice"):
        turn([user("x")], "sometimes")
    with pytest.raises(KodialError, match="non-empty list"):
        decide([], TOOLS)
    with pytest.raises(ToolSchemaError, match=r"tools\[0\]"):
        decide([user("x")], [{"type": "function", "function": {"name": "bad name"}}])


# --- tools chosen by meaning and by what the message gives them (a tool set written here) ---


PLACES_AND_FRIENDS = [
    function_tool(
        "walking_route",
        "출발지와 도착지 사이의 도보 경로와 소요 시간을 안내한다",
        {"origin": string_param("출발지"), "destination": string_param("도착지")},
        ["origin", "destination"],
    ),
    function_tool(
        "get_city_time",
        "특정 도시의 현재 시각 정보를 제공한다",
        {"city": string_param("도시 이름")},
        ["city"],
    ),
    function_tool(
        "find_friend_birthday",
        "친구 이름으로 저장된 생일을 검색한다",
        {"friend": string_param("검색할 친구 이름")},
        ["friend"],
    ),
    function_tool(
        "register_friend_birthday",
        "친구의 생일을 새로 등록한다",
        {
            "friend": string_param("등록할 친구 이름"),
            "birthday": {"type": "string", "format": "date", "description": "생일"},
        },
        ["friend", "birthday"],
    ),
    function_tool("get_box_office", "오늘의 박스오피스 순위를 제공한다", {}, []),
]


def test_a_request_sharing_no_word_with_the_tool_picks_it_by_meaning_and_arguments() -> None:
    # none of 걸어서 / 얼마나 / 돼 is a word of the route tool (도보, 경로, 소요 시간, 출발지, 도착지)
    d = decide([user("걸어서 시청에서 광화문까지 얼마나 돼?")], PLACES_AND_FRIENDS, now=NOW)
    assert (d.kind, d.tool, d.arguments) == (
        "call",
        "walking_route",
        {"origin": "시청", "destination": "광화문"},
    )
    assert d.explain["scores"][0]["matched"] == []


def test_between_close_neighbours_the_tool_the_message_completes_wins() -> None:
    # Both birthday tools are about 생일 (the registration even a little more by cosine); the
    # message gives a name and no date, which completes the search and half the registration.
    # The old scoring asked for the registration's missing date.
    d = decide([user("지수 생일이 며칠이더라?")], PLACES_AND_FRIENDS, now=NOW)
    assert (d.kind, d.tool, d.arguments) == ("call", "find_friend_birthday", {"friend": "지수"})
    by_tool = {s["tool"]: s for s in d.explain["scores"]}
    assert (
        by_tool["find_friend_birthday"]["complete"]
        > by_tool["register_friend_birthday"]["complete"]
    )


@pytest.mark.parametrize("text", ["고마워, 덕분에 살았어", "요즘 좀 우울해", "안녕, 반가워"])
def test_chit_chat_still_gets_no_tool_call(text: str) -> None:
    d = decide([user(text)], PLACES_AND_FRIENDS, now=NOW)
    assert d.kind == "decline" and d.tool is None
    assert d.explain["scores"][0]["score"] < d.explain["threshold"]


DIVISORS = [
    function_tool(
        "calculate_gcd",
        "두 정수의 최대공약수(GCD)를 계산한다",
        {"a": integer_param("첫 번째 정수"), "b": integer_param("두 번째 정수")},
        ["a", "b"],
    ),
    function_tool(
        "calculate_lcm",
        "두 정수의 최소공배수(LCM)를 계산한다",
        {"a": integer_param("첫 번째 정수"), "b": integer_param("두 번째 정수")},
        ["a", "b"],
    ),
]


def test_a_follow_up_never_repeats_the_last_call_with_nothing_new() -> None:
    """The tool just called, with every argument carried over and none from the message, would
    give the user the result they already have: the next tool that fits is meant. A context
    bonus this large makes the called tool the best-scoring one, as a close neighbour's
    cosine can."""
    messages = [
        user("12랑 18의 최대공약수 구해줘"),
        called("calculate_gcd", a=12, b=18),
        {"role": "tool", "tool_call_id": "c1", "content": '{"gcd": 6}'},
        assistant("최대공약수는 6입니다."),
        user("LCM도 계산할 수 있나요?"),
    ]
    chooser = ToolChooser(calibration=replace(Calibration.bundled(), context_bonus=1.0))
    d = decide(messages, DIVISORS, now=NOW, chooser=chooser)
    assert d.explain["scores"][0]["tool"] == "calculate_gcd"
    assert (d.kind, d.tool, d.arguments) == ("call", "calculate_lcm", {"a": 12, "b": 18})
    assert "would repeat an earlier call" in d.explain["why"]
    # with no other tool that fits, nothing does: the GCD tool cannot give an LCM, and calling
    # it again would only repeat the answer the user has
    alone = decide(messages, DIVISORS[:1], now=NOW, chooser=chooser)
    assert alone.kind == "decline"
    assert "would repeat an earlier call" in alone.explain["why"]
    # asked for again in so many words, it is called again
    again = decide(
        [*messages[:-1], user("한 번 더 계산해줘")], DIVISORS[:1], now=NOW, chooser=chooser
    )
    assert (again.kind, again.tool, again.arguments) == (
        "call",
        "calculate_gcd",
        {"a": 12, "b": 18},
    )


INTEREST = function_tool(
    "calculate_compound_interest",
    "복리 이자를 계산한다",
    {
        "principal": {"type": "integer", "description": "원금 (원)"},
        "rate": {"type": "number", "description": "연 이자율 (퍼센트)"},
        "years": {"type": "integer", "description": "기간 (년)"},
    },
    ["principal", "rate", "years"],
)


def test_a_request_for_an_explanation_is_not_a_calculation() -> None:
    """ "What is compound interest? Explain" shares the calculator's words but asks for
    knowledge: no tool call and no question about the calculator's arguments. A tool that says
    it explains does serve it, and a request to calculate still goes to the calculator."""
    d = decide([user("복리 이자가 뭐야? 쉽게 설명해줘")], [INTEREST], now=NOW)
    assert (d.kind, d.tool) == ("decline", None)
    assert "explanation" in d.explain["why"]
    glossary = function_tool(
        "explain_finance_term",
        "이자, 대출, 복리 같은 금융 용어의 뜻을 쉽게 설명한다",
        {"term": string_param("설명할 금융 용어")},
        ["term"],
    )
    d = decide([user("복리 이자가 뭐야? 쉽게 설명해줘")], [INTEREST, glossary], now=NOW)
    assert d.kind in ("call", "ask") and d.tool == "explain_finance_term"
    d = decide([user("원금 100만원 연 5퍼센트로 3년 복리 이자 계산해줘")], [INTEREST], now=NOW)
    assert (d.kind, d.tool) == ("call", "calculate_compound_interest")


BOOKS = [
    function_tool(
        "get_book_price",
        "책의 판매 가격을 알려준다",
        {"title": string_param("책 제목")},
        ["title"],
    ),
    function_tool(
        "order_book",
        "책을 주문한다",
        {"title": string_param("주문할 책 제목"), "quantity": integer_param("권수")},
        ["title", "quantity"],
    ),
]


def test_an_elliptical_follow_up_continues_the_last_call_with_its_new_value() -> None:
    """ "데미안은?" after a price lookup asks the same thing of another book: the last call's
    tool with the new value, though the two words alone fit no tool. A bare pronoun ("너는?")
    gives no value and is not a follow-up."""
    history = [
        user("어린 왕자 책 가격 알려줘"),
        called("get_book_price", title="어린 왕자"),
        {"role": "tool", "tool_call_id": "c1", "content": '{"price": 9800}'},
        assistant("어린 왕자는 9,800원입니다."),
    ]
    d = decide([*history, user("데미안은?")], BOOKS, now=NOW)
    assert (d.kind, d.tool, d.arguments) == ("call", "get_book_price", {"title": "데미안"})
    assert "follow-up of the last call" in d.explain["why"]
    d = decide([*history, user("그럼 데미안은요?")], BOOKS, now=NOW)
    assert (d.kind, d.tool, d.arguments) == ("call", "get_book_price", {"title": "데미안"})
    assert decide([*history, user("너는?")], BOOKS, now=NOW).kind == "decline"


def test_a_follow_up_naming_an_option_of_the_last_call_continues_it() -> None:
    """ "음량 7로 해줘" after the radio was turned on sets the last call's option, even when the
    words alone score under the threshold (a strict one here); small talk, and a request that
    gives the last tool nothing, stay declined."""
    radio = function_tool(
        "start_radio",
        "라디오 채널을 튼다",
        {
            "channel": string_param("채널 이름"),
            "volume": integer_param("음량 (0-10)"),
        },
        ["channel"],
    )
    weather = function_tool(
        "get_weather", "지역의 오늘 날씨를 알려준다", {"city": string_param("도시 이름")}, ["city"]
    )
    history = [
        user("클래식 FM 틀어줘"),
        called("start_radio", channel="클래식 FM"),
        {"role": "tool", "tool_call_id": "c1", "content": '{"status": "on"}'},
        assistant("클래식 FM을 틉니다."),
    ]
    strict = ToolChooser(calibration=replace(Calibration.bundled(), threshold=0.7))
    d = decide([*history, user("음량 7로 해줘")], [radio, weather], now=NOW, chooser=strict)
    assert d.explain["scores"][0]["score"] < 0.7
    assert (d.kind, d.tool, d.arguments) == (
        "call",
        "start_radio",
        {"channel": "클래식 FM", "volume": 7},
    )
    for text in ("좋다 고마워", "내일 날씨는 어때?"):
        other = decide([*history, user(text)], [radio, weather], now=NOW, chooser=strict)
        assert other.kind == "decline" and other.tool is None
