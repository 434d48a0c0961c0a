"""Training data for the TRL trainers: dialogues -> our exact masked samples (SFT), preference
rows (DPO/KTO), the held-out split, and the held-out file ``kodial chat eval`` reads.

SFT trains on *our* masks: the samples come from :func:`kodial.chat.samples.build_samples`
(token ids and ``-100`` labels rendered turn by turn from the tokenizer's own chat template) and go
to ``SFTTrainer`` as a pre-tokenized ``input_ids`` + ``labels`` dataset, which TRL uses as is.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodial.chat.recipe import BaseRecipe, PreferenceRecipe, TrainRecipe
from kodial.errors import DataError
from kodial.textio import atomic_write_text

if TYPE_CHECKING:
    from datasets import Dataset
    from transformers import PreTrainedTokenizerBase


def split_conversations(
    items: list[Any], eval_split: float, seed: int
) -> tuple[list[Any], list[Any]]:
    """Hold out ``eval_split`` of whole conversations (never turns of one conversation on both sides)."""
    if eval_split <= 0 or len(items) < 2:
        return items, []
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    n_eval = max(1, round(len(items) * eval_split))
    held = set(order[:n_eval])
    return [x for i, x in enumerate(items) if i not in held], [
        x for i, x in enumerate(items) if i in held
    ]


def persona_prompt(recipe: BaseRecipe) -> tuple[Any, str | None]:
    if not recipe.persona:
        return None, None
    from kodial.chat.persona import load_persona

    persona = load_persona(recipe.persona)
    return persona, persona.system_prompt()


def samples_dataset(samples: list[Any]) -> Dataset:
    """``TokenizedSample`` list -> a ``Dataset`` of ``input_ids`` and ``labels`` (-100 = no loss),
    dropping samples with no trained token."""
    from datasets import Dataset

    kept = [s for s in samples if any(lab != -100 for lab in s.labels)]
    return Dataset.from_dict(
        {"input_ids": [list(s.input_ids) for s in kept], "labels": [list(s.labels) for s in kept]}
    )


def sft_datasets(
    recipe: TrainRecipe, tokenizer: PreTrainedTokenizerBase
) -> tuple[Dataset, Dataset | None, dict[str, Any]]:
    """Dialogues -> (train, eval, stats) datasets of our exact masked samples."""
    from kodial.chat.dialogue import load_dialogues
    from kodial.chat.samples import build_samples

    persona, _ = persona_prompt(recipe)
    conversations = load_dialogues(recipe.data, fmt=recipe.data_format)
    if recipe.eval_data:
        train_convs, eval_convs = (
            conversations,
            load_dialogues(recipe.eval_data, fmt=recipe.data_format),
        )
    else:
        train_convs, eval_convs = split_conversations(conversations, recipe.eval_split, recipe.seed)

    def build(convs: list[Any]) -> tuple[Dataset, Any]:
        samples, stats = build_samples(convs, tokenizer, persona=persona, **recipe.sample_kwargs())
        return samples_dataset(samples), stats

    train_ds, train_stats = build(train_convs)
    if len(train_ds) == 0:
        if train_stats.conversations and train_stats.no_assistant == train_stats.conversations:
            hint = (
                "no conversation has an assistant reply after a user turn: check the roles "
                "(kodial data check FILE), or map them with kodial data convert --map"
            )
        elif train_stats.dropped:
            hint = "raise max_length (the persona prompt counts too) or choose another strategy"
        else:
            hint = "check the data with kodial data check FILE"
        raise DataError(
            f"no training sample has a trained token: {train_stats.summary()}",
            path=recipe.data,
            hint=hint,
        )
    eval_ds = build(eval_convs)[0] if eval_convs else None
    stats = {
        "train_conversations": len(train_convs),
        "eval_conversations": len(eval_convs),
        "train_samples": len(train_ds),
        "eval_samples": len(eval_ds) if eval_ds is not None else 0,
        "train_tokens": sum(len(x) for x in train_ds["input_ids"]),
        "trained_tokens": sum(sum(lab != -100 for lab in x) for x in train_ds["labels"]),
        "build": train_stats.summary(),
    }
    if persona is not None:
        own = sum(
            1 for c in conversations if c.persona or any(m.role == "system" for m in c.messages)
        )
        if own:
            stats["persona_replaced"] = own
    return train_ds, (eval_ds if eval_ds is not None and len(eval_ds) else None), stats


def preference_datasets(recipe: PreferenceRecipe) -> tuple[Dataset, Dataset | None, dict[str, Any]]:
    """Preference JSONL -> (train, eval, stats) conversational datasets for DPO/KTO.

    KTO also accepts a DPO pairs file: each pair becomes one desirable and one undesirable row.
    """
    from datasets import Dataset

    from kodial.chat.preference import dpo_to_kto, load_preferences
    from kodial.textio import read_text

    _, system = persona_prompt(recipe)

    def load(path: str) -> list[dict[str, Any]]:
        first = next((line for line in read_text(path).splitlines() if line.strip()), "")
        if recipe.stage == "kto" and '"chosen"' in first:
            return dpo_to_kto(load_preferences(path, "dpo", system))
        return load_preferences(path, recipe.stage, system)

    rows = load(recipe.data)
    if recipe.eval_data:
        train_rows, eval_rows = rows, load(recipe.eval_data)
    else:
        train_rows, eval_rows = split_conversations(rows, recipe.eval_split, recipe.seed)
    stats = {"train_rows": len(train_rows), "eval_rows": len(eval_rows)}
    return (
        Dataset.from_list(train_rows),
        (Dataset.from_list(eval_rows) if eval_rows else None),
        stats,
    )


def write_heldout(recipe: TrainRecipe, path: Path) -> None:
    """Write the conversations held out by ``eval_split`` as messages JSONL, so that
    ``kodial chat eval`` scores the model on exactly the dialogues it never trained on."""
    from kodial.chat.dialogue import load_dialogues

    _, held = split_conversations(
        load_dialogues(recipe.data, fmt=recipe.data_format), recipe.eval_split, recipe.seed
    )
    lines = []
    for conv in held:
        row: dict[str, Any] = {"id": conv.id, "messages": conv.to_dicts()}
        if conv.persona:
            row["persona"] = conv.persona
        lines.append(json.dumps(row, ensure_ascii=False))
    if lines:
        atomic_write_text(path, "\n".join(lines) + "\n")
