"""Forward and backward propagation: hand-worked examples and finite differences."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given

import mlp_fn as mf
from mlp_fn._internal.types import Array

from tests.strategies import KINKED, Problem, problems


def cost_of(p: Problem, params: dict[str, Array]) -> float:
    """J at ``params``. For the log losses it is computed here from the logits Z[L], written out
    independently of mlp_fn.losses: -log sigmoid(z) = log(1 + e^-z), -log softmax(z)_k =
    logsumexp(z) - z_k. From A itself, 1 - A near 1 keeps too few digits for a 1e-6 step."""
    AL, cache = mf.forward(p.X, params, p.activations)
    L = len(p.activations)
    Z, Y, m = cache[f"Z{L}"], p.Y, p.Y.shape[1]
    if p.loss == "bce":
        return float((Y * np.logaddexp(0, -Z) + (1 - Y) * np.logaddexp(0, Z)).sum() / m)
    if p.loss == "cce":
        zmax = Z.max(axis=0)
        lse = zmax + np.log(np.exp(Z - zmax).sum(axis=0))
        return float((lse - (Y * Z).sum(axis=0)).sum() / m)
    return mf.compute_cost(AL, p.Y, p.loss)


def central_differences(p: Problem, h: float = 1e-6) -> dict[str, Array]:
    """dJ/dtheta_i ~ (J(theta + h e_i) - J(theta - h e_i)) / 2h, one coordinate at a time."""
    out = {}
    for key, value in p.params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(*value.shape):
            plus, minus = value.copy(), value.copy()
            plus[idx] += h
            minus[idx] -= h
            g[idx] = (cost_of(p, {**p.params, key: plus})
                      - cost_of(p, {**p.params, key: minus})) / (2 * h)
        out[f"d{key}"] = g
    return out


def relative_error(a: dict[str, Array], b: dict[str, Array]) -> float:
    va = np.concatenate([a[k].ravel() for k in sorted(a)])
    vb = np.concatenate([b[k].ravel() for k in sorted(a)])
    denom = np.linalg.norm(va) + np.linalg.norm(vb)
    return 0.0 if denom == 0 else float(np.linalg.norm(va - vb) / denom)


def away_from_kinks(p: Problem, margin: float = 1e-3) -> bool:
    _, cache = mf.forward(p.X, p.params, p.activations)
    return all(np.abs(cache[f"Z{l}"]).min() > margin
               for l, name in enumerate(p.activations, start=1) if name in KINKED)


@given(problems())
def test_backward_equals_central_differences(p: Problem) -> None:
    """Every depth 1-4, width, batch size and valid activation/loss pairing, float64."""
    assume(away_from_kinks(p))
    AL, cache = mf.forward(p.X, p.params, p.activations)
    grads = mf.backward(AL, p.Y, cache, p.params, p.activations, p.loss)
    fd = central_differences(p)
    scale = max(float(np.abs(np.concatenate([g.ravel() for g in fd.values()])).max()), 1e-300)
    # Gradients that all vanish (e.g. a saturated layer) leave nothing to compare relatively.
    assume(scale > 1e-6)
    assert relative_error(grads, fd) < 1e-6


@given(problems(pairings=[("sigmoid", "bce"), ("softmax", "cce")]))
def test_fused_output_equals_general_chain_rule(p: Problem) -> None:
    """Where no probability has saturated, dA * g'(Z) = A - Y. A saturated output (A rounded to
    exactly 0 or 1) is where the general path divides by a clamped A and goes wrong; the fused
    path exists for that case."""
    AL, cache = mf.forward(p.X, p.params, p.activations)
    assume(((AL > 1e-6) & (AL < 1 - 1e-6)).all())
    fused = mf.backward(AL, p.Y, cache, p.params, p.activations, p.loss)
    general = mf.backward(AL, p.Y, cache, p.params, p.activations, p.loss, fuse=False)
    for k in fused:
        np.testing.assert_allclose(fused[k], general[k], rtol=1e-9, atol=1e-12)


def test_forward_through_the_2_3_1_network_by_hand() -> None:
    # 003's listing in the course layout: X is the column (0.5, 0.8), W1 its (2,3) matrix transposed.
    X = np.array([[0.5], [0.8]])
    params = {"W1": np.array([[0.1, 0.3, -0.2], [0.4, -0.5, 0.6]]).T,
              "b1": np.array([[0.1], [-0.1], [0.2]]),
              "W2": np.array([[0.7, -0.3, 0.5]]), "b2": np.array([[0.1]])}
    AL, cache = mf.forward(X, params, ["relu", "sigmoid"])
    # z1 = (0.5*0.1 + 0.8*0.4 + 0.1, 0.5*0.3 + 0.8*(-0.5) - 0.1, 0.5*(-0.2) + 0.8*0.6 + 0.2)
    #    = (0.05 + 0.32 + 0.1, 0.15 - 0.40 - 0.1, -0.10 + 0.48 + 0.2) = (0.47, -0.35, 0.58)
    # (the chapter prints -0.25 for the middle entry: see walkthroughs/forward_propagation.py)
    np.testing.assert_allclose(cache["Z1"][:, 0], [0.47, -0.35, 0.58], rtol=1e-14)
    np.testing.assert_allclose(cache["A1"][:, 0], [0.47, 0.0, 0.58], rtol=1e-14)
    # z2 = 0.7*0.47 - 0.3*0 + 0.5*0.58 + 0.1 = 0.329 + 0.29 + 0.1 = 0.719
    assert cache["Z2"][0, 0] == pytest.approx(0.719, rel=1e-14)
    assert AL[0, 0] == pytest.approx(1 / (1 + math.exp(-0.719)), rel=1e-14)


def test_backpropagation_step_by_step_by_hand() -> None:
    # 003's 2-2-1 example (relu, sigmoid, bce), m = 1, in the course layout.
    X = np.array([[1.0], [0.5]])
    Y = np.array([[1.0]])
    params = {"W1": np.array([[0.3, 0.7], [0.5, -0.2]]).T, "b1": np.array([[0.1], [-0.1]]),
              "W2": np.array([[0.6, -0.4]]), "b2": np.array([[0.2]])}
    AL, cache = mf.forward(X, params, ["relu", "sigmoid"])
    # z1 = (1*0.3 + 0.5*0.5 + 0.1, 1*0.7 + 0.5*(-0.2) - 0.1) = (0.65, 0.5); a1 = z1
    # z2 = 0.6*0.65 - 0.4*0.5 + 0.2 = 0.39 - 0.2 + 0.2 = 0.39
    a2 = 1 / (1 + math.exp(-0.39))  # 0.596282
    assert AL[0, 0] == pytest.approx(a2, rel=1e-14)
    grads = mf.backward(AL, Y, cache, params, ["relu", "sigmoid"], "bce")
    dz2 = a2 - 1.0  # -0.403718
    np.testing.assert_allclose(grads["dW2"], [[0.65 * dz2, 0.5 * dz2]], rtol=1e-13)
    np.testing.assert_allclose(grads["db2"], [[dz2]], rtol=1e-13)
    dz1 = [0.6 * dz2, -0.4 * dz2]  # both z1 > 0, so relu' = 1
    np.testing.assert_allclose(grads["dW1"], [[dz1[0] * 1.0, dz1[0] * 0.5],
                                              [dz1[1] * 1.0, dz1[1] * 0.5]], rtol=1e-13)
    np.testing.assert_allclose(grads["db1"], [[dz1[0]], [dz1[1]]], rtol=1e-13)
    # One update at lr 0.1: W2 = 0.6 - 0.1 * 0.65 * dz2 = 0.6 + 0.026242 = 0.626242
    new = mf.update(params, grads, 0.1)
    assert new["W2"][0, 0] == pytest.approx(0.6 - 0.1 * 0.65 * dz2, rel=1e-14)


def test_course_equations_transcribed_directly() -> None:
    """002's backward_propagation (tanh hidden, sigmoid output), written out in NumPy here."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((2, 7))
    Y = (rng.random((1, 7)) > 0.5).astype(float)
    W1, b1 = rng.standard_normal((4, 2)), rng.standard_normal((4, 1))
    W2, b2 = rng.standard_normal((1, 4)), rng.standard_normal((1, 1))
    A1 = np.tanh(W1 @ X + b1)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    m = 7
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * (1 - A1**2)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    cost = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    AL, cache = mf.forward(X, params, ["tanh", "sigmoid"])
    np.testing.assert_allclose(AL, A2, rtol=1e-14)
    assert mf.compute_cost(AL, Y, "bce") == pytest.approx(cost, rel=1e-13)
    g = mf.backward(AL, Y, cache, params, ["tanh", "sigmoid"], "bce")
    for key, ref in {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}.items():
        np.testing.assert_allclose(g[key], ref, rtol=1e-12, atol=1e-15)


def test_gradient_check_reports_a_small_difference_and_catches_a_wrong_gradient(
        monkeypatch: pytest.MonkeyPatch) -> None:
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], method="xavier", seed=5)
    assert mf.gradient_check(X, Y, params, ["tanh", "sigmoid"], "bce") < 1e-7
    # A backward that doubles every gradient: ||2g - g|| / (||2g|| + ||g||) = 1/3.
    import importlib

    gc = importlib.import_module("mlp_fn.tools.gradient_check")  # the module, not the function
    real = gc.backward.unchecked  # the body gradient_check calls
    monkeypatch.setattr(gc.backward, "unchecked",
                        lambda *a, **kw: {k: 2 * v for k, v in real(*a, **kw).items()})
    assert mf.gradient_check(X, Y, params, ["tanh", "sigmoid"], "bce") == pytest.approx(1 / 3,
                                                                                       rel=1e-5)


@given(problems(max_depth=3))
def test_functions_do_not_modify_their_arguments_and_return_read_only(p: Problem) -> None:
    before = {k: v.copy() for k, v in p.params.items()}
    X0, Y0 = p.X.copy(), p.Y.copy()
    state = np.random.get_state(legacy=True)
    AL, cache = mf.forward(p.X, p.params, p.activations)
    grads = mf.backward(AL, p.Y, cache, p.params, p.activations, p.loss)
    new = mf.update(p.params, grads, 0.1)
    mf.compute_cost(AL, p.Y, p.loss)
    mf.predict(p.X, p.params, p.activations, p.loss)
    try:
        with warnings.catch_warnings():  # a run that blows up may warn first: not this test's
            warnings.simplefilter("ignore", mf.TrainingUnstable)
            trained, _ = mf.train(p.X, p.Y, p.params, p.activations, p.loss, learning_rate=0.01,
                                  epochs=2, batch_size=1)
    except mf.TrainingDiverged as err:  # a quadratic output can blow up; purity must still hold
        trained = err.params
    for k in p.params:
        np.testing.assert_array_equal(p.params[k], before[k])
        assert p.params[k].flags.writeable  # the caller's arrays stay theirs
    np.testing.assert_array_equal(p.X, X0)
    np.testing.assert_array_equal(p.Y, Y0)
    for returned in (cache, grads, new, trained):
        for k, v in returned.items():
            assert not v.flags.writeable, k
    assert not AL.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        new["W1"][0, 0] = 1.0
    after = np.random.get_state(legacy=True)
    assert isinstance(state, tuple) and isinstance(after, tuple)
    assert state[0] == after[0] and (state[1] == after[1]).all() and state[2:] == after[2:]


@given(problems(dtype=np.float32))
def test_float32_stays_float32(p: Problem) -> None:
    AL, cache = mf.forward(p.X, p.params, p.activations)
    grads = mf.backward(AL, p.Y, cache, p.params, p.activations, p.loss)
    assert AL.dtype == np.float32
    assert all(v.dtype == np.float32 for v in [*cache.values(), *grads.values()])
    assert all(v.dtype == np.float32 for v in mf.update(p.params, grads, 0.1).values())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_init_params_shapes_dtype_seed(dtype: Any) -> None:
    p = mf.init_params([3, 5, 2], seed=7, dtype=dtype)
    assert {k: v.shape for k, v in p.items()} == {"W1": (5, 3), "b1": (5, 1), "W2": (2, 5),
                                                  "b2": (2, 1)}
    assert all(v.dtype == dtype for v in p.values())
    q = mf.init_params([3, 5, 2], seed=7, dtype=dtype)
    assert all((p[k] == q[k]).all() for k in p)
    r = mf.init_params([3, 5, 2], seed=8, dtype=dtype)
    assert not (p["W1"] == r["W1"]).all()
    assert (p["b1"] == 0).all()
    # sizes computed with NumPy, as an integer array, are the same sizes (they were refused)
    s = mf.init_params(np.array([3, 5, 2]), seed=7, dtype=dtype)
    assert s.keys() == p.keys() and all(np.array_equal(s[k], p[k]) for k in p)
    with pytest.raises(TypeError, match=r"^layer_dims: expected a sequence of layer sizes"):
        mf.init_params(np.array([3.0, 5.0, 2.0]), seed=7)  # floats are no sizes, as in a list


@pytest.mark.parametrize("method, std", [("random", lambda n: 0.01),
                                         ("xavier", lambda n: math.sqrt(1 / n)),
                                         ("he", lambda n: math.sqrt(2 / n))])
def test_init_scales(method: str, std: Any) -> None:
    # 400 x 100 = 40,000 draws: the sample std is within 2% of the target with overwhelming odds.
    W = mf.init_params([100, 400, 1], method=method, seed=0)["W1"]
    assert float(W.std()) == pytest.approx(std(100), rel=0.02)
    assert abs(float(W.mean())) < 0.05 * std(100)
    assert (mf.init_params([4, 3], method="zeros")["W1"] == 0).all()


def test_predict_kinds() -> None:
    X = np.array([[-2.0, 2.0]])
    binary = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    assert mf.predict(X, binary, ["sigmoid"], "bce").tolist() == [[0, 1]]
    multi = {"W1": np.array([[1.0], [-1.0], [0.0]]), "b1": np.zeros((3, 1))}
    # z = (-x, x, 0): class 1 for x = -2, class 0 for x = 2; one-hot columns, like Y.
    assert mf.predict(X, multi, ["softmax"], "cce").tolist() == [[0, 1], [1, 0], [0, 0]]
    assert mf.predict(X, binary, ["identity"], "mse").tolist() == [[-2.0, 2.0]]


@pytest.mark.parametrize("m", [1, 3, 64, 65536, 65537, 70001])
def test_db_is_the_mean_of_dZ_for_any_batch_length(m: int) -> None:
    """db = (1/m) sum_i dZ(i), whether the column of 1/m is kept between calls (m <= 65,536)
    or made anew; the reference is math.fsum, the correctly rounded sum, divided by m."""
    rng = np.random.default_rng(m)
    dZ, A_prev, W = rng.standard_normal((2, m)), rng.standard_normal((3, m)), np.ones((2, 3))
    _, _, db = mf.linear_backward(dZ, A_prev, W)
    expected = [[math.fsum(row) / m] for row in dZ.tolist()]
    np.testing.assert_allclose(db, expected, rtol=1e-12, atol=1e-15)
    _, _, again = mf.linear_backward(dZ, A_prev, W)  # a kept column gives the same answer
    np.testing.assert_array_equal(again, db)
