"""Read-only views: arrays handed back to a caller cannot be changed in place by accident; and
the read-only constants the formulas use, made once (0-d numbers, columns of one value)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlp_fn._internal.types import Array


def frozen(a: NDArray[Any]) -> NDArray[Any]:
    """A read-only view of ``a`` (``a`` itself, possibly a caller's array, is left writeable)."""
    v = a.view()
    v.flags.writeable = False
    return v


def frozen_dict(d: Mapping[str, Array]) -> dict[str, Array]:
    """A new dict of read-only views of the arrays in ``d``."""
    return {k: frozen(v) for k, v in d.items()}


@functools.lru_cache(maxsize=64)
def number(value: float, dtype: np.dtype[Any]) -> Array:
    """``value`` as a read-only 0-d array of ``dtype``, kept for the next call. NumPy turns a
    Python number into an array on every operation it takes part in; a 0-d array of the
    operand's own dtype is used as it is, with the same result and dtype: ``one + e`` takes half
    as long as ``1.0 + e`` on a small array (4 x 4: 0.22 against 0.45 us), a tenth of a training
    step of a 2-4-1 network. The numbers are the formulas' constants and train's alpha/m: a few
    per run."""
    return frozen(np.full((), value, dtype))


def column(m: int, value: float, dtype: np.dtype[Any]) -> Array:
    """The read-only column (value, ..., value) of length m. ``X.dot(column(m, c, dtype))`` is
    c times the sums of X's rows, a matrix-vector product, which BLAS computes faster than
    NumPy's sum along the rows followed by a multiplication (a 64 x 32 float32 dZ: 0.9 us
    against 2.4 us); ``column(n, 1, dtype).T.dot(E)`` the sums of E's columns likewise. Columns
    of up to 65,536 entries are kept for the next call (a run asks for the same few lengths); a
    longer one is made anew, so a full batch of millions never stays in memory."""
    return _kept_column(m, value, dtype) if m <= 65536 else np.full((m, 1), value, dtype)


@functools.lru_cache(maxsize=16)
def _kept_column(m: int, value: float, dtype: np.dtype[Any]) -> Array:
    return frozen(np.full((m, 1), value, dtype))
