"""Byte-level kinds decode every string exactly, before and after save/load."""

from __future__ import annotations

import pickle
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from tokenizers import Tokenizer

from kodial.tokenizer import load_tokenizer
from kodial.tokenizer.morpheme import MorphemeByteBPETokenizer

from .conftest import TRICKY

BYTE_KINDS = ("byte-bpe", "morpheme-byte-bpe")


def test_tricky_inputs_cover_nfc_and_nfd() -> None:
    nfd = [t for t in TRICKY if unicodedata.normalize("NFC", t) != t]
    assert nfd and any(unicodedata.normalize("NFD", t) == t for t in nfd)


@pytest.mark.parametrize("kind", BYTE_KINDS)
@pytest.mark.parametrize("text", TRICKY)
def test_round_trip(trained: dict[str, Any], kind: str, text: str) -> None:
    tok = trained[kind]
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert tok.decode(ids, clean_up_tokenization_spaces=False) == text
    assert tok.unk_token_id is None


@pytest.mark.parametrize("kind", BYTE_KINDS)
def test_save_load_gives_same_ids(trained: dict[str, Any], kind: str, tmp_path: Path) -> None:
    tok = trained[kind]
    tok.save_pretrained(tmp_path)
    loaded = load_tokenizer(tmp_path)
    assert type(loaded) is type(tok)
    for text in TRICKY:
        ids = loaded(text, add_special_tokens=False)["input_ids"]
        assert ids == tok(text, add_special_tokens=False)["input_ids"]
        assert loaded.decode(ids) == text


def test_morpheme_tokenizer_loads_through_auto_tokenizer(
    trained: dict[str, Any], tmp_path: Path
) -> None:
    from transformers import AutoTokenizer

    import kodial.tokenizer.morpheme  # noqa: F401  (registers the class)

    trained["morpheme-byte-bpe"].save_pretrained(tmp_path)
    loaded = AutoTokenizer.from_pretrained(str(tmp_path))
    assert isinstance(loaded, MorphemeByteBPETokenizer)


def test_saved_morpheme_tokenizer_json_is_portable(trained: dict[str, Any], tmp_path: Path) -> None:
    """Without kodial, tokenizer.json still loads (GPT-2 byte-level split) and decodes exactly."""
    trained["morpheme-byte-bpe"].save_pretrained(tmp_path)
    plain = Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    for text in TRICKY:
        assert plain.decode(plain.encode(text).ids) == text


def test_morpheme_tokenizer_pickles(trained: dict[str, Any]) -> None:
    tok = trained["morpheme-byte-bpe"]
    copy = pickle.loads(pickle.dumps(tok))
    assert copy("사과를 먹었다")["input_ids"] == tok("사과를 먹었다")["input_ids"]
