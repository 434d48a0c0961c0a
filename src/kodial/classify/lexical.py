"""The offline default classifier: Korean morpheme + character n-gram TF-IDF and a linear model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import joblib
import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from kodial.classify.base import Classifier, Explanation, Neighbor
from kodial.classify.data import LabelledData
from kodial.classify.features import KoreanFeaturizer
from kodial.errors import KodialError

STATE_FILE = "lexical.joblib"


@dataclass
class LexicalConfig:
    """Options of the ``lexical`` method (``--option key=value`` on the CLI)."""

    morph_ngrams: tuple[int, int] = (1, 2)
    """N-gram range over kiwipiepy morphemes (form/TAG); [0, 0] turns the morpheme view off."""
    char_ngrams: tuple[int, int] = (1, 4)
    """Character n-gram range (n-grams may span the space between two words); [0, 0] turns the
    character view off."""
    content_only: bool = False
    """Keep only content morphemes (nouns, stems, adverbs); drops particles and endings, which
    hurts intent (question vs command) tasks but can help pure topic tasks."""
    model: Literal["auto", "svm", "logreg"] = "auto"
    """Linear model. 'svm': linear SVM with probabilities from a softmax whose temperature is
    fitted on a held-out 20% (fast to train on large sets; needs 3+ examples per class). 'logreg': multinomial logistic
    regression (native probabilities; slow beyond ~20k queries). 'auto': svm for single-label
    data whose classes all have 3+ training examples, logreg otherwise (and one-vs-rest
    logistic regression for multi-label data)."""
    svm_C: float = 1.0
    """Inverse regularisation strength of the SVM (larger fits the training data more closely)."""
    logreg_C: float = 10.0
    """Inverse regularisation strength of the logistic regression."""
    class_weight: Literal["balanced"] | None = None
    """'balanced' reweights rare classes (raises macro-F1 on skewed data, may cost accuracy)."""
    min_df: int = 1
    """Ignore features seen in fewer training texts than this."""
    num_workers: int = 2
    """Threads kiwipiepy uses to analyse a batch of texts."""
    max_iter: int = 2000
    """Iteration limit of the solver."""


class SoftmaxSVM(ClassifierMixin, BaseEstimator):
    """Linear SVM with probabilities ``softmax(decision / T)``; the one temperature ``T`` is
    fitted (minimum log loss) on a held-out 20% scored by an SVM trained on the other 80%.

    Unlike per-class sigmoid calibration (``CalibratedClassifierCV``), one temperature keeps the
    full-data SVM's ranking of the labels, so calibration costs no accuracy; and the final SVM
    sees all the training data.
    """

    def __init__(
        self, C: float = 1.0, class_weight: str | None = None, max_iter: int = 2000
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter

    def _svm(self) -> LinearSVC:
        return LinearSVC(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)

    @staticmethod
    def _logits(svm: LinearSVC, X: Any) -> np.ndarray:
        dec = np.asarray(svm.decision_function(X))
        return np.column_stack([np.zeros_like(dec), dec]) if dec.ndim == 1 else dec  # (N, L)

    def fit(self, X: Any, y: Sequence[str]) -> SoftmaxSVM:
        y_arr = np.asarray(y)
        self.svm_ = self._svm().fit(X, y_arr)
        self.classes_ = self.svm_.classes_
        split = StratifiedShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
        fit_idx, held_idx = next(split.split(np.zeros(len(y_arr)), y_arr))
        held_svm = self._svm().fit(X[fit_idx], y_arr[fit_idx])
        logits = self._logits(held_svm, X[held_idx])  # (H, L)
        gold = np.searchsorted(self.classes_, y_arr[held_idx])  # (H,)

        def nll(log_t: float) -> float:
            return float(
                -log_softmax(logits / np.exp(log_t), axis=1)[np.arange(len(gold)), gold].mean()
            )

        self.temperature_ = float(np.exp(minimize_scalar(nll, bounds=(-5, 3), method="bounded").x))
        return self

    @property
    def coef_(self) -> np.ndarray:
        return np.asarray(self.svm_.coef_)

    def predict_proba(self, X: Any) -> np.ndarray:
        return np.asarray(softmax(self._logits(self.svm_, X) / self.temperature_, axis=1))

    def predict(self, X: Any) -> np.ndarray:
        return np.asarray(self.classes_[self._logits(self.svm_, X).argmax(1)])


class LexicalClassifier(Classifier):
    """Bag of Korean morphemes and character n-grams, TF-IDF weighted, with a linear model.

    **Needs**: no pretrained weights, nothing downloaded; labelled examples at fit time (a few
    dozen per class already work; it keeps improving with tens of thousands). kiwipiepy analyses
    the morphemes.

    **Returns**: single-label data gives a probability distribution over the fitted labels
    (a linear SVM with temperature-scaled softmax probabilities, or multinomial logistic
    regression); multi-label data gives an
    independent probability per label (one-vs-rest). Passing a subset of the fitted labels to
    ``predict_scores`` renormalises over that subset (single-label). ``explain`` returns the
    nearest training examples (cosine similarity of the TF-IDF vectors) and the features whose
    weight times value pushed most toward the top labels.

    **Relations**: the fastest method and the offline default (the demo uses it). It cannot
    score labels it has not seen in training, unlike ``nli-zeroshot``/``nli-finetuned``; with
    very few examples per class ``embedding`` generalises better to unseen wordings when a
    pretrained sentence encoder is at hand. Its scores also serve as the cheap first stage that
    narrows candidates for the NLI methods.
    """

    name: ClassVar[str] = "lexical"
    config_class: ClassVar[type] = LexicalConfig
    needs_weights: ClassVar[bool] = False
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"

    def __init__(self, config: LexicalConfig | None = None) -> None:
        super().__init__(config or LexicalConfig())
        self.config: LexicalConfig
        self.featurizer: KoreanFeaturizer | None = None
        self.model: Any = None
        self.train_matrix: sp.csr_matrix | None = None  # (N_train, F), rows L2-normalised
        self.train_texts: list[str] = []
        self.train_labels: list[list[str]] = []

    # -- fitting ------------------------------------------------------------------------------
    def _featurizer(self) -> KoreanFeaturizer:
        c = self.config
        return KoreanFeaturizer(
            morph_ngrams=(int(c.morph_ngrams[0]), int(c.morph_ngrams[1])),
            char_ngrams=(int(c.char_ngrams[0]), int(c.char_ngrams[1])),
            content_only=c.content_only,
            min_df=c.min_df,
            num_workers=c.num_workers,
        )

    def _estimator(self, train: LabelledData) -> Any:
        c = self.config
        model = c.model
        if model not in ("auto", "svm", "logreg"):
            raise KodialError(
                f"unknown lexical model {model!r}", hint="use 'auto', 'svm' or 'logreg'"
            )
        smallest = min(train.counts().values())
        if model == "auto":
            model = "svm" if not train.multi_label and smallest >= 3 else "logreg"
        if model == "svm" and (train.multi_label or smallest < 3):
            raise KodialError(
                "model 'svm' needs single-label data with 3+ training examples per class "
                f"(smallest class has {smallest})",
                hint="use --option model=auto or model=logreg",
            )
        if model == "svm":
            return SoftmaxSVM(C=c.svm_C, class_weight=c.class_weight, max_iter=c.max_iter)
        return LogisticRegression(C=c.logreg_C, max_iter=c.max_iter, class_weight=c.class_weight)

    def fit(self, train: LabelledData, dev: LabelledData | None = None) -> Self:
        labels = train.labels
        if len(labels) < 2:
            raise KodialError(
                f"the lexical classifier needs at least 2 labels, got {len(labels)}",
                hint="add examples of other classes (out-of-domain queries go to the fallback "
                "calibration, not to a class)",
            )
        self.featurizer = self._featurizer()
        X = self.featurizer.fit_transform(train.texts)  # (N, F)
        self.labels = labels
        self.multi_label = train.multi_label
        self.descriptions = {lab: train.description(lab) for lab in labels}
        if self.multi_label:
            y = MultiLabelBinarizer(classes=labels).fit_transform(train.label_lists)  # (N, L)
            self.model = OneVsRestClassifier(self._estimator(train)).fit(X, y)
        else:
            self.model = self._estimator(train).fit(X, train.first_labels)
            if list(self.model.classes_) != labels:
                raise AssertionError("classes out of order")
        self.train_matrix = X
        self.train_texts = train.texts
        self.train_labels = train.label_lists
        return self

    # -- scoring ------------------------------------------------------------------------------
    def _check_fitted(self) -> tuple[KoreanFeaturizer, Any]:
        if self.featurizer is None or self.model is None:
            raise KodialError("the lexical classifier is not fitted", hint="call fit() first")
        return self.featurizer, self.model

    def _columns(self, labels: Sequence[str] | None) -> list[int]:
        cands = self.candidate_labels(labels)
        unknown = [lab for lab in cands if lab not in self.labels]
        if unknown:
            raise KodialError(
                f"label(s) not seen in training: {', '.join(unknown)}",
                hint="the lexical method only scores its fitted labels "
                f"({', '.join(self.labels)}); use nli-zeroshot for new labels",
            )
        return [self.labels.index(lab) for lab in cands]

    def _all_scores(self, X: sp.csr_matrix) -> np.ndarray:
        _, model = self._check_fitted()
        return np.asarray(model.predict_proba(X), dtype=np.float64)  # (N, L)

    def predict_scores(
        self, texts: Sequence[str], labels: Sequence[str] | None = None
    ) -> np.ndarray:
        featurizer, _ = self._check_fitted()
        cols = self._columns(labels)
        if not len(texts):
            return np.zeros((0, len(cols)))
        scores = self._all_scores(featurizer.transform(list(texts)))[:, cols]  # (N, L')
        if not self.multi_label and len(cols) < len(self.labels):
            scores = scores / np.clip(scores.sum(axis=1, keepdims=True), 1e-12, None)
        return scores

    # -- evidence -----------------------------------------------------------------------------
    def _coef(self) -> np.ndarray:
        """(L, F) weight of each feature toward each label, whatever the fitted model."""
        _, model = self._check_fitted()

        def of(est: Any) -> np.ndarray:
            coef = np.asarray(est.coef_)
            return np.vstack([-coef[0], coef[0]]) if coef.shape[0] == 1 else coef

        if isinstance(model, OneVsRestClassifier):
            return np.vstack([of(est)[-1] for est in model.estimators_])
        return of(model)

    def explain(
        self, text: str, labels: Sequence[str] | None = None, k: int = 5, n_features: int = 10
    ) -> Explanation:
        featurizer, _ = self._check_fitted()
        x = featurizer.transform([text])  # (1, F)
        scores = self.predict_scores([text], labels)
        prediction = self.predict([text], labels, scores=scores)[0]
        neighbors: list[Neighbor] = []
        if self.train_matrix is not None:
            sims = np.asarray((self.train_matrix @ x.T).todense()).ravel()  # (N_train,)
            for i in np.argsort(-sims, kind="stable")[:k]:
                neighbors.append(
                    Neighbor(self.train_texts[i], "|".join(self.train_labels[i]), float(sims[i]))
                )
        coef = self._coef()
        names = featurizer.feature_names()
        row = x.tocsr()
        best: dict[tuple[str, str], float] = {}
        for ls in prediction.ranking[:2]:
            li = self.labels.index(ls.label)
            contrib = row.data * coef[li, row.indices]  # (nnz,)
            for j in np.argsort(-contrib, kind="stable")[: 4 * n_features]:
                if contrib[j] > 0:
                    # "' 맛집'", "'맛집 '" and "'맛집'" are one n-gram at different word edges
                    key = (names[row.indices[j]], ls.label)
                    best[key] = max(best.get(key, 0.0), float(contrib[j]))
        features = sorted(((f, lab, w) for (f, lab), w in best.items()), key=lambda f: -f[2])
        return Explanation(
            prediction,
            neighbors,
            features[:n_features],
            {"similarity": "cosine of TF-IDF vectors", "weight": "feature value x model weight"},
        )

    # -- persistence --------------------------------------------------------------------------
    def _save_state(self, directory: Path) -> None:
        featurizer, model = self._check_fitted()
        joblib.dump(
            {
                "featurizer": featurizer,
                "model": model,
                "train_matrix": self.train_matrix,
                "train_texts": self.train_texts,
                "train_labels": self.train_labels,
            },
            directory / STATE_FILE,
        )

    def _load_state(self, directory: Path) -> None:
        path = directory / STATE_FILE
        if not path.exists():
            raise KodialError(f"{directory} has no {STATE_FILE}", hint="re-train the model")
        state = joblib.load(path)
        self.featurizer = state["featurizer"]
        self.model = state["model"]
        self.train_matrix = state["train_matrix"]
        self.train_texts = state["train_texts"]
        self.train_labels = state["train_labels"]
