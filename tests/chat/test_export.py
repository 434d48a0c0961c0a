"""Export: the exported model stops at the end-of-turn token through plain ``generate``, keeps the
training chat template, and carries a model card."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from kodial.chat.export import export
from kodial.chat.generate import end_of_turn_ids
from kodial.errors import KodialError

from .conftest import OVERFIT_DIALOGUES


@pytest.fixture(scope="module")
def exported(overfit_run: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(overfit_run.output_dir, tmp_path_factory.mktemp("export") / "model")


def greedy_without_stopping(model: Any, prompt: torch.Tensor, steps: int) -> list[int]:
    """Plain argmax decoding for ``steps`` tokens, with no notion of a stop token."""
    ids = prompt
    for _ in range(steps):
        nxt = model(input_ids=ids).logits[0, -1].argmax()
        ids = torch.cat([ids, nxt.view(1, 1)], dim=1)
    return ids[0, prompt.shape[1] :].tolist()


def test_exported_model_stops_at_end_of_turn(exported: Path) -> None:
    """No stop token is passed to ``generate``: the exported generation_config alone must end the
    reply at the end-of-turn token. The control decoding without stop tokens shows the model does emit
    that token at the same place and would otherwise keep going."""
    tokenizer = AutoTokenizer.from_pretrained(exported)
    model = AutoModelForCausalLM.from_pretrained(exported).eval()
    eot = end_of_turn_ids(tokenizer)
    assert model.generation_config.eos_token_id == eot
    limit = 40
    for turns in OVERFIT_DIALOGUES:
        prompt = tokenizer.apply_chat_template(
            [{"role": "user", "content": turns[0][0]}],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )["input_ids"]
        with torch.no_grad():
            out = model.generate(prompt, max_new_tokens=limit, do_sample=False)
            free = greedy_without_stopping(model, prompt, limit)
        new = out[0, prompt.shape[1] :].tolist()
        assert new[-1] in eot and len(new) < limit
        assert free[: len(new)] == new
        assert tokenizer.decode(new[:-1], skip_special_tokens=True).strip()


def test_export_keeps_the_training_template_and_writes_a_card(
    exported: Path, overfit_run: Any
) -> None:
    trained = AutoTokenizer.from_pretrained(overfit_run.final_dir)
    assert AutoTokenizer.from_pretrained(exported).chat_template == trained.chat_template
    card = (exported / "README.md").read_text(encoding="utf-8")
    recipe = json.loads((exported / "kodial_run.json").read_text())["recipe"]
    assert recipe["model"] in card and "<|eot_id|>" in card
    assert f"| global_step | {overfit_run.metrics['global_step']} |" in card
    assert not list(exported.parent.glob(".*tmp*"))


def test_export_refuses_a_dir_without_model(tmp_path: Path) -> None:
    with pytest.raises(KodialError, match="holds no model"):
        export(tmp_path, tmp_path / "out")
    with pytest.raises(KodialError, match="does not exist"):
        export(tmp_path / "nope", tmp_path / "out")


@pytest.mark.parametrize(
    ("template", "eot"),
    [("llama3", "<|eot_id|>"), ("chatml", "<|im_end|>"), ("gemma", "<end_of_turn>")],
)
def test_tiny_llama_stops_at_its_templates_end_of_turn(
    tiny_llama_factory: Any, template: str, eot: str
) -> None:
    """The test model of every template loads like a hub checkpoint and names its end-of-turn
    token as the stop token."""
    path = tiny_llama_factory(template)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path)
    eot_id = tokenizer.convert_tokens_to_ids(eot)
    assert end_of_turn_ids(tokenizer)[0] == eot_id
    assert eot_id in model.generation_config.eos_token_id
    assert model.config.vocab_size == len(tokenizer)


def test_export_never_deletes_what_is_not_an_earlier_export(
    overfit_run: Any, exported: Path, tmp_path: Path
) -> None:
    """Export replaces its output directory as a whole, so it refuses a directory with other
    content, one that overlaps the run, and bad arguments, before loading anything."""
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "notes.txt").write_text("keep me")
    with pytest.raises(KodialError, match="not a kodial export"):
        export(overfit_run.output_dir, project)
    assert (project / "notes.txt").read_text() == "keep me"
    run = overfit_run.output_dir
    for out in (run, run.parent, run / "final", run / "exported"):
        with pytest.raises(KodialError, match="overlap the model"):
            export(run, out)
    assert (run / "final" / "config.json").exists() and (run / "metrics.json").exists()
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(KodialError, match="is a file"):
        export(run, tmp_path / "f.txt")
    with pytest.raises(KodialError, match=r"f\.txt is a file"):
        export(run, tmp_path / "f.txt" / "model")
    with pytest.raises(KodialError, match="not a JSON file"):
        export(run, tmp_path / "m", eval_metrics=tmp_path / "f.txt")
    assert not (tmp_path / "m").exists() and not list(tmp_path.glob(".*tmp*"))
    # missing parent folders are created (README: out/model in a fresh clone) ...
    assert (export(run, tmp_path / "new" / "out" / "model") / "config.json").exists()
    # ... and removed again when the export fails
    weights = next((run / "final").glob("*.safetensors"))
    weights.rename(weights.with_suffix(".bak"))
    try:
        with pytest.raises(OSError, match=r"model\.safetensors"):
            export(run / "final", tmp_path / "gone" / "out" / "model")
    finally:
        weights.with_suffix(".bak").rename(weights)
    assert not (tmp_path / "gone").exists()
    # an earlier export is replaced, an empty directory is used
    again = export(run, exported)
    assert (again / "kodial_export.json").exists()
    (tmp_path / "empty").mkdir()
    assert (export(run, tmp_path / "empty") / "config.json").exists()
