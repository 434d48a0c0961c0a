"""The history rule: whole exchanges, at most ``history_turns`` of them, then the oldest dropped
until ``history_chars`` holds; the same rule for stored turns, a client's messages and the
language-model chit-chat prompt."""

from __future__ import annotations

from pathlib import Path

import pytest

from kodial.assistant.chitchat import _lm_messages
from kodial.assistant.config import ChitchatConfig
from kodial.assistant.history import (
    Exchange,
    as_chat_messages,
    exchanges_from_messages,
    recent_exchanges,
)

PAST = [Exchange("가" * 10, "나" * 10), Exchange("다" * 3, "라" * 3), Exchange("마", "바")]


@pytest.mark.parametrize(
    ("max_turns", "max_chars", "kept"),
    [
        (8, 100, PAST),
        (1, 100, PAST[-1:]),
        (8, 8, PAST[1:]),  # 8 characters: the 20-character exchange goes whole
        (8, 2, PAST[2:]),
        (8, 1, []),  # not even the last one fits
        (0, 100, []),
        (8, None, PAST),
    ],
)
def test_recent_exchanges(max_turns: int, max_chars: int | None, kept: list[Exchange]) -> None:
    assert recent_exchanges(PAST, max_turns, max_chars) == kept


def test_messages_group_into_exchanges_and_back() -> None:
    messages = [
        {"role": "system", "content": "무시"},
        {"role": "assistant", "content": "어서 오세요"},
        {"role": "user", "content": "안녕"},
        {"role": "assistant", "content": "안녕하세요"},
        {"role": "user", "content": "예약"},
        {"role": "user", "content": "내일"},
        {"role": "assistant", "content": "몇 분이세요?"},
        {"role": "tool", "content": "무시"},
    ]
    exchanges = exchanges_from_messages(messages)
    assert exchanges == [
        Exchange("", "어서 오세요"),
        Exchange("안녕", "안녕하세요"),
        Exchange("예약", ""),
        Exchange("내일", "몇 분이세요?"),
    ]
    assert as_chat_messages(exchanges) == [
        m for m in messages if m["role"] in ("user", "assistant")
    ]


def test_chitchat_history_turns_counts_exchanges(tmp_path: Path) -> None:
    """Before, ``history_turns`` counted messages: with 1, the model saw the last reply
    without the message it answered."""
    config = ChitchatConfig(backend="transformers", model=str(tmp_path), history_turns=1)
    prompt = _lm_messages(config, "오늘 어때요?", PAST)
    assert prompt == [
        {"role": "user", "content": "마"},
        {"role": "assistant", "content": "바"},
        {"role": "user", "content": "오늘 어때요?"},
    ]
    none = config.model_copy(update={"history_turns": 0})
    assert _lm_messages(none, "안녕", PAST) == [{"role": "user", "content": "안녕"}]
