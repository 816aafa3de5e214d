"""The baseline: an in-place NumPy trainer of exactly mlp_fn's math, written for speed.

It does the work of ``mlp_fn.train`` with ``shuffle=False`` (the same batches, the same update,
the same final loss) and nothing else: no checks, no history beyond the epoch's cost, no new
arrays after the first step. It supports what the workloads need: relu/sigmoid hidden layers, a
softmax + cce or sigmoid + half_mse output, batch or mini-batch gradient descent.

Each choice below was timed against the form it replaced, alone, on the three workloads (median
of the pair-by-pair ratios of 5 to 9 interleaved runs, float32 and float64, 1 BLAS thread, this
project's 2-core AMD EPYC, 2026-11-22); the figure is how much slower the baseline gets when
that choice alone is undone:

* Buffers are allocated once per batch size and every step writes into them (``out=``); the
  weights are updated in place. (Until 0.2.0 ``cache.setdefault(mb, buffers(mb))`` built every
  buffer anew on each step, since Python evaluates the argument first.)
* dZ[L] is multiplied by alpha/m once. The chain rule is linear in dZ, so every dZ[l], dW[l]
  and db[l] below it comes out already scaled and the update is ``W -= dW``: two passes per
  layer fewer than scaling dW and db by 1/m and then by alpha. Undone: tiny 1.26-1.27x, digits
  1.09-1.12x, large 1.03-1.04x.
* db[l] = dZ[l] @ ones, a matrix-vector product, not ``dZ.sum(axis=1)``: BLAS's gemv beats
  NumPy's reduction along the rows. Undone: tiny 1.11x, digits 1.07-1.09x, large 1.01-1.03x.
* The softmax's column sums as ones^T @ E for the same reason. Undone: digits 1.02x,
  large within the noise (0.99-1.01x).
* The batches are views cut once, before the first epoch, not sliced again every epoch.
  Undone: tiny 1.03-1.04x, digits 1.01-1.02x.
* b[l] is kept as an (n[l], 1) column, so adding it broadcasts without making a view
  ``b[:, None]`` per layer and step. Undone: tiny 1.02-1.05x, digits 1.00-1.01x.
* The cce cost comes from what the softmax already computed: with Y one-hot,
  -sum_k y_k log a_k = -sum_k y_k (z_k - max z) + log sum_k e^(z_k - max z), so the log is of one
  number per example, not of the (n_y, m) matrix A. Undone: within the noise everywhere
  (0.98-1.03x; the softmax layer is a small part of every workload); kept as the form that
  does the least work.
* The ReLU derivative is a multiply by a boolean mask written into a preallocated array
  (``np.greater(Z, 0, out=mask)``). Undone (the mask cast to floats instead): within the noise
  on every workload; kept as the form with the least memory traffic.
* The numbers in the formulas (1 in the sigmoid and its derivative, 0 in ReLU and its mask,
  alpha/m and alpha/(m n_y) for dZ[L]) are 0-d arrays of the data's dtype, made once (per batch
  size for the scale): NumPy converts a Python or NumPy scalar into an array on every operation
  it takes part in, a 0-d array it uses as it is. Undone: tiny 1.10-1.11x, digits 1.01-1.03x,
  large within the noise (1.00-1.01x). (Found while making mlp_fn faster the same way.)
* Tried and not kept: ReLU written in place over Z (so A and Z share a buffer and the mask comes
  from A): no faster on digits or large (0.99-1.00).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def train_inplace(X: Any, Y: Any, params: dict[str, Any], activations: list[str], loss: str,
                  learning_rate: float, epochs: int, batch_size: int | None) -> tuple[dict[str, Any],
                                                                                     list[float]]:
    L = len(activations)
    W = [params[f"W{l}"].copy() for l in range(1, L + 1)]
    b = [params[f"b{l}"].copy() for l in range(1, L + 1)]    # (n[l], 1): broadcasts as it is
    b_flat = [b_l.reshape(-1) for b_l in b]                      # views, for db's (n[l],) shape
    n = [X.shape[0]] + [w.shape[0] for w in W]
    m = X.shape[1]
    k = m if batch_size is None else batch_size
    dt = X.dtype
    lr = dt.type(learning_rate)
    one, zero = np.ones((), dt), np.zeros((), dt)  # 0-d arrays: NumPy converts no scalar
    relu = [g == "relu" for g in activations]
    sigmoid = [g == "sigmoid" for g in activations]

    def buffers(mb: int) -> dict[str, Any]:
        def each(kind: Any = dt) -> list[Any]:
            return [np.empty((n[l], mb), kind) for l in range(L + 1)]
        return {"Z": each(), "A": each(), "dZ": each(), "dA": each(), "tmp": each(),
                "mask": each(bool), "ones": np.ones(mb, dt), "ones_out": np.ones(n[L], dt),
                "col": np.empty(mb, dt),
                "scale": np.full((), lr / mb, dt),                # alpha/m, applied once to dZ[L]
                "scale_mse": np.full((), lr / mb / n[L], dt)}     # alpha/(m n_y) for half_mse

    dW = [np.empty_like(w) for w in W]
    db = [np.empty((w.shape[0],), dt) for w in W]
    cache: dict[int, dict[str, Any]] = {}
    batches = [(X[:, s:s + k], Y[:, s:s + k]) for s in range(0, m, k)]
    history = []
    for _ in range(epochs):
        total = 0.0
        for Xb, Yb in batches:
            mb = Xb.shape[1]
            buf = cache.get(mb)
            if buf is None:  # not setdefault(mb, buffers(mb)): that allocates on every step
                buf = cache[mb] = buffers(mb)
            Z, A, dZ, dA, tmp, mask = buf["Z"], buf["A"], buf["dZ"], buf["dA"], buf["tmp"], \
                buf["mask"]
            col = buf["col"]
            A_prev = Xb
            for l in range(1, L + 1):
                Zl, Al = Z[l], A[l]
                np.matmul(W[l - 1], A_prev, out=Zl)
                Zl += b[l - 1]
                if relu[l - 1]:
                    np.maximum(Zl, zero, out=Al)
                elif sigmoid[l - 1]:
                    np.negative(Zl, out=Al)
                    np.exp(Al, out=Al)
                    Al += one
                    np.reciprocal(Al, out=Al)
                else:  # softmax over each column; Z - max z is kept in tmp for the cost
                    np.max(Zl, axis=0, out=col)
                    np.subtract(Zl, col, out=tmp[l])
                    np.exp(tmp[l], out=Al)
                    np.matmul(buf["ones_out"], Al, out=col)
                    Al /= col
                A_prev = Al
            AL = A[L]
            if loss == "cce":  # col holds sum_k e^(z_k - max z) of each example
                np.log(col, out=col)
                total += float(col.sum()) - float(np.vdot(Yb, tmp[L]))
                np.subtract(AL, Yb, out=dZ[L])                     # dZ = A - Y (fused)
                dZ[L] *= buf["scale"]
            else:  # half_mse through a sigmoid: dZ = (A - Y) / n_y * A (1 - A)
                np.subtract(AL, Yb, out=tmp[L])
                total += float(np.vdot(tmp[L], tmp[L])) / (2 * n[L])
                np.subtract(one, AL, out=dZ[L])
                dZ[L] *= AL
                dZ[L] *= tmp[L]
                dZ[L] *= buf["scale_mse"]
            for l in range(L, 0, -1):
                A_prev = Xb if l == 1 else A[l - 1]
                np.matmul(dZ[l], A_prev.T, out=dW[l - 1])
                np.matmul(dZ[l], buf["ones"], out=db[l - 1])
                if l > 1:  # dA[l-1] = W[l]^T dZ[l], before W[l] changes
                    np.matmul(W[l - 1].T, dZ[l], out=dA[l - 1])
                    if relu[l - 2]:
                        np.greater(Z[l - 1], zero, out=mask[l - 1])
                        np.multiply(dA[l - 1], mask[l - 1], out=dZ[l - 1])
                    else:
                        np.subtract(one, A[l - 1], out=tmp[l - 1])
                        tmp[l - 1] *= A[l - 1]
                        np.multiply(dA[l - 1], tmp[l - 1], out=dZ[l - 1])
                W[l - 1] -= dW[l - 1]       # dW and db already carry alpha/m
                b_flat[l - 1] -= db[l - 1]
        history.append(total / m)
    out = {}
    for l in range(1, L + 1):
        out[f"W{l}"], out[f"b{l}"] = W[l - 1], b[l - 1]
    return out, history
