"""The model card (README.md) of a training run, its ``final/`` model and an export: what was
trained on what, with which recipe, how it went, and the stop tokens a server must use."""

from __future__ import annotations

import json
from typing import Any

import yaml


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
