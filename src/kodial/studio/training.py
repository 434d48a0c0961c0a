"""Everything the studio asks of :mod:`kodial.classify`, in one module (when the classifier's
API changes, this is the file to adapt).

**A stable held-out split.** Each labelled query goes to the evaluation split when a hash of its
label and text says so (one in :data:`DEV_EVERY`), whichever version of the project it is in.
A query is therefore never in one version's training split and another's evaluation split, so
two versions can be compared on the same queries without either having seen them. The
assistant that is deployed is trained on everything, as ``kodial serve`` trains it; the split
only decides what the report is measured on.

**The report** is the one ``kodial classify eval`` writes (:func:`kodial.classify.evaluate.evaluate`
and ``write_report``: per-class table, confusion matrix as a picture, fallback and OOD numbers,
latency), for a classifier trained the way the assistant trains it (same method, options and
fallback calibration: :func:`kodial.classify.pipeline.fit_classifier`) on the training split.

**Comparing versions**: both versions' evaluation classifiers score the newer version's
evaluation split (queries of intents the older one knows), so the numbers differ only by the
model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kodial.errors import KodialError

if TYPE_CHECKING:
    from kodial.assistant.engine import Assistant
    from kodial.classify.base import Classifier
    from kodial.classify.data import LabelledData

DEV_EVERY = 5
"""One query in this many (by hash) is held out for evaluation."""

EVAL_MODEL_DIR = "eval-model"
REPORT_DIR = "report"

HIGHER_IS_BETTER = {
    "accuracy": ("metrics", "정확도"),
    "macro_f1": ("metrics", "매크로 F1"),
    "accuracy_with_fallback": ("fallback", "대체 응답까지 고려한 정답률"),
    "ood_detection_rate": ("fallback", "범위 밖 문장을 대체 응답으로 보낸 비율"),
}
LOWER_IS_BETTER = {
    "false_fallback_rate": ("fallback", "아는 질문을 대체 응답으로 보낸 비율"),
}
TOLERANCE = 1e-9
"""A metric that moved the wrong way by more than this is a regression (any real change)."""

Progress = Callable[[str, float], None]


def _held_out(label: str, text: str) -> bool:
    digest = hashlib.sha256(f"{label}\x00{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % DEV_EVERY == 0


def stable_split(data: LabelledData) -> tuple[LabelledData, LabelledData]:
    """(train, evaluation) split by hash (see the module docstring). Every intent keeps at
    least one training query; OOD queries are split the same way."""
    train, dev = [], []
    by_label: dict[str, list[Any]] = {}
    for ex in data.examples:
        by_label.setdefault(ex.labels[0], []).append(ex)
    for label, group in by_label.items():
        held = [ex for ex in group if _held_out(label, ex.text)]
        kept = [ex for ex in group if not _held_out(label, ex.text)]
        if not kept:  # an intent the classifier could not learn at all: keep one back
            kept, held = held[-1:], held[:-1]
        train += kept
        dev += held
    ood_dev = [t for t in data.ood if _held_out("__ood__", t)]
    ood_train = [t for t in data.ood if not _held_out("__ood__", t)]
    return data.subset(train, ood=ood_train), data.subset(dev, ood=ood_dev)


def project_data(config_path: Path) -> LabelledData:
    """The labelled intents (and OOD queries) of an ``assistant.yaml``."""
    from kodial.assistant.config import load_config
    from kodial.assistant.understanding import intent_data

    config = load_config(config_path)
    if config.classifier.model_dir is not None:
        raise KodialError(
            "저장된 분류기(classifier.model_dir)를 쓰는 비서는 스튜디오에서 학습할 수 없어요.",
            hint="assistant.yaml에서 model_dir을 빼면 예문으로 학습해요",
        )
    return intent_data(config)


def _fit(config_path: Path, train: LabelledData) -> Classifier:
    """A classifier trained on ``train`` as the assistant trains its own: the understanding
    pipeline with the assistant's options (:func:`kodial.assistant.understanding.train_config`)."""
    from kodial.assistant.config import load_config
    from kodial.assistant.understanding import train_config
    from kodial.classify.pipeline import fit_classifier

    return fit_classifier(train, train_config(load_config(config_path))).classifier


def _assistant_rules(clf: Classifier, dev: LabelledData) -> dict[str, Any]:
    """How the assistant's fallback rule (the classifier's calibrated thresholds, the one
    predict path the service uses) treats the evaluation split: what a user of the deployed
    assistant sees."""
    preds = clf.predict(dev.texts) if len(dev) else []
    correct = sum(1 for p, ex in zip(preds, dev.examples, strict=True) if p.label == ex.labels[0])
    fell = sum(1 for p in preds if p.fallback)
    ood = clf.predict(list(dev.ood)) if dev.ood else []
    return {
        "n": len(dev),
        "answered_correctly": correct / len(dev) if len(dev) else None,
        "false_fallback_rate": fell / len(dev) if len(dev) else None,
        "n_ood": len(ood),
        "ood_detection_rate": sum(p.fallback for p in ood) / len(ood) if ood else None,
    }


def evaluate_version(config_path: Path, out: Path, progress: Progress) -> dict[str, Any]:
    """Train the evaluation classifier of ``config_path`` on the training split, evaluate it
    on the held-out split, and write ``out/report/`` (report.json, report.md, confusion.png)
    and ``out/eval-model/``. Returns the report as a dict, with the split sizes and the
    assistant-rule numbers."""
    from kodial.classify.evaluate import evaluate
    from kodial.classify.reports import write_report

    progress("예문 읽는 중", 0.05)
    data = project_data(config_path)
    train, dev = stable_split(data)
    if not len(dev):
        raise KodialError(
            "평가에 쓸 예문이 없어요: 인텐트마다 예문을 5개 이상 넣어 주세요.",
            hint=f"예문 {DEV_EVERY}개 중 1개꼴로 평가용으로 따로 둬요",
        )
    progress(f"분류기 학습 중 (학습 {len(train)}개, 평가 {len(dev)}개)", 0.15)
    clf = _fit(config_path, train)
    progress("평가 중", 0.4)
    report = evaluate(clf, dev, model=str(config_path.parent.name))
    write_report(report, out / REPORT_DIR)
    clf.save(out / EVAL_MODEL_DIR)
    result = report.to_dict()
    result["split"] = {"train": len(train), "dev": len(dev), "ood_dev": len(dev.ood)}
    result["assistant_rules"] = _assistant_rules(clf, dev)
    return result


def build_assistant(config_path: Path) -> Assistant:
    """The assistant of ``config_path`` as ``kodial serve`` builds it (its classifier trained on
    every example): what a deploy puts into the running server."""
    from kodial.assistant.engine import Assistant

    return Assistant.from_config(config_path)


def _metric(report: dict[str, Any], section: str, key: str) -> float | None:
    value = report.get(section, {}).get(key)
    return float(value) if isinstance(value, int | float) else None


def compare_versions(previous_run: Path, current_run: Path, config_path: Path) -> dict[str, Any]:
    """Both runs' evaluation classifiers on the current version's held-out split, restricted
    to the intents the previous one knows; the overall and per-intent numbers side by side,
    and the ``regressions`` (metrics that got worse, with Korean names)."""
    from kodial.classify.base import load_classifier
    from kodial.classify.evaluate import evaluate
    from kodial.classify.reports import compare

    before = load_classifier(previous_run / EVAL_MODEL_DIR)
    after = load_classifier(current_run / EVAL_MODEL_DIR)
    _, dev = stable_split(project_data(config_path))
    known = set(before.labels)
    common = dev.subset([ex for ex in dev.examples if ex.labels[0] in known])
    new_labels = sorted({ex.labels[0] for ex in dev.examples} - known)
    if not len(common):
        return {
            "comparable": False,
            "note": "이전 버전과 겹치는 평가 예문이 없어 비교하지 못했어요.",
            "regressions": [],
            "worse": False,
        }
    rep_before = evaluate(before, common, model=previous_run.name)
    rep_after = evaluate(after, common, model=current_run.name)
    comparison = compare(rep_before, rep_after).to_dict()
    a, b = rep_before.to_dict(), rep_after.to_dict()
    rows, regressions = [], []
    for table, better in ((HIGHER_IS_BETTER, 1), (LOWER_IS_BETTER, -1)):
        for key, (section, name) in table.items():
            va, vb = _metric(a, section, key), _metric(b, section, key)
            if va is None or vb is None:
                continue
            worse = (vb - va) * better < -TOLERANCE
            rows.append({"metric": key, "name": name, "before": va, "after": vb, "worse": worse})
            if worse:
                regressions.append(f"{name}: {va:.1%} → {vb:.1%}")
    dropped = [
        row["label"] for row in comparison["per_class"] if row["f1_b"] < row["f1_a"] - TOLERANCE
    ]
    return {
        "comparable": True,
        "n": len(common),
        "n_ood": len(common.ood),
        "new_labels": new_labels,
        "overall": rows,
        "per_class": comparison["per_class"],
        "worse_intents": dropped,
        "regressions": regressions,
        "worse": bool(regressions),
        "note": (
            f"새 인텐트({', '.join(new_labels)})는 이전 버전이 몰라서 비교에서 뺐어요."
            if new_labels
            else ""
        ),
    }
