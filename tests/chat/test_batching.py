"""Concurrent replies of one local model share generate calls (kodial.chat.batching)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kodial.chat.generate import ChatModel


@pytest.fixture(scope="module")
def talkative(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Llama with its own random head: greedy replies are long and varied, with partial
    UTF-8 sequences, so any difference between batched and alone would show."""
    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    path = build_tiny_llama(tmp_path_factory.mktemp("talkative"), hidden_size=64)
    untie_head(path)
    return path


QUESTIONS = [f"{i}번 손님이에요. 오늘 추천 메뉴가 뭐예요?" * (1 + i % 3) for i in range(8)]


def concurrently(fn: Callable[[int], Any], n: int) -> list[Any]:
    """Run ``fn(0..n-1)`` in n threads started together; results in order."""
    results: list[Any] = [None] * n
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = fn(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    if errors:
        raise errors[0]
    return results


def test_concurrent_greedy_replies_are_batched_and_identical_to_alone(talkative: Path) -> None:
    alone = ChatModel.from_pretrained(talkative)
    expected = [
        alone.reply([{"role": "user", "content": q}], max_new_tokens=24, temperature=0)
        for q in QUESTIONS
    ]
    batched = ChatModel.from_pretrained(talkative, max_batch=8)
    assert batched.batcher is not None

    def ask(i: int) -> tuple[list[int], str]:
        msgs = [{"role": "user", "content": QUESTIONS[i]}]
        pieces = list(batched.stream(msgs, max_new_tokens=24, temperature=0))
        return batched.reply(msgs, max_new_tokens=24, temperature=0).token_ids, "".join(pieces)

    results = concurrently(ask, len(QUESTIONS))
    for (ids, streamed), want in zip(results, expected, strict=True):
        assert ids == want.token_ids
        assert streamed.strip() == want.text
    assert batched.batcher.max_rows > 1, "the concurrent requests never shared a batch"
    assert batched.batcher.batches < 2 * len(QUESTIONS)


def test_each_row_keeps_its_own_limit_and_a_reader_can_leave(talkative: Path) -> None:
    bot = ChatModel.from_pretrained(talkative, max_batch=4)
    assert bot.batcher is not None
    limits = [3, 9, 17, 30]

    def ask(i: int) -> int:
        msgs = [{"role": "user", "content": QUESTIONS[i]}]
        if i == 3:  # leaves after two pieces: its row stops, the others go on
            stream = bot.stream(msgs, max_new_tokens=limits[i], temperature=0)
            next(stream), next(stream)
            stream.close()
            return -1
        return len(bot.reply(msgs, max_new_tokens=limits[i], temperature=0).token_ids)

    lengths = concurrently(ask, 4)
    for length, limit in zip(lengths[:3], limits, strict=False):
        assert 0 < length <= limit
    # the generator thread is still serving after a reader left
    assert bot.reply([{"role": "user", "content": "안녕"}], max_new_tokens=4, temperature=0)


def test_a_shared_persona_prompt_is_encoded_once_and_replies_stay_identical(
    talkative: Path,
) -> None:
    """Every prompt starts with the same long persona system prompt: the batch encodes it once
    (prefix cache, reused by the next batch) and greedy replies are still the replies alone."""
    from kodial.chat.persona import Persona

    persona = Persona(name="하루", profile=["동네 카페 사장님이에요."] * 20)
    alone = ChatModel.from_pretrained(talkative, persona=persona)
    batched = ChatModel.from_pretrained(talkative, persona=persona, max_batch=8)
    assert batched.batcher is not None
    for round_ in range(2):
        expected = [
            alone.reply(
                [{"role": "user", "content": q}], max_new_tokens=12, temperature=0
            ).token_ids
            for q in QUESTIONS[round_ * 4 : round_ * 4 + 4]
        ]

        def ask(i: int, offset: int = round_ * 4) -> list[int]:
            msgs = [{"role": "user", "content": QUESTIONS[offset + i]}]
            return batched.reply(msgs, max_new_tokens=12, temperature=0).token_ids

        assert concurrently(ask, 4) == expected
    assert batched.batcher.prefix_hits >= 1
