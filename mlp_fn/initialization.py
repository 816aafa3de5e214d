"""Weight initialization: W{l} of shape (n[l], n[l-1]) drawn at random, b{l} = 0 of shape (n[l], 1).

| method   | W{l}                                  | why                                               |
|----------|---------------------------------------|---------------------------------------------------|
| random   | randn * 0.01                          | the course default: small, breaks symmetry        |
| xavier   | randn * sqrt(1 / n[l-1])              | keeps Var(z) ~ Var(a) for tanh/sigmoid (course)   |
| he       | randn * sqrt(2 / n[l-1])              | the same for ReLU, which zeroes half its inputs   |
| zeros    | 0                                     | to show why symmetry must be broken               |

Xavier here is the course's (Glorot and Bengio, 2010, variance 1/fan_in); He is He et al., 2015.
Randomness comes only from ``seed``: the draws are NumPy's ``default_rng(seed)`` standard normals
in float64, then cast, so a float32 network starts from the float32 rounding of the float64 one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mlp_fn import validation as check
from mlp_fn._freeze import frozen_dict
from mlp_fn._names import resolve
from mlp_fn._types import Params

#: name -> scale of the standard-normal draw, as a function of n[l-1].
INITS: dict[str, Callable[[int], float]] = {
    "random": lambda n_prev: 0.01,
    "xavier": lambda n_prev: math.sqrt(1.0 / n_prev),
    "he": lambda n_prev: math.sqrt(2.0 / n_prev),
    "zeros": lambda n_prev: 0.0,
}


def init_params(
    layer_dims: Sequence[int],
    *,
    method: str = "random",
    seed: int = 0,
    dtype: npt.DTypeLike = np.float64,
) -> Params:
    """Parameters of an L-layer network with sizes ``layer_dims = [n0, n1, ..., nL]``.

    W{l} = randn(n[l], n[l-1]) * scale(method, n[l-1]),  b{l} = zeros(n[l], 1),  l = 1..L.

    Args:
        layer_dims: n0 = n_x input features, then the width of every layer up to n_y = nL.
        method: 'random' (0.01, the course default), 'xavier', 'he' or 'zeros'.
        seed: the only source of randomness; the same seed gives the same params, bit for bit.
        dtype: float32 or float64.

    Returns:
        {"W1": (n1, n0), "b1": (n1, 1), ..., "WL": (nL, n[L-1]), "bL": (nL, 1)}, read-only.
    """
    dims = check.layer_dims(layer_dims)
    method = resolve("method", method, INITS)
    dt = np.dtype(dtype)
    if dt not in check.FLOAT_DTYPES:
        raise TypeError(f"dtype: expected float32 or float64, got {dt}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed: expected a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(seed)
    scale = INITS[method]
    params: dict[str, Any] = {}
    for l in range(1, len(dims)):
        n, n_prev = dims[l], dims[l - 1]
        params[f"W{l}"] = (rng.standard_normal((n, n_prev)) * scale(n_prev)).astype(dt)
        params[f"b{l}"] = np.zeros((n, 1), dtype=dt)
    return frozen_dict(params)
