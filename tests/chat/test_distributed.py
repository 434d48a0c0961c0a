"""`kodial chat train` under torchrun: two CPU processes (gloo) train like one process on the
same global batch, one process writes the run files, and a distributed run resumes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ACCELERATE_CONFIGS = Path(__file__).parents[2] / "src/kodial/resources/accelerate"


def recipe_file(tmp_path: Path, model: Path, data: Path) -> Path:
    path = tmp_path / "r.yaml"
    path.write_text(
        f"stage: sft\nmodel: {model}\ndata: {data}\nmethod: full\npacking: false\n"
        "max_length: 256\nlearning_rate: 1.0e-3\ngrad_accum: 1\neval_split: 0\n"
        "save_steps: 2\nlogging_steps: 1\nseed: 1\n",
        encoding="utf-8",
    )
    return path


def kodial_train(recipe: Path, processes: int, *sets: str) -> subprocess.CompletedProcess[str]:
    """``torchrun --nproc_per_node PROCESSES kodial chat train RECIPE --set ...``."""
    cli = "from kodial.cli import main; main()"
    script = recipe.parent / "kodial_cli.py"
    script.write_text(cli + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(processes)]
    cmd += ["--standalone", str(script), "chat", "train", str(recipe)]
    cmd += [a for s in sets for a in ("--set", s)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "COLUMNS": "200"}
    out = subprocess.run(
        cmd, capture_output=True, text=True, env=env, timeout=600, cwd=recipe.parent
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def metrics(run: Path) -> dict[str, float]:
    return dict(json.loads((run / "metrics.json").read_text()))


def stopped_after_step_2(run: Path, to: Path) -> Path:
    """``to``: the run directory ``run`` had when it was stopped after its step-2 checkpoint
    (Ctrl-C, a lost node): that checkpoint and the recipe as run, nothing written later."""
    to.mkdir()
    shutil.copytree(run / "checkpoint-2", to / "checkpoint-2")
    shutil.copy2(run / "recipe.yaml", to / "recipe.yaml")
    return to


def test_two_processes_train_like_one_on_the_same_global_batch(
    tiny_llama: Path,
    chat_data: dict[str, Path],
    tmp_path: Path,
    kodial_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    """The one-process reference runs go through the same ``kodial chat train`` entry point in
    this process (``kodial_cli``); the two-process runs are real torchrun launches."""
    recipe = recipe_file(tmp_path, tiny_llama, chat_data["dialogues"])

    def kodial_train_alone(*sets: str) -> None:
        args = [a for s in sets for a in ("--set", s)]
        out = kodial_cli("chat", "train", str(recipe), *args, cwd=tmp_path, env={"COLUMNS": "200"})
        assert out.returncode == 0, out.stderr[-3000:]

    one = tmp_path / "one"
    kodial_train_alone("batch_size=4", "max_steps=4", f"output_dir={one}")
    two = tmp_path / "two"
    out = kodial_train(recipe, 2, "batch_size=2", "max_steps=4", f"output_dir={two}")
    m1, m2 = metrics(one), metrics(two)
    assert m2["processes"] == 2 and m1["processes"] == 1
    for key in ("first_logged_loss", "last_logged_loss", "train_loss"):
        assert m2[key] == pytest.approx(m1[key], rel=1e-4), key
    # one process reports and writes: one summary, one final/, no stray temp directories
    assert out.stdout.count("first / last logged loss") == 1
    assert (two / "final" / "model.safetensors").exists()
    assert not list(two.glob(".*tmp*"))
    # a distributed run stopped after 2 steps resumes (to 4) as a single process's run does
    part1 = stopped_after_step_2(one, tmp_path / "part1")
    kodial_train_alone("batch_size=4", "max_steps=4", f"output_dir={part1}", "resume=true")
    part2 = stopped_after_step_2(two, tmp_path / "part2")
    kodial_train(recipe, 2, "batch_size=2", "max_steps=4", f"output_dir={part2}", "resume=true")
    resumed1, resumed2 = metrics(part1), metrics(part2)
    assert resumed1["global_step"] == 4 and resumed2["global_step"] == 4
    assert resumed2["last_logged_loss"] == pytest.approx(resumed1["last_logged_loss"], rel=1e-4)
    # and it ends where the run that was never stopped ended
    assert resumed2["last_logged_loss"] == pytest.approx(m2["last_logged_loss"], rel=1e-4)


def test_shipped_accelerate_configs_load() -> None:
    from accelerate.commands.config.config_args import load_config_from_file

    kinds = {
        path.stem: str(load_config_from_file(str(path)).distributed_type)
        for path in ACCELERATE_CONFIGS.glob("*.yaml")
    }
    assert kinds == {
        "ddp": "DistributedType.MULTI_GPU",
        "deepspeed-zero2": "DistributedType.DEEPSPEED",
        "deepspeed-zero3": "DistributedType.DEEPSPEED",
        "fsdp": "DistributedType.FSDP",
    }
