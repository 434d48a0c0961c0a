"""Loading a trained adapter over the base weights it was trained against.

A LoRA adapter trained by ``qlora`` learned its update against the *4-bit NF4* base, not the
original weights: each adapter partly corrects the rounding of the layer it sits on. Loading it
over the full-precision base (what ``AutoPeftModelForCausalLM`` does) gives a different model:
on the tiny test model its logits land 55x further from the trained model's and its greedy
replies turn to noise (``tests/chat/test_train.py`` checks the logits). So an adapter whose run
recorded ``method: qlora`` (``final/`` carries the run file; a ``checkpoint-N`` directory is read
through its run's ``recipe.yaml``) is loaded over the base quantised with the same
:func:`nf4_config` and dequantised in bfloat16, the compute dtype training used: the weights are
exactly the values training saw, then cast to the recipe's dtype on the CPU, and merging into them
(export) keeps the trained model. Everything else loads as usual.

>>> model = load_peft_model("runs/qlora/final")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodial.chat.rundir import run_recipe
from kodial.errors import KodialError

if TYPE_CHECKING:
    from transformers import BitsAndBytesConfig, PreTrainedModel


def nf4_config() -> BitsAndBytesConfig:
    """The 4-bit quantisation of QLoRA (NF4, double quantisation, bf16 compute), shared by
    training and by loading its adapters."""
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch.bfloat16,
    )


BNB_MIN_VERSION = "0.46.1"
"""Oldest bitsandbytes kodial accepts: the first with a CPU 4-bit backend that transformers takes."""


def require_bitsandbytes(hint: str) -> None:
    """Raise a :class:`KodialError` unless bitsandbytes >= :data:`BNB_MIN_VERSION` is installed."""
    import importlib.metadata

    from packaging.version import Version

    try:
        version = importlib.metadata.version("bitsandbytes")
    except importlib.metadata.PackageNotFoundError:
        raise KodialError(
            f"QLoRA needs bitsandbytes >= {BNB_MIN_VERSION}, which is not installed", hint=hint
        ) from None
    if Version(version) < Version(BNB_MIN_VERSION):
        raise KodialError(
            f"QLoRA needs bitsandbytes >= {BNB_MIN_VERSION} (installed: {version})", hint=hint
        )


def load_peft_model(adapter_dir: str | Path) -> Any:
    """A ``PeftModel`` on the CPU: the adapter in ``adapter_dir`` over its base, the
    NF4-dequantised base for an adapter trained with ``qlora``."""
    import torch
    from peft import AutoPeftModelForCausalLM, PeftConfig, PeftModel
    from transformers import AutoModelForCausalLM

    recipe = run_recipe(adapter_dir)
    if recipe.get("method") != "qlora":
        return AutoPeftModelForCausalLM.from_pretrained(str(adapter_dir))
    require_bitsandbytes(
        hint=f"{adapter_dir} is a QLoRA adapter, trained over a 4-bit base, and loading it "
        "needs bitsandbytes to rebuild that base (over the full-precision base it is a "
        "different model); pip install -U bitsandbytes, or load a model exported on a machine "
        "that has it"
    )
    base_name = PeftConfig.from_pretrained(str(adapter_dir)).base_model_name_or_path
    dtype = torch.bfloat16 if recipe.get("bf16") else torch.float32
    quantised = AutoModelForCausalLM.from_pretrained(
        base_name, quantization_config=nf4_config(), dtype=torch.bfloat16
    )
    # bitsandbytes puts a quantised model on the GPU when there is one; dequantise there in
    # bf16 (half the memory of fp32), then continue on the CPU like every other adapter
    base: PreTrainedModel = quantised.dequantize(dtype=torch.bfloat16).to("cpu").to(dtype)
    return PeftModel.from_pretrained(base, str(adapter_dir))
