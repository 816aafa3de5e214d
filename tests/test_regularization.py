"""L2, L1, dropout, early stopping, resuming, callbacks, schedules in train, summary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mlp_fn as mf
from mlp_fn._internal.types import Array, Params

ACTS = ["tanh", "relu", "sigmoid"]


def data(seed: int, m: int = 30) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, m))
    Y = (X[0:1] + X[1:2] ** 2 > 0.5).astype(float)
    return X, Y


def net(seed: int = 0) -> Params:
    return mf.init_params([3, 5, 4, 1], method="xavier", seed=seed)


def test_l2_penalty_by_hand() -> None:
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[7.0]]),
              "W2": np.array([[3.0]]), "b2": np.array([[9.0]])}
    # (lambda / 2m) (1 + 4 + 9) with lambda = 0.5, m = 4: 0.5 / 8 * 14 = 0.875 (biases excluded)
    assert mf.l2_penalty(params, 0.5, 4) == pytest.approx(0.875, rel=1e-15)


def test_gradient_check_passes_with_l2() -> None:
    X, Y = data(0, 8)
    assert mf.gradient_check(X, Y, net(), ACTS, "bce", lambd=0.7) < 1e-7
    # and the L2 gradient is (lambda / m) W on top of the unregularised one
    AL, cache = mf.forward(X, net(), ACTS)
    g0 = mf.backward(AL, Y, cache, net(), ACTS, "bce")
    g1 = mf.backward(AL, Y, cache, net(), ACTS, "bce", lambd=0.7)
    np.testing.assert_allclose(g1["dW2"], g0["dW2"] + 0.7 / 8 * net()["W2"], rtol=1e-13)
    np.testing.assert_array_equal(g1["db2"], g0["db2"])


def test_l1_penalty_by_hand() -> None:
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[7.0]]),
              "W2": np.array([[3.0]]), "b2": np.array([[-9.0]])}
    # (l1 / m) (|1| + |-2| + |3|) with l1 = 0.5, m = 4: 0.125 * 6 = 0.75 (biases excluded)
    assert mf.l1_penalty(params, 0.5, 4) == pytest.approx(0.75, rel=1e-15)
    AL, Y = np.array([[0.5, 0.5, 0.5, 0.5]]), np.array([[0.0, 1.0, 1.0, 0.0]])
    # the cost gains exactly the penalty: bce of 0.5 everywhere is log 2
    J = mf.compute_cost(AL, Y, "bce", params=params, l1=0.5, lambd=0.5)
    assert J == pytest.approx(np.log(2) + 0.75 + 0.875, rel=1e-14)


@given(seed=st.integers(0, 2**31 - 1), l1=st.floats(0.01, 2.0), lambd=st.sampled_from([0.0, 0.3]))
def test_gradient_check_passes_with_l1(seed: int, l1: float, lambd: float) -> None:
    """|w| has a derivative everywhere but 0; Xavier's draws put no weight within 1e-7 of 0
    (checked), so central differences measure sign(w) exactly."""
    X, Y = data(seed % 1000, 8)
    params = net(seed)
    assert all(np.abs(params[k]).min() > 1e-6 for k in ("W1", "W2", "W3"))
    assert mf.gradient_check(X, Y, params, ACTS, "bce", lambd=lambd, l1=l1) < 1e-7
    AL, cache = mf.forward(X, params, ACTS)
    g0 = mf.backward(AL, Y, cache, params, ACTS, "bce")
    g1 = mf.backward(AL, Y, cache, params, ACTS, "bce", l1=l1)
    np.testing.assert_allclose(g1["dW2"], g0["dW2"] + l1 / 8 * np.sign(params["W2"]),
                               rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(g1["db2"], g0["db2"])


def test_l1_pulls_the_weights_of_an_unused_input_towards_zero() -> None:
    """Trained with L1 the weights that do not matter end near 0: the input x3 here carries no
    signal (Y depends on x1 and x2), and L1 leaves its weights, summed, under a quarter of what
    they are without a penalty (measured: 0.078 against 0.43)."""
    X, Y = data(3, 200)
    p0 = mf.init_params([3, 4, 1], method="xavier", seed=1)
    kw: dict[str, Any] = {"learning_rate": 0.5, "epochs": 400}
    free, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", **kw)
    sparse, history = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", l1=2.0, **kw)
    assert np.abs(sparse["W1"][:, 2]).sum() < 0.25 * np.abs(free["W1"][:, 2]).sum()
    _, again = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", l1=2.0, **kw)
    assert again["cost"] == history["cost"]  # deterministic


def test_l1_in_a_checkpoint_is_part_of_the_run(tmp_path: Any) -> None:
    X, Y = data(0, 20)
    path = tmp_path / "run.ckpt"
    mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.1, epochs=2, l1=0.1, checkpoint=path)
    with pytest.raises(ValueError, match="another l1"):
        mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.1, epochs=3, l1=0.2, checkpoint=path)
    _, history = mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.1, epochs=3, l1=0.1,
                          checkpoint=path)
    assert len(history["cost"]) == 3


def test_gradient_check_passes_with_a_fixed_dropout_mask() -> None:
    X, Y = data(1, 8)
    masks = mf.dropout_masks({"D1": (5, 8), "D2": (4, 8)}, 0.6, seed=3)
    assert {float(v) for v in np.unique(masks["D1"])} <= {0.0, 1 / 0.6}
    assert mf.gradient_check(X, Y, net(), ACTS, "bce", masks=masks) < 1e-7


def test_dropout_masks_follow_the_course_definition() -> None:
    # D = (U < keep_prob) / keep_prob with U the generator's uniforms, drawn independently here.
    U = np.random.default_rng(42).random((5, 8))
    masks = mf.dropout_masks({"D1": (5, 8)}, 0.75, seed=42)
    np.testing.assert_array_equal(masks["D1"], (U < 0.75) / 0.75)


@given(keep=st.floats(0.2, 0.95), seed=st.integers(0, 2**32 - 1))
def test_inverted_dropout_preserves_the_mean_activation(keep: float, seed: int) -> None:
    # E[D] = keep * (1 / keep) = 1; over n = 40,000 entries the sample mean has standard
    # deviation sqrt((1 - keep) / (keep n)) <= 0.0025: allow 5 of them.
    D = mf.dropout_masks({"D1": (200, 200)}, keep, seed=seed)["D1"]
    sd = np.sqrt((1 - keep) / (keep * D.size))
    assert abs(float(D.mean()) - 1.0) < 5 * sd


def test_keep_prob_one_is_no_dropout() -> None:
    X, Y = data(2)
    a, ha = mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.1, epochs=3, batch_size=7)
    b, hb = mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.1, epochs=3, batch_size=7,
                     keep_prob=1.0)
    assert all((a[k] == b[k]).all() for k in a) and ha["cost"] == hb["cost"]


def test_dropout_changes_training_but_not_prediction() -> None:
    X, Y = data(3)
    a, _ = mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.1, epochs=3, keep_prob=0.5)
    b, _ = mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.1, epochs=3)
    assert any((a[k] != b[k]).any() for k in a)
    # predict has no dropout: it equals the deterministic forward pass, call after call.
    AL, _ = mf.forward(X, a, ACTS)
    np.testing.assert_array_equal(mf.predict(X, a, ACTS, "bce"), (AL > 0.5).astype(int))


def test_dropout_needs_a_seed_in_forward() -> None:
    X, _ = data(4)
    with pytest.raises(ValueError, match="seed: dropout"):
        mf.forward(X, net(), ACTS, keep_prob=0.5)
    A1, _ = mf.forward(X, net(), ACTS, keep_prob=0.5, seed=1)
    A2, _ = mf.forward(X, net(), ACTS, keep_prob=0.5, seed=1)
    np.testing.assert_array_equal(A1, A2)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_resuming_from_the_returned_state_continues_exactly(optimizer: str) -> None:
    X, Y = data(5)
    kw = dict(learning_rate=mf.inverse_time_decay(0.05, 0.5), batch_size=7, seed=9,
              optimizer=optimizer, keep_prob=0.8, lambd=0.01)
    whole, hw = mf.train(X, Y, net(), ACTS, "bce", epochs=4, **kw)
    half, h1 = mf.train(X, Y, net(), ACTS, "bce", epochs=2, **kw)
    rest, h2 = mf.train(X, Y, half, ACTS, "bce", epochs=2,
                        opt_state=h1["opt_state"], **kw)
    for k in whole:
        np.testing.assert_array_equal(whole[k], rest[k])  # bit for bit
    assert h1["cost"] + h2["cost"] == hw["cost"]
    assert h1["learning_rate"] + h2["learning_rate"] == hw["learning_rate"]


def test_early_stopping_restores_the_best_params() -> None:
    X, Y = data(6)
    # Validating on the flipped labels: every epoch of training makes the validation cost worse,
    # so the best epoch is the first one.
    params, history = mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.5, epochs=50,
                               validation_data=(X, 1.0 - Y), patience=3)
    assert history["stopped_early"] and history["best_epoch"] == 0
    assert len(history["cost"]) == 4 and len(history["val_cost"]) == 4
    assert history["val_cost"] == sorted(history["val_cost"])
    one, _ = mf.train(X, Y, net(), ACTS, "bce", learning_rate=0.5, epochs=1)
    assert all((params[k] == one[k]).all() for k in one)


def test_history_callback_and_schedule() -> None:
    X, Y = data(7)
    seen: list[tuple[int, int]] = []
    schedule = mf.step_decay(0.4, drop=0.5, every=2)
    _, history = mf.train(X, Y, net(), ACTS, "bce", learning_rate=schedule, epochs=5,
                          validation_data=data(8),
                          callback=lambda e, p, h: seen.append((e, len(h["cost"]))))
    assert seen == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    assert history["learning_rate"] == [0.4, 0.4, 0.2, 0.2, 0.1]
    assert len(history["val_cost"]) == len(history["val_metric"]) == 5
    assert all(0.0 <= a <= 1.0 for a in history["val_metric"])


def test_clipping_in_train_bounds_every_step() -> None:
    X, Y = data(9)
    p0 = net()
    p1, _ = mf.train(X, Y, p0, ACTS, "bce", learning_rate=1.0, epochs=1, clip_norm=1e-3)
    # One gd step of size lr * ||g|| <= 1.0 * 1e-3.
    step = np.sqrt(sum(float(((p1[k] - p0[k]) ** 2).sum()) for k in p0))
    assert step <= 1e-3 * (1 + 1e-12)


def test_divergence_stops_with_the_epoch_rate_and_last_finite_params() -> None:
    X = np.array([[1.0, 2.0, 3.0]]) * 100  # unscaled inputs, the chapter's common mistake
    Y = np.array([[1.0, 2.0, 3.0]])
    p0 = mf.init_params([1, 8, 1], method="he", seed=0)
    with pytest.raises(mf.TrainingDiverged, match=r"epoch \d+.*learning rate 1\.0.*smaller") as e:
        mf.train(X, Y, p0, ["identity", "identity"], "mse", learning_rate=1.0, epochs=100)
    assert all(np.isfinite(v).all() for v in e.value.params.values())
    assert all(np.isfinite(e.value.history["cost"]))


def test_summary_and_parameter_count() -> None:
    params = mf.init_params([2, 8, 8, 1])
    # (2*8 + 8) + (8*8 + 8) + (8*1 + 1) = 24 + 72 + 9 = 105, 001's printed total.
    assert mf.summary.count_params(params) == 105
    text = mf.summary.summary_text(params, ["tanh", "tanh", "sigmoid"], "binary_log_loss")
    assert "Total Network Parameters: 105" in text
    assert text.splitlines()[2].startswith("Input Layer: ( 2 -> 8)")
    assert "Loss Function: binary_log_loss" in text
