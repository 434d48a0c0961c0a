"""Benchmark: concurrent chat streams of one local model, batched vs one generate at a time.

The same ~30M-parameter random Llama (built here, CPU, greedy decoding) answers N concurrent
conversations (N = 1, 8, 32), each from its own thread as the server's request threads do:

- **sequential** (the reference): ``ChatModel`` without batching; concurrent requests take turns
  on the model (one ``model.generate`` at a time, behind a lock as a single-model server must);
- **batched**: ``ChatModel(max_batch=...)``: requests that arrive together share ``generate``
  calls (:mod:`kodial.chat.batching`).

Reported: total tokens/s over all streams, the ratio to one stream's tokens/s, the median time
to the first text piece, and whether every batched reply is token-identical to the reference.

    .venv/bin/python bench/bench_batching.py [--quick] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kodial.textio import atomic_write_text

ROOT = Path(__file__).resolve().parent
console = Console()


def questions(n: int) -> list[str]:
    return [f"{i}번 손님이에요. 오늘 추천해 주실 메뉴가 있을까요?" for i in range(n)]


def run_streams(
    bot: Any, texts: list[str], max_new: int, lock: threading.Lock | None
) -> dict[str, Any]:
    """Stream one reply per text, all threads started together; tokens/s and first-piece times."""
    n = len(texts)
    start = threading.Barrier(n + 1)
    first: list[float] = [0.0] * n
    ids: list[list[int]] = [[] for _ in range(n)]

    def one(i: int) -> None:
        msgs = [{"role": "user", "content": texts[i]}]
        start.wait()
        t0 = time.perf_counter()
        if lock is None:
            stream = bot.stream(msgs, max_new_tokens=max_new, temperature=0)
            next(stream, None)
            first[i] = time.perf_counter() - t0
            list(stream)
            ids[i] = bot.reply(msgs, max_new_tokens=max_new, temperature=0).token_ids
        else:
            with lock:
                stream = bot.stream(msgs, max_new_tokens=max_new, temperature=0)
                next(stream, None)
                first[i] = time.perf_counter() - t0
                list(stream)
            with lock:
                ids[i] = bot.reply(msgs, max_new_tokens=max_new, temperature=0).token_ids

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    tokens = 2 * sum(len(x) + 1 for x in ids)  # each request streams and then replies
    return {
        "streams": n,
        "tokens_per_s": tokens / wall,
        "first_piece_ms_p50": statistics.median(first) * 1000,
        "ids": ids,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="a small model and fewer streams")
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(args.threads)
    from kodial.chat.generate import ChatModel
    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    counts = [1, 8] if args.quick else [1, 8, 32]
    max_new = 16 if args.quick else 48
    size = (
        {"hidden_size": 128, "num_layers": 2, "num_heads": 4}
        if args.quick
        else {"hidden_size": 640, "num_layers": 8, "num_heads": 10}
    )
    with tempfile.TemporaryDirectory() as tmp:
        with console.status("building the random Llama"):
            model_dir = build_tiny_llama(
                Path(tmp) / "lm", vocab_size=2000, max_positions=2048, **size
            )
            untie_head(model_dir)
        reference = ChatModel.from_pretrained(model_dir, device="cpu")
        batched = ChatModel.from_pretrained(model_dir, device="cpu", max_batch=max(counts))
        params = sum(p.numel() for p in reference.model.parameters()) / 1e6
        lock = threading.Lock()
        run_streams(reference, questions(2), 4, lock)  # warm-up
        run_streams(batched, questions(2), 4, None)
        rows = []
        for n in counts:
            with console.status(f"{n} stream(s): sequential"):
                seq = run_streams(reference, questions(n), max_new, lock)
            with console.status(f"{n} stream(s): batched"):
                bat = run_streams(batched, questions(n), max_new, None)
            rows.append(
                {
                    "streams": n,
                    "sequential_tokens_per_s": round(seq["tokens_per_s"], 1),
                    "batched_tokens_per_s": round(bat["tokens_per_s"], 1),
                    "sequential_first_piece_ms_p50": round(seq["first_piece_ms_p50"], 1),
                    "batched_first_piece_ms_p50": round(bat["first_piece_ms_p50"], 1),
                    "identical_replies": sum(
                        a == b for a, b in zip(seq["ids"], bat["ids"], strict=True)
                    ),
                }
            )
    one = rows[0]["sequential_tokens_per_s"]
    for row in rows:
        row["batched_vs_one_stream"] = round(row["batched_tokens_per_s"] / one, 2)
        row["sequential_vs_one_stream"] = round(row["sequential_tokens_per_s"] / one, 2)
    result = {
        "model_params_m": round(params, 1),
        "max_new_tokens": max_new,
        "threads": args.threads,
        "quick": args.quick,
        "rows": rows,
    }
    table = Table(
        title=f"concurrent streams, {params:.0f}M-parameter Llama, greedy, {max_new} new tokens"
    )
    for col in (
        "streams",
        "sequential tok/s",
        "batched tok/s",
        "batched / 1 stream",
        "first piece p50 (seq / batched)",
        "identical",
    ):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(
            str(r["streams"]),
            f"{r['sequential_tokens_per_s']:.0f}",
            f"{r['batched_tokens_per_s']:.0f}",
            f"{r['batched_vs_one_stream']:.2f}x",
            f"{r['sequential_first_piece_ms_p50']:.0f} / {r['batched_first_piece_ms_p50']:.0f} ms",
            f"{r['identical_replies']}/{r['streams']}",
        )
    console.print(table)
    name = "batching-quick" if args.quick else "batching"
    out = ROOT / "results"
    atomic_write_text(out / f"{name}.json", json.dumps(result, indent=2) + "\n")
    md = [
        "# Concurrent chat streams: batched vs sequential generate",
        "",
        f"`.venv/bin/python bench/bench_batching.py{' --quick' if args.quick else ''}` on a 2-core CPU, "
        f"{params:.0f}M-parameter random Llama, greedy, {max_new} new tokens per reply, torch threads {args.threads}. "
        "Each request streams its reply and then asks for it whole; sequential requests take turns on the model.",
        "",
        "| streams | sequential tok/s | batched tok/s | batched / 1 stream | first piece p50 sequential | first piece p50 batched | identical replies |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {r['streams']} | {r['sequential_tokens_per_s']:.0f} | {r['batched_tokens_per_s']:.0f} | "
            f"{r['batched_vs_one_stream']:.2f}x | {r['sequential_first_piece_ms_p50']:.0f} ms | "
            f"{r['batched_first_piece_ms_p50']:.0f} ms | {r['identical_replies']}/{r['streams']} |"
            for r in rows
        ],
        "",
        "The machine is shared; read the ratios, not the seconds.",
        "",
    ]
    atomic_write_text(out / f"{name}.md", "\n".join(md))


if __name__ == "__main__":
    main()
