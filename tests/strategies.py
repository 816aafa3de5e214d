"""Hypothesis strategies for networks: architectures, activation/loss pairings, data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from mlp_fn._internal.types import Array, Params
from mlp_fn.activations import ACTIVATIONS, OUTPUT_ONLY
from mlp_fn.losses import LOSSES

#: Hidden activations: every registered one but those only an output layer may have, so a new
#: activation is tested here as soon as it is registered.
HIDDEN = [name for name in ACTIVATIONS if name not in OUTPUT_ONLY]
#: Output activations allowed with each loss (every valid pairing, from the losses' records:
#: a loss that names its output activation takes that one, the others take any).
PAIRINGS: list[tuple[str, str]] = [
    (out, loss) for loss, record in LOSSES.items()
    for out in ([record["output"]] if record["output"] is not None else list(ACTIVATIONS))]
#: Activations with a kink at 0 that tests keep away from (finite differences across it fail).
KINKED = {"relu", "leaky_relu"}


@dataclass(frozen=True)
class Problem:
    """A random network with data (test fixture only)."""

    X: Array
    Y: Array
    params: Params
    activations: list[str]
    loss: str


def targets(rng: np.random.Generator, loss: str, n_y: int, m: int) -> Array:
    """Targets valid for ``loss``: {0,1} labels, one-hot columns, or reals."""
    if loss == "bce":
        return rng.integers(0, 2, size=(n_y, m)).astype(np.float64)
    if loss == "cce":
        Y = np.zeros((n_y, m))
        Y[rng.integers(0, n_y, size=m), np.arange(m)] = 1.0
        return Y
    return rng.standard_normal((n_y, m))


@st.composite
def problems(draw: Any, max_depth: int = 4, max_width: int = 5, max_m: int = 6,
             dtype: Any = np.float64,
             pairings: list[tuple[str, str]] | None = None) -> Problem:
    """Depth 1..max_depth, widths 1..max_width, m in 1..max_m, any valid pairing."""
    L = draw(st.integers(1, max_depth))
    out, loss = draw(st.sampled_from(pairings or PAIRINGS))
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in range(L - 1)]
    n_x = draw(st.integers(1, max_width))
    widths = [draw(st.integers(1, max_width)) for _ in range(L - 1)]
    n_y = draw(st.integers(2, max_width)) if out == "softmax" else draw(st.integers(1, 3))
    dims = [n_x, *widths, n_y]
    m = draw(st.integers(1, max_m))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    params = {}
    for l in range(1, L + 1):
        # Scale ~ 1/sqrt(fan_in) keeps pre-activations O(1): costs and gradients of order one.
        params[f"W{l}"] = (rng.standard_normal((dims[l], dims[l - 1]))
                           / np.sqrt(dims[l - 1])).astype(dtype)
        params[f"b{l}"] = (0.1 * rng.standard_normal((dims[l], 1))).astype(dtype)
    X = rng.standard_normal((n_x, m)).astype(dtype)
    Y = targets(rng, loss, n_y, m).astype(dtype)
    return Problem(X, Y, params, [*hidden, out], loss)
