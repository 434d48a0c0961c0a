"""Benchmark of ``nli-zeroshot`` against ``transformers.pipeline("zero-shot-classification")``.

Speed (part A), on one random BERT-base-shaped NLI model (12 layers, hidden 768, 12 heads; random
weights are fine for speed) with a WordPiece tokenizer trained at run time on the benchmark's
queries, so sequence lengths are realistic. Both sides load the same saved directory. On CPU:

- 64 queries x 8 labels: the pipeline as usually called (``pipe(queries, candidate_labels=...)``,
  batch size 1) and at several batch sizes, vs kodial (all pairs batched with length bucketing);
  queries/s, ratios, and the max abs difference of the scores (should be ~1e-6);
- 32 labels (first 16 queries): kodial scoring every label vs ``candidates_top_k=3`` (no
  examples fitted, so narrowing by the encoder's embedding) vs the pipeline, with the top-1
  agreement between top-3 and full scoring (on random weights this says little).

The pipeline at batch size 1 costs the same per pair whatever the number of queries, so it is timed
on a subset (16 queries at 8 labels, 4 at 32) and scaled; the rows say so. Everything else runs
once per setting with ``--quick``, else the best of three runs (the machine is shared).

Top-1 agreement that means something (part B): a tiny NLI model (hidden 64) fine-tuned with
``nli-finetuned`` on 8 query classes built from kochat intents, ParaKQC topics and chatbot chit-chat;
on held-out queries, accuracy of full scoring vs ``candidates_top_k=3`` (narrowed by TF-IDF to
the fitted examples), their top-1 agreement, and how often the gold label survives each narrowing.

Queries are read from ``../shared/data`` at run time, never copied.

    .venv/bin/python bench/bench_nli.py [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from kodial.classify.base import create_classifier
from kodial.classify.data import Example, LabelledData
from kodial.classify.nli import DEFAULT_TEMPLATE, NLIZeroShotClassifier
from kodial.testing.models import build_nli, build_tokenizer
from kodial.textio import atomic_write_text

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parent.parent / "shared" / "data"
KOCHAT = SHARED / "kochat_demo" / "demo" / "data" / "intent_data.csv"
PARAKQC = SHARED / "paraKQC" / "data" / "paraKQC_v1.txt"
CHATBOT = SHARED / "chatbot_data" / "ChatbotData.csv"
console = Console()

LABELS_8 = ["금융", "영화", "날씨", "음식", "여행", "음악", "스포츠", "쇼핑"]
LABELS_32 = [
    *LABELS_8,
    *["건강", "교육", "게임", "자동차", "부동산", "정치", "과학", "육아"],
    *["반려동물", "패션", "미용", "요리", "책", "미술", "역사", "종교"],
    *["법률", "취업", "환경", "교통", "통신", "보험", "일정", "메일"],
]
KOCHAT_NAMES = {"dust": "미세먼지", "restaurant": "맛집", "travel": "여행", "weather": "날씨"}
PARAKQC_NAMES = {"0": "메일", "1": "일정", "2": "스마트홈", "3": "날씨"}


def read_classes() -> dict[str, list[str]]:
    """Queries per class from three public sets (weather merged across kochat and ParaKQC)."""
    classes: dict[str, list[str]] = {}
    with KOCHAT.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            classes.setdefault(KOCHAT_NAMES[row["label"]], []).append(row["question"])
    with PARAKQC.open(encoding="utf-8") as f:
        for line in f:
            topic, _, text = line.rstrip("\n").split("\t")
            classes.setdefault(PARAKQC_NAMES[topic], []).append(text)
    with CHATBOT.open(encoding="utf-8") as f:
        classes["일상대화"] = [row["Q"] for row in csv.DictReader(f)]
    return classes


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Best wall time of ``repeats`` runs (the machine is shared: the minimum is the least noisy)."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def pipeline_scores(out: list[dict[str, Any]], labels: list[str]) -> np.ndarray:
    return np.array(
        [[dict(zip(o["labels"], o["scores"], strict=True))[lab] for lab in labels] for o in out]
    )


def speed(queries: list[str], model_dir: Path, quick: bool) -> dict[str, Any]:
    import torch
    from transformers import pipeline

    repeats = 1 if quick else 3
    pipe = pipeline("zero-shot-classification", model=str(model_dir), device="cpu")
    clf = create_classifier("nli-zeroshot", model=str(model_dir), device="cpu")
    assert isinstance(clf, NLIZeroShotClassifier)
    n = len(queries)

    def run_pipe(labels: list[str], texts: list[str], **kw: Any) -> Any:
        return pipe(texts, candidate_labels=labels, hypothesis_template=DEFAULT_TEMPLATE, **kw)

    clf.predict_scores(queries[:2], LABELS_8)  # warm-up (model load, first-call allocations)
    run_pipe(LABELS_8, queries[:2])

    rows: list[dict[str, Any]] = []
    # batch_size=1 costs the same per pair for any number of queries: timed on a subset, scaled
    sub8 = queries[: 8 if quick else 16]
    t_sub, out = timed(lambda: run_pipe(LABELS_8, sub8), 1)
    t_usual = t_sub * n / len(sub8)
    usual_scores = pipeline_scores(out, LABELS_8)
    rows.append(
        {
            "system": f"pipeline, as usually called (batch_size=1; {len(sub8)} queries, scaled)",
            "labels": 8,
            "seconds": t_usual,
        }
    )
    best_pipe = (t_usual, 1)
    ref = None
    for bs in [8, 32] if quick else [16, 32, 64]:
        t, out = timed(lambda bs=bs: run_pipe(LABELS_8, queries, batch_size=bs), repeats)
        rows.append({"system": f"pipeline, batch_size={bs}", "labels": 8, "seconds": t})
        best_pipe = min(best_pipe, (t, bs))
        ref = pipeline_scores(out, LABELS_8)
    t_ours, ours = timed(lambda: clf.predict_scores(queries, LABELS_8), repeats)
    rows.append({"system": "kodial nli-zeroshot (batch_size=32)", "labels": 8, "seconds": t_ours})
    max_diff = max(
        float(np.abs(np.asarray(ours)[: len(sub8)] - usual_scores).max()),
        float(np.abs(np.asarray(ours) - np.asarray(ref)).max()),
    )

    # 32 labels on a subset of the queries: kodial all labels vs candidates_top_k=3 vs pipeline
    q32 = queries[: 8 if quick else 16]
    n32 = len(q32)
    t_full32, full32 = timed(lambda: clf.predict_scores(q32, LABELS_32), repeats)
    rows.append({"system": "kodial nli-zeroshot, all labels", "labels": 32, "seconds": t_full32})
    clf.config.candidates_top_k = 3
    clf._label_vectors = {}
    t_top3, top3 = timed(lambda: clf.predict_scores(q32, LABELS_32), repeats)
    clf.config.candidates_top_k = None
    rows.append(
        {"system": "kodial nli-zeroshot, candidates_top_k=3", "labels": 32, "seconds": t_top3}
    )
    bs_best = best_pipe[1]
    t_pipe32_best, _ = timed(lambda: run_pipe(LABELS_32, q32, batch_size=bs_best), 1)
    rows.append(
        {"system": f"pipeline, batch_size={bs_best}", "labels": 32, "seconds": t_pipe32_best}
    )
    sub32 = q32[:4]
    t_sub32, _ = timed(lambda: run_pipe(LABELS_32, sub32), 1)
    t_pipe32 = t_sub32 * n32 / len(sub32)
    rows.append(
        {
            "system": f"pipeline, as usually called ({len(sub32)} queries, scaled)",
            "labels": 32,
            "seconds": t_pipe32,
        }
    )
    for r in rows:
        r["queries"] = n if r["labels"] == 8 else n32
        r["queries_per_s"] = r["queries"] / r["seconds"]
    agree = float(np.mean(np.argmax(top3, 1) == np.argmax(full32, 1)))
    return {
        "queries": n,
        "torch_threads": torch.get_num_threads(),
        "rows": rows,
        "ratio_vs_pipeline_usual_8": t_usual / t_ours,
        "ratio_vs_pipeline_best_8": best_pipe[0] / t_ours,
        "pipeline_best_batch_size": best_pipe[1],
        "max_abs_score_diff_8": max_diff,
        "ratio_top3_vs_full_32": t_full32 / t_top3,
        "queries_32": n32,
        "ratio_top3_vs_pipeline_usual_32": t_pipe32 / t_top3,
        "ratio_top3_vs_pipeline_best_32": t_pipe32_best / t_top3,
        "ratio_full_vs_pipeline_usual_32": t_pipe32 / t_full32,
        "top1_agreement_top3_vs_full_32_random_weights": agree,
    }


def agreement(classes: dict[str, list[str]], work: Path, quick: bool) -> dict[str, Any]:
    """Top-1 agreement of candidates_top_k=3 with full scoring on a tiny fine-tuned NLI model."""
    import torch

    torch.set_num_threads(1)  # tiny model: one thread is faster than two on a shared box
    rng = random.Random(0)
    n_train, n_test = (12, 10) if quick else (48, 25)
    train, test = [], []
    for label, texts in sorted(classes.items()):
        picked = rng.sample(texts, n_train + n_test)
        train += [Example(t, (label,)) for t in picked[:n_train]]
        test += [(t, label) for t in picked[n_train:]]
    corpus = [t for ts in classes.values() for t in rng.sample(ts, min(len(ts), 2000))]
    tok = build_tokenizer(vocab_size=4000, texts=corpus)
    model_dir = build_nli(
        work / "tiny-nli",
        tokenizer=tok,
        hidden_size=64,
        num_attention_heads=4,
        intermediate_size=128,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    clf = create_classifier(
        "nli-finetuned",
        model=str(model_dir),
        epochs=10 if quick else 20,
        learning_rate=2e-3,
        negatives=1,
        random_negatives=2,
        warmup_ratio=0.0,
        device="cpu",
    )
    t0 = time.perf_counter()
    clf.fit(LabelledData(examples=train))
    train_s = time.perf_counter() - t0
    texts = [t for t, _ in test]
    gold = np.array([lab for _, lab in test])
    labels = clf.labels
    full = clf.predict_scores(texts, labels)
    clf.config.candidates_top_k = 3
    top3 = clf.predict_scores(texts, labels)
    gold_idx = np.array([labels.index(g) for g in gold])
    survive = {}
    for how in ("tfidf", "encoder"):
        clf.config.narrow_by = how
        mask = clf.narrow(texts, labels, 3)
        survive[how] = float(np.mean(mask[np.arange(len(gold)), gold_idx]))
    return {
        "labels": len(labels),
        "train_examples": len(train),
        "test_queries": len(test),
        "train_seconds": train_s,
        "accuracy_full": float(np.mean(np.array(labels)[full.argmax(1)] == gold)),
        "accuracy_top3": float(np.mean(np.array(labels)[top3.argmax(1)] == gold)),
        "top1_agreement": float(np.mean(full.argmax(1) == top3.argmax(1))),
        "narrowed_by": "tfidf (auto: the classifier has examples)",
        "gold_in_top3_tfidf": survive["tfidf"],
        "gold_in_top3_encoder": survive["encoder"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer queries and repeats")
    args = parser.parse_args()

    classes = read_classes()
    rng = random.Random(1)
    pool = [t for ts in classes.values() for t in ts]
    queries = rng.sample(pool, 16 if args.quick else 64)
    with tempfile.TemporaryDirectory(prefix="bench-nli-") as tmp:
        work = Path(tmp)
        tok = build_tokenizer(vocab_size=8000, model_max_length=512, texts=rng.sample(pool, 5000))
        base_dir = build_nli(
            work / "bert-base-random",
            tokenizer=tok,
            hidden_size=768,
            num_hidden_layers=12,
            num_attention_heads=12,
            intermediate_size=3072,
            max_position_embeddings=512,
            initializer_range=0.02,
        )
        console.print(f"speed: {len(queries)} queries on a random BERT-base NLI model (CPU)")
        a = speed(queries, base_dir, args.quick)
        console.print("agreement: tiny nli-finetuned model on 8 query classes")
        b = agreement(classes, work, args.quick)

    table = Table(title=f"nli-zeroshot vs zero-shot pipeline, {a['queries']} queries, CPU")
    for col in ("system", "labels", "seconds", "queries/s"):
        table.add_column(col)
    for r in a["rows"]:
        table.add_row(
            r["system"], str(r["labels"]), f"{r['seconds']:.2f}", f"{r['queries_per_s']:.1f}"
        )
    console.print(table)
    summary = {k: v for k, v in a.items() if k != "rows"}
    console.print(summary)
    console.print(b)

    results = {"quick": args.quick, "speed": a, "agreement_finetuned_tiny": b}
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    atomic_write_text(out / "nli.json", json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    md = [
        "# nli-zeroshot vs transformers zero-shot pipeline",
        "",
        f"Command: `.venv/bin/python bench/bench_nli.py{' --quick' if args.quick else ''}`. "
        f"Random BERT-base-shaped NLI model (12 x 768), CPU, {a['torch_threads']} torch threads, "
        f"{a['queries']} Korean queries from ../shared/data (kochat, ParaKQC, chatbot_data). "
        "Shared machine: read the ratios, not the absolute times.",
        "",
        "| system | labels | queries | seconds | queries/s |",
        "|---|---|---|---|---|",
        *[
            f"| {r['system']} | {r['labels']} | {r['queries']} | {r['seconds']:.2f} "
            f"| {r['queries_per_s']:.2f} |"
            for r in a["rows"]
        ],
        "",
        "| measure | value |",
        "|---|---|",
        f"| speed-up vs pipeline as usually called, 8 labels | {a['ratio_vs_pipeline_usual_8']:.2f}x |",
        f"| speed-up vs pipeline at its best batch size ({a['pipeline_best_batch_size']}), 8 labels "
        f"| {a['ratio_vs_pipeline_best_8']:.2f}x |",
        f"| max abs score difference vs pipeline, 8 labels | {a['max_abs_score_diff_8']:.2e} |",
        f"| candidates_top_k=3 vs all labels (kodial), 32 labels | {a['ratio_top3_vs_full_32']:.2f}x |",
        f"| candidates_top_k=3 vs pipeline as usually called, 32 labels "
        f"| {a['ratio_top3_vs_pipeline_usual_32']:.2f}x |",
        f"| candidates_top_k=3 vs pipeline at batch_size={a['pipeline_best_batch_size']}, 32 labels "
        f"| {a['ratio_top3_vs_pipeline_best_32']:.2f}x |",
        f"| kodial all labels vs pipeline as usually called, 32 labels "
        f"| {a['ratio_full_vs_pipeline_usual_32']:.2f}x |",
        f"| top-1 agreement top-3 vs all, 32 labels, random weights "
        f"| {a['top1_agreement_top3_vs_full_32_random_weights']:.1%} |",
        "",
        f"Top-1 agreement on a trained model: tiny NLI cross-encoder (hidden 64, 2 layers) "
        f"fine-tuned with `nli-finetuned` on {b['train_examples']} queries of {b['labels']} classes "
        f"({b['train_seconds']:.0f} s), {b['test_queries']} held-out queries:",
        "",
        "| measure | value |",
        "|---|---|",
        f"| accuracy, all labels scored | {b['accuracy_full']:.1%} |",
        f"| accuracy, candidates_top_k=3 | {b['accuracy_top3']:.1%} |",
        f"| top-1 agreement top-3 vs all | {b['top1_agreement']:.1%} |",
        f"| gold label among the 3 candidates, tfidf narrowing (used) | {b['gold_in_top3_tfidf']:.1%} |",
        f"| gold label among the 3 candidates, encoder narrowing | {b['gold_in_top3_encoder']:.1%} |",
        "",
    ]
    atomic_write_text(out / "nli.md", "\n".join(md))
    console.print(f"wrote {out / 'nli.json'} and {out / 'nli.md'}")


if __name__ == "__main__":
    main()
