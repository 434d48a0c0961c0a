"""Slot-filling tasks of the example assistant over many turns: filling, a change of mind,
confirmation, cancelling at any step, re-prompting, defaults, interruptions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from kodial.assistant.examples import confirmation_code

Talk = Callable[..., Any]


def test_booking_with_a_change_of_mind(talk: Talk) -> None:
    c = talk()
    reply = c.say("내일 저녁 7시에 4명 예약하고 싶어요")
    assert c.route["handler"] == "book_table" and c.route["intent"] == "book_table"
    assert c.route["classifier"]["ranking"][0]["label"] == "book_table"
    assert c.route["slots"] == {"날짜": "2026-11-19", "시간": "19:00", "인원": 4}
    assert c.task["asking"] == "장소" and "지점" in reply

    reply = c.say("강남점으로 해 주세요")
    assert reply == "내일(11월 19일 목요일) 오후 7시에 강남점에서 4명으로 예약할까요?"
    assert c.task["confirming"] is True

    reply = c.say("아니 시간은 8시로 바꿔줘")  # a change at the confirmation step
    assert c.route["task"]["event"] == "changed"
    assert reply.startswith("시간을 바꿨어요.") and "오후 8시에 강남점에서" in reply
    assert c.route["slots"]["시간"] == "20:00"

    reply = c.say("인원은 여섯 명으로 할게요")
    assert c.route["slots"]["인원"] == 6 and "6명으로 예약할까요" in reply

    reply = c.say("네 좋아요")
    slots = {"날짜": "2026-11-19", "시간": "20:00", "인원": 6, "장소": "강남점"}
    code = confirmation_code("R", "book_table", slots)
    assert reply.endswith(f"예약 번호는 {code}입니다.")
    assert "오후 8시" in reply and c.task is None
    assert c.route["action"] == {
        "type": "callable",
        "ok": True,
        "reason": "",
        "result": {"confirmation": code, "branch": "강남점"},
        "replayed": False,
        "error_id": None,
    }
    json.dumps(c.state)  # the state stays plain JSON


def test_slots_asked_one_by_one_with_choices_after_failures(talk: Talk) -> None:
    c = talk()
    assert c.say("식당 예약해 줘") == "어느 날로 예약할까요?"
    assert c.route["task"]["event"] == "started"
    c.say("모레")
    assert c.task["asking"] == "시간"
    c.say("저녁으로요")  # a part of day without an hour: still asking, remembered
    assert c.task["asking"] == "시간" and c.task["period"] == "저녁"
    c.say("7시")
    assert c.route["slots"]["시간"] == "19:00"
    c.say("4명")
    assert c.task["asking"] == "장소"
    first = c.say("음")
    assert first.startswith("잘 못 알아들었어요.") and c.route["task"]["event"] == "reprompt"
    second = c.say("음...")
    assert "강남점, 홍대점, 잠실점, 판교점 중에서 골라 주세요" in second and "취소" in second
    assert c.route["task"]["failures"] == 2
    c.say("판교")
    assert c.task["confirming"] and c.task["failures"] == 0


def test_invalid_values_are_refused_and_asked_again(talk: Talk) -> None:
    c = talk()
    reply = c.say("어제 3명 예약해 줘")
    assert "이미 지난 날짜" in reply and c.task["asking"] == "날짜"
    assert "날짜" not in c.route["slots"] and c.route["slots"]["인원"] == 3
    reply = c.say("내일 새벽 2시")
    assert "11시부터 22시" in reply and c.route["slots"]["날짜"] == "2026-11-19"
    reply = c.say("30명")
    assert "20명까지만" in reply


def test_cancel_at_any_step(talk: Talk) -> None:
    c = talk()
    c.say("영화 예매해 줘")
    assert c.route["handler"] == "book_movie" and c.task is not None
    reply = c.say("취소할래")
    assert reply == "알겠어요, 영화 예매는 그만할게요." and c.task is None
    assert c.route["task"]["event"] == "cancelled"

    c.say("내일 저녁 7시 4명 홍대점 예약")
    assert c.task["confirming"]
    c.say("그만")
    assert c.task is None and "취소했어요" in c.history[-1].assistant


def test_declining_the_confirmation_then_naming_the_slot(talk: Talk) -> None:
    c = talk()
    c.say("토요일 오후 2시에 별빛 정거장 2장 예매")
    assert c.task["confirming"]
    assert "11월 21일 토요일 오후 2시에 별빛 정거장을 2장 예매할까요?" in c.history[-1].assistant
    reply = c.say("아니요")
    assert "어떤 부분을 바꿀까요" in reply and not c.task["confirming"]
    assert c.say("시간 바꿀래") == "몇 시 상영으로 할까요?"
    reply = c.say("저녁 7시 반")
    assert "오후 7시 30분에 별빛 정거장을 2장" in reply
    reply = c.say("응")
    assert "예매 번호는 M-" in reply and c.task is None


def test_question_about_cancelling_is_not_a_cancel(talk: Talk) -> None:
    c = talk()
    c.say("내일 점심 12시 두 명 예약")
    reply = c.say("예약 취소는 어떻게 해요?")
    assert c.route["handler"] == "faq" and "내 예약" in reply
    assert c.route["task_waiting"] == "book_table"
    assert "(진행 중인 식당 예약은 계속할게요: 어느 지점으로" in reply
    assert c.task is not None and c.task["asking"] == "장소"
    c.say("잠실점")
    assert c.task["confirming"]


def test_interrupting_smalltalk_keeps_the_task(talk: Talk) -> None:
    c = talk()
    c.say("영화 예매할래")
    reply = c.say("고마워요")
    assert c.route["handler"] == "smalltalk" and "어떤 영화를 볼까요" in reply
    c.say("바다로 간 고양이")
    assert c.route["slots"] == {"영화": "바다로 간 고양이"}


def test_another_task_replaces_the_current_one(talk: Talk) -> None:
    c = talk()
    c.say("식당 예약해 줘")
    reply = c.say("부산 날씨 어때?")
    assert c.route["handler"] == "weather" and "switched from task" in c.route["reason"]
    assert reply.startswith("부산의 11월 평년 기온은 11.8도") and c.task is None


def test_weather_fills_the_date_by_default(talk: Talk) -> None:
    c = talk()
    assert "지역" in c.say("날씨 알려 줄래?")
    reply = c.say("제주")
    assert reply.startswith("제주의 11월 평년 기온은 13.2도 정도로 선선해요.")
    assert c.route["slots"] == {"지역": "제주", "날짜": "2026-11-18"}
    c.say("내년 3월 5일 서울 날씨")
    assert c.route["slots"]["날짜"] == "2027-03-05" and "3월 평년 기온은 6.1도" in (
        c.history[-1].assistant
    )


@pytest.mark.parametrize("message", ["", "   "])
def test_empty_message(talk: Talk, message: str) -> None:
    c = talk()
    reply = c.say(message)
    assert c.route["handler"] == "fallback" and reply.startswith("무엇을 도와드릴까요?")


def test_decomposed_hangul_and_long_messages(talk: Talk) -> None:
    import unicodedata

    c = talk()
    c.say(unicodedata.normalize("NFD", "내일 저녁 7시에 4명 강남점 예약"))
    assert c.task is not None and c.task["confirming"]
    c = talk()
    c.say("예약 " + "아주 " * 2000 + "내일 2명")
    assert c.route["handler"] in ("book_table", "fallback")


def test_after_declining_fillers_and_yes_return_to_the_confirmation(talk: Talk) -> None:
    c = talk()
    c.say("내일 저녁 7시 4명 판교점 예약")
    c.say("아니")
    assert c.task["asking"] is None and not c.task["confirming"]
    reply = c.say("음")
    assert reply.startswith("잘 못 알아들었어요. 어떤 부분을 바꿀까요?")
    reply = c.say("고마워요")  # small talk answers, then the pending question
    assert c.route["handler"] == "smalltalk" and "어떤 부분을 바꿀까요?" in reply
    reply = c.say("넵")
    assert reply.startswith("그럼 이대로 할게요.") and c.task["confirming"]
    assert "예약 번호는 R-" in c.say("네")


def test_part_of_day_in_the_first_message_shapes_the_time_question(talk: Talk) -> None:
    c = talk()
    assert c.say("이번 주 금요일 저녁에 세 명 예약할게요") == "저녁 몇 시로 할까요?"
    assert c.route["slots"] == {"날짜": "2026-11-20", "인원": 3}
    c.say("7시 반")
    assert c.route["slots"]["시간"] == "19:30" and c.task["period"] is None


def test_cancel_without_a_task(talk: Talk) -> None:
    c = talk()
    for message in ("취소할래", "그만"):
        assert c.say(message) == "지금 진행 중인 일은 없어요. 무엇을 도와드릴까요?"
        assert c.route["handler"] == "fallback" and "no task in progress" in c.route["reason"]
        assert c.task is None
    c.say("예약 취소는 어떻게 해요?")  # a question about cancelling is still an FAQ
    assert c.route["handler"] == "faq"


def test_cancelling_something_is_routed_and_never_starts_a_task(talk: Talk) -> None:
    """A cancel that names what to cancel is not answered "nothing in progress", and a request
    to cancel a booking never starts a booking, even when the classifier ranks the booking
    task first."""
    for message in (
        "내일 예약 취소할래",
        "강남점 예약 취소할게",
        "영화 예매 취소하고 싶어",
        "예약 좀 취소해 줄래요?",
    ):
        c = talk()
        reply = c.say(message)
        assert "진행 중인 일은 없어요" not in reply
        assert c.route["handler"] == "faq", (message, c.route)
        assert c.task is None


def test_a_hesitation_at_the_confirmation_is_not_a_yes(talk: Talk) -> None:
    c = talk()
    c.say("내일 저녁 7시 4명 판교점 예약")
    assert c.task["confirming"]
    for hesitation in ("어...", "어어", "음"):
        reply = c.say(hesitation)
        assert "예약 번호" not in reply and c.task is not None and c.task["confirming"]
    assert "예약 번호는 R-" in c.say("네")


@pytest.mark.parametrize(
    ("message", "task"),
    [
        ("잘됐어 내일 저녁 7시에 4명 강남점 예약해줘", "book_table"),
        ("내일 저녁 7시에 그만큼 인원으로 4명 강남 예약해줘", "book_table"),
        ("취소된 예약 말고 새로 내일 저녁 7시 4명 강남 예약할래", "book_table"),
        ("회의가 취소돼서 오늘 저녁 7시에 2명 홍대점 예약할게요", "book_table"),
        ("공연이 취소돼서 대신 오늘 밤 9시 별빛 정거장 2장 예매해줘", "book_movie"),
    ],
)
def test_requests_that_only_mention_cancelling_still_start_their_task(
    talk: Talk, message: str, task: str
) -> None:
    c = talk()
    c.say(message)
    assert c.route["handler"] == task and c.task is not None and c.task["handler"] == task
