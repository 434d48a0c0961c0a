"""What a request asks to do (look up, create, change, delete) and what a tool does: between
neighbours that share every word, the one whose act the request asks for wins."""

from __future__ import annotations

import pytest
from _tool_fixtures import one_string_tool

from kodial.tools.acts import act_match, text_act, tool_act
from kodial.tools.choose import Calibration, ToolChooser
from kodial.tools.schema import parse_tools


def _tool(name: str, desc: str) -> dict:
    return one_string_tool(name, desc, "식물 이름", key="plant")


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("선인장 물 주는 날이 언제더라?", "lookup"),
        ("다음 주 화분 분갈이 몇 시였지", "lookup"),
        ("화분 분갈이 일정 추가해줘", "create"),
        ("장보기 목록에 두부 넣어줘", "create"),
        ("할 일 목록에 분갈이 추가", "create"),
        # the action noun before another one is its object: cancelling a booking deletes
        ("미용실 예약 취소해줘", "delete"),
        ("회의 일정 좀 바꿔줄래", "modify"),
        # 되다 makes the noun a state asked about, not a request to register
        ("등록된 일정 중에 분갈이 찾아줘", "lookup"),
        # knowledge asked for: what something means, or an explanation
        ("복리가 뭐야? 쉽게 설명해줘", "explain"),
        ("환급이란 무슨 뜻이야", "explain"),
        # setting something up creates it (a tool named set_/setup_ does); sending is its own act
        ("내일 아침 7시로 알람 맞춰줘", "create"),
        ("수능 디데이 설정해줘", "create"),
        ("팀장님께 회의록 메일로 보내줘", "send"),
        ("동생한테 문자 전송해줘", "send"),
        # a verb describing a noun is not what is asked: where is the parcel I sent?
        ("편의점에서 보낸 택배 지금 어디쯤이야", "lookup"),
        ("어제 만든 메모 찾아줘", "lookup"),
        ("새 폴더 만들 수 있어?", "create"),
        # whether something is registered is asked: a lookup, not a registration
        ("다음 주 치과 예약 등록돼 있어?", "lookup"),
        ("그 회의 캘린더에 저장되어 있나요?", "lookup"),
        ("오늘 하루 정말 길었다", None),
        ("고마워 잘 자", None),
    ],
)
def test_the_act_a_request_asks_for(text: str, act: str | None) -> None:
    assert text_act(text) == act


def test_the_act_a_tool_does_from_its_name_else_its_description() -> None:
    find, register, plain = parse_tools(
        [
            _tool("searchWatering", "식물 물 주기 기록"),
            _tool("add_watering", "식물 물 주기 기록"),
            _tool("watering_log", "식물 물 주기 기록을 새로 추가한다"),
        ]
    )
    assert (tool_act(find), tool_act(register), tool_act(plain)) == ("lookup", "create", "create")
    assert tool_act(parse_tools([_tool("watering_log", "식물 물 주기 기록")])[0]) is None
    # a tool that explains says so, and matches a request for an explanation
    glossary = parse_tools([_tool("glossary", "원예 용어의 뜻을 설명한다")])[0]
    assert tool_act(glossary) == text_act("분갈이가 무슨 뜻이야?") == "explain"
    assert act_match("lookup", "lookup") == 1.0
    assert act_match("lookup", "create") == -1.0
    assert act_match(None, "create") == act_match("lookup", None) == 0.0


def test_between_neighbours_sharing_every_word_the_asked_act_wins() -> None:
    tools = parse_tools(
        [
            _tool("register_watering", "식물에 물 주는 날을 등록한다"),
            _tool("find_watering", "식물에 물 주는 날을 찾는다"),
        ]
    )
    text = "몬스테라 물 주는 날이 언제야?"
    without = ToolChooser(encoder=None, calibration=Calibration(act_weight=0.0)).score(tools, text)
    # the same words, nothing to tell them apart: the first offered stays first
    assert without[0].score == without[1].score and without[0].name == "register_watering"
    scores = ToolChooser(encoder=None, calibration=Calibration(act_weight=0.1)).score(tools, text)
    assert [s.name for s in scores] == ["find_watering", "register_watering"]
    assert (scores[0].act, scores[1].act) == (1.0, -1.0)
    assert scores[0].as_dict()["act"] == 1.0
    # a request to register goes the other way with the same weights
    again = ToolChooser(encoder=None, calibration=Calibration(act_weight=0.1)).score(
        tools, "몬스테라 물 주는 날 등록해줘"
    )
    assert again[0].name == "register_watering"


def test_a_request_to_send_is_not_served_by_a_lookup_of_its_address() -> None:
    """Asking to send a mail, with only an address-book search offered: the search shares the
    mail words but does something else, so it scores lower than for a request to look up."""
    tools = parse_tools(
        [
            _tool("search_address", "주소록에서 이메일 주소를 찾는다"),
            _tool("send_letter", "편지를 보낸다"),
        ]
    )
    assert (tool_act(tools[0]), tool_act(tools[1])) == ("lookup", "send")
    chooser = ToolChooser(encoder=None, calibration=Calibration(act_weight=0.1))
    send = {s.name: s for s in chooser.score(tools, "그 주소로 이메일 보내줘")}
    find = {s.name: s for s in chooser.score(tools, "그 사람 이메일 주소 찾아줘")}
    assert send["search_address"].act == -1.0 and find["search_address"].act == 1.0
    assert send["send_letter"].act == 1.0
