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
    .venv/bin/python bench/bench_chat_gpu.py --cpu-check

Needs a CUDA GPU and bitsandbytes (``pip install 'kodial[gpu]'``); exits with a message otherwise.
``--cpu-1b`` measures on CPU what QLoRA saves against LoRA on a Llama-3.2-1B-shaped model (rows
of 256 tokens, 1 + 1 steps): the model's memory footprint, the process RSS once the trainer is
built and its peak RSS (``chat_gpu-cpu-1b.{json,md}``). ``--cpu-check`` runs the same code on CPU (bitsandbytes' CPU 4-bit backend, ``qlora_on_cpu``) with
a down-scaled Llama-3 shape (the 128,256 vocabulary, 2 layers of width 256, rows of 256 tokens)
and 1 + 2 steps: it proves the script and both training paths work end to end on a machine without
a GPU. Its numbers (peak RSS of the process, CPU tokens/s) say nothing about the GPU targets and go
to ``chat_gpu-cpu-check.{json,md}``. Each method runs in its own process, so peaks do not mix.
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
CPU_CHECK_SHAPE: dict[str, Any] = {
    **LLAMA3_8B,
    "hidden_size": 256,
    "intermediate_size": 896,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 1,
}
LLAMA32_1B: dict[str, Any] = {
    **LLAMA3_8B,
    "hidden_size": 2048,
    "intermediate_size": 8192,
    "num_hidden_layers": 16,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "tie_word_embeddings": True,
}
METHODS = ("qlora", "lora")
console = Console()


def build_model(scratch: Path, shape: dict[str, Any], device: str) -> Path:
    """Random Llama-3-shaped model in bf16 + kodial's chat tokenizer, saved to ``scratch``."""
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
        **shape,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=end_of_turn_ids(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.set_default_dtype(torch.bfloat16)
    with torch.device(device):
        model = LlamaForCausalLM(config)
    torch.set_default_dtype(torch.float32)
    model.generation_config = GenerationConfig(eos_token_id=end_of_turn_ids(tokenizer))
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    del model
    if device == "cuda":
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
    method: str, model: Path, data: Path, scratch: Path, warmup: int, steps: int, max_length: int
) -> dict[str, Any]:
    """Train ``warmup + steps`` optimiser steps with kodial's path; time the last ``steps``.
    Runs in a child process (see :func:`in_child`)."""
    import resource

    import torch
    from transformers import TrainerCallback

    from kodial.chat.recipe import TrainRecipe
    from kodial.chat.trainer import build_trainer

    cuda = torch.cuda.is_available()
    recipe = TrainRecipe(
        model=str(model),
        data=str(data),
        method=method,
        lora_r=16,
        lora_alpha=32,
        lora_target_modules=["all-linear"],
        packing=True,
        max_length=max_length,
        batch_size=2,
        grad_accum=1,
        max_steps=warmup + steps,
        eval_split=0.0,
        save_steps=10**6,
        logging_steps=10**6,
        gradient_checkpointing=True,
        bf16=True,
        qlora_on_cpu=not cuda,
        output_dir=str(scratch / f"run-{method}"),
    )
    marks: dict[str, float] = {}
    batch_tokens: list[int] = []  # real tokens of each collated batch, in order

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize()

    class Timer(TrainerCallback):
        def on_step_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.global_step == warmup:
                sync()
                marks["start"] = time.perf_counter()

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.global_step == warmup + steps:
                sync()
                marks["end"] = time.perf_counter()

    if cuda:
        torch.cuda.reset_peak_memory_stats()
    trainer, _ = build_trainer(recipe, callbacks=[Timer()])
    collate = trainer.data_collator

    def counting(examples: list[dict[str, Any]]) -> Any:
        # the Trainer fetches a step's batch before that step's callbacks run, so tokens are
        # attributed by batch order (one batch per optimiser step, grad_accum 1), not by time
        batch_tokens.append(sum(len(e["input_ids"]) for e in examples))
        return collate(examples)

    trainer.data_collator = counting
    trained: Any = trainer.model
    footprint = trained.get_memory_footprint() / 2**30
    rss_built = _rss_gib()
    trainer.train()
    seconds = marks["end"] - marks["start"]
    tokens = sum(batch_tokens[warmup : warmup + steps])
    result = {
        "method": method,
        "model_gib": footprint,
        "rss_after_load_gib": rss_built,
        "attn": getattr(getattr(trainer.model, "config", None), "_attn_implementation", "?"),
        "timed_steps": steps,
        "tokens": tokens,
        "seconds": seconds,
        "tokens_per_s": tokens / seconds,
        "peak_gib": (
            torch.cuda.max_memory_allocated() / 2**30
            if cuda
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        ),
        "peak_kind": "torch.cuda.max_memory_allocated" if cuda else "peak RSS of the process",
    }
    return result


def _rss_gib() -> float | None:
    """Current resident memory of this process (Linux), or ``None``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def in_child(*args: Any) -> dict[str, Any]:
    """:func:`run` in a fresh spawned process, so each method's peak memory is its own."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(run, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2 warm-up + 5 timed steps (default 5 + 20)"
    )
    parser.add_argument(
        "--cpu-check",
        action="store_true",
        help="run the same code on CPU at a small Llama-3 shape, to check it works (no GPU numbers)",
    )
    parser.add_argument(
        "--cpu-1b",
        action="store_true",
        help="QLoRA vs LoRA memory on CPU at the Llama-3.2-1B shape (slow: minutes per method)",
    )
    parser.add_argument(
        "--scratch", type=Path, help="where to keep the 16 GB random model (default: a temp dir)"
    )
    args = parser.parse_args()
    import importlib.util

    import torch

    if importlib.util.find_spec("bitsandbytes") is None:
        raise SystemExit("bench_chat_gpu needs bitsandbytes (pip install 'kodial[gpu]')")
    cpu = args.cpu_check or args.cpu_1b
    if not cpu and not torch.cuda.is_available():
        raise SystemExit("bench_chat_gpu needs a CUDA GPU (--cpu-check runs a small CPU check)")
    if args.cpu_check:
        shape, device, max_length, (warmup, steps) = CPU_CHECK_SHAPE, "cpu", 256, (1, 2)
        where = f"CPU ({os.cpu_count()} cores), check run"
        name = "chat_gpu-cpu-check"
    elif args.cpu_1b:
        shape, device, max_length, (warmup, steps) = LLAMA32_1B, "cpu", 256, (1, 1)
        where = f"CPU ({os.cpu_count()} cores)"
        name = "chat_gpu-cpu-1b"
    else:
        shape, device, max_length = LLAMA3_8B, "cuda", 2048
        warmup, steps = (2, 5) if args.quick else (5, 20)
        where = torch.cuda.get_device_name()
        name = "chat_gpu-quick" if args.quick else "chat_gpu"
    label = (
        "Llama-3-8B-shaped"
        if shape is LLAMA3_8B
        else "Llama-3.2-1B-shaped"
        if shape is LLAMA32_1B
        else f"Llama-3-shaped, {shape['num_hidden_layers']} layers x {shape['hidden_size']}"
    )
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        scratch = Path(tmp)
        with console.status(f"building the random {label} model ..."):
            model = build_model(scratch, shape, device)
            data = write_data(scratch)
        results = [in_child(m, model, data, scratch, warmup, steps, max_length) for m in METHODS]
    peak = results[0]["peak_kind"]
    table = Table(title=f"{label}, batch 2 x {max_length} packed, {where}")
    cols = ("method", "attention", "tokens/s", "model GiB", "after load GiB", "peak GiB")
    for col in cols:
        table.add_column(col)
    md = [
        f"# QLoRA / LoRA on a {label} model ({where})",
        "",
        f"Device: {where}. Batch 2, rows packed to {max_length} tokens, LoRA r=16 on all "
        f"linear layers, gradient checkpointing, bf16. {warmup} warm-up + {steps} timed steps. "
        f"model = `get_memory_footprint()` of the loaded model; after load = process RSS once the "
        f"trainer is built (CPU only); peak = {peak}.",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]

    def gib(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    for r in results:
        cells = [
            r["method"],
            r["attn"],
            f"{r['tokens_per_s']:.0f}",
            gib(r["model_gib"]),
            gib(r["rss_after_load_gib"] if not torch.cuda.is_available() else None),
            gib(r["peak_gib"]),
        ]
        table.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    if args.cpu_check:
        md += [
            "",
            "A functional check on CPU: it shows that the script and both training paths run end "
            "to end (4-bit NF4 through bitsandbytes' CPU backend). It measures nothing about the "
            "GPU targets.",
        ]
    if args.cpu_1b:
        q, lo = results[0], results[1]
        md += [
            "",
            f"QLoRA / LoRA: model memory x{q['model_gib'] / lo['model_gib']:.2f}, peak RSS "
            f"x{q['peak_gib'] / lo['peak_gib']:.2f}, tokens/s x{q['tokens_per_s'] / lo['tokens_per_s']:.2f}. "
            "CPU numbers (bitsandbytes' CPU backend, `qlora_on_cpu`); they say nothing about the "
            "GPU targets.",
        ]
    console.print(table)
    from kodial.textio import atomic_write_text

    atomic_write_text(ROOT / "results" / f"{name}.json", json.dumps(results, indent=2))
    atomic_write_text(ROOT / "results" / f"{name}.md", "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
