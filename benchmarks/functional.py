"""A lean course-style functional trainer: the floor for mlp_fn's design.

The course's structure (a function per step, parameters in a dict keyed "W1", "b1", ..., every
step returning new arrays, nothing written in place that a caller can see) with nothing else:
no checks, no options (dropout, normalisation, residual layers, sample weights, L2, clipping),
no history beyond the epoch's cost. It uses the fastest forms of the equations a functional
trainer can take (those of mlp_fn before its core was rebuilt to read as the book): the
backward pass hands back the steps alpha dW, alpha db (dZ[L] scaled by alpha/m once), db and
the softmax's column sums as products with a column of ones, theta - step written over the
fresh step, costs by vdot, products by ``.dot`` (not ``@``), the numbers in the formulas as
0-d arrays of the data's dtype, the layers' dict keys formatted once, batches cut once into
contiguous arrays. So mlp_fn / this is what mlp_fn's book-form equations (gradients, then a
separate step), options and checks cost, and this / the in-place baseline is what the
functional design itself costs. It supports what the workloads
need: relu/sigmoid hidden layers, a softmax + cce or sigmoid + half_mse output, batch or
mini-batch gradient descent.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

Params = dict[str, Any]


@functools.lru_cache(maxsize=8)
def number(value: float, dtype: Any) -> Any:
    return np.full((), value, dtype)


@functools.lru_cache(maxsize=None)
def keys(l: int) -> tuple[str, str, str, str, str, str, str]:
    """W, b, A[l-1], Z, A, dW, db keys of layer l."""
    return f"W{l}", f"b{l}", f"A{l - 1}", f"Z{l}", f"A{l}", f"dW{l}", f"db{l}"


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
    return e / ones_column(e.shape[0], e.dtype).T.dot(e)


ACTIVATE = {"sigmoid": sigmoid, "relu": relu, "softmax": softmax}


def forward(X: Any, params: Params, activations: list[str]) -> tuple[Any, Params]:
    cache = {"A0": X}
    A = X
    for l, g in enumerate(activations, start=1):
        W, b, _, kZ, kA, _, _ = keys(l)
        Z = params[W].dot(A)
        Z += params[b]
        A = ACTIVATE[g](Z)
        cache[kZ], cache[kA] = Z, A
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
        dZ = (AL - Y) * number(1.0 / AL.shape[0], AL.dtype) * (AL * (number(1.0, AL.dtype) - AL))
    dZ *= number(learning_rate / m, AL.dtype)
    steps = {}
    dA: Any = None
    for l in range(L, 0, -1):
        W, _, kA_prev, kZ, kA, dW, db = keys(l)
        if l < L:
            A = cache[kA]
            if activations[l - 1] == "relu":
                dZ = dA * (cache[kZ] > number(0.0, A.dtype)).astype(A.dtype)
            else:
                dZ = dA * (A * (number(1.0, A.dtype) - A))
        steps[dW] = dZ.dot(cache[kA_prev].T)
        steps[db] = dZ.dot(ones_column(m, AL.dtype))
        if l > 1:
            dA = params[W].T.dot(dZ)
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
    batches = [(X, Y)] if k >= m else [
        (np.ascontiguousarray(X[:, s:s + k]), np.ascontiguousarray(Y[:, s:s + k]))
        for s in range(0, m, k)]
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
