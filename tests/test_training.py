"""The training loop: batch, mini-batch and stochastic descent against direct transcriptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mlp_fn as mf
from mlp_fn._internal.types import Array


def course_nn_model(X: Array, Y: Array, p: dict[str, Array], lr: float,
                    iterations: int) -> tuple[dict[str, Array], list[float]]:
    """002's nn_model loop (tanh hidden, sigmoid output, bce), transcribed directly."""
    W1, b1, W2, b2 = (p[k].copy() for k in ("W1", "b1", "W2", "b2"))
    m = X.shape[1]
    costs = []
    for _ in range(iterations):
        A1 = np.tanh(W1 @ X + b1)
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        costs.append(float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))))
        dZ2 = A2 - Y
        dW2, db2 = dZ2 @ A1.T / m, dZ2.sum(axis=1, keepdims=True) / m
        dZ1 = (W2.T @ dZ2) * (1 - A1**2)
        dW1, db1 = dZ1 @ X.T / m, dZ1.sum(axis=1, keepdims=True) / m
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, costs


def planar(seed: int, m: int = 40) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, m))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    return X, Y


def test_batch_gradient_descent_equals_the_course_loop() -> None:
    X, Y = planar(0)
    p0 = mf.init_params([2, 4, 1], seed=3)
    ref, ref_costs = course_nn_model(X, Y, dict(p0), lr=1.2, iterations=50)
    params, history = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=1.2,
                               epochs=50)
    for k in ref:
        np.testing.assert_allclose(params[k], ref[k], rtol=1e-10, atol=1e-13)
    # history["cost"][e] is J at the start of epoch e, as the course records it.
    np.testing.assert_allclose(history["cost"], ref_costs, rtol=1e-10)
    assert history["learning_rate"] == [1.2] * 50


@given(k=st.integers(1, 13), m=st.integers(1, 13))
def test_mini_batches_are_consecutive_slices_without_shuffle(k: int, m: int) -> None:
    k = min(k, m)
    X, Y = planar(1, m)
    p0 = mf.init_params([2, 3, 1], method="xavier", seed=2)
    params, history = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.5,
                               epochs=2, batch_size=k, shuffle=False)
    # The same updates, one slice at a time, through the public single-step functions.
    p = dict(p0)
    for _ in range(2):
        total = 0.0
        for s in range(0, m, k):
            AL, cache = mf.forward(X[:, s:s + k], p, ["tanh", "sigmoid"])
            total += mf.compute_cost(AL, Y[:, s:s + k], "bce") * AL.shape[1]
            g = mf.backward(AL, Y[:, s:s + k], cache, p, ["tanh", "sigmoid"], "bce")
            p = mf.update(p, g, 0.5)
        expected_last = total / m
    for key in p:
        np.testing.assert_allclose(params[key], p[key], rtol=1e-12, atol=1e-15)
    # The epoch cost is the size-weighted mean of the batch costs before each update.
    assert history["cost"][-1] == pytest.approx(expected_last, rel=1e-12)


@pytest.mark.parametrize("options", [
    {}, {"lambd": 0.2}, {"keep_prob": 0.8}, {"sample_weight": "random"},
    {"norm": "batch"}, {"norm": "layer", "residual": True},
    {"learning_rate": mf.step_decay(0.5, 0.5, 2)},
], ids=["plain", "l2", "dropout", "weights", "batchnorm", "layernorm-residual", "schedule"])
def test_gradient_descent_by_steps_equals_descent_by_gradients(options: dict[str, Any]) -> None:
    # Plain gradient descent takes the steps alpha dW from the backward pass (training's module
    # docstring); with a clip_norm that never clips, train goes the other way, the textbook's:
    # gradients, then the optimizer's theta - alpha g. Both must reach the same params.
    options = dict(options)
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3, 30))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    hidden = "tanh+residual" if options.pop("residual", False) else "tanh"
    p0 = mf.init_params([3, 3, 3, 1], seed=4, norm=options.pop("norm", None))
    if options.get("sample_weight") == "random":
        options["sample_weight"] = rng.random(30)
    kwargs: dict[str, Any] = {"learning_rate": 0.5, "epochs": 4, "batch_size": 8, "seed": 1,
                              **options}
    acts = [hidden, hidden, "sigmoid"]
    by_steps, h1 = mf.train(X, Y, p0, acts, "bce", **kwargs)
    by_grads, h2 = mf.train(X, Y, p0, acts, "bce", clip_norm=1e300, **kwargs)
    assert set(by_steps) == set(by_grads)
    for k in by_steps:
        np.testing.assert_allclose(by_steps[k], by_grads[k], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h1["cost"], h2["cost"], rtol=1e-12)
    assert h1["opt_state"]["step"] == h2["opt_state"]["step"] == 4 * 4


def test_shuffled_epochs_use_a_permutation_from_the_seed() -> None:
    X, Y = planar(2, 12)
    p0 = mf.init_params([2, 3, 1], method="xavier", seed=2)
    a, ha = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=3,
                     batch_size=4, seed=11)
    b, hb = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=3,
                     batch_size=4, seed=11)
    c, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=3,
                    batch_size=4, seed=12)
    assert all((a[k] == b[k]).all() for k in a) and ha["cost"] == hb["cost"]  # bit for bit
    assert any((a[k] != c[k]).any() for k in a)
    # Full batch: the order of the columns cannot change the mean gradient (beyond rounding).
    d, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=3, seed=1)
    e, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=3,
                    shuffle=False)
    for k in d:
        np.testing.assert_allclose(d[k], e[k], rtol=1e-12, atol=1e-15)


def test_stochastic_descent_takes_m_steps_per_epoch() -> None:
    X, Y = planar(3, 5)
    p0 = mf.init_params([2, 3, 1], method="xavier", seed=2)
    _, history = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=4,
                          batch_size=1)
    assert history["opt_state"]["step"] == 4 * 5
    assert len(history["cost"]) == 4


def test_zero_epochs_return_the_given_params() -> None:
    X, Y = planar(4)
    p0 = mf.init_params([2, 3, 1], seed=2)
    params, history = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1,
                               epochs=0)
    assert all((params[k] == p0[k]).all() for k in p0)
    assert history["cost"] == []


@given(seed=st.integers(0, 2**32 - 1))
def test_cost_falls_on_a_convex_problem_with_a_small_step(seed: int) -> None:
    """Logistic regression (one sigmoid layer, bce) is convex; with a step below 4/||X||^2 (the
    inverse of a bound on the Hessian's largest eigenvalue) every gradient step lowers J."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 20))
    Y = (rng.random((1, 20)) > 0.5).astype(float)
    bound = 0.25 * (np.linalg.norm(X, 2) ** 2 + 20) / 20  # ||[X; 1]||^2 / 4m >= lambda_max
    p0 = mf.init_params([3, 1], seed=seed % 1000)
    _, history = mf.train(X, Y, p0, ["sigmoid"], "bce", learning_rate=float(0.5 / bound), epochs=30)
    costs = history["cost"]
    assert all(b <= a + 1e-15 for a, b in zip(costs, costs[1:]))
    assert costs[-1] < costs[0]


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_float32_training_stays_float32(optimizer: str) -> None:
    X, Y = planar(5)
    p0 = mf.init_params([2, 4, 1], method="xavier", seed=2, dtype=np.float32)
    params, history = mf.train(X.astype(np.float32), Y.astype(np.float32), p0,
                               ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=5,
                               batch_size=8, optimizer=optimizer, lambd=0.1, keep_prob=0.8)
    assert all(v.dtype == np.float32 for v in params.values())
    slots: dict[str, dict[str, Any]] = history["opt_state"]["slots"]
    assert all(v.dtype == np.float32 for s in slots.values() for v in s.values())
    assert history["cost"][-1] < history["cost"][0]


def test_xor_is_learned() -> None:
    X, Y = mf.data.xor()
    p0 = mf.init_params([2, 4, 1], method="xavier", seed=1)
    params, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=1.0, epochs=2000)
    assert mf.predict(X, params, ["tanh", "sigmoid"], "bce").tolist() == [[0, 1, 1, 0]]


def test_a_schedule_is_checked_for_every_epoch_before_the_first_step() -> None:
    """A schedule that failed or decayed to 0 late in a run ended it there with a ValueError,
    the epochs before lost (cosine_decay(0.1, 3) over 6 epochs trained 3, then raised); a
    schedule's own exception escaped unnamed. Every rate is checked when train starts, no
    callback is reached, and the schedule is still called once an epoch."""
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=0)
    reached: list[int] = []

    def run(schedule: Any, epochs: int = 6) -> Any:
        return mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=schedule,
                        epochs=epochs, callback=lambda e, p, h: reached.append(e))

    short = [0.5, 0.5, 0.5]
    for schedule, kind, says in [
            (mf.cosine_decay(0.1, 3), ValueError,
             r"^learning_rate: the schedule gives 0 at epoch 3, where a step changes nothing; "
             r"train fewer epochs, or give the schedule longer to decay"),
            (lambda e: short[e], ValueError, r"^learning_rate: the schedule failed at epoch 3 "
                                             r"\(it is called as schedule\(epoch\)\): IndexError"),
            (lambda: 0.1, TypeError, r"^learning_rate: the schedule failed at epoch 0 .*: "
                                     r"TypeError: .*takes 0 positional arguments"),
            (lambda e: "0.1x", TypeError, r"^learning_rate: the schedule gave str '0\.1x' at "
                                          r"epoch 0; expected a number$")]:
        with pytest.raises(kind, match=says):
            run(schedule)
    assert reached == []  # refused before the first epoch, every time
    calls: list[int] = []

    def counted(e: int) -> float:
        calls.append(e)
        return 0.5 / (1 + e)

    _, history = run(counted)
    assert calls == list(range(6)) and history["learning_rate"] == [0.5 / (1 + e)
                                                                     for e in range(6)]


def test_one_step_refuses_a_schedule_and_says_how_to_take_its_rate() -> None:
    """train_step took a schedule and silently stepped at its rate for epoch 0 wherever the
    step fell in a run (its own loop over epochs then trained at one constant rate); it, and
    every function that takes one step's rate, now refuses one and says what to pass."""
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=0)
    grads = {f"d{k}": np.zeros_like(a) for k, a in params.items()}
    schedule: Any = mf.step_decay(0.5, 0.5, 1)  # 0.5, 0.25, 0.125, ...
    calls: dict[str, Callable[[], Any]] = {
        "train_step": lambda: mf.train_step(X, Y, params, None, ["tanh", "sigmoid"], "bce",
                                            learning_rate=schedule),
        "update": lambda: mf.update(params, grads, schedule),
        "adam_step": lambda: mf.optimizers.adam_step(params, grads,
                                                     mf.optimizers.adam_init(params),
                                                     learning_rate=schedule),
        "worked_example": lambda: mf.explain.worked_example(X, Y, params, ["tanh", "sigmoid"],
                                                            "bce", learning_rate=schedule),
    }
    for name, call in calls.items():
        with pytest.raises(TypeError, match=r"^learning_rate: .*the rate of this one step, got "
                                            r"a function step_decay\.<locals>\.schedule; .*"
                                            r"pass schedule\(epoch\)"):
            call()
    # the rate it names is the one to pass: step 3 of a loop at schedule(2)
    _, _, J = mf.train_step(X, Y, params, None, ["tanh", "sigmoid"], "bce",
                            learning_rate=schedule(2))
    assert np.isfinite(J)
