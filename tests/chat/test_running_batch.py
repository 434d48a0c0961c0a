"""The running batch computes for each row what the model computes for that row alone
(kodial.chat.running_batch): left padding, per-row positions, rows joining and leaving, and the
cache growing past its spare room."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> object:
    from transformers import AutoModelForCausalLM

    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    path: Path = build_tiny_llama(tmp_path_factory.mktemp("lm"), hidden_size=64)
    untie_head(path)
    return AutoModelForCausalLM.from_pretrained(path).eval()


def alone(model: object, ids: list[int]) -> torch.Tensor:
    """The next-token logits of ``ids`` by one forward pass over the whole sequence, no cache."""
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0, -1].float()  # type: ignore[operator]


def test_rows_of_different_lengths_joining_and_leaving_decode_as_alone(model: object) -> None:
    from kodial.chat.running_batch import RunningBatch, unsupported

    assert unsupported(model) is None
    batch = RunningBatch(model)
    prompts = {"short": [1, 5, 9], "long": list(range(3, 40)), "late": list(range(7, 19))}
    seqs: dict[str, list[int]] = {}

    def join(name: str) -> None:
        with torch.no_grad():
            cache, logits = batch.prefill(prompts[name], 0, None)
        torch.testing.assert_close(logits[0], alone(model, prompts[name]), atol=1e-4, rtol=1e-4)
        token = int(logits[0].argmax())
        seqs[name] = [*prompts[name], token]
        batch.add(name, cache, len(prompts[name]), token)

    join("short")
    join("long")
    for step in range(150):  # past the 64 tokens of spare room, twice
        if step == 20:
            join("late")  # shorter than the batch: left-padded
        if step == 90:  # the longest row leaves: its leading columns are dropped
            batch.keep([i for i, r in enumerate(batch.rows) if r != "long"])
            assert batch.mask is not None and bool(batch.mask[:, 0].any())
        with torch.no_grad():
            logits = batch.step()
        # checked around every change (joins, the leaving row, each 64-token growth of the
        # cache) and a few steps in between; a whole-sequence forward per row costs
        check = step % 32 in (0, 1) or step in (20, 21, 90, 91, 149)
        for row, name in enumerate(batch.rows):
            if check:
                want = alone(model, seqs[name])
                torch.testing.assert_close(logits[row], want, atol=1e-4, rtol=1e-4)
            token = int(logits[row].argmax())
            seqs[name].append(token)
            batch.last[row] = token
    assert batch.rows == ["short", "late"]
    assert batch.cache.get_seq_length() == len(seqs["short"]) - 1


def test_a_cached_prefix_gives_the_same_prefill(model: object) -> None:
    from transformers import DynamicCache

    from kodial.chat.running_batch import RunningBatch

    prompt = list(range(2, 60))
    prefix = DynamicCache()
    with torch.no_grad():
        model(torch.tensor([prompt[:40]]), use_cache=True, cache=prefix)  # type: ignore[operator]
        _, logits = RunningBatch(model).prefill(prompt, 40, prefix)
    torch.testing.assert_close(logits[0], alone(model, prompt), atol=1e-4, rtol=1e-4)
    assert prefix.get_seq_length() == 40  # the cached prefix itself is not extended
