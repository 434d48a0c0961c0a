"""Item 7 (second half): one very long conversation costs linear work, in training and serving.

A 10,000-turn conversation made ``kodial chat train`` quadratic (over 400 s): every trained reply
re-rendered and re-tokenized the whole history before it, and ``drop-oldest`` re-encoded the whole
conversation once per dropped exchange. The work is measured here, not the wall time: a tokenizer
that counts the characters handed to its chat template and to its encoder (and stops the test as
soon as a budget linear in the conversation is exceeded, so the old quadratic code fails in
seconds instead of running for minutes).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kodial.chat.dialogue import Conversation, Message
from kodial.chat.samples import build_samples
from kodial.testing.tokenizers import build_chat_tokenizer

WORK_PER_CHAR = 50
"""Budget: characters rendered + tokenized per character of the conversation. Building uses 2-18
(about 31 for sliding-window, which renders each turn in window+1 samples); rendering every
prefix of a 10,000-turn conversation needs thousands."""


class WorkExceeded(AssertionError):
    """More work than the linear budget allows."""


class Work:
    """Characters a tokenizer was given: to its chat template (message content) and to encode."""

    def __init__(self, budget: float | None = None) -> None:
        self.rendered = 0
        self.tokenized = 0
        self.budget = budget

    @property
    def total(self) -> int:
        return self.rendered + self.tokenized

    def add(self, rendered: int = 0, tokenized: int = 0) -> None:
        self.rendered += rendered
        self.tokenized += tokenized
        if self.budget is not None and self.total > self.budget:
            raise WorkExceeded(f"{self.total} characters of work, budget {self.budget:.0f}")


def counting(tok: Any, work: Work) -> Any:
    """A copy of ``tok`` that reports to ``work`` everything it renders and encodes."""

    class Counting(type(tok)):  # type: ignore[misc]
        def apply_chat_template(self, conversation: Any, *args: Any, **kwargs: Any) -> Any:
            work.add(rendered=sum(len(str(m.get("content", ""))) for m in conversation))
            return super().apply_chat_template(conversation, *args, **kwargs)

        def __call__(self, text: Any = None, *args: Any, **kwargs: Any) -> Any:
            texts = [text] if isinstance(text, str) else list(text or [])
            work.add(tokenized=sum(len(t) for t in texts))
            return super().__call__(text, *args, **kwargs)

    counted = copy.copy(tok)
    counted.__class__ = Counting
    return counted


def conversation(turns: int, system: bool = True) -> Conversation:
    msgs = (
        [Message("system", "너는 동네 빵집 제빵사 보리야. 해요체로 짧게 말해.")] if system else []
    )
    for k in range(turns // 2):
        msgs.append(Message("user", f"{k}번째 질문이에요. 오늘 소금빵 있어요?"))
        msgs.append(Message("assistant", f"네, {k}번째 소금빵이 방금 나왔어요!"))
    return Conversation(msgs, id="long", source="long.jsonl", line=1)


def chars(conv: Conversation) -> int:
    return sum(len(m.content) for m in conv.messages)


@pytest.fixture(scope="module")
def tokenizers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return {
        t: build_chat_tokenizer(tmp_path_factory.mktemp(t), template=t) for t in ("llama3", "gemma")
    }


CASES = [
    ("all-turns", "drop-oldest", 2048),  # what `kodial chat train` does by default
    ("all-turns", "drop-oldest", 10**9),  # nothing cut: every reply trained
    ("last-turn", "drop-oldest", 10**9),
    ("plain-text", "drop-oldest", 10**9),
    ("all-turns", "truncate", 4096),
    ("sliding-window", "drop-oldest", 2048),
]


def ids(cases: list[tuple[str, str, int]]) -> list[str]:
    return ["-".join(map(str, c)) for c in cases]


def build(tok: Any, conv: Conversation, case: tuple[str, str, int], budget: float | None) -> Work:
    strategy, truncation, max_length = case
    work = Work(budget)
    samples, stats = build_samples(
        [conv],
        counting(tok, work),
        strategy=strategy,
        truncation=truncation,
        max_length=max_length,
    )
    assert samples and stats.dropped == 0
    return work


@pytest.mark.parametrize("case", CASES[:4], ids=ids(CASES[:4]))
def test_a_10000_turn_conversation_builds_within_a_linear_budget(
    tokenizers: dict[str, Any], case: tuple[str, str, int]
) -> None:
    conv = conversation(10_000)
    work = build(tokenizers["llama3"], conv, case, WORK_PER_CHAR * chars(conv))
    assert work.total <= WORK_PER_CHAR * chars(conv)


@pytest.mark.parametrize(
    ("template", "case"),
    [("llama3", c) for c in CASES] + [("gemma", c) for c in CASES[:2]],
    ids=[f"llama3-{c}" for c in ids(CASES)] + [f"gemma-{c}" for c in ids(CASES[:2])],
)
def test_twice_the_turns_is_at_most_2_2_times_the_work(
    tokenizers: dict[str, Any], template: str, case: tuple[str, str, int]
) -> None:
    small, large = conversation(1_000), conversation(2_000)
    budget = WORK_PER_CHAR * chars(large)
    work_small = build(tokenizers[template], small, case, budget)
    work_large = build(tokenizers[template], large, case, budget)
    assert work_large.total <= 2.2 * work_small.total, (work_small.total, work_large.total)


def test_the_long_conversation_is_cut_by_the_documented_rule_and_counted(
    tokenizers: dict[str, Any],
) -> None:
    """drop-oldest keeps the system prompt and the newest exchanges that fit, and says so."""
    tok = tokenizers["llama3"]
    conv = conversation(10_000)
    (sample,), stats = build_samples([conv], tok, max_length=2048)
    assert len(sample) <= 2048
    assert (stats.too_long, stats.shortened, stats.conversations_cut) == (1, 1, 1)
    assert stats.turns_dropped > 9_000 and stats.turns_dropped % 2 == 0
    kept = Conversation([conv.messages[0], *conv.messages[1 + stats.turns_dropped :]])
    (expected,), _ = build_samples([kept], tok, max_length=10**9)
    assert (sample.input_ids, sample.labels) == (expected.input_ids, expected.labels)
    # one exchange more would not fit: the fewest oldest turns were dropped
    longer = Conversation([conv.messages[0], *conv.messages[stats.turns_dropped - 1 :]])
    (too_long,), _ = build_samples([longer], tok, max_length=10**9)
    assert len(too_long) > 2048
    assert "1 shortened by dropping" in stats.summary()


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kodial.testing.causal_lm import build_tiny_llama

    return build_tiny_llama(tmp_path_factory.mktemp("llama"), template="llama3")


def test_a_long_history_is_fitted_to_the_model_context_with_linear_work(tiny_llama: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from kodial.chat.generate import ChatModel

    model = AutoModelForCausalLM.from_pretrained(tiny_llama)
    tok = AutoTokenizer.from_pretrained(tiny_llama)
    totals = []
    for turns in (2_000, 4_000):
        history = [m.to_dict() for m in conversation(turns, system=False).messages]
        history.append({"role": "user", "content": "마지막 질문이에요"})
        size = sum(len(m["content"]) for m in history)
        work = Work(WORK_PER_CHAR * size)
        bot = ChatModel(model, counting(tok, work), device="cpu")
        ids = bot.fitted_prompt_ids(history, max_new_tokens=64)
        assert len(ids) <= 1024 - 64
        text = tok.decode(ids)
        assert "마지막 질문이에요" in text and f"{turns // 2 - 1}번째 질문" in text
        # the oldest turns went first and the kept history starts on a user turn
        assert "\n\n0번째 질문이에요" not in text and text.count("<|start_header_id|>user") >= 2
        totals.append(work.total)
    assert totals[1] <= 2.2 * totals[0], totals
