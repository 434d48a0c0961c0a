"""Fallback thresholds: generic over classifiers, exact on known scores, saved with the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _lexical_fixtures import TableClassifier, sample_split
from sklearn.metrics import roc_auc_score

from kodial.classify.base import FallbackPolicy, load_classifier
from kodial.classify.calibration import calibrate
from kodial.classify.data import Example, LabelledData
from kodial.classify.fallback import auroc, choose_policy, fallback_metrics, falls_back
from kodial.classify.pipeline import TrainConfig, fit_classifier
from kodial.errors import KodialError


def test_without_ood_loosest_threshold_meeting_target() -> None:
    top = np.linspace(0.5, 0.99, 20)
    scores = np.stack([top, 1 - top], axis=1)  # (20, 2)
    policy = choose_policy(scores, target_recall=0.9)
    fb = falls_back(scores, policy)
    assert fb.sum() == 2  # exactly 10% fall back: the two lowest
    assert fb[:2].all() and policy.min_margin == 0.0
    assert choose_policy(scores, target_recall=1.0).min_score == pytest.approx(0.5)
    with pytest.raises(KodialError, match="target recall"):
        choose_policy(scores, target_recall=0.0)
    with pytest.raises(KodialError, match="no in-domain"):
        choose_policy(np.zeros((0, 2)))


def test_ood_rejected_by_score() -> None:
    rng = np.random.default_rng(0)
    in_top = rng.uniform(0.6, 1.0, 200)
    ood_top = rng.uniform(0.5, 0.58, 100)
    ind = np.stack([in_top, 1 - in_top], 1)
    ood = np.stack([ood_top, 1 - ood_top], 1)
    policy = choose_policy(ind, ood, target_recall=0.95)
    m = fallback_metrics(ind, ood, policy, 0.95)
    assert m.in_domain_recall >= 0.95
    assert m.ood_detection_rate == 1.0 and m.ood_auroc == 1.0
    assert m.false_fallback_rate == pytest.approx(1 - m.in_domain_recall)


def test_ood_rejected_by_margin_when_scores_cannot() -> None:
    # Multi-label-like scores: OOD queries have high top scores but two labels tie.
    rng = np.random.default_rng(1)
    ind = np.column_stack([rng.uniform(0.7, 0.9, 100), rng.uniform(0.0, 0.3, 100)])
    hi = rng.uniform(0.7, 0.9, 50)
    ood = np.column_stack([hi, hi - rng.uniform(0.0, 0.05, 50)])
    policy = choose_policy(ind, ood, target_recall=0.95)
    assert policy.min_margin > 0.05
    m = fallback_metrics(ind, ood, policy)
    assert m.ood_detection_rate == 1.0 and m.in_domain_recall >= 0.95
    assert [policy.decide(sorted(r, reverse=True)) for r in ood[:3]] == ["ambiguous"] * 3
    # multi-label: two high labels are an answer, so only the score threshold is calibrated
    assert choose_policy(ind, ood, target_recall=0.95, use_margin=False).min_margin == 0.0


def test_auroc_matches_sklearn_with_ties() -> None:
    pos = np.array([0.9, 0.8, 0.8, 0.3, 0.5])
    neg = np.array([0.8, 0.1, 0.5, 0.2])
    ref = roc_auc_score([1] * 5 + [0] * 4, np.concatenate([pos, neg]))
    assert auroc(pos, neg) == pytest.approx(ref)
    assert auroc(pos, np.zeros(0)) is None


def test_calibrate_any_classifier_sets_policy() -> None:
    table = {f"in{i}": (0.5 + i / 40, 0.5 - i / 40) for i in range(20)}
    table |= {f"ood{i}": (0.55, 0.45) for i in range(5)}
    clf = TableClassifier(table)
    dev = LabelledData([Example(t, ("a",)) for t in table if t.startswith("in")])
    clf.labels = ["a", "b"]
    report = calibrate(
        clf,
        dev,
        clf.raw_scores(dev.texts, clf.labels),
        method="dev",
        folds=0,
        groups="none",
        target_recall=0.8,
        ood=[t for t in table if t.startswith("ood")],
    )
    assert clf.fallback == report.policy
    assert report.expected_ood_detection == 1.0 and report.expected_false_fallback <= 0.2
    preds = clf.predict(["ood0", "in19"])
    assert preds[0].label == "fallback" and preds[1].label == "a"


def test_lexical_calibration_saved_with_model(tmp_path: Path) -> None:
    train, dev = sample_split(0)
    trained = fit_classifier(
        train, TrainConfig(method="lexical", target_recall=0.9, noise_report=False)
    )
    clf = trained.classifier
    assert clf.fallback.min_score > 0.0 or clf.fallback.min_margin > 0.0
    assert clf.calibration.kind == "temperature"
    loaded = load_classifier(clf.save(tmp_path / "m"))
    assert loaded.fallback == clf.fallback and loaded.calibration == clf.calibration
    np.testing.assert_array_equal(loaded.predict_scores(dev.texts), clf.predict_scores(dev.texts))
    m = fallback_metrics(loaded.predict_scores(dev.texts), None, loaded.fallback)
    assert m.in_domain_recall >= 0.85 and m.ood_auroc is None
    assert FallbackPolicy().decide([0.1, 0.0]) is None


def test_platt_scaling_fits_every_label_at_once_as_logistic_regression_does() -> None:
    """Per-label Platt scaling in one vectorised Newton solve (44 scikit-learn fits took 2 s of
    KOTE's fit): the same (a, b) as ``LogisticRegression(C=100)`` on each label's logit, the
    identity for a label without positives or without negatives."""
    from scipy.special import expit, logit
    from sklearn.linear_model import LogisticRegression

    from kodial.classify.calibration import PLATT_C, fit_platt

    rng = np.random.default_rng(0)
    raw = rng.uniform(0.01, 0.99, (2000, 5))  # (N, L)
    positive = rng.uniform(size=raw.shape) < expit(np.array([3, 1, 0.5, 2, 1]) * logit(raw) - 1)
    positive[:, 3] = False
    positive[:, 4] = True
    ab = fit_platt(raw, positive)
    assert ab.shape == (5, 2)
    for j in range(3):
        lr = LogisticRegression(C=PLATT_C, max_iter=1000, tol=1e-8)
        lr.fit(logit(raw[:, j : j + 1]), positive[:, j])
        assert np.allclose(ab[j], [lr.coef_[0, 0], lr.intercept_[0]], atol=1e-3), (j, ab[j])
    assert np.array_equal(ab[3:], [[1.0, 0.0], [1.0, 0.0]])
