"""Benchmark of kodial's Korean tokenizers against the plain ``tokenizers`` byte-level BPE trainer.

Three parts, one run:

1. **Equal vocabulary size** (16k; 8k with ``--quick``): train bpe, byte-bpe, wordpiece, unigram
   and morpheme-byte-bpe with kodial, and the reference ``tokenizers.ByteLevelBPETokenizer`` on the
   same texts; measure on held-out texts tokens per eojeol (fertility), tokens per character,
   unknown-token rate, exact round trip and the share of tokens crossing a Kiwi morpheme boundary.
2. **Speed against the reference**: training wall time and encode throughput (characters/s) of each
   kodial kind relative to the reference trainer / its raw ``encode_batch``.
3. **Scale** (skipped with ``--no-scale``): a ~50 MB file (5 MB with ``--quick``) built by
   repeating the training texts in shuffled order; ``kodial tokenizer train`` for morpheme-byte-bpe
   and byte-bpe and the reference trainer, each in a fresh process: wall time, CPU time and peak
   RSS. Repetition keeps the number of distinct words of the smaller corpus, so the merge phase is
   cheaper than on 50 MB of fresh text; the morpheme analysis (the dominant cost) scales with bytes.

Data, read in place from ``../shared/data`` (never copied): NSMC reviews, 3i4k utterances,
ChatbotData questions and answers, KorNLI (XNLI dev) sentence pairs.

The machine running this is shared; timings are noisy. Ratios against the reference measured in
the same run are the numbers to read.

    .venv/bin/python bench/bench_tokenizers.py [--quick] [--no-scale]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from kodial.textio import atomic_write_text
from kodial.tokenizer.compare import COLUMNS, compare_tokenizers, failures_markdown, markdown_table
from kodial.tokenizer.corpus import TextSource, iter_lines, iter_texts
from kodial.tokenizer.train import TRAINERS, TrainConfig, train_tokenizer

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parent.parent / "shared" / "data"
REFERENCE = "tokenizers ByteLevelBPE (reference)"
console = Console()


def load_corpus() -> dict[str, list[str]]:
    """Texts of each source, in file order."""
    three = SHARED / "3i4k" / "data" / "train_val_test" / "fci_train_val.txt"
    return {
        "nsmc": list(iter_texts([SHARED / "nsmc" / "train.tsv"], TextSource(column="document"))),
        "3i4k": [line.split("\t", 1)[1] for line in iter_lines(three) if "\t" in line],
        "chatbot_data": list(
            iter_texts([SHARED / "chatbot_data" / "ChatbotData.csv"], TextSource(column="Q,A"))
        ),
        "kornli": list(
            iter_texts(
                [SHARED / "kornli_korsts" / "KorNLI" / "xnli.dev.ko.tsv"],
                TextSource(column="sentence1,sentence2"),
            )
        ),
    }


def train_reference(texts: list[str], vocab_size: int) -> Any:
    from tokenizers import ByteLevelBPETokenizer

    ref = ByteLevelBPETokenizer(add_prefix_space=False)
    ref.train_from_iterator(texts, vocab_size=vocab_size, min_frequency=2, show_progress=False)
    return ref


def encode_speed(fn: Any, texts: list[str], repeats: int = 2) -> float:
    """Best characters/s of ``fn(texts)`` over a few repeats (after one warm-up)."""
    fn(texts[:32])
    chars = sum(len(t) for t in texts)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - start)
    return chars / best


SCALE_SCRIPT = """
import json, os, resource, sys, time
os.environ.setdefault("HF_HUB_OFFLINE", "1")
kind, path, out, vocab = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.perf_counter()
if kind == "reference":
    from tokenizers import ByteLevelBPETokenizer
    def lines():
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield line.rstrip("\\n")
    ref = ByteLevelBPETokenizer(add_prefix_space=False)
    ref.train_from_iterator(lines(), vocab_size=vocab, min_frequency=2, show_progress=False)
    os.makedirs(out, exist_ok=True)
    ref.save(os.path.join(out, "tokenizer.json"))
else:
    from kodial.cli import main
    sys.argv = ["kodial", "tokenizer", "train", path, "--kind", kind, "--vocab-size", str(vocab),
                "--out", out]
    try:
        main()
    except SystemExit as exc:
        if exc.code:
            raise
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM (not ru_maxrss, which Linux carries over from the parent across exec)
with open("/proc/self/status") as status:
    hwm_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print("RESULT " + json.dumps({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                             "peak_rss_mib": hwm_kib / 1024}))
"""


def scale_run(
    texts: list[str], megabytes: int, vocab_size: int, workdir: Path
) -> list[dict[str, Any]]:
    """Train on a ~``megabytes`` file in fresh processes; wall, CPU and peak RSS of each."""
    path = workdir / "scale.txt"
    rng = random.Random(0)
    target = megabytes * 1024 * 1024
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        while written < target:
            order = texts[:]
            rng.shuffle(order)
            for text in order:
                line = text.replace("\n", " ") + "\n"
                handle.write(line)
                written += len(line.encode())
                if written >= target:
                    break
    rows = []
    for kind in ("reference", "byte-bpe", "morpheme-byte-bpe"):
        console.print(f"scale: training {kind} on {written / 2**20:.0f} MiB ...")
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                SCALE_SCRIPT,
                kind,
                str(path),
                str(workdir / kind),
                str(vocab_size),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        result = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
        if proc.returncode != 0 or not result:
            raise RuntimeError(f"scale run {kind} failed:\n{proc.stderr[-2000:]}")
        row = {
            "trainer": REFERENCE if kind == "reference" else f"kodial {kind}",
            "mib": written / 2**20,
        }
        row.update(json.loads(result[0][len("RESULT ") :]))
        rows.append(row)
        console.print(row)
    path.unlink()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller corpus, vocab 8k, 5 MB scale run"
    )
    parser.add_argument("--no-scale", action="store_true", help="skip the large-file training run")
    parser.add_argument(
        "--scale-mb", type=int, default=None, help="size of the scale run file (MB)"
    )
    args = parser.parse_args()

    vocab_size = 8000 if args.quick else 16000
    sources = load_corpus()
    texts = [t for source in sources.values() for t in source]
    random.Random(0).shuffle(texts)
    n_held = 2000 if args.quick else 5000
    held, train = texts[:n_held], texts[n_held:]
    if args.quick:
        train = train[:40000]
    train_mib = sum(len(t.encode()) for t in train) / 2**20
    console.print(
        f"sources: {', '.join(f'{k} {len(v):,}' for k, v in sources.items())}; "
        f"train {len(train):,} texts ({train_mib:.1f} MiB), held out {len(held):,}; vocab {vocab_size:,}"
    )

    from transformers import PreTrainedTokenizerFast

    tokenizers: dict[str, Any] = {}
    train_seconds: dict[str, float] = {}
    start = time.perf_counter()
    reference = train_reference(train, vocab_size)
    train_seconds[REFERENCE] = time.perf_counter() - start
    tokenizers[REFERENCE] = PreTrainedTokenizerFast(tokenizer_object=reference._tokenizer)
    from kodial.tokenizer.morpheme import get_kiwi

    start = time.perf_counter()
    get_kiwi().tokenize("형태소 분석기를 미리 불러 둡니다.")
    kiwi_load = time.perf_counter() - start
    for kind in TRAINERS:
        console.print(f"training {kind} ...")
        start = time.perf_counter()
        tokenizers[kind] = train_tokenizer(train, TrainConfig(kind=kind, vocab_size=vocab_size))
        train_seconds[kind] = time.perf_counter() - start
    # the reference again, last: the best of its two runs, so run order does not favour kodial
    start = time.perf_counter()
    train_reference(train, vocab_size)
    train_seconds[REFERENCE] = min(train_seconds[REFERENCE], time.perf_counter() - start)

    console.print("measuring on held-out texts ...")
    reports = compare_tokenizers(tokenizers, held)
    raw_speed = encode_speed(lambda b: reference.encode_batch(b), held)

    ref_train = train_seconds[REFERENCE]
    ref_report = next(r for r in reports if r.name == REFERENCE)
    speed_rows = [
        {
            "tokenizer": r.name,
            "train_s": train_seconds[r.name],
            "train_vs_reference": train_seconds[r.name] / ref_train,
            "encode_chars_per_s": r.chars_per_s,
            "encode_vs_reference_hf": r.chars_per_s / ref_report.chars_per_s,
            "encode_vs_reference_raw": r.chars_per_s / raw_speed,
        }
        for r in reports
    ]

    table = Table(title=f"held-out {len(held):,} texts, vocab {vocab_size:,}")
    table.add_column("tokenizer")
    for header, _, _ in COLUMNS:
        table.add_column(header, justify="right")
    table.add_column("train s", justify="right")
    table.add_column("train x ref", justify="right")
    for r, s in zip(reports, speed_rows, strict=True):
        table.add_row(
            r.name,
            *(fmt.format(getattr(r, attr)) for _, attr, fmt in COLUMNS),
            f"{s['train_s']:.1f}",
            f"{s['train_vs_reference']:.2f}",
        )
    console.print(table)

    scale: list[dict[str, Any]] = []
    if not args.no_scale:
        megabytes = args.scale_mb or (5 if args.quick else 50)
        with tempfile.TemporaryDirectory() as tmp:
            scale = scale_run(train, megabytes, 16000, Path(tmp))

    results = {
        "quick": args.quick,
        "vocab_size": vocab_size,
        "cpu_cores": len(os.sched_getaffinity(0)),
        "load_average_at_end": os.getloadavg(),
        "sources": {k: len(v) for k, v in sources.items()},
        "train_texts": len(train),
        "train_mib": train_mib,
        "held_out_texts": len(held),
        "kiwi_load_s": kiwi_load,
        "reference_raw_encode_chars_per_s": raw_speed,
        "metrics": [asdict(r) for r in reports],
        "speed": speed_rows,
        "scale": scale,
    }
    out = ROOT / "results"
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "tokenizers.json", json.dumps(results, ensure_ascii=False, indent=2))
    atomic_write_text(out / "tokenizers.md", render_markdown(results, reports, speed_rows, scale))
    console.print(f"wrote {out / 'tokenizers.json'} and .md")


def render_markdown(
    results: dict[str, Any],
    reports: list[Any],
    speed: list[dict[str, Any]],
    scale: list[dict[str, Any]],
) -> str:
    lines = [
        "# Korean tokenizers: kodial kinds vs the plain `tokenizers` byte-level BPE trainer",
        "",
        f"Command: `.venv/bin/python bench/bench_tokenizers.py{' --quick' if results['quick'] else ''}`. "
        f"Train {results['train_texts']:,} texts ({results['train_mib']:.1f} MiB: NSMC, 3i4k, ChatbotData Q+A, "
        f"KorNLI XNLI-dev), held out {results['held_out_texts']:,}; vocabulary {results['vocab_size']:,} "
        f"for every tokenizer. {results['cpu_cores']} CPU cores shared with other jobs "
        f"(load average at the end {results['load_average_at_end'][0]:.1f}): read ratios, not seconds.",
        "",
        "## Quality at equal vocabulary size (held-out text)",
        "",
        markdown_table(reports),
        "",
        "tokens/eojeol: tokens per whitespace-separated word (lower is better); morpheme crossing: "
        "share of tokens spanning a Kiwi morpheme boundary inside a word; round trip: share of texts "
        "with decode(encode(text)) == text.",
        "",
        "## Speed against the reference (same run)",
        "",
        "| tokenizer | train s | train time x reference (best of 2) | encode chars/s (HF) | encode x reference (HF) | encode x reference raw `encode_batch` |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {s['tokenizer']} | {s['train_s']:.1f} | {s['train_vs_reference']:.2f} | {s['encode_chars_per_s']:,.0f} "
        f"| {s['encode_vs_reference_hf']:.2f} | {s['encode_vs_reference_raw']:.2f} |"
        for s in speed
    ]
    lines += [
        "",
        f"Kiwi model load (once per process, not in the times above): {results['kiwi_load_s']:.1f} s.",
        "",
    ]
    if scale:
        lines += [
            "## Scale: one training run per process on a large file (vocab 16k)",
            "",
            "The file repeats the training texts in shuffled order. CPU s is user+sys time over all "
            "threads: on a shared machine wall time stretches with the load, while CPU s divided by "
            "the cores in use estimates the wall time on idle cores (morpheme analysis runs on all "
            "cores through Kiwi's worker threads).",
            "",
            "| trainer | MiB | wall s | CPU s | peak RSS MiB | MiB/s (wall) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['trainer']} | {r['mib']:.0f} | {r['wall_s']:.0f} | {r['cpu_s']:.0f} | {r['peak_rss_mib']:.0f} "
            f"| {r['mib'] / r['wall_s']:.2f} |"
            for r in scale
        ]
        lines.append("")
    lines += ["## Round-trip failures of the non-byte-level kinds", "", failures_markdown(reports)]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
