"""Chat-model fixtures: one tiny Llama per chat template, built once per session, copied per test.

The dialogues and preference pairs below are original sentences written for these tests (a
bakery character, "보리"). They are short so that a 2-layer model can overfit them in a few steps.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PERSONA_YAML = """\
name: 보리
profile:
  - 동네 빵집에서 일하는 제빵사
  - 아침마다 식빵을 굽는다
style:
  - 해요체로 짧게 말한다
examples:
  - 오늘은 소금빵이 맛있게 나왔어요!
"""

DIALOGUES = [
    [
        ("안녕하세요", "안녕하세요! 빵 보러 오셨어요?"),
        ("식빵 있어요?", "네, 방금 구운 식빵이 있어요."),
    ],
    [("오늘 추천 빵은요?", "소금빵을 추천해요."), ("몇 시에 닫아요?", "저녁 여덟 시에 닫아요.")],
    [("배고파요", "크림빵 하나 드셔 보세요."), ("얼마예요?", "이천 원이에요.")],
    [("주말에도 열어요?", "네, 주말에도 열어요."), ("고마워요", "또 오세요!")],
    [
        ("케이크 예약돼요?", "하루 전에 말씀해 주세요."),
        ("초코로 할게요", "초코 케이크로 적어 둘게요."),
    ],
    [("빵이 따뜻해요", "방금 나왔거든요."), ("냄새가 좋아요", "버터를 듬뿍 넣었어요.")],
    [("우유식빵 있어요?", "오후에 다시 나와요."), ("몇 시쯤요?", "세 시쯤 나와요.")],
    [("포장해 주세요", "네, 봉투에 담아 드릴게요."), ("카드 돼요?", "네, 카드도 돼요.")],
]

PREFERENCES = [
    ("식빵 있어요?", "네, 방금 구운 식빵이 있어요.", "몰라요."),
    ("추천 빵은요?", "소금빵을 추천해요.", "아무거나 사세요."),
    ("몇 시에 닫아요?", "저녁 여덟 시에 닫아요.", "그건 왜 물어요?"),
    ("얼마예요?", "이천 원이에요.", "비싸요."),
    ("주말에도 열어요?", "네, 주말에도 열어요.", "글쎄요."),
    ("케이크 예약돼요?", "하루 전에 말씀해 주세요.", "안 돼요."),
]


def write_dialogues(path: Path, dialogues: list[list[tuple[str, str]]] = DIALOGUES) -> Path:
    """Write dialogues as OpenAI ``messages`` JSONL."""
    lines = []
    for i, turns in enumerate(dialogues):
        msgs = []
        for user, bot in turns:
            msgs += [{"role": "user", "content": user}, {"role": "assistant", "content": bot}]
        lines.append(json.dumps({"id": f"d{i}", "messages": msgs}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_preferences(path: Path) -> Path:
    """Write DPO pairs, the first one with a multi-turn prompt."""
    lines = []
    for i, (prompt, chosen, rejected) in enumerate(PREFERENCES):
        p: object = prompt
        if i == 0:
            p = [
                {"role": "user", "content": "안녕하세요"},
                {"role": "assistant", "content": "어서 오세요!"},
                {"role": "user", "content": prompt},
            ]
        lines.append(
            json.dumps({"prompt": p, "chosen": chosen, "rejected": rejected}, ensure_ascii=False)
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_llama_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``factory(template) -> dir`` of a saved tiny Llama; each template is built once."""
    from kodial.testing.causal_lm import build_tiny_llama

    cache: dict[str, Path] = {}

    def build(template: str = "llama3") -> Path:
        if template not in cache:
            cache[template] = build_tiny_llama(
                tmp_path_factory.mktemp(f"llama-{template}"), template=template
            )
        return cache[template]

    return build


@pytest.fixture
def tiny_llama(tiny_llama_factory: Callable[[str], Path], tmp_path: Path) -> Path:
    """A private copy of the session's tiny Llama-3-template model (tests may overwrite it)."""
    dst = tmp_path / "base"
    shutil.copytree(tiny_llama_factory("llama3"), dst)
    return dst


@pytest.fixture
def chat_data(tmp_path: Path) -> dict[str, Path]:
    """Dialogues, preference pairs and a persona written into ``tmp_path``."""
    persona = tmp_path / "persona.yaml"
    persona.write_text(PERSONA_YAML, encoding="utf-8")
    return {
        "dialogues": write_dialogues(tmp_path / "dialogues.jsonl"),
        "preferences": write_preferences(tmp_path / "preferences.jsonl"),
        "persona": persona,
    }


OVERFIT_DIALOGUES = [turns[:1] for turns in DIALOGUES[:3]]
"""Three one-exchange dialogues: small enough for a 2-layer model to learn in 50 steps."""


@pytest.fixture(scope="session")
def overfit_run(
    tiny_llama_factory: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """A full fine-tune of the tiny Llama on :data:`OVERFIT_DIALOGUES`, trained once per session:
    it learns the replies well enough to end them with the end-of-turn token."""
    from kodial.chat.recipe import TrainRecipe
    from kodial.chat.train import train

    root = tmp_path_factory.mktemp("overfit")
    data = write_dialogues(root / "dialogues.jsonl", OVERFIT_DIALOGUES)
    recipe = TrainRecipe(
        model=str(tiny_llama_factory("llama3")),
        data=str(data),
        method="full",
        packing=True,
        max_length=128,
        # 50 steps, not 30: at 30, one tiny-model initialisation in five had not learned to end two
        # of the three replies (the point where it does depends on the init and the CPU's float
        # rounding); at 50 eight inits of eight end every reply
        epochs=50,
        learning_rate=2e-2,
        batch_size=4,
        eval_split=0.0,
        save_steps=1000,
        logging_steps=5,
        output_dir=str(root / "run"),
    )
    return train(recipe)
