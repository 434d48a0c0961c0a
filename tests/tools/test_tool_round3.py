"""Readings that should carry over to tools and requests nobody tuned on (round 3): mechanisms,
not phrasings. Every tool and sentence here is written for these tests (none comes from a
benchmark or a development set)."""

from __future__ import annotations

from _tool_fixtures import NOW, function_tool, integer_param, string_param, user

from kodial.tools import decide
from kodial.tools.choose import Calibration, ToolChooser

# --- two views agreeing under the threshold -----------------------------------------------------

SPONSOR = [
    function_tool(
        "start_sponsorship",
        "아동 결연 후원을 시작합니다.",
        {
            "child_country": string_param("후원할 아동이 사는 나라"),
            "monthly_amount": integer_param("매월 후원 금액 (원)"),
        },
        ["child_country", "monthly_amount"],
    ),
    function_tool(
        "update_payment_card",
        "결제 카드를 바꿉니다.",
        {"card_last4": string_param("카드 끝 4자리")},
        ["card_last4"],
    ),
]


def _wordy_chooser() -> ToolChooser:
    """No encoder (cosine 0): the score is only the words, the arguments and the act, so a
    request the encoder would see little likeness in stays under the calibrated threshold."""
    return ToolChooser(encoder=None, calibration=Calibration.bundled())


def test_a_tool_named_by_its_word_and_given_an_argument_is_meant_under_the_threshold() -> None:
    """'후원' is the tool's own word and '매월 3만원' gives its amount by the parameter's words:
    two independent views agree, and no other tool comes close, so the request is not declined
    for a weak encoder score; it asks for what is still missing."""
    chooser = _wordy_chooser()
    d = decide([user("매월 3만원씩 후원 하고싶어요")], SPONSOR, now=NOW, chooser=chooser)
    assert d.explain["scores"][0]["score"] < chooser.threshold
    assert (d.kind, d.tool, d.missing) == ("ask", "start_sponsorship", ["child_country"])
    assert "under the threshold" in d.explain["why"]


def test_one_view_alone_under_the_threshold_still_declines() -> None:
    """The tool's word without any of its arguments ('후원 얘기 들었어'), or an argument without
    the tool's words, is not enough under the threshold."""
    chooser = _wordy_chooser()
    for text in ("후원 얘기 들었어", "매월 3만원이면 싸네"):
        d = decide([user(text)], SPONSOR, now=NOW, chooser=chooser)
        assert d.kind == "decline", (text, d.kind, d.explain.get("scores"))
