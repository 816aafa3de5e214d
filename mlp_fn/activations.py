"""Activation functions g and their derivatives g', as in section 2 of the chapter.

Every function is element-wise on Z of shape `(n[l], m)` except ``softmax``, which normalises each
column (one example) over the `n[l]` classes. Each derivative takes Z and, optionally, `A = g(Z)`
when the caller already has it (the course writes `sigmoid' = A(1 - A)` and `tanh' = 1 - A^2` for
that reason).

Each function is one ``def`` under the course's name whose body is its equation; the checks it
makes are declared above it (``@checked``, ``mlp_fn._internal.boundary``). Called by a reader, it
takes what the chapter passes (a Python number, a list, an integer array such as its
``z_values = np.array([-3, -1, 0, 1, 3])``) and returns a read-only float array (0-d for a
number; ``float(...)`` gives the Python float). float32 stays float32; everything else becomes
float64. ``forward``, ``backward`` and ``train`` call the same bodies unchecked (``sigmoid.unchecked``),
on arrays checked once at their own entry, in the namespace ``xp`` of those arrays.

``ACTIVATIONS`` holds one entry per activation, from which everything else is derived: the
backward step `dZ = dA * g'(Z)` of the layers, the printable formulas ``explain`` fills in and
the symbol the book sets. Adding an activation is two defs here and one entry in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

import numpy as np

from mlp_fn._internal.boundary import Checked, checked, like, real
from mlp_fn._internal.inputs import real_array
from mlp_fn._internal.names import resolve

__all__ = ["sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative", "relu", "relu_derivative",
           "leaky_relu", "leaky_relu_derivative", "gelu", "gelu_derivative", "identity",
           "identity_derivative", "quadratic", "quadratic_derivative", "softmax", "softmax_jvp",
           "custom_activation", "canonical_activation", "ACTIVATIONS", "ACTIVATION_ALIASES",
           "OUTPUT_ONLY", "LEAKY_ALPHA", "Activation", "Formulas"]
from mlp_fn._internal.types import (ActivationFn, ActivationSpec, Array, BackwardFn,
                                    BackwardFormula, CustomActivation, DerivativeFn,
                                    Formula, Namespace)

#: Slope of leaky ReLU for `z <= 0`, as in the chapter (`alpha = 0.01`).
LEAKY_ALPHA = 0.01

_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715
#: Beyond |z| = 30 the tanh in GeLU is exactly +-1 in float32 and float64; clipping there keeps
#: z^3 from overflowing without changing a single result.
_GELU_CLIP = 30.0



# ----------------------------------------------------------------------------------------------
# The activations and their derivatives: one def each, its checks declared above it
# ----------------------------------------------------------------------------------------------

def _alpha(name: str, value: Any, seen: dict[str, Any]) -> float:
    """leaky ReLU's slope: one real number."""
    a = real_array(name, value)
    if a.ndim != 0:
        raise TypeError(f"{name}: expected one number, got shape {tuple(a.shape)}")
    return float(a)


@checked(Z=real)
def sigmoid(Z: Array, *, xp: Namespace = np) -> Array:
    """`sigmoid(z) = 1 / (1 + e^(-z))`, range (0, 1).

    For z below about -709 (float64; -88 in float32) `e^(-z)` overflows to inf and
    `1 / (1 + inf) = 0`, exactly the limit; no warning is shown.

    >>> sigmoid([-1.0, 0.0, 1.0]).round(4)
    array([0.2689, 0.5   , 0.7311])
    """
    A: Array = 1.0 / (1.0 + xp.exp(-Z))
    return A


@checked(Z=real, A=like("Z"))
def sigmoid_derivative(Z: Array, A: Array | None = None, *, xp: Namespace = np) -> Array:
    """`sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)) = A (1 - A)`; at most 0.25, at `z = 0`.

    >>> sigmoid_derivative(0.0)
    array(0.25)
    """
    s = sigmoid.unchecked(Z, xp=xp) if A is None else A
    return s * (1.0 - s)


@checked(Z=real)
def tanh(Z: Array, *, xp: Namespace = np) -> Array:
    """`tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z))`, range (-1, 1).

    >>> tanh([0.0, 0.5]).round(4)
    array([0.    , 0.4621])
    """
    A: Array = xp.tanh(Z)
    return A


@checked(Z=real, A=like("Z"))
def tanh_derivative(Z: Array, A: Array | None = None, *, xp: Namespace = np) -> Array:
    """`tanh'(z) = 1 - tanh(z)^2 = 1 - A^2`.

    >>> tanh_derivative([0.0, 0.5]).round(4)
    array([1.    , 0.7864])
    """
    t = xp.tanh(Z) if A is None else A
    d: Array = 1.0 - t * t
    return d


@checked(Z=real)
def relu(Z: Array, *, xp: Namespace = np) -> Array:
    """`ReLU(z) = max(0, z)`.

    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    A: Array = xp.maximum(Z, 0.0)
    return A


@checked(Z=real, A=like("Z"))
def relu_derivative(Z: Array, A: Array | None = None, *, xp: Namespace = np) -> Array:
    """`ReLU'(z) = 1` if `z > 0` else 0 (the chapter's choice at the kink `z = 0` is 0).

    >>> relu_derivative([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    d: Array = xp.astype(Z > 0.0, Z.dtype)
    return d


@checked(Z=real, alpha=_alpha)
def leaky_relu(Z: Array, alpha: float = LEAKY_ALPHA, *, xp: Namespace = np) -> Array:
    """`LeakyReLU(z) = z` if `z > 0` else `alpha * z` (`alpha = 0.01` as in the chapter).

    >>> leaky_relu([-3.0, 2.0])
    array([-0.03,  2.  ])
    """
    A: Array = xp.where(Z > 0, Z, alpha * Z)
    return A


@checked(Z=real, A=like("Z"), alpha=_alpha)
def leaky_relu_derivative(Z: Array, A: Array | None = None, alpha: float = LEAKY_ALPHA, *, xp: Namespace = np) -> Array:
    """`LeakyReLU'(z) = 1` if `z > 0` else alpha (alpha at the kink `z = 0`, as in the chapter).

    Integer input gives float output, so alpha is never lost to an integer cast:

    >>> leaky_relu_derivative(np.array([-3, -1, 0, 1, 3]))
    array([0.01, 0.01, 0.01, 1.  , 1.  ])
    """
    d: Array = xp.where(Z > 0, xp.ones_like(Z), alpha)
    return d


@checked(Z=real)
def gelu(Z: Array, *, xp: Namespace = np) -> Array:
    """GeLU, tanh form (Hendrycks and Gimpel, 2016, eq. for the fast approximation):

    `gelu(z) = z/2 * (1 + tanh(sqrt(2/pi) * (z + 0.044715 z^3)))`.

    This is the form of GPT-2 and of most from-scratch code; it differs from the exact `z * Phi(z)`
    by less than `5e-4` everywhere. Beyond `|z| = 30` the tanh is exactly `+-1`, so z is clipped
    there inside the tanh (z^3 then cannot overflow; no result changes).

    >>> gelu([-1.0, 0.0, 1.0]).round(4)
    array([-0.1588,  0.    ,  0.8412])
    """
    Zc = xp.clip(Z, -_GELU_CLIP, _GELU_CLIP)
    A: Array = 0.5 * Z * (1.0 + xp.tanh(_GELU_C * (Zc + _GELU_K * Zc * Zc * Zc)))
    return A


@checked(Z=real, A=like("Z"))
def gelu_derivative(Z: Array, A: Array | None = None, *, xp: Namespace = np) -> Array:
    """`gelu'(z) = (1 + t)/2 + z/2 * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 z^2)`,
    with `t = tanh(sqrt(2/pi) * (z + 0.044715 z^3))`. Finite for every finite z: beyond `|z| = 30`,
    `1 - t^2` is exactly 0 (z is clipped there, as in ``gelu``).

    >>> gelu_derivative([0.0, 1.0]).round(4)
    array([0.5  , 1.083])
    """
    Zc = xp.clip(Z, -_GELU_CLIP, _GELU_CLIP)
    Z2 = Zc * Zc
    t = xp.tanh(_GELU_C * Zc * (1.0 + _GELU_K * Z2))
    d: Array = 0.5 * (1.0 + t) + 0.5 * Zc * (1.0 - t * t) * _GELU_C * (1.0 + 3.0 * _GELU_K * Z2)
    return d


@checked(Z=real)
def identity(Z: Array, *, xp: Namespace = np) -> Array:
    """`identity(z) = z`: the output of a regression network (the chapter's "no activation").

    >>> identity([-2.0, 3.0])
    array([-2.,  3.])
    """
    return Z


@checked(Z=real, A=like("Z"))
def identity_derivative(Z: Array, A: Array | None = None, *, xp: Namespace = np) -> Array:
    """`identity'(z) = 1`.

    >>> identity_derivative([-2.0, 3.0])
    array([1., 1.])
    """
    d: Array = xp.ones_like(Z)
    return d


@checked(Z=real)
def quadratic(Z: Array, *, xp: Namespace = np) -> Array:
    """`quadratic(z) = z^2`, the activation of the `x^2` essay (000).

    >>> quadratic([-2.0, 3.0])
    array([4., 9.])
    """
    return Z * Z


@checked(Z=real, A=like("Z"))
def quadratic_derivative(Z: Array, A: Array | None = None, *, xp: Namespace = np) -> Array:
    """`quadratic'(z) = 2z`.

    >>> quadratic_derivative([-2.0, 3.0])
    array([-4.,  6.])
    """
    return 2.0 * Z


def _classes_in_rows(name: str, Z: Array) -> None:
    """Softmax normalises each column over its rows (the classes): refuse layouts where that
    cannot be what was meant."""
    if Z.size == 0:
        raise ValueError(f"{name}: expected at least one class score, got an empty array of "
                         f"shape {Z.shape}")
    if Z.ndim == 0 or Z.ndim > 2:
        raise ValueError(f"{name}: expected a vector of K class scores or a (K, m) matrix, one "
                         f"example per column, got shape {Z.shape}")
    if Z.shape[0] == 1:
        hint = (f"pass {name}.T if your rows are examples" if Z.ndim == 2 and Z.shape[1] > 1
                else "a single class has probability 1")
        raise ValueError(f"{name}: softmax over a single class is 1 for every example, got shape "
                         f"{Z.shape}; classes are rows in the course layout, so {hint} "
                         f"(for a binary output use sigmoid)")


def _classes(name: str, value: Any, seen: dict[str, Any]) -> Array:
    """Class scores, one column per example: a real array of K >= 2 rows (or a vector of K)."""
    Z = real_array(name, value)
    _classes_in_rows(name, Z)
    return Z


@checked(Z=_classes)
def softmax(Z: Array, *, xp: Namespace = np) -> Array:
    """`softmax(z)_k = e^(z_k) / sum_j e^(z_j)`, for each column (example) of Z of shape (K, m),
    or for a 1-D vector of K scores (the chapter's ``softmax(np.array([2.0, 1.0, 0.1]))``).

    The column maximum is subtracted first: `softmax(z - c) = softmax(z)` for any constant c, and
    the exponents are then at most 0, so nothing overflows. A (1, m) row is refused: one class.

    >>> softmax(np.array([2.0, 1.0, 0.1])).round(3)
    array([0.659, 0.242, 0.099])
    """
    e = xp.exp(Z - xp.max(Z, axis=0, keepdims=True))
    A: Array = e / xp.sum(e, axis=0, keepdims=True)
    return A


@checked(A=_classes, V=like("A"))
def softmax_jvp(A: Array, V: Array, *, xp: Namespace = np) -> Array:
    """Jacobian of softmax times V, column by column: `J V = A * (V - sum_k A_k V_k)`.

    `J_ij = dA_i/dZ_j = A_i (delta_ij - A_j)` is symmetric, so this is also the vector-Jacobian
    product that backpropagation needs: ``dZ = softmax_jvp(A, dA)``. A and V have shape (K, m); V
    is computed in A's dtype.

    >>> softmax_jvp([0.5, 0.5], [1.0, 0.0])
    array([ 0.25, -0.25])
    """
    AV = xp.sum(A * V, axis=0, keepdims=True)
    JV: Array = A * (V - AV)
    return JV


def _softmax_backward(dA: Array, Z: Array, A: Array, xp: Namespace) -> Array:
    return softmax_jvp.unchecked(A, dA, xp=xp)


def _chain(derivative: Callable[..., Array]) -> BackwardFormula:
    """dZ = dA * g'(Z): the element-wise chain rule for the body of a derivative g'(Z, A)."""

    def backward(dA: Array, Z: Array, A: Array, xp: Namespace) -> Array:
        return dA * derivative(Z, A, xp=xp)

    return backward


def _chain_custom(derivative: DerivativeFn) -> BackwardFn:
    """dZ = dA * g'(Z) for a reader's own derivative g'(Z, A)."""

    def backward(dA: Array, Z: Array, A: Array) -> Array:
        return dA * derivative(Z, A)

    return backward


class Formulas(TypedDict):
    """What forward and backward compute a layer's activation with, in the namespace ``xp`` of
    its arrays: ``g(Z, xp)`` and the backward step ``dZ = backward(dA, Z, A, xp)`` (the bodies of
    the public functions, unchecked); for a registered activation also its printable formulas (None
    for a reader's own)."""

    g: Formula
    backward: BackwardFormula
    formula: str | None
    derivative_formula: str | None


class Activation(TypedDict):
    """One registry entry, from which everything about an activation is derived: ``g`` and
    ``derivative`` g'(Z, A) (the public functions above; softmax has no element-wise
    derivative, None), the backward step ``backward(dA, Z, A)`` = dA * g'(Z) (for softmax the
    Jacobian-vector product `J^T dA`), both as printable formulas in z (and `a = g(z)`), the
    forms ``mlp_fn.explain`` fills with numbers (a derivative that depends on the sign of z
    reads ``"<for z > 0> if z > 0 else <otherwise>"``), and ``symbol``, the LaTeX the book sets the
    function's name in."""

    g: ActivationFn
    derivative: DerivativeFn | None
    backward: BackwardFn
    formula: str
    derivative_formula: str
    symbol: str


def _record(g: Checked[Array, Array], derivative: Checked[Array, Array] | None, formula: str,
            derivative_formula: str, symbol: str) -> Activation:
    """One activation's entry: its public backward step is derived from g' (or softmax's
    Jacobian-vector product), with the checks of ``activation_backward``."""
    body = _softmax_backward if derivative is None else _chain(derivative.unchecked)

    @checked(dA=real, Z=like("dA"), A=like("dA"))
    def backward(dA: Array, Z: Array, A: Array, *, xp: Namespace = np) -> Array:
        return body(dA, Z, A, xp)

    backward.__name__ = backward.__qualname__ = f"{g.__name__}_backward"
    backward.__doc__ = f"dZ = dA * {g.__name__}'(Z), given A = {g.__name__}(Z)."
    return {"g": g, "derivative": derivative, "backward": backward, "formula": formula,
            "derivative_formula": derivative_formula, "symbol": symbol}


_GELU_T = f"tanh({_GELU_C:.10f}*(z + {_GELU_K}*z*z*z))"

#: Every activation, one entry each: the registry everything else is derived from (the layers'
#: formulas, ``explain``'s printable forms, the book's symbols). Its functions are the public
#: ones above: each checks what it is given (a copy of the table: changing it changes nothing
#: in forward or train).
#:
#: :meta hide-value:
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": _record(sigmoid, sigmoid_derivative, "1/(1 + exp(-z))", "a*(1 - a)", r"\sigma"),
    "tanh": _record(tanh, tanh_derivative, "tanh(z)", "(1 - a*a)", r"\tanh"),
    "relu": _record(relu, relu_derivative, "max(0, z)", "1 if z > 0 else 0",
                    r"\operatorname{relu}"),
    "leaky_relu": _record(leaky_relu, leaky_relu_derivative, f"max(z, {LEAKY_ALPHA}*z)",
                          f"1 if z > 0 else {LEAKY_ALPHA}", r"\operatorname{leaky\_relu}"),
    "gelu": _record(gelu, gelu_derivative, f"0.5*z*(1 + {_GELU_T})",
                    f"(0.5*(1 + {_GELU_T}) + 0.5*z*(1 - {_GELU_T}*{_GELU_T})*"
                    f"{_GELU_C:.10f}*(1 + {3 * _GELU_K}*z*z))", r"\operatorname{GELU}"),
    "identity": _record(identity, identity_derivative, "z", "1", r"\operatorname{identity}"),
    "quadratic": _record(quadratic, quadratic_derivative, "z*z", "2*z",
                         r"\operatorname{quadratic}"),
    "softmax": _record(softmax, None, "exp(z)/(sum_k exp(z_k))", "J^T dA",
                       r"\operatorname{softmax}"),
}

#: What forward, backward and train compute with: each entry's bodies, unchecked, called in the
#: namespace xp of the pass, inside one ``np.errstate`` for the whole pass.
_FORMULAS: dict[str, Formulas] = {
    name: {"g": entry["g"].unchecked,  # type: ignore[attr-defined]
           "backward": (_softmax_backward if entry["derivative"] is None
                        else _chain(entry["derivative"].unchecked)),  # type: ignore[attr-defined]
           "formula": entry["formula"], "derivative_formula": entry["derivative_formula"]}
    for name, entry in ACTIVATIONS.items()}

#: Other names for the same functions (003 says 'linear'; 'logistic' is scikit-learn's sigmoid).
#: Case and separators never count, so 001's 'ReLU' and 'GeLU' need no entry here.
#:
#: :meta hide-value:
ACTIVATION_ALIASES: dict[str, str] = {"linear": "identity", "logistic": "sigmoid",
                                      "lrelu": "leaky_relu", "square": "quadratic"}

#: Activations that normalise over a whole column: allowed only in the output layer.
#:
#: :meta hide-value:
OUTPUT_ONLY = frozenset({"softmax"})


def _activation_spec(spec: Any, label: str = "activation") -> ActivationSpec:
    """A registered name (its canonical form) or a reader's own from ``custom_activation``;
    ``label`` leads the error: the argument as the caller wrote it."""
    if isinstance(spec, Mapping):
        if set(spec) != set(CustomActivation.__annotations__) or not all(
                callable(spec[k]) for k in ("g", "derivative", "backward")):
            raise TypeError(f"{label}: expected a name or what custom_activation returns, "
                            f"got a dict with keys {sorted(map(str, spec))}"[:300])
        custom: CustomActivation = spec  # type: ignore[assignment]
        return custom
    return resolve(label, spec, _FORMULAS, ACTIVATION_ALIASES)


def canonical_activation(name: str) -> str:
    """The registry name for ``name`` (resolving aliases); ValueError listing the valid names.

    >>> canonical_activation("ReLU"), canonical_activation("linear")
    ('relu', 'identity')
    """
    if isinstance(name, dict):
        raise TypeError("activation: a custom activation cannot stand here; this place needs a "
                        "registered name")
    return resolve("activation", name, _FORMULAS, ACTIVATION_ALIASES)


def custom_activation(name: str, g: ActivationFn, derivative: DerivativeFn) -> CustomActivation:
    """A reader's own activation, usable wherever an activation name is (``forward``, ``train``,
    ``gradient_check``, ``mlp_fn.model``, ...), without touching ``ACTIVATIONS``:

        swish = custom_activation("swish", lambda Z: Z * sigmoid(Z),
                                  lambda Z, A: A + sigmoid(Z) * (1 - A))

    ``g(Z)`` maps a (n, m) array to one of the same shape; ``derivative(Z, A)`` gives g'(Z) there,
    given also `A = g(Z)`. Both are tried once on a small array, and ``gradient_check`` tells
    whether the derivative is right. Functions are not saved: ``save_params`` refuses a network
    that uses one (keep the definition with your code).

    >>> softplus = custom_activation("softplus", lambda Z: np.logaddexp(0.0, Z),
    ...                              lambda Z, A: 1.0 / (1.0 + np.exp(-Z)))
    >>> A, _ = mf.forward(np.ones((2, 1)), mf.init_params([2, 1], seed=0), [softplus])
    >>> A.shape
    (1, 1)
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name: expected a non-empty string, got {name!r}"[:200])
    for arg, f in (("g", g), ("derivative", derivative)):
        if not callable(f):
            raise TypeError(f"{arg}: expected a function, got {type(f).__name__}")
    probe = np.linspace(-2.0, 2.0, 6).reshape(2, 3)
    try:
        with np.errstate(all="ignore"):
            A = np.asarray(g(probe))
            dA = np.asarray(derivative(probe, A))
    except Exception as err:  # a reader's function: whatever it raises is reported as ours
        raise ValueError(f"g, derivative: calling them on a (2, 3) array failed: "
                         f"{type(err).__name__}: {err}") from None
    for arg, out in (("g", A), ("derivative", dA)):
        if out.shape != probe.shape or out.dtype.kind != "f" or not np.isfinite(out).all():
            raise ValueError(f"{arg}: on a (2, 3) float array it must return finite floats of "
                             f"the same shape, got {out.dtype} of shape {out.shape}")
    return {"name": name, "g": g, "derivative": derivative,
            "backward": _chain_custom(derivative)}


def _activation_entry(spec: ActivationSpec) -> Formulas:
    """The functions {g, backward} a layer computes with, in the namespace xp of its arrays: a
    canonical activation's formulas, or a reader's own functions (which take no xp: they are
    written for the arrays they are given)."""
    if isinstance(spec, str):
        return _FORMULAS[spec]
    g, step = spec["g"], spec["backward"]
    return {"g": lambda Z, xp: g(Z), "backward": lambda dA, Z, A, xp: step(dA, Z, A),
            "formula": None, "derivative_formula": None}


def _label(spec: ActivationSpec) -> str:
    """How a layer's activation is printed and fingerprinted: its name."""
    return spec if isinstance(spec, str) else f"{spec['name']} (custom)"
