"""Benchmark of training-sample building (``kodial.chat.samples.build_samples``) against the
reference mask of transformers (``apply_chat_template(return_assistant_tokens_mask=True)``).

The reference needs a chat template annotated with ``{% generation %}`` around every reply and
its end-of-turn token; few real templates have it, which is why kodial derives masks turn by turn
from the plain template instead. Here each tiny tokenizer (Llama-3, ChatML, Gemma templates, from
``kodial.testing.tokenizers``) gets a hand-annotated copy of its own template, so both sides see
the same text. Reported per data set and template: wall time of each side, their ratio (kodial's
per-turn renders and checks cost more than one render), and the share of conversations where ids
and masks agree exactly (expected: 100%).

Data: ``../shared/data/xpersona_ko`` (persona dialogues, facts as the system prompt) and
``../shared/data/chatbot_data`` (single-turn Q/A), read there, never copied.

    .venv/bin/python bench/bench_chat_samples.py [--quick]
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

from kodial.chat.dialogue import Conversation, load_dialogues
from kodial.chat.samples import IGNORE_INDEX, build_samples, with_system_prompt
from kodial.testing.tokenizers import build_chat_tokenizer
from kodial.textio import atomic_write_text

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parent.parent / "shared" / "data"
DATA = {
    "xpersona_ko": SHARED
    / "xpersona_ko"
    / "dataset"
    / "Ko_persona_split_valid_human_annotated.json",
    "chatbot_data": SHARED / "chatbot_data" / "ChatbotData.csv",
}
console = Console()

# The templates of kodial.testing.tokenizers, with {% generation %} around each reply + end token.
TAGGED = {
    "llama3": (
        "{%- for message in messages -%}{%- if loop.first -%}{{ bos_token }}{%- endif -%}"
        "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
        "{%- if message['role'] == 'assistant' -%}"
        "{% generation %}{{ message['content'] | trim }}{{ '<|eot_id|>' }}{% endgeneration %}"
        "{%- else -%}{{ message['content'] | trim }}{{ '<|eot_id|>' }}{%- endif -%}"
        "{%- endfor -%}"
        "{%- if add_generation_prompt -%}"
        "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif -%}"
    ),
    "chatml": (
        "{%- for message in messages -%}{{ '<|im_start|>' + message['role'] + '\\n' }}"
        "{%- if message['role'] == 'assistant' -%}"
        "{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}"
        "{%- else -%}{{ message['content'] + '<|im_end|>' }}{%- endif -%}{{ '\\n' }}"
        "{%- endfor -%}"
        "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
    ),
    "gemma": (
        "{{ bos_token }}{%- if messages[0]['role'] == 'system' -%}"
        "{%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}"
        "{%- set loop_messages = messages[1:] -%}{%- else -%}"
        "{%- set first_user_prefix = '' -%}{%- set loop_messages = messages -%}{%- endif -%}"
        "{%- for message in loop_messages -%}"
        "{%- if message['role'] == 'assistant' -%}{%- set role = 'model' -%}"
        "{%- else -%}{%- set role = message['role'] -%}{%- endif -%}"
        "{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '') }}"
        "{%- if message['role'] == 'assistant' -%}"
        "{% generation %}{{ message['content'] | trim }}{{ '<end_of_turn>' }}{% endgeneration %}"
        "{%- else -%}{{ message['content'] | trim }}{{ '<end_of_turn>' }}{%- endif -%}"
        "{{ '\\n' }}{%- endfor -%}"
        "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\\n' }}{%- endif -%}"
    ),
}


def reference(
    tok: Any, convs: list[Conversation]
) -> tuple[list[tuple[list[int], list[int]]], float]:
    """(ids, mask) per conversation from transformers' generation-tag masks, and the wall time."""
    dicts = [[m.to_dict() for m in with_system_prompt(c, None)] for c in convs]
    start = time.perf_counter()
    out = []
    for msgs in dicts:
        enc = tok.apply_chat_template(
            msgs, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
        )
        out.append((list(enc["input_ids"]), list(enc["assistant_masks"])))
    return out, time.perf_counter() - start


def run(quick: bool) -> list[dict[str, Any]]:
    from transformers import AutoTokenizer

    limits = {"xpersona_ko": 60 if quick else None, "chatbot_data": 1000 if quick else None}
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for template in TAGGED:
            out = Path(tmp) / template
            tok = build_chat_tokenizer(out, template=template)
            tagged = AutoTokenizer.from_pretrained(out)
            tagged.chat_template = TAGGED[template]
            for name, path in DATA.items():
                if not path.exists():
                    console.print(f"[yellow]skipping {name}: {path} not found")
                    continue
                convs = load_dialogues(path)[: limits[name]]
                start = time.perf_counter()
                samples, _ = build_samples(convs, tok, max_length=1 << 20)
                ours = time.perf_counter() - start
                ref, ref_time = reference(tagged, convs)
                same = sum(
                    s.input_ids == ids and [int(x != IGNORE_INDEX) for x in s.labels] == mask
                    for s, (ids, mask) in zip(samples, ref, strict=True)
                )
                rows.append(
                    {
                        "data": name,
                        "template": template,
                        "conversations": len(convs),
                        "tokens": sum(len(s) for s in samples),
                        "kodial_s": round(ours, 3),
                        "reference_s": round(ref_time, 3),
                        "ratio": round(ours / ref_time, 2),
                        "identical_pct": round(100 * same / len(convs), 2),
                    }
                )
                console.print(rows[-1])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a subset of each data set")
    args = parser.parse_args()
    rows = run(args.quick)
    table = Table(title="sample building: kodial build_samples vs transformers generation masks")
    cols = list(rows[0]) if rows else []
    for col in cols:
        table.add_column(col, justify="left" if col in ("data", "template") else "right")
    for row in rows:
        table.add_row(*(str(row[c]) for c in cols))
    console.print(table)
    results = ROOT / "results"
    payload = {"quick": args.quick, "rows": rows}
    atomic_write_text(results / "chat_samples.json", json.dumps(payload, indent=2) + "\n")
    md = [
        "# Sample building: kodial vs transformers generation-tag masks",
        "",
        "`.venv/bin/python bench/bench_chat_samples.py" + (" --quick`" if args.quick else "`"),
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
        *("| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows),
        "",
        "`ratio` = kodial time / reference time (kodial renders and checks each turn's prefixes);",
        "`identical_pct` = conversations whose ids and loss masks are identical.",
        "",
    ]
    atomic_write_text(results / "chat_samples.md", "\n".join(md))


if __name__ == "__main__":
    main()
