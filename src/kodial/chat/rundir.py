"""The run directory of ``kodial chat train``: one module owns its layout.

Layout::

    output_dir/checkpoint-N/     resumable Trainer checkpoints (trainer_state.json written last)
    output_dir/final/            model or adapter + tokenizer (training chat template) +
                                 generation_config (eos = end-of-turn) + kodial_run.json +
                                 persona.yaml (when the recipe has one)
    output_dir/recipe.yaml       the recipe as run (resume refuses a changed one)
    output_dir/heldout.jsonl     the dialogues held out by eval_split (kodial chat eval reads them)
    output_dir/metrics.json, training_curve.png, README.md (model card)

Training writes it; evaluation, export, serving and resuming read it through the names and
functions here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from kodial.chat.recipe import INPUT_PATH_KEYS, Recipe, recipe_to_dict
from kodial.errors import KodialError

FINAL_DIR = "final"
"""The finished model (or adapter) inside a run directory."""

RECIPE_FILE = "recipe.yaml"
"""The recipe as run, in the run directory."""

METRICS_FILE = "metrics.json"
"""Training metrics (losses, steps, data statistics), in the run directory."""

CURVE_FILE = "training_curve.png"
"""Train and eval loss against the optimiser step, in the run directory."""

RUN_FILE = "kodial_run.json"
"""Written into ``final/`` by training: recipe, data statistics and metrics."""

HELDOUT_FILE = "heldout.jsonl"
"""Written into the run directory: the conversations held out by ``eval_split`` (messages JSONL)."""


def resolve_model_dir(path: str | Path) -> Path:
    """A run directory (``final/`` inside) or a model/adapter directory itself."""
    p = Path(path)
    if not p.exists():
        raise KodialError(f"{path} does not exist", hint="pass a run directory or a model dir")
    if (p / "final").is_dir():
        p = p / "final"
    if not (p / "config.json").exists() and not (p / "adapter_config.json").exists():
        raise KodialError(
            f"{path} holds no model (no config.json or adapter_config.json)", hint="pass a run dir"
        )
    return p


def heldout_file(model: str | Path) -> Path:
    """The held-out dialogues of the run ``model`` belongs to: ``model`` may be the run
    directory or its ``final/`` (what ``kodial chat train`` prints as the model)."""
    model = Path(model)
    for directory in (model, resolve_model_dir(model).parent):
        if (directory / HELDOUT_FILE).exists():
            return directory / HELDOUT_FILE
    raise KodialError(
        f"no {HELDOUT_FILE} in {model}",
        hint="pass a dialogue file to evaluate on (runs with eval_split > 0 write one)",
    )


def run_recipe(model_dir: str | Path) -> dict[str, Any]:
    """The recipe a model directory was trained with: the run file of ``final/`` (or of an
    export), the run's ``recipe.yaml`` for a ``checkpoint-N`` directory, ``{}`` for a directory
    kodial did not train. An unreadable file is an error, not ``{}``: guessing wrong would load a
    QLoRA adapter over the wrong base."""
    directory = Path(model_dir)
    run_file = directory / RUN_FILE
    if run_file.exists():
        try:
            recipe = json.loads(run_file.read_text(encoding="utf-8")).get("recipe") or {}
        except (ValueError, AttributeError, UnicodeDecodeError) as exc:
            raise KodialError(
                f"{run_file}: unreadable run file ({exc})",
                hint="restore it from the run directory's final/",
            ) from None
        return recipe if isinstance(recipe, dict) else {}
    recipe_file = directory.parent / "recipe.yaml"
    if directory.name.startswith("checkpoint-") and recipe_file.exists():
        from kodial.textio import read_yaml

        recipe = read_yaml(recipe_file)
        return recipe if isinstance(recipe, dict) else {}
    return {}


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


def remove_incomplete_checkpoints(output_dir: Path) -> None:
    for p in output_dir.glob("checkpoint-*"):
        if p.is_dir() and not (p / "trainer_state.json").exists():
            shutil.rmtree(p)


RESUMABLE_CHANGES = frozenset(
    {"resume", "max_steps", "epochs", "save_steps", "save_total_limit", "logging_steps"}
)
"""Recipe keys a resumed run may change; any other change would mix two runs in one."""


def check_same_recipe(recipe: Recipe, out: Path) -> None:
    """Refuse to resume a run with a recipe that differs from the one it started with (other
    than :data:`RESUMABLE_CHANGES`), before anything in the run directory is touched."""
    saved_path = out / RECIPE_FILE
    if not saved_path.exists():
        return
    from kodial.textio import read_yaml

    saved = read_yaml(saved_path) or {}
    current = yaml.safe_load(yaml.safe_dump(recipe_to_dict(recipe), allow_unicode=True))
    defaults = type(recipe).model_fields

    def same(key: str) -> bool:
        old, new = saved.get(key), current.get(key)
        if key not in saved and key in defaults and new == defaults[key].get_default():
            return True  # a key kodial added since the run started, at its default
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
