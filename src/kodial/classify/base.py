"""The classifier interface every method implements, and the registry of methods.

Every method answers the same calls:

- ``fit(train, dev=None)``: learn from :class:`~kodial.classify.data.LabelledData` (a no-op for
  methods whose labels come at predict time, such as ``nli-zeroshot``).
- ``predict_scores(texts, labels=None)``: an ``(N, L)`` array. Single-label methods return a
  distribution over the L labels (rows sum to 1); multi-label methods return an independent
  probability per label.
- ``predict(texts, labels=None, top_k=None)``: ranked :class:`Prediction` objects, with the
  fallback decision applied.
- ``explain(text, labels=None)``: the evidence behind one prediction (nearest labelled examples,
  weighted features), as an :class:`Explanation`.
- ``save(dir)`` / :func:`load_classifier` ``(dir)``: a directory with ``manifest.json``.

Methods register in :data:`METHODS` (name -> "module:Class"); they are imported lazily so that
the offline default never imports torch.
"""

from __future__ import annotations

import importlib
import json
import shutil
import types
import typing
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
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
    remove_files,
)
from kodial.classify.data import FALLBACK, LabelledData
from kodial.errors import KodialError
from kodial.textio import staging_dir

METHODS: dict[str, str] = {
    "lexical": "kodial.classify.lexical:LexicalClassifier",
    "embedding": "kodial.classify.embedding:EmbeddingClassifier",
    "nli-zeroshot": "kodial.classify.nli:NLIZeroShotClassifier",
    "nli-finetuned": "kodial.classify.nli_finetune:NLIFinetunedClassifier",
    "finetune": "kodial.classify.finetune:FinetunedClassifier",
}
"""Registry of classifier methods: CLI name -> ``module:Class``. A test checks every entry."""

DEFAULT_METHOD = "lexical"


@dataclass
class LabelScore:
    label: str
    score: float


@dataclass
class FallbackPolicy:
    """When to answer ``fallback`` instead of the top label. Calibrated on the dev split."""

    min_score: float = 0.0
    """Fall back when the top label's score is below this."""
    min_margin: float = 0.0
    """Fall back when top score minus second score is below this (ambiguous query)."""

    def decide(self, ranked: Sequence[float]) -> str | None:
        """Return ``'low_score'``, ``'ambiguous'`` or None (no fallback) for sorted scores."""
        if not len(ranked):
            return "no_labels"
        if ranked[0] < self.min_score:
            return "low_score"
        if len(ranked) > 1 and ranked[0] - ranked[1] < self.min_margin:
            return "ambiguous"
        return None


@dataclass
class Prediction:
    """A ranked answer for one text. ``label`` is ``'fallback'`` when the policy fired."""

    text: str
    ranking: list[LabelScore]
    fallback_reason: str | None = None
    multi_label: bool = False
    threshold: float = 0.5
    """Multi-label only: labels scoring at least this are all predicted."""

    @property
    def fallback(self) -> bool:
        return self.fallback_reason is not None

    @property
    def label(self) -> str:
        return FALLBACK if self.fallback else self.ranking[0].label

    @property
    def labels(self) -> list[str]:
        """Multi-label: every label at or above ``threshold`` (at least the top one)."""
        if self.fallback:
            return [FALLBACK]
        if not self.multi_label:
            return [self.ranking[0].label]
        chosen = [ls.label for ls in self.ranking if ls.score >= self.threshold]
        return chosen or [self.ranking[0].label]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "label": self.label,
            "labels": self.labels,
            "fallback": self.fallback,
            "fallback_reason": self.fallback_reason,
            "ranking": [{"label": ls.label, "score": round(ls.score, 6)} for ls in self.ranking],
        }


@dataclass
class Neighbor:
    """A labelled example close to the query, with its similarity (higher is closer)."""

    text: str
    label: str
    similarity: float


@dataclass
class Explanation:
    """Why a prediction came out as it did."""

    prediction: Prediction
    neighbors: list[Neighbor] = field(default_factory=list)
    """Nearest labelled examples; for example-based methods the first one decided."""
    features: list[tuple[str, str, float]] = field(default_factory=list)
    """(feature, label, weight) for the features that weighed most toward the top labels."""
    details: dict[str, Any] = field(default_factory=dict)
    """Method-specific evidence, e.g. the NLI hypotheses used."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "prediction": self.prediction.to_dict(),
            "neighbors": [asdict(n) for n in self.neighbors],
            "features": [
                {"feature": f, "label": lab, "weight": round(w, 6)} for f, lab, w in self.features
            ],
            "details": self.details,
        }


class Classifier(ABC):
    """Base class of every classifier method. Subclasses document, in their docstring:
    **Needs** (pretrained weights? labels at fit or at predict time?), **Returns** (what the
    scores mean) and **Relations** (how it compares with the other methods)."""

    name: ClassVar[str]
    needs_weights: ClassVar[bool] = False
    """True when the method needs a pretrained checkpoint (hub id or local path)."""
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"
    """Where the label set comes from: training data, or the caller of ``predict``."""

    def __init__(self, config: Any = None) -> None:
        self.config = config
        self.labels: list[str] = []
        self.descriptions: dict[str, str] = {}
        self.multi_label = False
        self.fallback = FallbackPolicy()
        self.multi_label_threshold = 0.5

    # -- to implement -------------------------------------------------------------------------
    @abstractmethod
    def fit(self, train: LabelledData, dev: LabelledData | None = None) -> Self:
        """Learn from labelled data; returns self."""

    @abstractmethod
    def predict_scores(
        self, texts: Sequence[str], labels: Sequence[str] | None = None
    ) -> np.ndarray:
        """(N, L) scores for ``labels`` (default: the fitted labels, in ``self.labels`` order)."""

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
    def candidate_labels(self, labels: Sequence[str] | None) -> list[str]:
        if labels is not None:
            out = list(dict.fromkeys(labels))
            if not out:
                raise KodialError("no candidate labels given")
            return out
        if not self.labels:
            raise KodialError(
                f"the {self.name!r} classifier has no labels",
                hint="fit it on labelled data, or pass candidate labels at predict time",
            )
        return self.labels

    def predict(
        self,
        texts: Sequence[str],
        labels: Sequence[str] | None = None,
        top_k: int | None = None,
        scores: np.ndarray | None = None,
    ) -> list[Prediction]:
        """Ranked labels for each text, fallback applied (``scores`` skips recomputing them)."""
        cands = self.candidate_labels(labels)
        if scores is None:
            scores = self.predict_scores(texts, cands)  # (N, L)
        out = []
        for text, row in zip(texts, scores, strict=True):
            order = np.argsort(-row, kind="stable")
            # The fallback sees the full ranking: cutting to top_k=1 first would hide the margin.
            reason = self.fallback.decide([float(row[i]) for i in order])
            if top_k:
                order = order[:top_k]
            ranked = [LabelScore(cands[i], float(row[i])) for i in order]
            out.append(
                Prediction(text, ranked, reason, self.multi_label, self.multi_label_threshold)
            )
        return out

    def manifest(self) -> dict[str, Any]:
        cfg = self.config
        return {
            "kodial_version": __version__,
            "method": self.name,
            "config": asdict(cfg) if is_dataclass(cfg) and not isinstance(cfg, type) else cfg,
            "labels": self.labels,
            "descriptions": self.descriptions,
            "multi_label": self.multi_label,
            "multi_label_threshold": self.multi_label_threshold,
            "fallback": asdict(self.fallback),
        }

    def save(self, directory: str | Path) -> Path:
        """Save to ``directory`` atomically: files go to a temporary sibling first, which then
        replaces the target, so an interrupted save never leaves a half-written model. The
        manifest lists the files written; an existing ``directory`` is replaced only when it is
        empty or a saved model holding nothing but its listed files (see
        :func:`replace_model_dir`)."""
        target = Path(directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and any(target.iterdir()):
            owned_files(target, "save to")  # refuse before the work, not after
        tmp = staging_dir(target)
        try:
            self._save_state(tmp)
            (tmp / MANIFEST).write_text(
                json.dumps(self.manifest(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
            record_files(tmp)
            replace_model_dir(tmp, target, "save to")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)  # our own staging directory
            raise
        return target


def replace_model_dir(staged: Path, target: Path, option: str = "--out") -> None:
    """Move the finished model directory ``staged`` to ``target``. An existing ``target`` must
    be empty or a saved model whose manifest lists every file in it; it is moved aside, the new
    model moved in, and then only the listed files of the old one are deleted (never a whole
    directory tree: a file kodial did not write is refused up front, see
    :func:`~kodial.classify.artefacts.owned_files`)."""
    if target.exists() and not target.is_dir():
        raise KodialError(f"{option} {target}: is a file, expected a directory")
    if not target.exists():
        staged.rename(target)
        return
    if not any(target.iterdir()):
        target.rmdir()
        staged.rename(target)
        return
    files = owned_files(target, option)
    old = staging_dir(target)
    target.rename(old)  # onto the new, empty staging directory
    try:
        staged.rename(target)
    except BaseException:
        old.rename(target)
        raise
    remove_files(old, files)


def model_reference(name_or_path: str) -> str:
    """A hub id as given; a local directory made absolute, so a saved classifier still finds its
    model when it is loaded from another working directory."""
    path = Path(name_or_path)
    return str(path.resolve()) if path.exists() else name_or_path


def get_method(name: str) -> type[Classifier]:
    """The classifier class registered under ``name``."""
    if name not in METHODS:
        raise KodialError(
            f"unknown classifier method {name!r}", hint=f"choose one of: {', '.join(METHODS)}"
        )
    module, cls = METHODS[name].split(":")
    klass: type[Classifier] = getattr(importlib.import_module(module), cls)
    return klass


def config_from_dict(config_cls: type, values: dict[str, Any] | None) -> Any:
    """Build a dataclass config, rejecting unknown keys with a clear error."""
    values = dict(values or {})
    known = {f.name for f in fields(config_cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise KodialError(
            f"unknown option(s) for {config_cls.__name__}: {', '.join(unknown)}",
            hint=f"known options: {', '.join(sorted(known))}",
        )
    hints = typing.get_type_hints(config_cls)
    defaults = {f.name: f.default for f in fields(config_cls)}
    for name, value in list(values.items()):
        try:
            values[name] = check_option(name, value, hints[name])
        except KodialError as exc:
            default = defaults[name]
            if isinstance(default, tuple):
                default = list(default)
            if default is not MISSING:
                exc.hint = f"the default is {name}={json.dumps(default, ensure_ascii=False)}"
            raise
    return config_cls(**values)


POSITIVE_OPTIONS = frozenset(
    {
        "svm_C",
        "logreg_C",
        "k",
        "temperature",
        "batch_size",
        "predict_batch_size",
        "train_batch_size",
        "max_length",
        "candidates_top_k",
        "epochs",
        "learning_rate",
        "min_df",
        "max_iter",
    }
)
"""Options that must be > 0, whichever method has them."""

NON_NEGATIVE_OPTIONS = frozenset({"weight_decay", "negatives", "random_negatives", "neutrals"})
"""Options that must be >= 0."""

FRACTION_OPTIONS = frozenset({"warmup_ratio"})
"""Options that must lie in [0, 1)."""

NGRAM_OPTIONS = frozenset({"morph_ngrams", "char_ngrams"})
"""N-gram ranges [lo, hi]: 1 <= lo <= hi, or [0, 0] for off."""


def _option_error(name: str, problem: str, value: Any) -> KodialError:
    return KodialError(f"--option {name}: {problem}, got {value!r}")


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def check_option(name: str, value: Any, hint: Any) -> Any:
    """``value`` checked against the config field's type ``hint`` and its range; returns it,
    converted where harmless (an int for a float, ``5e-5`` read by YAML as a string)."""
    raw = value
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            return check_option(name, value, inner[0])
        for alt in inner:
            try:
                return check_option(name, value, alt)
            except KodialError:
                continue
        raise _option_error(name, f"must be {' or '.join(map(_type_name, inner))}", value)
    if origin is Literal:
        if value not in args:
            raise _option_error(name, f"must be one of {', '.join(map(repr, args))}", value)
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple) or len(value) != len(args):
            raise _option_error(name, f"must be a list of {len(args)} values, e.g. [1, 2]", value)
        out = tuple(check_option(name, v, a) for v, a in zip(value, args, strict=True))
        if name in NGRAM_OPTIONS and out != (0, 0) and not 1 <= out[0] <= out[1]:
            raise _option_error(name, "must be [lo, hi] with 1 <= lo <= hi, or [0, 0] (off)", value)
        return out
    if hint is bool:
        if not isinstance(value, bool):
            raise _option_error(name, "must be true or false", value)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _option_error(name, "must be a whole number", value)
    elif hint is float:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise _option_error(name, "must be a number", value) from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _option_error(name, "must be a number", value)
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise _option_error(name, "must be a finite number", value)
    elif hint is str:
        if not isinstance(value, str):
            raise _option_error(name, "must be a string", value)
        return value
    else:
        return value
    if name == "num_workers" and not value >= -1:  # Kiwi: 0 = one thread, -1 = every core
        raise _option_error(name, "must be -1 (every core), 0 (one thread) or more", raw)
    if name in POSITIVE_OPTIONS and not value > 0:
        raise _option_error(name, "must be > 0", raw)
    if name in NON_NEGATIVE_OPTIONS and not value >= 0:
        raise _option_error(name, "must be >= 0", raw)
    if name in FRACTION_OPTIONS and not 0 <= value < 1:
        raise _option_error(name, "must be in [0, 1)", raw)
    return value


def create_classifier(method: str = DEFAULT_METHOD, **options: Any) -> Classifier:
    """A new, unfitted classifier of ``method`` configured with ``options``.

    >>> clf = create_classifier("lexical")
    >>> clf.name
    'lexical'
    """
    klass = get_method(method)
    config_cls = getattr(klass, "config_class", None)
    config = config_from_dict(config_cls, options) if config_cls else None
    return klass(config)


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
    config_cls = getattr(klass, "config_class", None)
    config_values = manifest.get("config")
    if config_values is not None and not isinstance(config_values, dict):
        raise KodialError(f"{manifest_path}: 'config' must be a mapping of options")
    config = config_from_dict(config_cls, config_values) if config_cls else None
    clf = klass(config)
    labels = manifest.get("labels", [])
    descriptions = manifest.get("descriptions", {})
    threshold = manifest.get("multi_label_threshold", 0.5)
    if not (isinstance(labels, list) and all(isinstance(lab, str) for lab in labels)):
        raise KodialError(f"{manifest_path}: 'labels' must be a list of strings")
    if not (
        isinstance(descriptions, dict) and all(isinstance(v, str) for v in descriptions.values())
    ):
        raise KodialError(f"{manifest_path}: 'descriptions' must map labels to strings")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise KodialError(f"{manifest_path}: 'multi_label_threshold' must be a number")
    clf.labels = list(labels)
    clf.descriptions = dict(descriptions)
    clf.multi_label = bool(manifest.get("multi_label", False))
    clf.multi_label_threshold = float(threshold)
    clf.fallback = fallback_from_dict(manifest.get("fallback", {}), manifest_path)
    clf._load_state(d)
    return clf


def fallback_from_dict(values: Any, where: str | Path) -> FallbackPolicy:
    """A :class:`FallbackPolicy` from saved JSON, checked field by field."""
    if not isinstance(values, dict):
        raise KodialError(f"{where}: 'fallback' must be a mapping")
    known = {f.name for f in fields(FallbackPolicy)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise KodialError(f"{where}: unknown fallback field(s) {', '.join(unknown)}")
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise KodialError(f"{where}: fallback {name} must be a number, got {value!r}")
    return FallbackPolicy(**{k: float(v) for k, v in values.items()})
