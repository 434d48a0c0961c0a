"""Assistant fixtures: the bundled example assistant built once per session, a fixed clock, and
a helper to build small assistants from YAML written into a temp dir."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kodial.assistant.engine import Assistant, TurnResult, build_demo_assistant
from kodial.assistant.history import Exchange
from kodial.korean.datetimes import SEOUL

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=SEOUL)
"""Wednesday 18 November 2026, 2 p.m. in Seoul: every test resolves dates against this."""


@pytest.fixture(scope="session")
def demo() -> Assistant:
    """The bundled example assistant, built once per test process (shared with the other
    suites' fixtures)."""
    return build_demo_assistant()


class Conversation:
    """Feeds messages to an assistant turn by turn, carrying state and history like a server:
    the state and the route are kept as the JSON a session store holds."""

    def __init__(self, assistant: Assistant, now: datetime = NOW) -> None:
        self.assistant = assistant
        self.now = now
        self.state: dict[str, Any] | None = None
        self.history: list[Exchange] = []
        self.last: TurnResult | None = None

    def say(self, message: str) -> str:
        result = self.assistant.turn(message, self.state, self.history, now=self.now)
        text = result.collect()
        self.state = result.state.model_dump(mode="json")
        self.history.append(Exchange(message, text))
        self.last = result
        return text

    @property
    def route(self) -> dict[str, Any]:
        assert self.last is not None
        return self.last.route.model_dump(mode="json")

    @property
    def task(self) -> dict[str, Any] | None:
        assert self.state is not None
        task: dict[str, Any] | None = self.state["task"]
        return task


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def talk(demo: Assistant) -> Callable[..., Conversation]:
    """``talk()`` starts a conversation with the demo assistant (``talk(other)`` with another)."""
    return lambda assistant=None: Conversation(assistant or demo)


@pytest.fixture
def make_assistant(tmp_path: Path) -> Callable[..., Assistant]:
    """``make_assistant(action_yaml, faq_min)``: a two-intent assistant (book_table, faq)
    whose booking task calls ``action`` and whose FAQ abstains below ``faq_min``."""

    def build(
        action: str = "{type: callable, function: 'kodial.assistant.examples:book_table'}",
        faq_min: float = 0.3,
    ) -> Assistant:
        handlers = TABLE_TASK.replace("ACTION", action).replace("FAQ_MIN", str(faq_min))
        return Assistant.from_config(write_assistant(tmp_path, handlers))

    return build


INTENTS = {
    "book_table": [
        "식당 예약해 줘",
        "자리 예약하고 싶어요",
        "저녁 예약 부탁해요",
        "테이블 잡아 줘",
        "내일 점심 예약할게요",
        "두 명 예약 가능해요",
    ],
    "faq": [
        "환불은 어떻게 받나요",
        "영업시간이 궁금해요",
        "주차 되나요",
        "결제 수단 알려 주세요",
        "예약금 있나요",
        "고객센터 어디예요",
    ],
}


def write_assistant(tmp_path: Path, handlers_yaml: str, extra: str = "") -> Path:
    """An assistant.yaml with two intents (book_table, faq) and the given handlers block."""
    intents = "\n".join(
        f"    {label}:\n" + "\n".join(f"      - {t}" for t in texts)
        for label, texts in INTENTS.items()
    )
    (tmp_path / "faq.yaml").write_text(
        "- q: [환불은 어떻게 받나요, 환불 방법]\n  a: 하루 전까지 취소하면 전액 환불돼요.\n"
        "- q: [영업시간이 어떻게 되나요]\n  a: 오전 11시부터 밤 10시까지예요.\n",
        encoding="utf-8",
    )
    text = (
        "name: test-assistant\n"
        + extra
        + "classifier:\n  method: lexical\n  min_score: 0.0\n"
        + "intents:\n  examples:\n"
        + intents
        + "\nhandlers:\n"
        + textwrap.indent(textwrap.dedent(handlers_yaml), "  ")
    )
    path = tmp_path / "assistant.yaml"
    path.write_text(text, encoding="utf-8")
    return path


TABLE_TASK = """\
book_table:
  type: task
  description: 식당 예약
  slots:
    - name: 날짜
      prompt: 어느 날로 할까요?
      extractor: {type: datetime, part: date}
      not_past: true
    - name: 인원
      prompt: 몇 분이세요?
      extractor: {type: number, units: [명]}
      min: 1
      max: 10
  confirm: "{날짜}에 {인원}명으로 예약할까요?"
  done: "예약 번호는 {confirmation}입니다."
  action: ACTION
faq: {type: faq, data: faq.yaml, min_similarity: FAQ_MIN}
fallback: {type: fallback}
"""
