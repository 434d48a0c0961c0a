"""Comparing tokenizers on held-out Korean text: how much text per token, and what gets lost.

Metrics per tokenizer (texts encoded without special tokens):

- ``fertility``: tokens per eojeol (whitespace-separated word). Lower fits more text in a context.
- ``tokens_per_char``: tokens per character (spaces included).
- ``unk_rate``: share of tokens that are the unknown token (0 for byte-level kinds).
- ``roundtrip_rate``: share of texts with ``decode(encode(text)) == text``, and for the failures
  the cause (:data:`FAILURE_CAUSES`) and a few examples.
- ``morpheme_crossing``: share of tokens whose character span crosses a Kiwi morpheme boundary
  inside an eojeol (e.g. one token for 과를 in 사과를). Whitespace at a token's edge does not count.
- ``chars_per_s``: encode throughput of the Hugging Face tokenizer on the whole batch.
"""

from __future__ import annotations

import bisect
import json
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

FAILURE_CAUSES = ("unknown token", "lost or added spaces", "normalization", "other")
"""Why a round trip failed, checked in this order."""


if TYPE_CHECKING:
    from rich.table import Table


@dataclass
class TokenizerReport:
    """Metrics of one tokenizer on one text set."""

    name: str
    vocab_size: int
    texts: int
    tokens: int
    fertility: float
    tokens_per_char: float
    unk_rate: float
    roundtrip_rate: float
    morpheme_crossing: float
    chars_per_s: float
    failures: dict[str, int] = field(default_factory=dict)
    """Round-trip failures by cause."""
    examples: list[dict[str, str]] = field(default_factory=list)
    """Up to five failed round trips: text, decoded text, cause."""


def morpheme_boundaries(texts: Sequence[str]) -> list[list[int]]:
    """Per text, the sorted character positions where one morpheme ends and another begins."""
    from kodial.tokenizer.morpheme import get_kiwi, morpheme_spans

    result: list[list[int]] = []
    for tokens, text in get_kiwi().tokenize(iter(texts), echo=True):
        cuts: set[int] = set()
        for start, end in morpheme_spans(text, tokens):
            cuts.update((start, end))
        result.append(sorted(c for c in cuts if 0 < c < len(text)))
    return result


def crosses(text: str, start: int, end: int, boundaries: list[int]) -> bool:
    """Whether ``text[start:end]`` spans a morpheme boundary with non-space text on both sides.

    >>> crosses("사과를", 1, 3, [2])
    True
    >>> crosses(" 사과", 0, 3, [1])
    False
    """
    i = bisect.bisect_right(boundaries, start)
    while i < len(boundaries) and boundaries[i] < end:
        p = boundaries[i]
        if text[start:p].strip() and text[p:end].strip():
            return True
        i += 1
    return False


def failure_cause(text: str, decoded: str, has_unk: bool) -> str:
    """Classify a failed round trip (see :data:`FAILURE_CAUSES`)."""
    if has_unk:
        return "unknown token"
    if "".join(text.split()) == "".join(decoded.split()):
        return "lost or added spaces"
    nfkc = unicodedata.normalize("NFKC", text)
    if decoded == nfkc or "".join(nfkc.split()) == "".join(decoded.split()):
        return "normalization"
    return "other"


def evaluate(
    name: str,
    tokenizer: Any,
    texts: Sequence[str],
    boundaries: list[list[int]],
    repeats: int = 2,
) -> TokenizerReport:
    """Measure one Hugging Face fast tokenizer on ``texts`` (see module docstring); encode speed is
    the best of ``repeats`` timed passes."""
    tokenizer(list(texts[:16]), add_special_tokens=False)  # warm-up: thread pools, caches
    elapsed = float("inf")
    for _ in range(repeats):  # best of a few: timings on a shared machine are noisy
        start = time.perf_counter()
        tokenizer(list(texts), add_special_tokens=False)
        elapsed = min(elapsed, time.perf_counter() - start)
    enc = tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True)
    unk_id = tokenizer.unk_token_id
    n_tokens = n_unk = n_cross = n_ok = 0
    failures: Counter[str] = Counter()
    examples: list[dict[str, str]] = []
    for text, ids, offsets, bounds in zip(
        texts, enc["input_ids"], enc["offset_mapping"], boundaries, strict=True
    ):
        n_tokens += len(ids)
        unk_here = unk_id is not None and unk_id in ids
        n_unk += sum(1 for i in ids if i == unk_id) if unk_here else 0
        n_cross += sum(1 for s, e in offsets if e - s > 1 and crosses(text, s, e, bounds))
        decoded = tokenizer.decode(ids, clean_up_tokenization_spaces=False)
        if decoded == text:
            n_ok += 1
            continue
        cause = failure_cause(text, decoded, unk_here)
        failures[cause] += 1
        if len(examples) < 5:
            examples.append({"text": text, "decoded": decoded, "cause": cause})
    n_chars = sum(len(t) for t in texts)
    n_words = sum(len(t.split()) for t in texts)
    return TokenizerReport(
        name=name,
        vocab_size=len(tokenizer),
        texts=len(texts),
        tokens=n_tokens,
        fertility=n_tokens / max(n_words, 1),
        tokens_per_char=n_tokens / max(n_chars, 1),
        unk_rate=n_unk / max(n_tokens, 1),
        roundtrip_rate=n_ok / max(len(texts), 1),
        morpheme_crossing=n_cross / max(n_tokens, 1),
        chars_per_s=n_chars / max(elapsed, 1e-9),
        failures=dict(failures),
        examples=examples,
    )


def compare_tokenizers(tokenizers: dict[str, Any], texts: Sequence[str]) -> list[TokenizerReport]:
    """Evaluate every tokenizer (name -> Hugging Face fast tokenizer) on the same texts."""
    boundaries = morpheme_boundaries(texts)
    return [evaluate(name, tok, texts, boundaries) for name, tok in tokenizers.items()]


COLUMNS = (
    ("vocab", "vocab_size", "{:d}"),
    ("tokens/eojeol", "fertility", "{:.3f}"),
    ("tokens/char", "tokens_per_char", "{:.3f}"),
    ("unk rate", "unk_rate", "{:.4f}"),
    ("round trip", "roundtrip_rate", "{:.4f}"),
    ("morpheme crossing", "morpheme_crossing", "{:.4f}"),
    ("chars/s", "chars_per_s", "{:,.0f}"),
)
"""Table columns: header, report attribute, format."""


def markdown_table(reports: Sequence[TokenizerReport]) -> str:
    """The metrics as a Markdown table, one row per tokenizer."""
    head = "| tokenizer | " + " | ".join(h for h, _, _ in COLUMNS) + " |"
    rule = "|---|" + "---:|" * len(COLUMNS)
    rows = [
        f"| {r.name} | "
        + " | ".join(fmt.format(getattr(r, attr)) for _, attr, fmt in COLUMNS)
        + " |"
        for r in reports
    ]
    return "\n".join([head, rule, *rows])


def failures_markdown(reports: Sequence[TokenizerReport]) -> str:
    """Round-trip failures by cause with examples, for tokenizers that have any."""
    lines: list[str] = []
    for r in reports:
        if not r.failures:
            continue
        causes = ", ".join(f"{cause}: {n}" for cause, n in sorted(r.failures.items()))
        lines.append(f"### {r.name}\n\n{sum(r.failures.values())} of {r.texts} texts ({causes})\n")
        for ex in r.examples:
            lines.append(f"- {ex['cause']}: `{ex['text']}` -> `{ex['decoded']}`")
        lines.append("")
    return "\n".join(lines) if lines else "Every tokenizer decoded every text exactly.\n"


def plot_reports(reports: Sequence[TokenizerReport], path: Path) -> None:
    """Bar charts of fertility, morpheme crossing and round-trip rate."""
    from kodial.plots import figure, save

    names = [r.name for r in reports]
    panels = (
        ("tokens per eojeol", [r.fertility for r in reports]),
        ("morpheme-crossing tokens", [r.morpheme_crossing for r in reports]),
        ("exact round trip", [r.roundtrip_rate for r in reports]),
    )
    with figure(1, len(panels), figsize=(4.2 * len(panels), 3.6)) as (fig, axes):
        for ax, (title, values) in zip(axes, panels, strict=True):
            ax.bar(names, values, color="#4c72b0")
            ax.set_title(title)
            ax.tick_params(axis="x", rotation=30)
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("right")
        fig.tight_layout()
        save(fig, path, dpi=110)


def write_report(reports: Sequence[TokenizerReport], out_dir: str | Path, title: str) -> Path:
    """Write ``report.md``, ``report.json`` and ``report.png`` to ``out_dir``; return the .md."""
    from kodial.textio import atomic_write_text

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plot_reports(reports, out / "report.png")
    atomic_write_text(
        out / "report.json", json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2)
    )
    md = (
        f"# {title}\n\n{markdown_table(reports)}\n\n![metrics](report.png)\n\n"
        f"## Round-trip failures\n\n{failures_markdown(reports)}"
    )
    atomic_write_text(out / "report.md", md)
    return out / "report.md"


def report_table(reports: list[TokenizerReport], title: str) -> Table:
    """The comparison as a terminal table (one row per tokenizer, the :data:`COLUMNS`)."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column("tokenizer")
    for header, _, _ in COLUMNS:
        table.add_column(header, justify="right")
    for r in reports:
        table.add_row(r.name, *(fmt.format(getattr(r, attr)) for _, attr, fmt in COLUMNS))
    return table
