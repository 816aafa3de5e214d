"""Activations and their derivatives: hand values, finite differences, invariants, extremes."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mlp_fn as mf
from mlp_fn._internal.types import Array

DERIVATIVES: dict[str, tuple[Callable[[Array], Array], Callable[..., Array]]] = {
    "sigmoid": (mf.sigmoid, mf.sigmoid_derivative),
    "tanh": (mf.tanh, mf.tanh_derivative),
    "relu": (mf.relu, mf.relu_derivative),
    "leaky_relu": (mf.leaky_relu, mf.leaky_relu_derivative),
    "gelu": (mf.gelu, mf.gelu_derivative),
    "identity": (mf.identity, mf.identity_derivative),
    "quadratic": (mf.quadratic, mf.quadratic_derivative),
}

finite_z = st.floats(-8.0, 8.0, allow_nan=False, allow_infinity=False)


def test_single_neuron_by_hand() -> None:
    # 003's neuron: z = 1.0*0.2 + 2.0*0.8 + 3.0*(-0.5) + 2.0 = 0.2 + 1.6 - 1.5 + 2.0 = 2.3
    X = np.array([[1.0], [2.0], [3.0]])
    params = {"W1": np.array([[0.2, 0.8, -0.5]]), "b1": np.array([[2.0]])}
    Z, _ = mf.forward(X, params, ["identity"])
    assert Z[0, 0] == pytest.approx(0.2 + 1.6 - 1.5 + 2.0, abs=1e-15)
    z = np.array([[2.3, -2.0]])
    # Closed forms through the math module, independent of NumPy's vectorised code:
    assert mf.sigmoid(z)[0, 0] == pytest.approx(1 / (1 + math.exp(-2.3)), rel=1e-15)  # 0.908877
    assert mf.sigmoid(z)[0, 1] == pytest.approx(1 / (1 + math.exp(2.0)), rel=1e-15)  # 0.119203
    assert mf.tanh(z)[0, 0] == pytest.approx(math.tanh(2.3), rel=1e-15)  # 0.980096
    assert mf.relu(z).tolist() == [[2.3, 0.0]]
    assert mf.leaky_relu(z).tolist() == [[2.3, -0.02]]  # 0.01 * -2.0


def test_derivative_table_of_the_chapter() -> None:
    z = np.array([[-3.0, -1.0, 0.0, 1.0, 3.0]])
    s = [1 / (1 + math.exp(-v)) for v in (-3.0, -1.0, 0.0, 1.0, 3.0)]
    np.testing.assert_allclose(mf.sigmoid_derivative(z)[0], [v * (1 - v) for v in s], rtol=1e-14)
    assert mf.sigmoid_derivative(np.zeros((1, 1)))[0, 0] == 0.25  # the maximum, at z = 0
    assert mf.relu_derivative(z).tolist() == [[0.0, 0.0, 0.0, 1.0, 1.0]]  # 0 at the kink
    assert mf.leaky_relu_derivative(z).tolist() == [[0.01, 0.01, 0.01, 1.0, 1.0]]
    np.testing.assert_allclose(mf.quadratic_derivative(z)[0], [-6.0, -2.0, 0.0, 2.0, 6.0])


def test_softmax_of_the_chapter() -> None:
    # e^2 / (e^2 + e^1 + e^0.1) etc., with the math module.
    e = [math.exp(2.0), math.exp(1.0), math.exp(0.1)]
    expected = [v / sum(e) for v in e]  # 0.659, 0.2424, 0.0986
    p = mf.softmax(np.array([[2.0], [1.0], [0.1]]))
    np.testing.assert_allclose(p[:, 0], expected, rtol=1e-14)


def test_gelu_is_close_to_the_exact_form() -> None:
    # The tanh form against z * Phi(z) = z/2 (1 + erf(z / sqrt 2)) from math.erf.
    zs = np.linspace(-6, 6, 241)
    exact = [v / 2 * (1 + math.erf(v / math.sqrt(2))) for v in zs]
    np.testing.assert_allclose(mf.gelu(zs[None, :])[0], exact, atol=5e-4)


@pytest.mark.parametrize("name", sorted(DERIVATIVES))
@given(z=finite_z)
def test_derivative_equals_central_difference(name: str, z: float) -> None:
    g, dg = DERIVATIVES[name]
    if name in ("relu", "leaky_relu"):
        assume(abs(z) > 1e-3)  # the kink: no derivative at 0
    h = 1e-6
    Z = np.array([[z]])
    fd = (g(Z + h)[0, 0] - g(Z - h)[0, 0]) / (2 * h)
    assert dg(Z)[0, 0] == pytest.approx(fd, rel=1e-6, abs=1e-8)
    # The form reusing A = g(Z) gives the same value.
    assert dg(Z, g(Z))[0, 0] == pytest.approx(dg(Z)[0, 0], rel=1e-12, abs=1e-15)


@given(Z=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=6),
                    elements=st.floats(-50, 50)),
       c=st.floats(-100, 100))
def test_softmax_columns_sum_to_one_and_ignore_shifts(Z: Array, c: float) -> None:
    P = mf.softmax(Z)
    np.testing.assert_allclose(P.sum(axis=0), 1.0, rtol=1e-12)
    assert (P >= 0).all()
    np.testing.assert_allclose(mf.softmax(Z + c), P, rtol=1e-9, atol=1e-300)


@given(seed=st.integers(0, 2**32 - 1), K=st.integers(2, 6), m=st.integers(1, 4))
def test_softmax_jvp_equals_finite_difference_jacobian(seed: int, K: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    Z, V = rng.standard_normal((K, m)), rng.standard_normal((K, m))
    h = 1e-6
    # Directional derivative of softmax along V, column by column: (s(Z + hV) - s(Z - hV)) / 2h.
    fd = (mf.softmax(Z + h * V) - mf.softmax(Z - h * V)) / (2 * h)
    np.testing.assert_allclose(mf.softmax_jvp(mf.softmax(Z), V), fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(mf.ACTIVATIONS))
def test_extreme_preactivations_stay_finite(name: str, dtype: Any) -> None:
    Z = np.array([[-1e4, -100.0, 0.0, 100.0, 1e4]], dtype=dtype).T  # a column of 5 logits
    Z = np.concatenate([Z, -Z], axis=1)
    A = mf.ACTIVATIONS[name]["g"](Z)
    dZ = mf.ACTIVATIONS[name]["backward"](np.ones_like(Z), Z, A)
    assert A.dtype == dtype and dZ.dtype == dtype
    if name != "quadratic":  # z^2 = 1e8 is finite too, but checked separately below
        assert np.isfinite(A).all() and np.isfinite(dZ).all()
    if name == "sigmoid":
        assert A[0, 0] == 0.0 and A[4, 0] == 1.0  # saturated exactly, without overflow
    if name == "softmax":
        assert A[4, 0] == 1.0 and A[0, 0] == 0.0


def test_quadratic_of_large_z_is_finite() -> None:
    assert mf.quadratic(np.array([[1e4]]))[0, 0] == 1e8


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(DERIVATIVES))
def test_dtype_is_preserved(name: str, dtype: Any) -> None:
    g, dg = DERIVATIVES[name]
    Z = np.linspace(-2, 2, 6, dtype=dtype).reshape(2, 3)
    assert g(Z).dtype == dtype
    assert dg(Z).dtype == dtype


def test_aliases_and_unknown_names() -> None:
    from mlp_fn.activations import canonical_activation

    assert canonical_activation("linear") == "identity"
    assert canonical_activation("ReLU") == "relu"
    with pytest.raises(ValueError, match=r"activation: unknown name 'swish'.*expected one of.*relu"):
        canonical_activation("swish")
