"""Readings that should carry over to tools nobody tuned on (round 7): a boolean whose
description names its two values in words, an item of a result picked by a word inside its
name, a field of a listed item under the name of what the list
holds (``code`` of ``courses`` is ``course_code``), a birth date that is no booking day, and a
place's name that is no person's. Every tool and sentence here is written for these tests (none
comes from a benchmark or a development set)."""

from __future__ import annotations

from typing import Any

from _tool_fixtures import (
    NOW,
    assistant,
    called,
    function_tool,
    one_tool,
    string_param,
    tool_result,
    user,
    values,
)

from kodial.tools import decide
from kodial.tools.arguments.picking import picked_item

# --- an item picked by a word inside its name -----------------------------------------------


def test_a_word_inside_one_name_picks_that_item():
    result = {
        "shops": [
            {"shop_id": "K-1", "name": "망원동꽃집"},
            {"shop_id": "K-2", "name": "합정플라워카페"},
        ]
    }
    assert picked_item(result, "꽃집으로 할게요", NOW)["shop_id"] == "K-1"
    # a word inside both names picks neither
    both = {"shops": [{"shop_id": "A", "name": "서교꽃집"}, {"shop_id": "B", "name": "연남꽃집"}]}
    assert picked_item(both, "꽃집으로 할게요", NOW) == {}
    # a name said whole still wins over a word inside another name
    whole = {"shops": [{"shop_id": "A", "name": "달빛"}, {"shop_id": "B", "name": "달빛정원"}]}
    assert picked_item(whole, "정원 말고 달빛으로요", NOW)["shop_id"] == "A"


def test_a_listed_items_fields_under_the_name_of_what_the_list_holds():
    result = {"courses": [{"code": "PT-30", "title": "도자기 원데이"}]}
    fields = picked_item(result, "그걸로 할게요", NOW)
    assert fields["code"] == "PT-30" and fields["course_code"] == "PT-30"
    assert fields["course_title"] == "도자기 원데이"
    branches = {"branches": [{"id": "B-7", "name": "수원점"}]}
    assert picked_item(branches, "거기로", NOW)["branch_id"] == "B-7"


def _class_tools() -> list[dict[str, Any]]:
    return [
        function_tool(
            "list_pottery_classes",
            "도자기 공방의 수업 목록을 조회합니다.",
            {"studio": string_param("공방 이름")},
            ["studio"],
        ),
        function_tool(
            "enroll_pottery_class",
            "도자기 수업에 수강 신청합니다.",
            {
                "course_code": string_param("수업 코드"),
                "student_name": string_param("수강생 이름"),
            },
            ["course_code", "student_name"],
        ),
    ]


def test_the_code_of_the_class_picked_by_its_name_fills_the_booking():
    messages = [
        user("흙손공방 수업 뭐 있어?"),
        called("list_pottery_classes", studio="흙손공방"),
        tool_result(
            {
                "courses": [
                    {"code": "WH-1", "name": "물레 체험"},
                    {"code": "HB-2", "name": "핸드빌딩 기초"},
                ]
            }
        ),
        assistant("물레 체험(WH-1)과 핸드빌딩 기초(HB-2) 수업이 있어요."),
        user("물레로 신청할게요. 수강생은 윤하람이에요"),
    ]
    d = decide(messages, _class_tools(), "auto", now=NOW)
    assert d.kind == "call" and d.tool == "enroll_pottery_class"
    assert d.arguments == {"course_code": "WH-1", "student_name": "윤하람"}


# --- a birth date is no booking day; a place's name is no person's ---------------------------


def _checkup_tools() -> list[dict[str, Any]]:
    return [
        function_tool(
            "find_checkup_clinics",
            "건강검진 기관을 찾습니다.",
            {"district": string_param("구 이름")},
            ["district"],
        ),
        function_tool(
            "book_health_checkup",
            "건강검진을 예약합니다.",
            {
                "clinic_id": string_param("검진 기관 ID"),
                "date": string_param("검진 날짜 (YYYY-MM-DD)"),
                "name": string_param("수검자 성함"),
                "birth_date": string_param("수검자 생년월일 (YYYY-MM-DD)"),
            },
            ["clinic_id", "date", "name", "birth_date"],
        ),
    ]


def test_a_birth_date_is_kept_and_the_clinics_name_is_not_the_patients():
    messages = [
        user("마포구 건강검진 되는 데 알려줘"),
        called("find_checkup_clinics", district="마포구"),
        tool_result(
            {
                "clinics": [
                    {"clinic_id": "HC-11", "name": "마포구보건소"},
                    {"clinic_id": "HC-12", "name": "한결내과의원"},
                ]
            }
        ),
        assistant("마포구보건소와 한결내과의원에서 검진할 수 있어요."),
        user("보건소로 다음 주 화요일에 해주세요"),
        assistant("검진받으실 분의 성함과 생년월일을 알려 주세요."),
        user("67년 8월 14일생이에요"),
    ]
    d = decide(messages, _checkup_tools(), "auto", now=NOW)
    # the birth date (long past) stays; the clinic's name is not who is examined
    assert d.kind == "ask" and d.tool == "book_health_checkup" and d.missing == ["name"]
    d = decide([*messages[:-1], user("서유진, 67년 8월 14일생이에요")], _checkup_tools(), now=NOW)
    assert d.kind == "call"
    assert d.arguments == {
        "clinic_id": "HC-11",
        "date": "2026-11-24",
        "name": "서유진",
        "birth_date": "1967-08-14",
    }


# --- a boolean whose description names its values in words ------------------------------------


def test_a_boolean_said_by_the_words_its_description_gives_its_values():
    switch = {"type": "boolean", "description": "켜기(true) / 끄기(false)"}
    tool = one_tool({"device": string_param("기기 이름"), "power": switch}, ["device", "power"])
    assert values(tool, "가습기 꺼 줄래")["power"] is False
    assert values(tool, "제습기 좀 켜 주세요")["power"] is True
    assert values(tool, "네 시에 가습기 꺼 줘")["power"] is False  # 네 시 is no yes
    lock = {"type": "boolean", "description": "true면 잠금, false면 열림"}
    tool = one_tool({"locked": lock}, ["locked"])
    assert values(tool, "현관문 잠가 줘") == {"locked": True}
    assert values(tool, "현관문 열어 줘") == {"locked": False}
    assert values(tool, "현관 잠금 해제해 줘") == {"locked": False}
    # neither word said: nothing is guessed
    assert values(tool, "현관문 상태 어때") == {}


# --- a label said whole goes to its own parameter ----------------------------------------------


def test_a_label_said_whole_is_not_taken_by_a_parameter_sharing_one_of_its_words():
    tool = one_tool(
        {
            "from_address": string_param("맡기는 사람 주소"),
            "to_name": string_param("찾아갈 사람 이름"),
        },
        ["from_address", "to_name"],
    )
    # 사람 is in both labels: "찾아갈 사람은" names the second
    assert values(tool, "찾아갈 사람은 남궁별이에요") == {"to_name": "남궁별"}
    assert values(tool, "찾아갈사람은 남궁별") == {"to_name": "남궁별"}
