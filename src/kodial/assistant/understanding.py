"""Query understanding for an assistant: the classifier trained (or loaded) from
``assistant.yaml``, its fallback policy, and a second fallback opinion from the out-of-domain
queries.

:func:`build_classifier` trains the configured :mod:`kodial.classify` method on the intents and
sets the fallback thresholds (explicit, calibrated by cross-validation, or saved);
:class:`Understanding` answers for the engine: predictions with the assistant's fallback rules,
the classifier's view for a turn's route, and the ``/v1/classify`` payload
(:class:`Classification`). Classifier calls are serialised: a method's internals are not
guaranteed to be safe under concurrent calls.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, is_dataclass
from typing import Any

from pydantic import BaseModel

from kodial.assistant.config import AssistantConfig
from kodial.assistant.retrieval import NearestText
from kodial.assistant.route import ClassifierView, LabelScore, Thresholds
from kodial.classify.base import Classifier, FallbackPolicy, Prediction
from kodial.classify.data import LabelledData, load_labelled, merge, read_ood_lines, validate_rows

OOD_NEIGHBORS = 3
"""Nearest examples (intent examples + OOD queries, character n-gram TF-IDF) consulted by the
OOD-neighbour check; a majority of OOD queries among them means fallback."""

OOD_NEIGHBOR_SIMILARITY = 0.35
"""A single nearest OOD query this similar (cosine) is enough for fallback."""

ROUTE_RANKING = 3
"""Labels of the classifier's ranking kept in a turn's route."""


class Neighbor(BaseModel):
    """A labelled example close to the text."""

    text: str
    label: str
    similarity: float


class FeatureWeight(BaseModel):
    """A feature that weighed toward a label."""

    feature: str
    label: str
    weight: float


class Explanation(BaseModel):
    """Why the classifier ranked the labels as it did."""

    neighbors: list[Neighbor]
    """Nearest labelled examples; for example-based methods the first one decided."""
    features: list[FeatureWeight]
    """The features that weighed most toward the top labels."""
    details: dict[str, Any]
    """Method-specific evidence (the NLI hypotheses used, ...)."""


class Classification(BaseModel):
    """The assistant's understanding of one text (an item of ``/v1/classify``)."""

    text: str
    label: str
    """The top label, or ``fallback`` when the fallback policy fired."""
    labels: list[str]
    """Every predicted label (one for the assistant's single-label intents)."""
    fallback: bool
    fallback_reason: str | None = None
    """``low_score``, ``ambiguous`` or ``near_ood``."""
    ranking: list[LabelScore]
    """All labels, best first, with scores."""
    thresholds: Thresholds
    handler: str
    """The handler that would answer the text as a new request."""
    handler_type: str
    """Its type: ``task``, ``faq``, ``chitchat`` or ``fallback``."""
    explanation: Explanation


class Understanding:
    """The classifier with the assistant's fallback rules: the classifier's own policy
    (``low_score``, ``ambiguous``), then the OOD-neighbour check (``near_ood``: the message's
    nearest example is an out-of-domain query), when ``data`` has OOD queries."""

    def __init__(self, classifier: Classifier, data: LabelledData | None, ood_neighbors: bool):
        self.classifier = classifier
        self._lock = threading.Lock()
        self._ood_index: NearestText | None = None
        self._ood_flags: list[bool] = []
        if ood_neighbors and data is not None and data.ood:
            self._ood_index = NearestText([*data.texts, *data.ood], morphemes=False)
            self._ood_flags = [False] * len(data.texts) + [True] * len(data.ood)

    @property
    def thresholds(self) -> Thresholds:
        policy = self.classifier.fallback
        return Thresholds(min_score=policy.min_score, min_margin=policy.min_margin)

    def predict(self, texts: list[str]) -> list[Prediction]:
        """Predictions with the fallback rules applied."""
        with self._lock:
            preds = self.classifier.predict(texts)
        if self._ood_index is None:
            return preds
        for pred in preds:
            if not pred.fallback and self._near_ood(pred.text):
                pred.fallback_reason = "near_ood"
        return preds

    def _near_ood(self, text: str) -> bool:
        """The nearest example is an OOD query at least :data:`OOD_NEIGHBOR_SIMILARITY`
        similar, or most of the :data:`OOD_NEIGHBORS` nearest are OOD queries."""
        assert self._ood_index is not None
        hits = self._ood_index.search(text, k=OOD_NEIGHBORS)
        ood = [self._ood_flags[h.index] for h in hits if h.similarity > 0]
        first = hits[0]
        return (
            self._ood_flags[first.index] and first.similarity >= OOD_NEIGHBOR_SIMILARITY
        ) or sum(ood) * 2 > len(hits)

    def best_of(self, text: str, labels: list[str]) -> str:
        """The label among ``labels`` that the classifier scores highest for ``text``."""
        with self._lock:
            scores = self.classifier.predict_scores([text], labels=labels)[0]
        return max(zip(labels, scores, strict=True), key=lambda pair: pair[1])[0]

    def view(self, pred: Prediction) -> ClassifierView:
        """The classifier's verdict as a turn's route shows it (the top labels)."""
        return ClassifierView(
            label=pred.label,
            fallback=pred.fallback,
            fallback_reason=pred.fallback_reason,
            ranking=[
                LabelScore(label=ls.label, score=round(ls.score, 4))
                for ls in pred.ranking[:ROUTE_RANKING]
            ],
            thresholds=self.thresholds,
        )

    def explain(self, text: str) -> Explanation:
        with self._lock:
            found = self.classifier.explain(text)
        return Explanation(
            neighbors=[Neighbor(**asdict(n)) for n in found.neighbors],
            features=[
                FeatureWeight(feature=f, label=label, weight=round(w, 6))
                for f, label, w in found.features
            ],
            details=found.details,
        )


def intent_data(config: AssistantConfig) -> LabelledData:
    """The labelled intents of ``config``: its data file, inline examples and OOD queries."""
    parts: list[LabelledData] = []
    intents = config.intents
    if intents.data is not None:
        parts.append(load_labelled(intents.data, descriptions=intents.descriptions))
    if intents.examples:
        rows = [(0, text, (label,)) for label, texts in intents.examples.items() for text in texts]
        parts.append(
            validate_rows(
                rows, "assistant.yaml:intents.examples", descriptions=intents.descriptions
            )
        )
    data = merge(parts) if len(parts) > 1 else parts[0]
    if intents.ood is not None:
        data.ood = [*data.ood, *read_ood_lines(intents.ood)]
    return data


def build_classifier(config: AssistantConfig) -> Classifier:
    """Train the configured classifier on the intents (or load ``model_dir``), then set the
    fallback policy: explicit thresholds win; else ``target_recall`` calibrates them on
    cross-validated in-domain scores and the OOD queries
    (:func:`calibrate_cross_validated`); else the saved/default policy stays."""
    from kodial.classify.base import create_classifier, load_classifier

    cc = config.classifier
    if cc.model_dir is not None:
        clf = load_classifier(cc.model_dir)
    else:
        data = intent_data(config)
        clf = create_classifier(cc.method, **cc.options).fit(data)
        if cc.min_score is None and cc.target_recall is not None:
            clf.fallback = calibrate_cross_validated(
                clf, data, cc.target_recall, cc.calibration_folds
            )
    policy = clf.fallback
    clf.fallback = FallbackPolicy(
        min_score=policy.min_score if cc.min_score is None else cc.min_score,
        min_margin=policy.min_margin if cc.min_margin is None else cc.min_margin,
    )
    return clf


def calibrate_cross_validated(
    clf: Classifier, data: LabelledData, target_recall: float, folds: int
) -> FallbackPolicy:
    """Fallback thresholds from held-out scores.

    Scores of the training queries under the model trained on them are overconfident (a
    threshold picked on them rejects far more real queries than ``target_recall`` promises), so
    each query is scored by a model trained on the other folds (folds taken round-robin within
    each intent). OOD queries are scored by the full model, as they will be when served; then
    :func:`kodial.classify.fallback.choose_policy` picks the thresholds.
    """
    import numpy as np

    from kodial.classify.base import create_classifier
    from kodial.classify.fallback import choose_policy

    seen: dict[str, int] = {}
    fold_of = []
    for ex in data.examples:
        lab = ex.labels[0]
        fold_of.append(seen.get(lab, 0) % folds)
        seen[lab] = seen.get(lab, 0) + 1
    in_scores = np.zeros((len(data.examples), len(clf.labels)))  # (N, L)
    for k in range(folds):
        held = [i for i, f in enumerate(fold_of) if f == k]
        train = data.subset([ex for i, ex in enumerate(data.examples) if fold_of[i] != k], ood=[])
        if not held or set(train.labels) != set(clf.labels):
            continue
        part = create_classifier(clf.name, **_options(clf)).fit(train)
        in_scores[held] = part.predict_scores([data.examples[i].text for i in held], clf.labels)
    ood = clf.predict_scores(data.ood, clf.labels) if data.ood else None  # (M, L)
    return choose_policy(in_scores, ood, target_recall)


def _options(clf: Classifier) -> dict[str, Any]:
    cfg = clf.config
    return asdict(cfg) if is_dataclass(cfg) and not isinstance(cfg, type) else {}
