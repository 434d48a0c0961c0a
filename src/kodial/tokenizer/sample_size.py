"""How big a training sample does a tokenizer need? Train on growing samples, compare vocabularies.

Large Korean LMs trained their tokenizer on about 1% of the corpus, chosen by checking that the
vocabulary hardly changes as the sample grows. :func:`sample_size_study` does that check: for each
fraction it trains the same kind of tokenizer on a sample of the corpus and reports the share of
the largest sample's vocabulary (special tokens excluded) that the smaller one also learned.

Samples are nested (every text in the 1% sample is in the 2% sample) and streamed: a text belongs to
the sample of fraction ``f`` when a hash of its position and the seed falls below ``f``, so no
sample is held in memory and the same seed gives the same samples.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kodial.errors import KodialError
from kodial.tokenizer.train import TrainConfig, train_tokenizer


@dataclass
class SamplePoint:
    """One trained sample."""

    fraction: float
    texts: int
    chars: int
    vocab_size: int
    overlap_with_largest: float
    """Share of the largest sample's learned vocabulary also in this one's (1.0 for the largest)."""
    train_seconds: float


def _keep(index: int, fraction: float, seed: int) -> bool:
    digest = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < fraction


def sample_texts(texts: Iterable[str], fraction: float, seed: int = 0) -> Iterator[str]:
    """The texts kept in the ``fraction`` sample (nested across fractions for one seed)."""
    return (t for i, t in enumerate(texts) if _keep(i, fraction, seed))


def learned_vocab(tokenizer: Any) -> set[str]:
    """Vocabulary entries learned from data: everything except special tokens."""
    special = set(tokenizer.all_special_tokens)
    return {t for t in tokenizer.get_vocab() if t not in special}


def sample_size_study(
    corpus: Callable[[], Iterable[str]],
    config: TrainConfig,
    fractions: Sequence[float],
    seed: int = 0,
    on_point: Callable[[SamplePoint], None] | None = None,
) -> list[SamplePoint]:
    """Train ``config`` on each fraction of ``corpus()`` (called once per fraction, streamed).

    Returns one point per fraction, ascending; overlap is measured against the largest fraction.
    """
    if not fractions:
        raise KodialError("no sample fractions given", hint="e.g. --fractions 0.01,0.02,0.05,0.1")
    bad = [f for f in fractions if not 0 < f <= 1]
    if bad:
        raise KodialError(f"sample fractions must be in (0, 1], got {bad}")
    ordered = sorted(set(fractions))
    vocabs: list[set[str]] = []
    rows: list[tuple[float, int, int, float]] = []
    for fraction in reversed(ordered):  # largest first, so overlap can be reported as we go
        counts = {"texts": 0, "chars": 0}

        def counted(f: float = fraction, c: dict[str, int] = counts) -> Iterator[str]:
            for text in sample_texts(corpus(), f, seed):
                c["texts"] += 1
                c["chars"] += len(text)
                yield text

        start = time.perf_counter()
        try:
            tokenizer = train_tokenizer(counted(), config)
        except KodialError:
            if counts["texts"] == 0:
                raise KodialError(
                    f"the {fraction:g} sample is empty", hint="use larger fractions or more text"
                ) from None
            raise
        elapsed = time.perf_counter() - start
        vocabs.append(learned_vocab(tokenizer))
        rows.append((fraction, counts["texts"], counts["chars"], elapsed))
        point = _point(rows[-1], vocabs[-1], vocabs[0])
        if on_point is not None:
            on_point(point)
    points = [_point(row, vocab, vocabs[0]) for row, vocab in zip(rows, vocabs, strict=True)]
    return sorted(points, key=lambda p: p.fraction)


def _point(row: tuple[float, int, int, float], vocab: set[str], largest: set[str]) -> SamplePoint:
    fraction, n_texts, n_chars, seconds = row
    return SamplePoint(
        fraction=fraction,
        texts=n_texts,
        chars=n_chars,
        vocab_size=len(vocab),
        overlap_with_largest=len(vocab & largest) / max(len(largest), 1),
        train_seconds=seconds,
    )


def markdown(points: Sequence[SamplePoint], kind: str, vocab_size: int) -> str:
    """The study as a Markdown table."""
    lines = [
        f"# Vocabulary vs sample size ({kind}, vocab {vocab_size})",
        "",
        "| fraction | texts | chars | learned vocab | overlap with largest | train s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {p.fraction:g} | {p.texts:,} | {p.chars:,} | {p.vocab_size:,} | "
        f"{p.overlap_with_largest:.3f} | {p.train_seconds:.1f} |"
        for p in points
    ]
    return "\n".join([*lines, "", "![overlap](sample_size.png)", ""])


def plot(points: Sequence[SamplePoint], path: Path) -> None:
    """Overlap with the largest sample's vocabulary against the sample fraction (log x)."""
    from kodial.plots import figure, save

    with figure(figsize=(5.5, 3.8)) as (fig, ax):
        ax.plot([p.fraction for p in points], [p.overlap_with_largest for p in points], marker="o")
        ax.set_xscale("log")
        # plain numbers (0.1, 0.5, 1) rather than 10^-1: clearer, and no mathtext minus glyph
        from matplotlib.ticker import FuncFormatter

        ax.set_xticks([p.fraction for p in points])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda x, _: ""))
        ax.set_xlabel("sample fraction of corpus")
        ax.set_ylabel("vocab overlap with largest")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        save(fig, path, dpi=110)


def write_study(
    points: Sequence[SamplePoint], out_dir: str | Path, kind: str, vocab_size: int
) -> Path:
    """Write ``sample_size.{md,json,png}`` to ``out_dir``; return the .md path."""
    from kodial.textio import atomic_write_text

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plot(points, out / "sample_size.png")
    atomic_write_text(out / "sample_size.json", json.dumps([asdict(p) for p in points], indent=2))
    atomic_write_text(out / "sample_size.md", markdown(points, kind, vocab_size))
    return out / "sample_size.md"
