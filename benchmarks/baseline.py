"""The baseline: an in-place NumPy trainer of exactly mlp_fn's math, written for speed.

Buffers are allocated once per batch size and every step writes into them (``out=``); weights are
updated in place. (Until 0.2.0 a ``cache.setdefault(mb, buffers(mb))`` built every buffer anew on
each step, since Python evaluates the argument first; looking the batch size up first made the
baseline faster on tiny XOR, 0.271-0.278 -> 0.226-0.228 s for 10,000 epochs, and on
digits-sized batches (64-64-10, batch 32, 20 epochs), 0.057-0.059 -> 0.052 s, best of 5 and 3,
on the project's 2-core Xeon at 1 BLAS thread. It is not yet the fastest honest version: see the
notes of the performance issue.) It supports what the workloads need: relu/sigmoid hidden layers, a softmax +
cce or sigmoid + half_mse output, batch or mini-batch gradient descent without shuffling.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def train_inplace(X: Any, Y: Any, params: dict[str, Any], activations: list[str], loss: str,
                  learning_rate: float, epochs: int, batch_size: int | None) -> tuple[dict[str, Any],
                                                                                     list[float]]:
    L = len(activations)
    W = [params[f"W{l}"].copy() for l in range(1, L + 1)]
    b = [params[f"b{l}"].ravel().copy() for l in range(1, L + 1)]
    n = [X.shape[0]] + [w.shape[0] for w in W]
    m = X.shape[1]
    k = m if batch_size is None else batch_size
    dt = X.dtype
    lr = dt.type(learning_rate)

    def buffers(mb: int) -> dict[str, list[Any]]:
        return {"Z": [np.empty((n[l], mb), dt) for l in range(L + 1)],
                "A": [np.empty((n[l], mb), dt) for l in range(L + 1)],
                "dZ": [np.empty((n[l], mb), dt) for l in range(L + 1)],
                "dA": [np.empty((n[l], mb), dt) for l in range(L + 1)],
                "tmp": [np.empty((n[l], mb), dt) for l in range(L + 1)],
                "ones": [np.ones(mb, dt)]}

    dW = [np.empty_like(w) for w in W]
    db = [np.empty((w.shape[0],), dt) for w in W]
    cache: dict[int, dict[str, list[Any]]] = {}
    history = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, m, k):
            Xb, Yb = X[:, start:start + k], Y[:, start:start + k]
            mb = Xb.shape[1]
            buf = cache.get(mb)
            if buf is None:  # not setdefault(mb, buffers(mb)): that allocates on every step
                buf = cache[mb] = buffers(mb)
            Z, A, dZ, dA, tmp, ones = (buf["Z"], buf["A"], buf["dZ"], buf["dA"], buf["tmp"],
                                       buf["ones"][0])
            A_prev = Xb
            for l in range(1, L + 1):
                np.matmul(W[l - 1], A_prev, out=Z[l])
                Z[l] += b[l - 1][:, None]
                g = activations[l - 1]
                if g == "relu":
                    np.maximum(Z[l], 0, out=A[l])
                elif g == "sigmoid":
                    np.negative(Z[l], out=A[l])
                    np.exp(A[l], out=A[l])
                    A[l] += 1
                    np.reciprocal(A[l], out=A[l])
                else:  # softmax over each column
                    np.subtract(Z[l], Z[l].max(axis=0), out=A[l])
                    np.exp(A[l], out=A[l])
                    A[l] /= A[l].sum(axis=0)
                A_prev = A[l]
            AL = A[L]
            if loss == "cce":
                np.log(np.maximum(AL, np.finfo(dt).tiny, out=tmp[L]), out=tmp[L])
                total += -float(np.vdot(Yb, tmp[L]))
                np.subtract(AL, Yb, out=dZ[L])                     # dZ = A - Y (fused)
            else:  # half_mse through a sigmoid: dZ = (A - Y) / n_y * A (1 - A)
                np.subtract(AL, Yb, out=tmp[L])
                total += float(np.vdot(tmp[L], tmp[L])) / (2 * n[L])
                np.subtract(1, AL, out=dZ[L])
                dZ[L] *= AL
                dZ[L] *= tmp[L]
                dZ[L] *= 1 / n[L]
            inv_m = dt.type(1.0 / mb)
            for l in range(L, 0, -1):
                A_prev = Xb if l == 1 else A[l - 1]
                np.matmul(dZ[l], A_prev.T, out=dW[l - 1])
                dW[l - 1] *= inv_m
                np.matmul(dZ[l], ones, out=db[l - 1])
                db[l - 1] *= inv_m
                if l > 1:
                    np.matmul(W[l - 1].T, dZ[l], out=dA[l - 1])
                    if activations[l - 2] == "relu":
                        np.greater(Z[l - 1], 0, out=tmp[l - 1], casting="unsafe")
                    else:
                        np.subtract(1, A[l - 1], out=tmp[l - 1])
                        tmp[l - 1] *= A[l - 1]
                    np.multiply(dA[l - 1], tmp[l - 1], out=dZ[l - 1])
                dW[l - 1] *= lr
                W[l - 1] -= dW[l - 1]
                db[l - 1] *= lr
                b[l - 1] -= db[l - 1]
        history.append(total / m)
    out = {}
    for l in range(1, L + 1):
        out[f"W{l}"], out[f"b{l}"] = W[l - 1], b[l - 1][:, None]
    return out, history
