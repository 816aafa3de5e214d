"""A lean course-style functional trainer: the floor for mlp_fn's design.

The course's structure (a function per step, parameters in a dict keyed "W1", "b1", ..., every
step returning new arrays, nothing written in place that a caller can see) with nothing else:
no checks, no options (dropout, normalisation, residual layers, sample weights, L2, clipping),
no history beyond the epoch's cost. It uses the same forms of the equations as mlp_fn (db as a
product with a column of 1/m, theta - alpha g written over the fresh alpha g, costs by vdot), so
mlp_fn / this is what mlp_fn's options and checks cost, and this / the in-place baseline is what
the functional design itself costs. It supports what the workloads need: relu/sigmoid hidden
layers, a softmax + cce or sigmoid + half_mse output, batch or mini-batch gradient descent.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

Params = dict[str, Any]


def sigmoid(Z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-Z))


def relu(Z: Any) -> Any:
    return np.maximum(Z, 0.0)


def softmax(Z: Any) -> Any:
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


ACTIVATE = {"sigmoid": sigmoid, "relu": relu, "softmax": softmax}


def forward(X: Any, params: Params, activations: list[str]) -> tuple[Any, Params]:
    cache = {"A0": X}
    A = X
    for l, g in enumerate(activations, start=1):
        Z = params[f"W{l}"] @ A
        Z += params[f"b{l}"]
        A = ACTIVATE[g](Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


def cost(AL: Any, Y: Any, loss: str) -> float:
    if loss == "cce":
        m = int(AL.shape[1])
        return -float(np.vdot(Y, np.log(np.maximum(AL, np.finfo(AL.dtype).tiny)))) / m
    D = AL - Y
    return float(np.vdot(D, D)) / (2 * int(D.size))


@functools.lru_cache(maxsize=16)
def mean_column(m: int, dtype: Any) -> Any:
    return np.full((m, 1), 1.0 / m, dtype)


def backward(AL: Any, Y: Any, cache: Params, params: Params, activations: list[str],
             loss: str) -> Params:
    L, m = len(activations), AL.shape[1]
    mean = mean_column(m, AL.dtype)
    if loss == "cce":
        dZ = AL - Y
    else:  # half_mse through a sigmoid
        dZ = (AL - Y) * (1.0 / AL.shape[0]) * (AL * (1.0 - AL))
    grads = {}
    dA: Any = None
    for l in range(L, 0, -1):
        if l < L:
            A = cache[f"A{l}"]
            if activations[l - 1] == "relu":
                dZ = dA * (cache[f"Z{l}"] > 0).astype(dA.dtype)
            else:
                dZ = dA * (A * (1.0 - A))
        dW = dZ @ cache[f"A{l - 1}"].T
        dW *= 1.0 / m
        grads[f"dW{l}"], grads[f"db{l}"] = dW, dZ @ mean
        if l > 1:
            dA = params[f"W{l}"].T @ dZ
    return grads


def update(params: Params, grads: Params, learning_rate: float) -> Params:
    new = {}
    for k, p in params.items():
        step = learning_rate * grads[f"d{k}"]
        np.subtract(p, step, out=step)
        new[k] = step
    return new


def train(X: Any, Y: Any, params: Params, activations: list[str], loss: str,
          learning_rate: float, epochs: int, batch_size: int | None) -> tuple[Params, list[float]]:
    m = X.shape[1]
    k = m if batch_size is None else batch_size
    history = []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            total = 0.0
            for s in range(0, m, k):
                Xb, Yb = (X, Y) if k >= m else (X[:, s:s + k], Y[:, s:s + k])
                AL, cache = forward(Xb, params, activations)
                total += cost(AL, Yb, loss) * Xb.shape[1]
                params = update(params, backward(AL, Yb, cache, params, activations, loss),
                                learning_rate)
            history.append(total / m)
    return params, history
