"""The baseline: an in-place NumPy trainer of exactly mlp_fn's math, written for speed.

It does the work of ``mlp_fn.train`` with ``shuffle=False`` (the same batches, the same update,
the same final loss) and nothing else: no checks, no history beyond the epoch's cost, no new
arrays after the first step. It supports what the workloads need: relu/sigmoid hidden layers, a
softmax + cce or sigmoid + half_mse output, batch or mini-batch gradient descent.

Each choice below was timed against the form it replaced, alone, on the three workloads (median
of the pair-by-pair ratios of 7 interleaved runs, float32 and float64, 1 BLAS thread, this
project's 2-core AMD EPYC, 2026-11-22, all on the baseline as it is now); the figure is how much
slower the baseline gets when that choice alone is undone:

* The bias rides in the product. Each layer keeps [W[l] | b[l]] as one (n[l], n[l-1] + 1)
  matrix and each A[l-1] a last row of ones, so Z[l] = [W | b] [A[l-1]; 1] is one product with
  no broadcast addition (NumPy's broadcasting of an (n, 1) column costs about 0.5 us a call on
  small arrays, and twice a plain addition on a 256 x 200 one), and dZ [A[l-1]; 1]^T is
  [dW[l] | db[l]], with db as its last column: one product instead of two, one update
  ``Wb -= dWb`` instead of two. Undone (W and b apart, db = dZ @ ones): tiny 1.35-1.38x, digits
  1.12-1.15x, large 1.02-1.03x.
* Every product is ``ndarray.dot(b, out)``, not ``np.matmul(a, b, out=out)``: the same BLAS
  call, but matmul, a generalised ufunc, resolves its loop on every call (about 0.5 us; 4 x 4:
  0.26 against 0.85 us). Undone: tiny 1.30-1.32x, digits 1.10-1.15x, large within the noise
  (0.99x in one run of 7, 0.99-1.00x in another of 11). dA[l-1] is taken as the first n[l-1]
  rows of [W | b]^T dZ[l] (the last row, the bias's, unused) rather than from the view
  W = [W | b][:, :-1]: ``dot`` copies a view whose rows are not adjacent before calling BLAS
  (large: 1.01x).
* The element-wise functions are bound to local names and given their output positionally,
  ``exp(A, A)``: NumPy parses an ``out=`` keyword more slowly than a third argument (4 x 4
  multiply: 0.19 against 0.22 us; ``np.maximum`` keeps ``out=``, as NumPy 2.4 deprecates its
  third positional argument). Undone: tiny 1.11x, digits 1.05-1.08x, large within the noise.
* The batches, with their row of ones, are made once, before the first epoch. Undone (made
  every epoch): tiny 1.37-1.38x, digits 1.12-1.17x, large 1.01x.
* dZ[L] is multiplied by alpha/m once. The chain rule is linear in dZ, so every dZ[l], dW[l]
  and db[l] below it comes out already scaled and the update is ``Wb -= dWb``: two passes per
  layer fewer than scaling dW and db by 1/m and then by alpha. Undone: tiny 1.15x, digits
  1.04-1.06x, large within the noise.
* The numbers in the formulas (1 in the sigmoid and its derivative, 0 in ReLU and its mask,
  alpha/m and alpha/(m n_y) for dZ[L]) are 0-d arrays of the data's dtype, made once (per batch
  size for the scale): NumPy converts a Python or NumPy scalar into an array on every operation
  it takes part in, a 0-d array it uses as it is. Undone: tiny 1.11-1.18x, digits 1.01-1.04x,
  large within the noise.
* The softmax's column sums as ones^T @ E, a matrix-vector product: BLAS's gemv beats NumPy's
  reduction along the columns. Undone: digits 1.01-1.04x, large within the noise.
* Buffers are allocated once per batch size and every step writes into them; the weights are
  updated in place. (Until 0.2.0 ``cache.setdefault(mb, buffers(mb))`` built every buffer anew
  on each step, since Python evaluates the argument first.)
* The cce cost comes from what the softmax already computed: with Y one-hot,
  -sum_k y_k log a_k = -sum_k y_k (z_k - max z) + log sum_k e^(z_k - max z), so the log is of one
  number per example, not of the (n_y, m) matrix A. Undone: within the noise everywhere
  (1.00-1.01x; the softmax layer is a small part of every workload); kept as the form that does
  the least work.
* The ReLU derivative is a multiply by a boolean mask written into a preallocated array
  (``greater(Z, 0, mask)``). Undone (the mask cast to floats instead): within the noise on every
  workload (0.99-1.01x); kept as the form with the least memory traffic.
* Tried and not kept: ReLU written in place over Z (so A and Z share a buffer and the mask comes
  from A): no faster on digits or large (0.99-1.00).

Here "within the noise" means 0.99-1.01x; one run's ratio moves by about 0.03.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def train_inplace(X: Any, Y: Any, params: dict[str, Any], activations: list[str], loss: str,
                  learning_rate: float, epochs: int, batch_size: int | None) -> tuple[dict[str, Any],
                                                                                     list[float]]:
    L = len(activations)
    Wb = [np.hstack([params[f"W{l}"], params[f"b{l}"]]) for l in range(1, L + 1)]  # [W | b]
    n = [X.shape[0]] + [w.shape[0] for w in Wb]
    m = X.shape[1]
    k = m if batch_size is None else batch_size
    dt = X.dtype
    lr = dt.type(learning_rate)
    one, zero = np.ones((), dt), np.zeros((), dt)  # 0-d arrays: NumPy converts no scalar
    relu = [g == "relu" for g in activations]
    sigmoid = [g == "sigmoid" for g in activations]
    maximum, negative, exp, reciprocal, log = np.maximum, np.negative, np.exp, np.reciprocal, np.log
    subtract, multiply, greater, vdot = np.subtract, np.multiply, np.greater, np.vdot

    def buffers(mb: int) -> dict[str, Any]:
        def each(kind: Any = dt) -> list[Any]:
            return [np.empty((n[l], mb), kind) for l in range(L + 1)]
        # [A[l]; 1] for the hidden layers (the row of ones is written once), A[l] its first rows
        ones_under: list[Any] = [None] + [np.ones((n[l] + 1, mb), dt) for l in range(1, L)]
        # [dA[l]; the bias row's], dA[l] its first rows (see the module docstring)
        dA_over: list[Any] = [None] + [np.empty((n[l] + 1, mb), dt) for l in range(1, L)]
        return {"Z": each(), "aug": ones_under,
                "A": [None] + [a[:-1] for a in ones_under[1:]] + [np.empty((n[L], mb), dt)],
                "dZ": each(), "dA_aug": dA_over, "dA": [None] + [a[:-1] for a in dA_over[1:]],
                "tmp": each(),
                "mask": each(bool), "ones_out": np.ones(n[L], dt), "col": np.empty(mb, dt),
                "scale": np.full((), lr / mb, dt),                # alpha/m, applied once to dZ[L]
                "scale_mse": np.full((), lr / mb / n[L], dt)}     # alpha/(m n_y) for half_mse

    dWb = [np.empty_like(w) for w in Wb]                          # [dW[l] | db[l]]
    cache: dict[int, dict[str, Any]] = {}
    batches = [(np.vstack([X[:, s:s + k], np.ones((1, min(k, m - s)), dt)]), Y[:, s:s + k])
               for s in range(0, m, k)]                            # [X{t}; 1], Y{t}
    history = []
    for _ in range(epochs):
        total = 0.0
        for Xa, Yb in batches:
            mb = Xa.shape[1]
            buf = cache.get(mb)
            if buf is None:  # not setdefault(mb, buffers(mb)): that allocates on every step
                buf = cache[mb] = buffers(mb)
            Z, A, aug, dZ, dA_aug, dA, tmp, mask = (buf["Z"], buf["A"], buf["aug"], buf["dZ"],
                                                    buf["dA_aug"], buf["dA"], buf["tmp"],
                                                    buf["mask"])
            col = buf["col"]
            A_prev = Xa
            for l in range(1, L + 1):
                Zl, Al = Z[l], A[l]
                Wb[l - 1].dot(A_prev, Zl)                  # Z = [W | b] [A[l-1]; 1]
                if relu[l - 1]:
                    maximum(Zl, zero, out=Al)  # its positional out is deprecated
                elif sigmoid[l - 1]:
                    negative(Zl, Al)
                    exp(Al, Al)
                    Al += one
                    reciprocal(Al, Al)
                else:  # softmax over each column; Z - max z is kept in tmp for the cost
                    Zl.max(0, col)
                    subtract(Zl, col, tmp[l])
                    exp(tmp[l], Al)
                    buf["ones_out"].dot(Al, col)
                    Al /= col
                A_prev = aug[l] if l < L else Al
            AL = A[L]
            if loss == "cce":  # col holds sum_k e^(z_k - max z) of each example
                log(col, col)
                total += float(col.sum()) - float(vdot(Yb, tmp[L]))
                subtract(AL, Yb, dZ[L])                   # dZ = A - Y (fused)
                dZ[L] *= buf["scale"]
            else:  # half_mse through a sigmoid: dZ = (A - Y) / n_y * A (1 - A)
                subtract(AL, Yb, tmp[L])
                total += float(vdot(tmp[L], tmp[L])) / (2 * n[L])
                subtract(one, AL, dZ[L])
                dZ[L] *= AL
                dZ[L] *= tmp[L]
                dZ[L] *= buf["scale_mse"]
            for l in range(L, 0, -1):
                A_prev = Xa if l == 1 else aug[l - 1]
                dZ[l].dot(A_prev.T, dWb[l - 1])           # [dW | db] = dZ [A[l-1]; 1]^T
                if l > 1:  # dA[l-1] = W[l]^T dZ[l], before W[l] changes
                    Wb[l - 1].T.dot(dZ[l], dA_aug[l - 1])
                    if relu[l - 2]:
                        greater(Z[l - 1], zero, mask[l - 1])
                        multiply(dA[l - 1], mask[l - 1], dZ[l - 1])
                    else:
                        subtract(one, A[l - 1], tmp[l - 1])
                        tmp[l - 1] *= A[l - 1]
                        multiply(dA[l - 1], tmp[l - 1], dZ[l - 1])
                Wb[l - 1] -= dWb[l - 1]                   # dW and db already carry alpha/m
        history.append(total / m)
    out = {}
    for l in range(1, L + 1):
        out[f"W{l}"], out[f"b{l}"] = Wb[l - 1][:, :-1].copy(), Wb[l - 1][:, -1:].copy()
    return out, history
