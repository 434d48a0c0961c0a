"""Training chat models: one path for SFT, DPO and KTO, with the fine-tuning method as a parameter.

:func:`train` is the pipeline behind ``kodial chat train``: recipe -> preflight -> data
(:mod:`kodial.chat.datasets`) -> TRL trainer (:mod:`kodial.chat.trainer`) -> checkpoints ->
``final/``, curve, metrics and model card in the run directory (:mod:`kodial.chat.rundir`).
The run directory survives interruption: a checkpoint without ``trainer_state.json`` is
incomplete and skipped on resume, ``final/`` is written to a temp dir and renamed, and the other
files are written atomically. Under ``torchrun`` / ``accelerate launch`` every process runs the
pipeline and the main one alone writes.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from kodial.chat import rundir
from kodial.chat.datasets import write_heldout
from kodial.chat.recipe import Recipe, TrainRecipe, recipe_to_dict
from kodial.chat.trainer import build_trainer
from kodial.errors import KodialError
from kodial.textio import atomic_write_text

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase, Trainer, TrainerCallback


def is_main_process() -> bool:
    """Whether this is the process that prints and writes: always, unless launched as one of
    several by ``torchrun`` / ``accelerate launch`` (which set ``RANK``)."""
    return os.environ.get("RANK", "0") == "0"


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
    from kodial.plots import figure, save

    with figure(figsize=(6, 4)) as (fig, ax):
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
        save(fig, path)


def save_final(
    trainer: Trainer, tokenizer: PreTrainedTokenizerBase, final_dir: Path, run_info: dict[str, Any]
) -> None:
    """Write the trained model (or adapter), the training tokenizer and an end-of-turn
    ``generation_config`` to a temp sibling, then rename it to ``final_dir``.

    Every process calls this: ``save_model`` gathers sharded weights (FSDP, DeepSpeed ZeRO-3)
    from all of them; only the main process writes files."""
    from transformers import GenerationConfig

    from kodial.chat.generate import end_of_turn_ids

    tmp = final_dir.with_name(f".{final_dir.name}.tmp")
    main = trainer.is_world_process_zero()
    if main and tmp.exists():
        shutil.rmtree(tmp)
    trainer.accelerator.wait_for_everyone()
    trainer.save_model(str(tmp))
    if not main:
        trainer.accelerator.wait_for_everyone()
        return
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
    (tmp / rundir.RUN_FILE).write_text(
        json.dumps(run_info, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    if final_dir.exists():
        shutil.rmtree(final_dir)
    tmp.rename(final_dir)
    trainer.accelerator.wait_for_everyone()


def train(recipe: Recipe, callbacks: list[TrainerCallback] | None = None) -> TrainResult:
    """Run one recipe end to end: data -> TRL trainer -> checkpoints -> ``final/`` + curve + metrics.

    With ``recipe.resume`` the run continues from the last complete checkpoint; otherwise an output
    directory that already holds checkpoints is refused, so two runs never mix.
    """
    out = Path(recipe.output_dir)
    resume_from: Path | None = None
    if recipe.resume:
        resume_from = rundir.last_complete_checkpoint(out)
        if resume_from is None:
            raise KodialError(
                f"nothing to resume: no complete checkpoint in {out}", hint="drop --resume"
            )
        rundir.check_same_recipe(recipe, out)
        rundir.remove_incomplete_checkpoints(out)
    elif rundir.last_complete_checkpoint(out) is not None:
        raise KodialError(
            f"{out} already holds checkpoints of another run",
            hint="add --resume to continue it, or choose another --output-dir",
        )
    trainer, stats = build_trainer(recipe, callbacks=callbacks)  # preflight() comes first
    tokenizer = cast("PreTrainedTokenizerBase", trainer.processing_class)
    # Under torchrun / accelerate launch every process runs this function; the main one alone
    # writes the run files, the Trainer reduces the logged losses across processes.
    main = trainer.is_world_process_zero()
    if main:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(
            out / rundir.RECIPE_FILE,
            yaml.safe_dump(recipe_to_dict(recipe), allow_unicode=True, sort_keys=False),
        )
        if isinstance(recipe, TrainRecipe) and not recipe.eval_data:
            write_heldout(recipe, out / rundir.HELDOUT_FILE)
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
        "processes": trainer.args.world_size,
        "data": stats,
    }
    run_info = {"recipe": recipe_to_dict(recipe), "metrics": metrics}
    final_dir = out / rundir.FINAL_DIR
    save_final(trainer, tokenizer, final_dir, run_info)
    if not main:
        return TrainResult(out, final_dir, metrics)
    plot_training_curve(history, out / rundir.CURVE_FILE, f"{recipe.stage} / {recipe.method}")
    atomic_write_text(out / rundir.METRICS_FILE, json.dumps(metrics, ensure_ascii=False, indent=2))
    # TRL leaves its generic model card ("fine-tuned version of [None]"); ours says what was run
    from kodial.chat.card import model_card
    from kodial.chat.generate import end_of_turn_ids

    eot = [str(tokenizer.convert_ids_to_tokens(i)) for i in end_of_turn_ids(tokenizer)]
    card = model_card(run_info, None, merged=False, eot=eot)
    for where in (out, final_dir):
        atomic_write_text(where / "README.md", card)
    return TrainResult(out, final_dir, metrics)
