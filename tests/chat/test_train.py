"""SFT through the one training path: loss goes down, adapters round-trip, interruption is safe."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import TrainerCallback

from kodial.chat.generate import ChatModel, end_of_turn_ids
from kodial.chat.recipe import TrainRecipe
from kodial.chat.rundir import last_complete_checkpoint
from kodial.chat.train import train
from kodial.errors import DataError, KodialError

from ._qlora_watch import watch_4bit
from .conftest import OVERFIT_DIALOGUES, write_dialogues


def recipe(model: Path, data: Path, out: Path, **kw: Any) -> TrainRecipe:
    values: dict[str, Any] = {
        "model": str(model),
        "data": str(data),
        "max_length": 256,
        "batch_size": 4,
        "eval_split": 0.0,
        "logging_steps": 1,
        "output_dir": str(out),
    }
    values.update(kw)
    return TrainRecipe(**values)


def test_sft_overfits_a_tiny_set_and_learns_to_stop(overfit_run: Any) -> None:
    m = overfit_run.metrics
    assert m["global_step"] == 50
    assert m["last_logged_loss"] < 0.4 * m["first_logged_loss"]
    out, final = overfit_run.output_dir, overfit_run.final_dir
    assert (out / "training_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "metrics.json").read_text())["global_step"] == 50
    for card in (out / "README.md", final / "README.md"):
        assert "Korean character chat model (kodial)" in card.read_text(encoding="utf-8")
    assert not list(out.glob(".*tmp*"))
    bot = ChatModel.from_pretrained(final)
    eot = end_of_turn_ids(bot.tokenizer)
    assert json.loads((final / "generation_config.json").read_text())["eos_token_id"] == eot
    for turns in OVERFIT_DIALOGUES:
        reply = bot.reply(
            [{"role": "user", "content": turns[0][0]}], max_new_tokens=40, temperature=0
        )
        assert reply.ended_on_eot, reply


def test_sft_eval_loss_per_epoch_and_heldout_eval(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = recipe(
        tiny_llama,
        chat_data["dialogues"],
        tmp_path / "run",
        method="full",
        epochs=2,
        eval_split=0.25,
    )
    result = train(r)
    evals = result.metrics["eval_loss_per_epoch"]
    assert [round(e["epoch"]) for e in evals] == [1, 2]
    assert result.metrics["data"]["eval_conversations"] == 2
    heldout = (result.output_dir / "heldout.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(heldout) == 2
    # `kodial chat eval RUN` scores the held-out dialogues by default
    assert (
        run_cli(["chat", "eval", str(result.output_dir), "--max-new-tokens", "2"], monkeypatch) == 0
    )
    metrics = json.loads((result.output_dir / "eval" / "eval_metrics.json").read_text())
    assert metrics["num_generations"] == 2
    # so does the final/ directory that `kodial chat train` prints as the model
    assert (
        run_cli(["chat", "eval", str(result.final_dir), "--max-new-tokens", "2"], monkeypatch) == 0
    )


def logits(model: Any, ids: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(input_ids=ids).logits


def test_lora_adapter_saves_loads_and_merges(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    from peft import AutoPeftModelForCausalLM
    from transformers import AutoModelForCausalLM

    from kodial.chat.export import export

    r = recipe(
        tiny_llama,
        chat_data["dialogues"],
        tmp_path / "run",
        method="lora",
        lora_r=4,
        learning_rate=5e-2,
        max_steps=3,
        save_steps=1000,
    )
    result = train(r)
    assert (result.final_dir / "adapter_config.json").exists()
    ids = torch.tensor([[5, 40, 77, 120, 9, 300, 41]])
    base = logits(AutoModelForCausalLM.from_pretrained(tiny_llama).eval(), ids)
    peft_model = AutoPeftModelForCausalLM.from_pretrained(str(result.final_dir)).eval()
    adapted = logits(peft_model, ids)
    assert not torch.allclose(base, adapted, atol=1e-4), "the adapter changed nothing"
    merged = peft_model.merge_and_unload()
    torch.testing.assert_close(logits(merged, ids), adapted, atol=1e-5, rtol=1e-4)
    exported = export(result.output_dir, tmp_path / "exported")
    assert not (exported / "adapter_config.json").exists()
    reloaded = AutoModelForCausalLM.from_pretrained(exported).eval()
    torch.testing.assert_close(logits(reloaded, ids), adapted, atol=1e-5, rtol=1e-4)
    with pytest.raises(KodialError, match="the base it needs"):  # never over the adapter's base
        export(result.output_dir, tiny_llama, merge=False)
    kept = export(result.output_dir, tmp_path / "adapter", merge=False)
    assert (kept / "adapter_config.json").exists()
    torch.testing.assert_close(
        logits(AutoPeftModelForCausalLM.from_pretrained(str(kept)).eval(), ids),
        adapted,
        atol=1e-5,
        rtol=1e-4,
    )


def test_prompt_tuning_trains_only_the_prompt(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    r = recipe(
        tiny_llama,
        chat_data["dialogues"],
        tmp_path / "run",
        method="prompt-tuning",
        packing=False,
        num_virtual_tokens=4,
        learning_rate=1e-1,
        max_steps=2,
    )
    result = train(r)
    cfg = json.loads((result.final_dir / "adapter_config.json").read_text())
    assert cfg["peft_type"] == "PROMPT_TUNING" and cfg["num_virtual_tokens"] == 4
    bot = ChatModel.from_pretrained(result.final_dir)
    assert isinstance(
        bot.generate([{"role": "user", "content": "안녕하세요"}], max_new_tokens=4), str
    )


def test_a_bf16_recipe_trains_on_cpu(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    """A GPU recipe (``bf16: true``) run on a machine without an accelerator uses CPU autocast
    instead of failing inside TrainingArguments."""
    r = recipe(tiny_llama, chat_data["dialogues"], tmp_path / "run", bf16=True, max_steps=2)
    result = train(r)
    assert (
        result.metrics["global_step"] == 2 and (result.final_dir / "adapter_config.json").exists()
    )


def test_qlora_on_cpu_fails_before_loading(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kodial.chat.trainer as train_mod

    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("loaded something before refusing QLoRA")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(train_mod, "load_tokenizer", forbidden)
    monkeypatch.setattr(train_mod, "load_model", forbidden)
    with pytest.raises(
        KodialError, match="QLoRA needs a CUDA GPU and bitsandbytes; use --method lora on CPU"
    ):
        train(recipe(tiny_llama, chat_data["dialogues"], tmp_path / "run", method="qlora"))


def fake_bitsandbytes(monkeypatch: pytest.MonkeyPatch, version: str | None) -> None:
    """Make ``importlib.metadata`` report bitsandbytes at ``version`` (``None``: not installed)."""
    import importlib.metadata

    real_version = importlib.metadata.version

    def fake(name: str) -> str:
        if name != "bitsandbytes":
            return real_version(name)
        if version is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return version

    monkeypatch.setattr(importlib.metadata, "version", fake)


@pytest.mark.parametrize(
    ("installed", "message"),
    [
        (None, r"QLoRA needs bitsandbytes >= 0\.46\.1, which is not installed"),
        ("0.46.0", r"QLoRA needs bitsandbytes >= 0\.46\.1 \(installed: 0\.46\.0\)"),
        ("0.46.1rc1", r"\(installed: 0\.46\.1rc1\)"),
    ],
)
def test_qlora_without_a_usable_bitsandbytes_says_what_to_install(
    installed: str | None,
    message: str,
    tiny_llama: Path,
    chat_data: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_bitsandbytes(monkeypatch, installed)
    r = recipe(tiny_llama, chat_data["dialogues"], tmp_path / "run", method="qlora")
    r.qlora_on_cpu = True
    with pytest.raises(KodialError, match=message):
        train(r)
    assert not (tmp_path / "run").exists()


def test_a_qlora_adapter_is_never_silently_loaded_over_the_full_precision_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether an adapter is QLoRA is read from final/'s run file or, for a checkpoint, from its
    run's recipe.yaml; without bitsandbytes that is an error, and so is an unreadable run file."""
    from kodial.chat.adapters import load_peft_model
    from kodial.chat.rundir import RUN_FILE, run_recipe

    run = tmp_path / "run"
    final, checkpoint = run / "final", run / "checkpoint-40"
    for d in (final, checkpoint):
        d.mkdir(parents=True)
        (d / "adapter_config.json").write_text("{}")
    (final / RUN_FILE).write_text(json.dumps({"recipe": {"method": "qlora"}}))
    (run / "recipe.yaml").write_text("method: qlora\nbf16: true\n")
    assert run_recipe(checkpoint) == {"method": "qlora", "bf16": True}
    fake_bitsandbytes(monkeypatch, None)
    for d in (final, checkpoint):
        with pytest.raises(KodialError, match="QLoRA needs bitsandbytes") as info:
            load_peft_model(d)
        assert "trained over a 4-bit base" in str(info.value.hint)
    (final / RUN_FILE).write_text('{"recipe": {"method": "ql')
    with pytest.raises(KodialError, match="unreadable run file"):
        load_peft_model(final)


def test_qlora_trains_lora_over_a_4bit_base_and_exports_merged(tmp_path: Path) -> None:
    """QLoRA for real: bitsandbytes' CPU backend quantises the tiny Llama to NF4, TRL trains the
    LoRA adapters over it until they fit a tiny set, and the exported model is a plain
    full-precision checkpoint that still ends its replies on the end-of-turn token."""
    pytest.importorskip("bitsandbytes")
    from transformers import AutoModelForCausalLM

    from kodial.chat.export import export
    from kodial.testing.causal_lm import build_tiny_llama

    # embeddings at a scale adapters can use (see build_tiny_llama); in_features >= 64, the NF4
    # block size, since bitsandbytes' CPU inference kernel rejects narrower layers
    model = build_tiny_llama(tmp_path / "base", hidden_size=64, initializer_range=0.5)
    data = write_dialogues(tmp_path / "d.jsonl", OVERFIT_DIALOGUES)
    watch = watch_4bit()
    r = recipe(
        model,
        data,
        tmp_path / "run",
        method="qlora",
        qlora_on_cpu=True,
        lora_r=16,
        lora_alpha=32,
        lora_dropout=0.0,
        lora_target_modules=["all-linear"],
        max_length=128,
        epochs=40,
        learning_rate=3e-2,
        save_steps=40,
        logging_steps=5,
    )
    result = train(r, callbacks=[watch])
    assert watch.quant_types == {"nf4"}, "the base was not loaded in 4-bit"
    assert watch.trainable_dtypes == {torch.bfloat16}
    m = result.metrics
    assert m["last_logged_loss"] < 0.05 * m["first_logged_loss"], m
    adapter = json.loads((result.final_dir / "adapter_config.json").read_text())
    assert adapter["peft_type"] == "LORA" and Path(adapter["base_model_name_or_path"]) == model
    exported = export(result.output_dir, tmp_path / "exported")
    assert not (exported / "adapter_config.json").exists()
    assert "merged into the NF4-dequantised base" in (exported / "README.md").read_text()
    merged = AutoModelForCausalLM.from_pretrained(exported).eval()
    assert not any("4bit" in type(mod).__name__ for mod in merged.modules())
    # The export is the model training saw: in every adapted layer its weight is the NF4 base as
    # training dequantised it plus the adapter's update, far closer than the naive merge into the
    # original weights. Checked in weight space, which depends only on the NF4 code book, not on
    # bitsandbytes' CPU matmul kernels (their bf16 rounding moved between releases).
    import bitsandbytes.functional as bnbf
    from peft import PeftModel

    from kodial.chat.adapters import nf4_config

    quantised = AutoModelForCausalLM.from_pretrained(
        model, quantization_config=nf4_config(), dtype=torch.bfloat16
    )
    trained = PeftModel.from_pretrained(quantised, str(result.final_dir)).eval()
    naive = (
        PeftModel.from_pretrained(
            AutoModelForCausalLM.from_pretrained(model), str(result.final_dir)
        )
        .merge_and_unload()
        .eval()
    )
    exported_weights = dict(merged.named_parameters())
    naive_weights = dict(naive.named_parameters())
    layers = 0
    for name, module in trained.named_modules():
        if not hasattr(module, "get_delta_weight"):
            continue
        base = module.base_layer.weight
        seen = bnbf.dequantize_4bit(base.data, base.quant_state).float()
        seen = seen + module.get_delta_weight("default").float()
        key = name.removeprefix("base_model.model.") + ".weight"
        export_gap = (exported_weights[key].float() - seen).abs().max()
        naive_gap = (naive_weights[key].float() - seen).abs().max()
        assert export_gap < 0.1 * naive_gap, (key, float(export_gap), float(naive_gap))
        layers += 1
    assert layers >= 7 * 2, "every linear layer of both blocks carries an adapter"
    ids = torch.tensor([[5, 40, 77, 120, 9, 300, 41]])
    # the last checkpoint (what an interrupted run leaves) loads over the same 4-bit base
    from kodial.chat.adapters import load_peft_model

    checkpoint = logits(load_peft_model(result.output_dir / "checkpoint-40").eval(), ids)
    torch.testing.assert_close(checkpoint, logits(load_peft_model(result.final_dir).eval(), ids))
    bot = ChatModel.from_pretrained(exported)
    for turns in OVERFIT_DIALOGUES:
        reply = bot.reply(
            [{"role": "user", "content": turns[0][0]}], max_new_tokens=40, temperature=0
        )
        assert reply.ended_on_eot, reply


class StopAt(TrainerCallback):
    """Simulates Ctrl-C right after optimiser step ``step``."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.global_step == self.step:
            raise KeyboardInterrupt


def test_interrupted_run_resumes_from_last_complete_checkpoint(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    r = recipe(tiny_llama, chat_data["dialogues"], out, method="full", max_steps=5, save_steps=2)
    with pytest.raises(KeyboardInterrupt):
        train(r, callbacks=[StopAt(3)])
    assert last_complete_checkpoint(out) == out / "checkpoint-2"
    assert not (out / "final").exists()
    # a checkpoint cut short while saving (no trainer_state.json) is never resumed from
    (out / "checkpoint-3").mkdir()
    (out / "checkpoint-3" / "model.safetensors").write_bytes(b"partial")
    assert last_complete_checkpoint(out) == out / "checkpoint-2"

    with pytest.raises(KodialError, match="already holds checkpoints"):
        train(r)
    r.resume = True
    result = train(r)
    assert result.metrics["global_step"] == 5
    state = json.loads((out / "checkpoint-4" / "trainer_state.json").read_text())
    assert [h["step"] for h in state["log_history"] if "loss" in h][:2] == [1, 2]
    assert (result.final_dir / "model.safetensors").exists()
    assert not list(out.glob(".*tmp*"))


def test_resume_without_checkpoint_is_a_clean_error(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    r = recipe(tiny_llama, chat_data["dialogues"], tmp_path / "run", resume=True)
    with pytest.raises(KodialError, match="nothing to resume"):
        train(r)


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    from kodial.cli import main

    monkeypatch.setattr(sys, "argv", ["kodial", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_bad_dialogues_give_a_clean_cli_error(
    tiny_llama: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = write_dialogues(
        tmp_path / "bad.jsonl", [[("안녕하세요", "네 안녕하세요")], [("뭐 해요?", "")]]
    )
    rec = tmp_path / "r.yaml"
    rec.write_text(
        f"model: {tiny_llama}\ndata: {data}\noutput_dir: {tmp_path / 'run'}\n", encoding="utf-8"
    )
    assert run_cli(["chat", "train", str(rec), "--method", "full"], monkeypatch) == 2
    err = capsys.readouterr().err.replace("\n", "")  # rich wraps long paths
    assert "bad.jsonl:2" in err and "turn 2" in err and "Traceback" not in err
    assert run_cli(["chat", "train", str(rec), "--set", "methd=full"], monkeypatch) == 2
    assert "methd" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("template", "eot"), [("chatml", "<|im_end|>"), ("gemma", "<end_of_turn>")]
)
def test_sft_on_other_chat_templates(
    tiny_llama_factory: Any, chat_data: dict[str, Path], tmp_path: Path, template: str, eot: str
) -> None:
    """The same path trains ChatML and Gemma-style models (Gemma folds the persona into the first
    user turn) and saves their own end-of-turn token as the stop token."""
    r = recipe(
        tiny_llama_factory(template),
        chat_data["dialogues"],
        tmp_path / "run",
        persona=str(chat_data["persona"]),
        method="lora",
        max_steps=1,
    )
    result = train(r)
    bot = ChatModel.from_pretrained(result.final_dir)
    assert json.loads((result.final_dir / "generation_config.json").read_text())["eos_token_id"][
        0
    ] == (bot.tokenizer.convert_tokens_to_ids(eot))


def test_model_values_that_are_no_model_are_refused_before_loading(
    chat_data: dict[str, Path], tmp_path: Path
) -> None:
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    (tmp_path / "run0" / "final").mkdir(parents=True)
    (tmp_path / "file.txt").write_text("x")
    cases = [
        (adapter, "is an adapter"),
        (tmp_path / "run0", "is a training run directory"),
        (tmp_path / "file.txt", "is a file"),
        (tmp_path / "nope" / "model", "does not exist"),
        (tmp_path, "holds no model"),
    ]
    for source, message in cases:
        with pytest.raises(DataError, match=message) as err:
            train(recipe(source, chat_data["dialogues"], tmp_path / "out"))
        assert err.value.field == "model"
    assert not (tmp_path / "out").exists()


def test_recipe_values_the_model_cannot_take(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(DataError, match="longer than the model's context") as err:
        train(recipe(tiny_llama, chat_data["dialogues"], tmp_path / "a", max_length=4096))
    assert err.value.field == "max_length"
    with pytest.raises(DataError, match="Target modules") as err:
        train(
            recipe(tiny_llama, chat_data["dialogues"], tmp_path / "b", lora_target_modules=["foo"])
        )
    assert err.value.field == "lora_target_modules"


def test_resuming_with_a_changed_recipe_is_refused_and_changes_nothing(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    train(recipe(tiny_llama, chat_data["dialogues"], out, max_steps=2, save_steps=1))
    saved = (out / "recipe.yaml").read_text()
    changed = recipe(
        tiny_llama, chat_data["dialogues"], out, max_steps=4, save_steps=1, lora_r=4, resume=True
    )
    with pytest.raises(KodialError, match=r"changed recipe \(lora_r: 16 -> 4\)"):
        train(changed)
    assert (out / "recipe.yaml").read_text() == saved
    # the same run and data, written differently, are not a change
    same_data = tmp_path / "." / chat_data["dialogues"].relative_to(tmp_path)
    more = recipe(tiny_llama, same_data, tmp_path / "." / "run", max_steps=3, save_steps=1)
    more.resume = True
    assert train(more).metrics["global_step"] == 3


def test_the_trained_persona_travels_with_the_model(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    """final/ and the export carry persona.yaml; loading them keeps the character unless another
    persona is given."""
    from kodial.chat.export import export
    from kodial.chat.persona import Persona

    r = recipe(
        tiny_llama, chat_data["dialogues"], tmp_path / "run", persona=str(chat_data["persona"])
    )
    r.max_steps = 1
    result = train(r)
    assert (result.final_dir / "persona.yaml").exists()
    assert "persona_replaced" not in result.metrics["data"]  # the dialogues carry no persona
    exported = export(result.output_dir, tmp_path / "exported")
    for where in (result.output_dir, exported):
        bot = ChatModel.from_pretrained(where)
        assert bot.persona is not None and bot.persona.name == "보리"
    other = Persona(name="다른이")
    assert ChatModel.from_pretrained(exported, persona=other).persona is other


def test_long_histories_are_cut_to_the_context_oldest_turns_first(tiny_llama: Path) -> None:
    bot = ChatModel.from_pretrained(tiny_llama)
    limit = bot.context_length
    assert limit == 1024
    long_turn = "빵이 정말 맛있어요 " * 30
    history: list[dict[str, str]] = []
    for i in range(12):
        history += [
            {"role": "user", "content": f"{i}번째 질문 {long_turn}"},
            {"role": "assistant", "content": long_turn},
        ]
    history.append({"role": "user", "content": "마지막 질문이에요"})
    assert len(bot.prompt_ids(history)) > limit
    ids = bot.fitted_prompt_ids(history, max_new_tokens=64)
    assert len(ids) <= limit - 64
    text = bot.tokenizer.decode(ids)
    assert "마지막 질문이에요" in text and "0번째 질문" not in text and "11번째 질문" in text
    assert isinstance(bot.generate(history, max_new_tokens=4), str)
    with pytest.raises(KodialError, match="too long for the model"):
        bot.fitted_prompt_ids([{"role": "user", "content": long_turn * 20}], max_new_tokens=64)


def test_data_without_assistant_replies_says_so(tiny_llama: Path, tmp_path: Path) -> None:
    data = tmp_path / "users.jsonl"
    line = json.dumps({"messages": [{"role": "user", "content": "안녕하세요"}]}, ensure_ascii=False)
    data.write_text((line + "\n") * 3, encoding="utf-8")
    with pytest.raises(DataError, match="no training sample has a trained token") as err:
        train(recipe(tiny_llama, data, tmp_path / "run"))
    assert "no conversation has an assistant reply" in (err.value.hint or "")


def test_a_recipe_persona_replacing_dialogue_personas_is_reported(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    data = tmp_path / "with_system.jsonl"
    record = {
        "messages": [
            {"role": "system", "content": "너는 꽃집 주인이야."},
            {"role": "user", "content": "장미 있어요?"},
            {"role": "assistant", "content": "네, 빨간 장미가 있어요."},
        ]
    }
    data.write_text((json.dumps(record, ensure_ascii=False) + "\n") * 4, encoding="utf-8")
    r = recipe(tiny_llama, data, tmp_path / "run", persona=str(chat_data["persona"]))
    r.max_steps = 1
    assert train(r).metrics["data"]["persona_replaced"] == 4


def test_offline_walkthrough_tiny_model_then_the_tiny_recipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """README's offline walk-through: `kodial chat tiny-model` builds a model that loads like a
    checkpoint, and the bundled tiny recipe trains it (cut to 2 steps here)."""
    monkeypatch.chdir(tmp_path)
    assert run_cli(["chat", "tiny-model", "runs/tiny-base"], monkeypatch) == 0
    assert "recipes/tiny.yaml --set model=runs/tiny-base" in " ".join(
        capsys.readouterr().out.split()
    )
    bot = ChatModel.from_pretrained(tmp_path / "runs" / "tiny-base")
    assert bot.tokenizer.convert_ids_to_tokens(bot.eot_ids[0]) == "<|eot_id|>"
    from importlib import resources

    tiny = Path(str(resources.files("kodial") / "resources" / "recipes" / "tiny.yaml"))
    args = ["chat", "train", str(tiny), "--set", "model=runs/tiny-base", "--set", "max_steps=2"]
    assert run_cli(args, monkeypatch) == 0
    assert (tmp_path / "runs" / "tiny-chat" / "final" / "config.json").exists()
    # a second tiny-model into a directory holding something else is refused
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("keep")
    assert run_cli(["chat", "tiny-model", "notes"], monkeypatch) == 2
    assert (tmp_path / "notes" / "a.txt").read_text() == "keep"
