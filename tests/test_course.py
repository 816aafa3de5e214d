"""The course companion: gradient checking of a reader's own gradients, mini-batches, the
intermediate quantities, Adam's state, sample weights and a reader's own activation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mlp_fn as mf

ACTS = ["tanh", "sigmoid"]


def xor_net(seed: int = 1) -> tuple[Any, Any, mf.Params]:
    X, Y = mf.data.xor()
    return X, Y, mf.init_params([2, 3, 1], seed=seed)


# --- gradient checking ------------------------------------------------------------------------------

def test_the_course_one_parameter_check() -> None:
    # The course's J(theta) = theta x at x = 2, theta = 4: grad = x = 2, gradapprox =
    # ((4 + eps) 2 - (4 - eps) 2) / (2 eps) = 2 up to rounding; the course's notebook prints a
    # difference of about 2.9e-10 (rounding of 8 +- 2e-7 in float64).
    d = mf.gradient_check_1d(lambda t: t * 2.0, lambda t: 2.0, 4.0)
    assert 0.0 < d < 1e-9
    assert mf.gradient_check_1d(lambda t: t * 2.0, lambda t: 3.0, 4.0) == pytest.approx(0.2)


def test_planted_bugs_in_a_hand_written_backward_are_caught() -> None:
    # The course's exercise: a backward pass with dW2 doubled and db1 times four.
    X, Y, p = xor_net()
    AL, cache = mf.forward(X, p, ACTS)
    right = dict(mf.backward(AL, Y, cache, p, ACTS, "bce"))
    assert mf.gradient_check(X, Y, p, ACTS, "bce", grads=right) < 1e-7
    buggy = {**right, "dW2": right["dW2"] * 2, "db1": right["db1"] * 4}
    # The relative difference by its definition, from the two gradients written out:
    v = np.concatenate([right[k].ravel() for k in ("dW1", "db1", "dW2", "db2")])
    b = np.concatenate([buggy[k].ravel() for k in ("dW1", "db1", "dW2", "db2")])
    expected = np.linalg.norm(b - v) / (np.linalg.norm(b) + np.linalg.norm(v))
    got = mf.gradient_check(X, Y, p, ACTS, "bce", grads=buggy)
    assert got > 1e-3 and got == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match="grads: expected 'db2'"):
        mf.gradient_check(X, Y, p, ACTS, "bce", grads={k: v for k, v in right.items()
                                                        if k != "db2"})


# --- mini-batches ---------------------------------------------------------------------------------

@given(m=st.integers(1, 50), k=st.integers(1, 60), seed=st.integers(0, 2**32 - 1))
def test_random_mini_batches_shuffle_then_partition(m: int, k: int, seed: int) -> None:
    X = np.arange(2 * m, dtype=float).reshape(2, m)
    Y = np.arange(m, dtype=float).reshape(1, m)
    batches = mf.random_mini_batches(X, Y, k, seed=seed)
    sizes = [b[0].shape[1] for b in batches]
    assert sizes == [k] * (m // k) + ([m % k] if m % k else [])
    order = np.concatenate([b[1][0] for b in batches]).astype(int)
    assert sorted(order.tolist()) == list(range(m))  # a permutation, every example once
    assert np.array_equal(order, np.random.default_rng(seed).permutation(m))
    for Xb, Yb in batches:  # columns stay paired
        np.testing.assert_array_equal(Xb, X[:, Yb[0].astype(int)])


def test_weighted_mini_batches_carry_each_examples_weight() -> None:
    # With sample weights the same permutation cuts them too: w(i) = 10 i + 1 is tied to
    # example i, whose X column is (i, m + i), so each w{t} is 10 X{t}[0] + 1.
    m = 7
    X = np.arange(2 * m, dtype=float).reshape(2, m)
    Y = (np.arange(m) % 2).astype(float).reshape(1, m)
    w = 10.0 * np.arange(m) + 1.0
    weighted = mf.random_mini_batches(X, Y, 3, seed=4, sample_weight=w)
    plain = mf.random_mini_batches(X, Y, 3, seed=4)
    assert [len(batch) for batch in weighted] == [3, 3, 3]
    for (Xb, Yb, wb), (Xp, Yp) in zip(weighted, plain):
        np.testing.assert_array_equal(wb, 10.0 * Xb[:1] + 1.0)
        np.testing.assert_array_equal(Xb, Xp)
        np.testing.assert_array_equal(Yb, Yp)
    with pytest.raises(ValueError, match=r"sample_weight: expected shape \(7,\) or \(1, 7\)"):
        mf.random_mini_batches(X, Y, 3, sample_weight=w[:5])


def test_train_uses_exactly_those_batches() -> None:
    # Epoch 0 of train(batch_size=3, seed=7) equals gradient steps over
    # random_mini_batches(X, Y, 3, seed=(7, 0)), to the rounding of the last bits: train's
    # gradient descent gets alpha dW from the backward pass (training's module docstring), the
    # loop below multiplies dW by alpha. The batches of another epoch end far away.
    X, Y = mf.data.two_moons(10, seed=0)
    p0 = mf.init_params([2, 4, 1], seed=2)
    trained, _ = mf.train(X, Y, p0, ACTS, "bce", learning_rate=0.3, epochs=1, batch_size=3,
                          seed=7)

    def by_hand(epoch: int) -> dict[str, np.ndarray]:
        p = p0
        for Xb, Yb in mf.random_mini_batches(X, Y, 3, seed=(7, epoch)):
            AL, cache = mf.forward(Xb, p, ACTS)
            p = mf.update(p, mf.backward(AL, Yb, cache, p, ACTS, "bce"), 0.3)
        return dict(p)

    p = by_hand(0)
    for k in p:
        np.testing.assert_allclose(trained[k], p[k], rtol=1e-14, atol=1e-15)
    other = by_hand(1)
    assert max(float(np.abs(other[k] - trained[k]).max()) for k in p) > 1e-4


# --- intermediate quantities ----------------------------------------------------------------------

def test_backward_can_hand_back_dA_and_dZ() -> None:
    X, Y, p = xor_net()
    AL, cache = mf.forward(X, p, ACTS)
    g = mf.backward(AL, Y, cache, p, ACTS, "bce", intermediates=True)
    # By the course's equations, written out: dZ2 = A2 - Y; dA1 = W2^T dZ2;
    # dZ1 = dA1 * (1 - A1^2); dA0 = W1^T dZ1; dW2 = (1/m) dZ2 A1^T.
    A1, A2 = np.asarray(cache["A1"]), np.asarray(AL)
    dZ2 = A2 - Y
    dA1 = np.asarray(p["W2"]).T @ dZ2
    dZ1 = dA1 * (1 - A1**2)
    np.testing.assert_allclose(g["dZ2"], dZ2, rtol=1e-14)
    np.testing.assert_allclose(g["dA1"], dA1, rtol=1e-14)
    np.testing.assert_allclose(g["dZ1"], dZ1, rtol=1e-14)
    np.testing.assert_allclose(g["dA0"], np.asarray(p["W1"]).T @ dZ1, rtol=1e-14)
    np.testing.assert_allclose(g["dW2"], dZ2 @ A1.T / 4, rtol=1e-14)
    assert set(mf.backward(AL, Y, cache, p, ACTS, "bce")) == {"dW1", "db1", "dW2", "db2"}


def test_compute_cost_with_regularization() -> None:
    X, Y, p = xor_net()
    AL, _ = mf.forward(X, p, ACTS)
    plain = mf.compute_cost(AL, Y, "bce")
    # The course's compute_cost_with_regularization: J + (lambda / 2m) (||W1||^2 + ||W2||^2).
    l2 = 0.7 / (2 * 4) * (np.sum(np.square(p["W1"])) + np.sum(np.square(p["W2"])))
    assert mf.compute_cost(AL, Y, "bce", lambd=0.7, params=p) == pytest.approx(plain + l2,
                                                                               rel=1e-14)
    with pytest.raises(ValueError, match="params: the L2 term"):
        mf.compute_cost(AL, Y, "bce", lambd=0.7)


# --- Adam as the course writes it -----------------------------------------------------------------

def test_adam_state_t_and_the_bias_corrected_moments() -> None:
    params = {"theta": np.array([1.0, -2.0])}
    g = {"dtheta": np.array([0.5, 0.25])}
    s0 = mf.adam_init(params)
    assert s0["step"] == 0 and set(s0["slots"]) == {"m", "v"}  # t is visible: state["step"]
    _, s1 = mf.adam_step(params, g, s0, learning_rate=0.1)
    _, s2 = mf.adam_step(params, g, s1, learning_rate=0.1)
    m_hat, v_hat = mf.adam_bias_corrected(s2)
    # Two steps with the same g: m = (1 - 0.9^2) g, v = (1 - 0.999^2) g^2, so the corrected
    # moments are exactly g and g^2 (up to rounding).
    np.testing.assert_allclose(m_hat["theta"], g["dtheta"], rtol=1e-14)
    np.testing.assert_allclose(v_hat["theta"], g["dtheta"] ** 2, rtol=1e-12)
    doc = mf.adam_init.__doc__ or ""
    assert "course's v is this m" in doc and "course's s is this v" in doc


# --- sample weights --------------------------------------------------------------------------------

def test_integer_weights_equal_repeating_examples() -> None:
    X, Y = mf.data.two_moons(12, seed=3)
    p0 = mf.init_params([2, 5, 1], seed=4)
    w = np.array([1, 2, 0, 3, 1, 1, 2, 1, 0, 1, 4, 1])
    repeated = np.repeat(np.arange(12), w)
    a, ha = mf.train(X, Y, p0, ACTS, "bce", learning_rate=0.5, epochs=20, sample_weight=w)
    b, hb = mf.train(X[:, repeated], Y[:, repeated], p0, ACTS, "bce", learning_rate=0.5,
                     epochs=20)
    for k in a:  # equal up to the order in which the same terms are summed
        np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ha["cost"], hb["cost"], rtol=1e-12)
    # Zero weights equal dropping the examples.
    kept = w > 0
    c, _ = mf.train(X[:, kept], Y[:, kept], p0, ACTS, "bce", learning_rate=0.5, epochs=20,
                    sample_weight=w[kept])
    for k in a:
        np.testing.assert_allclose(a[k], c[k], rtol=1e-12, atol=1e-15)


@given(seed=st.integers(0, 2**32 - 1), loss=st.sampled_from(["bce", "mse"]))
def test_weighted_gradients_equal_central_differences(seed: int, loss: str) -> None:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, 5))
    Y = rng.integers(0, 2, (1, 5)).astype(float)
    w = rng.uniform(0, 3, 5)
    out = "sigmoid" if loss == "bce" else "identity"
    p = {k: np.asarray(v) for k, v in mf.init_params([2, 3, 1], seed=seed % 1000).items()}
    AL, cache = mf.forward(X, p, ["tanh", out])
    g = mf.backward(AL, Y, cache, p, ["tanh", out], loss, sample_weight=w)

    def J(q: dict[str, Any]) -> float:  # sum_i w_i L(i) / sum_i w_i, written out
        A1 = np.tanh(q["W1"] @ X + q["b1"])
        Z2 = q["W2"] @ A1 + q["b2"]
        if loss == "bce":
            terms = Y * np.logaddexp(0, -Z2) + (1 - Y) * np.logaddexp(0, Z2)
        else:
            terms = (Z2 - Y) ** 2
        return float((w * terms[0]).sum() / w.sum())

    for key in p:
        for idx in np.ndindex(*p[key].shape):
            plus, minus = p[key].copy(), p[key].copy()
            plus[idx] += 1e-6
            minus[idx] -= 1e-6
            fd = (J({**p, key: plus}) - J({**p, key: minus})) / 2e-6
            assert g[f"d{key}"][idx] == pytest.approx(fd, rel=1e-5, abs=1e-8)
    assert mf.compute_cost(AL, Y, loss, sample_weight=w) == pytest.approx(J(p), rel=1e-12)


# --- a reader's own activation --------------------------------------------------------------------

def softplus() -> mf.CustomActivation:
    # softplus(z) = log(1 + e^z); its derivative is the sigmoid 1 / (1 + e^-z).
    return mf.custom_activation("softplus", lambda Z: np.logaddexp(0.0, Z),
                                lambda Z, A: 1.0 / (1.0 + np.exp(-Z)))


def test_a_custom_activation_goes_where_a_name_goes(tmp_path: Path) -> None:
    before = dict(mf.ACTIVATIONS)
    sp = softplus()
    X, Y, p = xor_net()
    acts: list[mf.ActivationSpec] = [sp, "sigmoid"]
    AL, cache = mf.forward(X, p, acts)
    np.testing.assert_allclose(cache["A1"], np.log1p(np.exp(np.asarray(cache["Z1"]))),
                               rtol=1e-14)
    assert mf.gradient_check(X, Y, p, acts, "bce") < 1e-7
    trained, h = mf.train(X, Y, p, acts, "bce", learning_rate=0.5, epochs=200)
    assert h["cost"][-1] < h["cost"][0]
    assert mf.predict(X, trained, acts, "bce").shape == (1, 4)
    assert "softplus (custom)" in mf.summary.summary_text(p, acts, "bce")
    np.testing.assert_allclose(mf.activation_forward(np.asarray(cache["Z1"]), sp), cache["A1"])
    net = mf.model.network(2, [[3, sp], [1, "sigmoid"]], "bce")
    net = mf.model.fit(net, np.asarray(X).T, [0, 1, 1, 0], epochs=3)
    assert mf.ACTIVATIONS == before  # no registry, no global state touched
    with pytest.raises(TypeError, match="custom activation 'softplus' is a function"):
        mf.save_params(tmp_path / "m.npz", p, acts, "bce")
    with pytest.raises(TypeError, match="custom activation 'softplus' is a function"):
        mf.model.save(net, tmp_path / "net.npz")
    assert not (tmp_path / "m.npz").exists()


def test_a_wrong_derivative_is_caught_by_gradient_check() -> None:
    wrong = mf.custom_activation("softplus", lambda Z: np.logaddexp(0.0, Z),
                                 lambda Z, A: A)  # softplus itself, not its derivative
    X, Y, p = xor_net()
    assert mf.gradient_check(X, Y, p, [wrong, "sigmoid"], "bce") > 1e-3


@pytest.mark.parametrize("g, dg, pattern", [
    (lambda Z: Z[0], lambda Z, A: Z, r"g: on a \(2, 3\) float array it must return"),
    (lambda Z: Z, lambda Z: Z, r"g, derivative: calling them on a \(2, 3\) array failed"),
    (3, lambda Z, A: Z, r"g: expected a function"),
])
def test_bad_custom_activations_are_named(g: Any, dg: Any, pattern: str) -> None:
    with pytest.raises((TypeError, ValueError), match=pattern):
        mf.custom_activation("mine", g, dg)


# --- class weights in mlp_fn.model ---------------------------------------------------------------

def test_balanced_class_weights_are_scikit_learns() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = np.array(["rare"] * 8 + ["common"] * 32)
    net = mf.model.network(2, [[4, "tanh"], [1, "sigmoid"]], "bce")
    a = mf.model.fit(net, X, y, epochs=5, class_weight="balanced")
    # scikit-learn's compute_class_weight("balanced"): n / (K n_c) = 40 / (2 * 8) = 2.5 for
    # "rare", 40 / (2 * 32) = 0.625 for "common"; the same weights given as sample_weight:
    w = np.where(y == "rare", 2.5, 0.625)
    b = mf.model.fit(net, X, y, epochs=5, sample_weight=w)
    assert all(a["params"][k].tobytes() == b["params"][k].tobytes() for k in a["params"])
    c = mf.model.fit(net, X, y, epochs=5, class_weight={"rare": 2.5, "common": 0.625})
    assert all(a["params"][k].tobytes() == c["params"][k].tobytes() for k in a["params"])
    with pytest.raises(ValueError, match="class_weight: 'other' is not one of the classes"):
        mf.model.fit(net, X, y, class_weight={"other": 2.0})
