"""Benchmark: the time a long message costs grows with its length, not with its square.

A request body may be up to 64 KiB (``max_body_bytes``), about 20,000 Hangul syllables in one
message. Patterns that rescan a message from each position (a lazy ``(.+?)\\s*``, an optional
number before ``\\s*``, a keyword searched in the whole message for each number in it, the
self-repair loop that read the message again from its start for each 아니) made some shapes of
message take tens of seconds: 1,000 spaces took 24 s in the tool engine, 20,000 characters of
spoken amounts 16-22 s, and 1,000 digits raised an ``OverflowError``.

For each shape of message, a message of ``SHORT`` and of ``LONG`` characters goes through the
tool engine (:func:`kodial.tools.decide.decide`, a first request and an answer to its question)
and through the demo assistant's turn; the table gives the time ratio LONG/SHORT beside the same
ratio for the reference, Kiwi's morpheme analysis of the same messages (linear in the length):
linear work gives about LONG/SHORT (8), quadratic about 64. Ratios, not seconds: the machine is
shared. Every message also has to be answered (no exception).

    .venv/bin/python bench/bench_long_messages.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kodial.assistant.engine import build_demo_assistant
from kodial.korean.datetimes import SEOUL
from kodial.textio import atomic_write_text
from kodial.tokenizer.morpheme import get_kiwi
from kodial.tools.decide import decide

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent
console = Console()
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=SEOUL)
SHORT, LONG = 2_000, 16_000
TARGET = 16.0
"""Largest LONG/SHORT time ratio accepted (8 is linear; 64 quadratic)."""

TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "book_table",
            "description": "식당 자리를 예약합니다",
            "parameters": {
                "type": "object",
                "properties": {
                    "date": {"type": "string", "description": "예약 날짜 (YYYY-MM-DD)"},
                    "people": {"type": "integer", "description": "인원 수"},
                    "size": {
                        "type": "string",
                        "enum": ["small", "large"],
                        "description": "방 크기",
                    },
                    "phone": {"type": "string", "pattern": r"^010-\d{4}-\d{4}$"},
                },
                "required": ["date", "people"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "send_memo",
            "description": "메모를 남깁니다",
            "parameters": {
                "type": "object",
                "properties": {"title": {"type": "string"}, "text": {"type": "string"}},
                "required": ["text"],
            },
        },
    },
]

SHAPES: dict[str, str] = {
    "spaces": " ",
    "newlines": "\n",
    "syllables": "가",
    "words": "가나다 ",
    "digits": "1",
    "digits-spaced": "1 ",
    "amounts": "삼만칠천 ",
    "requests": "예약 내일 3시 두 명 ",
    "dates": "12월 3일 ",
    "times": "오후 3시 ",
    "repairs": "큰 거 말고 ",
    "names": "라는 메모 ",
    "labels": "제목: ",
    "commas": ", ",
    "emoji": "\U0001f600",
    "latin": "a",
    "dots": ".",
    "mixed word": "가a1",
    "quotes": "'",
    "said": "늦는다고 ",
}


def message(piece: str, n: int) -> str:
    return "내일 예약 " + (piece * (n // len(piece) + 1))[:n] + " 해 줘"


def timed(fn: Callable[[str], Any], text: str, repeat: int = 2) -> float:
    """The best of ``repeat`` runs of ``fn(text)``, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "results", help="where the table goes")
    args = ap.parse_args()
    assistant = build_demo_assistant()
    kiwi = get_kiwi()
    asked = [
        {"role": "user", "content": "자리 예약해 줘"},
        {"role": "assistant", "content": "몇 분이세요?"},
    ]
    runs: dict[str, Callable[[str], Any]] = {
        "tools, first request": lambda t: decide([{"role": "user", "content": t}], TOOLS, now=NOW),
        "tools, an answer": lambda t: decide(
            [*asked, {"role": "user", "content": t}], TOOLS, now=NOW
        ),
        "assistant turn": lambda t: assistant.turn(t, None, now=NOW).text,
    }
    for run in runs.values():  # warm-up: models and caches load once
        run("내일 두 명 예약해 줘")
    rows = []
    for shape, piece in SHAPES.items():
        short, long = message(piece, SHORT), message(piece, LONG)
        ref = timed(kiwi.analyze, long) / max(timed(kiwi.analyze, short), 1e-6)
        row: dict[str, Any] = {"shape": shape, "reference (Kiwi)": round(ref, 1)}
        for name, run in runs.items():
            s = timed(run, short)
            long_time = timed(run, long)
            row[name] = round(long_time / max(s, 1e-6), 1)
        rows.append(row)
        console.print(row)
    names = ["reference (Kiwi)", *runs]
    worst = {n: max(r[n] for r in rows) for n in runs}
    result = {
        "short_chars": SHORT,
        "long_chars": LONG,
        "target": TARGET,
        "rows": rows,
        "worst": worst,
        "median": {n: statistics.median(r[n] for r in rows) for n in names},
        "met": all(v <= TARGET for v in worst.values()),
    }
    table = Table(title=f"time ratio, {LONG:,} / {SHORT:,} characters (linear: 8)")
    table.add_column("message shape")
    for n in names:
        table.add_column(n, justify="right")
    for r in rows:
        table.add_row(r["shape"], *(f"{r[n]:.1f}" for n in names))
    console.print(table)
    lines = [
        "# Long messages: time ratio, long / short",
        "",
        f"Each message shape at {SHORT:,} and {LONG:,} characters (a 64 KiB body holds about "
        "20,000 Hangul syllables); the ratio of the two times (linear work: 8, quadratic: 64). "
        "Reference: Kiwi's morpheme analysis of the same messages. Written by "
        "`bench/bench_long_messages.py`.",
        "",
        "| message shape | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for r in rows:
        lines.append(f"| {r['shape']} | " + " | ".join(f"{r[n]:.1f}" for n in names) + " |")
    lines += [
        "",
        f"Worst ratio: {', '.join(f'{n} {v:.1f}' for n, v in worst.items())}; "
        f"target at most {TARGET:.0f}: {'met' if result['met'] else 'NOT met'}.",
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        args.out / "long_messages.json", json.dumps(result, indent=2, ensure_ascii=False)
    )
    atomic_write_text(args.out / "long_messages.md", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
