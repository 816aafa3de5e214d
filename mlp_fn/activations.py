"""Activation functions g and their derivatives g', as in section 2 of the chapter.

Every function is element-wise on Z of shape (n[l], m) except ``softmax``, which normalises each
column (one example) over the n[l] classes. Each derivative takes Z and, optionally, A = g(Z) when the
caller already has it (the course writes sigmoid' = A(1 - A) and tanh' = 1 - A^2 for that reason).

``ACTIVATIONS`` pairs every name with its function and its backward step dZ = dA * g'(Z), each
run with NumPy's warnings off; ``forward`` and ``backward`` look a layer's activation up in the
table of the bare formulas behind it (``_FORMULAS``) and never branch on its name.

The public functions take what the chapter passes (a Python number, a list, an integer array such
as its ``z_values = np.array([-3, -1, 0, 1, 3])``) and return a read-only float array (0-d for a
number; ``float(...)`` gives the Python float). float32 stays float32; everything else becomes
float64. The bare formulas (``_sigmoid``, ...) are called by ``forward`` and ``train`` on arrays
already checked at their own entry, inside one ``np.errstate`` for the whole pass.
"""

from __future__ import annotations

import math
from typing import Any, TypedDict

import numpy as np

from numpy.typing import ArrayLike

from mlp_fn._internal.arrays import backend, dtype_name, is_array
from mlp_fn._internal.inputs import cast, real_array, result
from mlp_fn._internal.names import resolve

__all__ = ["ACTIVATIONS", "ACTIVATION_ALIASES", "OUTPUT_ONLY", "LEAKY_ALPHA", "Activation",
           "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative", "relu", "relu_derivative",
           "leaky_relu", "leaky_relu_derivative", "gelu", "gelu_derivative", "identity",
           "identity_derivative", "quadratic", "quadratic_derivative", "softmax", "softmax_jvp",
           "custom_activation", "canonical_activation", "activation_entry", "label",
           "classes_in_rows", "Formulas"]
from mlp_fn._internal.types import (ActivationFn, ActivationSpec, Array, BackwardFn,
                                    BackwardFormula, CustomActivation, DerivativeFn,
                                    DerivativeFormula, Formula, Namespace)

#: Slope of leaky ReLU for z <= 0, as in the chapter (alpha = 0.01).
LEAKY_ALPHA = 0.01

_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715
#: Beyond |z| = 30 the tanh in GeLU is exactly +-1 in float32 and float64; clipping there keeps
#: z^3 from overflowing without changing a single result.
_GELU_CLIP = 30.0



# ----------------------------------------------------------------------------------------------
# The formulas, on float arrays (the registry's entries)
# ----------------------------------------------------------------------------------------------

def _sigmoid(Z: Array, xp: Namespace) -> Array:
    # For z below about -709 (float64; -88 in float32) e^(-z) overflows to inf and
    # 1 / (1 + inf) = 0, exactly the limit; the callers run it with NumPy's warnings off.
    A: Array = 1.0 / (1.0 + xp.exp(-Z))
    return A


def _sigmoid_derivative(Z: Array, A: Array | None, xp: Namespace) -> Array:
    s = _sigmoid(Z, xp) if A is None else A
    return s * (1.0 - s)


def _tanh(Z: Array, xp: Namespace) -> Array:
    A: Array = xp.tanh(Z)
    return A


def _tanh_derivative(Z: Array, A: Array | None, xp: Namespace) -> Array:
    t = xp.tanh(Z) if A is None else A
    d: Array = 1.0 - t * t
    return d


def _relu(Z: Array, xp: Namespace) -> Array:
    A: Array = xp.maximum(Z, 0.0)
    return A


def _relu_derivative(Z: Array, A: Array | None, xp: Namespace) -> Array:
    d: Array = xp.astype(Z > 0.0, Z.dtype)
    return d


def _leaky_relu(Z: Array, xp: Namespace, alpha: float = LEAKY_ALPHA) -> Array:
    A: Array = xp.where(Z > 0, Z, alpha * Z)
    return A


def _leaky_relu_derivative(Z: Array, A: Array | None, xp: Namespace,
                           alpha: float = LEAKY_ALPHA) -> Array:
    d: Array = xp.where(Z > 0, xp.ones_like(Z), alpha)
    return d


def _gelu(Z: Array, xp: Namespace) -> Array:
    Zc = xp.clip(Z, -_GELU_CLIP, _GELU_CLIP)
    u = _GELU_C * (Zc + _GELU_K * Zc * Zc * Zc)
    A: Array = 0.5 * Z * (1.0 + xp.tanh(u))
    return A


def _gelu_derivative(Z: Array, A: Array | None, xp: Namespace) -> Array:
    # Clipped as in _gelu: beyond |z| = 30, 1 - t^2 is exactly 0 and the second term vanishes.
    Zc = xp.clip(Z, -_GELU_CLIP, _GELU_CLIP)
    Z2 = Zc * Zc
    t = xp.tanh(_GELU_C * Zc * (1.0 + _GELU_K * Z2))
    return 0.5 * (1.0 + t) + 0.5 * Zc * (1.0 - t * t) * _GELU_C * (  # type: ignore[no-any-return]
        1.0 + 3.0 * _GELU_K * Z2)


def _identity(Z: Array, xp: Namespace) -> Array:
    return Z


def _identity_derivative(Z: Array, A: Array | None, xp: Namespace) -> Array:
    d: Array = xp.ones_like(Z)
    return d


def _quadratic(Z: Array, xp: Namespace) -> Array:
    return Z * Z


def _quadratic_derivative(Z: Array, A: Array | None, xp: Namespace) -> Array:
    return 2.0 * Z


def _softmax(Z: Array, xp: Namespace) -> Array:
    # softmax(z - c) = softmax(z) for any constant c; with c the column maximum every exponent
    # is at most 0, so nothing overflows.
    e = xp.exp(Z - xp.max(Z, axis=0, keepdims=True))
    A: Array = e / xp.sum(e, axis=0, keepdims=True)
    return A


def _softmax_jvp(A: Array, V: Array, xp: Namespace) -> Array:
    AV = xp.sum(A * V, axis=0, keepdims=True)
    JV: Array = A * (V - AV)
    return JV


# ----------------------------------------------------------------------------------------------
# The public functions: the same formulas, for whatever the textbook passes
# ----------------------------------------------------------------------------------------------

def _z_and_a(Z: ArrayLike, A: ArrayLike | None) -> tuple[Array, Array | None]:
    """Z as a float array, and A = g(Z) (if given) of the same shape and dtype."""
    Zf = real_array("Z", Z)
    if A is None:
        return Zf, None
    Af = real_array("A", A)
    if Af.shape != Zf.shape:
        raise ValueError(f"A: expected g(Z), of Z's shape {Zf.shape}, got shape {Af.shape}")
    return Zf, cast("A", Af, Zf.dtype)


def _alpha(alpha: float) -> float:
    a = real_array("alpha", alpha)
    if a.ndim != 0:
        raise TypeError(f"alpha: expected one number, got shape {a.shape}")
    return float(a)


def sigmoid(Z: ArrayLike) -> Array:
    """sigmoid(z) = 1 / (1 + e^(-z)), range (0, 1).

    Computed as e^(min(z,0)) / (1 + e^(-|z|)), which equals the formula and never overflows.
    """
    return result("sigmoid", _sigmoid, real_array("Z", Z))


def sigmoid_derivative(Z: ArrayLike, A: ArrayLike | None = None) -> Array:
    """sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)) = A (1 - A); at most 0.25, at z = 0."""
    return result("sigmoid_derivative", _sigmoid_derivative, *_z_and_a(Z, A))


def tanh(Z: ArrayLike) -> Array:
    """tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z)), range (-1, 1)."""
    return result("tanh", _tanh, real_array("Z", Z))


def tanh_derivative(Z: ArrayLike, A: ArrayLike | None = None) -> Array:
    """tanh'(z) = 1 - tanh(z)^2 = 1 - A^2."""
    return result("tanh_derivative", _tanh_derivative, *_z_and_a(Z, A))


def relu(Z: ArrayLike) -> Array:
    """ReLU(z) = max(0, z)."""
    return result("relu", _relu, real_array("Z", Z))


def relu_derivative(Z: ArrayLike, A: ArrayLike | None = None) -> Array:
    """ReLU'(z) = 1 if z > 0 else 0 (the chapter's choice at the kink z = 0 is 0)."""
    return result("relu_derivative", _relu_derivative, *_z_and_a(Z, A))


def leaky_relu(Z: ArrayLike, alpha: float = LEAKY_ALPHA) -> Array:
    """LeakyReLU(z) = z if z > 0 else alpha * z (alpha = 0.01 as in the chapter)."""
    return result("leaky_relu", _leaky_relu, real_array("Z", Z), alpha=_alpha(alpha))


def leaky_relu_derivative(Z: ArrayLike, A: ArrayLike | None = None,
                          alpha: float = LEAKY_ALPHA) -> Array:
    """LeakyReLU'(z) = 1 if z > 0 else alpha (alpha at the kink z = 0, as in the chapter).

    ``leaky_relu_derivative(np.array([-3, -1, 0, 1, 3]))`` is [0.01, 0.01, 0.01, 1, 1]: integer
    input gives float output, so alpha is never lost to an integer cast.
    """
    Zf, Af = _z_and_a(Z, A)
    return result("leaky_relu_derivative", _leaky_relu_derivative, Zf, Af,
                  alpha=_alpha(alpha))


def gelu(Z: ArrayLike) -> Array:
    """GeLU, tanh form (Hendrycks and Gimpel, 2016, eq. for the fast approximation):

    gelu(z) = z/2 * (1 + tanh(sqrt(2/pi) * (z + 0.044715 z^3))).

    This is the form of GPT-2 and of most from-scratch code; it differs from the exact
    z * Phi(z) by less than 5e-4 everywhere.
    """
    return result("gelu", _gelu, real_array("Z", Z))


def gelu_derivative(Z: ArrayLike, A: ArrayLike | None = None) -> Array:
    """gelu'(z) = (1 + t)/2 + z/2 * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 z^2),
    with t = tanh(sqrt(2/pi) * (z + 0.044715 z^3)). Finite for every finite z: when |z| is large
    1 - t^2 is exactly 0."""
    return result("gelu_derivative", _gelu_derivative, *_z_and_a(Z, A))


def identity(Z: ArrayLike) -> Array:
    """identity(z) = z: the output of a regression network (the chapter's "no activation")."""
    return result("identity", _identity, real_array("Z", Z))


def identity_derivative(Z: ArrayLike, A: ArrayLike | None = None) -> Array:
    """identity'(z) = 1."""
    return result("identity_derivative", _identity_derivative, *_z_and_a(Z, A))


def quadratic(Z: ArrayLike) -> Array:
    """quadratic(z) = z^2, the activation of the x^2 essay (000)."""
    return result("quadratic", _quadratic, real_array("Z", Z))


def quadratic_derivative(Z: ArrayLike, A: ArrayLike | None = None) -> Array:
    """quadratic'(z) = 2z."""
    return result("quadratic_derivative", _quadratic_derivative, *_z_and_a(Z, A))


def classes_in_rows(name: str, Z: Array) -> None:
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


def softmax(Z: ArrayLike) -> Array:
    """softmax(z)_k = e^(z_k) / sum_j e^(z_j), for each column (example) of Z of shape (K, m),
    or for a 1-D vector of K scores (the chapter's ``softmax(np.array([2.0, 1.0, 0.1]))``).

    The column maximum is subtracted first: softmax(z - c) = softmax(z) for any constant c, and the
    exponents are then at most 0, so nothing overflows. A (1, m) row is refused: one class.
    """
    Zf = real_array("Z", Z)
    classes_in_rows("Z", Zf)
    return result("softmax", _softmax, Zf)


def softmax_jvp(A: ArrayLike, V: ArrayLike) -> Array:
    """Jacobian of softmax times V, column by column: J V = A * (V - sum_k A_k V_k).

    J_ij = dA_i/dZ_j = A_i (delta_ij - A_j) is symmetric, so this is also the vector-Jacobian
    product that backpropagation needs: dZ = softmax_jvp(A, dA). A and V have shape (K, m).
    """
    Af, Vf = real_array("A", A), real_array("V", V)
    classes_in_rows("A", Af)
    if Vf.shape != Af.shape:
        raise ValueError(f"V: expected A's shape {tuple(Af.shape)}, got {tuple(Vf.shape)}")
    # One dtype for both: float32 if either was given as float32 and neither as float64 (an
    # integer array is converted, so it does not make a float32 partner float64).
    given = [d for d in (_float_name(A), _float_name(V)) if d is not None]
    xp = backend(A=Af, V=Vf).xp
    dt = xp.float32 if given and all(d == "float32" for d in given) else xp.float64
    return result("softmax_jvp", _softmax_jvp, cast("A", Af, dt), cast("V", Vf, dt))


def _float_name(a: Any) -> str | None:
    """'float32' or 'float64' where ``a`` was given as floats of that dtype (of any library),
    else None."""
    dt = a.dtype if is_array(a) else np.asarray(a).dtype
    name = dtype_name(dt)
    return name if name in ("float32", "float64") else None


def _softmax_backward(dA: Array, Z: Array, A: Array, xp: Namespace) -> Array:
    return _softmax_jvp(A, dA, xp)


def _chain(derivative: DerivativeFormula) -> BackwardFormula:
    """dZ = dA * g'(Z): the element-wise chain rule for a derivative g'(Z, A)."""

    def backward(dA: Array, Z: Array, A: Array, xp: Namespace) -> Array:
        return dA * derivative(Z, A, xp)

    return backward


def _chain_custom(derivative: DerivativeFn) -> BackwardFn:
    """dZ = dA * g'(Z) for a reader's own derivative g'(Z, A)."""

    def backward(dA: Array, Z: Array, A: Array) -> Array:
        return dA * derivative(Z, A)

    return backward


class Formulas(TypedDict):
    """What forward and backward compute a layer's activation with, in the namespace ``xp`` of
    its arrays: g(Z, xp) and the backward step dZ = backward(dA, Z, A, xp); for a registered
    activation also its printable formulas (None for a reader's own)."""

    g: Formula
    backward: BackwardFormula
    formula: str | None
    derivative_formula: str | None


class Activation(TypedDict):
    """One registry entry: g, the backward step dZ = dA * g'(Z), and both as printable formulas
    in z (and a = g(z)), the forms ``mlp_fn.explain`` fills with numbers. A derivative that
    depends on the sign of z reads "<for z > 0> if z > 0 else <otherwise>"."""

    g: ActivationFn
    backward: BackwardFn
    formula: str
    derivative_formula: str


_GELU_FORMULA = f"0.5*z*(1 + tanh({_GELU_C:.10f}*(z + {_GELU_K}*z*z*z)))"
_GELU_T = f"tanh({_GELU_C:.10f}*(z + {_GELU_K}*z*z*z))"

#: The bare formulas, which forward, backward and train call inside one ``np.errstate`` for the
#: whole pass (entering it for each call would cost about 1 us, as much as a sigmoid of a small
#: array), with the namespace xp of the pass.
_FORMULAS: dict[str, Formulas] = {
    "sigmoid": {"g": _sigmoid, "backward": _chain(_sigmoid_derivative),
                "formula": "1/(1 + exp(-z))", "derivative_formula": "a*(1 - a)"},
    "tanh": {"g": _tanh, "backward": _chain(_tanh_derivative),
             "formula": "tanh(z)", "derivative_formula": "(1 - a*a)"},
    "relu": {"g": _relu, "backward": _chain(_relu_derivative),
             "formula": "max(0, z)", "derivative_formula": "1 if z > 0 else 0"},
    "leaky_relu": {"g": _leaky_relu, "backward": _chain(_leaky_relu_derivative),
                   "formula": f"max(z, {LEAKY_ALPHA}*z)",
                   "derivative_formula": f"1 if z > 0 else {LEAKY_ALPHA}"},
    "gelu": {"g": _gelu, "backward": _chain(_gelu_derivative), "formula": _GELU_FORMULA,
             "derivative_formula": f"(0.5*(1 + {_GELU_T}) + 0.5*z*(1 - {_GELU_T}*{_GELU_T})*"
                                   f"{_GELU_C:.10f}*(1 + {3 * _GELU_K}*z*z))"},
    "identity": {"g": _identity, "backward": _chain(_identity_derivative),
                 "formula": "z", "derivative_formula": "1"},
    "quadratic": {"g": _quadratic, "backward": _chain(_quadratic_derivative),
                  "formula": "z*z", "derivative_formula": "2*z"},
    "softmax": {"g": _softmax, "backward": _softmax_backward,
                "formula": "exp(z)/(sum_k exp(z_k))", "derivative_formula": "J^T dA"},
}

def _public(entry: Formulas) -> Activation:
    """A registry entry for readers to call, ``g(Z)`` and ``backward(dA, Z, A)``: in the
    namespace of the arrays given, with NumPy's warnings off."""
    g, step = entry["g"], entry["backward"]

    def g_public(Z: Array) -> Array:
        with np.errstate(all="ignore"):
            return g(Z, backend(Z=Z).xp)

    def backward_public(dA: Array, Z: Array, A: Array) -> Array:
        with np.errstate(all="ignore"):
            return step(dA, Z, A, backend(dA=dA, Z=Z, A=A).xp)

    return {"g": g_public, "backward": backward_public,
            "formula": entry["formula"] or "", "derivative_formula": entry["derivative_formula"]
            or ""}


#: Every activation's name with its function g and backward step dZ = dA * g'(Z), for readers
#: to call: each runs with NumPy's warnings off, so an input that saturates it (sigmoid of -1e4)
#: gives the limit silently. A copy: changing it changes nothing in forward or train.
ACTIVATIONS: dict[str, Activation] = {name: _public(entry) for name, entry in _FORMULAS.items()}

#: Other names for the same functions (003 says 'linear'; 'logistic' is scikit-learn's sigmoid).
#: Case and separators never count, so 001's 'ReLU' and 'GeLU' need no entry here.
ACTIVATION_ALIASES: dict[str, str] = {"linear": "identity", "logistic": "sigmoid",
                                      "lrelu": "leaky_relu", "square": "quadratic"}

#: Activations that normalise over a whole column: allowed only in the output layer.
OUTPUT_ONLY = frozenset({"softmax"})


def canonical_activation(name: str) -> str:
    """The registry name for ``name`` (resolving aliases); ValueError listing the valid names."""
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
    given also A = g(Z). Both are tried once on a small array, and ``gradient_check`` tells
    whether the derivative is right. Functions are not saved: ``save_params`` refuses a network
    that uses one (keep the definition with your code).
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


def activation_entry(spec: ActivationSpec) -> Formulas:
    """The functions {g, backward} a layer computes with, in the namespace xp of its arrays: a
    canonical activation's formulas, or a reader's own functions (which take no xp: they are
    written for the arrays they are given)."""
    if isinstance(spec, str):
        return _FORMULAS[spec]
    g, step = spec["g"], spec["backward"]
    return {"g": lambda Z, xp: g(Z), "backward": lambda dA, Z, A, xp: step(dA, Z, A),
            "formula": None, "derivative_formula": None}


def label(spec: ActivationSpec) -> str:
    """How a layer's activation is printed and fingerprinted: its name."""
    return spec if isinstance(spec, str) else f"{spec['name']} (custom)"
