"""Packing several training samples into one row, with attention kept inside each sample.

Two layouts, picked by the model's attention implementation (:func:`packing_layout`):

- ``padding-free`` (FlashAttention): TRL's own path (``SFTConfig(packing=True)``, BFD packer):
  the whole batch is flattened into one sequence ``(1, sum of lengths)`` and the varlen kernel
  takes the sample boundaries (``cu_seq_lens``) from the collator. No work is spent on padding.
- ``rows`` (sdpa / eager, e.g. CPU): the same TRL BFD packer fills rows of ``max_length`` and
  :class:`PackedRowCollator` batches them as ``(B, max_length)`` with ``position_ids`` restarting
  at 0 for every sample and *no* attention mask. transformers then builds a block-diagonal causal
  mask per row (``masking_utils.find_packed_sequence_indices``). Flattening the batch instead, as
  padding-free does, would make sdpa compute a ``(B*L) x (B*L)`` attention for a block-diagonal
  result: ``B`` times the work of ``B`` separate ``L x L`` rows.

Either way, the label of each sample's first token is set to -100, so no sample is trained to
predict the start of the next one; ``tests/chat/test_packing.py`` checks that a packed row gives
each sample the logits it gets alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from datasets import Dataset

LAYOUTS = ("padding-free", "rows")


def packing_layout(attn_implementation: str | None) -> str:
    """``padding-free`` for FlashAttention-style varlen kernels, ``rows`` for everything else."""
    return "padding-free" if attn_implementation and "flash" in attn_implementation else "rows"


def pack_rows(dataset: Dataset, max_length: int) -> Dataset:
    """Best-fit-decreasing packing (TRL's ``pack_dataset``) of ``input_ids``/``labels`` samples into
    rows of at most ``max_length`` tokens; adds ``seq_lengths`` (the samples in each row)."""
    from trl.data_utils import pack_dataset

    return pack_dataset(dataset.select_columns(["input_ids", "labels"]), max_length, "bfd")


@dataclass
class PackedRowCollator:
    """Packed rows -> ``input_ids``, ``labels``, ``position_ids``, each ``(B, L)``, L = longest row.

    Row tails are padded with ``pad_token_id``, label -100 and positions restarting at 0, so the
    padding is a segment of its own that nothing attends to. No ``attention_mask`` is returned: its
    presence would make transformers ignore the packed ``position_ids``.
    """

    pad_token_id: int

    def __call__(self, examples: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        import torch

        width = max(len(e["input_ids"]) for e in examples)
        ids = torch.full((len(examples), width), self.pad_token_id, dtype=torch.long)
        labels = torch.full((len(examples), width), -100, dtype=torch.long)
        positions = torch.zeros((len(examples), width), dtype=torch.long)
        for row, example in enumerate(examples):
            n = len(example["input_ids"])
            ids[row, :n] = torch.as_tensor(example["input_ids"])
            labels[row, :n] = torch.as_tensor(example["labels"])
            lengths = list(example.get("seq_lengths") or [n])
            if width > n:
                lengths.append(width - n)
            positions[row] = torch.cat([torch.arange(length) for length in lengths])
            starts = torch.tensor([0, *lengths[:-1]]).cumsum(0)
            labels[row, starts] = -100
        return {"input_ids": ids, "labels": labels, "position_ids": positions}
