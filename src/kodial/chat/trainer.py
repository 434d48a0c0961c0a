"""The TRL trainer for a recipe: ``stage`` picks the trainer (``SFTTrainer``, ``DPOTrainer``,
``KTOTrainer``) and ``method`` the peft wrapping (:data:`PEFT_BUILDERS`); nothing here is a
training loop of our own.

- Everything that can fail before a model is loaded is checked first (:func:`preflight`): the
  model and tokenizer sources, the method on this machine (QLoRA needs CUDA + bitsandbytes unless
  ``qlora_on_cpu``), the trackers' packages, and ``max_length`` against the model's context.
- Packing (:mod:`kodial.chat.packing`) uses TRL's best-fit-decreasing packer; each packed sample
  gets ``position_ids`` restarting at 0 and no attention mask, from which transformers builds a
  block-diagonal causal mask, so attention never crosses samples (``tests/chat/test_packing.py``
  proves the logits equal the unpacked ones). FlashAttention models use TRL's padding-free
  batches; sdpa/eager models get ``(B, max_length)`` rows.
- On a machine without an accelerator the Trainer is told it runs on the CPU, which also lets
  several processes (torchrun) train as one data-parallel job over gloo.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodial.chat import adapters
from kodial.chat.datasets import preference_datasets, sft_datasets
from kodial.chat.recipe import BaseRecipe, Recipe, TrainRecipe
from kodial.errors import DataError, KodialError

if TYPE_CHECKING:
    from peft import PeftConfig
    from transformers import PreTrainedModel, PreTrainedTokenizerBase, Trainer, TrainerCallback


def _no_peft(recipe: BaseRecipe) -> PeftConfig | None:
    return None


def _lora(recipe: BaseRecipe) -> PeftConfig | None:
    from peft import LoraConfig, TaskType

    targets: list[str] | str = recipe.lora_target_modules
    if targets == ["all-linear"]:
        targets = "all-linear"
    return LoraConfig(
        task_type=TaskType.CAUSAL_LM,
        r=recipe.lora_r,
        lora_alpha=recipe.lora_alpha,
        lora_dropout=recipe.lora_dropout,
        target_modules=targets,
    )


def _prompt_tuning(recipe: BaseRecipe) -> PeftConfig | None:
    from peft import PromptTuningConfig, PromptTuningInit, TaskType

    assert isinstance(recipe, TrainRecipe)
    return PromptTuningConfig(
        task_type=TaskType.CAUSAL_LM,
        num_virtual_tokens=recipe.num_virtual_tokens,
        prompt_tuning_init=PromptTuningInit.RANDOM,
    )


PEFT_BUILDERS: dict[str, Callable[[BaseRecipe], PeftConfig | None]] = {
    "full": _no_peft,
    "lora": _lora,
    "qlora": _lora,
    "prompt-tuning": _prompt_tuning,
}
"""Method name -> peft config builder (``None`` = train every weight). QLoRA is LoRA over a
4-bit base, which :func:`load_model` provides."""


def preflight(recipe: BaseRecipe) -> None:
    """Everything that can be checked before a model is loaded: the model and tokenizer sources,
    the method on this machine, and ``max_length`` against the model's context."""
    check_model_source(recipe.model)
    if recipe.tokenizer:
        check_model_source(recipe.tokenizer, key="tokenizer")
    check_method_available(recipe)
    check_trackers(recipe)
    check_context(recipe)


def check_trackers(recipe: BaseRecipe) -> None:
    """Each tracker in ``report_to`` needs its package: say which, before any model is loaded."""
    import importlib.util

    from kodial.chat.recipe import REPORT_TO

    for tracker in recipe.report_to:
        package = REPORT_TO.get(tracker)
        if package and importlib.util.find_spec(package) is None:
            raise DataError(
                f"report_to {tracker!r} needs the {package} package, which is not installed",
                path="recipe",
                field="report_to",
                hint=f"pip install {package}, or --set report_to=[none]",
            )


def check_method_available(recipe: BaseRecipe) -> None:
    """Refuse a method this machine cannot run, before any model is loaded.

    QLoRA needs bitsandbytes and, unless the recipe sets ``qlora_on_cpu``, a CUDA GPU.
    """
    if recipe.method != "qlora":
        return
    import torch

    if not torch.cuda.is_available() and not recipe.qlora_on_cpu:
        raise KodialError(
            "QLoRA needs a CUDA GPU and bitsandbytes; use --method lora on CPU",
            hint="pip install 'kodial[gpu]' on a CUDA machine, or --set method=lora "
            "(--set qlora_on_cpu=true runs the 4-bit path on CPU, to check a QLoRA recipe)",
        )
    adapters.require_bitsandbytes(
        hint=f"pip install -U 'bitsandbytes>={adapters.BNB_MIN_VERSION}', or --set method=lora"
    )


def _looks_local(name: str) -> bool:
    """A path rather than a hub id (``org/name``): absolute, ``./``, ``~`` or several parts."""
    return name.startswith(("/", ".", "~")) or name.count("/") > 1 or "\\" in name


def check_model_source(name: str, key: str = "model") -> None:
    """Refuse a ``model``/``tokenizer`` value that is no model, with a message that says why,
    before anything is loaded. Hub ids are left to ``from_pretrained``."""
    path = Path(name).expanduser()
    if not path.exists():
        if _looks_local(name):
            raise DataError(
                f"{name} does not exist", path="recipe", field=key, hint="check the path"
            )
        return
    if not path.is_dir():
        raise DataError(f"{name} is a file, not a model directory", path="recipe", field=key)
    tokenizer_files = ("tokenizer.json", "tokenizer_config.json")
    if (path / "config.json").exists() or (
        key == "tokenizer" and any((path / f).exists() for f in tokenizer_files)
    ):
        return
    if (path / "adapter_config.json").exists():
        raise DataError(
            f"{name} is an adapter (LoRA or prompt tuning), not a model: training over it would "
            "start a new adapter on the bare base and silently drop this one",
            path="recipe",
            field=key,
            hint=f"merge it first: kodial chat export {name} merged/ ; then --set {key}=merged/",
        )
    if (path / "final").is_dir():
        raise DataError(
            f"{name} is a training run directory, not a model",
            path="recipe",
            field=key,
            hint=f"export its model first (kodial chat export {name} merged/), then train on merged/",
        )
    raise DataError(
        f"{name} holds no model (no config.json)",
        path="recipe",
        field=key,
        hint="pass a model directory saved with save_pretrained, or a hub id",
    )


def check_context(recipe: BaseRecipe) -> None:
    """``max_length`` must fit the model's context (``max_position_embeddings``)."""
    from transformers import AutoConfig

    from kodial.hub import load_kwargs

    extra = load_kwargs(recipe.model)  # a hub id without network fails here, in seconds
    try:
        config = AutoConfig.from_pretrained(recipe.model, **extra)
    except (OSError, ValueError):
        return  # load_model reports it
    limit = getattr(config, "max_position_embeddings", None)
    if isinstance(limit, int) and recipe.max_length > limit:
        raise DataError(
            f"max_length {recipe.max_length} is longer than the model's context ({limit} "
            "positions, max_position_embeddings)",
            path="recipe",
            field="max_length",
            hint=f"--set max_length={limit}",
        )


def load_tokenizer(recipe: BaseRecipe) -> PreTrainedTokenizerBase:
    """The recipe's tokenizer; a pad token is borrowed from eos when missing (padding is masked)."""
    from kodial.hub import load_tokenizer as load

    tokenizer = load(recipe.tokenizer or recipe.model)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(recipe: BaseRecipe) -> PreTrainedModel:
    """The base model: float32 on CPU, bf16 with ``bf16: true``, 4-bit NF4 for QLoRA."""
    import torch
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"dtype": torch.bfloat16 if recipe.bf16 else torch.float32}
    if recipe.method == "qlora":
        kwargs["quantization_config"] = adapters.nf4_config()
        kwargs["dtype"] = torch.bfloat16
    from kodial.hub import checkpoint_error, load_kwargs

    kwargs.update(load_kwargs(recipe.model))
    try:
        return AutoModelForCausalLM.from_pretrained(recipe.model, **kwargs)
    except (OSError, ValueError) as exc:
        raise checkpoint_error(recipe.model, exc) from None


def _has_accelerator() -> bool:
    """CUDA, MPS, XPU ... (``torch.accelerator`` where this torch has it, else CUDA or MPS)."""
    import torch

    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None:
        return bool(accelerator.is_available())
    return torch.cuda.is_available() or torch.backends.mps.is_available()


def _training_args(recipe: BaseRecipe, has_eval: bool) -> dict[str, Any]:
    import torch

    return {
        "output_dir": recipe.output_dir,
        "num_train_epochs": recipe.epochs,
        "max_steps": recipe.max_steps,
        "learning_rate": recipe.learning_rate,
        "warmup_steps": recipe.warmup_ratio,
        "lr_scheduler_type": "linear",
        "per_device_train_batch_size": recipe.batch_size,
        "per_device_eval_batch_size": recipe.batch_size,
        "gradient_accumulation_steps": recipe.grad_accum,
        "eval_strategy": "epoch" if has_eval else "no",
        "save_strategy": "steps",
        "save_steps": recipe.save_steps,
        "save_total_limit": recipe.save_total_limit,
        "logging_steps": recipe.logging_steps,
        "logging_first_step": True,
        "seed": recipe.seed,
        "data_seed": recipe.seed,
        "bf16": recipe.bf16,
        # On a machine without an accelerator, say so: bf16 is then CPU autocast (which
        # transformers allows only with use_cpu), and several processes (torchrun / accelerate
        # launch) form a gloo process group only when accelerate is told it runs on the CPU.
        "use_cpu": not _has_accelerator(),
        "activation_checkpointing": recipe.gradient_checkpointing,
        "report_to": recipe.report_to,
        "dataloader_pin_memory": torch.cuda.is_available(),
        "max_length": recipe.max_length,
        "dataset_num_proc": None,
    }


@contextlib.contextmanager
def _target_module_errors() -> Iterator[None]:
    """peft's "Target modules ... not found" as a recipe error naming ``lora_target_modules``."""
    try:
        yield
    except ValueError as exc:
        if "target modules" not in str(exc).lower():
            raise
        raise DataError(
            str(exc).split(". ")[0],
            path="recipe",
            field="lora_target_modules",
            hint="name the model's linear layers (e.g. q_proj, v_proj), or use [all-linear]",
        ) from None


def build_trainer(
    recipe: Recipe,
    callbacks: list[TrainerCallback] | None = None,
    tokenizer: PreTrainedTokenizerBase | None = None,
) -> tuple[Trainer, dict[str, Any]]:
    """The TRL trainer for this recipe (stage -> trainer, method -> peft), and data statistics."""
    preflight(recipe)
    tokenizer = tokenizer or load_tokenizer(recipe)
    if isinstance(recipe, TrainRecipe):
        from trl import SFTConfig, SFTTrainer

        from kodial.chat.packing import PackedRowCollator, pack_rows, packing_layout

        train_ds, eval_ds, stats = sft_datasets(recipe, tokenizer)
        model = load_model(recipe)
        attn = getattr(model.config, "_attn_implementation", None)
        layout = packing_layout(attn) if recipe.packing else "off"
        collator = None
        if layout == "rows":
            train_ds = pack_rows(train_ds, recipe.max_length)
            eval_ds = pack_rows(eval_ds, recipe.max_length) if eval_ds is not None else None
            collator = PackedRowCollator(pad_token_id=int(tokenizer.pad_token_id))
        stats["packing"] = layout
        args = SFTConfig(
            **_training_args(recipe, eval_ds is not None),
            packing=layout == "padding-free",
            packing_strategy="bfd",
        )
        with _target_module_errors():
            trainer: Trainer = SFTTrainer(
                model=model,
                args=args,
                data_collator=collator,
                train_dataset=train_ds,
                eval_dataset=eval_ds,
                processing_class=tokenizer,
                peft_config=PEFT_BUILDERS[recipe.method](recipe),
                callbacks=callbacks,
            )
        return trainer, stats
    if not tokenizer.chat_template:
        raise KodialError(
            "preference tuning needs a tokenizer with a chat template", hint="train SFT first"
        )
    train_ds, eval_ds, stats = preference_datasets(recipe)
    if recipe.stage == "dpo":
        from trl import DPOConfig, DPOTrainer

        trainer_cls: Any = DPOTrainer
        args_pref: Any = DPOConfig(**_training_args(recipe, eval_ds is not None), beta=recipe.beta)
    else:
        from trl import KTOConfig, KTOTrainer

        trainer_cls = KTOTrainer
        args_pref = KTOConfig(**_training_args(recipe, eval_ds is not None), beta=recipe.beta)
    from kodial.chat.rendering import text_safe_tokenizer

    with _target_module_errors():
        trainer = trainer_cls(
            model=load_model(recipe),
            args=args_pref,
            train_dataset=train_ds,
            eval_dataset=eval_ds,
            # TRL tokenizes the rows with apply_chat_template: this one keeps message text text
            processing_class=text_safe_tokenizer(tokenizer),
            peft_config=PEFT_BUILDERS[recipe.method](recipe),
            callbacks=callbacks,
        )
    return trainer, stats
