"""scikit-learn's MLPClassifier on the same workload: plain SGD (no momentum, no L2, no
shuffling, constant rate), the same initial weights (set through warm_start) and batches."""

from __future__ import annotations

import importlib.util
import warnings
from typing import Any

import numpy as np


def available() -> bool:
    """Whether scikit-learn is installed (the ``bench`` extra)."""
    return importlib.util.find_spec("sklearn") is not None


def prepare(X: Any, Y: Any, params: dict[str, Any], activations: list[str],
            learning_rate: float, epochs: int, batch_size: int | None) -> tuple[Any, Any, Any]:
    """An MLPClassifier holding the workload's initial weights, and the row-layout data."""
    from sklearn.neural_network import MLPClassifier

    L = len(activations)
    hidden = tuple(params[f"W{l}"].shape[0] for l in range(1, L))
    act = {"relu": "relu", "sigmoid": "logistic", "tanh": "tanh"}[activations[0]]
    Xr = np.ascontiguousarray(X.T)
    y = Y.argmax(axis=0) if Y.shape[0] > 1 else Y[0].astype(int)
    clf = MLPClassifier(hidden_layer_sizes=hidden, activation=act, solver="sgd",
                        learning_rate="constant", learning_rate_init=learning_rate,
                        momentum=0.0, nesterovs_momentum=False, alpha=0.0, shuffle=False,
                        batch_size=Xr.shape[0] if batch_size is None else batch_size,
                        max_iter=1, tol=0.0, n_iter_no_change=10**9, warm_start=True,
                        random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch to build its structures: "not converged"
        clf.fit(Xr, y)
    clf.coefs_ = [params[f"W{l}"].T.copy() for l in range(1, L + 1)]
    clf.intercepts_ = [params[f"b{l}"].ravel().copy() for l in range(1, L + 1)]
    clf.max_iter = epochs
    return clf, Xr, y


def train(clf: Any, Xr: Any, y: Any) -> dict[str, Any]:
    """Fit from the weights ``prepare`` set; returns them in the course layout."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(Xr, y)
    L = len(clf.coefs_)
    out = {}
    for l in range(1, L + 1):
        out[f"W{l}"] = clf.coefs_[l - 1].T
        out[f"b{l}"] = clf.intercepts_[l - 1].reshape(-1, 1)
    return out
