"""The tokenizer-kind registry and what every kind guarantees."""

from __future__ import annotations

from typing import Any

import pytest

from kodial.errors import KodialError
from kodial.tokenizer.train import TRAINERS, TrainConfig, train_tokenizer


def test_registry_lists_the_documented_kinds() -> None:
    assert list(TRAINERS) == ["bpe", "byte-bpe", "wordpiece", "unigram", "morpheme-byte-bpe"]


@pytest.mark.parametrize("kind", list(TRAINERS))
def test_every_kind_respects_the_vocab_size(trained: dict[str, Any], kind: str) -> None:
    tok = trained[kind]
    assert 300 < len(tok) <= 1200
    assert tok.decode(tok("안녕하세요", add_special_tokens=False)["input_ids"]).replace(" ", "")


def test_special_tokens_come_first_and_stay_whole() -> None:
    config = TrainConfig(kind="byte-bpe", vocab_size=400, special_tokens=["<도구>", "<끝>"])
    tok = train_tokenizer(["도구를 써요 끝"] * 10, config)
    assert tok.convert_tokens_to_ids(["<도구>", "<끝>"]) == [0, 1]
    assert tok("<도구>열기<끝>", add_special_tokens=False)["input_ids"][0] == 0


def test_unknown_kind_and_empty_input_are_user_errors() -> None:
    with pytest.raises(KodialError, match="unknown tokenizer kind"):
        train_tokenizer(["가"], TrainConfig(kind="spm"))
    with pytest.raises(KodialError, match="no text"):
        train_tokenizer([], TrainConfig(kind="byte-bpe", vocab_size=300))
