"""Concurrent replies of one local model share generate calls (kodial.chat.batching)."""

from __future__ import annotations

import threading
import time
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


def test_a_request_joins_a_batch_that_is_already_decoding(talkative: Path) -> None:
    """Continuous batching: the second request does not wait for the first reply to end; it
    joins between two decoding steps, and both replies are still the replies alone."""
    first_q, second_q = QUESTIONS[1], QUESTIONS[6]
    alone = ChatModel.from_pretrained(talkative)
    want_first = alone.reply([{"role": "user", "content": first_q}], 40, temperature=0)
    want_second = alone.reply([{"role": "user", "content": second_q}], 12, temperature=0)
    bot = ChatModel.from_pretrained(talkative, max_batch=4)
    batcher = bot.batcher
    assert batcher is not None and batcher.continuous_off is None
    # The decoding thread is held in the first row's first decoding step (right after its
    # prefill delivered the first token; the batch takes no new request in between) until the
    # second request is queued, so that one arrives mid-decode however fast the machine is.
    queued, forward, calls = threading.Event(), bot.model.forward, [0]

    def held_forward(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == 2:  # the prefill, then decoding step 1
            assert queued.wait(60)
        return forward(*args, **kwargs)

    bot.model.forward = held_forward
    prompt = bot.fitted_prompt_ids([{"role": "user", "content": first_q}], 40)
    ids = batcher.stream_ids(prompt, 40)
    got = [next(ids)]
    second = concurrently_started(
        lambda: bot.reply([{"role": "user", "content": second_q}], 12, temperature=0)
    )
    deadline = time.monotonic() + 60
    while batcher._pending.qsize() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    queued.set()
    got += list(ids)
    joined = second()
    assert joined.token_ids == want_second.token_ids
    assert [t for t in got if t not in bot.eot_ids] == want_first.token_ids
    assert batcher.batches == 1, "the second request waited for a new batch"
    assert batcher.max_rows == 2


def concurrently_started(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Start ``fn`` in a thread; the returned function joins it and gives its result."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(fn()))
    thread.start()

    def result() -> Any:
        thread.join(timeout=300)
        assert box, "the call did not return"
        return box[0]

    return result


def test_greedy_and_sampled_rows_share_a_running_batch(talkative: Path) -> None:
    """Rows pick their next token by their own settings: a sampled neighbour does not change
    a greedy reply."""
    alone = ChatModel.from_pretrained(talkative)
    want = alone.reply([{"role": "user", "content": QUESTIONS[0]}], 16, temperature=0)
    bot = ChatModel.from_pretrained(talkative, max_batch=4)

    def ask(i: int) -> list[int]:
        msgs = [{"role": "user", "content": QUESTIONS[0 if i == 0 else i]}]
        temperature = 0.0 if i == 0 else 1.0
        return bot.reply(msgs, 16, temperature=temperature, top_p=0.9).token_ids

    replies = concurrently(ask, 3)
    assert replies[0] == want.token_ids
    assert all(0 < len(r) <= 16 for r in replies[1:])
    assert bot.batcher is not None and bot.batcher.max_rows > 1


def test_a_model_the_running_batch_cannot_take_batches_whole_generate_calls(
    talkative: Path, tmp_path: Path
) -> None:
    """A generation setting only ``generate`` applies (a repetition penalty) sends the model
    to whole-batch ``generate`` calls, which still give the replies alone."""
    import shutil

    from transformers import GenerationConfig

    model_dir = tmp_path / "penalised"
    shutil.copytree(talkative, model_dir)
    GenerationConfig(repetition_penalty=1.3).save_pretrained(model_dir)
    alone = ChatModel.from_pretrained(model_dir)
    expected = [
        alone.reply([{"role": "user", "content": q}], 12, temperature=0).token_ids
        for q in QUESTIONS[:4]
    ]
    bot = ChatModel.from_pretrained(model_dir, max_batch=4)
    assert bot.batcher is not None
    assert "repetition_penalty" in str(bot.batcher.continuous_off)
    got = concurrently(
        lambda i: bot.reply([{"role": "user", "content": QUESTIONS[i]}], 12, 0).token_ids, 4
    )
    assert got == expected


def test_a_reader_that_fell_behind_gets_the_waiting_tokens_as_one_piece(talkative: Path) -> None:
    """Tokens that wait for a slow reader (a client on a slow link) come out as one piece, one
    decode, not one piece each; the text is the same."""
    alone = ChatModel.from_pretrained(talkative)
    msgs = [{"role": "user", "content": QUESTIONS[2]}]
    want = alone.reply(msgs, 24, temperature=0)
    bot = ChatModel.from_pretrained(talkative, max_batch=2)
    batcher = bot.batcher
    assert batcher is not None
    pieces = bot.stream(msgs, 24, temperature=0)
    got = [next(pieces)]
    deadline = time.monotonic() + 60
    while not batcher.ended and time.monotonic() < deadline:  # the whole reply is waiting
        time.sleep(0.01)
    assert batcher.ended == 1
    got += list(pieces)
    assert "".join(got).strip() == want.text
    assert len(got) <= 3  # the first piece, then everything that waited (and a flushed tail)


def test_a_lora_adapter_decodes_in_the_running_batch(talkative: Path) -> None:
    """A PEFT LoRA model (the adapter a chat run exports) takes the running batch too, its
    keyword arguments passed on to the model it wraps; greedy replies are still the same."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    def lora_bot(max_batch: int) -> ChatModel:
        base = AutoModelForCausalLM.from_pretrained(talkative)
        config = LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
        torch.manual_seed(0)  # the same random adapter twice
        peft_model = get_peft_model(base, config)
        return ChatModel(peft_model, AutoTokenizer.from_pretrained(talkative), max_batch=max_batch)

    alone, bot = lora_bot(1), lora_bot(4)
    assert bot.batcher is not None and bot.batcher.continuous_off is None
    want = [
        alone.reply([{"role": "user", "content": q}], 16, temperature=0).token_ids
        for q in QUESTIONS[:4]
    ]
    got = concurrently(
        lambda i: bot.reply([{"role": "user", "content": QUESTIONS[i]}], 16, 0).token_ids, 4
    )
    assert got == want
