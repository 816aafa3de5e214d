"""The steps of one layer, each its own small equation (sections 4 and 6 of the chapter).

Forward through layer l (``mlp_fn.network`` says which steps a layer takes):

    Z[l] = W[l] A[l-1] + b[l]              linear           every layer (no b when normalised)
    A[l] = g[l](Z[l])                      activate
    A[l] = A[l] * D[l]                     mask             a dropped-out hidden layer
    A[l] = A[l] + A[l-1]                   skip             a residual hidden layer

Backward, the same steps in reverse, from dA[l] = dJ/dA[l] (times m, as in the course):

    dG    = dA[l] * D[l]                   unmask           through the mask
    dZ[l] = dG * g[l]'(Z[l])               activate_backward
    dW[l] = (1/m) dZ[l] A[l-1]^T           weight_gradients
    db[l] = (1/m) sum_i dZ[l](i)
    dA[l-1] = W[l]^T dZ[l] (+ dA[l])       linear_backward  (+ dA[l] through a skip)

The bare steps (no checks) are what ``forward``, ``backward`` and ``train`` call, inside one
``np.errstate`` per pass; the public ``linear_forward``, ``activation_forward``,
``linear_backward``, ``activation_backward`` and ``dropout_masks`` are the course's functions of
the same names, checking what they are given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.arrays import NUMPY, Backend, backend, from_host
from mlp_fn._internal.frozen import frozen_dict
from mlp_fn._internal.types import ActivationSpec, Array, Namespace
from mlp_fn.activations import OUTPUT_ONLY, Formulas, activation_entry, classes_in_rows
from mlp_fn.network import activation_spec

__all__ = ["linear", "activate", "mask", "skip", "unmask", "activate_backward",
           "weight_gradients", "linear_forward", "activation_forward", "linear_backward",
           "activation_backward", "dropout_masks", "draw_masks"]


# ----------------------------------------------------------------------------------------------
# The steps
# ----------------------------------------------------------------------------------------------

def linear(A_prev: Array, W: Array, b: Array | None) -> Array:
    """Z[l] = W[l] A[l-1] + b[l] (without b for a normalised layer, whose beta shifts it)."""
    return W @ A_prev if b is None else W @ A_prev + b


def activate(Z: Array, g: Formulas, xp: Namespace) -> Array:
    """A[l] = g[l](Z[l])."""
    return g["g"](Z, xp=xp)


def mask(A: Array, D: Array) -> Array:
    """A[l] = A[l] * D[l]: inverted dropout (D is 0 or 1/keep_prob; see ``dropout_masks``)."""
    return A * D


def skip(A: Array, A_prev: Array) -> Array:
    """A[l] = A[l] + A[l-1]: a residual connection adds the layer's input to its output."""
    return A + A_prev


def unmask(dA: Array, D: Array) -> Array:
    """dG = dA[l] * D[l]: the gradient through the mask, A[l] = G * D[l]."""
    return dA * D


def activate_backward(dA: Array, Z: Array, A: Array, g: Formulas, xp: Namespace) -> Array:
    """dZ[l] = dA[l] * g[l]'(Z[l]) (for softmax the Jacobian-vector product); A = g(Z)."""
    return g["backward"](dA, Z, A, xp)


def weight_gradients(dZ: Array, A_prev: Array, xp: Namespace) -> tuple[Array, Array]:
    """dW[l] = (1/m) dZ[l] A[l-1]^T,  db[l] = (1/m) sum_i dZ[l](i),  m = A[l-1].shape[1]."""
    m = A_prev.shape[1]
    return (dZ @ A_prev.T) / m, xp.sum(dZ, axis=1, keepdims=True) / m


def draw_masks(shapes: Mapping[str, tuple[int, int]], keep_prob: float, seed: Any,
               dtype: Any, b: Backend = NUMPY) -> dict[str, Array]:
    """D[l] = (U < keep_prob) / keep_prob for each "D{l}" of ``shapes``, U ~ Uniform[0, 1) of
    that shape, drawn from ``seed`` in that order: on the host, by NumPy's generator, in
    ``dtype`` (a NumPy dtype), then moved to the backend ``b`` (so every library gets the same
    masks)."""
    rng = np.random.default_rng(seed)
    return {key: from_host((rng.random(shape) < keep_prob).astype(dtype) / keep_prob, b)
            for key, shape in shapes.items()}


# ----------------------------------------------------------------------------------------------
# The course's functions, checked
# ----------------------------------------------------------------------------------------------

def linear_forward(A_prev: Array, W: Array, b: Array) -> Array:
    """Z[l] = W[l] A[l-1] + b[l].

    Args:
        A_prev: A[l-1], (n[l-1], m).
        W: W[l], (n[l], n[l-1]).
        b: b[l], (n[l], 1), broadcast over the m columns.

    Returns:
        Z[l], (n[l], m), read-only.
    """
    W = check.matrix("W", W, "(n[l], n[l-1])")
    A_prev = check.matrix("A_prev", A_prev, f"({W.shape[1]}, m)")
    b = check.matrix("b", b, f"({W.shape[0]}, 1)")
    if A_prev.shape[0] != W.shape[1]:
        raise ValueError(f"A_prev: expected shape ({W.shape[1]}, m) to match W of shape "
                         f"{W.shape}, got {A_prev.shape}")
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b: expected shape ({W.shape[0]}, 1) to match W of shape {W.shape}, "
                         f"got {b.shape}")
    check.same_dtype(W=W, A_prev=A_prev, b=b)
    Z: Array = check.finite_result("linear_forward", linear, A_prev, W, b,
                                   b=backend(W=W, A_prev=A_prev, b=b))
    return Z


def activation_forward(Z: Array, activation: ActivationSpec) -> Array:
    """A[l] = g[l](Z[l]) for the named activation (see ``mlp_fn.activations``)."""
    name = activation_spec(activation)
    Z = check.matrix("Z", Z, "(n[l], m)")
    if isinstance(name, str) and name in OUTPUT_ONLY:
        classes_in_rows("Z", Z)  # softmax over one row: one class, refused with the fix
    be = backend(Z=Z)
    A: Array = check.finite_result("activation_forward", activate, Z, activation_entry(name),
                                   be.xp, b=be)
    return A


def linear_backward(dZ: Array, A_prev: Array, W: Array) -> tuple[Array, Array, Array]:
    """Gradients of the linear step Z[l] = W[l] A[l-1] + b[l], with m = A[l-1].shape[1]:

    dW[l] = (1/m) dZ[l] A[l-1]^T,   db[l] = (1/m) sum_i dZ[l](i),   dA[l-1] = W[l]^T dZ[l].

    Args:
        dZ: dZ[l], (n[l], m).
        A_prev: A[l-1], (n[l-1], m).
        W: W[l], (n[l], n[l-1]).

    Returns:
        (dA[l-1], dW[l], db[l]) of shapes (n[l-1], m), (n[l], n[l-1]), (n[l], 1); read-only.
    """
    W = check.matrix("W", W, "(n[l], n[l-1])")
    dZ = check.matrix("dZ", dZ, f"({W.shape[0]}, m)")
    A_prev = check.matrix("A_prev", A_prev, f"({W.shape[1]}, m)")
    if dZ.shape[0] != W.shape[0]:
        raise ValueError(f"dZ: expected shape ({W.shape[0]}, m) to match W of shape {W.shape}, "
                         f"got {dZ.shape}")
    if A_prev.shape != (W.shape[1], dZ.shape[1]):
        raise ValueError(f"A_prev: expected shape ({W.shape[1]}, {dZ.shape[1]}) to match W "
                         f"{W.shape} and dZ {dZ.shape}, got {A_prev.shape}")
    check.same_dtype(W=W, dZ=dZ, A_prev=A_prev)
    be = backend(W=W, dZ=dZ, A_prev=A_prev)
    dW, db = check.finite_result("linear_backward", weight_gradients, dZ, A_prev, be.xp, b=be)
    dA_prev = check.finite_result("linear_backward", lambda: W.T @ dZ, b=be)
    return dA_prev, dW, db


def activation_backward(dA: Array, Z: Array, A: Array, activation: ActivationSpec) -> Array:
    """dZ[l] = dA[l] * g[l]'(Z[l]) (for softmax, the Jacobian-vector product J^T dA[l]).

    ``A`` is g[l](Z[l]), which sigmoid' = A(1 - A), tanh' = 1 - A^2 and softmax reuse.
    """
    name = activation_spec(activation)
    Z = check.matrix("Z", Z, "(n[l], m)")
    for arg, a in (("dA", dA), ("A", A)):
        if check.matrix(arg, a, f"{Z.shape}").shape != Z.shape:
            raise ValueError(f"{arg}: expected the shape of Z {Z.shape}, got {a.shape}")
    check.same_dtype(Z=Z, dA=dA, A=A)
    be = backend(dA=dA, Z=Z, A=A)
    dZ: Array = check.finite_result("activation_backward", activate_backward, dA, Z, A,
                                    activation_entry(name), be.xp, b=be)
    return dZ


def dropout_masks(
    shapes: Mapping[str, tuple[int, int]], keep_prob: float, seed: int | Sequence[int],
    dtype: Any = np.float64,
) -> dict[str, Array]:
    """Inverted-dropout masks D[l] = (U < keep_prob) / keep_prob, U ~ Uniform[0, 1) from ``seed``.

    Each entry is 0 (unit dropped, probability 1 - keep_prob) or 1/keep_prob (kept), so that
    E[A[l] * D[l]] = A[l]: the expected activation, and hence the next layer's input, is unchanged.
    ``shapes`` maps "D{l}" to the shape of A[l]. The uniforms are the same for every ``dtype``;
    only the masks are made in it (a float32 run then carries no float64 masks).
    """
    if not isinstance(shapes, Mapping):
        raise TypeError(f"shapes: expected a dict {{'D1': (n1, m), ...}}, got "
                        f"{check.describe(shapes)}")
    check.seeds(seed)
    dt = check.float_dtype("dtype", dtype)
    keep = check.keep_prob(keep_prob)
    checked: dict[str, tuple[int, int]] = {}
    for key, shape in shapes.items():
        if not isinstance(key, str) or re.fullmatch(r"D[1-9][0-9]*", key) is None:
            raise ValueError(f"shapes: expected keys 'D1', 'D2', ..., got "
                             f"{check.short_repr(key)}")
        if not isinstance(shape, (tuple, list)) or len(shape) != 2:
            raise TypeError(f"shapes[{key!r}]: expected a pair (n[l], m), got "
                            f"{check.describe(shape)}")
        n, m = (check.positive_int(f"shapes[{key!r}]", v) for v in shape)
        check.allocation(f"shapes[{key!r}]", n * m)
        checked[key] = (n, m)
    return frozen_dict(draw_masks(checked, keep, seed, dt))  # NumPy: a course function
