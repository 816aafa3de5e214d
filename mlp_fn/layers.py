"""The steps of one layer, each its own small equation (sections 4 and 6 of the chapter).

Forward through layer l (``mlp_fn.network`` says which steps a layer takes):

    `Z[l] = W[l] A[l-1] + b[l]`            ``linear_forward``: every layer (no b when normalised)
    `A[l] = g[l](Z[l])`                    ``activation_forward``
    `A[l] = A[l] * D[l]`                   ``mask``: a dropped-out hidden layer
    `A[l] = A[l] + A[l-1]`                 ``skip``: a residual hidden layer

Backward, the same steps in reverse, from `dA[l] = dJ/dA[l]` (times m, as in the course):

    `dG = dA[l] * D[l]`                    ``unmask``: through the mask
    `dZ[l] = dG * g[l]'(Z[l])`             ``activation_backward``
    `dW[l] = (1/m) dZ[l] A[l-1]^T`         ``linear_backward``
    `db[l] = (1/m) sum_i dZ[l](i)`         ``linear_backward``
    `dA[l-1] = W[l]^T dZ[l] (+ dA[l])`     ``linear_backward`` (`+ dA[l]` through a skip)

The kinds of layer are one registry, ``LAYER_KINDS``: for each (plain, batch and layer
normalisation, dropout, residual) the vectors it keeps beside `W[l]` and their starting values,
and its steps forward and backward. ``init_params`` writes the vectors, ``architecture`` reads
a layer's kind from its keys, ``forward`` and ``backward`` call its steps.

Each course function is one ``def``; its checks are declared above it (``@checked``).
``forward``, ``backward`` and ``train`` call the same bodies unchecked
(``linear_forward.unchecked``) on arrays checked once at their own entry, in the namespace
``xp`` of those arrays, inside one ``np.errstate`` per pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple, Protocol, overload

import numpy as np

from mlp_fn import normalization
from mlp_fn._internal import checks as check
from mlp_fn._internal.boundary import by, checked, like, matrix, optional, real, shown_as
from mlp_fn._internal.types import Array, Namespace
from mlp_fn.activations import OUTPUT_ONLY, Formulas, _activation_entry, _classes_in_rows
from mlp_fn.activations import _activation_spec

__all__ = ["linear_forward", "activation_forward", "mask", "skip", "unmask", "activation_backward",
           "linear_backward", "dropout_masks", "norms", "LayerKind", "LAYER_KINDS"]


def _activation(name: str, value: Any, seen: dict[str, Any]) -> Formulas:
    """A layer's activation (a name, an alias or a reader's own), as the functions the body
    computes with; softmax over a single row of Z is refused with the fix."""
    spec = _activation_spec(value)
    if isinstance(spec, str) and spec in OUTPUT_ONLY:
        _classes_in_rows("Z", seen["Z"])
    return _activation_entry(spec)


# ----------------------------------------------------------------------------------------------
# The steps
# ----------------------------------------------------------------------------------------------

@checked(W=matrix("(n[l], n[l-1])"), A_prev=matrix("(n[l-1], m)"),
         b=optional(matrix("(n[l], 1)")))
def linear_forward(A_prev: Array, W: Array, b: Array | None) -> Array:
    """`Z[l] = W[l] A[l-1] + b[l]`.

    Args:
        A_prev: `A[l-1]`, `(n[l-1], m)`.
        W: `W[l]`, `(n[l], n[l-1])`.
        b: `b[l]`, `(n[l], 1)`, broadcast over the m columns; None for a normalised layer, whose
            beta shifts Z instead (`Z[l] = W[l] A[l-1]`).

    Returns:
        `Z[l]`, `(n[l], m)`, read-only.

    >>> linear_forward(np.array([[1.0], [2.0]]), np.array([[3.0, 4.0]]), np.array([[0.5]]))
    array([[11.5]])
    """
    return W @ A_prev if b is None else W @ A_prev + b


@checked(Z=matrix("(n[l], m)"), activation=shown_as("ActivationSpec", _activation))
def activation_forward(Z: Array, activation: Formulas, *, xp: Namespace = np) -> Array:
    """`A[l] = g[l](Z[l])` for the named activation (see ``mlp_fn.activations``): a name, an
    alias or a reader's own (``custom_activation``), which the check turns into the formulas
    the body computes with (the layer's ``Layer.g``, which ``forward`` passes unchecked).

    >>> activation_forward(np.array([[0.0, -1.0]]), "relu")
    array([[0., 0.]])
    """
    return activation["g"](Z, xp=xp)


@checked(A=real, D=like("A"))
def mask(A: Array, D: Array) -> Array:
    """`A[l] = A[l] * D[l]`: inverted dropout (D is 0 or 1/keep_prob; see ``dropout_masks``).

    >>> mask(np.array([[1.0, 2.0]]), np.array([[0.0, 2.0]]))
    array([[0., 4.]])
    """
    return A * D


@checked(A=real, A_prev=like("A"))
def skip(A: Array, A_prev: Array) -> Array:
    """`A[l] = A[l] + A[l-1]`: a residual connection adds the layer's input to its output.

    >>> skip(np.array([[1.0]]), np.array([[2.0]]))
    array([[3.]])
    """
    return A + A_prev


@checked(dA=real, D=like("dA"))
def unmask(dA: Array, D: Array) -> Array:
    """`dG = dA[l] * D[l]`: the gradient through the mask, `A[l] = G * D[l]`.

    >>> unmask(np.array([[1.0, 1.0]]), np.array([[0.0, 2.0]]))
    array([[0., 2.]])
    """
    return dA * D


@checked(Z=matrix("(n[l], m)"), dA=matrix("(n[l], m)"), A=matrix("(n[l], m)"),
         activation=shown_as("ActivationSpec", _activation))
def activation_backward(dA: Array, Z: Array, A: Array, activation: Formulas, *,
                        xp: Namespace = np) -> Array:
    """`dZ[l] = dA[l] * g[l]'(Z[l])` (for softmax, the Jacobian-vector product `J^T dA[l]`).

    ``A`` is `g[l](Z[l])`, which `sigmoid' = A(1 - A)`, `tanh' = 1 - A^2` and softmax reuse;
    ``activation`` as for ``activation_forward``.

    >>> activation_backward(np.array([[1.0]]), np.array([[0.0]]), np.array([[0.5]]), "sigmoid")
    array([[0.25]])
    """
    return activation["backward"](dA, Z, A, xp)


class _LinearBackward(Protocol):
    """``linear_backward`` as mypy sees it: dA[l-1] is an array whenever W is one."""

    unchecked: Callable[..., tuple[Array | None, Array, Array]]

    @overload
    def __call__(self, dZ: Array, A_prev: Array, W: None) -> tuple[None, Array, Array]: ...

    @overload
    def __call__(self, dZ: Array, A_prev: Array, W: Array) -> tuple[Array, Array, Array]: ...


def _typed(f: Any) -> _LinearBackward:
    """``f`` with the types of ``_LinearBackward`` (the boundary's own are one for both)."""
    typed: _LinearBackward = f
    return typed


@_typed
@checked(W=optional(matrix("(n[l], n[l-1])")), dZ=matrix("(n[l], m)"),
         A_prev=matrix("(n[l-1], m)"))
def linear_backward(dZ: Array, A_prev: Array, W: Array | None, *,
                    xp: Namespace = np) -> tuple[Array | None, Array, Array]:
    """Gradients of the linear step `Z[l] = W[l] A[l-1] + b[l]`, with m the number of examples
    (the columns of `A[l-1]`):

    `dW[l] = (1/m) dZ[l] A[l-1]^T`,   `db[l] = (1/m) sum_i dZ[l](i)`,   `dA[l-1] = W[l]^T dZ[l]`.

    Args:
        dZ: `dZ[l]`, `(n[l], m)`.
        A_prev: `A[l-1]`, `(n[l-1], m)`.
        W: `W[l]`, `(n[l], n[l-1])`; None where `dA[l-1]` is not wanted (layer 1: its input X is
            not learned, and ``backward`` skips that product).

    Returns:
        (`dA[l-1]`, `dW[l]`, `db[l]`) of shapes `(n[l-1], m)`, `(n[l], n[l-1])`, `(n[l], 1)`,
        read-only;
        `dA[l-1]` is None when W is.

    >>> dA_prev, dW, db = linear_backward(np.array([[1.0, 3.0]]), np.array([[1.0, 1.0]]),
    ...                                   np.array([[2.0]]))
    >>> dA_prev, dW, db
    (array([[2., 6.]]), array([[2.]]), array([[2.]]))
    """
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = xp.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = None if W is None else W.T @ dZ
    return dA_prev, dW, db


def _mask_shapes(name: str, shapes: Any, seen: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """{``"D{l}"``: (n[l], m)}: a dict of shapes, each a pair of positive sizes."""
    if not isinstance(shapes, Mapping):
        raise TypeError(f"{name}: expected a dict {{'D1': (n1, m), ...}}, got "
                        f"{check.what(shapes)}")
    out: dict[str, tuple[int, int]] = {}
    for key, shape in shapes.items():
        if not isinstance(key, str) or re.fullmatch(r"D[1-9][0-9]*", key) is None:
            raise ValueError(f"{name}: expected keys 'D1', 'D2', ..., got "
                             f"{check.short_repr(key)}")
        if not isinstance(shape, (tuple, list)) or len(shape) != 2:
            raise TypeError(f"{name}[{key!r}]: expected a pair (n[l], m), got "
                            f"{check.what(shape)}")
        n, m = (check.positive_int(f"{name}[{key!r}]", v) for v in shape)
        check.allocation(f"{name}[{key!r}]", n * m)
        out[key] = (n, m)
    return out


def _seed(name: str, value: Any, seen: dict[str, Any]) -> Any:
    check.seeds(value)
    return value


@checked(shapes=_mask_shapes, keep_prob=lambda name, v, seen: check.keep_prob(v),
         seed=_seed, dtype=by(check.float_dtype))
def dropout_masks(
    shapes: Mapping[str, tuple[int, int]], keep_prob: float, seed: int | Sequence[int],
    dtype: Any = np.float64,
) -> dict[str, Array]:
    """Inverted-dropout masks `D[l] = (U < keep_prob) / keep_prob`, `U ~ Uniform[0, 1)` from
    ``seed``.

    Each entry is 0 (unit dropped, probability `1 - keep_prob`) or `1/keep_prob` (kept), so that
    `E[A[l] * D[l]] = A[l]`: the expected activation, and hence the next layer's input, is
    unchanged. ``shapes`` maps ``"D{l}"`` to the shape of `A[l]`. The uniforms are drawn in that
    order, on the host, by NumPy's generator (so every library gets the same masks: ``forward``
    and ``train`` move them to their arrays' device), the same for every ``dtype``; only the masks
    are made in it (a float32 run then carries no float64 masks).

    >>> dropout_masks({"D1": (2, 3)}, keep_prob=0.5, seed=0)["D1"]
    array([[0., 2., 2.],
           [2., 0., 0.]])
    """
    rng = np.random.default_rng(seed)
    return {key: (rng.random(shape) < keep_prob).astype(dtype) / keep_prob
            for key, shape in shapes.items()}


# ----------------------------------------------------------------------------------------------
# The kinds of layer
# ----------------------------------------------------------------------------------------------

class LayerKind(NamedTuple):
    """One kind of layer, all of it in one place: the vectors it keeps in params beside `W[l]`,
    with the values ``init_params`` starts them at; where it acts ("Z": on the linear step, one
    such kind per layer, whose vectors are the layer's; "A": on the activation's output, on top
    of it); the step it adds forward and backward (None: none beyond the linear step); and which
    of its vectors are kept (running statistics), not trained.

    A kind acting on Z steps forward as ``forward(Z, params, layer, training, xp)`` ->
    (Z~, what backward needs, by cache key) and backward as ``backward(dZ~, cache, params,
    layer, xp)`` -> (dZ, the gradients of its trained vectors, by key "d<name>{l}")."""

    params: Mapping[str, float]
    acts_on: Literal["Z", "A"]
    forward: Callable[..., Any] | None
    backward: Callable[..., Any] | None
    kept: tuple[str, ...] = ()  # vectors that are kept up to date, not trained (statistics)


#: Every kind of layer (``mlp_fn.network`` tells a layer's kinds from its keys and its
#: activation's "+residual"; dropout from ``keep_prob`` or masks). The steps are the bodies
#: (unchecked): ``forward`` and ``backward`` call them on arrays checked at their entry.
#:
#: :meta hide-value:
LAYER_KINDS: dict[str, LayerKind] = {
    # Z[l] = W[l] A[l-1] + b[l]: the linear step is the whole of it
    "plain": LayerKind({"b": 0.0}, "Z", None, None),
    # Z~ = gamma Z_norm + beta, Z_norm from the batch's statistics, whose running averages
    # mu and sigma2 predict with
    "batch": LayerKind({"gamma": 1.0, "beta": 0.0, "mu": 0.0, "sigma2": 1.0}, "Z",
                       normalization._layer_forward, normalization._layer_backward,
                       kept=("mu", "sigma2")),
    # Z~ = gamma Z_norm + beta, Z_norm from each example's statistics over the layer's units
    "layer": LayerKind({"gamma": 1.0, "beta": 0.0}, "Z",
                       normalization._layer_forward, normalization._layer_backward),
    # A[l] = A[l] * D[l]; back: dG = dA[l] * D[l]
    "dropout": LayerKind({}, "A", mask.unchecked, unmask.unchecked),
    # A[l] = g(Z[l]) + A[l-1]; back: dA[l-1] = W[l]^T dZ[l] + dA[l], an addition as well
    "residual": LayerKind({}, "A", skip.unchecked, skip.unchecked),
}

def norms() -> list[str]:
    """The normalisations: the kinds that act on the linear step, but the plain one (the names
    ``init_params(..., norm=)`` takes).

    >>> norms()
    ['batch', 'layer']
    """
    return [name for name, kind in LAYER_KINDS.items()
            if kind.acts_on == "Z" and kind.forward is not None]
