"""Query understanding on public Korean sets nobody here wrote: WIP (loaders and the embedding
cache first)."""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)
"""``../shared/data`` seen from the checkout (a worktree may sit one level deeper)."""
RESULTS = Path(__file__).resolve().parent / "results"
CACHE = Path(__file__).resolve().parent / ".cache"
SEED = 0


@dataclass
class Dataset:
    """Texts (whitespace-normalised, as kodial's readers store them), their labels, and the
    paraphrase group of each text when the set has groups."""

    name: str
    texts: list[str]
    labels: list[tuple[str, ...]]
    groups: list[str] | None = None
    ood: list[str] = field(default_factory=list)
    note: str = ""


def _norm(text: str) -> str:
    return " ".join(text.split())


def _tsv(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [line.rstrip("\r").split("\t") for line in lines if line.strip()]


def _sample(rows: list, n: int | None, key: int = SEED) -> list:
    """A seeded sample of ``n`` rows in file order (all rows when there are fewer)."""
    if n is None or len(rows) <= n:
        return rows
    keep = sorted(random.Random(key).sample(range(len(rows)), n))
    return [rows[i] for i in keep]


def parakqc(column: int) -> Dataset:
    """ParaKQC: 1,000 groups of 10 paraphrases (consecutive lines sharing topic and act)."""
    rows = _tsv(DATA / "paraKQC" / "data" / "paraKQC_v1.txt")
    name = "ParaKQC topic" if column == 0 else "ParaKQC act"
    return Dataset(
        name,
        [_norm(r[2]) for r in rows],
        [(r[column],) for r in rows],
        [f"g{i // 10}" for i in range(len(rows))],
        note="groups: 10 consecutive paraphrases",
    )


def i4k(n: int | None = 12_000) -> Dataset:
    rows = _sample(_tsv(DATA / "3i4k" / "data" / "train_val_test" / "fci_train_val.txt"), n)
    return Dataset(
        "3i4k intent",
        [_norm(r[1]) for r in rows],
        [(r[0],) for r in rows],
        note=f"seeded sample of {n:,} of 55,133 lines" if n else "",
    )


def kochat(n: int | None = 6_000, n_ood: int | None = 3_000) -> Dataset:
    base = DATA / "kochat_demo" / "demo" / "data"
    with (base / "intent_data.csv").open(encoding="utf-8") as f:
        rows = _sample([(r["question"], r["label"]) for r in csv.DictReader(f)], n)
    with (base / "ood" / "ood_data.csv").open(encoding="utf-8") as f:
        ood = _sample([r["question"] for r in csv.DictReader(f) if r["question"].strip()], n_ood)
    return Dataset(
        "kochat intent + OOD",
        [_norm(q) for q, _ in rows],
        [(lab,) for _, lab in rows],
        ood=[_norm(q) for q in ood],
        note=f"seeded samples of {n:,} of 19,992 intents and {n_ood:,} of 12,223 OOD queries",
    )


def sentineg() -> Dataset:
    rows = _tsv(DATA / "kobest" / "v1.0" / "SentiNeg" / "train.tsv")[1:]  # ID Text Label
    return Dataset("KoBEST SentiNeg", [_norm(r[1]) for r in rows], [(r[2],) for r in rows])


def nsmc(n: int | None = 10_000) -> Dataset:
    rows = [r for r in _tsv(DATA / "nsmc" / "train.tsv")[1:] if len(r) == 3]
    rows = _sample(rows, n)
    return Dataset(
        "NSMC sentiment",
        [_norm(r[1]) for r in rows],
        [(r[2],) for r in rows],
        note=f"seeded sample of {n:,} of 79,957 reviews" if n else "",
    )


def kote() -> Dataset:
    rows = _tsv(DATA / "kote" / "val.tsv")
    return Dataset(
        "KOTE emotion (multi-label)",
        [_norm(r[1]) for r in rows],
        [tuple(r[2].split(",")) for r in rows],
    )


# -- embedding cache: USE-multilingual vectors on disk, keyed by text hash --------------------


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class VectorCache:
    """``bench/.cache/<encoder>.npz``: ``keys`` (sha1 of each text) and ``vectors`` (float32),
    read with ``allow_pickle=False``. The encoder is slow on a shared 2-core machine (10-50
    texts/s), so every text is encoded once, ever."""

    def __init__(self, encoder: str = "use-multilingual") -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        ignore = CACHE / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")  # never committed
        self.path = CACHE / f"{encoder}.npz"
        self.encoder = encoder
        self.rows: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as z:
                self.rows = dict(zip(z["keys"].tolist(), z["vectors"], strict=True))

    def save(self) -> None:
        keys = np.array(list(self.rows), dtype="<U40")
        vectors = np.stack(list(self.rows.values())).astype(np.float32)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors)
        tmp.replace(self.path)

    def missing(self, texts: list[str]) -> list[str]:
        return [t for t in dict.fromkeys(texts) if _key(t) not in self.rows]

    def fill(self, texts: list[str], chunk: int = 512) -> None:
        from kodial.encoders import load_encoder

        todo = self.missing(texts)
        enc = load_encoder(self.encoder)
        for i in range(0, len(todo), chunk):
            part = todo[i : i + chunk]
            t0 = time.perf_counter()
            vecs = enc.encode(part)
            self.rows.update(zip(map(_key, part), vecs, strict=True))
            self.save()
            rate = len(part) / (time.perf_counter() - t0)
            print(f"  {i + len(part)}/{len(todo)} encoded ({rate:.0f} texts/s)", flush=True)

    def vectors(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.rows[_key(t)] for t in texts])


def embed_all() -> None:
    cache = VectorCache()
    for make in (
        lambda: parakqc(0),
        i4k,
        kochat,
        sentineg,
        kote,
        nsmc,
    ):
        ds = make()
        texts = ds.texts + ds.ood
        print(f"{ds.name}: {len(cache.missing(texts))} of {len(set(texts))} texts to encode")
        cache.fill(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embed", action="store_true", help="fill the embedding cache only")
    args = parser.parse_args()
    if args.embed:
        embed_all()
        return
    print(Counter(len(parakqc(0).texts) for _ in range(1)))


if __name__ == "__main__":
    sys.exit(main())
