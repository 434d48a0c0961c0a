"""Plumbing shared by the transformer-based methods: loading checkpoints with clear errors,
picking a device, feeding only the inputs a model accepts, length-bucketed batching, pooling,
and one training path through the transformers ``Trainer``.

Used by ``embedding``, ``nli-zeroshot``, ``nli-finetuned`` and ``finetune``; imports torch, so
only those methods import it.
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from kodial.errors import KodialError
from kodial.hub import checkpoint_error, load_kwargs, load_tokenizer

__all__ = ["checkpoint_error", "load_kwargs"]  # re-exported: the methods import them from here


def resolve_device(device: str = "auto") -> torch.device:
    """``"auto"`` picks CUDA when available, else CPU; anything else goes to ``torch.device``."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except RuntimeError as e:
        raise KodialError(f"unknown device {device!r}", hint="use auto, cpu or cuda") from e


def load_sequence_classifier(name: str, device: torch.device, **kwargs: Any) -> tuple[Any, Any]:
    """(tokenizer, model) for ``AutoModelForSequenceClassification``, in eval mode on ``device``."""
    from transformers import AutoModelForSequenceClassification

    tokenizer = load_tokenizer(name)
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            name, **load_kwargs(name), **kwargs
        )
    except (OSError, ValueError, KeyError) as e:
        raise checkpoint_error(name, e) from e
    model.to(device).eval()
    return tokenizer, model


def accepted_inputs(model: Any) -> set[str]:
    """Input names the model's forward takes. ``token_type_ids`` is left out when the model has a
    single token type (RoBERTa-style, e.g. klue/roberta with a BERT tokenizer): the 1s a BERT
    tokenizer puts on the second segment would index past its one-row embedding."""
    names = set(inspect.signature(model.forward).parameters)
    if getattr(model.config, "type_vocab_size", 2) <= 1:
        names.discard("token_type_ids")
    return names


def max_input_length(tokenizer: Any, model: Any, requested: int | None) -> int:
    """Token limit: ``requested``, else the tokenizer's ``model_max_length`` capped by the model's
    position table (some tokenizers report a huge default)."""
    if requested:
        return requested
    limit = int(getattr(tokenizer, "model_max_length", 512) or 512)
    positions = getattr(model.config, "max_position_embeddings", None)
    if positions:
        # RoBERTa-style position ids start after the padding index, using two slots.
        offset = 2 if getattr(model.config, "model_type", "") in ("roberta", "xlm-roberta") else 0
        limit = min(limit, int(positions) - offset)
    return limit


def encode(
    tokenizer: Any,
    first: Sequence[str],
    second: Sequence[str] | None,
    max_length: int,
) -> dict[str, list[list[int]]]:
    """Tokenize texts (or text pairs) without padding. Pairs truncate only the first text, as the
    transformers zero-shot pipeline does, so the hypothesis is never cut."""
    kwargs: dict[str, Any] = {"max_length": max_length, "padding": False}
    if second is None:
        return dict(tokenizer(list(first), truncation=True, **kwargs))
    try:
        return dict(tokenizer(list(first), list(second), truncation="only_first", **kwargs))
    except Exception as e:  # the hypothesis alone is longer than max_length
        if "too short" not in str(e):
            raise
        return dict(tokenizer(list(first), list(second), truncation=False, **kwargs))


def bucketed_forward(
    tokenizer: Any,
    model: Any,
    encoded: dict[str, list[list[int]]],
    batch_size: int,
    fn: Callable[[Any, dict[str, torch.Tensor]], torch.Tensor],
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Run ``fn(model, batch)`` over every encoded item, batched by length, in input order.

    Items are sorted by token count (longest first), cut into batches of ``batch_size`` and padded
    only to their batch's longest item, so little compute goes to padding; the outputs are put
    back in input order. ``fn`` returns a ``(B, ...)`` tensor; the result is ``(N, ...)``.
    """
    ids = encoded["input_ids"]
    n = len(ids)
    order = sorted(range(n), key=lambda i: -len(ids[i]))
    keep = accepted_inputs(model) & set(encoded)
    device = next(model.parameters()).device
    out: np.ndarray | None = None
    with torch.inference_mode():
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            features = [{k: encoded[k][i] for k in keep} for i in idx]
            batch = tokenizer.pad(features, padding=True, return_tensors="pt")
            batch = {k: v.to(device) for k, v in batch.items() if k in keep}
            values = fn(model, batch).float().cpu().numpy()  # (B, ...)
            if out is None:
                out = np.empty((n, *values.shape[1:]), dtype=np.float32)
            out[idx] = values
            if progress:
                progress(len(idx))
    if out is None:
        raise KodialError("nothing to run the model on (no texts)")
    return out


def logits_of(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """(B, C) classification logits."""
    return model(**batch).logits


def first_token_embedding(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """(B, H) last-layer hidden state of the first token ([CLS] / <s>): what a sequence
    classification head reads, so neighbours by it reflect the fine-tuned decision."""
    base = model.base_model
    hidden = base(**batch).last_hidden_state  # (B, T, H)
    return hidden[:, 0]


def mean_embedding(model: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """(B, H) attention-masked mean of the encoder's last hidden states."""
    hidden = model.base_model(**batch).last_hidden_state  # (B, T, H)
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Unit-length rows (cosine similarity becomes a dot product)."""
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class EncodedDataset(torch.utils.data.Dataset):
    """Pre-tokenized items plus a label per item, as the ``Trainer`` expects."""

    def __init__(self, encoded: dict[str, list[list[int]]], labels: Sequence[Any]) -> None:
        self.encoded = encoded
        self.labels = list(labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, Any]:
        item: dict[str, Any] = {k: v[i] for k, v in self.encoded.items()}
        item["labels"] = self.labels[i]
        return item


def _loss_bar() -> Any:
    """The Trainer's tqdm progress bar, showing the latest loss on the bar instead of printing a
    line per logged step."""
    from transformers import ProgressCallback

    class LossBar(ProgressCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if self.training_bar is not None and logs and "loss" in logs:
                self.training_bar.set_postfix(loss=f"{float(logs['loss']):.4f}")

    return LossBar()


def train(
    model: Any,
    tokenizer: Any,
    dataset: EncodedDataset,
    *,
    epochs: float,
    learning_rate: float,
    batch_size: int,
    device: torch.device,
    seed: int = 0,
    weight_decay: float = 0.0,
    warmup_ratio: float = 0.0,
) -> list[float]:
    """Fine-tune ``model`` on ``dataset`` with the transformers ``Trainer`` (its tqdm progress
    bar shows the steps); returns the training loss logged at every step."""
    from transformers import DataCollatorWithPadding, ProgressCallback, Trainer, TrainingArguments

    keep = accepted_inputs(model) | {"labels"}
    dataset.encoded = {k: v for k, v in dataset.encoded.items() if k in keep}
    steps_per_epoch = max(1, -(-len(dataset) // batch_size))
    with tempfile.TemporaryDirectory(prefix="kodial-train-") as out:
        args = TrainingArguments(
            output_dir=out,
            num_train_epochs=epochs,
            learning_rate=learning_rate,
            per_device_train_batch_size=batch_size,
            weight_decay=weight_decay,
            warmup_steps=int(warmup_ratio * epochs * steps_per_epoch),
            logging_steps=1,
            save_strategy="no",
            report_to=[],
            seed=seed,
            use_cpu=device.type == "cpu",
            disable_tqdm=False,
            dataloader_num_workers=0,
        )
        trainer = Trainer(
            model=model,
            args=args,
            train_dataset=dataset,
            data_collator=DataCollatorWithPadding(tokenizer),
        )
        trainer.remove_callback(ProgressCallback)
        trainer.add_callback(_loss_bar())
        trainer.train()
    model.to(device).eval()
    return [float(h["loss"]) for h in trainer.state.log_history if "loss" in h]
