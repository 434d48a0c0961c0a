"""The offline default classifier: Korean morpheme + character n-gram TF-IDF and a linear model.

Saved as data only (no pickle, so loading a model directory cannot run code): ``lexical.json``
holds the vocabularies, the training texts and labels and the kind of linear head;
``lexical.npz`` (read with ``allow_pickle=False``) holds the idf weights, the head's weights and
the training matrix. Loading rebuilds the featurizer and the head from them, so predictions after
loading are bit-identical to those before saving.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
import scipy.sparse as sp
from pydantic import Field, PositiveInt
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from kodial.classify.artefacts import load_arrays, read_json_file, write_json_file
from kodial.classify.base import Classifier, MethodConfig
from kodial.classify.data import LabelledData
from kodial.classify.features import KoreanFeaturizer, NgramRange
from kodial.classify.heads import RIDGE_MAX_ROWS, LinearHead, fit_ridge_head
from kodial.classify.results import Explanation, FeatureWeight, Neighbor
from kodial.errors import KodialError

STATE_JSON = "lexical.json"
"""Vocabularies, training texts and labels, the head's kind (JSON)."""
STATE_ARRAYS = "lexical.npz"
"""Idf weights, the head's weights, the training matrix (numpy, no pickle)."""
STATE_FORMAT = 1
"""Version of the two files' layout."""
PARALLEL_WORK = 20_000_000
"""Labels x stored TF-IDF values from which ``ovr_jobs=auto`` fits one-vs-rest models in
parallel processes. KOTE's 44 labels over 4,000 comments (about 70 million) take 1.9 s a
round alone and 0.9 s on two processes; a few thousand short queries with a handful of labels
fit in well under the second that starting the processes costs."""
MAX_OVR_JOBS = 8
"""At most this many processes under ``ovr_jobs=auto``: each holds its own Python with
scikit-learn (about 150 MB), so every core of a 64-core server would cost gigabytes for a fit
that 8 processes already cut to a few rounds of its labels."""


class LexicalConfig(MethodConfig):
    """Options of the ``lexical`` method (``--option key=value`` on the CLI)."""

    morph_ngrams: NgramRange = (1, 2)
    """N-gram range over kiwipiepy morphemes (form/TAG); [0, 0] turns the morpheme view off."""
    char_ngrams: NgramRange = (1, 4)
    """Character n-gram range (n-grams may span the space between two words); [0, 0] turns the
    character view off."""
    ending_weight: float = Field(default=0.0, ge=0)
    """Weight of the sentence-ending view (last characters, final punctuation, last morphemes),
    where Korean marks the speech act: helps intent tasks with few examples, not topic tasks;
    0 turns it off."""
    content_only: bool = False
    """Keep only content morphemes (nouns, stems, adverbs); drops particles and endings, which
    hurts intent (question vs command) tasks but can help pure topic tasks."""
    model: Literal["auto", "svm", "logreg", "ridge"] = "auto"
    """Linear model. 'svm': linear SVM (one-vs-rest for multi-label data), fast on large sets,
    needs 3+ examples per class; its decision values become probabilities through the
    calibration fitted by the training pipeline. 'logreg': logistic regression (native
    probabilities; slow beyond ~20k queries and on many labels). 'ridge' (multi-label data, up
    to 8,000 training texts): one least-squares classifier per label, every label solved at
    once (same micro-F1 as the SVMs on KOTE, fitted in a third of the time). 'auto': ridge for
    multi-label data up to 8,000 texts; otherwise svm when every class has 3+ training
    examples, else logreg."""
    ridge_alpha: float = Field(default=1.0, gt=0)
    """Regularisation strength of the ridge model (larger keeps the weights smaller)."""
    svm_C: float = Field(default=1.0, gt=0)
    """Inverse regularisation strength of the SVM (larger fits the training data more closely)."""
    logreg_C: float = Field(default=10.0, gt=0)
    """Inverse regularisation strength of the logistic regression."""
    class_weight: Literal["balanced"] | None = None
    """'balanced' reweights rare classes (raises macro-F1 on skewed data, may cost accuracy)."""
    min_df: int = Field(default=1, ge=1)
    """Ignore features seen in fewer training texts than this."""
    num_workers: int = Field(default=2, ge=-1)
    """Threads kiwipiepy uses to analyse a batch of texts (0: one thread, -1: every core)."""
    max_iter: int = Field(default=2000, gt=0)
    """Iteration limit of the solver."""
    ovr_tol: float = Field(default=1e-2, gt=0)
    """Stopping tolerance of each one-vs-rest SVM (multi-label data; single-label keeps
    scikit-learn's 1e-4). On KOTE (44 labels, 4,000 comments, 358k features) 1e-2 gives the
    same test micro-F1 as 1e-4 to four decimals in a fifth of the time: the dual solver is
    close to its optimum long before 1e-4, and multi-label fits 44 models per fold."""
    ovr_jobs: PositiveInt | Literal["auto"] = "auto"
    """Processes that fit the one-vs-rest SVMs of multi-label data side by side (the models
    are the same whatever the count: each binary fit seeds its own solver). auto: every CPU
    the process may use, at most 8, when the fit is large enough to repay starting them (20
    million label x stored-value cells), else 1."""


def held_as_new(
    featurizer: KoreanFeaturizer, held: sp.csr_matrix, rest: sp.csr_matrix
) -> sp.csr_matrix:
    """``held`` rows as a model fitted on the ``rest`` rows would see them: the TF-IDF columns
    (the first ``featurizer.n_features()``) as a featurizer fitted on ``rest``'s texts gives
    them (:meth:`KoreanFeaturizer.as_new`: unseen n-grams dropped, idf of ``rest``, each view
    normalised again); the columns after them (``hybrid``'s sentence vector) do not depend on
    the training texts and stay as they are.

    Why: out-of-fold scores stand in for new queries' scores when the fallback thresholds are
    chosen. A held-out row built with the vocabulary and idf of all training texts scored lower
    than a new query (see ``as_new``): 5% false fallback promised, 2-3% delivered on held-out
    paraphrase groups (bench/results/classify.md). Renormalising the whole row (the first fix)
    also shrank ``hybrid``'s rows, whose new-query norm is sqrt(1 + encoder_weight**2)."""
    n_tfidf = featurizer.n_features()
    tfidf = featurizer.as_new(sp.csr_matrix(held[:, :n_tfidf]), sp.csr_matrix(rest[:, :n_tfidf]))
    if n_tfidf == held.shape[1]:
        return tfidf.astype(held.dtype)
    return sp.hstack([tfidf, held[:, n_tfidf:]], format="csr").astype(held.dtype)


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
    config_class: ClassVar[type[MethodConfig]] = LexicalConfig
    needs_weights: ClassVar[bool] = False
    labels_at: ClassVar[Literal["fit", "predict"]] = "fit"

    def __init__(self, config: LexicalConfig | None = None) -> None:
        super().__init__(config or LexicalConfig())
        self.config: LexicalConfig
        self.featurizer: KoreanFeaturizer | None = None
        self.model: LinearHead | None = None
        self._model_kind: Literal["svm", "logreg", "ridge"] = "svm"  # set by fit()
        self._svm_tol: float | None = None
        """When set, every SVM's stopping tolerance (``hybrid``'s weight selection)."""
        self.train_matrix: sp.csr_matrix | None = None  # (N_train, F), rows L2-normalised
        self._train_features: sp.csr_matrix | None = None  # what the head was fitted on
        self.train_texts: list[str] = []
        self.train_labels: list[list[str]] = []

    # -- fitting ------------------------------------------------------------------------------
    def _featurizer(self) -> KoreanFeaturizer:
        return self._featurizer_for(self.config.ending_weight)

    def _featurizer_for(self, ending_weight: float) -> KoreanFeaturizer:
        c = self.config
        return KoreanFeaturizer(
            morph_ngrams=(int(c.morph_ngrams[0]), int(c.morph_ngrams[1])),
            char_ngrams=(int(c.char_ngrams[0]), int(c.char_ngrams[1])),
            content_only=c.content_only,
            min_df=c.min_df,
            num_workers=c.num_workers,
            ending_weight=ending_weight,
        )

    def _model_for(self, train: LabelledData) -> Literal["svm", "logreg", "ridge"]:
        """The linear model fitted on ``train``: the ``model`` option, ``auto`` resolved."""
        model = self.config.model
        smallest = min(train.counts().values())
        if model == "auto":
            if train.multi_label and len(train) <= RIDGE_MAX_ROWS:
                return "ridge"
            return "svm" if smallest >= 3 else "logreg"
        if model == "svm" and smallest < 3:
            raise KodialError(
                f"model 'svm' needs 3+ training examples per class (smallest class has {smallest})",
                hint="use --option model=auto or model=logreg",
            )
        if model == "ridge" and not train.multi_label:
            raise KodialError(
                "model 'ridge' fits multi-label data; this data has one label per text",
                hint="use --option model=auto, model=svm or model=logreg",
            )
        if model == "ridge" and len(train) > RIDGE_MAX_ROWS:
            raise KodialError(
                f"model 'ridge' takes at most {RIDGE_MAX_ROWS:,} training texts "
                f"(this data has {len(train):,})",
                hint="use --option model=auto or model=svm",
            )
        return model

    def _estimator(self, train: LabelledData, model: str | None = None) -> Any:
        """The scikit-learn estimator of ``model`` (an svm or logreg; resolved from ``train``
        when not given) for ``train``."""
        c = self.config
        model = model or self._model_for(train)
        if model == "svm":
            est: Any = LinearSVC(
                C=c.svm_C,
                class_weight=c.class_weight,
                max_iter=c.max_iter,
                tol=self._svm_tol or (c.ovr_tol if train.multi_label else 1e-4),
                # liblinear's coordinate order: seeded here, not drawn from numpy's global
                # generator (the same data gave slightly different models, and thresholds,
                # depending on what the process had drawn before)
                random_state=0,
            )
        else:
            est = LogisticRegression(C=c.logreg_C, max_iter=c.max_iter, class_weight=c.class_weight)
        # one-vs-rest for multi-label data: one binary model per label
        return OneVsRestClassifier(est) if train.multi_label else est

    def _ovr_jobs(self, work: int) -> int:
        """Processes for a one-vs-rest fit of ``work`` label x stored-value cells."""
        jobs = self.config.ovr_jobs
        if jobs != "auto":
            return jobs
        from kodial.cpus import available_cpus

        return min(available_cpus(), MAX_OVR_JOBS) if work >= PARALLEL_WORK else 1

    def _head(self, X: sp.csr_matrix, train: LabelledData, labels: list[str]) -> LinearHead:
        """A linear head fitted on features ``X`` (N, F) of ``train`` for ``labels``, with the
        model chosen when the whole training set was fitted (a fold's smaller share must not
        switch an out-of-fold model to another kind than the one it stands in for)."""
        model = self._model_kind
        if train.multi_label:
            y = MultiLabelBinarizer(classes=labels).fit_transform(train.label_lists)  # (N, L)
            if model == "ridge":
                return fit_ridge_head(X, y, self.config.ridge_alpha)
            # scikit-learn fits; the arrays it learned are kept (and saved) as a LinearHead.
            # Converted once here rather than once per label inside each binary model
            # (liblinear reads float64).
            X = sp.csr_matrix(X, dtype=np.float64)
            estimator = self._estimator(train, model)
            estimator.n_jobs = self._ovr_jobs(X.nnz * len(labels))
            return LinearHead.of(estimator.fit(X, y), X.shape[1])
        fitted = self._estimator(train, model).fit(X, train.first_labels)
        if list(fitted.classes_) != labels:
            raise AssertionError("classes out of order")
        return LinearHead.of(fitted, X.shape[1])

    def fit(self, train: LabelledData) -> Self:
        labels = train.labels
        if len(labels) < 2:
            raise KodialError(
                f"the lexical classifier needs at least 2 labels, got {len(labels)}",
                hint="add examples of other classes (out-of-domain queries go to the fallback "
                "calibration, not to a class)",
            )
        self._model_kind = self._model_for(train)
        self.featurizer = self._featurizer()
        self.train_matrix = self.featurizer.fit_transform(train.texts)  # (N, F)
        X = self._train_features = self._with_extra(self.train_matrix, train.texts)
        self.labels = labels
        self.multi_label = train.multi_label
        self.descriptions = {lab: train.description(lab) for lab in labels}
        self.model = self._head(X, train, labels)
        self.train_texts = train.texts
        self.train_labels = train.label_lists
        return self

    def _with_extra(self, X: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
        """The features the linear model reads: the TF-IDF ``X`` (N, F) of ``texts``, plus
        whatever a subclass adds (``hybrid``: the sentence embedding)."""
        return X

    def extra_features(self) -> int:
        """How many features :meth:`_with_extra` adds after the TF-IDF ones."""
        return 0

    def out_of_fold_scores(
        self, train: LabelledData, folds: np.ndarray, labels: Sequence[str]
    ) -> np.ndarray:
        """Out-of-fold scores from the features computed once at fit (only the linear model is
        fitted per fold: the vocabulary and idf weights come from all training texts, which
        tells a fold nothing about the labels of the queries it scores)."""
        X = self._train_features
        if X is None or train.texts != self.train_texts:
            return super().out_of_fold_scores(train, folds, labels)
        return self._out_of_fold(X, train, folds, labels, self._check_fitted()[0])

    def _out_of_fold(
        self,
        X: sp.csr_matrix,
        train: LabelledData,
        folds: np.ndarray,
        labels: Sequence[str],
        featurizer: KoreanFeaturizer,
    ) -> np.ndarray:
        """(N, L) scores of each row of the features ``X`` of ``train`` (TF-IDF columns from
        ``featurizer``, then any extra ones) by a linear head fitted on the other folds."""
        out = np.zeros((len(train), len(labels)))
        for k in np.unique(folds):
            held = np.flatnonzero(folds == k)
            rest = np.flatnonzero(folds != k)
            part = train.subset([train.examples[i] for i in rest], ood=[])
            known = [lab for lab in labels if lab in set(part.labels)]
            if len(known) < 2:
                continue
            # the fold's model as if fitted on its own texts: their vocabulary and idf
            head = self._head(held_as_new(featurizer, X[rest], X[rest]), part, known)
            cols = np.array([list(labels).index(lab) for lab in known])
            out[np.ix_(held, cols)] = head.predict_proba(held_as_new(featurizer, X[held], X[rest]))
        return out

    # -- scoring ------------------------------------------------------------------------------
    def _check_fitted(self) -> tuple[KoreanFeaturizer, LinearHead]:
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

    def features_of(self, texts: Sequence[str]) -> sp.csr_matrix:
        """(N, F) features of ``texts``: TF-IDF rows L2-normalised, and any extra ones."""
        featurizer, _ = self._check_fitted()
        return self._with_extra(featurizer.transform(list(texts)), texts)

    def raw_scores(self, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
        _, model = self._check_fitted()
        cols = self._columns(labels)
        if not len(texts):
            return np.zeros((0, len(cols)))
        scores = np.asarray(model.predict_proba(self.features_of(texts)), dtype=np.float64)
        scores = scores[:, cols]  # (N, L')
        if not self.multi_label and len(cols) < len(self.labels):
            scores = scores / np.clip(scores.sum(axis=1, keepdims=True), 1e-12, None)
        return scores

    # -- evidence -----------------------------------------------------------------------------
    def _coef(self) -> np.ndarray:
        """(L, F) weight of each feature toward each label, whatever the fitted model."""
        _, model = self._check_fitted()
        return model.weights()

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
                    Neighbor(
                        text=self.train_texts[i],
                        label="|".join(self.train_labels[i]),
                        similarity=float(sims[i]),
                    )
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
        features = sorted(
            (FeatureWeight(feature=f, label=lab, weight=w) for (f, lab), w in best.items()),
            key=lambda f: -f.weight,
        )
        return Explanation(
            prediction=prediction,
            neighbors=neighbors,
            features=features[:n_features],
            details={
                "similarity": "cosine of TF-IDF vectors",
                "weight": "feature value x model weight",
            },
        )

    # -- persistence --------------------------------------------------------------------------
    def _save_state(self, directory: Path) -> None:
        featurizer, model = self._check_fitted()
        terms, idf = featurizer.fitted_state()
        matrix = sp.csr_matrix(self.train_matrix) if self.train_matrix is not None else None
        arrays: dict[str, np.ndarray] = {
            "coef": model.coef,
            "intercept": model.intercept,
            **{f"idf_{view}": weights for view, weights in idf.items()},
        }
        if matrix is not None:
            arrays.update(
                train_data=matrix.data,
                train_indices=matrix.indices,
                train_indptr=matrix.indptr,
                train_shape=np.asarray(matrix.shape, dtype=np.int64),
            )
        np.savez(directory / STATE_ARRAYS, allow_pickle=False, **arrays)
        write_json_file(
            directory / STATE_JSON,
            {
                "format": STATE_FORMAT,
                "head": {"kind": model.kind, "temperature": model.temperature},
                "vocabularies": terms,
                "train_texts": self.train_texts,
                "train_labels": self.train_labels,
            },
        )

    def _load_state(self, directory: Path) -> None:
        """Rebuild the featurizer and head from the JSON and arrays, checking that they fit
        together (a damaged or hand-edited file is an error, not a wrong prediction)."""
        state = read_json_file(directory / STATE_JSON, "lexical vocabularies and texts")
        arrays = load_arrays(directory / STATE_ARRAYS, "lexical weights")

        def bad(problem: str) -> KodialError:
            return KodialError(
                f"{directory} holds a damaged lexical model: {problem}",
                hint="re-train it with `kodial classify train`",
            )

        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise bad(f"{STATE_JSON} is not format {STATE_FORMAT}")
        head, vocabularies = state.get("head"), state.get("vocabularies")
        texts, labels = state.get("train_texts"), state.get("train_labels")
        if not (
            isinstance(head, dict)
            and head.get("kind") in ("softmax", "sigmoid")
            and isinstance(head.get("temperature"), int | float)
            and not isinstance(head.get("temperature"), bool)
            and head["temperature"] > 0
        ):
            raise bad("unknown head")
        if not (
            isinstance(vocabularies, dict)
            and set(vocabularies) <= set(KoreanFeaturizer.VIEWS)
            and all(isinstance(v, list) for v in vocabularies.values())
        ):
            raise bad("vocabularies must map a view (morph, char) to a list of terms")
        if not (
            isinstance(texts, list)
            and isinstance(labels, list)
            and len(texts) == len(labels)
            and all(isinstance(t, str) for t in texts)
            and all(isinstance(ls, list) and all(isinstance(x, str) for x in ls) for ls in labels)
        ):
            raise bad("training texts and labels must be two lists of the same length")
        featurizer = self._featurizer()
        try:
            featurizer.restore(
                vocabularies,
                {v: arrays[f"idf_{v}"] for v in KoreanFeaturizer.VIEWS if f"idf_{v}" in arrays},
            )
        except KodialError as exc:
            raise bad(exc.message) from None
        n_features = sum(len(v) for v in vocabularies.values())
        n_model = n_features + self.extra_features()
        coef, intercept = arrays.get("coef"), arrays.get("intercept")
        n_rows = 1 if head["kind"] == "softmax" and len(self.labels) == 2 else len(self.labels)
        if (
            coef is None
            or intercept is None
            or coef.shape != (n_rows, n_model)
            or intercept.shape != (n_rows,)
        ):
            raise bad(f"weights must be ({n_rows}, {n_model}) for {len(self.labels)} labels")
        self.train_matrix = self._train_matrix(arrays, len(texts), n_features, bad)
        self.featurizer = featurizer
        self.model = LinearHead(coef, intercept, head["kind"], float(head["temperature"]))
        self.train_texts = texts
        self.train_labels = labels

    @staticmethod
    def _train_matrix(
        arrays: dict[str, np.ndarray], n_rows: int, n_features: int, bad: Any
    ) -> sp.csr_matrix | None:
        """The saved training matrix, fully checked (bad indices would read out of bounds)."""
        names = ("train_data", "train_indices", "train_indptr", "train_shape")
        if not any(n in arrays for n in names):
            return None
        if not all(n in arrays for n in names):
            raise bad("the training matrix is incomplete")
        shape = tuple(int(x) for x in arrays["train_shape"])
        if shape != (n_rows, n_features):
            raise bad(f"the training matrix is {shape}, expected ({n_rows}, {n_features})")
        try:
            matrix = sp.csr_matrix(
                (arrays["train_data"], arrays["train_indices"], arrays["train_indptr"]),
                shape=shape,
            )
            matrix.check_format(full_check=True)
        except (ValueError, TypeError) as exc:
            raise bad(f"the training matrix is invalid ({exc})") from None
        return matrix
