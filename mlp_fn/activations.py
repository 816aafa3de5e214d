"""Activation functions g and their derivatives g', as in section 2 of the chapter.

Every function is element-wise on Z of shape (n[l], m) except ``softmax``, which normalises each
column (one example) over the n[l] classes. Each derivative takes Z and, optionally, A = g(Z) when the
caller already has it (the course writes sigmoid' = A(1 - A) and tanh' = 1 - A^2 for that reason).

``ACTIVATIONS`` pairs every name with its function and its backward step dZ = dA * g'(Z), so
``forward`` and ``backward`` look a layer's activation up once and never branch on its name.
"""

from __future__ import annotations

import math
from typing import TypedDict

import numpy as np

from mlp_fn._names import resolve
from mlp_fn._types import ActivationFn, Array, BackwardFn, DerivativeFn

#: Slope of leaky ReLU for z <= 0, as in the chapter (alpha = 0.01).
LEAKY_ALPHA = 0.01

_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


def sigmoid(Z: Array) -> Array:
    """sigmoid(z) = 1 / (1 + e^(-z)), range (0, 1).

    Computed as e^(min(z,0)) / (1 + e^(-|z|)), which equals the formula and never overflows: the
    exponent is at most 0 for every z, so |z| = 1e4 gives exactly 0 or 1 without a warning.
    """
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_derivative(Z: Array, A: Array | None = None) -> Array:
    """sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)) = A (1 - A); at most 0.25, at z = 0."""
    s = sigmoid(Z) if A is None else A
    return s * (1.0 - s)


def tanh(Z: Array) -> Array:
    """tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z)), range (-1, 1)."""
    return np.tanh(Z)


def tanh_derivative(Z: Array, A: Array | None = None) -> Array:
    """tanh'(z) = 1 - tanh(z)^2 = 1 - A^2."""
    t = np.tanh(Z) if A is None else A
    return 1.0 - t * t


def relu(Z: Array) -> Array:
    """ReLU(z) = max(0, z)."""
    return np.maximum(Z, 0.0)


def relu_derivative(Z: Array, A: Array | None = None) -> Array:
    """ReLU'(z) = 1 if z > 0 else 0 (the chapter's choice at the kink z = 0 is 0)."""
    return (Z > 0).astype(Z.dtype)


def leaky_relu(Z: Array, alpha: float = LEAKY_ALPHA) -> Array:
    """LeakyReLU(z) = z if z > 0 else alpha * z."""
    return np.where(Z > 0, Z, alpha * Z)


def leaky_relu_derivative(Z: Array, A: Array | None = None, alpha: float = LEAKY_ALPHA) -> Array:
    """LeakyReLU'(z) = 1 if z > 0 else alpha (alpha at the kink z = 0, as in the chapter)."""
    one = np.ones((), dtype=Z.dtype)
    return np.where(Z > 0, one, np.asarray(alpha, dtype=Z.dtype))


def gelu(Z: Array) -> Array:
    """GeLU, tanh form (Hendrycks and Gimpel, 2016, eq. for the fast approximation):

    gelu(z) = z/2 * (1 + tanh(sqrt(2/pi) * (z + 0.044715 z^3))).

    This is the form of GPT-2 and of most from-scratch code; it differs from the exact
    z * Phi(z) by less than 5e-4 everywhere.
    """
    u = _GELU_C * (Z + _GELU_K * Z * Z * Z)
    return 0.5 * Z * (1.0 + np.tanh(u))


def gelu_derivative(Z: Array, A: Array | None = None) -> Array:
    """gelu'(z) = (1 + t)/2 + z/2 * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 z^2),
    with t = tanh(sqrt(2/pi) * (z + 0.044715 z^3)). Finite for every finite z: when |z| is large
    1 - t^2 is exactly 0."""
    Z2 = Z * Z
    t = np.tanh(_GELU_C * Z * (1.0 + _GELU_K * Z2))
    return 0.5 * (1.0 + t) + 0.5 * Z * (1.0 - t * t) * _GELU_C * (1.0 + 3.0 * _GELU_K * Z2)


def identity(Z: Array) -> Array:
    """identity(z) = z: the output of a regression network (the chapter's "no activation")."""
    return Z


def identity_derivative(Z: Array, A: Array | None = None) -> Array:
    """identity'(z) = 1."""
    return np.ones_like(Z)


def quadratic(Z: Array) -> Array:
    """quadratic(z) = z^2, the activation of the x^2 essay (000)."""
    return Z * Z


def quadratic_derivative(Z: Array, A: Array | None = None) -> Array:
    """quadratic'(z) = 2z."""
    return 2.0 * Z


def softmax(Z: Array) -> Array:
    """softmax(z)_i = e^(z_i) / sum_j e^(z_j), for each column (example) of Z of shape (K, m).

    The column maximum is subtracted first: softmax(z - c) = softmax(z) for any constant c, and the
    exponents are then at most 0, so nothing overflows.
    """
    e: Array = np.exp(Z - Z.max(axis=0, keepdims=True))
    total: Array = e.sum(axis=0, keepdims=True)
    return e / total


def softmax_jvp(A: Array, V: Array) -> Array:
    """Jacobian of softmax times V, column by column: J V = A * (V - sum_k A_k V_k).

    J_ij = dA_i/dZ_j = A_i (delta_ij - A_j) is symmetric, so this is also the vector-Jacobian
    product that backpropagation needs: dZ = softmax_jvp(A, dA). A and V have shape (K, m).
    """
    AV: Array = (A * V).sum(axis=0, keepdims=True)
    return A * (V - AV)


def _softmax_backward(dA: Array, Z: Array, A: Array) -> Array:
    return softmax_jvp(A, dA)


def _chain(derivative: DerivativeFn) -> BackwardFn:
    """dZ = dA * g'(Z): the element-wise chain rule for a derivative g'(Z, A)."""

    def backward(dA: Array, Z: Array, A: Array) -> Array:
        return dA * derivative(Z, A)

    return backward


class Activation(TypedDict):
    """One registry entry: g, and the backward step dZ = dA * g'(Z)."""

    g: ActivationFn
    backward: BackwardFn


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": {"g": sigmoid, "backward": _chain(sigmoid_derivative)},
    "tanh": {"g": tanh, "backward": _chain(tanh_derivative)},
    "relu": {"g": relu, "backward": _chain(relu_derivative)},
    "leaky_relu": {"g": leaky_relu, "backward": _chain(leaky_relu_derivative)},
    "gelu": {"g": gelu, "backward": _chain(gelu_derivative)},
    "identity": {"g": identity, "backward": _chain(identity_derivative)},
    "quadratic": {"g": quadratic, "backward": _chain(quadratic_derivative)},
    "softmax": {"g": softmax, "backward": _softmax_backward},
}

#: Other spellings accepted for the same functions (001 writes 'ReLU', 'GeLU'; 003 says 'linear').
ACTIVATION_ALIASES: dict[str, str] = {"linear": "identity", "ReLU": "relu", "GeLU": "gelu"}

#: Activations that normalise over a whole column: allowed only in the output layer.
OUTPUT_ONLY = frozenset({"softmax"})


def canonical_activation(name: str) -> str:
    """The registry name for ``name`` (resolving aliases); ValueError listing the valid names."""
    return resolve("activation", name, ACTIVATIONS, ACTIVATION_ALIASES)
