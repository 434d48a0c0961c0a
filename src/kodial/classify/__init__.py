"""Query understanding: which domain or intent a Korean query is about, with a safe fallback."""

from kodial.classify.base import (
    METHODS,
    Classifier,
    FallbackPolicy,
    create_classifier,
    get_method,
    load_classifier,
)
from kodial.classify.data import FALLBACK, OOD_LABEL, LabelledData, load_labelled
from kodial.classify.results import Explanation, LabelScore, Neighbor, Prediction

__all__ = [
    "FALLBACK",
    "METHODS",
    "OOD_LABEL",
    "Classifier",
    "Explanation",
    "FallbackPolicy",
    "LabelScore",
    "LabelledData",
    "Neighbor",
    "Prediction",
    "create_classifier",
    "get_method",
    "load_classifier",
    "load_labelled",
]
