"""Packing without cross-contamination: a packed row gives every sample the logits it gets alone.

The batch comes from the real training path (``build_trainer`` -> TRL's BFD packer and
padding-free collator), so this checks what training actually feeds the model: ``position_ids``
restarting at 0 per sample and no attention mask, from which transformers builds a block-diagonal
causal mask.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from kodial.chat.recipe import TrainRecipe
from kodial.chat.train import build_trainer


def segments(position_ids: torch.Tensor) -> list[tuple[int, int]]:
    """``[start, end)`` of each packed sample: a new one starts wherever the position is 0."""
    starts = (position_ids == 0).nonzero().flatten().tolist()
    return list(zip(starts, [*starts[1:], position_ids.numel()], strict=True))


@pytest.fixture
def packed(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> tuple[object, dict, object]:
    recipe = TrainRecipe(
        model=str(tiny_llama),
        data=str(chat_data["dialogues"]),
        persona=str(chat_data["persona"]),
        method="full",
        packing=True,
        max_length=512,
        batch_size=4,
        eval_split=0.0,
        output_dir=str(tmp_path / "run"),
    )
    trainer, _ = build_trainer(recipe)
    batch = next(iter(trainer.get_train_dataloader()))
    return trainer, batch, recipe


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_packed_logits_equal_unpacked(packed: tuple, attn: str) -> None:
    trainer, batch, _ = packed
    model = trainer.model.eval()
    model.set_attn_implementation(attn)
    ids, pos = batch["input_ids"], batch["position_ids"]
    assert "attention_mask" not in batch and ids.shape[0] == 1
    segs = segments(pos[0])
    assert len(segs) >= 3, "the batch should hold several packed samples"
    with torch.no_grad():
        packed_logits = model(input_ids=ids, position_ids=pos).logits[0]
        for start, end in segs:
            alone = model(input_ids=ids[:, start:end]).logits[0]
            torch.testing.assert_close(packed_logits[start:end], alone, atol=1e-5, rtol=1e-4)
        # Control: without restarting positions, the same row lets samples see each other.
        leaky = model(input_ids=ids, position_ids=torch.arange(ids.shape[1])[None]).logits[0]
    start, end = segs[1]
    assert not torch.allclose(leaky[start:end], packed_logits[start:end], atol=1e-3)


def test_packed_labels_are_our_masks(packed: tuple) -> None:
    """Each packed segment carries one of our samples' ids and labels; only the first label of a
    segment is forced to -100 (so no sample learns to predict the next one's first token)."""
    from kodial.chat.dialogue import load_dialogues
    from kodial.chat.persona import load_persona
    from kodial.chat.samples import build_samples

    trainer, batch, recipe = packed
    samples, _ = build_samples(
        load_dialogues(recipe.data),
        trainer.processing_class,
        strategy="all-turns",
        max_length=recipe.max_length,
        persona=load_persona(recipe.persona),
    )
    by_ids = {tuple(s.input_ids): s.labels for s in samples}
    ids, labels = batch["input_ids"][0], batch["labels"][0]
    for start, end in segments(batch["position_ids"][0]):
        key = tuple(ids[start:end].tolist())
        assert key in by_ids
        assert labels[start].item() == -100
        assert labels[start + 1 : end].tolist() == by_ids[key][1:]
