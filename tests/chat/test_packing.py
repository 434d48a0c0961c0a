"""Packing without cross-contamination: a packed row gives every sample the logits it gets alone.

The batches come from the real training path (``build_trainer`` -> TRL's BFD packer -> our row
collator, or TRL's padding-free collator for FlashAttention models), so this checks what training
actually feeds the model: ``position_ids`` restarting at 0 per sample and no attention mask, from
which transformers builds a block-diagonal causal mask.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

import kodial.chat.packing as packing
from kodial.chat.packing import PackedRowCollator, packing_layout
from kodial.chat.recipe import TrainRecipe
from kodial.chat.trainer import build_trainer


def segments(position_ids: torch.Tensor) -> list[tuple[int, int]]:
    """``[start, end)`` of each packed sample in one row: a new one starts wherever the position is 0."""
    starts = (position_ids == 0).nonzero().flatten().tolist()
    return list(zip(starts, [*starts[1:], position_ids.numel()], strict=True))


@pytest.fixture(scope="module", params=["rows", "padding-free"])
def packed(
    request: pytest.FixtureRequest,
    tiny_llama_factory: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Any, dict[str, torch.Tensor], TrainRecipe]:
    from .conftest import PERSONA_YAML, write_dialogues

    root = tmp_path_factory.mktemp("packing")
    persona = root / "persona.yaml"
    persona.write_text(PERSONA_YAML, encoding="utf-8")
    recipe = TrainRecipe(
        model=str(tiny_llama_factory("llama3")),
        data=str(write_dialogues(root / "dialogues.jsonl")),
        persona=str(persona),
        method="full",
        packing=True,
        max_length=512,
        batch_size=4,
        eval_split=0.0,
        output_dir=str(root / "run"),
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(packing, "packing_layout", lambda attn: request.param)
        trainer, stats = build_trainer(recipe)
    assert stats["packing"] == request.param
    batch = next(iter(trainer.get_train_dataloader()))
    return trainer, batch, recipe


def real_segments(batch: dict[str, torch.Tensor], pad_id: int) -> list[tuple[int, int, int]]:
    """``(row, start, end)`` of every packed sample, skipping row-tail padding."""
    out = []
    for row in range(batch["input_ids"].shape[0]):
        for start, end in segments(batch["position_ids"][row]):
            if not (batch["input_ids"][row, start:end] == pad_id).all():
                out.append((row, start, end))
    return out


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_packed_logits_equal_unpacked(
    packed: tuple[Any, dict[str, torch.Tensor], TrainRecipe], attn: str
) -> None:
    trainer, batch, _ = packed
    model = trainer.model.eval()
    model.set_attn_implementation(attn)
    ids, pos = batch["input_ids"], batch["position_ids"]
    assert "attention_mask" not in batch
    segs = real_segments(batch, trainer.processing_class.pad_token_id)
    assert len(segs) > ids.shape[0], "some row should hold several samples"
    with torch.no_grad():
        packed_logits = model(input_ids=ids, position_ids=pos).logits
        for row, start, end in segs:
            alone = model(input_ids=ids[row : row + 1, start:end]).logits[0]
            torch.testing.assert_close(packed_logits[row, start:end], alone, atol=1e-5, rtol=1e-4)
        # Control: without restarting positions, the same rows let samples see each other.
        plain = torch.arange(ids.shape[1]).expand_as(ids)
        leaky = model(input_ids=ids, position_ids=plain).logits
    row, start, end = next(s for s in segs if s[1] > 0)
    assert not torch.allclose(leaky[row, start:end], packed_logits[row, start:end], atol=1e-3)


def test_packed_labels_are_our_masks(
    packed: tuple[Any, dict[str, torch.Tensor], TrainRecipe],
) -> None:
    """Each packed segment carries one of our samples' ids and labels; only the first label of a
    segment is forced to -100 (so no sample learns to predict the next one's first token)."""
    from kodial.chat.dialogue import load_dialogues
    from kodial.chat.persona import load_persona
    from kodial.chat.samples import build_samples

    trainer, batch, recipe = packed
    assert recipe.persona is not None
    samples, _ = build_samples(
        load_dialogues(recipe.data),
        trainer.processing_class,
        strategy="all-turns",
        max_length=recipe.max_length,
        persona=load_persona(recipe.persona),
    )
    by_ids = {tuple(s.input_ids): s.labels for s in samples}
    for row, start, end in real_segments(batch, trainer.processing_class.pad_token_id):
        key = tuple(batch["input_ids"][row, start:end].tolist())
        assert key in by_ids
        labels = batch["labels"][row]
        assert labels[start].item() == -100
        assert labels[start + 1 : end].tolist() == by_ids[key][1:]


def test_row_collator_by_hand() -> None:
    rows = [
        {"input_ids": [1, 2, 3, 4, 5], "labels": [1, 2, 3, 4, 5], "seq_lengths": [3, 2]},
        {"input_ids": [6, 7, 8], "labels": [-100, 7, 8], "seq_lengths": [3]},
    ]
    batch = PackedRowCollator(pad_token_id=0)(rows)
    assert batch["input_ids"].tolist() == [[1, 2, 3, 4, 5], [6, 7, 8, 0, 0]]
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 1, 2, 0, 1]]
    assert batch["labels"].tolist() == [[-100, 2, 3, -100, 5], [-100, 7, 8, -100, -100]]
    assert set(batch) == {"input_ids", "labels", "position_ids"}


def test_layout_follows_the_attention_kernel() -> None:
    assert packing_layout("flash_attention_2") == "padding-free"
    assert packing_layout("sdpa") == packing_layout("eager") == "rows"
