"""Training recipes: dataclass configs read from YAML, whose field docstrings are the help text.

A recipe is everything one training run needs: which model and data, how samples are shaped,
which fine-tuning method, and the optimiser settings. ``stage`` picks the recipe class:
``sft`` is a :class:`TrainRecipe`; ``dpo`` and ``kto`` are a :class:`PreferenceRecipe`. Unknown
keys are rejected with the file and key named, so a typo never silently falls back to a default.

>>> r = recipe_from_dict({"model": "m", "data": "d.jsonl", "method": "lora"})
>>> r.method, r.lora_r
('lora', 16)
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import inspect
import itertools
import math
import os
import textwrap
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kodial.errors import DataError, KodialError
from kodial.textio import read_yaml

METHODS = ("full", "lora", "qlora", "prompt-tuning")
"""Fine-tuning methods; ``kodial.chat.train.PEFT_BUILDERS`` maps each to its peft config."""

STAGES = ("sft", "dpo", "kto")

REPORT_TO = {"none": "", "tensorboard": "tensorboard", "wandb": "wandb", "mlflow": "mlflow"}
"""Experiment trackers a recipe may name -> the Python package each needs."""

INPUT_PATH_KEYS = ("model", "tokenizer", "data", "eval_data", "persona")
"""Recipe keys holding input paths, resolved next to the recipe file when they exist there."""


@dataclass
class BaseRecipe:
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
    lora_r: int = 16
    """LoRA rank (``lora``/``qlora``)."""
    lora_alpha: int = 32
    """LoRA scaling numerator; the update is scaled by ``lora_alpha / lora_r``."""
    lora_dropout: float = 0.05
    """Dropout on the LoRA input."""
    lora_target_modules: list[str] = field(
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
    max_length: int = 1024
    """Longest sample in tokens (and the packed row length when packing)."""
    epochs: float = 3.0
    """Number of passes over the training data."""
    max_steps: int = -1
    """Stop after this many optimiser steps (overrides ``epochs`` when > 0)."""
    learning_rate: float = 2e-4
    """Peak learning rate (linear decay)."""
    warmup_ratio: float = 0.0
    """Fraction of steps with a linear learning-rate warm-up."""
    batch_size: int = 4
    """Samples (or packed rows) per device per step."""
    grad_accum: int = 1
    """Gradient accumulation steps: the effective batch is ``batch_size * grad_accum``."""
    eval_split: float = 0.1
    """Fraction of conversations held out for eval loss when ``eval_data`` is unset (0 disables)."""
    save_steps: int = 100
    """Write a resumable checkpoint every this many optimiser steps."""
    save_total_limit: int = 2
    """Keep at most this many checkpoints (older ones are deleted)."""
    logging_steps: int = 10
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
    report_to: list[str] = field(default_factory=lambda: ["none"])
    """Experiment trackers that get the training metrics: ``none``, or any of ``tensorboard``,
    ``wandb``, ``mlflow`` (the tracker's package must be installed; its own settings come from
    its environment variables, e.g. ``WANDB_PROJECT``, ``MLFLOW_TRACKING_URI``)."""
    qlora_on_cpu: bool = False
    """Let ``qlora`` run without a CUDA GPU through bitsandbytes' CPU 4-bit backend
    (bitsandbytes >= 0.46.1), e.g. to check a QLoRA recipe. The base's weights take about 0.4x
    the memory, but on CPU the peak of a training step was no lower at the Llama-3.2-1B shape
    (``bench/results/chat_gpu-cpu-1b.md``), so it is off by default: a recipe written for a GPU
    then stops with a clear error instead of crawling on CPU."""

    def validate(self, source: str = "<recipe>") -> None:
        """Check values that a type alone does not catch; raise :class:`KodialError` naming the key."""
        if self.stage not in STAGES:
            raise DataError(
                f"unknown stage {self.stage!r}; choose from {', '.join(STAGES)}",
                path=source,
                field="stage",
            )
        if self.method not in METHODS:
            raise DataError(
                f"unknown method {self.method!r}; choose from {', '.join(METHODS)}",
                path=source,
                field="method",
            )
        for name in (
            "max_length",
            "batch_size",
            "grad_accum",
            "save_steps",
            "logging_steps",
            "lora_r",
        ):
            if getattr(self, name) < 1:
                raise DataError(
                    f"must be at least 1, got {getattr(self, name)}", path=source, field=name
                )
        trackers = set(self.report_to)
        unknown = sorted(trackers - set(REPORT_TO))
        if unknown or ("none" in trackers and len(trackers) > 1):
            raise DataError(
                f"unknown or conflicting trackers {sorted(trackers)}; choose none or any of "
                + ", ".join(t for t in REPORT_TO if t != "none"),
                path=source,
                field="report_to",
            )
        if not 0.0 <= self.eval_split < 1.0:
            raise DataError(
                f"must be in [0, 1), got {self.eval_split}", path=source, field="eval_split"
            )


@dataclass
class TrainRecipe(BaseRecipe):
    """Supervised fine-tuning on multi-turn dialogues (``stage: sft``)."""

    data_format: str | None = None
    """Dialogue file format (see ``kodial data convert --help``); guessed from the file if unset."""
    strategy: str = "all-turns"
    """Training-sample strategy: ``all-turns``, ``last-turn``, ``sliding-window`` or ``plain-text``."""
    window: int = 4
    """Previous turns kept as context by the ``sliding-window`` strategy."""
    packing: bool = True
    """Pack several samples into one row of ``max_length`` tokens; attention never crosses samples."""
    num_virtual_tokens: int = 20
    """Learned prompt length for ``prompt-tuning``."""

    def validate(self, source: str = "<recipe>") -> None:
        super().validate(source)
        if self.stage != "sft":
            raise DataError("a TrainRecipe is for stage 'sft'", path=source, field="stage")
        from kodial.chat.samples import STRATEGIES

        if self.strategy not in STRATEGIES:
            raise DataError(
                f"unknown strategy {self.strategy!r}; choose from {', '.join(STRATEGIES)}",
                path=source,
                field="strategy",
            )
        for name in ("window", "num_virtual_tokens"):
            if getattr(self, name) < 1:
                raise DataError(
                    f"must be at least 1, got {getattr(self, name)}", path=source, field=name
                )
        if self.method == "prompt-tuning" and self.packing:
            raise DataError(
                "prompt tuning prepends virtual tokens to each row, which cannot be packed",
                path=source,
                field="packing",
                hint="set packing: false for method prompt-tuning",
            )


@dataclass
class PreferenceRecipe(BaseRecipe):
    """Preference tuning with DPO (``prompt/chosen/rejected``) or KTO (``prompt/completion/label``)."""

    stage: str = "dpo"
    """``dpo`` (pairs) or ``kto`` (single completions labelled good/bad)."""
    beta: float = 0.1
    """Strength of the pull towards the reference model (higher = stay closer)."""
    learning_rate: float = 5e-5
    """Peak learning rate; preference tuning wants a smaller one than SFT."""
    epochs: float = 1.0
    """Number of passes over the preference data."""

    def validate(self, source: str = "<recipe>") -> None:
        super().validate(source)
        if self.stage not in ("dpo", "kto"):
            raise DataError(
                "a PreferenceRecipe is for stage 'dpo' or 'kto'", path=source, field="stage"
            )
        if self.method == "prompt-tuning":
            raise DataError("prompt tuning is for SFT only", path=source, field="method")
        if self.beta <= 0:
            raise DataError(f"must be positive, got {self.beta}", path=source, field="beta")


RECIPES: dict[str, type[BaseRecipe]] = {
    "sft": TrainRecipe,
    "dpo": PreferenceRecipe,
    "kto": PreferenceRecipe,
}
"""Stage name -> recipe class."""

Recipe = TrainRecipe | PreferenceRecipe


def field_docs(cls: type) -> dict[str, str]:
    """Field name -> the docstring under it, over ``cls`` and its bases (used as help text)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not dataclasses.is_dataclass(klass):
            continue
        tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        body = tree.body[0].body  # type: ignore[attr-defined]
        for node, nxt in itertools.pairwise(body):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(nxt, ast.Expr)
                and isinstance(nxt.value, ast.Constant)
                and isinstance(nxt.value.value, str)
            ):
                docs[node.target.id] = " ".join(nxt.value.value.split())
    return docs


def _check_type(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_check_type(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_check_type(v, item) for v in value)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _type_name(hint: Any) -> str:
    """``float | None`` -> ``"a number or null"``: types as a recipe author reads them."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(_type_name(arg) for arg in typing.get_args(hint))
    if typing.get_origin(hint) is list:
        return f"a list of {_type_name(typing.get_args(hint)[0])}"
    names = {float: "a number", int: "a whole number", bool: "true/false", str: "text"}
    return "null" if hint is type(None) else names.get(hint, getattr(hint, "__name__", str(hint)))


def _coerce(value: Any, hint: Any) -> Any:
    """Numbers YAML leaves as text (PyYAML reads ``1e-4`` as a string) become numbers where the
    key takes a number; anything else is returned as is."""
    if not isinstance(value, str):
        return value
    args = typing.get_args(hint) if typing.get_origin(hint) else (hint,)
    if float in args:
        try:
            number = float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) else value  # nan/inf stay text: a type error
    return value


def recipe_from_dict(
    values: dict[str, Any], source: str = "<recipe>", origins: dict[str, str] | None = None
) -> Recipe:
    """Build and validate a recipe; unknown keys and wrong types raise :class:`DataError`.

    ``origins`` names where a key came from when not from ``source`` (``--set key=...``)."""
    origins = origins or {}
    stage = values.get("stage", "sft")
    if stage not in RECIPES:
        raise DataError(
            f"unknown stage {stage!r}; choose from {', '.join(STAGES)}",
            path=origins.get("stage", source),
            field="stage",
        )
    cls = RECIPES[stage]
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values = dict(values)
    for key, value in list(values.items()):
        where = origins.get(key, source)
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            raise DataError(
                f"unknown key {key!r} for a {stage} recipe"
                + (f"; did you mean {close[0]!r}?" if close else ""),
                path=where,
                field=key,
                hint="`kodial chat recipe-keys` lists every key with its help",
            )
        value = values[key] = _coerce(value, hints[key])
        if not _check_type(value, hints[key]):
            raise DataError(
                f"expected {_type_name(hints[key])}, got {value!r}", path=where, field=key
            )
    for f in dataclasses.fields(cls):
        if (
            f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
            and f.name not in values
        ):
            raise DataError("required key is missing", path=source, field=f.name)
    recipe = cls(**values)
    recipe.validate(source)
    return recipe  # type: ignore[return-value]


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``["lr=1e-4", "packing=false"]`` -> ``{"lr": 0.0001, "packing": False}`` (values read as YAML)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise KodialError(
                f"bad --set {pair!r}", hint="write --set key=value, e.g. --set epochs=2"
            )
        out[key.strip()] = yaml.safe_load(raw) if raw.strip() else None
    return out


def load_recipe(path: str | Path, overrides: list[str] | None = None) -> Recipe:
    """Read a recipe YAML, apply ``key=value`` overrides, and validate it.

    A relative input path (``model``, ``tokenizer``, ``data``, ``eval_data``, ``persona``) that
    exists next to the recipe file is read from there, so shipped recipes find their sample data
    wherever kodial is installed; otherwise it stays relative to the working directory.
    ``output_dir`` is always relative to the working directory.
    """
    values = read_yaml(path) or {}
    if not isinstance(values, dict):
        raise DataError("a recipe must be a mapping of key: value", path=path)
    here = Path(path).parent
    for key in INPUT_PATH_KEYS:
        value = values.get(key)
        if isinstance(value, str) and not Path(value).is_absolute() and (here / value).exists():
            values[key] = os.path.normpath(here / value)
    overridden = parse_overrides(overrides or [])
    values.update(overridden)
    origins = {key: f"--set {key}" for key in overridden}
    return recipe_from_dict(values, source=str(path), origins=origins)


def recipe_to_dict(recipe: BaseRecipe) -> dict[str, Any]:
    """Plain dict of a recipe, for ``recipe.yaml`` in the run directory and the model card."""
    return dataclasses.asdict(recipe)
