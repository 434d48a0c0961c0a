"""Benchmark of the assistant service (kodial serve), measured against in-process calls.

1. ``/v1/classify``: latency p50/p99 and throughput of the offline (lexical) classifier through
   the HTTP server, against calling ``Assistant.classify`` in-process on the same queries (the
   server's overhead as a ratio). Queries: the kochat_demo intent questions from
   ``../shared/data`` (read there, never copied).
2. Chat: a random Llama-style causal LM (~30M parameters, built here, CPU) as the chit-chat
   backend (``backend: transformers``). Tokens/s for 1 and 8 concurrent SSE streams, and time
   to first token, against plain ``model.generate`` in a loop on the same model and the same
   prompt. Decoding is greedy, so the server generates exactly the reference's tokens.

The server runs as a separate process (``kodial serve``) on 127.0.0.1; the client and the
in-process reference run here. Timings on a shared machine are noisy: read the ratios.

    .venv/bin/python bench/bench_serve.py [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import yaml
from rich.console import Console
from rich.table import Table

from kodial.assistant.config import bundled_config
from kodial.serve.runner import free_port
from kodial.textio import atomic_write_text

ROOT = Path(__file__).resolve().parent
QUERIES = (
    ROOT.parent.parent / "shared" / "data" / "kochat_demo" / "demo" / "data" / "intent_data.csv"
)
CHAT_MESSAGE = "안녕하세요!"
console = Console()


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q))


def load_queries(n: int) -> list[str]:
    with QUERIES.open(encoding="utf-8") as fh:
        rows = [r["question"] for r in csv.DictReader(fh) if r["question"].strip()]
    random.Random(0).shuffle(rows)
    return rows[:n]


def build_assistant_dir(tmp: Path, model_dir: Path, max_new_tokens: int) -> Path:
    """The bundled assistant, with chit-chat answered by the LM at ``model_dir``."""
    src = bundled_config().parent
    dst = tmp / "assistant"
    shutil.copytree(src, dst)
    cfg = yaml.safe_load((dst / "assistant.yaml").read_text(encoding="utf-8"))
    cfg["handlers"]["smalltalk"] = {
        "type": "chitchat",
        "description": "가벼운 대화",
        "backend": "transformers",
        "model": str(model_dir),
        "max_new_tokens": max_new_tokens,
        "temperature": 0.0,
        "history_turns": 0,
    }
    (dst / "assistant.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return dst / "assistant.yaml"


def start_server(config: Path, db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "KODIAL_RATE_LIMIT_PER_MINUTE": "0",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "KODIAL_LOG_LEVEL": "warning",
    }
    cmd = [
        sys.executable,
        "-c",
        "from kodial.cli import main; main()",
        "serve",
        "--config",
        str(config),
        "--port",
        str(port),
        "--db",
        str(db),
    ]
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


# -- classify ----------------------------------------------------------------------------------
def bench_classify(assistant: Any, url: str, queries: list[str], workers: int) -> dict[str, Any]:
    """Latency: each query in-process then over HTTP, interleaved, so that the shared machine's
    load drifts over both paths alike."""
    lat_in, lat_srv = [], []
    with httpx.Client(base_url=url, timeout=60) as http:
        for q in queries[:10]:  # warm-up
            assistant.classify([q])
            http.post("/v1/classify", json={"input": q}).raise_for_status()
        for q in queries:
            t = time.perf_counter()
            assistant.classify([q])
            lat_in.append(time.perf_counter() - t)
            t = time.perf_counter()
            http.post("/v1/classify", json={"input": q}).raise_for_status()
            lat_srv.append(time.perf_counter() - t)
    wall_in, wall_srv = sum(lat_in), sum(lat_srv)

    local = threading.local()

    def one(q: str) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=url, timeout=60)
        local.http.post("/v1/classify", json={"input": q}).raise_for_status()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, queries))
    wall_conc = time.perf_counter() - t0

    batch = queries[:64]
    t = time.perf_counter()
    assistant.classify(batch)
    batch_in = time.perf_counter() - t
    with httpx.Client(base_url=url, timeout=60) as http:
        t = time.perf_counter()
        http.post("/v1/classify", json={"input": batch}).raise_for_status()
        batch_srv = time.perf_counter() - t

    n = len(queries)
    return {
        "queries": n,
        "in_process": {"p50_ms": pct(lat_in, 50), "p99_ms": pct(lat_in, 99), "per_s": n / wall_in},
        "server": {"p50_ms": pct(lat_srv, 50), "p99_ms": pct(lat_srv, 99), "per_s": n / wall_srv},
        "server_concurrent": {"workers": workers, "per_s": n / wall_conc},
        "batch64": {"in_process_ms": batch_in * 1000, "server_ms": batch_srv * 1000},
        "overhead_p50_ratio": pct(lat_srv, 50) / pct(lat_in, 50),
    }


# -- chat --------------------------------------------------------------------------------------
def reference_generate(model_dir: Path, persona: Any, max_new: int, n: int) -> dict[str, Any]:
    """Plain ``model.generate`` in a loop on the server's exact prompt."""
    import torch

    from kodial.chat.generate import ChatModel

    bot = ChatModel.from_pretrained(model_dir, persona=persona, device="cpu")
    ids = torch.tensor([bot.prompt_ids([{"role": "user", "content": CHAT_MESSAGE}])])
    kwargs = bot._generate_kwargs(ids, max_new, 0.0, 1.0)
    with torch.no_grad():
        bot.model.generate(**kwargs)  # warm-up
        t = time.perf_counter()
        bot.model.generate(**{**kwargs, "max_new_tokens": 1})
        ttft = time.perf_counter() - t
        tokens = 0
        t0 = time.perf_counter()
        for _ in range(n):
            out = bot.model.generate(**kwargs)
            tokens += out.shape[1] - ids.shape[1]
        wall = time.perf_counter() - t0
        new = out[0, ids.shape[1] :].tolist()
    stream_ttft = float("nan")
    t = time.perf_counter()
    for _piece in bot.stream([{"role": "user", "content": CHAT_MESSAGE}], max_new, 0.0):
        if stream_ttft != stream_ttft:  # NaN: the first piece
            stream_ttft = time.perf_counter() - t
    text = bot.tokenizer.decode([i for i in new if i not in bot.eot_ids], skip_special_tokens=True)
    return {
        "tokens_per_request": tokens // n,
        "tokens_per_s": tokens / wall,
        "ttft_ms": ttft * 1000,
        "stream_ttft_ms": stream_ttft * 1000,
        "prompt_tokens": int(ids.shape[1]),
        "text": text.strip(),
        "params_m": sum(p.numel() for p in bot.model.parameters()) / 1e6,
    }


def stream_once(url: str, model: str) -> tuple[float, float, str]:
    """(time to first content, total time, reply) of one SSE chat request."""
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": CHAT_MESSAGE}]}
    first = None
    parts: list[str] = []
    t0 = time.perf_counter()
    with (
        httpx.Client(base_url=url, timeout=300) as http,
        http.stream("POST", "/v1/chat/completions", json=body) as r,
    ):
        r.raise_for_status()
        for line in r.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            ev = json.loads(line[6:])
            if ev.get("error"):
                raise SystemExit(f"stream error: {ev['error']}")
            for ch in ev.get("choices", []):
                piece = ch["delta"].get("content")
                if piece:
                    first = first or time.perf_counter() - t0
                    parts.append(piece)
            if ev.get("kodial") and ev["kodial"]["route"]["handler"] != "smalltalk":
                raise SystemExit(f"routed to {ev['kodial']['route']['handler']}, not smalltalk")
    return first or 0.0, time.perf_counter() - t0, "".join(parts)


def bench_chat(
    url: str, model: str, ref: dict[str, Any], n_single: int, rounds: int
) -> dict[str, Any]:
    stream_once(url, model)  # warm-up
    ttfts, replies = [], []
    t0 = time.perf_counter()
    for _ in range(n_single):
        ttft, _, reply = stream_once(url, model)
        ttfts.append(ttft)
        replies.append(reply)
    wall1 = time.perf_counter() - t0
    tok = ref["tokens_per_request"]
    same = all(r.strip() == ref["text"] for r in replies) and bool(ref["text"])
    conc = 8
    ttft8 = []
    t0 = time.perf_counter()
    with ThreadPoolExecutor(conc) as pool:
        for ttft, _, _reply in pool.map(lambda _: stream_once(url, model), range(conc * rounds)):
            ttft8.append(ttft)
    wall8 = time.perf_counter() - t0
    return {
        "same_tokens_as_reference": same,
        "streams_1": {
            "requests": n_single,
            "tokens_per_s": tok * n_single / wall1,
            "ttft_p50_ms": pct(ttfts, 50),
        },
        "streams_8": {
            "requests": conc * rounds,
            "tokens_per_s": tok * conc * rounds / wall8,
            "ttft_p50_ms": pct(ttft8, 50),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch intra-op threads, here and in the server (default 1: on a shared "
        "2-core machine two OpenMP threads wait on each other and run ~5x slower)",
    )
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # inherited by the server subprocess
    import torch

    torch.set_num_threads(args.threads)
    from threadpoolctl import threadpool_limits

    threadpool_limits(args.threads)  # numpy/sklearn BLAS in this process, like the server's
    n_queries = 60 if args.quick else 300
    max_new = 32 if args.quick else 64
    n_single, rounds = (2, 1) if args.quick else (4, 1)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    from kodial.assistant.engine import Assistant
    from kodial.testing.causal_lm import build_tiny_llama, untie_head

    tmp = Path(tempfile.mkdtemp(prefix="kodial-bench-serve-"))
    proc = None
    try:
        with console.status("building a ~30M-parameter random Llama and the bench assistant"):
            model_dir = build_tiny_llama(
                tmp / "lm",
                hidden_size=640,
                num_layers=8,
                num_heads=10,
                vocab_size=2000,
                max_positions=2048,
            )
            untie_head(model_dir)
            config = build_assistant_dir(tmp, model_dir, max_new)
        with console.status("starting kodial serve (subprocess) and loading the assistant here"):
            proc, url = start_server(config, tmp / "sessions.db", tmp / "server.log")
            assistant = Assistant.from_config(config)
        queries = load_queries(n_queries)
        with console.status(f"classify: {len(queries)} queries"):
            cls = bench_classify(assistant, url, queries, workers=8)
        with console.status("chat: reference model.generate"):
            ref = reference_generate(model_dir, assistant.persona, max_new, n_single)
        with console.status("chat: SSE streams"):
            chat = bench_chat(url, assistant.name, ref, n_single, rounds)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)

    result = {
        "quick": args.quick,
        "cpu_count": os.cpu_count(),
        "torch_threads": args.threads,
        "classify": cls,
        "chat": {
            "model_params_m": round(ref["params_m"], 1),
            "max_new_tokens": max_new,
            "reference": {k: v for k, v in ref.items() if k != "text"},
            **chat,
        },
    }
    report(result)


def report(r: dict[str, Any]) -> None:
    c = r["classify"]
    t1 = Table(title=f"/v1/classify, {c['queries']} kochat_demo queries, lexical classifier")
    for col in ["path", "p50 ms", "p99 ms", "queries/s"]:
        t1.add_column(col)
    t1.add_row(
        "in-process Assistant.classify",
        f"{c['in_process']['p50_ms']:.1f}",
        f"{c['in_process']['p99_ms']:.1f}",
        f"{c['in_process']['per_s']:.1f}",
    )
    t1.add_row(
        "HTTP, 1 client",
        f"{c['server']['p50_ms']:.1f}",
        f"{c['server']['p99_ms']:.1f}",
        f"{c['server']['per_s']:.1f}",
    )
    t1.add_row(
        f"HTTP, {c['server_concurrent']['workers']} clients",
        "",
        "",
        f"{c['server_concurrent']['per_s']:.1f}",
    )
    t1.add_row(
        "batch of 64: in-process / HTTP (ms)",
        f"{c['batch64']['in_process_ms']:.0f}",
        f"{c['batch64']['server_ms']:.0f}",
        "",
    )
    ch = r["chat"]
    ref = ch["reference"]
    t2 = Table(
        title=f"chat, random Llama {ch['model_params_m']}M params, CPU, greedy, "
        f"{ref['tokens_per_request']} new tokens/reply"
    )
    for col in ["path", "tokens/s", "TTFT p50 ms"]:
        t2.add_column(col)
    t2.add_row(
        "model.generate loop (reference)", f"{ref['tokens_per_s']:.1f}", f"{ref['ttft_ms']:.0f}"
    )
    t2.add_row("ChatModel.stream in-process, first piece", "", f"{ref['stream_ttft_ms']:.0f}")
    t2.add_row(
        "server, 1 SSE stream",
        f"{ch['streams_1']['tokens_per_s']:.1f}",
        f"{ch['streams_1']['ttft_p50_ms']:.0f}",
    )
    t2.add_row(
        "server, 8 concurrent SSE streams",
        f"{ch['streams_8']['tokens_per_s']:.1f}",
        f"{ch['streams_8']['ttft_p50_ms']:.0f}",
    )
    console.print(t1, t2)
    ratios = (
        f"server overhead (classify p50): x{c['overhead_p50_ratio']:.2f}; "
        f"1 stream / reference tokens/s: {ch['streams_1']['tokens_per_s'] / ref['tokens_per_s']:.2f}; "
        f"8 streams / reference: {ch['streams_8']['tokens_per_s'] / ref['tokens_per_s']:.2f}; "
        f"server replies identical to reference tokens: {ch['same_tokens_as_reference']}"
    )
    console.print(ratios)
    out = ROOT / "results"
    suffix = "-quick" if r["quick"] else ""
    atomic_write_text(
        out / f"serve{suffix}.json", json.dumps(r, ensure_ascii=False, indent=2) + "\n"
    )
    md = [
        "# bench_serve: the assistant service vs in-process calls",
        "",
        f"Command: `.venv/bin/python bench/bench_serve.py{' --quick' if r['quick'] else ''}` "
        f"({r['cpu_count']} shared CPU cores, torch intra-op threads {r['torch_threads']} in both "
        "the server and the reference; server = `kodial serve` subprocess on 127.0.0.1).",
        "",
        f"## /v1/classify ({c['queries']} kochat_demo queries, offline lexical classifier)",
        "",
        "| path | p50 ms | p99 ms | queries/s |",
        "|---|---|---|---|",
        f"| in-process `Assistant.classify` | {c['in_process']['p50_ms']:.1f} | {c['in_process']['p99_ms']:.1f} | {c['in_process']['per_s']:.1f} |",
        f"| HTTP, 1 client | {c['server']['p50_ms']:.1f} | {c['server']['p99_ms']:.1f} | {c['server']['per_s']:.1f} |",
        f"| HTTP, {c['server_concurrent']['workers']} clients | | | {c['server_concurrent']['per_s']:.1f} |",
        f"| batch of 64, in-process / HTTP | {c['batch64']['in_process_ms']:.0f} ms | {c['batch64']['server_ms']:.0f} ms | |",
        "",
        f"Server overhead at p50: **x{c['overhead_p50_ratio']:.2f}**.",
        "",
        f"## Chat ({ch['model_params_m']}M-parameter random Llama, CPU, greedy, "
        f"{ref['tokens_per_request']} new tokens per reply, prompt {ref['prompt_tokens']} tokens)",
        "",
        "| path | tokens/s | TTFT p50 ms |",
        "|---|---|---|",
        f"| `model.generate` loop (reference) | {ref['tokens_per_s']:.1f} | {ref['ttft_ms']:.0f} |",
        f"| `ChatModel.stream` in-process, first piece | | {ref['stream_ttft_ms']:.0f} |",
        f"| server, 1 SSE stream | {ch['streams_1']['tokens_per_s']:.1f} | {ch['streams_1']['ttft_p50_ms']:.0f} |",
        f"| server, 8 concurrent SSE streams | {ch['streams_8']['tokens_per_s']:.1f} | {ch['streams_8']['ttft_p50_ms']:.0f} |",
        "",
        ratios + ".",
        "",
        "Server tokens/s = reference tokens per reply x replies / wall time (greedy decoding: the "
        "server produces the reference's tokens; checked on the reply text). TTFT: reference = one "
        "`generate` call with `max_new_tokens=1`; `ChatModel.stream` = first text piece in-process "
        "(the streamer releases each character once its bytes are complete); server = request "
        "sent to first content delta (adds routing, "
        "classification and HTTP to the `ChatModel.stream` figure). Classify latencies are "
        "measured interleaved (each query in-process, then over HTTP); queries/s = 1 / mean.",
        "",
    ]
    atomic_write_text(out / f"serve{suffix}.md", "\n".join(md))


if __name__ == "__main__":
    main()
