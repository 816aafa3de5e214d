"""Data in the course layout: X of shape (n_x, m), Y of shape (n_y, m), one example per column."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from mlp_fn._freeze import frozen
from mlp_fn._types import Array


def one_hot(labels: npt.ArrayLike, num_classes: int | None = None,
            dtype: npt.DTypeLike = np.float64) -> Array:
    """Y of shape (K, m) with Y[k, i] = 1 if labels[i] == k else 0 (K = max label + 1 by default)."""
    y = np.asarray(labels)
    if y.ndim == 2 and 1 in y.shape:
        y = y.ravel()
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise TypeError(f"labels: expected a 1-D array of integer class indices, got dtype "
                        f"{y.dtype} and shape {y.shape}")
    if y.size and y.min() < 0:
        raise ValueError(f"labels: expected class indices >= 0, got {int(y.min())}")
    K = int(y.max()) + 1 if num_classes is None else int(num_classes)
    if y.size and y.max() >= K:
        raise ValueError(f"num_classes: expected more than the largest label {int(y.max())}, "
                         f"got {K}")
    Y: np.ndarray[Any, Any] = np.zeros((K, y.size), dtype=dtype)
    Y[y, np.arange(y.size)] = 1.0
    return frozen(Y)


def xor(dtype: npt.DTypeLike = np.float64) -> tuple[Array, Array]:
    """The four XOR points: X = [[0, 0, 1, 1], [0, 1, 0, 1]], Y = [[0, 1, 1, 0]]."""
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]], dtype=dtype)
    Y = np.array([[0.0, 1.0, 1.0, 0.0]], dtype=dtype)
    return frozen(X), frozen(Y)
