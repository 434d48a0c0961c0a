"""Offline default classifier (``lexical``) vs two classic baselines on public Korean sets.

Datasets (read from ``../shared/data``, split here with a fixed seed, stratified):

- ParaKQC topic: 1,000 groups of 10 paraphrases; whole groups go to one side of the split, so
  the test queries are paraphrases the model never saw.
- 3i4k: 7 utterance intents (fragment, statement, question, command, rhetorical ...).
- kochat: 4 intents plus its out-of-domain set, used for the fallback: every method's fallback
  thresholds are calibrated (``choose_policy``, target recall 0.95) on a dev split + half of the
  OOD queries and measured on the test split + the other half.
- NSMC: movie-review sentiment; subsampled to 62,500 reviews so that training uses 50,000
  (the "train on 50k queries" timing).

Methods, same splits, same run: kodial ``lexical`` with its default config; (a) word TF-IDF +
LogisticRegression; (b) character 1-4-gram TF-IDF (sublinear) + LinearSVC.
Speed: training wall time and batch predict throughput (test queries scored in batches of 1,024,
end to end from raw text, morpheme analysis included). The machine is shared, so the load
average is recorded and ratios matter more than absolute numbers.

Run: ``.venv/bin/python bench/bench_classify.py [--quick]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC

from kodial.classify.data import Example, LabelledData
from kodial.classify.fallback import auroc, choose_policy, fallback_metrics, top_two
from kodial.classify.lexical import LexicalClassifier
from kodial.textio import atomic_write_text

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"
SEED = 0
TEST_RATIO = 0.2
BATCH = 1024
TARGET_RECALL = 0.95


@dataclass
class Split:
    name: str
    train_x: list[str]
    train_y: list[str]
    test_x: list[str]
    test_y: list[str]
    dev_x: list[str] = field(default_factory=list)
    dev_y: list[str] = field(default_factory=list)
    ood_calib: list[str] = field(default_factory=list)
    ood_test: list[str] = field(default_factory=list)
    note: str = ""


def _subsample(x: list[str], y: list[str], n: int | None) -> tuple[list[str], list[str]]:
    if n is None or len(x) <= n:
        return x, y
    xs, _, ys, _ = train_test_split(x, y, train_size=n, stratify=y, random_state=SEED)
    return list(xs), list(ys)


def _stratified(name: str, x: list[str], y: list[str], n: int | None, note: str) -> Split:
    x, y = _subsample(x, y, n)
    a, b, c, d = train_test_split(x, y, test_size=TEST_RATIO, stratify=y, random_state=SEED)
    return Split(name, list(a), list(c), list(b), list(d), note=note)


def _tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line]


def parakqc(n: int | None) -> Split:
    rows = _tsv(DATA / "paraKQC" / "data" / "paraKQC_v1.txt")
    groups = list(range(len(rows) // 10))
    random.Random(SEED).shuffle(groups)
    if n is not None:
        groups = groups[: max(10, n // 10)]
    test = set(groups[: round(len(groups) * TEST_RATIO)])
    tr = [r for i, r in enumerate(rows) if i // 10 in groups and i // 10 not in test]
    te = [r for i, r in enumerate(rows) if i // 10 in test]
    return Split(
        "ParaKQC topic",
        [r[2] for r in tr],
        [r[0] for r in tr],
        [r[2] for r in te],
        [r[0] for r in te],
        note="paraphrase groups of 10 kept on one side of the split",
    )


def i4k(n: int | None) -> Split:
    rows = _tsv(DATA / "3i4k" / "data" / "train_val_test" / "fci_train_val.txt")
    return _stratified("3i4k intent", [r[1] for r in rows], [r[0] for r in rows], n, "")


def kochat(n: int | None) -> Split:
    base = DATA / "kochat_demo" / "demo" / "data"
    with (base / "intent_data.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    x, y = _subsample([r["question"] for r in rows], [r["label"] for r in rows], n)
    a, te_x, b, te_y = train_test_split(x, y, test_size=TEST_RATIO, stratify=y, random_state=SEED)
    tr_x, dev_x, tr_y, dev_y = train_test_split(a, b, test_size=0.1, stratify=b, random_state=SEED)
    with (base / "ood" / "ood_data.csv").open(encoding="utf-8") as f:
        ood = [r["question"] for r in csv.DictReader(f) if r["question"].strip()]
    random.Random(SEED).shuffle(ood)
    if n is not None:
        ood = ood[: n // 2]
    half = len(ood) // 2
    return Split(
        "kochat intent + OOD",
        list(tr_x),
        list(tr_y),
        list(te_x),
        list(te_y),
        list(dev_x),
        list(dev_y),
        ood[:half],
        ood[half:],
        note="10% of train held out as dev for fallback calibration (all methods train on the rest)",
    )


def nsmc(n: int | None) -> Split:
    rows = [r for r in _tsv(DATA / "nsmc" / "train.tsv")[1:] if len(r) == 3]
    return _stratified(
        "NSMC sentiment",
        [r[1] for r in rows],
        [r[2] for r in rows],
        n or 62_500,
        "subsampled to 62,500 reviews: 50,000 train / 12,500 test",
    )


DATASETS: dict[str, Callable[[int | None], Split]] = {
    "parakqc": parakqc,
    "3i4k": i4k,
    "kochat": kochat,
    "nsmc": nsmc,
}


# -- methods: fit(train_x, train_y) and scores(texts) -> (N, L) ------------------------------


class Kodial:
    name = "kodial lexical"

    def fit(self, x: list[str], y: list[str]) -> list[str]:
        data = LabelledData([Example(t, (lab,)) for t, lab in zip(x, y, strict=True)])
        self.clf = LexicalClassifier().fit(data)
        return self.clf.labels

    def scores(self, x: list[str]) -> np.ndarray:
        return self.clf.predict_scores(x)


class SkBaseline:
    def __init__(self, name: str, make: Callable[[], Pipeline]) -> None:
        self.name = name
        self.make = make

    def fit(self, x: list[str], y: list[str]) -> list[str]:
        self.pipe = self.make().fit(x, y)
        return [str(c) for c in self.pipe.classes_]

    def scores(self, x: list[str]) -> np.ndarray:
        if hasattr(self.pipe, "predict_proba"):
            return np.asarray(self.pipe.predict_proba(x))
        dec = np.asarray(self.pipe.decision_function(x))
        return np.stack([-dec, dec], 1) if dec.ndim == 1 else dec


def methods() -> list[Any]:
    return [
        Kodial(),
        SkBaseline(
            "(a) word TF-IDF + LogReg",
            lambda: make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)),
        ),
        SkBaseline(
            "(b) char 1-4 TF-IDF + LinearSVC",
            lambda: make_pipeline(
                TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True),
                LinearSVC(),
            ),
        ),
    ]


def batched_scores(method: Any, x: list[str]) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    out = [method.scores(x[i : i + BATCH]) for i in range(0, len(x), BATCH)]
    return np.vstack(out), time.perf_counter() - t0


def run_one(split: Split, method: Any) -> dict[str, Any]:
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    labels = method.fit(split.train_x, split.train_y)
    train_s = time.perf_counter() - t0
    scores, pred_s = batched_scores(method, split.test_x)  # (N, L)
    pred = [labels[i] for i in scores.argmax(1)]
    row: dict[str, Any] = {
        "dataset": split.name,
        "method": method.name,
        "n_train": len(split.train_x),
        "n_test": len(split.test_x),
        "accuracy": accuracy_score(split.test_y, pred),
        "macro_f1": f1_score(split.test_y, pred, average="macro"),
        "train_s": train_s,
        "predict_qps": len(split.test_x) / pred_s,
        "load_avg_1m": round((load0 + os.getloadavg()[0]) / 2, 2),
    }
    if split.ood_test:
        dev_scores, _ = batched_scores(method, split.dev_x)
        calib_scores, _ = batched_scores(method, split.ood_calib)
        ood_scores, _ = batched_scores(method, split.ood_test)
        policy = choose_policy(dev_scores, calib_scores, TARGET_RECALL)
        m = fallback_metrics(scores, ood_scores, policy)
        row |= {
            "ood_auroc": auroc(top_two(scores)[0], top_two(ood_scores)[0]),
            "false_fallback_rate": m.false_fallback_rate,
            "ood_detection_rate": m.ood_detection_rate,
        }
    return row


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        "# bench_classify: kodial lexical vs classic baselines",
        "",
        f"Command: `{meta['command']}`; {meta['cpus']} CPUs shared with other jobs (load average "
        "per row); seed 0 stratified splits, test share 0.2. Throughput: test queries scored from "
        f"raw text in batches of {BATCH}.",
        "",
        "| dataset | method | n train / test | accuracy | macro-F1 | train s | predict q/s "
        "| OOD AUROC | false fallback | OOD detected | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def f(v: Any, spec: str = ".4f") -> str:
        return "-" if v is None else format(v, spec)

    for r in rows:
        lines.append(
            f"| {r['dataset']} | {r['method']} | {r['n_train']} / {r['n_test']} | "
            f"{f(r['accuracy'])} | {f(r['macro_f1'])} | {f(r['train_s'], '.1f')} | "
            f"{f(r['predict_qps'], ',.0f')} | {f(r.get('ood_auroc'))} | "
            f"{f(r.get('false_fallback_rate'))} | {f(r.get('ood_detection_rate'))} | "
            f"{r['load_avg_1m']} |"
        )
    lines += ["", "## Ratios (kodial / baseline)", ""]
    lines += ["| dataset | acc - (a) | acc - (b) | F1 - (b) | train time / (b) | q/s / (b) |"]
    lines += ["|---|---|---|---|---|---|"]
    for ds in dict.fromkeys(r["dataset"] for r in rows):
        k, a, b = (r for r in rows if r["dataset"] == ds)
        lines.append(
            f"| {ds} | {k['accuracy'] - a['accuracy']:+.4f} | {k['accuracy'] - b['accuracy']:+.4f}"
            f" | {k['macro_f1'] - b['macro_f1']:+.4f} | {k['train_s'] / b['train_s']:.2f}x | "
            f"{k['predict_qps'] / b['predict_qps']:.2f}x |"
        )
    nsmc_rows = [r for r in rows if r["dataset"].startswith("NSMC") and r["n_train"] >= 50_000]
    k_rows = [r for r in rows if r["method"] == Kodial.name]
    lines += ["", "## Targets", ""]
    if nsmc_rows:
        lines.append(
            f"- train on 50k queries in under a minute: {nsmc_rows[0]['train_s']:.1f} s "
            f"(NSMC, load average {nsmc_rows[0]['load_avg_1m']})"
        )
    lines.append(
        "- predict >= 5,000 queries/s in batch: "
        + ", ".join(f"{r['dataset']} {r['predict_qps']:,.0f}" for r in k_rows)
        + " (cold: the test words are new to the morpheme cache)"
    )
    lines += ["", "Notes:", ""]
    lines += [f"- {name}: {note}" for name, note in meta["notes"].items() if note]
    lines += [
        "- Fallback (kochat): thresholds from `choose_policy` on the dev split + half the OOD "
        f"queries at target in-domain recall {TARGET_RECALL}; false fallback and OOD detection "
        "measured on the test split + the other half. AUROC uses the top score (LinearSVC: top "
        "decision value).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="subsample every set to 4,000")
    parser.add_argument("--only", help="comma-separated dataset keys: " + ", ".join(DATASETS))
    args = parser.parse_args()
    n = 4000 if args.quick else None
    keys = args.only.split(",") if args.only else list(DATASETS)
    console = Console()
    rows = []
    notes = {}
    for key in keys:
        split = DATASETS[key](n)
        notes[split.name] = split.note
        for method in methods():
            with console.status(f"{split.name}: {method.name}"):
                row = run_one(split, method)
            rows.append(row)
            console.print(
                f"{split.name:22s} {method.name:34s} acc {row['accuracy']:.4f} "
                f"F1 {row['macro_f1']:.4f} train {row['train_s']:.1f}s "
                f"{row['predict_qps']:,.0f} q/s"
            )
    table = Table(title="bench_classify")
    for col in ("dataset", "method", "acc", "macro-F1", "train s", "q/s", "OOD AUROC", "load"):
        table.add_column(col)
    for r in rows:
        au = r.get("ood_auroc")
        table.add_row(
            r["dataset"],
            r["method"],
            f"{r['accuracy']:.4f}",
            f"{r['macro_f1']:.4f}",
            f"{r['train_s']:.1f}",
            f"{r['predict_qps']:,.0f}",
            "-" if au is None else f"{au:.4f}",
            str(r["load_avg_1m"]),
        )
    console.print(table)
    meta = {
        "command": "python bench/bench_classify.py" + (" --quick" if args.quick else ""),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "notes": notes,
    }
    suffix = ("_quick" if args.quick else "") + ("_" + "-".join(keys) if args.only else "")
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        RESULTS / f"classify{suffix}.json", json.dumps({"meta": meta, "rows": rows}, indent=2)
    )
    atomic_write_text(RESULTS / f"classify{suffix}.md", markdown(rows, meta))
    console.print(f"wrote {RESULTS / f'classify{suffix}.json'} and .md")


if __name__ == "__main__":
    sys.exit(main())
