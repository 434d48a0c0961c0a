"""The sentences the tool engine says: slot questions with the right particles, declines that
say what the tools can do, answers built from tool results."""

from __future__ import annotations

import json

import pytest
from _tool_fixtures import bundled_tools

from kodial.tools.questions import (
    answer_from_result,
    decline_message,
    join_ko,
    param_label,
    slot_question,
)
from kodial.tools.schema import ParamSpec, parse_tools

SPECS = {t.name: t for t in parse_tools(bundled_tools())}


def test_the_issue_example() -> None:
    assert slot_question(SPECS["schedule_waste_pickup"], ["location", "date"]) == (
        "수거할 위치와 날짜를 알려주세요."
    )


@pytest.mark.parametrize(
    ("words", "joined"),
    [
        (["위치", "날짜"], "위치와 날짜"),
        (["날짜", "위치"], "날짜와 위치"),
        (["금액", "기간"], "금액과 기간"),
        (["이름", "이메일 주소", "비밀번호"], "이름, 이메일 주소와 비밀번호"),
        (["키"], "키"),
    ],
)
def test_join_with_particles(words: list[str], joined: str) -> None:
    assert join_ko(words) == joined


def test_object_particle_follows_the_last_word() -> None:
    assert slot_question(SPECS["register_member"], ["name", "email"]) == (
        "회원 이름과 이메일 주소를 알려주세요."
    )
    assert slot_question(SPECS["calculate_loan_payment"], ["principal", "months"]) == (
        "대출 원금과 상환 기간을 알려주세요."
    )
    assert slot_question(SPECS["transfer_money"], ["amount"]) == "보낼 금액을 알려주세요."


def test_enum_and_boolean_questions_offer_the_choices() -> None:
    assert slot_question(SPECS["book_clinic"], ["department"]) == (
        "진료과를 알려주세요 (내과, 치과, 정형외과, 소아청소년과, 피부과 중에서)."
    )
    assert slot_question(SPECS["order_coffee"], ["iced"]) == "아이스 여부를 알려주세요 (예/아니요)."


@pytest.mark.parametrize(
    ("description", "label"),
    [
        ("그램 단위의 중량", "중량"),
        ("미세먼지를 조회할 지역 이름", "지역 이름"),
        ("배송 상태를 확인하고자 하는 주문 번호", "주문 번호"),
        ("수거할 위치 (동, 호수)", "수거할 위치"),
        ("사용자의 휴대폰 번호", "휴대폰 번호"),
        ("The currency to convert from.", "base currency"),
    ],
)
def test_labels_from_descriptions(description: str, label: str) -> None:
    name = "base_currency" if "currency" in description else "x"
    assert param_label(ParamSpec(name, "string", description)) == label


def test_decline_says_what_the_tools_do() -> None:
    msg = decline_message(list(SPECS.values())[:3])
    assert msg.startswith("죄송하지만")
    assert "'대형 폐기물 수거를 예약하기'" in msg and "'도시의 날씨 예보를 조회하기'" in msg
    assert "외" not in msg
    assert "외 13가지" in decline_message(list(SPECS.values()))


def test_answers_from_tool_results() -> None:
    assert answer_from_result(
        "x", json.dumps({"status": "success", "message": "예약되었습니다."})
    ) == ("예약되었습니다.")
    assert answer_from_result(
        "x", json.dumps({"status": "fail", "message": "자리가 없습니다."})
    ) == ("요청을 처리하지 못했습니다: 자리가 없습니다.")
    assert (
        answer_from_result("x", json.dumps({"status": "success"}))
        == "요청하신 작업을 완료했습니다."
    )
    facts = answer_from_result("x", json.dumps({"bmi": 22.2, "price": 1717782}))
    assert "bmi: 22.2" in facts and "price: 1,717,782" in facts
    assert answer_from_result("x", "그냥 텍스트") == "그냥 텍스트"
