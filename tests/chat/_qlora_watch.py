"""The QLoRA tests' trainer callback, kept out of ``conftest.py``: importing
``transformers.TrainerCallback`` pulls in the trainer with peft, bitsandbytes and torch's
compiler (about 5 s), which every run of any file in this folder paid at start-up through the
conftest, and then every worker paid collecting ``test_train.py`` and ``test_dpo.py``."""

from __future__ import annotations

from typing import Any


def watch_4bit() -> Any:
    """A trainer callback that records the quantised layers of the model a trainer actually
    trains (QLoRA tests). ``transformers.TrainerCallback`` is imported here, when a test
    trains, not when the test files are collected (every pytest-xdist worker collects all of
    them)."""
    from transformers import TrainerCallback

    class Watch4bit(TrainerCallback):  # type: ignore[misc]
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

    return Watch4bit()
