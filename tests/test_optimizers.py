"""Optimizers, schedules, clipping: first steps by hand, convergence, invariants."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mlp_fn as mf
from mlp_fn._internal.types import Array
from mlp_fn.optimizers import OPTIMIZERS


def quad_grad(t: Array) -> Array:
    """f(x, y) = x^2 + 3y^2 (003's problem), grad = (2x, 6y)."""
    return np.array([2 * t[0], 6 * t[1]])


def rosen_grad(t: Array) -> Array:
    """Rosenbrock f = (1 - x)^2 + 100 (y - x^2)^2."""
    x, y = t
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def run(name: str, grad: Any, start: tuple[float, float], steps: int,
        **hyper: float) -> list[Array]:
    init, step = OPTIMIZERS[name]
    params = {"t": np.array(start)}
    state = init(params)
    path = [params["t"]]
    for _ in range(steps):
        params, state = step(params, {"dt": grad(params["t"])}, state, **hyper)
        path.append(params["t"])
    return path


def test_gd_first_steps_by_hand() -> None:
    # grad at (4, 3) = (8, 18): (4 - 0.1*8, 3 - 0.1*18) = (3.2, 1.2)
    # grad at (3.2, 1.2) = (6.4, 7.2): (3.2 - 0.64, 1.2 - 0.72) = (2.56, 0.48)
    path = run("gd", quad_grad, (4.0, 3.0), 2, learning_rate=0.1)
    np.testing.assert_allclose(path[1], [3.2, 1.2], rtol=1e-15)
    np.testing.assert_allclose(path[2], [2.56, 0.48], rtol=1e-14)


def test_momentum_first_steps_by_hand() -> None:
    # v1 = -0.1*(8, 18) = (-0.8, -1.8); theta1 = (3.2, 1.2)
    # v2 = 0.9*(-0.8, -1.8) - 0.1*(6.4, 7.2) = (-1.36, -2.34); theta2 = (1.84, -1.14)
    path = run("momentum", quad_grad, (4.0, 3.0), 2, learning_rate=0.1, beta=0.9)
    np.testing.assert_allclose(path[1], [3.2, 1.2], rtol=1e-15)
    np.testing.assert_allclose(path[2], [1.84, -1.14], rtol=1e-14)


def test_momentum_ema_first_step_by_hand() -> None:
    # v1 = 0.9*0 + 0.1*(8, 18) = (0.8, 1.8); theta1 = (4 - 0.1*0.8, 3 - 0.1*1.8) = (3.92, 2.82)
    path = run("momentum_ema", quad_grad, (4.0, 3.0), 1, learning_rate=0.1, beta=0.9)
    np.testing.assert_allclose(path[1], [3.92, 2.82], rtol=1e-15)


def test_the_two_momentum_forms_are_the_same_method() -> None:
    # Listing form at lr * (1 - beta) follows the course form at lr, step for step.
    a = run("momentum", quad_grad, (4.0, 3.0), 30, learning_rate=0.1 * (1 - 0.9), beta=0.9)
    b = run("momentum_ema", quad_grad, (4.0, 3.0), 30, learning_rate=0.1, beta=0.9)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_nesterov_first_step_by_hand() -> None:
    # v1 = (-0.8, -1.8); theta1 = theta + 0.9 v1 - 0.1 g = (4 - 0.72 - 0.8, 3 - 1.62 - 1.8)
    path = run("nesterov", quad_grad, (4.0, 3.0), 1, learning_rate=0.1, beta=0.9)
    np.testing.assert_allclose(path[1], [2.48, -0.42], rtol=1e-14)


def test_rmsprop_first_step_by_hand() -> None:
    # s1 = 0.1 g^2, so g / sqrt(s1) = 1/sqrt(0.1) = 3.16228 in each coordinate:
    # theta1 = theta - 0.01 * 3.16228 = (3.968377, 2.968377)
    path = run("rmsprop", quad_grad, (4.0, 3.0), 1, learning_rate=0.01, rho=0.9, eps=0.0)
    step = 0.01 / math.sqrt(0.1)
    np.testing.assert_allclose(path[1], [4.0 - step, 3.0 - step], rtol=1e-14)


def test_adam_first_two_steps_by_hand() -> None:
    path = run("adam", quad_grad, (4.0, 3.0), 2, learning_rate=0.1, eps=0.0)
    # t = 1: m_hat = g, v_hat = g^2, step = 0.1 * g / |g| = 0.1: (3.9, 2.9)
    np.testing.assert_allclose(path[1], [3.9, 2.9], rtol=1e-15)
    # t = 2, x: g1 = 8, g2 = 7.8; m2 = 0.9*0.8 + 0.1*7.8 = 1.5, m_hat = 1.5 / 0.19
    # v2 = 0.999*0.064 + 0.001*60.84 = 0.124776, v_hat = 0.124776 / (1 - 0.999^2)
    m_hat = 1.5 / (1 - 0.9**2)
    v_hat = 0.124776 / (1 - 0.999**2)
    assert path[2][0] == pytest.approx(3.9 - 0.1 * m_hat / math.sqrt(v_hat), rel=1e-12)


def test_adamw_first_step_by_hand() -> None:
    # theta1 = theta - lr * (g/|g| + wd * theta) = (4 - 0.1*(1 + 0.04), 3 - 0.1*(1 + 0.03))
    path = run("adamw", quad_grad, (4.0, 3.0), 1, learning_rate=0.1, eps=0.0,
               weight_decay=0.01)
    np.testing.assert_allclose(path[1], [3.896, 2.897], rtol=1e-14)


@given(g=st.lists(st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3), min_size=1, max_size=8),
       lr=st.floats(1e-4, 1.0))
def test_adam_first_step_has_size_lr_in_every_coordinate(g: list[float], lr: float) -> None:
    params = {"w": np.zeros(len(g))}
    new, _ = mf.adam_step(params, {"dw": np.array(g)}, mf.adam_init(params), learning_rate=lr)
    # |step| = lr * |g| / (|g| + 1e-8), within 1e-5 relative for |g| >= 1e-3.
    np.testing.assert_allclose(np.abs(new["w"]), lr, rtol=1e-5)
    np.testing.assert_array_equal(np.sign(new["w"]), -np.sign(g))


ROSENBROCK = {
    "gd": {"learning_rate": 1e-3},
    "momentum": {"learning_rate": 1e-4, "beta": 0.9},
    "momentum_ema": {"learning_rate": 1e-3, "beta": 0.9},
    "nesterov": {"learning_rate": 1e-4, "beta": 0.9},
    "rmsprop": {"learning_rate": 1e-3},
    "adam": {"learning_rate": 1e-2},
    "adamw": {"learning_rate": 1e-2, "weight_decay": 0.0},
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_minimises_a_quadratic_and_rosenbrock(name: str) -> None:
    # x^2 + 3y^2 has its minimum at (0, 0); AdamW's decay pulls towards 0 too.
    lr = 0.01 if name in ("rmsprop", "adam", "adamw") else 0.05
    path = run(name, quad_grad, (4.0, 3.0), 3000, learning_rate=lr)
    assert np.abs(path[-1]).max() < 1e-2
    # Rosenbrock's minimum is (1, 1), at the end of a long curved valley, from (-1.2, 1).
    path = run(name, rosen_grad, (-1.2, 1.0), 20000, **ROSENBROCK[name])
    assert np.abs(path[-1] - 1.0).max() < 2e-3


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_state_structure_dtype_and_purity(name: str, dtype: Any) -> None:
    init, step = OPTIMIZERS[name]
    params = mf.init_params([3, 4, 2], method="xavier", seed=0, dtype=dtype)
    grads = {f"d{k}": np.full_like(v, 0.5) for k, v in params.items()}
    state = init(params)
    before = {k: v.copy() for k, v in params.items()}
    new, state2 = step(params, grads, state)
    new, state3 = step(new, grads, state2)
    assert state3["step"] == 2 and state["step"] == 0  # the old state is untouched
    for s in (state, state2, state3):
        assert set(s["slots"]) == set(state["slots"])
        for slot in s["slots"].values():
            assert {k: v.shape for k, v in slot.items()} == {k: v.shape for k, v in
                                                             params.items()}
            assert all(v.dtype == dtype and not v.flags.writeable for v in slot.values())
    assert all(v.dtype == dtype and not v.flags.writeable for v in new.values())
    assert all((params[k] == before[k]).all() for k in params)


def test_schedules_by_hand() -> None:
    assert mf.constant(0.1)(57) == 0.1
    assert [mf.step_decay(1.0, drop=0.5, every=10)(e) for e in (0, 9, 10, 25)] == [1, 1, .5, .25]
    assert mf.exponential_decay(2.0, rate=0.95)(2) == pytest.approx(2.0 * 0.95 * 0.95)
    # The course: alpha = alpha0 / (1 + decay_rate * epoch): 0.2 / (1 + 1*3) = 0.05
    assert mf.inverse_time_decay(0.2, decay=1.0)(3) == pytest.approx(0.05)
    assert mf.inverse_time_decay(0.2, decay=1.0, every=2)(3) == pytest.approx(0.1)  # floor(3/2)
    cos = mf.cosine_decay(1.0, total_epochs=10)
    assert (cos(0), cos(5), cos(10), cos(20)) == pytest.approx((1.0, 0.5, 0.0, 0.0), abs=1e-15)
    with pytest.raises(ValueError, match="schedule: unknown name 'linear'.*constant"):
        mf.make_schedule("linear", 0.1)


@given(seed=st.integers(0, 2**32 - 1), max_norm=st.floats(0.01, 10.0))
def test_clip_by_global_norm(seed: int, max_norm: float) -> None:
    rng = np.random.default_rng(seed)
    grads = {"dW1": rng.standard_normal((3, 2)), "db1": rng.standard_normal((3, 1))}
    norm = math.sqrt(sum(float((g**2).sum()) for g in grads.values()))
    clipped = mf.clip_by_global_norm(grads, max_norm)
    new_norm = math.sqrt(sum(float((g**2).sum()) for g in clipped.values()))
    assert new_norm == pytest.approx(min(norm, max_norm), rel=1e-12)
    # The direction is kept: every array scaled by the same factor.
    factor = new_norm / norm
    for k in grads:
        np.testing.assert_allclose(clipped[k], grads[k] * factor, rtol=1e-12)
        assert not clipped[k].flags.writeable and grads[k].flags.writeable


@pytest.mark.parametrize("name", sorted(mf.OPTIMIZERS))
def test_every_step_runs_on_another_array_library_as_on_numpy(name: str) -> None:
    # Two steps of each optimizer on array_api_strict's arrays (slots and all) against the same
    # two steps on NumPy's: the checks find one library across params, grads and the state.
    xps = pytest.importorskip("array_api_strict")
    init, step = mf.OPTIMIZERS[name]
    theta, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    want_p, want_s = {"w": theta}, init({"w": theta})
    got_p, got_s = {"w": xps.asarray(theta)}, init({"w": xps.asarray(theta)})
    for _ in range(2):
        want_p, want_s = step(want_p, {"dw": g}, want_s, learning_rate=0.1)
        got_p, got_s = step(got_p, {"dw": xps.asarray(g)}, got_s, learning_rate=0.1)
    np.testing.assert_allclose(np.asarray(got_p["w"]), want_p["w"], rtol=1e-15)
    assert got_s["step"] == want_s["step"] == 2
    for slot in want_s["slots"]:
        assert type(got_s["slots"][slot]["w"]) is type(got_p["w"])
        np.testing.assert_allclose(np.asarray(got_s["slots"][slot]["w"]),
                                   want_s["slots"][slot]["w"], rtol=1e-15)
    with pytest.raises(TypeError, match=r"^grads\['dw'\]: expected an array of array_api_strict"):
        step(got_p, {"dw": g}, got_s, learning_rate=0.1)


def test_each_init_starts_the_slots_its_step_keeps_at_zero() -> None:
    """``<name>_init`` is the def of t = 0 and every slot (v, s, m, ...) at 0: the slots its
    step declares, zeros of each parameter's shape and dtype, read-only; bad params are
    refused naming the argument."""
    params = {"W1": np.ones((2, 3), np.float32), "b1": np.ones((2, 1), np.float32)}
    for name, (init, step) in mf.OPTIMIZERS.items():
        state = init(params)
        assert state["step"] == 0 and sorted(state["slots"]) == sorted(step.slots), name
        for slot in state["slots"].values():
            assert sorted(slot) == ["W1", "b1"]
            for key, a in slot.items():
                assert a.dtype == np.float32 and a.shape == params[key].shape
                assert not a.any() and not a.flags.writeable
        with pytest.raises(ValueError, match=r"params\['W1'\]: expected finite values"):
            init({"W1": np.array([[np.nan]])})
        with pytest.raises(TypeError, match="params: expected a dict of arrays"):
            init([np.ones(2)])


def test_the_state_of_another_optimizer_is_named_as_such() -> None:
    # The slots each optimizer keeps, as the course names them: adam's m and v, momentum's v.
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=0)
    _, adam_state, _ = mf.train_step(X, Y, params, None, ["tanh", "sigmoid"], "bce",
                                     learning_rate=0.1, optimizer="adam")
    with pytest.raises(ValueError, match=r"^opt_state\['slots'\]: momentum keeps the slots "
                                         r"\['v'\], got the slots \['m', 'v'\] \(adam or adamw "
                                         r"keeps them: the state of another optimizer\?\)$"):
        mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=1,
                 optimizer="momentum", opt_state=adam_state)
    grads = {"d" + k: v for k, v in params.items()}
    with pytest.raises(ValueError, match=r"^state\['slots'\]: rmsprop keeps the slots \['s'\], "
                                         r"got the slots \['x'\]$"):
        mf.rmsprop_step(params, grads, {"step": 0, "slots": {"x": {}}})
