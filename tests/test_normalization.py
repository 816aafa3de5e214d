"""Batch and layer normalisation and residual connections: the forward pass against a reference
written here in plain NumPy, the backward pass against central differences of that reference,
and the running statistics, modes and state around them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import mlp_fn as mf

EPS = 1e-5  # the eps of sqrt(sigma^2 + eps), as documented in mlp_fn.normalization

G: dict[str, Any] = {  # g written out here, independently of mlp_fn.activations
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "gelu": lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3))),
    "identity": lambda z: z,
    "quadratic": lambda z: z * z,
}
KINKED = {"relu", "leaky_relu"}


def reference(X: Any, Y: Any, params: dict[str, Any], acts: list[str], loss: str,
              masks: dict[str, Any], lambd: float, training: bool = True
              ) -> tuple[float, dict[int, Any]]:
    """The cost J and each layer's activation input, by the course's equations, in float64."""
    A = X.astype(np.float64)
    p = {k: v.astype(np.float64) for k, v in params.items()}
    L = len(acts)
    inputs: dict[int, Any] = {}
    for l in range(1, L + 1):
        name, _, res = acts[l - 1].partition("+")
        Z = p[f"W{l}"] @ A
        if f"gamma{l}" in p:
            if f"mu{l}" in p and not training:
                mu, var = p[f"mu{l}"], p[f"sigma2{l}"]
            else:
                axis = 1 if f"mu{l}" in p else 0  # batch norm: over examples; layer norm: units
                mu = Z.mean(axis=axis, keepdims=True)
                var = ((Z - mu) ** 2).mean(axis=axis, keepdims=True)
            Z = p[f"gamma{l}"] * (Z - mu) / np.sqrt(var + EPS) + p[f"beta{l}"]
        else:
            Z = Z + p[f"b{l}"]
        inputs[l] = Z
        if l == L:
            break
        with np.errstate(over="ignore"):  # sigmoid of a very negative z: e^-z = inf, a = 0
            A_new = G[name](Z) * masks.get(f"D{l}", 1.0)
        A = A_new + A if res else A_new
    Z, m = inputs[L], X.shape[1]
    if loss == "bce":  # from the logits: -log sigmoid(z) = log(1 + e^-z)
        J = float((Y * np.logaddexp(0, -Z) + (1 - Y) * np.logaddexp(0, Z)).sum() / m)
    elif loss == "cce":
        lse = Z.max(axis=0) + np.log(np.exp(Z - Z.max(axis=0)).sum(axis=0))
        J = float((lse - (Y * Z).sum(axis=0)).sum() / m)
    else:
        J = float(((Z - Y) ** 2).mean())
    J += lambd / (2 * m) * sum(float((p[k] ** 2).sum()) for k in p if k.startswith("W"))
    return J, inputs


@st.composite
def normalised_problems(draw: Any) -> dict[str, Any]:
    L = draw(st.integers(1, 6))
    norm = draw(st.sampled_from([None, "batch", "layer"]))
    width = draw(st.integers(1, 5))
    residual = draw(st.booleans())
    out, loss, n_y = draw(st.sampled_from([("sigmoid", "bce", 1), ("softmax", "cce", 3),
                                           ("identity", "mse", 2)]))
    hidden = [draw(st.sampled_from(sorted(G))) for _ in range(L - 1)]
    m = draw(st.integers(1, 64))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_x = width if residual else draw(st.integers(1, 5))
    params = {k: np.array(v) for k, v in
              mf.init_params([n_x] + [width] * (L - 1) + [n_y], seed=seed % 2**31, norm=norm,
                             dtype=np.float64).items()}
    for k in params:  # move gamma, beta, b, running statistics off their starting values
        if not k.startswith("W"):
            params[k] = params[k] + 0.3 * rng.standard_normal(params[k].shape)
        if k.startswith("sigma2"):
            params[k] = np.abs(params[k]) + 0.1
    params = {k: v.astype(dtype) for k, v in params.items()}
    # With a residual network n_x = width, so every hidden layer can add its input.
    acts = [h + ("+residual" if residual else "") for h in hidden] + [out]
    X = rng.standard_normal((n_x, m)).astype(dtype)
    if loss == "bce":
        Y = rng.integers(0, 2, (1, m)).astype(dtype)
    elif loss == "cce":
        Y = mf.one_hot(rng.integers(0, 3, m), 3, dtype=dtype)
    else:
        Y = rng.standard_normal((n_y, m)).astype(dtype)
    keep = draw(st.sampled_from([1.0, 0.7]))
    masks = {f"D{l}": ((rng.random((width, m)) < keep) / keep).astype(dtype)
             for l in range(1, L)} if keep < 1 else {}
    return {"X": X, "Y": Y, "params": params, "acts": acts, "loss": loss, "masks": masks,
            "lambd": draw(st.sampled_from([0.0, 0.1])), "dtype": dtype}


@given(p=normalised_problems())
def test_forward_follows_the_equations(p: dict[str, Any]) -> None:
    for training in (True, False):
        AL, cache = mf.forward(p["X"], p["params"], p["acts"], masks=p["masks"] or None,
                               training=training)
        _, inputs = reference(p["X"], p["Y"], p["params"], p["acts"], p["loss"], p["masks"],
                              0.0, training)
        L = len(p["acts"])
        got = cache.get(f"Ztilde{L - 1}", cache[f"Z{L - 1}"]) if L > 1 else cache["Z1"]
        want = inputs[L - 1] if L > 1 else inputs[1]
        tol = 1e-10 if p["dtype"] == np.float64 else 2e-3
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
        np.testing.assert_allclose(cache[f"Z{L}"], inputs[L], rtol=tol, atol=tol)


@given(p=normalised_problems())
def test_backward_equals_central_differences(p: dict[str, Any]) -> None:
    X, Y, params, acts, loss = p["X"], p["Y"], p["params"], p["acts"], p["loss"]
    _, inputs = reference(X, Y, params, acts, loss, p["masks"], 0.0)
    for l, name in enumerate(acts[:-1], start=1):  # keep central differences off the kinks
        if name.partition("+")[0] in KINKED:
            assume(np.abs(inputs[l]).min() > 1e-3)
    AL, cache = mf.forward(X, params, acts, masks=p["masks"] or None, training=True)
    grads = mf.backward(AL, Y, cache, params, acts, loss, lambd=p["lambd"])
    assert {k[1:] for k in grads} == {k for k in params if not k.startswith(("mu", "sigma2"))}
    # h = 1e-7: layer normalisation over units that nearly agree (sigma^2 = 3e-7, below eps) is
    # so curved that the h^2 error of central differences reached 1e-4 at h = 1e-6 (1e-6 at
    # 1e-7); the rounding error, about 1e-16 |J| / h, stays near 1e-9.
    h = 1e-7
    p64 = {k: v.astype(np.float64) for k, v in params.items()}
    num, ana = [], []
    for key in sorted(grads):
        value = p64[key[1:]]
        for idx in np.ndindex(*value.shape):
            plus, minus = value.copy(), value.copy()
            plus[idx] += h
            minus[idx] -= h
            jp, _ = reference(X, Y, {**p64, key[1:]: plus}, acts, loss, p["masks"], p["lambd"])
            jm, _ = reference(X, Y, {**p64, key[1:]: minus}, acts, loss, p["masks"], p["lambd"])
            num.append((jp - jm) / (2 * h))
            ana.append(float(grads[key][idx]))
        assert grads[key].dtype == p["dtype"]
    a, b = np.array(ana), np.array(num)
    scale = max(1.0, float(np.abs(b).max()))
    # float32: its gradients against float64 differences, so the bound is float32's rounding,
    # amplified by 1/sigma where batch norm divides by a small batch's spread (m = 2, say).
    tol = 1e-5 if p["dtype"] == np.float64 else 2e-2
    assert np.abs(a - b).max() <= tol * scale, (a, b)


# --- modes and running statistics ----------------------------------------------------------------

def test_statistics_of_two_kinds_are_refused() -> None:
    """mu of one kind and sigma^2 of the other (one per unit, one per example) broadcast to a
    (n, m) result of neither, and a backward pass over an axis that is not the one sigma^2 was
    taken over gives a wrong dZ: both were computed without a word."""
    from mlp_fn import normalization as N

    Z = np.random.default_rng(0).standard_normal((3, 5))
    with pytest.raises(ValueError, match=r"^sigma2: expected the shape of mu \(1, 5\): both one "
                                         r"per unit .* got \(3, 1\)$"):
        N.normalize(Z, np.zeros((1, 5)), np.ones((3, 1)))
    for shape, axis in (((1, 5), 1), ((3, 1), 0)):
        with pytest.raises(ValueError, match=rf"^axis: statistics over axis {axis} have shape "):
            N.normalize_backward(Z, Z, np.ones(shape), axis)
    # each kind with its own axis, and constant statistics of either shape, are taken
    assert N.normalize_backward(Z, Z, np.ones((3, 1)), 1).shape == (3, 5)
    assert N.normalize_backward(Z, Z, np.ones((1, 5)), 0).shape == (3, 5)
    assert N.normalize_backward(Z, Z, np.ones((1, 5)), None).shape == (3, 5)


def test_inference_does_not_depend_on_the_rest_of_the_batch() -> None:
    params = mf.init_params([2, 4, 4, 1], norm="batch", seed=0)
    X, Y = mf.data.two_moons(64, seed=0)
    params, _ = mf.train(X, Y, params, ["relu", "relu", "sigmoid"], "bce", learning_rate=0.1,
                         epochs=3, batch_size=16)
    acts = ["relu", "relu", "sigmoid"]
    alone = np.array([mf.forward(X[:, [i]], params, acts)[0][0, 0] for i in range(5)])
    together = mf.forward(X[:, :5], params, acts)[0][0]
    # Equal up to the last bit BLAS may round differently for one column than for five.
    np.testing.assert_allclose(alone, together, rtol=1e-14)
    batch_mode = mf.forward(X[:, :5], params, acts, training=True)[0][0]
    assert not np.allclose(batch_mode, together)  # the batch's statistics are another function


def test_running_statistics_are_the_course_average() -> None:
    # One full-batch epoch: mu_run = 0.9 * 0 + 0.1 * mu_batch, sigma2_run = 0.9 * 1 + 0.1 *
    # sigma2_batch, where the batch statistics are those of Z1 = W1 X at the starting params.
    X, Y = mf.data.two_moons(40, seed=1)
    p0 = mf.init_params([2, 3, 1], norm="batch", seed=2)
    p1, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=1)
    Z1 = np.asarray(p0["W1"]) @ np.asarray(X)
    np.testing.assert_allclose(p1["mu1"], 0.1 * Z1.mean(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(p1["sigma21"], 0.9 + 0.1 * Z1.var(axis=1, keepdims=True),
                               rtol=1e-12)


def test_a_batch_of_one_is_refused_by_train_and_harmless_in_forward() -> None:
    X, Y = mf.data.two_moons(33, seed=0)
    p = mf.init_params([2, 3, 1], norm="batch")
    with pytest.raises(ValueError, match="at least 2 examples in every batch"):
        mf.train(X, Y, p, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=1,
                 batch_size=32)  # 33 = 32 + 1
    AL, cache = mf.forward(X[:, :1], p, ["tanh", "sigmoid"], training=True)
    # sigma^2 = 0 over one example: Z_norm = 0, so A1 = tanh(beta1) = 0, and no NaN anywhere.
    assert np.isfinite(AL).all() and np.array_equal(cache["A1"], np.zeros((3, 1)))
    mf.train(X, Y, mf.init_params([2, 3, 1], norm="layer"), ["tanh", "sigmoid"], "bce",
             learning_rate=0.1, epochs=1, batch_size=32)  # layer norm has no such limit


def test_residual_needs_matching_widths_and_a_hidden_layer() -> None:
    p = mf.init_params([2, 3, 3, 1])
    with pytest.raises(ValueError, match="needs equal widths"):
        mf.forward(np.zeros((2, 4)), p, ["tanh+residual", "tanh", "sigmoid"])
    with pytest.raises(ValueError, match="output layer"):
        mf.forward(np.zeros((2, 4)), p, ["tanh", "tanh", "sigmoid+residual"])
    AL, cache = mf.forward(np.ones((2, 4)), p, ["tanh", "Tanh+Residual", "sigmoid"])
    np.testing.assert_allclose(cache["A2"], np.tanh(cache["Z2"]) + cache["A1"], rtol=1e-15)


def test_the_state_around_training_carries_the_new_parameters(tmp_path: Path) -> None:
    X, Y = mf.data.two_moons(60, seed=3)
    Xv, Yv = mf.data.two_moons(30, seed=4)
    acts = ["relu", "relu+residual", "sigmoid"]
    p0 = mf.init_params([2, 6, 6, 1], norm="batch", seed=1)
    kw: dict[str, Any] = dict(learning_rate=0.01, batch_size=20, optimizer="adam", clip_norm=1.0,
                              validation_data=(Xv, Yv))
    whole, h = mf.train(X, Y, p0, acts, "bce", epochs=4, **kw)
    half, h1 = mf.train(X, Y, p0, acts, "bce", epochs=2, **kw)
    rest, _ = mf.train(X, Y, half, acts, "bce", epochs=2, opt_state=h1["opt_state"], **kw)
    assert set(whole) == set(p0) and set(h["opt_state"]["slots"]["m"]) == {
        k for k in p0 if not k.startswith(("mu", "sigma2"))}
    for k in whole:  # running statistics included
        assert whole[k].tobytes() == rest[k].tobytes(), k
    ckpt, _ = mf.train(X, Y, p0, acts, "bce", epochs=4, checkpoint=tmp_path / "c.ckpt", **kw)
    assert all(ckpt[k].tobytes() == whole[k].tobytes() for k in whole)
    mf.save_params(tmp_path / "m.npz", whole, acts, "bce")
    loaded, acts_back, _ = mf.load_params(tmp_path / "m.npz")
    assert acts_back == acts and all(loaded[k].tobytes() == whole[k].tobytes() for k in whole)
    assert mf.gradient_check(X[:, :8], Y[:, :8], whole, acts, "bce") < 1e-6
    # 2*6 W1 + 2*6 (gamma1, beta1) + 6*6 W2 + 2*6 + 6 W3 + 1 b3: running statistics not counted.
    assert mf.summary.count_params(whole) == 12 + 12 + 36 + 12 + 6 + 1
    stopped, hs = mf.train(X, Y, p0, acts, "bce", epochs=50, patience=2,
                           **{**kw, "learning_rate": 0.5})
    assert hs["stopped_early"] and set(stopped) == set(p0)


