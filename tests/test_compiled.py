"""Training compiled (JAX's jit, PyTorch's torch.compile) against NumPy's eager loop.

The golden values are NumPy's: the same network, data, batches and masks trained by the eager
loop on NumPy arrays, an independent path (no compiler, another library). A compiled run must
end within 1e-12 of it in float64 and 1e-5 in float32 (relative to max(1, |value|)): XLA fuses
and reorders sums, so the last bits differ, and a run carries them along. Runs are short (a
few epochs) so that this drift stays measurable rather than chaotic. JAX computes in float64
here only with ``jax_enable_x64``; the fixture turns it on for this module and back off after.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import mlp_fn as mf
from mlp_fn._internal.arrays import library, to_host

HAVE_JAX = importlib.util.find_spec("jax") is not None
HAVE_TORCH = importlib.util.find_spec("torch") is not None
jax_only = pytest.mark.skipif(not HAVE_JAX, reason="JAX is not installed "
                                                   "(pip install -e '.[jax]')")
TOL = {"float32": 1e-5, "float64": 1e-12}


@pytest.fixture(autouse=True)
def x64() -> Iterator[None]:
    """float64 on JAX for every test here (JAX's default is float32 only)."""
    if not HAVE_JAX:
        yield
        return
    import jax

    config: Any = jax.config
    before = config.jax_enable_x64
    config.update("jax_enable_x64", True)
    yield
    config.update("jax_enable_x64", before)


def jx(a: Any) -> Any:
    import jax.numpy as jnp

    return jnp.asarray(np.array(a))


def on_jax(d: dict[str, Any]) -> dict[str, Any]:
    return {k: jx(v) for k, v in d.items()}


def assert_close(got: dict[str, Any], want: dict[str, Any], dtype: str) -> None:
    assert set(got) == set(want)
    for k in want:
        g, w = np.asarray(to_host(got[k])), np.asarray(want[k])
        assert g.dtype == w.dtype, (k, g.dtype, w.dtype)
        err = float(np.max(np.abs(g - w) / np.maximum(1.0, np.abs(w))))
        assert err <= TOL[dtype], (k, err)


#: (norm, activations, train's keywords): every layer kind, every optimizer, clipping, L2,
#: dropout, sample weights (with a batch of zero weights, which makes no step), mini-batches
#: with a smaller last batch, a schedule, shuffling on and off.
CASES = [
    (None, ["relu", "tanh", "sigmoid"], {"learning_rate": 0.5}),
    ("batch", ["relu", "tanh+residual", "sigmoid"],
     {"learning_rate": 0.05, "batch_size": 7, "optimizer": "adam"}),
    ("layer", ["tanh", "relu", "sigmoid"],
     {"learning_rate": 0.1, "batch_size": 8, "keep_prob": 0.8, "lambd": 0.3,
      "clip_norm": 0.5, "optimizer": "momentum"}),
    (None, ["relu", "tanh", "sigmoid"],
     {"learning_rate": 0.01, "batch_size": 7, "sample_weight": "some zero",
      "optimizer": "rmsprop"}),
    (None, ["gelu", "leaky_relu", "sigmoid"],
     {"learning_rate": mf.exponential_decay(0.5, 0.9), "batch_size": 16, "optimizer": "adamw",
      "shuffle": False}),
    (None, ["tanh", "tanh", "sigmoid"],
     {"learning_rate": 0.5, "optimizer": "nesterov", "clip_norm": 0.01}),
    (None, ["relu", "relu+residual", "sigmoid"],
     {"learning_rate": 0.2, "batch_size": 10, "optimizer": "momentum_ema", "keep_prob": 0.7}),
    (None, ["tanh", "tanh", "sigmoid"], {"learning_rate": 0.3, "l1": 0.05, "lambd": 0.1}),
]


def _train_both(norm: str | None, acts: list[str], kw: dict[str, Any], dtype: str,
                epochs: int = 3) -> tuple[Any, Any, Any, Any]:
    X, Y = mf.data.noisy_xor(60, seed=3)
    X, Y = X.astype(dtype), Y.astype(dtype)
    params = mf.init_params([2, 6, 6, 1], seed=1, dtype=dtype, norm=norm)
    kw = dict(kw)
    if kw.get("sample_weight") == "some zero":
        w = np.ones(60, dtype)
        w[7:14] = 0.0  # batch 1 of 7 weighs nothing
        kw["sample_weight"] = w
    want, want_h = mf.train(X, Y, params, acts, "bce", epochs=epochs, seed=4, **kw)
    if "sample_weight" in kw:
        kw["sample_weight"] = jx(kw["sample_weight"])
    got, got_h = mf.train(jx(X), jx(Y), on_jax(params), acts, "bce", epochs=epochs, seed=4, **kw)
    return got, got_h, want, want_h


@jax_only
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("norm, acts, kw", CASES)
def test_compiled_jax_equals_numpy(norm: str | None, acts: list[str], kw: dict[str, Any],
                                   dtype: str) -> None:
    got, got_h, want, want_h = _train_both(norm, acts, kw, dtype)
    assert library(got["W1"]) == "jax"
    assert_close(got, want, dtype)
    assert got_h["opt_state"]["step"] == want_h["opt_state"]["step"]
    assert isinstance(got_h["opt_state"]["step"], int)
    assert_close(got_h["opt_state"]["slots"].get("v", {}), want_h["opt_state"]["slots"].get(
        "v", {}), dtype)
    np.testing.assert_allclose(got_h["cost"], want_h["cost"], rtol=TOL[dtype], atol=TOL[dtype])
    assert got_h["learning_rate"] == want_h["learning_rate"]


@jax_only
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(widths=st.lists(st.integers(1, 5), min_size=1, max_size=2),
       loss=st.sampled_from(["bce", "half_mse", "mse", "cce"]),
       batch=st.integers(1, 13), optimizer=st.sampled_from(list(mf.OPTIMIZERS)),
       hidden=st.sampled_from(["tanh", "relu", "sigmoid", "gelu"]))
def test_random_networks_compiled_equal_numpy(widths: list[int], loss: str, batch: int,
                                              optimizer: str, hidden: str) -> None:
    """Random architectures, losses, batch sizes and optimizers, in float64."""
    X, labels = mf.data.blobs(13, [[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]], seed=2)
    n_y = 3 if loss == "cce" else 1
    out = {"bce": "sigmoid", "cce": "softmax"}.get(loss, "identity")
    Y = mf.one_hot(labels[0].astype(int), 3) if loss == "cce" else (labels > 0).astype(float)
    params = mf.init_params([X.shape[0], *widths, n_y], seed=5)
    acts = [hidden] * len(widths) + [out]
    # 0.02: every network this draws stays stable for 2 epochs at batch size 1 (tried for all
    # of them; 0.05 sent a 2-5-1 relu net under momentum to a cost of 1e66)
    kw: dict[str, Any] = {"learning_rate": 0.02, "epochs": 2, "batch_size": batch,
                          "optimizer": optimizer, "seed": 1}
    want, _ = mf.train(X, Y, params, acts, loss, **kw)
    got, _ = mf.train(jx(X), jx(Y), on_jax(params), acts, loss, **kw)
    assert_close(got, want, "float64")


@jax_only
def test_the_step_reads_as_the_book_and_traces() -> None:
    """The step is the course's lines, and it traces with the learning rate and the step count
    as traced values: no branch reads an array's value, no value leaves JAX."""
    import jax

    from mlp_fn.training import loop

    source = inspect.getsource(loop._step)
    for line in ("forward.unchecked(X, params, net.activations, masks=masks, training=True",
                 "compute_cost.unchecked(AL, Y, loss, lambd=reg.lambd",
                 "backward.unchecked(AL, Y, cache, params, net.activations, loss",
                 "clip_by_global_norm.unchecked(grads, reg.clip_norm, xp=xp)",
                 "optimizer_step.unchecked(_trainable(params, net), grads, opt_state"):
        assert line in source
    X, Y = mf.data.noisy_xor(20, seed=0)
    params = mf.init_params([2, 4, 1], seed=0, norm="batch")
    run, state = loop._plan(jx(X), jx(Y), on_jax(params), ["relu", "sigmoid"], "bce",
                            learning_rate=0.1, epochs=1, batch_size=None, shuffle=False, seed=0,
                            optimizer="adam", optimizer_options=None, opt_state=None, lambd=0.1,
                            keep_prob=1.0, clip_norm=1.0, validation_data=None, patience=None)

    def traced(lr: Any, t: Any, p: Any) -> Any:
        opt: Any = {"step": t, "slots": state.opt_state["slots"]}
        return loop._step(run.data.X, run.data.Y, None, p, opt, lr, None, run)

    new, opt, J = jax.jit(traced)(jx(0.1), jx(3), state.params)
    assert J.shape == () and int(opt["step"]) == 4
    want_p, want_opt, want_J = loop._step(
        np.asarray(X), np.asarray(Y), None, dict(params),
        {"step": 3, "slots": {s: {k: np.zeros_like(v) for k, v in d.items()}
                              for s, d in state.opt_state["slots"].items()}}, 0.1, None,
        loop._plan(X, Y, params, ["relu", "sigmoid"], "bce", learning_rate=0.1, epochs=1,
                   batch_size=None, shuffle=False, seed=0, optimizer="adam",
                   optimizer_options=None, opt_state=None, lambd=0.1, keep_prob=1.0,
                   clip_norm=1.0, validation_data=None, patience=None)[0])
    assert abs(float(J) - float(want_J)) < 1e-12
    assert_close(new, want_p, "float64")


@jax_only
def test_epoch_boundaries_compiled() -> None:
    """Callbacks (every 3 epochs and the last), validation with early stopping and a schedule
    work compiled, with the history NumPy's run records."""
    X, Y = mf.data.noisy_xor(80, seed=1)
    Xv, Yv = mf.data.noisy_xor(40, seed=2)
    params = mf.init_params([2, 8, 1], seed=3)
    seen: dict[str, list[int]] = {"numpy": [], "jax": []}

    def watcher(name: str) -> Any:
        def callback(epoch: int, p: Any, history: Any) -> None:
            seen[name].append(epoch)
        callback.every = 3  # type: ignore[attr-defined]
        return callback

    kw: dict[str, Any] = {"learning_rate": mf.step_decay(1.0, 0.5, 4), "epochs": 10,
                          "batch_size": 16}
    want, want_h = mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", callback=watcher("numpy"),
                            **kw)
    got, got_h = mf.train(jx(X), jx(Y), on_jax(params), ["tanh", "sigmoid"], "bce",
                          callback=watcher("jax"), **kw)
    assert seen["jax"] == seen["numpy"] == [2, 5, 8, 9]
    assert_close(got, want, "float64")
    np.testing.assert_allclose(got_h["cost"], want_h["cost"], rtol=1e-12)
    # validation and early stopping: one epoch per call, the same best epoch
    kw = {"learning_rate": 2.0, "epochs": 40, "validation_data": (Xv, Yv), "patience": 3}
    want, want_h = mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", **kw)
    kw["validation_data"] = (jx(Xv), jx(Yv))
    got, got_h = mf.train(jx(X), jx(Y), on_jax(params), ["tanh", "sigmoid"], "bce", **kw)
    assert got_h["best_epoch"] == want_h["best_epoch"]
    assert got_h["stopped_early"] == want_h["stopped_early"]
    np.testing.assert_allclose(got_h["val_cost"], want_h["val_cost"], rtol=1e-12)
    assert_close(got, want, "float64")


@jax_only
def test_a_resumed_checkpoint_compiled(tmp_path: Path) -> None:
    """A run checkpointed for 4 epochs and resumed to 8 on JAX ends where NumPy's 8 end."""
    X, Y = mf.data.noisy_xor(50, seed=1)
    params = mf.init_params([2, 5, 1], seed=2)
    kw: dict[str, Any] = {"learning_rate": 0.3, "batch_size": 9, "optimizer": "adam"}
    want, _ = mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", epochs=8, **kw)
    path = tmp_path / "run.ckpt"
    mf.train(jx(X), jx(Y), on_jax(params), ["tanh", "sigmoid"], "bce", epochs=4,
             checkpoint=path, **kw)
    got, history = mf.train(jx(X), jx(Y), on_jax(params), ["tanh", "sigmoid"], "bce", epochs=8,
                            checkpoint=path, **kw)
    assert len(history["cost"]) == 8
    assert_close(got, want, "float64")


@jax_only
def test_divergence_compiled_names_the_batch_numpy_names() -> None:
    """A learning rate far too large: the compiled run raises at the epoch and batch NumPy's
    does, with finite params and their optimizer state attached."""
    X, Y = mf.data.x_squared(40)
    params = mf.init_params([1, 8, 1], seed=0)
    kw: dict[str, Any] = {"learning_rate": 3.0, "epochs": 200, "batch_size": 10}
    with pytest.raises(mf.TrainingDiverged) as want:
        mf.train(X, Y, params, ["relu", "identity"], "mse", **kw)
    with pytest.raises(mf.TrainingDiverged) as got:
        mf.train(jx(X), jx(Y), on_jax(params), ["relu", "identity"], "mse", **kw)
    assert str(got.value) == str(want.value)
    assert len(got.value.history["cost"]) == len(want.value.history["cost"])
    assert all(np.isfinite(to_host(a)).all() for a in got.value.params.values())
    assert got.value.opt_state["step"] == want.value.opt_state["step"]


@jax_only
def test_compile_false_is_eager_and_a_second_call_reuses_the_program() -> None:
    from mlp_fn.training import _compiled

    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=1)
    want, _ = mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=0.5, epochs=20)
    eager, _ = mf.train(jx(X), jx(Y), on_jax(params), ["tanh", "sigmoid"], "bce",
                        learning_rate=0.5, epochs=20, compile=False)
    assert_close(eager, want, "float64")
    mf.train(jx(X), jx(Y), on_jax(params), ["tanh", "sigmoid"], "bce", learning_rate=0.5,
             epochs=20)
    programs: dict[Any, Any] = dict(_compiled._PROGRAMS)
    sizes = {k: p._cache_size() for k, p in programs.items()}  # jit's count of its traces
    mf.train(jx(X), jx(Y), on_jax(params), ["tanh", "sigmoid"], "bce", learning_rate=0.5,
             epochs=20)
    assert _compiled._PROGRAMS == programs  # the same programs, none added
    assert {k: p._cache_size() for k, p in programs.items()} == sizes  # no new trace


def test_compile_is_refused_where_there_is_no_compiler() -> None:
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=1)
    with pytest.raises(ValueError, match="compile: NumPy has no compiler"):
        mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=0.5, epochs=2,
                 compile=True)
    with pytest.raises(TypeError, match="compile: expected None"):
        mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=0.5, epochs=2,
                 compile="yes")


# ----------------------------------------------------------------------------------------------
# Many networks at once
# ----------------------------------------------------------------------------------------------

def _sweep(n_seeds: int = 3) -> tuple[Any, Any, list[dict[str, Any]], list[float]]:
    X, Y = mf.data.x_squared(30)
    population = [dict(mf.init_params([1, 4, 1], seed=s)) for s in range(n_seeds)] * 3
    rates = [0.01] * n_seeds + [0.3] * n_seeds + [4.0] * n_seeds  # the last diverge
    return X, Y, population, rates


def test_train_many_on_numpy_is_the_loop_of_train() -> None:
    """On NumPy, each network's result is its own train's, bit for bit."""
    X, Y, population, rates = _sweep()
    results = mf.train_many(X, Y, population, ["tanh", "identity"], "mse", learning_rate=rates,
                            epochs=60, diverged="return", batch_size=10)
    for i, (params, lr, res) in enumerate(zip(population, rates, results)):
        try:
            want, history = mf.train(X, Y, params, ["tanh", "identity"], "mse",
                                     learning_rate=lr, epochs=60, batch_size=10)
        except mf.TrainingDiverged as err:  # named by its place, as on JAX
            assert isinstance(res, mf.TrainingDiverged) and res.network == i
            assert str(res) == f"network {i}: {err}"
            continue
        assert not isinstance(res, mf.TrainingDiverged)
        assert all(np.array_equal(res[0][k], want[k]) for k in want)
        assert res[1]["cost"] == history["cost"]


@pytest.mark.parametrize("on", ["numpy", pytest.param("jax", marks=jax_only)])
def test_train_many_says_which_network_ran_unstable_at_the_callers_line(on: str) -> None:
    """A network whose cost ended far above its start is named by its place (the warning gave
    train's message alone, and on JAX pointed into mlp_fn); the warning is the caller's line's,
    and the history records the same words; its neighbours record nothing."""
    X, Y = mf.data.x_squared(50)
    population = [dict(mf.init_params([1, 4, 1], seed=s)) for s in range(3)]
    move = jx if on == "jax" else np.asarray
    with pytest.warns(mf.TrainingUnstable) as caught:
        results = mf.train_many(move(X), move(Y), [{k: move(a) for k, a in p.items()}
                                                   for p in population],
                                ["tanh", "identity"], "mse", learning_rate=[0.1, 1e30, 0.1],
                                epochs=5)
    assert len(caught) == 1 and caught[0].filename == __file__
    said = str(caught[0].message)
    assert said.startswith("network 1: train: the cost ended at ")
    assert [h["warnings"] for _, h in results] == [[], [said], []]


@jax_only
def test_train_many_on_jax_equals_each_train() -> None:
    """Vmapped on JAX: each network within 1e-12 of its own NumPy train, a diverged one at the
    same epoch and batch; with diverged='raise' the first diverged network raises."""
    X, Y, population, rates = _sweep()
    results = mf.train_many(jx(X), jx(Y), [on_jax(p) for p in population],
                            ["tanh", "identity"], "mse", learning_rate=rates, epochs=60,
                            diverged="return", batch_size=10, optimizer="momentum")
    diverged = 0
    for i, (params, lr, res) in enumerate(zip(population, rates, results)):
        try:
            want, history = mf.train(X, Y, params, ["tanh", "identity"], "mse",
                                     learning_rate=lr, epochs=60, batch_size=10,
                                     optimizer="momentum")
        except mf.TrainingDiverged as err:
            diverged += 1
            assert isinstance(res, mf.TrainingDiverged) and res.network == i
            assert str(res) == f"network {i}: {err}"
            continue
        assert not isinstance(res, mf.TrainingDiverged)
        assert_close(res[0], want, "float64")
        np.testing.assert_allclose(res[1]["cost"], history["cost"], rtol=1e-12)
        assert res[1]["opt_state"]["step"] == history["opt_state"]["step"]
    assert diverged == 3
    with pytest.raises(mf.TrainingDiverged) as raised:
        mf.train_many(jx(X), jx(Y), [on_jax(p) for p in population], ["tanh", "identity"],
                      "mse", learning_rate=rates, epochs=60, batch_size=10,
                      optimizer="momentum")
    assert raised.value.network == 6


@jax_only
def test_train_many_on_jax_with_a_schedule_among_constant_rates() -> None:
    """One network's rate a schedule, the others numbers: every epoch's rate goes into the
    vmapped call (not one rate for the chunk); each network equals its own NumPy train, and
    its history lists the rates it was given."""
    X, Y, population, _ = _sweep(2)
    rates: list[Any] = [0.05, mf.exponential_decay(0.3, 0.5), 0.1, 0.01, 0.2, 0.02]
    results = mf.train_many(jx(X), jx(Y), [on_jax(p) for p in population],
                            ["tanh", "identity"], "mse", learning_rate=rates, epochs=7)
    for params, lr, (got, got_h) in zip(population, rates, results):
        want, history = mf.train(X, Y, params, ["tanh", "identity"], "mse", learning_rate=lr,
                                 epochs=7)
        assert_close(got, want, "float64")
        np.testing.assert_allclose(got_h["cost"], history["cost"], rtol=1e-12)
        assert got_h["learning_rate"] == history["learning_rate"]
        assert got_h["opt_state"]["step"] == history["opt_state"]["step"] == 7


def test_train_many_refuses_what_it_cannot_do() -> None:
    X, Y, population, rates = _sweep(1)
    acts = ["tanh", "identity"]
    with pytest.raises(ValueError, match="learning_rate: expected one per network"):
        mf.train_many(X, Y, population, acts, "mse", learning_rate=[0.1], epochs=2)
    other = [population[0], dict(mf.init_params([1, 5, 1], seed=0))]
    with pytest.raises(ValueError, match=r"population\[1\]: expected the architecture"):
        mf.train_many(X, Y, other, acts, "mse", learning_rate=0.1, epochs=2)
    with pytest.raises(TypeError, match="unexpected keyword 'opt_state'"):
        mf.train_many(X, Y, population, acts, "mse", learning_rate=0.1, epochs=2,
                      opt_state=None)
    bad_every: Any = lambda e, p, h: None  # noqa: E731
    bad_every.every = 0
    with pytest.raises(ValueError, match=r"^callback\.every: expected an integer >= 1"):
        mf.train_many(X, Y, population, acts, "mse", learning_rate=0.1, epochs=2,
                      callback=bad_every)
    # taken and ignored before (a checkpoint is one network's, so there is none to time)
    with pytest.raises(TypeError, match=r"unexpected keyword 'checkpoint_every'.*belong to one "
                                        r"network: use train\)$"):
        mf.train_many(X, Y, population, acts, "mse", learning_rate=0.1, epochs=2,
                      checkpoint_every=5.0)
    with pytest.raises(TypeError, match="population: expected a non-empty sequence"):
        mf.train_many(X, Y, [], acts, "mse", learning_rate=0.1, epochs=2)
    with pytest.raises(ValueError, match="diverged: expected 'raise' or 'return'"):
        mf.train_many(X, Y, population, acts, "mse", learning_rate=0.1, epochs=2,
                      diverged="ignore")  # type: ignore[call-overload]


def test_train_many_checks_every_network_values_and_all() -> None:
    """A network of network 0's structure is checked for its values (NaN, a negative running
    variance); one of another dtype or library gets the whole check. Each error names the
    network's place and the array."""
    X, Y = mf.data.x_squared(20)
    acts = ["tanh", "identity"]
    first = dict(mf.init_params([1, 4, 1], seed=0))
    bad = {**first, "W2": first["W2"].copy()}
    bad["W2"][0, 2] = np.nan
    with pytest.raises(ValueError, match=r"population\[1\]: params\['W2'\]: expected finite "
                                         r"values, got 1 NaN or inf entries \(first at index "
                                         r"\(0, 2\)"):
        mf.train_many(X, Y, [first, bad], acts, "mse", learning_rate=0.1, epochs=1)
    wrong = {**first, "b1": first["b1"].astype(np.float32)}
    with pytest.raises(TypeError, match=r"population\[1\]: params: expected one float dtype"):
        mf.train_many(X, Y, [first, wrong], acts, "mse", learning_rate=0.1, epochs=1)
    normed = dict(mf.init_params([1, 4, 1], seed=0, norm="batch"))
    negative = {**normed, "sigma21": normed["sigma21"] - 2.0}
    with pytest.raises(ValueError, match=r"population\[1\]: params\['sigma21'\]: expected "
                                         r"variances >= 0"):
        mf.train_many(X, Y, [normed, negative], acts, "mse", learning_rate=0.1, epochs=1)
    if HAVE_JAX:
        with pytest.raises(TypeError, match=r"population\[1\]: params\['W1'\]: expected an "
                                            r"array of numpy"):
            mf.train_many(X, Y, [first, on_jax(first)], acts, "mse", learning_rate=0.1,
                          epochs=1)


# ----------------------------------------------------------------------------------------------
# JAX and PyTorch as a user meets them
# ----------------------------------------------------------------------------------------------

@jax_only
def test_float64_on_jax_without_x64_is_refused_with_the_fix() -> None:
    import jax

    jnp: Any = importlib.import_module("jax.numpy")
    config: Any = jax.config
    config.update("jax_enable_x64", False)
    with pytest.raises(ValueError, match=r"jax_enable_x64.*dtype='float32'"):
        mf.init_params([2, 3, 1], seed=0, xp=jnp)
    params = mf.init_params([2, 3, 1], seed=0, xp=jnp, dtype="float32")
    assert params["W1"].dtype == jnp.float32


@jax_only
def test_gradient_check_on_jax_in_its_default_configuration() -> None:
    """float32 params on JAX without x64: the check measures in float64 on the host and finds
    a correct network right (below 1e-7)."""
    import jax

    jnp: Any = importlib.import_module("jax.numpy")
    config: Any = jax.config
    config.update("jax_enable_x64", False)
    X, Y = mf.data.noisy_xor(20, seed=0)
    params = mf.init_params([2, 4, 1], seed=0, xp=jnp, dtype="float32")
    diff = mf.gradient_check(jnp.asarray(X, dtype=jnp.float32), jnp.asarray(Y, dtype=jnp.float32),
                             params, ["tanh", "sigmoid"], "bce")
    assert diff < 1e-7


@pytest.mark.skipif(not HAVE_TORCH, reason="PyTorch is not installed")
def test_torch_dtypes_and_hints() -> None:
    torch: Any = importlib.import_module("torch")
    params = mf.init_params([2, 3, 1], seed=0, xp=torch, dtype=torch.float32)
    assert params["W1"].dtype == torch.float32
    X, _ = mf.data.xor()
    with pytest.raises(TypeError, match=r"torch\.as_tensor\(X, device='cpu'\)"):
        mf.forward(X, params, ["tanh", "sigmoid"])
    with pytest.raises(TypeError, match=r"X\.to\(torch\.float32\)"):
        mf.forward(torch.asarray(np.array(X)), params, ["tanh", "sigmoid"])


@jax_only
def test_jax_hints_name_what_a_user_types() -> None:
    jnp: Any = importlib.import_module("jax.numpy")

    params = mf.init_params([2, 3, 1], seed=0, xp=jnp)
    X, _ = mf.data.xor()
    with pytest.raises(TypeError, match=r"jax\.numpy\.asarray\(X\)"):
        mf.forward(X, params, ["tanh", "sigmoid"])


@jax_only
def test_a_public_function_traced_says_so_and_its_advice_works() -> None:
    """Inside jax.jit or jax.grad a public function cannot read its arguments' values: the
    error names the traced argument and the body to trace instead, and that body, traced as
    the message says, gives backward's gradients (JAX's autodiff against the course's
    equations) and update's step."""
    import jax
    import jax.numpy as jnp

    from mlp_fn.network import architecture

    X, Y = (jx(a) for a in mf.data.noisy_xor(12, seed=0))
    acts = ["tanh", "sigmoid"]
    params = on_jax(mf.init_params([2, 3, 1], seed=0))
    with pytest.raises(TypeError, match=r"^X: expected a concrete array, got a JAX array being "
                                        r"traced .*forward\.unchecked\(\.\.\., net=mlp_fn\."
                                        r"network\.architecture\(params, activations\), "
                                        r"xp=jax\.numpy\)(\n|$)"):
        jax.jit(lambda X: mf.forward(X, params, acts)[0])(X)
    with pytest.raises(TypeError, match=r"^params\['W1'\]: .*being traced"):
        jax.grad(lambda p: mf.compute_cost(mf.forward(X, p, acts)[0], Y, "bce"))(params)
    with pytest.raises(TypeError, match=r"^AL: .*compute_cost\.unchecked\(\.\.\., "
                                        r"xp=jax\.numpy\)(\n|$)"):
        jax.jit(lambda AL: mf.compute_cost(AL, Y, "bce"))(jnp.full((1, 12), 0.5))
    with pytest.raises(TypeError, match=r"train checks the values it is given, which a "
                                        r"trace does not have: call it outside the "
                                        r"transformation(\n|$)"):
        jax.jit(lambda p: mf.train(X, Y, p, acts, "bce", learning_rate=0.1, epochs=1)[0])(params)

    net = architecture(params, acts)

    def cost(p: Any) -> Any:
        AL, _ = mf.forward.unchecked(X, p, acts, net=net, xp=jnp)
        return mf.compute_cost.unchecked(AL, Y, "bce", xp=jnp)

    traced = jax.jit(jax.grad(cost))(params)
    AL, cache = mf.forward(X, params, acts)
    grads = mf.backward(AL, Y, cache, params, acts, "bce")
    assert_close({"d" + k: v for k, v in traced.items()}, {k: np.asarray(v) for k, v in
                                                            grads.items()}, "float64")
    step = jax.jit(lambda p, g: mf.update.unchecked(p, g, 0.5, learned=p, xp=jnp))(params, grads)
    assert_close(step, {k: np.asarray(v) for k, v in
                        mf.update(params, grads, learning_rate=0.5).items()}, "float64")


@pytest.mark.skipif(not HAVE_TORCH, reason="PyTorch is not installed")
@pytest.mark.filterwarnings("ignore:.*is deprecated:DeprecationWarning")  # torch's own, inside
def test_torch_compile_equals_numpy() -> None:
    """compile=True on PyTorch (torch.compile of the step; its first call compiles for tens of
    seconds on this CPU)."""
    torch: Any = importlib.import_module("torch")

    X, Y = mf.data.noisy_xor(40, seed=3)
    params = mf.init_params([2, 5, 1], seed=1)
    kw: dict[str, Any] = {"learning_rate": 0.1, "epochs": 3, "batch_size": 16,
                          "optimizer": "adam"}
    want, _ = mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", **kw)
    got, _ = mf.train(torch.asarray(np.array(X)), torch.asarray(np.array(Y)),
                      {k: torch.asarray(np.array(v)) for k, v in params.items()},
                      ["tanh", "sigmoid"], "bce", compile=True, **kw)
    assert_close(got, want, "float64")


def test_hyper_parameters_and_the_step_count_may_be_0d_arrays() -> None:
    """A learning rate, a beta and a step count kept as 0-d arrays (NumPy's, or JAX's) are taken
    as the numbers they hold, and give what the numbers give."""
    params = {"theta": np.array([1.0, -2.0])}
    grads = {"dtheta": np.array([0.5, 0.25])}
    state = mf.adam_init(params)
    want = mf.adam_step(params, grads, {"step": 3, "slots": state["slots"]},
                        learning_rate=0.1, beta1=0.8)
    got = mf.adam_step(params, grads, {"step": np.array(3), "slots": state["slots"]},
                       learning_rate=np.array(0.1), beta1=np.array(0.8))
    np.testing.assert_array_equal(got[0]["theta"], want[0]["theta"])
    assert got[1]["step"] == 4
    X, Y = mf.data.xor()
    p0 = mf.init_params([2, 3, 1], seed=0)
    a, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=np.float64(0.5),
                    epochs=int(np.array(5)))
    b, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=np.array(0.5), epochs=5)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    if HAVE_JAX:
        c, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=jx(0.5), epochs=5)
        assert all(np.array_equal(a[k], c[k]) for k in a)
    with pytest.raises(TypeError, match="learning_rate"):
        mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=np.array(True), epochs=1)


@jax_only
def test_labels_on_jax_in_its_default_configuration_warn_nothing() -> None:
    """Without x64 JAX has no int64 (asked for one, it warns and gives int32): predictions and
    labels use the library's own integer type, so nothing warns (warnings are errors here)."""
    import jax

    jnp: Any = importlib.import_module("jax.numpy")
    config: Any = jax.config
    config.update("jax_enable_x64", False)
    X, labels = mf.data.blobs(30, np.array([[0.0, 0.0], [3.0, 3.0], [0.0, 3.0]]), seed=0)
    X32, row = jnp.asarray(X, dtype=jnp.float32), jnp.asarray(labels, dtype=jnp.int32)
    params = mf.init_params([2, 4, 3], seed=0, xp=jnp, dtype="float32")
    acts = ["relu", "softmax"]
    predicted = mf.predict(X32, params, acts, "cce")
    assert predicted.dtype == jnp.int32 and predicted.shape == (3, 30)
    assert np.array_equal(np.asarray(predicted).argmax(axis=0),
                          np.asarray(mf.forward(X32, params, acts)[0]).argmax(axis=0))
    one_hot = jnp.asarray(mf.one_hot(labels[0].astype(int), 3), dtype=jnp.float32)
    assert mf.accuracy(X32, row, params, acts, "cce") == mf.accuracy(X32, one_hot, params, acts,
                                                                     "cce")
    AL, _ = mf.forward(X32, params, acts)
    assert mf.compute_cost(AL, row, "cce") == mf.compute_cost(AL, one_hot, "cce")
    _, history = mf.train(X32, row, params, acts, "cce", learning_rate=0.1, epochs=2)
    assert len(history["cost"]) == 2
    binary = mf.init_params([2, 3, 1], seed=0, xp=jnp, dtype="float32")
    assert mf.predict(X32, binary, ["tanh", "sigmoid"], "bce").dtype == jnp.int32


@jax_only
def test_a_float64_file_loaded_on_jax_without_x64_says_what_to_do(tmp_path: Path) -> None:
    # load_params has no dtype to pass: the message offers what it can do instead.
    import jax

    jnp: Any = importlib.import_module("jax.numpy")
    config: Any = jax.config
    config.update("jax_enable_x64", False)
    path = tmp_path / "net.npz"
    mf.save_params(path, mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce")
    with pytest.raises(ValueError, match=r"^xp: the file holds float64 params, but .*"
                                         r"jax_enable_x64.*; or load them on NumPy") as err:
        mf.load_params(path, xp=jnp)
    assert "dtype='float32'" not in str(err.value).split("; or")[0]
    mf.save_params(path, mf.init_params([2, 3, 1], seed=0, dtype="float32"), ["tanh", "sigmoid"],
                   "bce")
    assert mf.load_params(path, xp=jnp)[0]["W1"].dtype == jnp.float32
