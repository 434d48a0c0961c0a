"""The QLoRA tests' trainer callback, kept out of ``conftest.py``: importing
``transformers.TrainerCallback`` pulls in the trainer with peft, bitsandbytes and torch's
compiler (about 5 s), which every run of any file in this folder paid at start-up through the
conftest. Imported by ``test_train.py`` and ``test_dpo.py``, the files that train."""

from __future__ import annotations

from typing import Any

from transformers import TrainerCallback


class Watch4bit(TrainerCallback):
    """Records the quantised layers of the model a trainer actually trains (QLoRA tests)."""

    def __init__(self) -> None:
        self.quant_types: set[str] = set()
        self.trainable_dtypes: set[Any] = set()

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        import bitsandbytes as bnb

        model = kwargs["model"]
        for module in model.modules():
            if isinstance(module, bnb.nn.Linear4bit):
                self.quant_types.add(module.weight.quant_type)
        self.trainable_dtypes = {p.dtype for p in model.parameters() if p.requires_grad}
