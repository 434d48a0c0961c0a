"""Loading a trained adapter over the base weights it was trained against.

A LoRA adapter trained by ``qlora`` learned its update against the *4-bit NF4* base, not the
original weights: each adapter partly corrects the rounding of the layer it sits on. Loading it
over the full-precision base (what ``AutoPeftModelForCausalLM`` does) gives a different model, and
on small models a visibly worse one (``tests/chat/test_train.py`` shows replies that no longer
stop). So an adapter whose run recorded ``method: qlora`` is loaded over the base quantised with
the same :func:`nf4_config` and then dequantised: the weights are exactly the NF4 values training
saw, in ``bfloat16`` (recipe ``bf16: true``) or ``float32``, and merging into them (export) keeps
the trained model. Everything else loads as usual.

>>> model = load_peft_model("runs/qlora/final")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodial.errors import KodialError

if TYPE_CHECKING:
    from transformers import BitsAndBytesConfig, PreTrainedModel

RUN_FILE = "kodial_run.json"
"""Written into ``final/`` by training: recipe, data statistics and metrics."""


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


def run_recipe(model_dir: str | Path) -> dict[str, Any]:
    """The recipe recorded in ``model_dir``'s run file, or ``{}`` for a directory kodial did not
    train."""
    path = Path(model_dir) / RUN_FILE
    if not path.exists():
        return {}
    try:
        recipe = json.loads(path.read_text(encoding="utf-8")).get("recipe") or {}
    except (ValueError, AttributeError):
        return {}
    return recipe if isinstance(recipe, dict) else {}


def load_peft_model(adapter_dir: str | Path) -> Any:
    """A ``PeftModel``: the adapter in ``adapter_dir`` over its base, the NF4-dequantised base for
    an adapter trained with ``qlora``."""
    import torch
    from peft import AutoPeftModelForCausalLM, PeftConfig, PeftModel
    from transformers import AutoModelForCausalLM

    recipe = run_recipe(adapter_dir)
    if recipe.get("method") != "qlora":
        return AutoPeftModelForCausalLM.from_pretrained(str(adapter_dir))
    import importlib.util

    if importlib.util.find_spec("bitsandbytes") is None:
        raise KodialError(
            f"{adapter_dir} is a QLoRA adapter, trained over a 4-bit base: loading it needs "
            "bitsandbytes to rebuild that base (over the full-precision base it is a different "
            "model)",
            hint="pip install 'bitsandbytes>=0.46', or load a model exported on a machine that has it",
        )
    base_name = PeftConfig.from_pretrained(str(adapter_dir)).base_model_name_or_path
    dtype = torch.bfloat16 if recipe.get("bf16") else torch.float32
    quantised = AutoModelForCausalLM.from_pretrained(
        base_name, quantization_config=nf4_config(), dtype=torch.bfloat16
    )
    base: PreTrainedModel = quantised.dequantize(dtype=dtype).to(dtype)
    return PeftModel.from_pretrained(base, str(adapter_dir))
