"""The core on other array libraries (the array API): every result compared with NumPy's.

Each backend gets the same inputs, made by NumPy and moved; its results are brought back to
the host and compared with what NumPy computes from the same inputs: within 1e-12 in float64
and 1e-5 in float32 (two libraries' exp and tanh may differ in the last bit, and a training
run carries such differences along). Initial params and dropout masks must be identical: they
are drawn on the host. array-api-strict runs on its CPU device, on a second device (a missing
``device=`` anywhere would mix two devices and fail) and on a device without float64.
A library that is not installed is skipped, saying so.
"""

from __future__ import annotations

import importlib.util
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import mlp_fn as mf
from mlp_fn._internal.arrays import library, to_host

HAVE_STRICT = importlib.util.find_spec("array_api_strict") is not None
HAVE_TORCH = importlib.util.find_spec("torch") is not None


class Lib(NamedTuple):
    name: str
    xp: Any
    device: Any
    dtypes: tuple[str, ...]


def _libraries() -> list[Any]:
    libs: list[Any] = []
    if HAVE_STRICT:
        import array_api_strict as s
        both = ("float32", "float64")
        libs += [pytest.param(Lib("array_api_strict", s, None, both), id="strict-cpu"),
                 pytest.param(Lib("array_api_strict", s, s.Device("device1"), both),
                              id="strict-device1"),
                 pytest.param(Lib("array_api_strict", s, s.Device("no_float64"), ("float32",)),
                              id="strict-no-float64")]
    else:
        libs.append(pytest.param(None, id="strict", marks=pytest.mark.skip(
            reason="array-api-strict is not installed (pip install -e '.[backends]')")))
    if HAVE_TORCH:
        import torch
        libs.append(pytest.param(Lib("torch", torch, "cpu", ("float32", "float64")),
                                 id="torch-cpu"))
    else:
        libs.append(pytest.param(None, id="torch", marks=pytest.mark.skip(
            reason="PyTorch is not installed (pip install -e '.[backends]')")))
    return libs


LIBS = _libraries()
TOL = {"float32": 1e-5, "float64": 1e-12}


def move(a: np.ndarray[Any, Any], lib: Lib) -> Any:
    """A NumPy array in the library, on its device (a copy)."""
    return lib.xp.asarray(np.array(a), device=lib.device, copy=True)


def moved(d: dict[str, Any], lib: Lib) -> dict[str, Any]:
    return {k: move(v, lib) for k, v in d.items()}


def host(d: dict[str, Any]) -> dict[str, np.ndarray[Any, Any]]:
    return {k: np.array(to_host(v)) for k, v in d.items()}


def check_same(got: Any, want: np.ndarray[Any, Any], lib: Lib, dtype: str) -> None:
    """``got`` is an array of the library, on its device, of the dtype, equal to ``want``."""
    assert library(got) == lib.name
    if lib.device is not None:
        import array_api_compat
        assert array_api_compat.device(got) == array_api_compat.device(move(np.zeros(1, dtype),
                                                                             lib))
    values = to_host(got)
    assert values.dtype == want.dtype == np.dtype(dtype)
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    np.testing.assert_allclose(values, want, rtol=0, atol=TOL[dtype] * scale)


def storage(a: Any) -> tuple[int, int]:
    """The memory an array's values lie in: (start, end) addresses."""
    if hasattr(a, "untyped_storage"):
        st_ = a.untyped_storage()
        return st_.data_ptr(), st_.data_ptr() + st_.nbytes()
    base = a._array  # array-api-strict wraps a NumPy array
    lo, hi = np.lib.array_utils.byte_bounds(base)
    return lo, hi


def shares(outputs: Any, inputs: Any) -> bool:
    """Whether any output array's memory overlaps any input array's."""
    def arrays(v: Any) -> list[Any]:
        if isinstance(v, dict):
            return [a for x in v.values() for a in arrays(x)]
        if isinstance(v, (tuple, list)):
            return [a for x in v for a in arrays(x)]
        return [v] if library(v) != "numpy" else []

    spans = [storage(a) for a in arrays(inputs)]
    return any(lo < hi2 and lo2 < hi for a in arrays(outputs) for lo, hi in [storage(a)]
               for lo2, hi2 in spans)


def xor_data(dtype: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    X, Y = mf.data.noisy_xor(40, seed=3)
    return X.astype(dtype), Y.astype(dtype)


NETS = [  # (layer sizes, activations, loss, init norm)
    ([2, 5, 1], ["tanh", "sigmoid"], "bce", None),
    ([2, 4, 4, 3], ["relu", "gelu+residual", "softmax"], "cce", None),
    ([2, 6, 6, 1], ["leaky_relu", "sigmoid", "identity"], "mse", "batch"),
    ([2, 5, 2], ["quadratic", "softmax"], "half_mse", "layer"),
]


def targets(Y: np.ndarray[Any, Any], loss: str, n_y: int) -> np.ndarray[Any, Any]:
    if loss == "cce":
        return mf.data.one_hot((Y[0] > 0.5).astype(int) + (n_y > 2), n_y).astype(Y.dtype)
    return np.repeat(Y, n_y, axis=0) if n_y > 1 else Y


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("net", NETS, ids=[n[2] for n in NETS])
def test_forward_backward_and_predict_agree_with_numpy(lib: Lib, net: Any) -> None:
    dims, acts, loss, norm = net
    for dtype in lib.dtypes:
        X, Y = xor_data(dtype)
        Y = targets(Y, loss, dims[-1])
        p = mf.init_params(dims, seed=5, dtype=dtype, norm=norm)
        pl = mf.init_params(dims, seed=5, dtype=dtype, norm=norm, xp=lib.xp, device=lib.device)
        for k in p:  # drawn on the host: bit for bit the same params
            assert np.array_equal(to_host(pl[k]), p[k]) and to_host(pl[k]).dtype == p[k].dtype
        Xl, Yl = move(X, lib), move(Y, lib)
        keep = 0.8 if len(dims) > 3 else 1.0
        AL, cache = mf.forward(X, p, acts, keep_prob=keep, seed=7, training=True)
        ALl, cachel = mf.forward(Xl, pl, acts, keep_prob=keep, seed=7, training=True)
        check_same(ALl, AL, lib, dtype)
        for k in cache:
            if k.startswith("D"):  # masks drawn on the host: identical
                assert np.array_equal(to_host(cachel[k]), cache[k])
            check_same(cachel[k], cache[k], lib, dtype)
        grads = mf.backward(AL, Y, cache, p, acts, loss, lambd=0.1)
        gradsl = mf.backward(ALl, Yl, cachel, pl, acts, loss, lambd=0.1)
        assert set(gradsl) == set(grads)
        for k in grads:
            check_same(gradsl[k], grads[k], lib, dtype)
        J = mf.compute_cost(AL, Y, loss, lambd=0.1, params=p)
        assert abs(mf.compute_cost(ALl, Yl, loss, lambd=0.1, params=pl) - J) <= \
            TOL[dtype] * max(1.0, abs(J))
        y_hat, y_hat_l = mf.predict(X, p, acts, loss), mf.predict(Xl, pl, acts, loss)
        if loss in ("bce", "cce"):  # labels: the same
            np.testing.assert_array_equal(to_host(y_hat_l), y_hat)
        else:  # A[L] itself
            check_same(y_hat_l, y_hat, lib, dtype)
        assert abs(mf.accuracy(Xl, Yl, pl, acts, loss) - mf.accuracy(X, Y, p, acts, loss)) \
            <= TOL[dtype]
        new = mf.update(pl, gradsl, 0.1)
        for k, v in mf.update(p, grads, 0.1).items():
            check_same(new[k], v, lib, dtype)
        assert not shares((ALl, cachel, gradsl, new), (Xl, Yl, pl))


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov", "rmsprop", "adam",
                                       "adamw"])
def test_a_short_xor_training_equals_numpys(lib: Lib, optimizer: str) -> None:
    for dtype in lib.dtypes:
        X, Y = xor_data(dtype)
        p = mf.init_params([2, 6, 1], seed=2, dtype=dtype)
        pl = mf.init_params([2, 6, 1], seed=2, dtype=dtype, xp=lib.xp, device=lib.device)
        Xl, Yl = move(X, lib), move(Y, lib)
        Xv, Yv = X[:, :10], Y[:, :10]
        kw: dict[str, Any] = dict(learning_rate=0.05, epochs=15, batch_size=16, seed=4,
                                  optimizer=optimizer, keep_prob=0.9, clip_norm=5.0,
                                  patience=20)
        trained, h = mf.train(X, Y, p, ["tanh", "sigmoid"], "bce",
                              validation_data=(Xv, Yv), **kw)
        trainedl, hl = mf.train(Xl, Yl, pl, ["tanh", "sigmoid"], "bce",
                                validation_data=(move(Xv, lib), move(Yv, lib)), **kw)
        for k in trained:
            check_same(trainedl[k], trained[k], lib, dtype)
        np.testing.assert_allclose(hl["cost"], h["cost"], rtol=0, atol=TOL[dtype])
        np.testing.assert_allclose(hl["val_metric"], h["val_metric"], rtol=0, atol=TOL[dtype])
        for s, slot in h["opt_state"]["slots"].items():
            for k, v in slot.items():
                check_same(hl["opt_state"]["slots"][s][k], v, lib, dtype)
        assert not shares((trainedl, hl["opt_state"]["slots"]), (Xl, Yl, pl))
        # one step alone, from that state
        step = mf.train_step(X, Y, trained, h["opt_state"], ["tanh", "sigmoid"], "bce",
                             learning_rate=0.1, optimizer=optimizer)
        stepl = mf.train_step(Xl, Yl, trainedl, hl["opt_state"], ["tanh", "sigmoid"], "bce",
                              learning_rate=0.1, optimizer=optimizer)
        for k in step[0]:
            check_same(stepl[0][k], step[0][k], lib, dtype)
        assert abs(stepl[2] - step[2]) <= TOL[dtype]
        assert not shares(stepl[:2], (Xl, Yl, trainedl, hl["opt_state"]))


@pytest.mark.parametrize("lib", LIBS)
def test_nothing_given_is_changed_and_epochs_0_copies(lib: Lib) -> None:
    dtype = lib.dtypes[-1]
    X, Y = xor_data(dtype)
    pl = mf.init_params([2, 3, 1], seed=1, dtype=dtype, xp=lib.xp, device=lib.device)
    Xl, Yl = move(X, lib), move(Y, lib)
    before = host({**pl, "X": Xl, "Y": Yl})
    out, h = mf.train(Xl, Yl, pl, ["relu", "sigmoid"], "bce", learning_rate=0.1, epochs=0)
    assert not shares(out, pl)
    mf.train(Xl, Yl, pl, ["relu", "sigmoid"], "bce", learning_rate=0.1, epochs=3, batch_size=8)
    AL, cache = mf.forward(Xl, pl, ["identity", "identity"])
    assert not shares((AL, cache), (Xl, pl))  # A0 = X and identity's A = Z: copies
    after = host({**pl, "X": Xl, "Y": Yl})
    assert all(np.array_equal(before[k], after[k]) for k in before)


@pytest.mark.parametrize("lib", LIBS)
@settings(max_examples=10, deadline=None)
@given(z=st.lists(st.floats(-30, 30), min_size=2, max_size=6))
def test_activations_and_losses_agree_with_numpy(lib: Lib, z: list[float]) -> None:
    dtype = lib.dtypes[-1]
    Z = np.array(z, dtype=dtype).reshape(2, -1) if len(z) % 2 == 0 else \
        np.array(z[:-1] or [0.0, 0.0], dtype=dtype).reshape(2, -1)
    Zl = move(Z, lib)
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "identity", "quadratic",
                 "softmax"):
        f, df = getattr(mf, name), getattr(mf, f"{name}_derivative", None)
        check_same(f(Zl), np.asarray(f(Z)), lib, dtype)
        if df is not None:
            check_same(df(Zl), np.asarray(df(Z)), lib, dtype)
    A = np.asarray(mf.sigmoid(Z))
    T = (Z > 0).astype(dtype)
    for loss in ("bce", "mse", "half_mse"):
        assert abs(getattr(mf, loss)(move(A, lib), move(T, lib)) - getattr(mf, loss)(A, T)) \
            <= TOL[dtype] * max(1.0, getattr(mf, loss)(A, T))


@pytest.mark.parametrize("lib", LIBS)
def test_gradient_check_passes_in_every_library(lib: Lib) -> None:
    X, Y = xor_data(lib.dtypes[-1])
    pl = mf.init_params([2, 3, 1], seed=1, dtype=lib.dtypes[-1], xp=lib.xp, device=lib.device)
    d = mf.gradient_check(move(X[:, :8], lib), move(Y[:, :8], lib), pl, ["tanh", "sigmoid"],
                          "bce")
    assert d < 1e-6


@pytest.mark.parametrize("lib", LIBS)
def test_two_libraries_or_two_devices_are_refused_with_the_way_to_move(lib: Lib) -> None:
    dtype = lib.dtypes[-1]
    X, Y = xor_data(dtype)
    pl = mf.init_params([2, 3, 1], seed=1, dtype=dtype, xp=lib.xp, device=lib.device)
    with pytest.raises(TypeError, match=r"X: expected an array of .* move it with"):
        mf.forward(X, pl, ["relu", "sigmoid"])
    with pytest.raises(TypeError, match=r"Y: expected an array of"):
        mf.train(move(X, lib), Y, pl, ["relu", "sigmoid"], "bce", learning_rate=0.1, epochs=1)
    if lib.name == "array_api_strict":
        import array_api_strict as s
        other = s.Device("device2")
        with pytest.raises(ValueError, match=r"X: expected an array on the params' device"):
            elsewhere: Any = s.asarray(X, device=other)
            mf.forward(elsewhere, pl, ["relu", "sigmoid"])
        mixed: dict[str, Any] = {**pl, "W2": s.asarray(to_host(pl["W2"]), device=other)}
        with pytest.raises(ValueError, match=r"params\['W2'\]: expected an array on"):
            mf.forward(move(X, lib), mixed, ["relu", "sigmoid"])


@pytest.mark.parametrize("lib", LIBS)
def test_files_are_library_neutral(lib: Lib, tmp_path: Any) -> None:
    dtype = lib.dtypes[-1]
    p = mf.init_params([2, 3, 2], seed=1, dtype=dtype)
    pl = mf.init_params([2, 3, 2], seed=1, dtype=dtype, xp=lib.xp, device=lib.device)
    mf.save_params(tmp_path / "numpy.npz", p, ["relu", "softmax"], "cce")
    mf.save_params(tmp_path / "lib.npz", pl, ["relu", "softmax"], "cce")
    with np.load(tmp_path / "numpy.npz") as a, np.load(tmp_path / "lib.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        assert all(np.array_equal(a[k], b[k]) and a[k].dtype == b[k].dtype for k in a.files)
    back, acts, loss = mf.load_params(tmp_path / "numpy.npz", xp=lib.xp, device=lib.device)
    assert (acts, loss) == (["relu", "softmax"], "cce")
    for k in p:
        check_same(back[k], p[k], lib, dtype)
        assert np.array_equal(to_host(back[k]), p[k])
    loaded, _, _ = mf.load_params(tmp_path / "lib.npz")
    assert all(isinstance(v, np.ndarray) and not v.flags.writeable for v in loaded.values())


@pytest.mark.parametrize("lib", LIBS)
def test_checkpoints_resume_on_the_library(lib: Lib, tmp_path: Any) -> None:
    dtype = lib.dtypes[-1]
    X, Y = xor_data(dtype)
    pl = mf.init_params([2, 4, 1], seed=1, dtype=dtype, xp=lib.xp, device=lib.device)
    args = (move(X, lib), move(Y, lib), pl, ["tanh", "sigmoid"], "bce")
    kw: dict[str, Any] = dict(learning_rate=0.1, batch_size=10, optimizer="adam",
                              checkpoint=tmp_path / "run.npz", checkpoint_every=0)
    mf.train(*args, epochs=3, **kw)
    resumed, h = mf.train(*args, epochs=6, **kw)
    whole, hw = mf.train(*args, epochs=6, learning_rate=0.1, batch_size=10, optimizer="adam")
    assert h["cost"] == hw["cost"]
    assert all(np.array_equal(to_host(resumed[k]), to_host(whole[k])) for k in whole)
    assert library(resumed["W1"]) == lib.name


@pytest.mark.parametrize("lib", LIBS)
def test_the_numpy_tools_take_any_array(lib: Lib) -> None:
    dtype = lib.dtypes[-1]
    X, Y = xor_data(dtype)
    pl = mf.init_params([2, 3, 1], seed=1, dtype=dtype, xp=lib.xp, device=lib.device)
    p = host(pl)
    text = mf.explain.worked_example(move(X[:, :2], lib), move(Y[:, :2], lib), pl,
                                     ["tanh", "sigmoid"], "bce")
    assert text == mf.explain.worked_example(X[:, :2], Y[:, :2], p, ["tanh", "sigmoid"], "bce")
    std = mf.data.fit_standardizer(move(X, lib))
    assert np.array_equal(std["mean"], mf.data.fit_standardizer(X)["mean"])
    NN = mf.model.fit(mf.model.network(2, [[4, "tanh"], [1, "sigmoid"]], "binary_log_loss"),
                      move(X.T, lib),
                      move(Y[0], lib), epochs=2)
    assert mf.model.predict(NN, move(X.T, lib)).shape == (X.shape[1],)


def test_init_params_refuses_what_is_no_library_or_device() -> None:
    with pytest.raises(TypeError, match=r"xp: expected an array library's namespace .*, got "
                                        r"'torch'; pass the module itself: import torch, then "
                                        r"xp=torch$"):
        mf.init_params([2, 1], xp="torch")  # the library's name, not its module
    with pytest.raises(TypeError, match=r", got 'numpy'; for NumPy leave xp out$"):
        mf.init_params([2, 1], xp="numpy")
    with pytest.raises(ValueError, match=r"device: NumPy arrays live in the host's memory"):
        mf.init_params([2, 1], device="cuda")
    if HAVE_STRICT:
        import array_api_strict as s
        with pytest.raises(ValueError, match=r"device: array_api_strict has no device"):
            mf.init_params([2, 1], xp=s, device="gpu7")
