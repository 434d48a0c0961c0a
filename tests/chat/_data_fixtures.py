"""Shared fixtures of the dialogue-data tests: tiny real chat tokenizers and a short dialogue.

Imported by ``test_samples.py``, ``test_data_cli.py`` (pytest puts this folder on ``sys.path``).
The sentences are original, written for these tests.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from kodial.chat.dialogue import Conversation, Message
from kodial.chat.persona import Persona

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TEMPLATES = ("llama3", "chatml", "gemma")

SYSTEM = "너는 카페 사장 하루야."

CAFE = Conversation(
    [
        Message("system", SYSTEM),
        Message("user", "안녕하세요"),
        Message("assistant", "어서 오세요! 뭐 드릴까요?"),
        Message("user", "라떼 한 잔 주세요"),
        Message("assistant", "네, 따뜻하게 드릴게요."),
    ],
    id="cafe-1",
    source="cafe.jsonl",
    line=1,
)
"""A two-exchange dialogue with a system prompt; the masks of the tests are written for it."""

PERSONA = Persona(
    name="하루",
    profile=["작은 카페를 운영한다."],
    style=["해요체로 말한다."],
    examples=["어서 오세요!"],
    system_template="너는 {name}야. {profile}",
)


class TokenizerCache:
    """``cache(template)`` -> a tiny byte-level BPE tokenizer with that chat template, built once
    per session; ``cache.dir(template)`` -> the directory it was saved to."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._built: dict[str, tuple[Any, Path]] = {}

    def _get(self, template: str) -> tuple[Any, Path]:
        from kodial.testing.tokenizers import build_chat_tokenizer

        if template not in self._built:
            out = self._factory.mktemp(f"tok-{template}")
            self._built[template] = (build_chat_tokenizer(out, template=template), out)
        return self._built[template]

    def __call__(self, template: str) -> Any:
        return self._get(template)[0]

    def dir(self, template: str) -> Path:
        return self._get(template)[1]


@pytest.fixture(scope="session")
def chat_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> TokenizerCache:
    """Tiny real chat tokenizers (Llama-3, ChatML, Gemma templates) from kodial.testing."""
    return TokenizerCache(tmp_path_factory)
