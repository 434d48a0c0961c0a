"""Tokenizers trained once per test session on kodial's own Korean sample corpus."""

from __future__ import annotations

from typing import Any

import pytest

from kodial.testing.tokenizers import sample_corpus_lines
from kodial.tokenizer.train import TRAINERS, TrainConfig, train_tokenizer

TRICKY = [
    "사과를  먹었다",  # two spaces
    "오늘 3시 BTS 콘서트 2026년 11월 22일!",  # Hangul, Latin, digits
    "ㅋㅋㅋㅋㅋ ㅎㅎ ㅠㅠ",  # jamo-only
    "좋아요 😊👍🏽 🇰🇷",  # emoji, skin tone modifier, flag
    "한글 테스트입니다",
    "\u1112\u1161\u11ab\u1100\u1173\u11af \u1110\u1166\u1109\u1173\u1110\u1173",  # NFD 한글 테스트
    "學而時習之 漢字 鬱陵島 龘",  # rare Hanja
    "   앞뒤 공백   ",
    "탭\t구분\n줄바꿈\r\n",
    "뷁 쀍 똠방각하 ㄱㄴㄷ ᄀᄂᄃ",  # rare syllables, compatibility and conjoining jamo
    "hello@example.com https://example.com/ko?q=한국어",
    "ＡＢＣ１２３ ½ ㈜ ℃",  # full-width and compatibility characters
]
"""Inputs every byte-level kind must decode exactly."""


@pytest.fixture(scope="session")
def trained() -> dict[str, Any]:
    """One tokenizer per kind (vocab 1200) trained on the sample corpus."""
    return {
        kind: train_tokenizer(
            sample_corpus_lines(), TrainConfig(kind=kind, vocab_size=1200, min_frequency=1)
        )
        for kind in TRAINERS
    }
