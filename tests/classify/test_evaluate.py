"""Evaluation metrics against sklearn on known scores; report files; comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _lexical_fixtures import TableClassifier, fitted_lexical, sample_split
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from kodial.classify.base import FallbackPolicy
from kodial.classify.data import Example, LabelledData
from kodial.classify.evaluate import evaluate
from kodial.classify.reports import compare, load_report, report_markdown, write_report
from kodial.errors import KodialError

LABELS = ["a", "b", "c"]


def single_label_case() -> tuple[TableClassifier, LabelledData]:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 60)
    raw = rng.random((60, 3)) + np.eye(3)[gold] * rng.uniform(0, 1.2, (60, 1))
    scores = raw / raw.sum(1, keepdims=True)
    table = {f"q{i}": tuple(scores[i]) for i in range(60)}
    table |= {f"o{i}": (0.34, 0.33, 0.33) for i in range(10)}
    clf = TableClassifier(table)
    clf.labels = LABELS
    data = LabelledData(
        [Example(f"q{i}", (LABELS[g],)) for i, g in enumerate(gold)],
        ood=[f"o{i}" for i in range(10)],
    )
    return clf, data


def test_single_label_metrics_match_sklearn() -> None:
    clf, data = single_label_case()
    clf.fallback = FallbackPolicy(min_score=0.4)
    report = evaluate(clf, data, top_k=(1, 2, 3))
    scores = clf.predict_scores(data.texts)
    gold = [LABELS.index(y) for y in data.first_labels]
    pred = scores.argmax(1)
    assert report.metrics["accuracy"] == pytest.approx(accuracy_score(gold, pred))
    assert report.metrics["macro_f1"] == pytest.approx(f1_score(gold, pred, average="macro"))
    assert report.metrics["top1_accuracy"] == report.metrics["accuracy"]
    assert report.metrics["top3_accuracy"] == 1.0
    assert report.metrics["accuracy"] < report.metrics["top2_accuracy"] < 1.0
    assert report.confusion == confusion_matrix(gold, pred).tolist()
    p, r, f, s = precision_recall_fscore_support(gold, pred, zero_division=0)
    for i, lab in enumerate(LABELS):
        m = report.per_class[lab]
        assert (m.precision, m.recall, m.f1, m.support) == pytest.approx((p[i], r[i], f[i], s[i]))
    fb = report.fallback
    assert fb["false_fallback_rate"] == pytest.approx((scores.max(1) < 0.4).mean())
    assert fb["ood_detection_rate"] == 1.0 and fb["n_ood"] == 10
    assert fb["accuracy_with_fallback"] <= report.metrics["accuracy"]
    assert report.latency_ms["batch_p95"] >= report.latency_ms["batch_p50"] >= 0
    assert len(report.errors) == min(20, int((pred != gold).sum()))


def test_multi_label_metrics_match_sklearn() -> None:
    y = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [1, 0, 0], [0, 1, 0]])
    s = np.array(
        [
            [0.9, 0.1, 0.2],
            [0.7, 0.4, 0.1],
            [0.1, 0.2, 0.8],
            [0.2, 0.6, 0.7],
            [0.3, 0.2, 0.1],
            [0.6, 0.7, 0.1],
        ]
    )
    clf = TableClassifier({f"t{i}": tuple(s[i]) for i in range(6)})
    clf.labels, clf.multi_label = LABELS, True
    data = LabelledData(
        [Example(f"t{i}", tuple(LABELS[j] for j in np.flatnonzero(y[i]))) for i in range(6)],
        multi_label=True,
    )
    report = evaluate(clf, data)
    pred = (s >= 0.5).astype(int)
    pred[np.arange(6), s.argmax(1)] = 1  # at least the top label
    assert report.metrics["micro_f1"] == pytest.approx(f1_score(y, pred, average="micro"))
    assert report.metrics["macro_f1"] == pytest.approx(f1_score(y, pred, average="macro"))
    assert report.metrics["subset_accuracy"] == pytest.approx(accuracy_score(y, pred))
    assert report.confusion == [] and report.multi_label


def test_unknown_gold_labels_are_an_error() -> None:
    clf, _ = single_label_case()
    data = LabelledData([Example("q0", ("zzz",))])
    with pytest.raises(KodialError, match="cannot predict: zzz"):
        evaluate(clf, data)


def test_write_report_and_compare(tmp_path: Path) -> None:
    clf = fitted_lexical(0)
    _, dev = sample_split(0)
    report = evaluate(clf, dev, model="lexical-default")
    assert report.metrics["accuracy"] >= 0.7 and report.fallback["ood_auroc"] is not None
    files = write_report(report, tmp_path / "r")
    assert sorted(p.name for p in files) == ["confusion.png", "report.json", "report.md"]
    assert (tmp_path / "r" / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    assert not list((tmp_path / "r").glob(".*"))  # no temporary files left
    assert load_report(tmp_path / "r" / "report.json") == report
    md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "## Confusion matrix" in md and "| finance |" in md and "macro_f1" in md
    assert json.loads((tmp_path / "r" / "report.json").read_text())["method"] == "lexical"

    other, data = single_label_case()
    worse = evaluate(other, data)
    with pytest.raises(KodialError, match="different data"):
        compare(report, worse)
    shifted = load_report(tmp_path / "r" / "report.json")
    shifted.per_class["finance"].f1 = 0.0
    shifted.metrics["accuracy"] -= 0.1
    comp = compare(report, shifted)
    row = next(r for r in comp.per_class if r[0] == "finance")
    assert row[3] == 0.0 and row[2] == report.per_class["finance"].f1
    assert "| finance |" in comp.markdown() and "-0.1000" in comp.markdown()
    assert comp.to_dict()["overall"][0]["metric"] == "accuracy"
    assert report_markdown(report).startswith("# Evaluation: lexical")


def korean_report(labels: list[str]) -> Any:
    """A report over ``labels`` from a table classifier (one text per label, one error)."""
    table = {
        f"t{i}": [1.0 if j == (i if i < 2 else 0) else 0.0 for j in range(3)] for i in range(3)
    }
    data = LabelledData([Example(f"t{i}", (lab,)) for i, lab in enumerate(labels)])
    return evaluate(TableClassifier(table).fit(data), data)


def test_confusion_matrix_draws_korean_label_names(tmp_path: Path) -> None:
    """The labels are drawn in a font with Hangul glyphs (bundled with koreanize-matplotlib, or
    the system's), registered by path so a font cache built before the font was installed does
    not matter: matplotlib warns about no missing glyph."""
    import warnings

    from kodial.classify.reports import plot_confusion
    from kodial.plots import korean_font

    assert korean_font() is not None
    report = korean_report(["금융", "영화", "장소"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert plot_confusion(report, tmp_path / "c.png") is None
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


def test_without_a_korean_font_the_report_explains_the_short_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kodial import plots

    monkeypatch.setattr(plots, "korean_font", lambda: None)
    report = korean_report(["금융", "movie", "장소"])
    write_report(report, tmp_path / "r")
    md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert report.labels == ["movie", "금융", "장소"]  # sorted; ASCII names stay as they are
    assert "- L1 = 금융" in md and "- L2 = 장소" in md and "L0" not in md
