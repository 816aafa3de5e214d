"""A lean course-style functional trainer: the floor for mlp_fn's design.

The course's structure (a function per step, parameters in a dict keyed "W1", "b1", ..., every
step returning new arrays, nothing written in place that a caller can see) with nothing else:
no checks, no options (dropout, normalisation, residual layers, sample weights, L2, clipping),
no history beyond the epoch's cost. It uses the same forms of the equations as mlp_fn: the
backward pass hands back the steps alpha dW, alpha db (dZ[L] scaled by alpha/m once), db and
the softmax's column sums as products with a column of ones, theta - step written over the
fresh step, costs by vdot, the constants of sigmoid and relu as 0-d arrays of the data's dtype,
batches cut once. So mlp_fn / this is
what mlp_fn's options and checks cost, and this / the in-place baseline is what the functional
design itself costs. It supports what the workloads need: relu/sigmoid hidden layers, a
softmax + cce or sigmoid + half_mse output, batch or mini-batch gradient descent.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

Params = dict[str, Any]


@functools.lru_cache(maxsize=8)
def number(value: float, dtype: Any) -> Any:
    return np.full((), value, dtype)


@functools.lru_cache(maxsize=16)
def ones_column(m: int, dtype: Any) -> Any:
    return np.ones((m, 1), dtype)


def sigmoid(Z: Any) -> Any:
    one = number(1.0, Z.dtype)
    return one / (one + np.exp(-Z))


def relu(Z: Any) -> Any:
    return np.maximum(Z, number(0.0, Z.dtype))


def softmax(Z: Any) -> Any:
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / (ones_column(e.shape[0], e.dtype).T @ e)


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


def backward_steps(AL: Any, Y: Any, cache: Params, params: Params, activations: list[str],
                   loss: str, learning_rate: float) -> Params:
    """alpha dW[l], alpha db[l]: dZ[L] scaled by alpha/m once, as mlp_fn's train does."""
    L, m = len(activations), AL.shape[1]
    if loss == "cce":
        dZ = AL - Y
    else:  # half_mse through a sigmoid
        dZ = (AL - Y) * (1.0 / AL.shape[0]) * (AL * (number(1.0, AL.dtype) - AL))
    dZ *= learning_rate / m
    steps = {}
    dA: Any = None
    for l in range(L, 0, -1):
        if l < L:
            A = cache[f"A{l}"]
            if activations[l - 1] == "relu":
                dZ = dA * (cache[f"Z{l}"] > 0).astype(dA.dtype)
            else:
                dZ = dA * (A * (number(1.0, A.dtype) - A))
        steps[f"dW{l}"] = dZ @ cache[f"A{l - 1}"].T
        steps[f"db{l}"] = dZ @ ones_column(m, AL.dtype)
        if l > 1:
            dA = params[f"W{l}"].T @ dZ
    return steps


def update(params: Params, steps: Params) -> Params:
    new = {}
    for k, p in params.items():
        step = steps["d" + k]
        np.subtract(p, step, out=step)
        new[k] = step
    return new


def train(X: Any, Y: Any, params: Params, activations: list[str], loss: str,
          learning_rate: float, epochs: int, batch_size: int | None) -> tuple[Params, list[float]]:
    m = X.shape[1]
    k = m if batch_size is None else batch_size
    batches = [(X, Y)] if k >= m else [(X[:, s:s + k], Y[:, s:s + k]) for s in range(0, m, k)]
    history = []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            total = 0.0
            for Xb, Yb in batches:
                AL, cache = forward(Xb, params, activations)
                total += cost(AL, Yb, loss) * Xb.shape[1]
                params = update(params, backward_steps(AL, Yb, cache, params, activations, loss,
                                                       learning_rate))
            history.append(total / m)
    return params, history
