"""Query understanding on public Korean sets nobody here wrote (issue 12), split honestly.

For each set: whole paraphrase groups held out (ParaKQC: 10 consecutive paraphrases; elsewhere
kodial's near-duplicate clusters), 20% of the groups as the test split. kodial is trained with
the one pipeline (``fit_classifier``: out-of-fold calibration, target recall 0.95, so about 5%
false fallback is promised) and scored on the test split through its predict path: top-1
macro-F1, label-after-fallback, false fallback on the held-out in-domain queries (promised vs
measured; also the mean over all 5 group folds held out in turn, since one 20% split of a few
hundred groups moves the rate by about 2 points), OOD detection (kochat). Baseline: char
1-4-gram TF-IDF + LinearSVC (one-vs-rest for multi-label) on the same split. Then 8/32/128-shot
curves (lexical, encoder = logistic regression on USE-multilingual vectors, hybrid, SVM), each
point the mean over 5 seeded draws of k queries per label (the same draws for every method),
noise robustness and throughput.

Sentence vectors come from ``bench/.cache/use-multilingual.npz`` (``--embed`` fills it; npz,
``allow_pickle=False``, keyed by the text's sha1), so every run scores the same vectors. Large
sets are subsampled with seed 0 (see each set's note). Run:
``python bench/bench_classify.py`` (6.5 minutes here with vectors cached, ``--cv-folds 1`` and
``--draws 1``; the 4 further outer folds of the false-fallback column add about as much again,
the 4 further few-shot draws more, more on a loaded machine); results in
``bench/results/classify.{json,md}``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kodial.classify.data import LabelledData

ROOT = Path(__file__).resolve().parents[1]
DATA = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
    ROOT.parent / "shared" / "data",
)
"""``../shared/data`` seen from the checkout (a worktree may sit one level deeper)."""
RESULTS = Path(__file__).resolve().parent / "results"
CACHE = Path(__file__).resolve().parent / ".cache"
SEED = 0
CV_FOLDS = 5
"""Outer group folds the false fallback is measured on (1: the test split only)."""


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
        note="val.tsv, all 5,000 comments",
    )


# -- embedding cache: USE-multilingual vectors on disk, keyed by text hash --------------------


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class VectorCache:
    """``bench/.cache/<encoder>.npz``: ``keys`` (sha1 of each text) and ``vectors`` (float32),
    read with ``allow_pickle=False``: every text is encoded once, ever, so every run scores the
    same vectors."""

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


# -- the benchmark ------------------------------------------------------------------------------


def labelled(ds: Dataset, groups: list[str] | None) -> LabelledData:
    from kodial.classify.data import Example

    gs = groups or ds.groups or [None] * len(ds.texts)
    ex = [Example(t, lab, group=g) for t, lab, g in zip(ds.texts, ds.labels, gs, strict=True)]
    return LabelledData(ex, ood=list(ds.ood), multi_label=any(len(lab) > 1 for lab in ds.labels))


def split(ds: Dataset) -> tuple[LabelledData, LabelledData, str]:
    """(train, test, how grouped): whole groups held out, 20%."""
    from kodial.classify.splits import resolve_groups, split_by_group

    data = labelled(ds, None)
    groups, how = resolve_groups(data, "column" if ds.groups else "similar")
    data = labelled(ds, groups)
    train, test, _ = split_by_group(data, groups, 0.2, SEED)
    return train, test, how


def outer_folds(ds: Dataset, n: int = 5) -> list[tuple[LabelledData, LabelledData]]:
    """(train, test) for each of ``n`` folds of whole groups: the test split of :func:`split`
    is fold 0 (``split_by_group`` holds out fold 0 of the same assignment), the others hold out
    the other fifths, and the OOD queries are cut into the same fifths."""
    from kodial.classify.splits import group_folds, resolve_groups

    data = labelled(ds, None)
    groups, _ = resolve_groups(data, "column" if ds.groups else "similar")
    data = labelled(ds, groups)
    folds = group_folds(data.first_labels, groups, n, SEED)
    ood = data.ood[:]
    random.Random(SEED).shuffle(ood)
    cut = round(len(ood) / n)
    out = []
    for j in range(n):
        test = [ex for ex, f in zip(data.examples, folds, strict=True) if f == j]
        train = [ex for ex, f in zip(data.examples, folds, strict=True) if f != j]
        held_ood = ood[j * cut : (j + 1) * cut] if j < n - 1 else ood[j * cut :]
        rest_ood = ood[: j * cut] + (ood[(j + 1) * cut :] if j < n - 1 else [])
        out.append((data.subset(train, rest_ood), data.subset(test, held_ood)))
    return out


def false_fallback_over_folds(
    method: str, ds: Dataset, first: dict[str, Any], n: int = CV_FOLDS
) -> dict[str, Any]:
    """False fallback on held-out in-domain queries for each of ``n`` outer group folds (fold 0
    is ``first``, the run on :func:`split`): one 20% split of a few hundred paraphrase groups
    moves the rate by about 2 points from fold to fold (ParaKQC topics, lexical: 2.6% to 7.3%
    for 5% promised), as much as the tolerance it is held to, so the target is checked on the
    mean over the folds."""
    from kodial.classify.evaluate import evaluate
    from kodial.classify.options import TrainConfig
    from kodial.classify.pipeline import fit_classifier

    rates = [first["false_fallback"]]
    promised = [first["promised_false_fallback"]]
    for train, test in outer_folds(ds, n)[1:]:
        cfg = TrainConfig(method=method, dev_ratio=0, group_by="column", noise_report=False)
        trained = fit_classifier(train, cfg)
        rates.append(evaluate(trained.classifier, test).fallback["false_fallback_rate"])
        promised.append(trained.calibration.expected_false_fallback)
    return {
        "folds": n,
        "false_fallback": rates,
        "promised_false_fallback": promised,
        "mean": float(np.mean(rates)),
        "promised_mean": float(np.mean(promised)),
    }


def use_cached_vectors(cache: VectorCache, texts: list[str]) -> None:
    """Put the cached vectors of ``texts`` into the shared encoder's memory cache, so kodial's
    hybrid/embedding methods (which call the encoder) get them without encoding again."""
    from kodial.encoders import USE_NAME, load_encoder

    enc = load_encoder(USE_NAME)
    enc.cache_size = 10**7
    for t in texts:
        vec = cache.rows.get(_key(t))
        if vec is not None:
            enc._cache[t] = vec


def svm_calibrated_baseline(
    train: LabelledData, test: LabelledData, folds: int = 3
) -> dict[str, Any]:
    """The multi-label baseline doing kodial's whole job: one-vs-rest char 1-4-gram TF-IDF +
    LinearSVC whose per-label thresholds maximise each label's F1 on out-of-fold decision
    values (``folds`` folds by kodial's groups), then a final fit on all of ``train``; label-set
    F1 and the training time of all of it (what "comparable to one-vs-rest linear models"
    means once both calibrate per-label thresholds out of fold)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import GroupKFold
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    t0 = time.perf_counter()
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2)
    x = vec.fit_transform(train.texts)
    mlb = MultiLabelBinarizer().fit(train.label_lists)
    y = mlb.transform(train.label_lists)
    groups = [e.group if e.group is not None else i for i, e in enumerate(train.examples)]
    oof = np.zeros(y.shape)
    for rest, held in GroupKFold(n_splits=folds).split(x, y, [str(g) for g in groups]):
        model = OneVsRestClassifier(LinearSVC(C=0.5)).fit(x[rest], y[rest])
        oof[held] = model.decision_function(x[held])
    thresholds = np.array([_best_f1_threshold(oof[:, j], y[:, j]) for j in range(y.shape[1])])
    model = OneVsRestClassifier(LinearSVC(C=0.5)).fit(x, y)
    secs = time.perf_counter() - t0
    dec = model.decision_function(vec.transform(test.texts))
    return {**_label_set_scores(mlb, test, dec, dec >= thresholds), "train_s": secs, "folds": folds}


def _label_set_scores(
    mlb: Any, test: LabelledData, dec: np.ndarray, positive: np.ndarray
) -> dict[str, float]:
    """Micro-, macro- and samples-F1 of the labels marked ``positive`` (N, L), plus each row's
    top label by decision value ``dec`` (N, L) (at least one label, as kodial does); gold
    labels unseen in training (``mlb``'s classes) are left out."""
    from sklearn.metrics import f1_score

    gold = mlb.transform([[lab for lab in ls if lab in mlb.classes_] for ls in test.label_lists])
    pred = positive.astype(int)
    pred[np.arange(len(pred)), dec.argmax(1)] = 1
    return {
        f"{avg}_f1": f1_score(gold, pred, average=avg, zero_division=0)
        for avg in ("micro", "macro", "samples")
    }


def _best_f1_threshold(scores: np.ndarray, gold: np.ndarray) -> float:
    """The decision threshold maximising F1 of one label over ``scores`` (N,) with 0/1
    ``gold`` (N,): every cut between two sorted scores is tried at once."""
    if gold.sum() == 0:
        return float("inf")
    order = np.argsort(-scores)
    hits = np.cumsum(gold[order])  # true positives when the top i+1 are called positive
    f1 = 2 * hits / (np.arange(1, len(scores) + 1) + gold.sum())
    return float(scores[order][int(np.argmax(f1))])


def svm_baseline(train: LabelledData, test: LabelledData) -> dict[str, Any]:
    """char 1-4-gram TF-IDF + LinearSVC (one-vs-rest for multi-label): macro-F1 or label-set
    F1 and the training time."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    t0 = time.perf_counter()
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2)
    x = vec.fit_transform(train.texts)
    if train.multi_label:
        mlb = MultiLabelBinarizer().fit(train.label_lists)
        model = OneVsRestClassifier(LinearSVC(C=0.5)).fit(x, mlb.transform(train.label_lists))
        secs = time.perf_counter() - t0
        dec = model.decision_function(vec.transform(test.texts))
        return {**_label_set_scores(mlb, test, dec, dec > 0), "train_s": secs}
    model = LinearSVC(C=0.5).fit(x, train.first_labels)
    secs = time.perf_counter() - t0
    pred = model.predict(vec.transform(test.texts))
    return {
        "macro_f1": f1_score(test.first_labels, pred, average="macro"),
        "accuracy": float(np.mean(pred == np.array(test.first_labels))),
        "train_s": secs,
    }


def run_kodial(
    method: str, train: LabelledData, test: LabelledData, noise: bool, options: dict | None = None
) -> dict[str, Any]:
    from kodial.classify.evaluate import evaluate
    from kodial.classify.noise import NOISE_KINDS
    from kodial.classify.options import TrainConfig
    from kodial.classify.pipeline import fit_classifier

    cfg = TrainConfig(
        method=method, options=options or {}, dev_ratio=0, group_by="column", noise_report=False
    )
    t0 = time.perf_counter()
    trained = fit_classifier(train, cfg)
    secs = time.perf_counter() - t0
    clf = trained.classifier
    t0 = time.perf_counter()
    report = evaluate(clf, test, noise=NOISE_KINDS if noise else ())
    eval_s = time.perf_counter() - t0
    cal = trained.calibration
    fb = report.fallback
    out: dict[str, Any] = {
        "method": method,
        "train_s": secs,
        "predict_qps": len(test) / max(eval_s, 1e-9) if not noise else None,
        "calibration_folds": cal.folds,
        "promised_false_fallback": cal.expected_false_fallback,
        "false_fallback": fb.get("false_fallback_rate"),
        "ood_detection": fb.get("ood_detection_rate"),
        "fallback_reasons": fb.get("reasons"),
        "thresholds": [round(clf.fallback.min_score, 4), round(clf.fallback.min_margin, 4)],
        **report.metrics,
        "accuracy_with_fallback_answered": fb.get("accuracy_with_fallback"),
    }
    if report.multi_label:
        out["per_label"] = {
            lab: {"p": round(m.precision, 3), "r": round(m.recall, 3), "n": m.support}
            for lab, m in report.per_class.items()
        }
    if noise:
        out["noise"] = report.noise
    return out


DRAWS = 5
"""Seeded draws of ``k`` examples per label for each point of the few-shot curves: one draw of 8
per label moves macro-F1 by several points (the 3i4k 8-shot gain was +0.099 on one draw), so
each point is the mean over the draws, with the min-max range."""


def few_shot(train: LabelledData, k: int, draw: int = 0) -> LabelledData:
    """``k`` training queries per label, from as many different groups as possible: draw
    ``draw`` of :data:`DRAWS`, seeded by (k, draw) (draw 0 is the single draw of earlier runs).
    Every method of a curve point is fitted on the same draw."""
    rng = random.Random(SEED + k + 1000 * draw)
    by_label: dict[str, list] = {}
    for ex in train.examples:
        by_label.setdefault(ex.labels[0], []).append(ex)
    chosen = []
    for _lab, exs in sorted(by_label.items()):
        exs = exs[:]  # shuffled per draw from the same order, not from the last draw's
        rng.shuffle(exs)
        seen: set[str | None] = set()
        first = [e for e in exs if not (e.group in seen or seen.add(e.group))]  # type: ignore[func-returns-value]
        rest = [e for e in exs if e not in first]
        chosen += (first + rest)[:k]
    return train.subset(chosen, ood=[])


def encoder_logreg(train: LabelledData, test: LabelledData, cache: VectorCache) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    model = LogisticRegression(C=10.0, max_iter=2000).fit(
        cache.vectors(train.texts), train.first_labels
    )
    return float(
        f1_score(test.first_labels, model.predict(cache.vectors(test.texts)), average="macro")
    )


def curve(
    train: LabelledData, test: LabelledData, cache: VectorCache, draws: int = DRAWS
) -> list[dict[str, Any]]:
    """Per ``k``: each method's macro-F1 on every draw (``draws``), their mean and min-max
    range, and the same for hybrid's gain over lexical (per draw, then summarised)."""
    from sklearn.metrics import f1_score

    from kodial.classify.options import TrainConfig
    from kodial.classify.pipeline import fit_classifier

    test = test.subset(_sample(test.examples, 2000), ood=[])
    rows = []
    for k in SHOTS:
        per_draw = []
        for d in range(draws):
            part = few_shot(train, k, d)
            got: dict[str, Any] = {"draw": d, "n_train": len(part)}
            for method in ("lexical", "hybrid"):
                cfg = TrainConfig(method=method, dev_ratio=0, group_by="column", noise_report=False)
                clf = fit_classifier(part, cfg).classifier
                pred = clf.predict_scores(test.texts).argmax(1)
                got[method] = float(
                    f1_score(test.first_labels, [clf.labels[i] for i in pred], average="macro")
                )
                if method == "hybrid":
                    got["hybrid_weights"] = dict(getattr(clf, "weights", {}))
            got["encoder"] = encoder_logreg(part, test, cache)
            got["svm"] = float(svm_baseline(part, test)["macro_f1"])
            got["gain"] = got["hybrid"] - got["lexical"]
            per_draw.append(got)
        row: dict[str, Any] = {"k": k, "n_train": per_draw[0]["n_train"], "draws": per_draw}
        for m in (*METHODS_SHOWN, "gain"):
            values = [g[m] for g in per_draw]
            row[m] = float(np.mean(values))
            row[f"{m}_range"] = [float(min(values)), float(max(values))]
        print(
            f"    {k}-shot, mean of {draws}: "
            + ", ".join(f"{m} {row[m]:.3f}" for m in (*METHODS_SHOWN, "gain")),
            flush=True,
        )
        rows.append(row)
    return rows


def encoder_throughput(texts: list[str]) -> float:
    """Texts per second through the encoder itself (texts it has not seen: the cache is
    bypassed)."""
    from kodial.encoders import USE_NAME, load_encoder

    enc = load_encoder(USE_NAME)
    fresh = [f"{t} ." for t in texts]
    t0 = time.perf_counter()
    enc._encode(fresh)
    return len(fresh) / (time.perf_counter() - t0)


TIME_RATIO = 3.0
"""What "training time comparable to one-vs-rest linear models" is held to (multi-label): kodial's
whole fit against one-vs-rest SVMs doing the same job (per-label thresholds out of fold); a
plain one-vs-rest fit, which chooses no thresholds and scores 9 points of micro-F1 lower on
KOTE, is shown beside it for reference."""
SHOTS = (8, 32, 128)
METHODS_SHOWN = ("lexical", "encoder", "hybrid", "svm")
SETS: dict[str, Any] = {
    "parakqc-topic": lambda: parakqc(0),
    "parakqc-act": lambda: parakqc(1),
    "3i4k": i4k,
    "kochat": kochat,
    "nsmc": nsmc,
    "kote": kote,
}
CURVES = ("parakqc-topic", "3i4k", "kochat")
HYBRID_FULL = ("parakqc-topic", "parakqc-act", "3i4k", "kochat")
"""Sets whose every text is in the vector cache (NSMC's sample is not: lexical only)."""
NOISE = ("parakqc-topic", "3i4k")


def limited(ds: Dataset, n: int | None) -> Dataset:
    """A seeded sample of ``n`` queries (and OOD queries) of ``ds``: a smoke test of the script."""
    if n is None or len(ds.texts) <= n:
        return ds
    keep = _sample(list(range(len(ds.texts))), n)
    return Dataset(
        ds.name,
        [ds.texts[i] for i in keep],
        [ds.labels[i] for i in keep],
        [ds.groups[i] for i in keep] if ds.groups else None,
        _sample(ds.ood, n // 2),
        ds.note + f"; smoke sample of {n}",
    )


def bench(
    names: list[str], limit: int | None = None, cv_folds: int = CV_FOLDS, draws: int = DRAWS
) -> dict[str, Any]:
    cache = VectorCache()
    results: dict[str, Any] = {"sets": {}, "curves": {}, "throughput": {}}
    for name in names:
        t_set = time.perf_counter()
        ds = limited(SETS[name](), limit)
        train, test, how = split(ds)
        print(f"{ds.name}: {len(train)} train / {len(test)} test ({how})", flush=True)
        if name in HYBRID_FULL or name in CURVES:
            use_cached_vectors(cache, ds.texts + ds.ood)
        entry: dict[str, Any] = {
            "name": ds.name,
            "note": ds.note,
            "groups": how,
            "n_train": len(train),
            "n_test": len(test),
            "n_ood_test": len(test.ood),
            "labels": len(set(train.labels) | set(test.labels)),
            "svm": svm_baseline(train, test),
            "kodial": [],
        }
        if train.multi_label:
            entry["svm_calibrated"] = svm_calibrated_baseline(train, test)
        methods = ["lexical"] + (["hybrid"] if name in HYBRID_FULL else [])
        for method in methods:
            res = run_kodial(method, train, test, noise=False)
            if cv_folds > 1:
                res["over_folds"] = false_fallback_over_folds(method, ds, res, cv_folds)
            if name in NOISE:
                sub = test.subset(_sample(test.examples, 300), ood=[])
                res["noise"] = run_kodial(method, train, sub, noise=True)["noise"]
            entry["kodial"].append(res)
            print(f"  {method}: " + json.dumps(_brief(res), ensure_ascii=False), flush=True)
        print(f"  svm: {json.dumps(_rounded(entry['svm']))}", flush=True)
        if name in CURVES:
            entry_curve = curve(train, test, cache, draws)
            results["curves"][name] = entry_curve
        entry["seconds"] = time.perf_counter() - t_set
        results["sets"][name] = entry
    results["throughput"]["encoder_texts_per_s"] = encoder_throughput(parakqc(0).texts[:128])
    return results


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}


def _brief(res: dict[str, Any]) -> dict[str, Any]:
    keys = ("macro_f1", "macro_f1_with_fallback", "micro_f1", "samples_f1", "false_fallback")
    keys += ("promised_false_fallback", "ood_detection", "train_s", "predict_qps")
    return _rounded({k: res[k] for k in keys if k in res})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embed", action="store_true", help="fill the embedding cache only")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ",".join(SETS))
    parser.add_argument("--out", default="classify", help="results/<out>.{json,md}")
    parser.add_argument("--limit", type=int, help="smoke test: a seeded sample of N per set")
    parser.add_argument(
        "--cv-folds",
        type=int,
        default=CV_FOLDS,
        help="outer group folds for the false-fallback rate (1: the test split only)",
    )
    parser.add_argument(
        "--draws", type=int, default=DRAWS, help="seeded draws per point of the few-shot curves"
    )
    args = parser.parse_args()
    if args.embed:
        embed_all()
        return
    t0 = time.perf_counter()
    results = bench(args.sets.split(","), args.limit, args.cv_folds, args.draws)
    results["seconds"] = time.perf_counter() - t0
    results["load_average"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=float), encoding="utf-8"
    )
    (RESULTS / f"{args.out}.md").write_text(markdown(results), encoding="utf-8")
    print(f"wrote {RESULTS / args.out}.{{json,md}} in {results['seconds']:.0f} s")


def _f(x: Any, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _spread(row: dict[str, Any], key: str, signed: bool = False) -> str:
    """``mean (min-max)`` of a few-shot cell over its draws."""
    fmt = "{:+.3f}" if signed else "{:.3f}"
    if key == "gain" and key not in row:  # a one-draw run before the draws were kept
        return fmt.format(row["hybrid"] - row["lexical"])
    lo, hi = row.get(f"{key}_range", [row[key], row[key]])
    return f"{fmt.format(row[key])} ({fmt.format(lo)} to {fmt.format(hi)})"


def _folds(k: dict[str, Any]) -> str:
    cv = k.get("over_folds")
    if not cv:
        return "-"
    rates = cv["false_fallback"]
    return f"{cv['mean']:.3f} ({min(rates):.3f}-{max(rates):.3f})"


def targets(r: dict[str, Any]) -> list[str]:
    """Issue 12's "what must hold", each with the measured numbers and met / not met."""
    out = ["## Targets (issue 12)", "", "| target | measured | met |", "|---|---|---|"]
    for e in r["sets"].values():
        for k in e["kodial"]:
            cv = k.get("over_folds")
            measured = cv["mean"] if cv else k["false_fallback"]
            promised = cv["promised_mean"] if cv else k["promised_false_fallback"]
            where = f", mean of {cv['folds']} group folds" if cv else ""
            gap = measured - promised
            out.append(
                f"| false fallback within 2 points of promised{where}: {e['name']}, {k['method']} | "
                f"{measured:.3f} vs {promised:.3f} ({gap * 100:+.1f} points) | "
                f"{'yes' if abs(gap) <= 0.02 + 1e-9 else 'no (fewer fallbacks than promised)' if gap < 0 else 'no'} |"
            )
        key = "micro_f1" if e["svm"].get("micro_f1") is not None else "macro_f1"
        best = max(k[key] for k in e["kodial"])
        out.append(
            f"| {key} >= SVM: {e['name']} | {best:.3f} vs {e['svm'][key]:.3f} | "
            f"{'yes' if best >= e['svm'][key] else 'no'} |"
        )
        if key == "micro_f1":  # "training time comparable to one-vs-rest linear models"
            kodial_s = min(k["train_s"] for k in e["kodial"])
            c = e.get("svm_calibrated")
            if c:
                # the target: both doing the whole job (per-label thresholds out of fold)
                ratio = kodial_s / c["train_s"]
                out.append(
                    f"| multi-label training time within {TIME_RATIO:.0f}x a one-vs-rest SVM "
                    f"doing the same job (per-label thresholds {c['folds']}-fold out of fold): "
                    f"{e['name']} | {kodial_s:.1f} s vs {c['train_s']:.1f} s ({ratio:.1f}x) | "
                    f"{'yes' if ratio <= TIME_RATIO else 'no'} |"
                )
            ratio = kodial_s / e["svm"]["train_s"]
            out.append(
                f"| for reference, against a plain one-vs-rest SVM (one fit, no thresholds, "
                f"micro-F1 {e['svm']['micro_f1']:.3f}): {e['name']} | {kodial_s:.1f} s vs "
                f"{e['svm']['train_s']:.1f} s ({ratio:.1f}x) | - |"
            )
    for name in ("parakqc-topic", "3i4k"):
        rows = r["curves"].get(name) or []
        for row in rows[:1]:
            gain = row["hybrid"] - row["lexical"]
            lo, hi = row.get("gain_range", [gain, gain])
            n = len(row.get("draws", [])) or 1
            out.append(
                f"| 8-shot offline default (hybrid) >= lexical + 0.10, mean of {n} draws: "
                f"{r['sets'][name]['name']} | {row['hybrid']:.3f} vs {row['lexical']:.3f} "
                f"({gain:+.3f}; per draw {lo:+.3f} to {hi:+.3f}) | {'yes' if gain >= 0.10 else 'no'} |"
            )
    return [*out, ""]


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "# bench_classify: query understanding on held-out paraphrase groups",
        "",
        __doc__.split("\n\n", 1)[1].strip(),
        "",
        f"Whole run {r['seconds']:.0f} s; load average {', '.join(f'{x:.1f}' for x in r['load_average'])} on 2 shared cores.",
        "",
        "## Single-label sets",
        "",
        "| set | groups | train / test | method | top-1 macro-F1 | after fallback macro-F1 | false fallback (promised) | false fallback, 5 group folds: mean (range) | OOD detected | train s | q/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e in r["sets"].values():
        if e["svm"].get("micro_f1") is not None:
            continue
        size = f"{e['n_train']} / {e['n_test']}"
        found = re.search(r"\((\d+) groups", e["groups"])
        kind = "column" if e["groups"].startswith("column") else "near-dup"
        e = {**e, "groups": f"{kind} ({found.group(1)})" if found else e["groups"]}
        for k in e["kodial"]:
            lines.append(
                f"| {e['name']} | {e['groups']} | {size} | kodial {k['method']} | {_f(k['macro_f1'])} | "
                f"{_f(k.get('macro_f1_with_fallback'))} | {_f(k['false_fallback'])} ({_f(k['promised_false_fallback'])}) | "
                f"{_folds(k)} | {_f(k['ood_detection'])} | {_f(k['train_s'], 1)} | {_f(k['predict_qps'], 0)} |"
            )
        s = e["svm"]
        lines.append(
            f"| {e['name']} | {e['groups']} | {size} | char 1-4 TF-IDF + LinearSVC | {_f(s['macro_f1'])} | - | - | - | - | {_f(s['train_s'], 1)} | - |"
        )
    lines += [
        "",
        "Notes: " + "; ".join(f"{e['name']}: {e['note']}" for e in r["sets"].values() if e["note"]),
        "",
    ]
    ml = [e for e in r["sets"].values() if e["svm"].get("micro_f1") is not None]
    if ml:
        lines += [
            "## Multi-label (KOTE val, 44 emotions)",
            "",
            "| method | micro-F1 | macro-F1 | samples-F1 | train s |",
            "|---|---|---|---|---|",
        ]
        for e in ml:
            for k in e["kodial"]:
                lines.append(
                    f"| kodial {k['method']} (per-label thresholds, {k.get('calibration_folds', 5)}-fold out of fold) | {_f(k['micro_f1'])} | {_f(k['macro_f1'])} | {_f(k['samples_f1'])} | {_f(k['train_s'], 1)} |"
                )
            s = e["svm"]
            lines.append(
                f"| one-vs-rest char TF-IDF + LinearSVC | {_f(s['micro_f1'])} | {_f(s['macro_f1'])} | {_f(s['samples_f1'])} | {_f(s['train_s'], 1)} |"
            )
            c = e.get("svm_calibrated")
            if c:
                lines.append(
                    f"| the same with per-label thresholds, {c['folds']}-fold out of fold (kodial's job) | {_f(c['micro_f1'])} | {_f(c['macro_f1'])} | {_f(c['samples_f1'])} | {_f(c['train_s'], 1)} |"
                )
            lines.append("")
    if r["curves"]:
        n = max(len(row.get("draws", [])) or 1 for rows in r["curves"].values() for row in rows)
        lines += [
            "## Few-shot curves (macro-F1 on up to 2,000 held-out test queries)",
            "",
            f"Each cell: the mean over {n} seeded draws of k training queries per label (the same "
            "draws for every method), and the lowest-highest draw in brackets; the gain is "
            "hybrid - lexical per draw.",
            "",
            "| set | k per label | lexical | encoder (logreg) | hybrid | SVM | hybrid - lexical |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, rows in r["curves"].items():
            for row in rows:
                cells = [_spread(row, m) for m in ("lexical", "encoder", "hybrid", "svm")]
                lines.append(
                    f"| {r['sets'][name]['name']} | {row['k']} | {' | '.join(cells)} | "
                    f"{_spread(row, 'gain', signed=True)} |"
                )
        lines.append("")
    noise_rows = [
        (e["name"], k["method"], kind, v)
        for e in r["sets"].values()
        for k in e["kodial"]
        for kind, v in (k.get("noise") or {}).items()
    ]
    if noise_rows:
        lines += [
            "## Noise robustness (300 test queries, noised copies)",
            "",
            "| set | method | noise | accuracy | macro-F1 |",
            "|---|---|---|---|---|",
        ]
        for name, method, kind, v in noise_rows:
            lines.append(
                f"| {name} | {method} | {kind} | {_f(v.get('accuracy'))} | {_f(v.get('macro_f1'))} |"
            )
        lines.append("")
    lines += targets(r)
    lines += [
        "## Throughput",
        "",
        f"The encoder (USE-multilingual, numpy) on texts it has not seen: {r['throughput']['encoder_texts_per_s']:.0f} texts/s. "
        "The q/s column above is kodial's predict path on the test split; hybrid's is with cached "
        "vectors, so a new query costs one encoder pass on top (bounded by the encoder's rate).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
