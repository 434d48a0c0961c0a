"""Training recipes: pydantic configs read from YAML, whose field docstrings are the help text.

A recipe is everything one training run needs: which model and data, how samples are shaped,
which fine-tuning method, and the optimiser settings. ``stage`` picks the recipe class:
``sft`` is a :class:`TrainRecipe`; ``dpo`` and ``kto`` are a :class:`PreferenceRecipe`. Recipes
load through :mod:`kodial.config`, so unknown keys, wrong types and bad values are reported with
the file, line and key (or the ``--set`` that gave them), and a typo never silently falls back to
a default.

>>> r = recipe_from_dict({"model": "m", "data": "d.jsonl", "method": "lora"})
>>> r.method, r.lora_r
('lora', 16)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from kodial.chat.strategies import SampleOptions
from kodial.config import Config, field_help, load_yaml, parse_overrides, validate
from kodial.errors import DataError

__all__ = ["parse_overrides"]  # re-exported for the chat CLI and its tests

METHODS = ("full", "lora", "qlora", "prompt-tuning")
"""Fine-tuning methods; ``kodial.chat.trainer.PEFT_BUILDERS`` maps each to its peft config."""

STAGES = ("sft", "dpo", "kto")

REPORT_TO = {"none": "", "tensorboard": "tensorboard", "wandb": "wandb", "mlflow": "mlflow"}
"""Experiment trackers a recipe may name -> the Python package each needs."""

INPUT_PATH_KEYS = ("model", "tokenizer", "data", "eval_data", "persona")
"""Recipe keys holding input paths, resolved next to the recipe file when they exist there."""

RECIPE_HINT = "`kodial chat recipe-keys` lists every key with its help"


def _one_of(value: str, choices: Any, what: str) -> str:
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose from {', '.join(choices)}")
    return value


class BaseRecipe(Config):
    """Fields shared by supervised and preference training."""

    model: str
    """Base model: a local directory saved with ``save_pretrained`` or a hub id."""
    data: str
    """Training data file: dialogues for SFT, preference pairs (DPO) or labelled completions (KTO)."""
    stage: str = "sft"
    """Training stage: ``sft`` (supervised), ``dpo`` (preference pairs) or ``kto`` (good/bad labels)."""
    tokenizer: str | None = None
    """Tokenizer directory or hub id; defaults to ``model``. Its chat template is used everywhere."""
    eval_data: str | None = None
    """Held-out file in the same format as ``data``; if unset, ``eval_split`` of ``data`` is held out."""
    persona: str | None = None
    """Persona YAML; its system prompt is put in front of every conversation, as at serving time."""
    method: str = "lora"
    """Fine-tuning method: ``full``, ``lora``, ``qlora`` (4-bit NF4 base, CUDA GPU; see
    ``qlora_on_cpu``) or ``prompt-tuning``."""
    lora_r: int = Field(default=16, ge=1)
    """LoRA rank (``lora``/``qlora``)."""
    lora_alpha: int = 32
    """LoRA scaling numerator; the update is scaled by ``lora_alpha / lora_r``."""
    lora_dropout: float = 0.05
    """Dropout on the LoRA input."""
    lora_target_modules: list[str] = Field(
        default_factory=lambda: [
            "q_proj",
            "k_proj",
            "v_proj",
            "o_proj",
            "gate_proj",
            "up_proj",
            "down_proj",
        ]
    )
    """Module names that get LoRA adapters, or ``["all-linear"]``."""
    max_length: int = Field(default=1024, ge=1)
    """Longest sample in tokens (and the packed row length when packing)."""
    epochs: float = 3.0
    """Number of passes over the training data."""
    max_steps: int = -1
    """Stop after this many optimiser steps (overrides ``epochs`` when > 0)."""
    learning_rate: float = 2e-4
    """Peak learning rate (linear decay)."""
    warmup_ratio: float = 0.0
    """Fraction of steps with a linear learning-rate warm-up."""
    batch_size: int = Field(default=4, ge=1)
    """Samples (or packed rows) per device per step."""
    grad_accum: int = Field(default=1, ge=1)
    """Gradient accumulation steps: the effective batch is ``batch_size * grad_accum``."""
    eval_split: float = Field(default=0.1, ge=0.0, lt=1.0)
    """Fraction of conversations held out for eval loss when ``eval_data`` is unset (0 disables)."""
    save_steps: int = Field(default=100, ge=1)
    """Write a resumable checkpoint every this many optimiser steps."""
    save_total_limit: int = Field(default=2, ge=1)
    """Keep at most this many checkpoints (older ones are deleted)."""
    logging_steps: int = Field(default=10, ge=1)
    """Log the training loss every this many steps (the curve PNG uses these points)."""
    seed: int = 42
    """Random seed for the split, initialisation of adapters and data order."""
    output_dir: str = "runs/chat"
    """Run directory: checkpoints, ``final/`` model, ``training_curve.png``, ``metrics.json``."""
    resume: bool = False
    """Continue from the last complete checkpoint in ``output_dir``."""
    gradient_checkpointing: bool = False
    """Recompute activations in the backward pass: less memory, about 30% slower."""
    bf16: bool = False
    """Train in bfloat16 mixed precision (GPU)."""
    report_to: list[str] = Field(default_factory=lambda: ["none"])
    """Experiment trackers that get the training metrics: ``none``, or any of ``tensorboard``,
    ``wandb``, ``mlflow`` (the tracker's package must be installed; its own settings come from
    its environment variables, e.g. ``WANDB_PROJECT``, ``MLFLOW_TRACKING_URI``)."""
    qlora_on_cpu: bool = False
    """Let ``qlora`` run without a CUDA GPU through bitsandbytes' CPU 4-bit backend
    (bitsandbytes >= 0.46.1), e.g. to check a QLoRA recipe. The base's weights take about 0.4x
    the memory, but on CPU the peak of a training step was no lower at the Llama-3.2-1B shape
    (``bench/results/chat_gpu-cpu-1b.md``), so it is off by default: a recipe written for a GPU
    then stops with a clear error instead of crawling on CPU."""

    @model_validator(mode="before")
    @classmethod
    def _paths_next_to_the_recipe(cls, values: Any, info: ValidationInfo) -> Any:
        """A relative input path that exists next to the recipe file is read from there, so
        shipped recipes find their sample data wherever kodial is installed; otherwise (and for
        ``--set`` values) it stays relative to the working directory."""
        context = info.context or {}
        base = context.get("base_dir")
        if base is None or not isinstance(values, dict):
            return values
        values = dict(values)
        for key in INPUT_PATH_KEYS:
            value = values.get(key)
            if key in context.get("overridden", ()) or not isinstance(value, str):
                continue
            if not Path(value).is_absolute() and (Path(base) / value).exists():
                values[key] = os.path.normpath(Path(base) / value)
        return values

    @field_validator("stage")
    @classmethod
    def _stage(cls, value: str) -> str:
        return _one_of(value, STAGES, "stage")

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        return _one_of(value, METHODS, "method")

    @field_validator("report_to")
    @classmethod
    def _report_to(cls, value: list[str]) -> list[str]:
        trackers = set(value)
        if set(trackers) - set(REPORT_TO) or ("none" in trackers and len(trackers) > 1):
            raise ValueError(
                f"unknown or conflicting trackers {sorted(trackers)}; choose none or any of "
                + ", ".join(t for t in REPORT_TO if t != "none")
            )
        return value


class TrainRecipe(BaseRecipe, SampleOptions):
    """Supervised fine-tuning on multi-turn dialogues (``stage: sft``)."""

    data_format: str | None = None
    """Dialogue file format (see ``kodial data convert --help``); guessed from the file if unset."""
    packing: bool = True
    """Pack several samples into one row of ``max_length`` tokens; attention never crosses samples."""
    num_virtual_tokens: int = Field(default=20, ge=1)
    """Learned prompt length for ``prompt-tuning``."""

    @field_validator("stage")
    @classmethod
    def _sft(cls, value: str) -> str:
        if value != "sft":
            raise ValueError("a TrainRecipe is for stage 'sft'")
        return value

    @field_validator("packing")
    @classmethod
    def _packing(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("method") == "prompt-tuning":
            raise ValueError(
                "prompt tuning prepends virtual tokens to each row, which cannot be packed; "
                "set packing: false for method prompt-tuning"
            )
        return value


class PreferenceRecipe(BaseRecipe):
    """Preference tuning with DPO (``prompt/chosen/rejected``) or KTO (``prompt/completion/label``)."""

    stage: str = "dpo"
    """``dpo`` (pairs) or ``kto`` (single completions labelled good/bad)."""
    beta: float = Field(default=0.1, gt=0)
    """Strength of the pull towards the reference model (higher = stay closer)."""
    learning_rate: float = 5e-5
    """Peak learning rate; preference tuning wants a smaller one than SFT."""
    epochs: float = 1.0
    """Number of passes over the preference data."""

    @field_validator("stage")
    @classmethod
    def _preference(cls, value: str) -> str:
        if value not in ("dpo", "kto"):
            raise ValueError("a PreferenceRecipe is for stage 'dpo' or 'kto'")
        return value

    @field_validator("method")
    @classmethod
    def _no_prompt_tuning(cls, value: str) -> str:
        if value == "prompt-tuning":
            raise ValueError("prompt tuning is for SFT only")
        return _one_of(value, METHODS, "method")


RECIPES: dict[str, type[BaseRecipe]] = {
    "sft": TrainRecipe,
    "dpo": PreferenceRecipe,
    "kto": PreferenceRecipe,
}
"""Stage name -> recipe class."""

Recipe = TrainRecipe | PreferenceRecipe


def field_docs(cls: type[BaseRecipe]) -> dict[str, str]:
    """Field name -> its help text (the docstring under it), for ``recipe-keys`` and tests."""
    return {row.name: row.help for row in field_help(cls)}


def _recipe_class(stage: Any, source: str | Path) -> type[BaseRecipe]:
    if stage not in RECIPES:
        raise DataError(
            f"unknown stage {stage!r}; choose from {', '.join(STAGES)}",
            path=source,
            field="stage",
            hint=RECIPE_HINT,
        )
    return RECIPES[stage]


def recipe_from_dict(
    values: dict[str, Any], source: str = "<recipe>", origins: dict[str, str] | None = None
) -> Recipe:
    """Build and validate a recipe; unknown keys and wrong types raise :class:`DataError`.

    ``origins`` names where a key came from when not from ``source`` (``--set key=...``)."""
    cls = _recipe_class(values.get("stage", "sft"), (origins or {}).get("stage", source))
    recipe: Recipe = validate(cls, values, source, origins=origins, hint=RECIPE_HINT)  # type: ignore[assignment]
    return recipe


def load_recipe(path: str | Path, overrides: list[str] | None = None) -> Recipe:
    """Read a recipe YAML, apply ``key=value`` overrides, and validate it.

    A relative input path (``model``, ``tokenizer``, ``data``, ``eval_data``, ``persona``) that
    exists next to the recipe file is read from there; ``output_dir`` and ``--set`` paths are
    relative to the working directory. Errors name the file and line, or the ``--set``.
    """
    from kodial.textio import read_yaml

    overridden = parse_overrides(overrides or [])
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise DataError("a recipe must be a mapping of key: value", path=path)
    stage = overridden.get("stage", raw.get("stage", "sft"))
    cls = _recipe_class(stage, "--set stage" if "stage" in overridden else path)
    recipe: Recipe = load_yaml(
        path,
        cls,
        context={"overridden": set(overridden)},
        overrides=overridden,
        hint=RECIPE_HINT,
    )
    return recipe


def recipe_to_dict(recipe: BaseRecipe) -> dict[str, Any]:
    """Plain dict of a recipe, for ``recipe.yaml`` in the run directory and the model card."""
    return recipe.model_dump()
