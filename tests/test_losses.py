"""Losses: hand-computed values, conventions, derivatives, extremes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mlp_fn as mf
from mlp_fn.losses import LOSSES

from tests.strategies import targets


def test_mse_and_bce_of_the_chapter_by_hand() -> None:
    y = np.array([[1.0, 0.0, 1.0, 0.0]])
    p = np.array([[0.9, 0.1, 0.8, 0.3]])
    # MSE: (0.1^2 + 0.1^2 + 0.2^2 + 0.3^2) / 4 = (0.01 + 0.01 + 0.04 + 0.09) / 4 = 0.0375
    assert mf.compute_cost(p, y, "mse") == pytest.approx(0.0375, rel=1e-12)
    assert mf.compute_cost(p, y, "half_mse") == pytest.approx(0.0375 / 2, rel=1e-12)
    # BCE: -(ln 0.9 + ln 0.9 + ln 0.8 + ln 0.7) / 4 = 0.1976...
    expected = -(math.log(0.9) + math.log(0.9) + math.log(0.8) + math.log(0.7)) / 4
    assert mf.compute_cost(p, y, "bce") == pytest.approx(expected, rel=1e-12)
    assert mf.compute_cost(p, y, "binary_log_loss") == mf.compute_cost(p, y, "bce")


def test_cce_by_hand() -> None:
    # Two examples, three classes: -(ln 0.7 + ln 0.5) / 2
    A = np.array([[0.7, 0.2], [0.2, 0.5], [0.1, 0.3]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    assert mf.compute_cost(A, Y, "cce") == pytest.approx(-(math.log(0.7) + math.log(0.5)) / 2)
    assert mf.compute_cost(A, Y, "multiclass_log_loss") == mf.compute_cost(A, Y, "cce")


def test_mse_is_a_mean_over_all_elements() -> None:
    # n_y = 2, m = 2: errors 1, 2, 3, 4 -> (1 + 4 + 9 + 16) / 4 = 7.5 (not / m = 15)
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert mf.compute_cost(A, np.zeros((2, 2)), "mse") == 7.5
    assert mf.compute_cost(A, np.zeros((2, 2)), "l2") == 7.5


@pytest.mark.parametrize("loss", ["bce", "cce", "mse", "half_mse"])
@given(seed=st.integers(0, 2**32 - 1), n_y=st.integers(2, 4), m=st.integers(1, 5))
def test_costs_nonnegative_and_zero_at_a_perfect_fit(loss: str, seed: int, n_y: int,
                                                     m: int) -> None:
    rng = np.random.default_rng(seed)
    Y = targets(rng, loss, n_y, m)
    if loss in ("bce", "cce"):
        A = rng.uniform(0.01, 0.99, size=Y.shape)
        if loss == "cce":
            A = A / A.sum(axis=0, keepdims=True)
    else:
        A = Y + rng.standard_normal(Y.shape)
    assert mf.compute_cost(A, Y, loss) >= 0.0
    assert mf.compute_cost(Y.copy(), Y, loss) == 0.0  # exactly, even for log losses at 0 and 1


@pytest.mark.parametrize("loss", ["bce", "cce", "mse", "half_mse"])
@given(seed=st.integers(0, 2**32 - 1), n_y=st.integers(2, 4), m=st.integers(1, 5))
def test_derivative_is_m_times_the_cost_gradient(loss: str, seed: int, n_y: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    Y = targets(rng, loss, n_y, m)
    A = rng.uniform(0.05, 0.95, size=Y.shape)
    dA = LOSSES[loss]["dA"](A, Y)
    h = 1e-6
    for idx in np.ndindex(*A.shape):
        Ap, Am = A.copy(), A.copy()
        Ap[idx] += h
        Am[idx] -= h
        fd = (LOSSES[loss]["cost"](Ap, Y) - LOSSES[loss]["cost"](Am, Y)) / (2 * h)
        assert m * fd == pytest.approx(dA[idx], rel=1e-6, abs=1e-8)


#: Each example's loss written out with NumPy, output by output: what reduction="none" must give.
BY_HAND = {
    "bce": lambda A, Y: -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(axis=0),
    "cce": lambda A, Y: -(Y * np.log(A)).sum(axis=0),
    "mse": lambda A, Y: ((A - Y) ** 2).mean(axis=0),
    "half_mse": lambda A, Y: ((A - Y) ** 2).mean(axis=0) / 2,
}


@pytest.mark.parametrize("loss", ["bce", "cce", "mse", "half_mse"])
@given(seed=st.integers(0, 2**32 - 1), n_y=st.integers(2, 4), m=st.integers(1, 6))
def test_each_examples_loss_and_the_weighted_mean(loss: str, seed: int, n_y: int,
                                                  m: int) -> None:
    # L(i) against the formula written out above; J against NumPy's mean and weighted average
    # of those L(i) (np.average), a second route to the same numbers.
    rng = np.random.default_rng(seed)
    Y = targets(rng, loss, n_y, m)
    A = rng.uniform(0.05, 0.95, size=Y.shape)
    if loss == "cce":
        A = A / A.sum(axis=0, keepdims=True)
    cost = LOSSES[loss]["cost"]
    L: Any = cost(A, Y, reduction="none")  # an array: each example's loss
    assert L.shape == (m,) and not L.flags.writeable
    np.testing.assert_allclose(L, BY_HAND[loss](A, Y), rtol=1e-12)
    assert cost(A, Y) == pytest.approx(float(np.mean(BY_HAND[loss](A, Y))), rel=1e-12)
    w = rng.uniform(0.0, 2.0, size=m) + np.eye(1, m)[0]  # w >= 0, sum > 0
    assert cost(A, Y, sample_weight=w) == pytest.approx(
        float(np.average(BY_HAND[loss](A, Y), weights=w)), rel=1e-12)
    with pytest.raises(ValueError, match="^reduction: expected 'mean'"):
        cost(A, Y, reduction="sum")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_losses_are_finite_at_probabilities_zero_and_one(dtype: Any) -> None:
    # A confident wrong answer: A = 0 where Y = 1 and A = 1 where Y = 0.
    A = np.array([[0.0, 1.0]], dtype=dtype)
    Y = np.array([[1.0, 0.0]], dtype=dtype)
    cost = mf.compute_cost(A, Y, "bce")
    # -log(tiny) for each example: 708.4 (float64) or 87.3 (float32), not inf.
    assert cost == pytest.approx(-math.log(np.finfo(dtype).tiny), rel=1e-6)
    assert np.isfinite(LOSSES["bce"]["dA"](A, Y)).all()
    A3 = np.array([[0.0], [1.0], [0.0]], dtype=dtype)
    Y3 = np.array([[1.0], [0.0], [0.0]], dtype=dtype)
    assert math.isfinite(mf.compute_cost(A3, Y3, "cce"))
    assert np.isfinite(LOSSES["cce"]["dA"](A3, Y3)).all()


def test_unknown_loss_lists_the_valid_names() -> None:
    with pytest.raises(ValueError, match=r"loss: unknown name 'hinge'.*bce.*cce.*mse"):
        mf.compute_cost(np.ones((1, 1)) * 0.5, np.ones((1, 1)), "hinge")
