"""What a short reply does: cancel, accept, refuse, say nothing, ask for a change, take a value
back; and the template renderer that picks particles."""

from __future__ import annotations

import pytest

from kodial.korean import fill_template, render
from kodial.korean.dialogue_acts import (
    asks_to_cancel,
    is_bare_cancel,
    is_cancel,
    is_filler,
    is_no,
    is_yes,
    mentions_change,
    negated,
)


@pytest.mark.parametrize(
    ("text", "cancel", "bare", "asks"),
    [
        ("취소할래", True, True, True),
        ("그냥 그만", True, True, False),
        ("취소해 줘", True, True, True),
        ("내일 예약 취소할래", True, False, True),
        ("예약 취소는 어떻게 해요?", False, False, False),  # a question about cancelling
        ("회의가 취소돼서 오늘 예약할게요", True, False, False),  # mentions, does not ask
        ("예약해 줘", False, False, False),
    ],
)
def test_cancel(text: str, cancel: bool, bare: bool, asks: bool) -> None:
    assert (is_cancel(text), is_bare_cancel(text), asks_to_cancel(text)) == (cancel, bare, asks)


@pytest.mark.parametrize(
    ("text", "yes", "no", "filler"),
    [
        ("네", True, False, False),
        ("네 좋아요", True, False, False),
        ("넵", True, False, False),
        ("예약할래요", False, False, False),  # 예약 is not 예
        ("어...", True, False, True),  # spells a yes, is a hesitation
        ("아니요", False, True, False),
        ("아니 시간은 8시로", False, True, False),
        ("노래 틀어 줘", False, False, False),  # 노래 is not 노
        ("음", False, False, True),
        ("글쎄요 ㅎㅎ", False, False, True),
    ],
)
def test_yes_no_filler(text: str, yes: bool, no: bool, filler: bool) -> None:
    assert (is_yes(text), is_no(text), is_filler(text)) == (yes, no, filler)


def test_change_and_negation() -> None:
    assert mentions_change("시간 바꿔 줘") and mentions_change("7시 말고 8시")
    assert not mentions_change("시간")
    text = "7시 말고 8시"
    assert negated(text, text.index("7시") + 2) and not negated(text, len(text))


def test_render_and_fill_template() -> None:
    assert render(
        "{장소}에서 {인원}명, {영화}을/를", {"장소": "강남점", "인원": 4, "영화": "별빛"}
    ) == ("강남점에서 4명, 별빛을")
    assert render("{없음}은/는 그대로", {}) == "{없음}은/는 그대로"
    assert fill_template("{label}이/가 주제다", "장소") == "장소가 주제다"
    assert fill_template("{}와/과 관련", "영화") == "영화와 관련"
    with pytest.raises(ValueError, match="placeholder"):
        fill_template("{other}은/는 다른 이름", "x")  # before: returned unfilled
