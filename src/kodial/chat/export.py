"""Exporting a trained chat model for serving (``kodial chat export``).

The exported directory is self-contained: the weights (LoRA merged into the base, or the adapter
kept), the tokenizer with the exact chat template used in training, a ``generation_config`` whose
``eos_token_id`` lists the end-of-turn token(s) (so any ``generate`` call stops at the end of the
assistant's turn, not only at ``</s>``), and a model card (README.md) with data, recipe and
metrics. It is written to a temp sibling and renamed, so a failed export leaves nothing half-done.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from kodial.errors import KodialError
from kodial.textio import read_text


def resolve_model_dir(path: str | Path) -> Path:
    """A run directory (``final/`` inside) or a model/adapter directory itself."""
    p = Path(path)
    if (p / "final").is_dir():
        p = p / "final"
    if not (p / "config.json").exists() and not (p / "adapter_config.json").exists():
        raise KodialError(
            f"{path} holds no model (no config.json or adapter_config.json)", hint="pass a run dir"
        )
    return p


def model_card(
    run_info: dict[str, Any], eval_metrics: dict[str, Any] | None, merged: bool, eot: list[str]
) -> str:
    """README.md for the exported model: what it was trained on, how, and how well it does."""
    recipe = run_info.get("recipe", {})
    metrics = run_info.get("metrics", {})
    lines = [
        "---",
        "library_name: transformers",
        "language: [ko]",
        "tags: [kodial, chat, " + str(recipe.get("method", "unknown")) + "]",
        "---",
        "",
        "# Korean character chat model (kodial)",
        "",
        f"- Base model: `{recipe.get('model', '?')}`",
        f"- Stage / method: {recipe.get('stage', '?')} / {recipe.get('method', '?')}"
        + (
            (
                " (LoRA merged into the NF4-dequantised base it was trained against)"
                if recipe.get("method") == "qlora"
                else " (LoRA merged into the base)"
            )
            if merged
            else ""
        ),
        f"- Training data: `{recipe.get('data', '?')}`"
        + (f", persona `{recipe['persona']}`" if recipe.get("persona") else ""),
        f"- Sample strategy: {recipe.get('strategy', 'n/a')}, packing: {recipe.get('packing', 'n/a')}",
        f"- Generation stops at: {', '.join(f'`{t}`' for t in eot)} (in `generation_config.json`)",
        "",
        "## Data",
        "",
        "```json",
        json.dumps(metrics.get("data", {}), ensure_ascii=False, indent=2),
        "```",
        "",
        "## Training metrics",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for key in ("global_step", "train_loss", "first_logged_loss", "last_logged_loss"):
        if metrics.get(key) is not None:
            lines.append(f"| {key} | {metrics[key]} |")
    for item in metrics.get("eval_loss_per_epoch", []):
        lines.append(f"| eval_loss (epoch {item.get('epoch')}) | {item.get('eval_loss')} |")
    if eval_metrics:
        lines += ["", "## Evaluation (`kodial chat eval`)", "", "| metric | value |", "|---|---|"]
        lines += [
            f"| {k} | {v} |" for k, v in eval_metrics.items() if not isinstance(v, list | dict)
        ]
    lines += [
        "",
        "## Recipe",
        "",
        "```yaml",
        yaml.safe_dump(recipe, allow_unicode=True, sort_keys=False).rstrip(),
        "```",
        "",
        "## Use",
        "",
        "```python",
        "from kodial.chat.generate import ChatModel",
        'bot = ChatModel.from_pretrained("<this dir>")',
        'print(bot.generate([{"role": "user", "content": "안녕하세요!"}]))',
        "```",
    ]
    return "\n".join(lines) + "\n"


def export(
    model_dir: str | Path,
    out_dir: str | Path,
    merge: bool = True,
    eval_metrics: str | Path | None = None,
) -> Path:
    """Export a trained model (run dir or model dir) to ``out_dir``; returns ``out_dir``.

    ``merge=True`` folds a LoRA adapter into the base weights (one plain checkpoint any
    transformers/vLLM loader reads); ``merge=False`` keeps the adapter. A prompt-tuning adapter
    cannot be merged and is always kept.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    from kodial.chat.generate import end_of_turn_ids
    from kodial.chat.train import RUN_FILE

    src = resolve_model_dir(model_dir)
    out = Path(out_dir)
    if out.resolve() == src.resolve():
        raise KodialError("export into the model's own directory", hint="choose another --out")
    tmp = out.with_name(f".{out.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tokenizer = AutoTokenizer.from_pretrained(str(src))
    is_adapter = (src / "adapter_config.json").exists()
    merged = False
    if is_adapter:
        from kodial.chat.adapters import load_peft_model

        peft_model = load_peft_model(src)
        lora = peft_model.peft_config["default"].peft_type.value == "LORA"
        if merge and lora:
            model = peft_model.merge_and_unload()
            merged = True
        else:
            model = peft_model
    else:
        model = AutoModelForCausalLM.from_pretrained(str(src))
    model.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    eot = end_of_turn_ids(tokenizer)
    base = getattr(model, "generation_config", None)
    gen = copy.deepcopy(base) if isinstance(base, GenerationConfig) else GenerationConfig()
    gen.bos_token_id, gen.eos_token_id, gen.pad_token_id = (
        tokenizer.bos_token_id,
        eot,
        tokenizer.pad_token_id,
    )
    gen.save_pretrained(str(tmp))
    run_info: dict[str, Any] = {}
    if (src / RUN_FILE).exists():
        run_info = json.loads(read_text(src / RUN_FILE))
        shutil.copy(src / RUN_FILE, tmp / RUN_FILE)
    metrics = json.loads(read_text(eval_metrics)) if eval_metrics else None
    card = model_card(
        run_info, metrics, merged, [str(tokenizer.convert_ids_to_tokens(i)) for i in eot]
    )
    (tmp / "README.md").write_text(card, encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out
