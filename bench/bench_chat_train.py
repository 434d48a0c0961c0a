"""Benchmark of SFT training throughput: kodial packed vs unpacked vs a plain TRL ``SFTTrainer``.

Three runs over the same conversations, the same small Llama-style model (random init, from
``kodial.testing.causal_lm``) and the same batch size, one epoch each, all on CPU:

- ``trl-default``: ``SFTTrainer`` on a conversational ``messages`` dataset with TRL's defaults
  (TRL applies the chat template itself; padded batches, no packing; only ``bf16=False``, which
  TRL 1.x sets to True by default and which a CPU cannot run);
- ``kodial-unpacked``: kodial's training path (our masked samples), padded batches;
- ``kodial-packed``: kodial's training path with packing (rows of ``max_length`` tokens).

Throughput counts real (non-pad) tokens per second of ``trainer.train()``; peak memory is the
peak RSS of the process running that configuration (each runs in its own subprocess so the
numbers do not mix). Timings on a shared machine are noisy: compare the ratios.

Data: ``../shared/data/xpersona_ko`` (persona dialogues, facts as the system prompt) and
``../shared/data/chatbot_data`` (single-turn Q/A), read there, never copied.

    .venv/bin/python bench/bench_chat_train.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parent.parent / "shared" / "data"
XPERSONA = SHARED / "xpersona_ko" / "dataset" / "Ko_persona_split_valid_human_annotated.json"
CHATBOT = SHARED / "chatbot_data" / "ChatbotData.csv"
CONFIGS = ("trl-default", "kodial-unpacked", "kodial-packed")
MODEL = {"hidden_size": 128, "num_layers": 2, "num_heads": 4, "vocab_size": 2000}
BATCH_SIZE = 8
MAX_LENGTH = 512
console = Console()


def prepare(work: Path, quick: bool) -> dict[str, Any]:
    """Build the model and write the shared conversations (messages JSONL, persona facts as the
    system message) into ``work``."""
    from kodial.chat.dialogue import load_dialogues
    from kodial.chat.persona import Persona
    from kodial.testing.causal_lm import build_tiny_llama

    build_tiny_llama(work / "model", **MODEL)
    personas = load_dialogues(XPERSONA, fmt="persona")[: 60 if quick else None]
    qa = load_dialogues(CHATBOT, fmt="qa-csv")[: 200 if quick else 500]
    lines = []
    for conv in personas + qa:
        msgs = [m.to_dict() for m in conv.messages if m.role != "system"]
        if conv.persona:
            msgs = [
                {"role": "system", "content": Persona.from_facts(conv.persona).system_prompt()},
                *msgs,
            ]
        lines.append(json.dumps({"messages": msgs}, ensure_ascii=False))
    (work / "data.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"persona_dialogues": len(personas), "qa_pairs": len(qa), "conversations": len(lines)}


def run_one(name: str, work: Path) -> dict[str, Any]:
    """Train one configuration for one epoch; return tokens, seconds and peak RSS."""
    from kodial.chat.recipe import TrainRecipe
    from kodial.chat.trainer import build_trainer

    out = work / f"run-{name}"
    common = {
        "per_device_train_batch_size": BATCH_SIZE,
        "num_train_epochs": 1,
        "max_length": MAX_LENGTH,
    }
    if name == "trl-default":
        from datasets import Dataset
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from trl import SFTConfig, SFTTrainer

        rows = [
            json.loads(line)
            for line in (work / "data.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        trainer: Any = SFTTrainer(
            model=AutoModelForCausalLM.from_pretrained(work / "model"),
            args=SFTConfig(
                output_dir=str(out), report_to="none", save_strategy="no", bf16=False, **common
            ),
            train_dataset=Dataset.from_list(rows),
            processing_class=AutoTokenizer.from_pretrained(work / "model"),
        )
    else:
        recipe = TrainRecipe(
            model=str(work / "model"),
            data=str(work / "data.jsonl"),
            method="full",
            packing=name == "kodial-packed",
            max_length=MAX_LENGTH,
            epochs=1,
            batch_size=BATCH_SIZE,
            eval_split=0.0,
            save_steps=10**6,
            logging_steps=50,
            learning_rate=1e-4,
            output_dir=str(out),
        )
        trainer, _ = build_trainer(recipe)
    ds = trainer.train_dataset
    tokens = sum(len(x) for x in ds["input_ids"])
    start = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - start
    return {
        "config": name,
        "rows": len(ds),
        "steps": trainer.state.global_step,
        "tokens": tokens,
        "seconds": seconds,
        "tokens_per_s": tokens / seconds,
        "train_loss": result.training_loss,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="60 persona dialogues + 200 Q/A pairs (default: all 299 + 500)",
    )
    parser.add_argument("--one", choices=CONFIGS, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print("RESULT " + json.dumps(run_one(args.one, args.work)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with console.status("building the model and the data ..."):
            data = prepare(work, args.quick)
        results = []
        for name in CONFIGS:
            with console.status(f"training {name} ..."):
                proc = subprocess.run(
                    [sys.executable, __file__, "--one", name, "--work", str(work)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                console.print(proc.stderr[-3000:])
                raise SystemExit(f"{name} failed")
            results.append(json.loads(line[len("RESULT ") :]))
            console.print(f"{name}: {results[-1]['tokens_per_s']:.0f} tokens/s")

    base = next(r for r in results if r["config"] == "trl-default")
    for r in results:
        r["speedup_vs_trl"] = r["tokens_per_s"] / base["tokens_per_s"]
    table = Table(
        title=f"SFT throughput, 1 epoch, batch {BATCH_SIZE}, max_length {MAX_LENGTH} (CPU)"
    )
    for col in (
        "config",
        "rows",
        "steps",
        "tokens",
        "seconds",
        "tokens/s",
        "x TRL",
        "peak RSS MiB",
    ):
        table.add_column(col, justify="left" if col == "config" else "right")
    md = [
        "# SFT training throughput (CPU)",
        "",
        f"Model: Llama-style, {MODEL}, random init. Data: {data}. "
        f"Batch {BATCH_SIZE}, max_length {MAX_LENGTH}, 1 epoch, full fine-tuning. "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared; compare ratios).",
        "",
        "| config | rows | steps | tokens | seconds | tokens/s | x TRL default | peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cells = [
            r["config"],
            str(r["rows"]),
            str(r["steps"]),
            str(r["tokens"]),
            f"{r['seconds']:.1f}",
            f"{r['tokens_per_s']:.0f}",
            f"{r['speedup_vs_trl']:.2f}",
            f"{r['peak_rss_mib']:.0f}",
        ]
        table.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    console.print(table)
    name = "chat_train-quick" if args.quick else "chat_train"
    results_dir = ROOT / "results"
    results_dir.mkdir(exist_ok=True)
    payload = {
        "model": MODEL,
        "batch_size": BATCH_SIZE,
        "max_length": MAX_LENGTH,
        "data": data,
        "results": results,
    }
    from kodial.textio import atomic_write_text

    atomic_write_text(results_dir / f"{name}.json", json.dumps(payload, indent=2))
    atomic_write_text(results_dir / f"{name}.md", "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
