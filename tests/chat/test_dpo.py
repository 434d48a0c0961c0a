"""Preference tuning: DPO moves the chosen-rejected margin the right way, KTO runs, and bad
preference data is reported by file, line and field."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from kodial.chat.preference import dpo_to_kto, load_preferences
from kodial.chat.recipe import PreferenceRecipe
from kodial.chat.train import train
from kodial.errors import DataError, DataErrors

from ._qlora_watch import watch_4bit


def preference_recipe(model: Path, data: Path, out: Path, **kw: Any) -> PreferenceRecipe:
    values: dict[str, Any] = {
        "model": str(model),
        "data": str(data),
        "method": "lora",
        "lora_r": 8,
        "max_length": 128,
        "batch_size": 6,
        "eval_split": 0.0,
        "logging_steps": 1,
        "save_steps": 1000,
        "output_dir": str(out),
    }
    values.update(kw)
    return PreferenceRecipe(**values)


@pytest.mark.parametrize("method", ["lora", "qlora"])
def test_dpo_margin_grows(
    method: str, tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    base = tiny_llama
    if method == "qlora":  # DPO over a 4-bit base, through bitsandbytes' CPU backend
        pytest.importorskip("bitsandbytes")
        from kodial.testing.causal_lm import build_tiny_llama

        base = build_tiny_llama(tmp_path / "base64", hidden_size=64)
    r = preference_recipe(
        base,
        chat_data["preferences"],
        tmp_path / "run",
        method=method,
        qlora_on_cpu=True,
        learning_rate=1e-2 if method == "qlora" else 5e-2,  # bf16 adapters want a smaller step
        max_steps=4,
    )
    watch = watch_4bit() if method == "qlora" else None
    result = train(r, callbacks=[watch] if watch else None)
    if watch is not None:
        assert watch.quant_types == {"nf4"}, "the base was not loaded in 4-bit"
    state = json.loads((result.final_dir / "kodial_run.json").read_text())
    assert state["metrics"]["stage"] == "dpo"
    logs = json.loads((result.output_dir / "metrics.json").read_text())
    assert logs["first_logged_loss"] == pytest.approx(
        math.log(2), abs=1e-3
    )  # policy == reference at start
    assert logs["last_logged_loss"] < logs["first_logged_loss"]
    from transformers import TrainerState

    history = TrainerState.load_from_json(
        str(result.output_dir / "checkpoint-4" / "trainer_state.json")
    ).log_history
    margins = [h["rewards/margins"] for h in history if "rewards/margins" in h]
    assert margins[-1] > margins[0] and margins[-1] > 0


def test_kto_runs_on_a_pairs_file(
    tiny_llama: Path, chat_data: dict[str, Path], tmp_path: Path
) -> None:
    r = preference_recipe(
        tiny_llama,
        chat_data["preferences"],
        tmp_path / "run",
        stage="kto",
        learning_rate=5e-2,
        max_steps=2,
    )
    result = train(r)
    assert result.metrics["data"]["train_rows"] == 12  # 6 pairs -> 6 desirable + 6 undesirable
    assert (result.final_dir / "adapter_config.json").exists()


def test_preference_rows_use_the_persona_and_chat_messages(chat_data: dict[str, Path]) -> None:
    rows = load_preferences(chat_data["preferences"], "dpo", system_prompt="너는 제빵사야.")
    first = rows[0]
    assert [m["role"] for m in first["prompt"]] == ["system", "user", "assistant", "user"]
    assert first["prompt"][0]["content"] == "너는 제빵사야."
    assert first["chosen"] == [{"role": "assistant", "content": "네, 방금 구운 식빵이 있어요."}]
    kto = dpo_to_kto(rows)
    assert [r["label"] for r in kto[:2]] == [True, False]


@pytest.mark.parametrize(
    ("line", "kind", "message", "field"),
    [
        ('{"prompt": "안녕", "chosen": "네"}', "dpo", "missing field", "rejected"),
        ('{"prompt": "안녕", "chosen": "네", "rejected": "네"}', "dpo", "identical", "rejected"),
        ('{"prompt": "안녕", "chosen": "  ", "rejected": "아니"}', "dpo", "empty text", "chosen"),
        (
            '{"prompt": [{"role": "bot", "content": "안녕"}], "chosen": "a", "rejected": "b"}',
            "dpo",
            "unknown role",
            "prompt[0]",
        ),
        (
            '{"prompt": [{"role": "assistant", "content": "안녕"}], "chosen": "a", "rejected": "b"}',
            "dpo",
            "end with a user",
            "prompt",
        ),
        ('{"prompt": "안녕", "completion": "네", "label": "yes"}', "kto", "true or false", "label"),
        ('{"prompt": "안녕", "chosen": ', "dpo", "invalid JSON", None),
    ],
)
def test_bad_preference_data_names_line_and_field(
    tmp_path: Path, line: str, kind: str, message: str, field: str | None
) -> None:
    path = tmp_path / "prefs.jsonl"
    path.write_text(
        '{"prompt": "좋은 줄", "chosen": "좋아요", "rejected": "싫어요"}\n' + line + "\n",
        encoding="utf-8",
    )
    if kind == "kto":
        path.write_text(
            '{"prompt": "좋은 줄", "completion": "좋아요", "label": true}\n' + line + "\n",
            encoding="utf-8",
        )
    with pytest.raises(DataError) as err:
        load_preferences(path, kind)
    assert err.value.line == 2 and err.value.field == field
    assert message in str(err.value) and "prefs.jsonl:2" in str(err.value)


def test_all_problems_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "prefs.jsonl"
    path.write_text('{"prompt": "a"}\n{"prompt": "b"}\n', encoding="utf-8")
    with pytest.raises(DataErrors) as err:
        load_preferences(path)
    assert len(err.value.errors) == 2


def test_dialogue_data_given_to_a_preference_stage_gets_one_error(
    chat_data: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(DataError, match="looks like dialogue data") as err:
        load_preferences(chat_data["dialogues"], "dpo")
    assert not isinstance(err.value, DataErrors)
    text = tmp_path / "notes.jsonl"
    text.write_text("안녕하세요\n반가워요\n", encoding="utf-8")
    with pytest.raises(DataError, match="not JSON Lines"):
        load_preferences(text, "dpo")
