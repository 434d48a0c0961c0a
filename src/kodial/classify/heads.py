"""The linear heads the lexical classifier fits on its features, reduced to arrays.

A head is what scores a query once the features are computed, and what a saved model keeps
(no estimator object is saved: the arrays are). Most heads come from scikit-learn's linear
models (``LinearSVC``, ``LogisticRegression``, one-vs-rest for multi-label data);
:func:`fit_ridge_head` fits every label of multi-label data at once in the dual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import LinearSVC
from sklearn.utils.extmath import safe_sparse_dot
from threadpoolctl import threadpool_limits

RIDGE_MAX_ROWS = 8_000
"""The most training texts a ridge head is fitted on: it holds the (N, N) matrix of their
dot products (512 MB of float64 at 8,000), and its Cholesky factorisation grows as N**3."""


@dataclass
class LinearHead:
    """A fitted linear model reduced to its arrays: what the lexical classifier scores with, and
    what it saves. ``softmax``: one distribution over the labels, ``softmax(logits /
    temperature)`` (a single weight row is a two-label model whose first label has logit 0, as
    in scikit-learn's binary models); ``sigmoid``: an independent probability per label
    (one-vs-rest multi-label)."""

    coef: np.ndarray
    """(K, F) weights, kept in column-major order: scoring multiplies by ``coef.T``, which is
    then contiguous (a row-major copy of it was made on every call, 100 MB for KOTE's 44
    labels)."""
    intercept: np.ndarray
    """(K,) biases; +-inf for a label that was constant in training (always / never on)."""
    kind: Literal["softmax", "sigmoid"]
    temperature: float = 1.0

    def __post_init__(self) -> None:
        self.coef = np.asfortranarray(self.coef, dtype=np.float64)

    @classmethod
    def of(cls, model: Any, n_features: int) -> LinearHead:
        """The head of a fitted ``LinearSVC``, ``LogisticRegression`` or (multi-label)
        ``OneVsRestClassifier`` of either, over ``n_features`` features."""
        if isinstance(model, LinearSVC | LogisticRegression):
            return cls(_f64(model.coef_), _f64(model.intercept_), "softmax")
        if isinstance(model, OneVsRestClassifier):
            coef = np.zeros((len(model.estimators_), n_features), order="F")
            bias = np.zeros(len(model.estimators_))
            for k, est in enumerate(model.estimators_):
                if hasattr(est, "coef_"):
                    coef[k] = np.asarray(est.coef_)[-1]
                    bias[k] = float(np.asarray(est.intercept_)[-1])
                else:  # a label on (or off) for every training text: a constant predictor
                    bias[k] = np.inf if float(np.ravel(est.y_)[0]) > 0.5 else -np.inf
            return cls(coef, bias, "sigmoid")
        raise TypeError(f"no linear head for {type(model).__name__}")

    def predict_proba(self, X: Any) -> np.ndarray:
        """(N, L) probabilities for features ``X`` (N, F)."""
        logits = np.asarray(X @ self.coef.T) + self.intercept  # (N, K)
        if self.kind == "sigmoid":
            return np.asarray(expit(logits))
        if logits.shape[1] == 1:
            logits = np.column_stack([np.zeros_like(logits[:, 0]), logits[:, 0]])
        return np.asarray(softmax(logits / self.temperature, axis=1))

    def weights(self) -> np.ndarray:
        """(L, F) weight of each feature toward each label."""
        if self.kind == "softmax" and self.coef.shape[0] == 1:
            return np.vstack([-self.coef[0], self.coef[0]])
        return self.coef


def _f64(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def fit_ridge_head(X: sp.csr_matrix | np.ndarray, Y: np.ndarray, alpha: float) -> LinearHead:
    """A ``sigmoid`` head of one least-squares (ridge) classifier per label, for features ``X``
    (N, F) and 0/1 label indicators ``Y`` (N, L), all labels solved at once in the dual.

    Each label's weights ``w`` minimise ``|X w + b - t|**2 + alpha * (|w|**2 + b**2)`` for
    targets ``t`` = +1 (on) / -1 (off); the bias is the weight of a constant feature 1,
    penalised like the rest, as liblinear does. With far more features than texts (KOTE: 358k
    n-grams, 4,000 comments), the solution is ``w = X.T a`` where ``(X X.T + 1 + alpha I) a =
    t``: one (N, N) Cholesky factorisation serves every label, where one-vs-rest SVMs run one
    solver per label (44 on KOTE, times 4 with out-of-fold calibration). Same test micro-F1 on
    KOTE as the SVMs (0.520 vs 0.520); the heads fit in about a third of the time.

    scikit-learn's ``RidgeClassifier(solver="cholesky")`` solves the same system, but through
    ``scipy.linalg.solve(assume_a="pos")``, which took 5.3 s on KOTE's (4001, 4001) matrix
    where factorising it takes 0.2 s (scipy 1.17)."""
    if X.shape[0] > RIDGE_MAX_ROWS:
        raise ValueError(f"a ridge head takes at most {RIDGE_MAX_ROWS} rows, got {X.shape[0]}")
    # straight into a dense array: scipy's sparse product built a sparse (N, N) first, which
    # is nearly full (1.2-2 s on KOTE against 0.35 s)
    gram = np.array(safe_sparse_dot(X, X.T, dense_output=True), dtype=np.float64)  # (N, N)
    gram += 1.0  # the constant feature's products
    gram.flat[:: gram.shape[0] + 1] += alpha
    targets = 2.0 * np.asarray(Y, dtype=np.float64) - 1.0  # (N, L)
    # One BLAS thread: with a thread per core, OpenBLAS's threads wait for each other by
    # spinning, and on a busy machine (Kiwi's workers just done, other processes) the KOTE
    # factorisations took 4-7 s each instead of 0.4-1.9 s on one thread.
    with threadpool_limits(limits=1, user_api="blas"):
        dual = sl.cho_solve(sl.cho_factor(gram, overwrite_a=True), targets)  # (N, L)
    coef = np.asarray(X.T @ dual).T  # (L, F)
    bias = dual.sum(axis=0)
    # a label on (or off) for every training text: a constant predictor, as one-vs-rest gives
    on = np.asarray(Y).sum(axis=0)
    for k in np.flatnonzero((on == 0) | (on == len(targets))):
        coef[k] = 0.0
        bias[k] = np.inf if on[k] else -np.inf
    return LinearHead(coef, bias, "sigmoid")
