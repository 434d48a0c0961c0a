"""GPU benchmark: QLoRA and LoRA on a randomly initialised Llama-3-8B-shaped model, through
kodial's own training path (``kodial.chat.train.build_trainer``), packed to 2048 tokens, batch 2.

No weights are needed for speed: the model is built from a Llama-3-8B config with random weights,
saved once in bf16 to a scratch directory (about 16 GB) and loaded back by the recipe, 4-bit NF4
for QLoRA. The tokenizer is kodial's tiny Korean chat tokenizer (its ids are a subset of the
128,256-entry vocabulary). Data: ``../shared/data/xpersona_ko`` persona dialogues, packed into
rows of 2048 tokens. Reported per method: peak GPU memory (``torch.cuda.max_memory_allocated``)
and trained throughput (real tokens per second over the timed steps, after warm-up steps).

Targets from the published state of the art: QLoRA <= 7.5 GiB and >= 2,400 tokens/s; LoRA >= 3,000
tokens/s within 16 GiB.

    .venv/bin/python bench/bench_chat_gpu.py [--quick] [--scratch DIR]

Needs a CUDA GPU and bitsandbytes (``pip install 'kodial[gpu]'``); exits with a message otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent
XPERSONA = (
    ROOT.parent.parent
    / "shared"
    / "data"
    / "xpersona_ko"
    / "dataset"
    / "Ko_persona_split_valid_human_annotated.json"
)
LLAMA3_8B: dict[str, Any] = {
    "vocab_size": 128256,
    "hidden_size": 4096,
    "intermediate_size": 14336,
    "num_hidden_layers": 32,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "max_position_embeddings": 8192,
    "rope_parameters": {"rope_type": "default", "rope_theta": 500000.0},
}
METHODS = ("qlora", "lora")
console = Console()


def build_model(scratch: Path) -> Path:
    """Random Llama-3-8B-shaped model in bf16 + kodial's chat tokenizer, saved to ``scratch``."""
    import torch
    from transformers import AutoTokenizer, GenerationConfig, LlamaConfig, LlamaForCausalLM

    from kodial.chat.generate import end_of_turn_ids
    from kodial.testing.tokenizers import build_chat_tokenizer

    out = scratch / "llama3-8b-random"
    if (out / "config.json").exists():
        return out
    build_chat_tokenizer(scratch / "tok", template="llama3")
    tokenizer = AutoTokenizer.from_pretrained(scratch / "tok")
    config = LlamaConfig(
        **LLAMA3_8B,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=end_of_turn_ids(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.set_default_dtype(torch.bfloat16)
    with torch.device("cuda"):
        model = LlamaForCausalLM(config)
    torch.set_default_dtype(torch.float32)
    model.generation_config = GenerationConfig(eos_token_id=end_of_turn_ids(tokenizer))
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    del model
    torch.cuda.empty_cache()
    return out


def write_data(scratch: Path) -> Path:
    """xpersona dialogues as messages JSONL, persona facts as the system prompt."""
    from kodial.chat.dialogue import load_dialogues
    from kodial.chat.persona import Persona

    lines = []
    for conv in load_dialogues(XPERSONA, fmt="persona"):
        msgs = [m.to_dict() for m in conv.messages if m.role != "system"]
        if conv.persona:
            msgs = [
                {"role": "system", "content": Persona.from_facts(conv.persona).system_prompt()},
                *msgs,
            ]
        lines.append(json.dumps({"messages": msgs}, ensure_ascii=False))
    path = scratch / "xpersona.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(
    method: str, model: Path, data: Path, scratch: Path, warmup: int, steps: int
) -> dict[str, Any]:
    """Train ``warmup + steps`` optimiser steps with kodial's path; time the last ``steps``."""
    import torch
    from transformers import TrainerCallback

    from kodial.chat.recipe import TrainRecipe
    from kodial.chat.train import build_trainer

    recipe = TrainRecipe(
        model=str(model),
        data=str(data),
        method=method,
        lora_r=16,
        lora_alpha=32,
        lora_target_modules=["all-linear"],
        packing=True,
        max_length=2048,
        batch_size=2,
        grad_accum=1,
        max_steps=warmup + steps,
        eval_split=0.0,
        save_steps=10**6,
        logging_steps=10**6,
        gradient_checkpointing=True,
        bf16=True,
        output_dir=str(scratch / f"run-{method}"),
    )
    marks: dict[str, float] = {}
    tokens = [0]

    class Timer(TrainerCallback):
        def on_step_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.global_step == warmup:
                torch.cuda.synchronize()
                marks["start"] = time.perf_counter()

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.global_step == warmup + steps:
                torch.cuda.synchronize()
                marks["end"] = time.perf_counter()

    torch.cuda.reset_peak_memory_stats()
    trainer, _ = build_trainer(recipe, callbacks=[Timer()])
    collate = trainer.data_collator

    def counting(examples: list[dict[str, Any]]) -> Any:
        batch = collate(examples)
        if "start" in marks:
            tokens[0] += sum(len(e["input_ids"]) for e in examples)
        return batch

    trainer.data_collator = counting
    trainer.train()
    seconds = marks["end"] - marks["start"]
    result = {
        "method": method,
        "attn": getattr(getattr(trainer.model, "config", None), "_attn_implementation", "?"),
        "timed_steps": steps,
        "tokens": tokens[0],
        "seconds": seconds,
        "tokens_per_s": tokens[0] / seconds,
        "peak_gib": torch.cuda.max_memory_allocated() / 2**30,
    }
    del trainer
    torch.cuda.empty_cache()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2 warm-up + 5 timed steps (default 5 + 20)"
    )
    parser.add_argument(
        "--scratch", type=Path, help="where to keep the 16 GB random model (default: a temp dir)"
    )
    args = parser.parse_args()
    import importlib.util

    import torch

    if not torch.cuda.is_available() or importlib.util.find_spec("bitsandbytes") is None:
        raise SystemExit(
            "bench_chat_gpu needs a CUDA GPU and bitsandbytes (pip install 'kodial[gpu]')"
        )
    warmup, steps = (2, 5) if args.quick else (5, 20)
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        scratch = Path(tmp)
        with console.status("building the random Llama-3-8B-shaped model ..."):
            model = build_model(scratch)
            data = write_data(scratch)
        results = [run(m, model, data, scratch, warmup, steps) for m in METHODS]
    table = Table(title=f"Llama-3-8B-shaped, batch 2 x 2048 packed, {torch.cuda.get_device_name()}")
    for col in ("method", "attention", "tokens/s", "peak GiB"):
        table.add_column(col)
    md = [
        "# QLoRA / LoRA on a Llama-3-8B-shaped model (GPU)",
        "",
        f"Device: {torch.cuda.get_device_name()}. Batch 2, rows packed to 2048 tokens, LoRA r=16 on all "
        f"linear layers, gradient checkpointing, bf16. {warmup} warm-up + {steps} timed steps.",
        "",
        "| method | attention | tokens/s | peak GiB |",
        "|---|---|---|---|",
    ]
    for r in results:
        cells = [r["method"], r["attn"], f"{r['tokens_per_s']:.0f}", f"{r['peak_gib']:.2f}"]
        table.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    console.print(table)
    from kodial.textio import atomic_write_text

    name = "chat_gpu-quick" if args.quick else "chat_gpu"
    atomic_write_text(ROOT / "results" / f"{name}.json", json.dumps(results, indent=2))
    atomic_write_text(ROOT / "results" / f"{name}.md", "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
