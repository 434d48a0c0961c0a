"""Training chat models: one path for SFT, DPO and KTO, with the fine-tuning method as a parameter.

The recipe's ``stage`` picks the TRL trainer (``SFTTrainer``, ``DPOTrainer``, ``KTOTrainer``) and
its ``method`` picks the peft wrapping (:data:`PEFT_BUILDERS`): nothing here is a training loop of
our own. What kodial adds is around the trainer:

- SFT trains on *our* masks: the samples come from :func:`kodial.chat.samples.build_samples`
  (token ids and ``-100`` labels rendered turn by turn from the tokenizer's own chat template) and
  go to ``SFTTrainer`` as a pre-tokenized ``input_ids`` + ``labels`` dataset, which TRL uses as is.
- Packing (:mod:`kodial.chat.packing`) uses TRL's best-fit-decreasing packer; each packed sample
  gets ``position_ids`` restarting at 0 and no attention mask, from which transformers builds a
  block-diagonal causal mask, so attention never crosses samples (``tests/chat/test_packing.py``
  proves the logits equal the unpacked ones). FlashAttention models use TRL's padding-free
  batches; sdpa/eager models get ``(B, max_length)`` rows, which costs ``B`` times less attention.
- QLoRA fails with a clear error, before loading anything, on a machine without CUDA + bitsandbytes
  (``qlora_on_cpu`` opts in to bitsandbytes' CPU 4-bit backend).
- A run directory that survives interruption: Trainer checkpoints (``trainer_state.json`` is
  written last, so a checkpoint without it is incomplete and is skipped on resume), ``final/``
  written to a temp dir and renamed, ``training_curve.png`` and ``metrics.json`` written atomically.

Run directory layout::

    output_dir/checkpoint-N/     resumable Trainer checkpoints
    output_dir/final/            model or adapter + tokenizer (training chat template) +
                                 generation_config (eos = end-of-turn) + kodial_run.json
    output_dir/training_curve.png, metrics.json, recipe.yaml, heldout.jsonl (eval_split dialogues)
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from kodial.chat import adapters
from kodial.chat.recipe import (
    INPUT_PATH_KEYS,
    BaseRecipe,
    PreferenceRecipe,
    Recipe,
    TrainRecipe,
    recipe_to_dict,
)
from kodial.errors import DataError, KodialError
from kodial.textio import atomic_write_text

if TYPE_CHECKING:
    from datasets import Dataset
    from peft import PeftConfig
    from transformers import PreTrainedModel, PreTrainedTokenizerBase, Trainer, TrainerCallback

HELDOUT_FILE = "heldout.jsonl"
"""Written into the run directory: the conversations held out by ``eval_split`` (messages JSONL)."""

RUN_FILE = adapters.RUN_FILE
"""Written into ``final/``: recipe, data statistics and metrics; read by export and the model card."""


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
    check_context(recipe)


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

    try:
        config = AutoConfig.from_pretrained(recipe.model)
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
    from transformers import AutoTokenizer

    name = recipe.tokenizer or recipe.model
    try:
        tokenizer = AutoTokenizer.from_pretrained(name)
    except (OSError, ValueError) as exc:
        raise KodialError(
            f"cannot load tokenizer {name!r}: {exc}", hint="check the model/tokenizer path"
        ) from None
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
    try:
        return AutoModelForCausalLM.from_pretrained(recipe.model, **kwargs)
    except (OSError, ValueError) as exc:
        raise KodialError(
            f"cannot load model {recipe.model!r}: {exc}", hint="check the model path"
        ) from None


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


def _persona_prompt(recipe: BaseRecipe) -> tuple[Any, str | None]:
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

    persona, _ = _persona_prompt(recipe)
    conversations = load_dialogues(recipe.data, fmt=recipe.data_format)
    if recipe.eval_data:
        train_convs, eval_convs = (
            conversations,
            load_dialogues(recipe.eval_data, fmt=recipe.data_format),
        )
    else:
        train_convs, eval_convs = split_conversations(conversations, recipe.eval_split, recipe.seed)

    def build(convs: list[Any]) -> tuple[Dataset, Any]:
        samples, stats = build_samples(
            convs,
            tokenizer,
            strategy=recipe.strategy,
            max_length=recipe.max_length,
            persona=persona,
            window=recipe.window,
        )
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

    _, system = _persona_prompt(recipe)

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


def last_complete_checkpoint(output_dir: str | Path) -> Path | None:
    """The highest ``checkpoint-N`` holding ``trainer_state.json`` (which the Trainer writes last)."""
    root = Path(output_dir)
    if not root.is_dir():
        return None
    done = [
        p
        for p in root.glob("checkpoint-*")
        if p.name.split("-")[-1].isdigit() and (p / "trainer_state.json").exists()
    ]
    return max(done, key=lambda p: int(p.name.split("-")[-1]), default=None)


def _remove_incomplete_checkpoints(output_dir: Path) -> None:
    for p in output_dir.glob("checkpoint-*"):
        if p.is_dir() and not (p / "trainer_state.json").exists():
            shutil.rmtree(p)


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
        # bf16 without any accelerator is CPU autocast, which transformers allows only with use_cpu
        "use_cpu": recipe.bf16 and not _has_accelerator(),
        "activation_checkpointing": recipe.gradient_checkpointing,
        "report_to": "none",
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


@dataclass
class TrainResult:
    """What a finished run produced."""

    output_dir: Path
    final_dir: Path
    metrics: dict[str, Any] = field(default_factory=dict)


def loss_history(log_history: list[dict[str, Any]]) -> dict[str, list[tuple[float, float]]]:
    """Trainer ``log_history`` -> ``{"train": [(step, loss)], "eval": [(step, eval_loss)]}``."""
    train = [
        (float(h["step"]), float(h["loss"])) for h in log_history if "loss" in h and "step" in h
    ]
    evals = [(float(h["step"]), float(h["eval_loss"])) for h in log_history if "eval_loss" in h]
    return {"train": train, "eval": evals}


def plot_training_curve(
    history: dict[str, list[tuple[float, float]]], path: Path, title: str
) -> None:
    """Train and eval loss against the optimiser step, as a PNG (written via a temp file)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name in ("train", "eval"):
        if history[name]:
            xs, ys = zip(*history[name], strict=True)
            # points as well as lines while there are few, so a 1-point curve still shows
            marker = "o-" if name == "eval" or len(xs) < 30 else "-"
            ax.plot(xs, ys, marker, label=f"{name} loss")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    tmp = path.with_name(f".{path.stem}.tmp.png")
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    tmp.replace(path)


def save_final(
    trainer: Trainer, tokenizer: PreTrainedTokenizerBase, final_dir: Path, run_info: dict[str, Any]
) -> None:
    """Write the trained model (or adapter), the training tokenizer and an end-of-turn
    ``generation_config`` to a temp sibling, then rename it to ``final_dir``."""
    from transformers import GenerationConfig

    from kodial.chat.generate import end_of_turn_ids

    tmp = final_dir.with_name(f".{final_dir.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    trainer.save_model(str(tmp))
    adapter_cfg = tmp / "adapter_config.json"
    if adapter_cfg.exists():
        # An adapter names its base; a relative local path would break once the cwd changes.
        cfg = json.loads(adapter_cfg.read_text(encoding="utf-8"))
        base_path = Path(cfg.get("base_model_name_or_path") or "")
        if str(base_path) and base_path.exists():
            cfg["base_model_name_or_path"] = str(base_path.resolve())
            adapter_cfg.write_text(json.dumps(cfg, indent=2), encoding="utf-8")
    tokenizer.save_pretrained(str(tmp))
    persona = run_info.get("recipe", {}).get("persona")
    if persona:
        from kodial.chat.persona import PERSONA_FILE

        shutil.copy(persona, tmp / PERSONA_FILE)
    base = getattr(trainer.model, "generation_config", None)
    gen = copy.deepcopy(base) if isinstance(base, GenerationConfig) else GenerationConfig()
    gen.bos_token_id = tokenizer.bos_token_id
    gen.eos_token_id = end_of_turn_ids(tokenizer)
    gen.pad_token_id = tokenizer.pad_token_id
    gen.save_pretrained(str(tmp))
    (tmp / RUN_FILE).write_text(
        json.dumps(run_info, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    if final_dir.exists():
        shutil.rmtree(final_dir)
    tmp.rename(final_dir)


RESUMABLE_CHANGES = frozenset(
    {"resume", "max_steps", "epochs", "save_steps", "save_total_limit", "logging_steps"}
)
"""Recipe keys a resumed run may change; any other change would mix two runs in one."""


def check_same_recipe(recipe: Recipe, out: Path) -> None:
    """Refuse to resume a run with a recipe that differs from the one it started with (other
    than :data:`RESUMABLE_CHANGES`), before anything in the run directory is touched."""
    saved_path = out / "recipe.yaml"
    if not saved_path.exists():
        return
    from kodial.textio import read_yaml

    saved = read_yaml(saved_path) or {}
    current = yaml.safe_load(yaml.safe_dump(recipe_to_dict(recipe), allow_unicode=True))

    def same(key: str) -> bool:
        old, new = saved.get(key), current.get(key)
        if key in INPUT_PATH_KEYS and isinstance(old, str) and isinstance(new, str):
            # the same file written differently (./data.jsonl, an absolute path) is the same
            return old == new or Path(old).resolve() == Path(new).resolve()
        return bool(old == new)

    # output_dir is the run being resumed, however it is written
    ignored = RESUMABLE_CHANGES | {"output_dir"}
    changed = sorted(k for k in set(saved) | set(current) if k not in ignored and not same(k))
    if changed:
        diffs = ", ".join(f"{k}: {saved.get(k)!r} -> {current.get(k)!r}" for k in changed)
        raise KodialError(
            f"cannot resume {out} with a changed recipe ({diffs})",
            hint="resume with the run's own recipe.yaml, or start a new run in another "
            "--output-dir (only "
            + ", ".join(sorted(RESUMABLE_CHANGES - {"resume"}))
            + " may change)",
        )


def train(recipe: Recipe, callbacks: list[TrainerCallback] | None = None) -> TrainResult:
    """Run one recipe end to end: data -> TRL trainer -> checkpoints -> ``final/`` + curve + metrics.

    With ``recipe.resume`` the run continues from the last complete checkpoint; otherwise an output
    directory that already holds checkpoints is refused, so two runs never mix.
    """
    out = Path(recipe.output_dir)
    resume_from: Path | None = None
    if recipe.resume:
        resume_from = last_complete_checkpoint(out)
        if resume_from is None:
            raise KodialError(
                f"nothing to resume: no complete checkpoint in {out}", hint="drop --resume"
            )
        check_same_recipe(recipe, out)
        _remove_incomplete_checkpoints(out)
    elif last_complete_checkpoint(out) is not None:
        raise KodialError(
            f"{out} already holds checkpoints of another run",
            hint="add --resume to continue it, or choose another --output-dir",
        )
    trainer, stats = build_trainer(recipe, callbacks=callbacks)  # preflight() comes first
    tokenizer = cast("PreTrainedTokenizerBase", trainer.processing_class)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        out / "recipe.yaml",
        yaml.safe_dump(recipe_to_dict(recipe), allow_unicode=True, sort_keys=False),
    )
    if isinstance(recipe, TrainRecipe) and not recipe.eval_data:
        write_heldout(recipe, out / HELDOUT_FILE)
    result = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    history = loss_history(trainer.state.log_history)
    metrics: dict[str, Any] = {
        "stage": recipe.stage,
        "method": recipe.method,
        "global_step": trainer.state.global_step,
        "train_loss": result.training_loss,
        "first_logged_loss": history["train"][0][1] if history["train"] else None,
        "last_logged_loss": history["train"][-1][1] if history["train"] else None,
        "eval_loss_per_epoch": [
            {"epoch": h.get("epoch"), "eval_loss": h["eval_loss"]}
            for h in trainer.state.log_history
            if "eval_loss" in h
        ],
        "train_runtime_s": result.metrics.get("train_runtime"),
        "data": stats,
    }
    plot_training_curve(history, out / "training_curve.png", f"{recipe.stage} / {recipe.method}")
    run_info = {"recipe": recipe_to_dict(recipe), "metrics": metrics}
    final_dir = out / "final"
    save_final(trainer, tokenizer, final_dir, run_info)
    atomic_write_text(out / "metrics.json", json.dumps(metrics, ensure_ascii=False, indent=2))
    # TRL leaves its generic model card ("fine-tuned version of [None]"); ours says what was run
    from kodial.chat.export import model_card
    from kodial.chat.generate import end_of_turn_ids

    eot = [str(tokenizer.convert_ids_to_tokens(i)) for i in end_of_turn_ids(tokenizer)]
    card = model_card(run_info, None, merged=False, eot=eot)
    for where in (out, final_dir):
        atomic_write_text(where / "README.md", card)
    return TrainResult(out, final_dir, metrics)
