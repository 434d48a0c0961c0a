"""The classifier interface every method implements, and the registry of methods.

Every method answers the same calls:

- ``fit(train)``: learn from :class:`~kodial.classify.data.LabelledData` (a no-op for methods
  whose labels come at predict time, such as ``nli-zeroshot``).
- ``raw_scores(texts, labels)``: the method's own ``(N, L)`` scores. Single-label methods
  return a distribution over the L labels (rows sum to 1); multi-label methods an independent
  probability per label.
- ``predict_scores(texts, labels=None)``: the raw scores through the model's
  :class:`~kodial.classify.calibration.Calibration` (out-of-fold temperature or per-label Platt
  scaling, fitted by the training pipeline), so a 0.9 is right about 9 times in 10.
- ``predict(texts, labels=None, top_k=None)``: ranked :class:`~kodial.classify.results.Prediction`
  objects, with the fallback decision applied (the one predict path: the CLI, the assistant and
  the service all call it).
- ``explain(text, labels=None)``: the evidence behind one prediction (nearest labelled examples,
  weighted features), as an :class:`~kodial.classify.results.Explanation`.
- ``save(dir)`` / :func:`load_classifier` ``(dir)``: a directory with ``manifest.json``.

Methods register in :data:`METHODS` (name -> "module:Class"); they are imported lazily so that
the offline default never imports torch. Each method's options are a :class:`MethodConfig`
(pydantic, its field docstrings are the help of ``kodial classify methods``).
"""

from __future__ import annotations

import importlib
import json
import shutil
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np

from kodial import __version__
from kodial.classify.artefacts import MANIFEST as MANIFEST  # re-exported: CLI and tests use it
from kodial.classify.artefacts import (
    owned_files,
    read_json_file,
    record_files,
    refuse_pickles,
    replace_model_dir,
)
from kodial.classify.calibration import Calibration
from kodial.classify.data import LabelledData
from kodial.classify.fallback import FallbackPolicy
from kodial.classify.near_ood import OodNeighbors
from kodial.classify.options import DEFAULT_METHOD, METHODS, validate_flags
from kodial.classify.results import Explanation, LabelScore, Prediction
from kodial.config import Config, validate
from kodial.errors import DataError, KodialError
from kodial.registry import lookup
from kodial.textio import staging_dir

__all__ = [
    "METHODS",
    "Classifier",
    "Explanation",
    "FallbackPolicy",
    "MethodConfig",
    "Prediction",
    "create_classifier",
    "get_method",
    "load_classifier",
    "method_options",
    "replace_model_dir",
]


class MethodConfig(Config):
    """Base of every method's options (``--option key=value``, ``--config FILE``, the
    ``options`` block of ``assistant.yaml``): unknown keys and bad values are refused with the
    key named and, for a bad value, its default in the hint."""


class Classifier(ABC):
    """Base class of every classifier method. Subclasses document, in their docstring:
    **Needs** (pretrained weights? labels at fit or at predict time?), **Returns** (what the
    scores mean) and **Relations** (how it compares with the other methods)."""

    name: ClassVar[str]
    config_class: ClassVar[type[MethodConfig]] = MethodConfig
    needs_weights: ClassVar[bool] = False
    """True when the method needs a pretrained checkpoint (hub id or local path)."""
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"
    """Where the label set comes from: training data, or the caller of ``predict``."""
    cheap_refit: ClassVar[bool] = True
    """Whether fitting once per cross-validation fold is affordable (False for methods that
    fine-tune a transformer: the pipeline then calibrates them on a held-out dev split)."""

    def __init__(self, config: MethodConfig | None = None) -> None:
        self.config: Any = config if config is not None else self.config_class()
        self.labels: list[str] = []
        self.descriptions: dict[str, str] = {}
        self.multi_label = False
        self.fallback = FallbackPolicy()
        self.calibration = Calibration()
        self.ood_neighbors: OodNeighbors | None = None
        """The ``near_ood`` rule (:mod:`kodial.classify.near_ood`), set by the pipeline when
        the training data has OOD queries."""

    # -- to implement -------------------------------------------------------------------------
    @abstractmethod
    def fit(self, train: LabelledData) -> Self:
        """Learn from labelled data; returns self."""

    @abstractmethod
    def raw_scores(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        """(N, L) scores of the method itself for ``labels`` (before calibration)."""

    @abstractmethod
    def explain(self, text: str, labels: Sequence[str] | None = None) -> Explanation:
        """Evidence for the prediction on ``text``."""

    @abstractmethod
    def _save_state(self, directory: Path) -> None:
        """Write the method's own files into ``directory`` (the manifest is written for you)."""

    @abstractmethod
    def _load_state(self, directory: Path) -> None:
        """Read back what :meth:`_save_state` wrote; config and labels are already set."""

    # -- shared behaviour ---------------------------------------------------------------------
    def unfitted_copy(self) -> Classifier:
        """A new, unfitted classifier of the same method and options (cross-validation fits
        one per fold)."""
        return type(self)(self.config.model_copy())

    def candidate_labels(self, labels: Sequence[str] | None) -> list[str]:
        if labels is not None:
            out = list(dict.fromkeys(labels))
            if not out:
                raise KodialError("no candidate labels given")
            return out
        if not self.labels:
            raise KodialError(
                f"the {self.name!r} classifier is not fitted (it has no labels)",
                hint="fit it on labelled data, or pass candidate labels at predict time",
            )
        return self.labels

    def predict_scores(
        self, texts: Sequence[str], labels: Sequence[str] | None = None
    ) -> np.ndarray:
        """(N, L) calibrated scores for ``labels`` (default: the fitted labels, in
        ``self.labels`` order)."""
        cands = self.candidate_labels(labels)
        if not len(texts):
            return np.zeros((0, len(cands)))
        return self.calibrated(self.raw_scores(list(texts), cands), cands)

    def calibrated(self, raw: np.ndarray, labels: Sequence[str]) -> np.ndarray:
        """``raw`` (N, L) scores for ``labels`` through the model's calibration."""
        return self.calibration.apply(raw, labels, self.multi_label)

    def out_of_fold_scores(
        self, train: LabelledData, folds: np.ndarray, labels: Sequence[str]
    ) -> np.ndarray:
        """(N, L) raw scores of each training example by a copy of this classifier fitted on
        the other folds (``folds``: (N,) fold number per example). A label missing from a
        fold's training part scores 0 there. Methods with a cheaper way (features computed
        once) override this."""
        out = np.zeros((len(train), len(labels)))
        for k in np.unique(folds):
            held = np.flatnonzero(folds == k)
            rest = [ex for ex, f in zip(train.examples, folds, strict=True) if f != k]
            part = train.subset(rest, ood=[])
            known = [lab for lab in labels if lab in set(part.labels)]
            if len(known) < 2:
                continue
            model = self.unfitted_copy().fit(part)
            cols = np.array([list(labels).index(lab) for lab in known])
            out[np.ix_(held, cols)] = model.raw_scores(
                [train.examples[i].text for i in held], known
            )
        return out

    def predict(
        self,
        texts: Sequence[str],
        labels: Sequence[str] | None = None,
        top_k: int | None = None,
        scores: np.ndarray | None = None,
    ) -> list[Prediction]:
        """Ranked labels for each text, fallback applied (``scores``: calibrated scores already
        computed for these texts and labels, to skip recomputing them)."""
        cands = self.candidate_labels(labels)
        if scores is None:
            scores = self.predict_scores(texts, cands)  # (N, L)
        near = (
            self.ood_neighbors.near_ood(texts)
            if self.ood_neighbors is not None
            else np.zeros(len(texts), dtype=bool)
        )
        out = []
        for text, row, is_near in zip(texts, scores, near, strict=True):
            order = np.argsort(-row, kind="stable")
            # The fallback sees the full ranking: cutting to top_k=1 first would hide the margin.
            reason = self.fallback.decide([float(row[i]) for i in order])
            if reason is None and is_near:
                reason = "near_ood"
            chosen = self.calibration.chosen(row, cands) if self.multi_label else []
            if top_k:
                order = order[:top_k]
            ranked = [LabelScore(label=cands[i], score=float(row[i])) for i in order]
            out.append(
                Prediction(
                    text=text,
                    ranking=ranked,
                    fallback_reason=reason,
                    multi_label=self.multi_label,
                    chosen=chosen,
                )
            )
        return out

    def manifest(self) -> dict[str, Any]:
        return {
            "kodial_version": __version__,
            "method": self.name,
            "config": self.config.model_dump(mode="json"),
            "labels": self.labels,
            "descriptions": self.descriptions,
            "multi_label": self.multi_label,
            "fallback": self.fallback.model_dump(),
            "calibration": self.calibration.model_dump(mode="json"),
        }

    def save(self, directory: str | Path) -> Path:
        """Save to ``directory`` atomically: files go to a temporary sibling first, which then
        replaces the target, so an interrupted save never leaves a half-written model. The
        manifest lists the files written; an existing ``directory`` is replaced only when it is
        empty or a saved model holding nothing but its listed files (see
        :func:`~kodial.classify.artefacts.replace_model_dir`)."""
        target = Path(directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and any(target.iterdir()):
            owned_files(target, "save to")  # refuse before the work, not after
        tmp = staging_dir(target)
        try:
            self._save_state(tmp)
            if self.ood_neighbors is not None:
                self.ood_neighbors.save(tmp)
            (tmp / MANIFEST).write_text(
                json.dumps(self.manifest(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
            record_files(tmp)
            replace_model_dir(tmp, target, "save to")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)  # our own staging directory
            raise
        return target


def get_method(name: str) -> type[Classifier]:
    """The classifier class registered under ``name``."""
    module, cls = lookup(METHODS, name, "classifier method").split(":")
    klass: type[Classifier] = getattr(importlib.import_module(module), cls)
    return klass


def method_options(
    method: str, values: Mapping[str, Any] | None, source: str = "--option"
) -> MethodConfig:
    """The options of ``method`` validated: a problem is a :class:`DataError` naming the
    option (``--option svm_C: must be greater than 0.0``) with its default in the hint."""
    config_cls = get_method(method).config_class
    values = dict(values or {})
    flags = {key: f"{source} {key}" for key in values}
    return validate_flags(config_cls, values, flags, f"options of {method}")


def create_classifier(method: str = DEFAULT_METHOD, **options: Any) -> Classifier:
    """A new, unfitted classifier of ``method`` configured with ``options``.

    >>> clf = create_classifier("lexical")
    >>> clf.name
    'lexical'
    """
    return get_method(method)(method_options(method, options))


def load_classifier(directory: str | Path) -> Classifier:
    """Load any saved classifier; the manifest says which method to use.

    Loading reads JSON and arrays only, never a pickle: a directory holding one (a model saved
    by an older version) is refused before any file in it is opened."""
    d = Path(directory)
    manifest_path = d / MANIFEST
    if not manifest_path.is_file():
        raise KodialError(
            f"{d} is not a saved kodial classifier (no {MANIFEST})",
            hint="train one with `kodial classify train`",
        )
    refuse_pickles(d)
    manifest = read_json_file(manifest_path, "the manifest")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("method"), str):
        raise KodialError(f"{manifest_path} is not a kodial classifier manifest (no 'method')")
    klass = get_method(manifest["method"])
    config_values = manifest.get("config") or {}
    if not isinstance(config_values, dict):
        raise KodialError(f"{manifest_path}: 'config' must be a mapping of options")
    clf = klass(validate(klass.config_class, config_values, f"{manifest_path}: config"))
    labels = manifest.get("labels", [])
    descriptions = manifest.get("descriptions", {})
    if not (isinstance(labels, list) and all(isinstance(lab, str) for lab in labels)):
        raise KodialError(f"{manifest_path}: 'labels' must be a list of strings")
    if not (
        isinstance(descriptions, dict) and all(isinstance(v, str) for v in descriptions.values())
    ):
        raise KodialError(f"{manifest_path}: 'descriptions' must map labels to strings")
    clf.labels = list(labels)
    clf.descriptions = dict(descriptions)
    clf.multi_label = bool(manifest.get("multi_label", False))
    try:
        where = f"{manifest_path}: fallback"
        clf.fallback = validate(FallbackPolicy, manifest.get("fallback") or {}, where)
        calibration = dict(manifest.get("calibration") or {})
        if "multi_label_threshold" in manifest:  # saved before per-label thresholds
            calibration.setdefault("default_threshold", manifest["multi_label_threshold"])
        clf.calibration = validate(Calibration, calibration, f"{manifest_path}: calibration")
    except DataError as exc:
        raise KodialError(exc.message, hint="re-train the model") from None
    clf._load_state(d)
    clf.ood_neighbors = OodNeighbors.load(d)
    return clf
