"""Every public function keeps the promises, the small ones included.

For every function in ``mlp_fn.__all__``, hypothesis fills its arguments with a mix of valid
values and hostile ones (wrong types, NaN and inf, huge numbers, np.matrix, masked arrays,
complex and object arrays, empty and absurd shapes, keys with a trailing newline, ...), calls it
with every warning an error (pytest's ``filterwarnings = error``) and a time limit, and fails on:

* an exception other than ValueError or TypeError (or TrainingDiverged, and the warning
  TrainingUnstable made an error, from the functions that train);
* a NumPy RuntimeWarning or any other warning;
* a call that does not return within the limit (a hang);
* an argument modified by the call;
* a result array that is writeable, or a result (array or number) holding NaN or inf;
* a returned schedule that breaks any of the above when called with a hostile epoch.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlp_fn as mf

from mlp_fn import (activations, callbacks, data, explain, layers, losses, model, network,
                    normalization, optimizers, plots, summary)

MODULES = {"model": model, "explain": explain, "plots": plots, "data": data, "summary": summary,
           "callbacks": callbacks, "normalization": normalization, "activations": activations,
           "losses": losses, "layers": layers, "network": network, "optimizers": optimizers}

#: Every public function: mlp_fn's names, and those of the modules reached through it
#: (as "model.fit", "data.two_moons", ...).
_TOP = {id(getattr(mf, n)) for n in mf.__all__}
PUBLIC = sorted([n for n in mf.__all__ if inspect.isfunction(getattr(mf, n))]
                + [f"{name}.{n}" for name, module in MODULES.items() for n in module.__all__
                   if inspect.isfunction(getattr(module, n)) and id(getattr(module, n)) not in _TOP])


def function(name: str) -> Callable[..., Any]:
    """The public function called ``name`` ("forward", "model.fit", ...)."""
    module, _, attr = name.rpartition(".")
    fn: Callable[..., Any] = getattr(MODULES[module] if module else mf, attr)
    return fn
TIME_LIMIT = 20  # seconds for one call; every valid call here takes well under one

# --- valid values, fresh for every call ------------------------------------------------------


def _valid(fn: str, param: str, tmp: Path) -> Any:
    X, Y = (np.array(a) for a in mf.data.xor())
    P = {k: np.array(v) for k, v in mf.init_params([2, 3, 1], seed=0).items()}
    AL, cache = mf.forward(X, P, ["tanh", "sigmoid"])
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((3, 4))
    table: dict[str, Any] = {
        "X": X, "Y": Y, "params": P, "activations": ["tanh", "sigmoid"], "loss": "bce",
        "AL": np.array(AL), "cache": dict(cache), "Z": Z, "A": np.tanh(Z), "dA": Z.copy(),
        "V": Z.copy(), "ZL": np.zeros((1, 4)), "activation": "tanh",
        "grads": dict(mf.backward(AL, Y, cache, P, ["tanh", "sigmoid"], "bce")),
        "layer_dims": [2, 3, 1], "shapes": {"D1": (3, 4)}, "keep_prob": 0.5, "seed": 0,
        "labels": [0, 1, 2, 1], "stats": dict(mf.data.fit_standardizer(X)), "X_norm": X,
        "history": {"cost": [0.5, 0.4]}, "name": "step", "lr0": 0.1, "learning_rate": 0.1,
        "epochs": 2, "centers": [[0.0, 0.0], [3.0, 3.0]], "m": 10, "lambd": 0.1,
        "max_norm": 1.0, "l1": 0.1, "total_epochs": 10, "optimizer": "adam",
        "validation_data": (X, Y), "masks": {"D1": np.ones((3, 4))}, "opt_state": None,
    }
    if fn in ("activation_forward", "activation_backward", "softmax_jvp", "linear_backward"):
        table.update({"A": np.tanh(Z), "dZ": Z.copy(), "A_prev": X, "W": P["W1"]})
    if fn.startswith("normalization."):  # one unit's statistics over the 4 examples of Z
        table.update({"Z": Z, "Z_norm": Z, "G": Z.copy(), "mu": Z.mean(axis=1, keepdims=True),
                      "sigma2": Z.var(axis=1, keepdims=True), "gamma": np.ones((3, 1)),
                      "beta": np.zeros((3, 1)), "old": np.zeros(3), "new": np.ones(3),
                      "axis": 1})
    if fn in ("layers.mask", "layers.unmask", "layers.skip"):
        table.update({"D": np.full((3, 4), 2.0), "A_prev": Z.copy()})
    canonical = {"canonical_activation": "ReLU", "canonical_loss": "MSE",
                 "canonical_optimizer": "sgd"}
    if fn.rpartition(".")[2] in canonical:  # a name in another spelling
        table["name"] = canonical[fn.rpartition(".")[2]]
    if fn == "network.keys":
        table["l"] = 2
    if fn == "linear_forward":
        table.update({"A_prev": X, "W": P["W1"], "b": P["b1"]})
    if fn == "output_delta":
        table.update({"activation": "sigmoid"})
    if fn.endswith("_step") and fn != "train_step":
        table["state"] = mf.OPTIMIZERS[fn[: -len("_step")]][0](P)
    if fn == "adam_bias_corrected":
        table["state"] = mf.adam_step(P, table["grads"], mf.adam_init(P))[1]
    if fn == "gradient_check_1d":  # the course's J(theta) = theta x at x = 2, theta = 4
        table.update({"J": lambda theta: 2.0 * theta, "dJ": lambda theta: 2.0, "theta": 4.0})
    if fn == "custom_activation":  # softplus, log(1 + e^z), and its derivative sigmoid(z)
        table.update({"name": "softplus", "g": lambda Z: np.logaddexp(0.0, Z),
                      "derivative": lambda Z, A: 1 / (1 + np.exp(-Z))})
    if fn.startswith("plots."):
        trained, history = mf.train(X, Y, P, ["tanh", "sigmoid"], "bce", learning_rate=0.5,
                                    epochs=3)
        table.update({"history": dict(history), "path": tmp / "training.gif", "epochs": 4,
                      "frames": 3, "learning_rate": 0.5})
    if fn == "plots.function_fit":  # a one-input network, 000's x^2
        Xs, Ys = (np.array(a) for a in mf.data.x_squared(8))
        table.update({"X": Xs, "Y": Ys, "params": {k: np.array(v) for k, v in
                                                   mf.init_params([1, 3, 1], seed=0).items()},
                      "activations": ["tanh", "identity"]})
    if fn == "train_many":  # two networks of one architecture
        table["population"] = [P, {k: np.array(v) for k, v in
                                   mf.init_params([2, 3, 1], seed=1).items()}]
    if fn == "random_mini_batches":
        table["mini_batch_size"] = 3
    if fn == "save_params":
        table["path"] = tmp / "model.npz"
    if fn == "load_params":
        mf.save_params(tmp / "saved.npz", P, ["tanh", "sigmoid"], "bce")
        table["path"] = tmp / "saved.npz"
    if fn.startswith("model."):  # rows, labels and a fitted network
        net = model.fit(model.network(2, [[3, "tanh"], [1, "sigmoid"]], "bce"), X.T, [0, 1, 1, 0],
                        epochs=2)
        table.update({"X": X.T.copy(), "y": [0, 1, 1, 0], "net": net, "input_dim": 2,
                      "layer_spec": [[4, "relu"], [1, "sigmoid"]], "loss": "binary_log_loss",
                      "class_names": ["no", "yes"], "path": tmp / "net.npz"})
        if fn == "model.load":
            model.save(net, tmp / "net.npz")
    if param in table:
        return table[param]
    default = inspect.signature(function(fn)).parameters[param].default
    if default is inspect.Parameter.empty:
        raise LookupError(f"no valid value for {fn}({param})")
    return default


# --- hostile values ------------------------------------------------------------------------------

def _matrix() -> Any:
    with warnings.catch_warnings():  # making one warns (pending deprecation); using it is the test
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.matrix([[1.0, 2.0], [3.0, 4.0]])


def _hostile() -> list[Callable[[], Any]]:
    big = 10**400
    return [
        lambda: None, lambda: "x", lambda: "", lambda: -1, lambda: 0, lambda: 2**70, lambda: big,
        lambda: 1e308, lambda: -1e308, lambda: float("nan"), lambda: float("inf"), lambda: True,
        lambda: 1.5, lambda: -0.5, lambda: [], lambda: [[1, 2]], lambda: {}, lambda: (),
        lambda: object(), lambda: (lambda e: float("nan")),
        lambda: {"W1\n": np.ones((1, 1)), "b1": np.zeros((1, 1))},
        lambda: {"W1": np.ones((1, 1)), "b1": np.zeros((1, 1))},
        lambda: {"W1": np.ones((3, 2), dtype=np.float32), "b1": np.zeros((3, 1))},
        lambda: {"dW1": np.ones((3, 5)), "db1": np.ones((3, 1)), "dW2": np.ones((1, 3)),
                 "db2": np.ones((1, 1))},
        lambda: {"step": -1, "slots": []}, lambda: {"step": 0, "slots": {"m": {}}},
        lambda: {"D1": (10**7, 10**7)}, lambda: {"D1": (-1, 2)},
        _matrix,
        lambda: np.ma.masked_array([[1.0, 2.0]], mask=[[False, True]]),
        lambda: np.array([[1 + 2j, 3]]), lambda: np.array([["a", "b"]]),
        lambda: np.array([[None, 1]], dtype=object), lambda: np.zeros((0, 3)),
        lambda: np.zeros((2, 0)), lambda: np.zeros((2, 4, 1)), lambda: np.float64(np.nan),
        lambda: np.array([[np.nan, 1.0]]), lambda: np.full((2, 4), 1e200),
        lambda: np.full((3, 4), -1e300), lambda: np.ones((2, 4), dtype=np.int64),
        lambda: np.ones((2, 4), dtype=np.float16), lambda: np.ones((2, 4), dtype=np.float32),
        lambda: np.ones((1, 4), dtype=bool), lambda: [10**7, 10**7, 10**7],
        lambda: [2, 0, 1], lambda: ["relu", "softmax"], lambda: ["Tanh", "nope"],
        lambda: "softmax", lambda: "cce", lambda: np.full((1, 4), 2.0),
    ]


HOSTILE = _hostile()

# --- the checks ------------------------------------------------------------------------------


class Hang(Exception):
    """Raised by the alarm when a call runs past the time limit."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def same(a: Any, b: Any) -> bool:
    """Deep equality for what the arguments hold (NaN equals NaN; arrays compared with their
    dtype and mask)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.dtype != b.dtype or a.shape != b.shape or type(a) is not type(b):
            return False
        if a.dtype.kind in "fc":
            return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    if isinstance(a, Mapping):
        return isinstance(b, Mapping) and a.keys() == b.keys() and all(same(a[k], b[k])
                                                                        for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    if a is None or isinstance(a, (bool, int, float, str, bytes, Path, np.generic)):
        return type(a) is type(b) and bool(a == b)
    return type(a) is type(b)  # opaque objects (object(), functions): deepcopy makes new ones


def check_result(where: str, out: Any) -> None:
    """Arrays read-only and finite, numbers finite, schedules safe, all the way down."""
    if isinstance(out, np.ndarray):
        assert not out.flags.writeable, f"{where}: a writeable array came back"
        if out.dtype.kind == "f":
            assert np.isfinite(out).all(), f"{where}: a non-finite array came back"
    elif isinstance(out, (float, np.floating)):
        assert np.isfinite(out), f"{where}: {out} came back"
    elif isinstance(out, Mapping):
        for k, v in out.items():
            check_result(f"{where}[{k!r}]", v)
    elif isinstance(out, (list, tuple)):
        for i, v in enumerate(out):
            check_result(f"{where}[{i}]", v)
    elif callable(out):  # a schedule: epoch -> learning rate
        for epoch in (0, 1, 7, 2000, 10**6, 10**30, -1, 1.5, "3", None):
            call(f"{where}({epoch!r})", out, (epoch,), {})


ALLOWED: tuple[type[BaseException], ...] = (ValueError, TypeError)


def call(where: str, fn: Callable[..., Any], args: tuple[Any, ...],
         kwargs: dict[str, Any]) -> None:
    before = copy.deepcopy((args, kwargs))
    try:
        with time_limit(TIME_LIMIT), contextlib.redirect_stdout(io.StringIO()):
            out = fn(*args, **kwargs)
    except ALLOWED as err:
        assert str(err), f"{where}: {type(err).__name__} without a message"
        out = None
    except (mf.TrainingDiverged, mf.TrainingUnstable) as err:  # a hostile learning rate's
        assert getattr(fn, "__name__", "") in ("train", "train_many", "fit", "fit_transform",
                                               "animate_training"), \
            f"{where}: {type(err).__name__}"
        out = None
    assert same((args, kwargs), before), f"{where}: an argument was modified"
    check_result(where, out)
    if "matplotlib.pyplot" in sys.modules:  # figures a call made are not kept open
        sys.modules["matplotlib.pyplot"].close("all")


# --- the sweep ---------------------------------------------------------------------------------

def _arguments(fn_name: str, data: st.DataObject, tmp: Path) -> tuple[tuple[Any, ...],
                                                                     dict[str, Any]]:
    sig = inspect.signature(function(fn_name))
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in sig.parameters.values():
        if param.kind is param.VAR_KEYWORD:
            if data.draw(st.booleans(), label="extra options"):
                kwargs[data.draw(st.sampled_from(["drop", "rate", "every", "x"]))] = \
                    data.draw(st.sampled_from(HOSTILE))()
            continue
        optional = param.default is not inspect.Parameter.empty
        if optional and data.draw(st.booleans(), label=f"omit {param.name}"):
            continue
        if fn_name in ("save_params", "load_params", "model.save", "model.load",
                       "plots.animate_training") and param.name == "path":
            value = _valid(fn_name, "path", tmp)  # paths are attacked in their own tests
        elif data.draw(st.integers(0, 2), label=f"{param.name} hostile?") == 0:
            value = data.draw(st.sampled_from(HOSTILE), label=param.name)()
        else:
            value = _valid(fn_name, param.name, tmp)
        if param.kind is param.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    return tuple(args), kwargs


@pytest.mark.parametrize("fn_name", PUBLIC)
@settings(max_examples=max(40, settings().max_examples // 2))
@given(data=st.data())
def test_every_public_function_keeps_the_promises(fn_name: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        # A hostile relative path (e.g. a checkpoint named "x") lands in the temporary folder.
        args, kwargs = _arguments(fn_name, data, Path(tmp))
        call(fn_name, function(fn_name), args, kwargs)


@pytest.mark.parametrize("fn_name", PUBLIC)
def test_every_public_function_works_on_valid_arguments(fn_name: str) -> None:
    # The sweep's valid values are valid: with no hostile argument every call succeeds, so the
    # hostile draws above are what the errors answer.
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        sig = inspect.signature(function(fn_name))
        # model.network's loss may come as loss= or as 001's loss_func=: one of them is needed.
        # The pictures take a network of mlp_fn.model in params' place, so a course network's
        # activations (and animate_training's loss) are optional there, and needed here.
        needed = {"model.network": {"loss"},
                  "plots.decision_boundary": {"params", "activations"},
                  "plots.animate_training": {"activations", "loss"},
                  "plots.function_fit": {"activations"}, "plots.unit_maps": {"activations"},
                  "plots.network_diagram": {"activations"}}.get(fn_name, set())
        args = [_valid(fn_name, p.name, Path(tmp)) for p in sig.parameters.values()
                if p.kind is p.POSITIONAL_OR_KEYWORD and (p.default is inspect.Parameter.empty
                                                          or p.name in needed)]
        kwargs = {p.name: _valid(fn_name, p.name, Path(tmp)) for p in sig.parameters.values()
                  if p.kind is p.KEYWORD_ONLY and p.default is inspect.Parameter.empty}
        with contextlib.redirect_stdout(io.StringIO()):
            out = function(fn_name)(*args, **kwargs)
        check_result(fn_name, out)


def test_the_sweep_can_fail() -> None:
    # Each kind of broken promise is caught by the checks above.
    def writes(a: Any) -> None:
        a[0] = 1.0

    def frozen_nan() -> np.ndarray[Any, Any]:
        a = np.full(2, np.nan)
        a.flags.writeable = False
        return a

    def spin() -> None:
        while True:
            pass

    with pytest.raises(AssertionError, match="modified"):
        call("writes", writes, (np.zeros(2),), {})
    with pytest.raises(AssertionError, match="writeable"):
        call("writeable", lambda: np.zeros(2), (), {})
    with pytest.raises(AssertionError, match="non-finite"):
        call("nan", frozen_nan, (), {})
    missing: dict[str, int] = {}
    with pytest.raises(KeyError):
        call("keyerror", lambda: missing["x"], (), {})
    with pytest.raises(Hang), time_limit(1):
        spin()


def test_no_result_is_silently_non_finite() -> None:
    # The cases an audit found returning NaN or inf, each now an error naming its cause.
    X, Y = np.ones((2, 3)), np.array([[0.0, 1.0, 0.0]])
    huge = {"W1": np.full((3, 2), 1e200), "b1": np.zeros((3, 1)), "W2": np.full((1, 3), 1e200),
            "b2": np.zeros((1, 1))}
    with pytest.raises(ValueError, match="overflowed"):
        mf.predict(X, huge, ["quadratic", "identity"], "mse")
    with pytest.raises(ValueError, match="overflowed"):
        mf.gradient_check(X, Y, huge, ["quadratic", "sigmoid"], "bce")
    # A gradient of 1e160 (w = 1e140, x = 1e10: J = (wx)^2 / 2 = 5e299, dJ/dw = w x^2) is
    # checked, not squared into inf: a correct backward pass still gets a small difference.
    big = {"W1": np.full((1, 1), 1e140), "b1": np.zeros((1, 1))}
    d = mf.gradient_check(np.array([[1e10]]), np.array([[0.0]]), big, ["identity"], "half_mse",
                          epsilon=1e133)
    assert 0.0 <= d < 1e-6
    with pytest.raises(ValueError, match="global norm exceeds"):
        mf.global_norm({"dW": np.full((4, 4), 1e308)})
    clipped = mf.clip_by_global_norm({"dW": np.full((4, 4), 1e200)}, 1.0)
    assert mf.global_norm(clipped) == pytest.approx(1.0)  # clipped to 1, not to 0
    assert mf.exponential_decay(0.1, 0.5)(10**6) == 0.0  # underflows to 0, never an error
    with pytest.raises(ValueError, match="rate: expected a number in"):
        mf.exponential_decay(0.1, 2.0)  # a growing "decay" would overflow after ~1,024 epochs


def test_the_reliability_page_counts_what_this_sweep_does() -> None:
    # The page states how many functions and calls back the promises: computed here from the
    # sweep itself (the profiles' examples halved, at least 40, as the sweep's settings do).
    text = " ".join((Path(__file__).resolve().parent.parent / "docs" / "reliability.md")
                    .read_text(encoding="utf-8").split())
    each = {name: max(40, settings.get_profile(name).max_examples // 2)
            for name in ("ci", "thorough")}
    assert f"all {len(PUBLIC)} public functions" in text
    assert f"{len(PUBLIC) * each['ci']:,} calls per test run ({each['ci']} each)" in text
    assert f"{len(PUBLIC) * each['thorough']:,} with `HYPOTHESIS_PROFILE=thorough`" in text
