"""Bad input, numerical extremes, persistence and determinism."""

from __future__ import annotations

import io
import pickle
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mlp_fn as mf
from mlp_fn._internal.types import Array

from tests.strategies import Problem, problems

P = mf.init_params([2, 3, 1], method="xavier", seed=0)
X = np.random.default_rng(0).standard_normal((2, 5))
Y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
ACTS = ["tanh", "sigmoid"]
P3 = mf.init_params([2, 3, 3], method="xavier", seed=0)
Y3 = mf.one_hot([0, 1, 2, 1, 0])


def with_nan(a: Array, where: tuple[int, int] = (0, 0)) -> Array:
    b = a.copy()
    b[where] = np.nan
    return b


def train(**overrides: Any) -> Any:
    kw: dict[str, Any] = dict(X=X, Y=Y, params=P, activations=ACTS, loss="bce",
                              learning_rate=0.1, epochs=1)
    kw.update(overrides)
    return mf.train(kw.pop("X"), kw.pop("Y"), kw.pop("params"), kw.pop("activations"),
                    kw.pop("loss"), **kw)


# (case, call, exception type, pattern the message must match: argument, expected, given)
CASES: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    ("X 1-D", lambda: mf.forward(X[0], P, ACTS), ValueError,
     r"X: expected a 2-D array of shape \(2, m\), got shape \(5,\).*reshape"),
    ("X rank 3", lambda: mf.forward(X[None], P, ACTS), ValueError,
     r"X: expected a 2-D array.*got shape \(1, 2, 5\)"),
    ("X row layout", lambda: mf.forward(X.T, P, ACTS), ValueError,
     r"X: expected shape \(2, m\).*got \(5, 2\).*one example per row.*X\.T"),
    ("X wrong n_x", lambda: mf.forward(np.ones((3, 4)), P, ACTS), ValueError,
     r"X: expected shape \(2, m\).*got \(3, 4\)"),
    ("X NaN", lambda: mf.forward(with_nan(X), P, ACTS), ValueError,
     r"X: expected finite values, got 1 NaN or inf.*index \(0, 0\)"),
    ("X inf", lambda: mf.forward(np.full((2, 3), np.inf), P, ACTS), ValueError,
     r"X: expected finite values, got 6 NaN or inf"),
    ("X m = 0", lambda: mf.forward(np.ones((2, 0)), P, ACTS), ValueError,
     r"X: expected at least one example \(m >= 1\), got m = 0"),
    ("X integer, too wide", lambda: mf.forward(np.ones((3, 3), dtype=int), P, ACTS),
     ValueError, r"X: expected shape \(2, m\)"),  # integers are numbers, still checked
    ("X object", lambda: mf.forward(np.ones((2, 3), dtype=object), P, ACTS), TypeError,
     r"X: expected a float32 or float64 array, got dtype object"),
    ("X list", lambda: mf.forward([[1.0], [2.0]], P, ACTS), TypeError,
     r"X: expected a NumPy array of float32 or float64, got list"),
    ("X float32, params float64", lambda: mf.forward(X.astype(np.float32), P, ACTS), TypeError,
     r"X: expected dtype float64 like the params, got float32"),
    ("Y 1-D", lambda: train(Y=Y[0]), ValueError,
     r"Y: expected a 2-D array of shape \(1, 5\), got shape \(5,\).*reshape\(1, -1\)"),
    ("Y row layout", lambda: train(Y=Y.T), ValueError,
     r"Y: expected shape \(1, 5\).*got \(5, 1\).*one example per row"),
    ("Y NaN", lambda: train(Y=with_nan(Y)), ValueError, r"Y: expected finite values"),
    ("Y object", lambda: train(Y=Y.astype(object)), TypeError, r"Y: expected a NumPy array of "
                                                                r"numbers"),
    ("bce labels", lambda: train(Y=Y * 2), ValueError,
     r"Y: bce expects labels in \{0, 1\}, got 3 other values \(e\.g\. 2\.0\)"),
    ("cce not one-hot", lambda: train(params=P3, Y=Y3 * 0.5, activations=["tanh", "softmax"],
                                      loss="cce"), ValueError,
     r"Y: cce expects one-hot columns.*one_hot"),
    ("cce with labels out of range", lambda: train(params=P3, Y=np.full((1, 5), 7.0),
                                      activations=["tanh", "softmax"], loss="cce"), ValueError,
     r"Y: expected shape \(3, 5\).*one-hot targets of shape \(K, m\)"),
    ("softmax hidden", lambda: mf.forward(X, P, ["softmax", "sigmoid"]), ValueError,
     r"activations: 'softmax'.*only in the output layer, got it in layer 1 of 2"),
    ("softmax with bce", lambda: train(params=P3, Y=Y3, activations=["tanh", "softmax"]),
     ValueError, r"loss: 'bce' expects a 'sigmoid' output layer, got 'softmax'"),
    ("sigmoid with cce", lambda: train(params=P3, Y=Y3, loss="cce"), ValueError,
     r"loss: 'cce' expects a 'softmax' output layer, got 'sigmoid'"),
    ("too few activations", lambda: mf.forward(X, P, ["tanh"]), ValueError,
     r"activations: expected 2 names, one per layer of params, got 1"),
    ("activations a string", lambda: mf.forward(X, P, "tanh"), TypeError,
     r"activations: expected a sequence of 2 names"),
    ("unknown activation", lambda: mf.forward(X, P, ["swish", "sigmoid"]), ValueError,
     r"activations: layer 1: unknown name 'swish'; expected one of: .*tanh.*gelu"),
    ("unknown loss", lambda: train(loss="hinge"), ValueError,
     r"loss: unknown name 'hinge'; expected one of: .*bce.*mse"),
    ("unknown init", lambda: mf.init_params([2, 1], method="orthogonal"), ValueError,
     r"method: unknown name 'orthogonal'; expected one of: random, xavier, he, zeros"),
    ("unknown optimizer", lambda: train(optimizer="lbfgs"), ValueError,
     r"optimizer: unknown name 'lbfgs'; expected one of: gd, momentum.*adam"),
    ("unknown optimizer option", lambda: train(optimizer="adam",
                                               optimizer_options={"beta": 0.9}), ValueError,
     r"optimizer_options: 'adam' takes \['beta1', 'beta2', 'eps'\], got 'beta'"),
    ("unknown schedule", lambda: mf.make_schedule("linear", 0.1), ValueError,
     r"schedule: unknown name 'linear'; expected one of: constant, step"),
    ("params missing key", lambda: mf.forward(X, {k: v for k, v in P.items() if k != "b2"},
                                              ACTS), ValueError,
     r"params: missing key 'b2'"),
    ("params extra key", lambda: mf.forward(X, {**P, "gamma1": P["b1"]}, ACTS), ValueError,
     r"params: unexpected key 'gamma1'"),
    ("params shapes not chained", lambda: mf.forward(X, {**P, "W2": np.ones((1, 4))}, ACTS),
     ValueError, r"params\['W2'\]: expected shape \(n\[2\], 3\) to follow W1.*got \(1, 4\)"),
    ("params bias shape", lambda: mf.forward(X, {**P, "b1": np.ones((3,))}, ACTS), ValueError,
     r"params\['b1'\]: expected a column of shape \(3, 1\), got a 1-D vector of shape "
     r"\(3,\); make it a column with params\['b1'\]\.reshape\(-1, 1\)"),
    ("params bias rows", lambda: mf.forward(X, {**P, "b1": np.ones((2, 1))}, ACTS), ValueError,
     r"params\['b1'\]: expected shape \(3, 1\) to match W1.*got \(2, 1\)"),
    ("params NaN", lambda: mf.forward(X, {**P, "W1": with_nan(P["W1"])}, ACTS), ValueError,
     r"params\['W1'\]: expected finite values"),
    ("params integer", lambda: mf.forward(X, {**P, "b1": np.zeros((3, 1), dtype=int)}, ACTS),
     TypeError, r"params\['b1'\]: expected a float32 or float64 array, got dtype int64"),
    ("params mixed dtypes", lambda: mf.forward(X, {**P, "b2": P["b2"].astype(np.float32)},
                                               ACTS), TypeError,
     r"params: expected one float dtype for every array, got float64 for 'W1' and float32"),
    ("a bias as a vector", lambda: mf.linear_forward(X, P["W1"], np.zeros(3)), ValueError,
     r"^b: expected a 2-D array of shape \(3, 1\), got shape \(3,\); make it a column with "
     r"b\.reshape\(-1, 1\)$"),  # (not "for one example ... or one feature")
    ("params not a dict", lambda: mf.forward(X, [P["W1"]], ACTS), TypeError,
     r"params: expected a dict of arrays"),
    # what holds the params, in their place: said what it is and what to pass
    ("params a model's network", lambda: mf.predict(X, mf.model.network(
        2, [[3, "tanh"], [1, "sigmoid"]], "bce"), ACTS, "bce"), TypeError,
     r"^params: .*this is a network of mlp_fn\.model: pass net\['params'\]"),
    ("params train's pair", lambda: mf.forward(X, (P, {"cost": []}), ACTS), TypeError,
     r"^params: .*got a tuple of 2, the first a dict: unpack it, as in params, history = "
     r"mf\.train\(\.\.\.\)$"),
    ("params load_params' triple",
     lambda: mf.summary.count_params((P, ACTS, "bce")),  # type: ignore[arg-type]
     TypeError, r"got a tuple of 3, .* params, activations, loss = mf\.load_params\(path\)$"),
    ("layer size 0", lambda: mf.init_params([2, 0, 1]), ValueError,
     r"layer_dims: expected every size >= 1, got 0 at position 1"),
    ("layer sizes too few", lambda: mf.init_params([2]), ValueError,
     r"layer_dims: expected at least two sizes"),
    ("layer size float", lambda: mf.init_params([2, 2.5, 1]), TypeError,
     r"layer_dims: expected integer sizes, got float 2\.5 at position 1"),
    ("init dtype", lambda: mf.init_params([2, 1], dtype=np.int32), TypeError,
     r"dtype: expected float32 or float64, got int32"),
    ("learning rate 0", lambda: train(learning_rate=0.0), ValueError,
     r"learning_rate: expected a positive finite number, got 0\.0"),
    ("learning rate nan", lambda: train(learning_rate=float("nan")), ValueError,
     r"learning_rate: expected a positive finite number, got nan"),
    ("learning rate inf in update", lambda: mf.update(P, {f"d{k}": v for k, v in P.items()},
                                                      float("inf")), ValueError,
     r"learning_rate: expected a positive finite number, got inf"),
    ("schedule gives 0", lambda: train(learning_rate=lambda e: 0.0), ValueError,
     r"learning_rate: the schedule gives 0 at epoch 0, where a step changes nothing"),
    ("batch size 0", lambda: train(batch_size=0), ValueError,
     r"batch_size: expected an integer >= 1, got 0"),
    ("batch size > m", lambda: train(batch_size=6), ValueError,
     r"batch_size: expected at most m = 5 \(the number of examples\), got 6"),
    ("epochs < 0", lambda: train(epochs=-1), ValueError, r"epochs: expected an integer >= 0, "
                                                          r"got -1"),
    ("epochs float", lambda: train(epochs=2.0), TypeError, r"epochs: expected an integer"),
    ("keep_prob 0", lambda: train(keep_prob=0.0), ValueError,
     r"keep_prob: expected a probability in \(0, 1\].*got 0\.0"),
    ("keep_prob > 1", lambda: train(keep_prob=1.5), ValueError,
     r"keep_prob: expected a probability in \(0, 1\].*got 1\.5"),
    ("lambd < 0", lambda: train(lambd=-0.1), ValueError,
     r"lambd: expected a finite number >= 0, got -0\.1"),
    ("patience without validation", lambda: train(patience=2), ValueError,
     r"patience: early stopping .* needs validation_data"),
    ("validation data shape", lambda: train(validation_data=(X.T, Y)), ValueError,
     r"X: expected shape \(2, m\).*one example per row"),
    ("grads missing in update", lambda: mf.update(P, {}, 0.1), ValueError,
     r"grads: expected 'dW1' for params\['W1'\]"),
    ("cache from another network", lambda: mf.backward(
        np.full((1, 5), 0.5), Y, {"A0": X}, P, ACTS, "bce"), ValueError,
     r"cache: expected the keys forward returns for 2 layers, missing \['Z1'"),
    ("dropout without seed", lambda: mf.forward(X, P, ACTS, keep_prob=0.5), ValueError,
     r"seed: dropout \(keep_prob < 1\).*explicit seed, got None"),
    ("forward overflow", lambda: mf.forward(np.full((2, 1), 1e200), {**P, "W1": np.full((3, 2),
                                                                                        1e200)},
                                            ["quadratic", "sigmoid"]), ValueError,
     r"params: the forward pass overflowed: A1 \(quadratic\) holds NaN or inf"),
    # x = 1e100 through W = 1e200 squared: the cost is inf, so no central difference exists
    ("gradient check of an overflowing cost",
     lambda: mf.gradient_check(np.array([[1e100, 2e100]]), np.array([[1.0, 2.0]]),
                               {"W1": np.array([[1e200]]), "b1": np.array([[0.0]])},
                               ["quadratic"], "mse"), ValueError,
     r"params: the cost or its gradient overflowed \(NaN or inf\) at these params"),
    ("one_hot of fractional floats", lambda: mf.one_hot(np.array([0.0, 1.5])), TypeError,
     r"labels: expected a 1-D array of integer class indices, got dtype float64"),
]


@pytest.mark.parametrize("case, call, error, pattern", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(case: str, call: Callable[[], Any], error: type[Exception],
                                      pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        call()


def test_train_validates_once_not_per_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    import mlp_fn._internal.checks as validation

    calls: list[str] = []
    for fn in ("inputs", "matrix", "finite", "float_array", "name_list"):
        original = getattr(validation, fn)

        def counted(*a: Any, _f: Any = original, _n: str = fn, **k: Any) -> Any:
            calls.append(_n)
            return _f(*a, **k)

        monkeypatch.setattr(validation, fn, counted)
    # The first call in a process describes the network once (``architecture`` remembers its
    # structure, then checks only values): warmed, the count is the same whatever ran before.
    train(epochs=1, batch_size=1)
    calls.clear()
    train(epochs=1, batch_size=1)
    one_epoch = len(calls)
    calls.clear()
    train(epochs=20, batch_size=1)  # 100 steps instead of 5
    assert len(calls) == one_epoch > 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("out, loss, n_y", [("sigmoid", "bce", 1), ("softmax", "cce", 3)])
def test_saturated_networks_give_finite_costs_and_gradients(dtype: Any, out: str, loss: str,
                                                            n_y: int) -> None:
    # Pre-activations of about +-1e4 in both layers: exact 0 and 1 probabilities at the output.
    X = np.array([[1.0, -1.0, 0.5]], dtype=dtype)
    params = {"W1": np.array([[1e4], [-1e4]], dtype=dtype), "b1": np.zeros((2, 1), dtype=dtype),
              "W2": (np.full((n_y, 2), 1.0) * np.arange(1, n_y + 1)[:, None]).astype(dtype),
              "b2": np.zeros((n_y, 1), dtype=dtype)}
    Y = mf.one_hot([0, 2, 1]).astype(dtype) if loss == "cce" else np.array([[0.0, 1.0, 1.0]],
                                                                            dtype=dtype)
    AL, cache = mf.forward(X, params, ["gelu", out])
    assert np.abs(cache["Z2"]).max() >= 1e4
    assert ((AL == 0) | (AL == 1)).any()  # saturated exactly
    cost = mf.compute_cost(AL, Y, loss)
    grads = mf.backward(AL, Y, cache, params, ["gelu", out], loss)
    general = mf.backward(AL, Y, cache, params, ["gelu", out], loss, fuse=False)
    assert np.isfinite(cost)
    assert all(np.isfinite(g).all() and g.dtype == dtype for g in [*grads.values(),
                                                                   *general.values()])


def test_divergence_is_documented_on_the_exception() -> None:
    assert "attached" in (mf.TrainingDiverged.__doc__ or "")
    assert "TrainingDiverged" in (mf.train.__doc__ or "")


# --------------------------------------------------------------------------------------------
# Persistence
# --------------------------------------------------------------------------------------------

@given(p=problems(max_depth=4), dtype=st.sampled_from([np.float32, np.float64]))
def test_save_load_round_trip_is_bit_exact(tmp_path_factory: pytest.TempPathFactory, p: Problem,
                                           dtype: Any) -> None:
    path = tmp_path_factory.mktemp("models") / "model.npz"
    params = {k: v.astype(dtype) for k, v in p.params.items()}
    mf.save_params(path, params, p.activations, p.loss)
    loaded, acts, loss = mf.load_params(path)
    assert acts == p.activations and loss == p.loss
    assert loaded.keys() == params.keys()
    for k in params:
        assert loaded[k].dtype == dtype and loaded[k].tobytes() == params[k].tobytes()


def test_aliases_are_stored_canonically(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    mf.save_params(path, P, ["tanh", "sigmoid"], "binary_log_loss")
    assert mf.load_params(path)[2] == "bce"


def _saved(tmp_path: Path) -> bytes:
    path = tmp_path / "good.npz"
    mf.save_params(path, P, ACTS, "bce")
    return path.read_bytes()


def _npz(**arrays: Any) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _rewrite(data: bytes, drop: str) -> bytes:
    """The same archive without one member."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename != drop:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


class Boom:
    """Unpickling this would run code; the loader must never do it."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (print, ("code ran",))


@pytest.mark.parametrize("name, make, pattern", [
    ("truncated", lambda good: good[: len(good) // 2], r"not a readable \.npz file"),
    ("corrupted", lambda good: good[:40] + bytes(200) + good[240:], r"not a readable|"
                                                                    r"inconsistent|missing"),
    ("not a zip", lambda good: b"hello world" * 10, r"not an \.npz archive \(not a zip\)"),
    ("pickle in an array", lambda good: _npz(W1=np.array([Boom()], dtype=object)),
     r"needs pickle"),
    ("raw pickle", lambda good: pickle.dumps({"W1": np.ones((1, 1))}),
     r"not an \.npz archive \(a pickle, which is never loaded\)"),
    ("no architecture", lambda good: _npz(W1=np.ones((1, 1)), b1=np.ones((1, 1))),
     r"not an mlp_fn file .*no '__record__' entry"),
    ("missing b2", lambda good: _rewrite(good, "params.b2.npy"),
     r"inconsistent model: params: missing key 'b2'"),
    ("missing record", lambda good: _rewrite(good, "__record__.npy"), r"no '__record__' entry"),
    ("legacy, missing loss", lambda good: _npz(W1=np.ones((1, 1)), b1=np.ones((1, 1)),
                                               __format__=np.array("mlp_fn-params-1"),
                                               __activations__=np.array(["sigmoid"])),
     r"'__loss__' string entry is missing"),
    ("npy, not npz", lambda good: _npy(), r"not an mlp_fn model"),
])
def test_bad_files_are_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                make: Callable[[bytes], bytes], pattern: str) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(make(_saved(tmp_path)))
    with pytest.raises(ValueError, match=pattern):
        mf.load_params(bad)
    assert "code ran" not in capsys.readouterr().out


def _npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ones((2, 2)))
    return buffer.getvalue()


def test_missing_file_is_a_file_not_found_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        mf.load_params(tmp_path / "nothing.npz")


# --------------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------------

@given(seed=st.integers(0, 2**32 - 1), batch=st.integers(1, 5),
       optimizer=st.sampled_from(["gd", "nesterov", "adam"]), keep=st.sampled_from([1.0, 0.7]))
def test_same_seed_same_bits(seed: int, batch: int, optimizer: str, keep: float) -> None:
    runs = []
    for _ in range(2):
        p0 = mf.init_params([2, 4, 3, 1], method="he", seed=seed % 2**31)
        runs.append(train(params=p0, activations=["relu", "tanh", "sigmoid"], seed=seed,
                          batch_size=batch, optimizer=optimizer, keep_prob=keep, epochs=3))
    (a, ha), (b, hb) = runs
    assert all(a[k].tobytes() == b[k].tobytes() for k in a)
    assert ha["cost"] == hb["cost"]


@given(s1=st.integers(0, 2**31), s2=st.integers(0, 2**31))
def test_different_seeds_give_different_initial_params(s1: int, s2: int) -> None:
    a = mf.init_params([3, 4, 2], seed=s1)
    b = mf.init_params([3, 4, 2], seed=s2)
    assert (s1 == s2) == all((a[k] == b[k]).all() for k in a)


def test_params_saved_in_the_earlier_format_still_load(tmp_path: Path) -> None:
    # A file as mlp_fn 0.2 wrote it: the arrays under their own names beside three string
    # entries. Nothing a user saved is lost: it loads, bit for bit.
    path = tmp_path / "old.npz"
    arrays: dict[str, Any] = {k: np.asarray(v) for k, v in P.items()}
    np.savez(path, __activations__=np.array(ACTS), __loss__=np.array("bce"),
             __format__=np.array("mlp_fn-params-1"), **arrays)
    params, acts, loss = mf.load_params(path)
    assert acts == list(ACTS) and loss == "bce"
    assert all(params[k].tobytes() == np.asarray(P[k]).tobytes() for k in P)
