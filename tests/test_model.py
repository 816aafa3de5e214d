"""mlp_fn.model: 001's workflow on rows, as a thin layer over the course-layout core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import mlp_fn as mf
from mlp_fn import model

RNG = np.random.default_rng(0)
X_ROWS = RNG.standard_normal((60, 2))
Y_BIN = (X_ROWS[:, 0] + X_ROWS[:, 1] > 0).astype(int)


def binary_net(seed: int = 0, dtype: Any = np.float64) -> model.Network:
    return model.network(2, [[4, "ReLU"], [1, "sigmoid"]], "binary_log_loss", seed=seed,
                         dtype=dtype)


# --- the core, seen through rows -------------------------------------------------------------------

@given(seed=st.integers(0, 2**31 - 1), m=st.integers(1, 70), batch=st.integers(1, 80),
       kind=st.sampled_from(["bce", "cce", "l2"]), epochs=st.integers(0, 3))
@example(seed=23, m=29, batch=1, kind="l2", epochs=2)  # diverges in its second epoch
@example(seed=2, m=2, batch=1, kind="l2", epochs=2)  # ends far above its start: a warning
@pytest.mark.filterwarnings("ignore::mlp_fn.TrainingUnstable")  # both sides warn alike
def test_fit_on_rows_is_train_on_columns_bit_for_bit(seed: int, m: int, batch: int, kind: str,
                                                     epochs: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, 3))
    spec: list[list[Any]]
    y: np.ndarray[Any, Any]
    if kind == "bce":
        spec, loss, y = [[5, "tanh"], [1, "sigmoid"]], "bce", rng.integers(0, 2, m)
        Y = y.reshape(1, m).astype(float)
    elif kind == "cce":
        spec, loss, y = [[5, "relu"], [3, "softmax"]], "cce", rng.integers(0, 3, m)
        Y = mf.one_hot(y, 3)
    else:
        spec, loss, y = [[5, "gelu"], [1, "identity"]], "l2", rng.standard_normal(m)
        Y = y.reshape(1, m)
    net = model.network(3, spec, loss, seed=seed)
    acts = [a for _, a in spec]
    try:
        fitted = model.fit(net, X, y, epochs=epochs, batch_size=batch, learning_rate=0.05,
                           seed=seed)
    except mf.TrainingDiverged as on_rows:
        # Stochastic steps of 0.05 can blow up (seed 23, m 29, batch 1, l2 does): then the core
        # must blow up at the same step, with the same last finite params and costs.
        with pytest.raises(mf.TrainingDiverged) as on_columns:
            mf.train(X.T, Y, net["params"], acts, loss, learning_rate=0.05, epochs=epochs,
                     batch_size=min(batch, m), seed=seed)
        for k, v in on_rows.params.items():
            assert v.tobytes() == on_columns.value.params[k].tobytes()
        assert on_rows.history["cost"] == on_columns.value.history["cost"]
        return
    params, history = mf.train(X.T, Y, net["params"], acts, loss, learning_rate=0.05,
                               epochs=epochs, batch_size=min(batch, m), seed=seed)
    for k in params:
        assert fitted["params"][k].tobytes() == params[k].tobytes()
    assert model.loss_history(fitted) == history["cost"]
    # ... and predicts what the core predicts on the transposed data.
    core = mf.predict(X.T, params, acts, loss)
    ours = model.predict(fitted, X)
    if kind == "bce":
        np.testing.assert_array_equal(ours, core[0])
    elif kind == "cce":
        np.testing.assert_array_equal(ours, core.argmax(axis=0))
    else:
        np.testing.assert_array_equal(ours, core[0])


def test_two_fits_equal_one_longer_fit_bit_for_bit() -> None:
    for optimizer in ("gd", "adam"):
        twice = model.fit(model.fit(binary_net(), X_ROWS, Y_BIN, epochs=3, optimizer=optimizer),
                          X_ROWS, Y_BIN, epochs=4)
        once = model.fit(binary_net(), X_ROWS, Y_BIN, epochs=7, optimizer=optimizer)
        for k in once["params"]:
            assert once["params"][k].tobytes() == twice["params"][k].tobytes()
        assert model.loss_history(once) == model.loss_history(twice)
        assert len(model.loss_history(twice)) == 7


def test_fit_defaults_are_001s_and_the_batch_is_clipped() -> None:
    import inspect

    defaults = {k: p.default for k, p in inspect.signature(model.fit).parameters.items()}
    assert (defaults["epochs"], defaults["batch_size"], defaults["learning_rate"],
            defaults["shuffle"]) == (100, 32, 0.01, True)  # 001: batch_sz=32, epochs=100, lr 0.01
    five = model.fit(binary_net(), X_ROWS[:5], Y_BIN[:5], epochs=2)  # 5 samples, batch 32
    by_hand, _ = mf.train(X_ROWS[:5].T, Y_BIN[:5].reshape(1, 5).astype(float),
                          binary_net()["params"], ["relu", "sigmoid"], "bce",
                          learning_rate=0.01, epochs=2, batch_size=5)
    assert all(five["params"][k].tobytes() == by_hand[k].tobytes() for k in by_hand)


def test_fit_leaves_its_argument_alone() -> None:
    net = binary_net()
    before = {k: v.copy() for k, v in net["params"].items()}
    model.fit(net, X_ROWS, Y_BIN, epochs=2)
    assert net["loss_history"] == [] and net["classes"] is None and net["opt_state"] is None
    assert all(np.array_equal(net["params"][k], before[k]) for k in before)


# --- inputs as a scikit-learn user holds them ------------------------------------------------------

@pytest.mark.parametrize("labels, classes", [
    (np.array(["dog", "cat"])[Y_BIN], ["cat", "dog"]),      # strings, sorted as scikit-learn does
    (Y_BIN.astype(bool), [False, True]),
    (Y_BIN * 5 + 3, [3, 8]),
    (list(Y_BIN), [0, 1]),
])
def test_labels_of_any_kind(labels: Any, classes: list[Any]) -> None:
    net = model.fit(binary_net(), X_ROWS.tolist(), labels, epochs=30, learning_rate=0.5)
    assert net["classes"] == classes
    pred = model.predict(net, X_ROWS)
    assert set(pred.tolist()) <= set(classes)
    assert model.score(net, X_ROWS, labels) == np.mean(pred == np.asarray(labels))
    one = model.predict(net, X_ROWS[0])  # a 1-D X is one sample: one label
    assert one == pred[0] and not isinstance(one, np.ndarray)
    # The second class is the sigmoid's "1": its probability is predict_proba's second column.
    proba = np.asarray(model.predict_proba(net, X_ROWS))
    np.testing.assert_array_equal(pred == classes[1], proba[:, 1] > 0.5)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_one_hot_rows_and_class_names() -> None:
    y = RNG.integers(0, 3, 60)
    net = model.network(2, [[8, "tanh"], [3, "softmax"]], "multiclass_log_loss")
    a = model.fit(net, X_ROWS, y, epochs=3)
    b = model.fit(net, X_ROWS, np.eye(3)[y], epochs=3)  # the same targets as one-hot rows
    assert all(a["params"][k].tobytes() == b["params"][k].tobytes() for k in a["params"])
    names = ["cat", "dog", "bird"]
    idx = model.predict(a, X_ROWS)
    np.testing.assert_array_equal(model.predict(a, X_ROWS, class_names=names),
                                  np.array(names)[idx])
    assert model.predict(a, [1.0, 0.5], class_names=names) in names


def test_regression_values_and_float32() -> None:
    y = np.sin(X_ROWS[:, 0])
    net = model.network(2, [[16, "tanh"], [1, "identity"]], "l2", dtype=np.float32)
    net = model.fit(net, X_ROWS.astype(np.float32), y, epochs=5)
    assert all(v.dtype == np.float32 for v in net["params"].values())
    assert isinstance(model.predict(net, [0.3, 0.1]), float)
    values = model.predict(net, X_ROWS)
    assert values.shape == (60,) and values.dtype == np.float32
    assert model.transform(net, X_ROWS).shape == (60, 1)
    # R^2 by hand: 1 - sum (y - y_hat)^2 / sum (y - mean y)^2.
    r2 = 1 - np.sum((y - values) ** 2) / np.sum((y - y.mean()) ** 2)
    assert model.score(net, X_ROWS, y) == pytest.approx(r2, rel=1e-5)


def test_the_r2_of_several_outputs_is_their_mean_as_scikit_learns_score() -> None:
    # Two outputs on scales 100 apart: R^2 pooled over both (what score computed) is the
    # large output's alone, nearly; scikit-learn's score averages each output's R^2.
    Y = np.c_[10 * X_ROWS[:, 0], 0.1 * X_ROWS[:, 1] ** 2]
    net = model.fit(model.network(2, [[8, "tanh"], [2, "identity"]], "l2"), X_ROWS, Y,
                    epochs=30, learning_rate=0.05)
    P = model.predict(net, X_ROWS)
    by_hand = np.mean([1 - np.sum((Y[:, k] - P[:, k]) ** 2) / np.sum((Y[:, k] - Y[:, k].mean())
                                                                     ** 2) for k in range(2)])
    pooled = 1 - np.sum((Y - P) ** 2) / np.sum((Y - Y.mean(axis=0)) ** 2)
    assert abs(by_hand - pooled) > 0.05  # the two readings differ here
    assert model.score(net, X_ROWS, Y) == pytest.approx(by_hand, rel=1e-12)
    metrics = pytest.importorskip("sklearn.metrics")
    assert model.score(net, X_ROWS, Y) == pytest.approx(metrics.r2_score(Y, P), rel=1e-12)


@pytest.mark.parametrize("call, error, pattern", [
    (lambda n: model.fit(n, X_ROWS.T, Y_BIN), ValueError, r"X: expected 2 features.*X\.T"),
    (lambda n: model.fit(n, X_ROWS, Y_BIN[:10]), ValueError, r"y: expected one entry per sample"),
    (lambda n: model.fit(n, X_ROWS, RNG.integers(0, 3, 60)), ValueError,
     r"y: the network has a binary output \(2 classes\), but y holds 3"),
    (lambda n: model.score(model.fit(n, X_ROWS, Y_BIN, epochs=1), X_ROWS, Y_BIN + 7), ValueError,
     r"y: label 7 is not one of the network's classes \[0, 1\]"),
    (lambda n: model.predict(model.fit(n, X_ROWS, Y_BIN, epochs=1), [[1.0, 2.0, 3.0]]),
     ValueError, r"X: expected 2 features"),
    (lambda n: model.predict(model.fit(n, X_ROWS, Y_BIN, epochs=1), [0.1, 0.2],
                             class_names=["a"]), ValueError,
     r"class_names: expected 2 names"),
    (lambda n: model.fit(n, X_ROWS, RNG.standard_normal(60)), TypeError, r"y: expected labels"),
    (lambda n: model.network(2, [[3, "tanh"], [2, "sigmoid"]], "bce"), ValueError,
     r"layer_spec: a binary classifier"),
    (lambda n: model.network(2, [[3, "swish"]], "l2"), ValueError,
     r"^layer_spec\[0\]\[1\]: unknown name 'swish'"),
    # The network's messages, led by the argument the caller wrote (not "activations").
    (lambda n: model.network(2, [[3, "relu+residual"], [1, "identity"]], "l2"), ValueError,
     r"^layer_spec\[0\]\[1\]: 'relu\+residual' in layer 1 adds A\[0\] to A\[1\], which "
     r"needs equal widths"),
    (lambda n: model.network(2, [[3, "softmax"], [1, "sigmoid"]], "bce"), ValueError,
     r"^layer_spec\[0\]\[1\]: 'softmax' .*only in the output layer"),
    (lambda n: model.network(2, [[3, "tanh"], [1, "softmax"]], "multiclass_log_loss"),
     ValueError, r"^layer_spec\[1\]\[1\]: softmax over a single output unit"),
    (lambda n: model.network(2, [[2, "tanh"], [1, "sigmoid+residual"]], "bce"), ValueError,
     r"^layer_spec\[1\]\[1\]: .*the output layer \(layer 2\) cannot be residual"),
    (lambda n: model.network(2, [[3, 3], [1, "sigmoid"]], "bce"), TypeError,
     r"^layer_spec\[0\]\[1\]: expected a name \(str\), got int 3"),
    # A regression of two outputs takes a column per output, and says so (not "expected
    # (60,) or (60, 2), got (60,)"); a label's place in a 2-D y is written as NumPy indexes it.
    (lambda n: model.fit(model.network(2, [[3, "tanh"], [2, "identity"]], "l2"), X_ROWS,
                         RNG.standard_normal(60)), ValueError,
     r"^y: expected \(60, 2\) real targets, a row per sample of X and a column per output "
     r"unit, got shape \(60,\)$"),
    (lambda n: model.fit(model.network(2, [[3, "tanh"], [2, "identity"]], "l2"), X_ROWS,
                         RNG.standard_normal((2, 60))), ValueError,
     r"got shape \(2, 60\); pass y\.T \(one row per sample\)$"),
    (lambda n: model.fit(n, X_ROWS, np.array([[0], [1]] * 29 + [[1], [None]], dtype=object)),
     ValueError, r"^y\[59, 0\] is missing \(None\): no label"),
    # another library's keyword: the one it stands for (it suggested 'l1' for lr), and a
    # sentence that ends where there is nothing to suggest
    (lambda n: model.fit(n, X_ROWS, Y_BIN, lr=0.1), TypeError,
     r"^lr: fit takes no argument of this name; did you mean 'learning_rate'\? It takes "),
    (lambda n: model.fit(n, X_ROWS, Y_BIN, verbose=1), TypeError,
     r"^verbose: fit takes no argument of this name\. It takes epochs, "),
    (lambda n: model.fit({"params": {}}, X_ROWS, Y_BIN),  # type: ignore[typeddict-item]
     TypeError, r"net: expected the dict"),
])
def test_clear_errors(call: Any, error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        call(binary_net())


# --- describe, save, load -------------------------------------------------------------------------

def test_describe_is_001s_print() -> None:
    net = model.network(2, [[8, "tanh"], [8, "tanh"], [1, "sigmoid"]], "binary_log_loss")
    text = model.describe(net)
    # (2*8 + 8) + (8*8 + 8) + (8*1 + 1) = 24 + 72 + 9 = 105, as 001 prints.
    assert "Total Network Parameters: 105" in text
    assert "Loss Function: binary_log_loss" in text and "Trained = False" in text
    fitted = model.fit(net, X_ROWS, Y_BIN, epochs=3)
    text = model.describe(fitted)
    last = model.loss_history(fitted)[-1]
    assert "Trained = True" in text and "Epochs Trained: 3" in text
    assert f"Training Loss = {last:.6f}" in text
    assert len(text.splitlines()) == 2 + 3 + 5  # header, a line per layer, the rest


def test_save_and_load_bit_for_bit(tmp_path: Path) -> None:
    labels = np.array(["no", "yes"])[Y_BIN]
    net = model.fit(binary_net(), X_ROWS, labels, epochs=4, optimizer="adam")
    model.save(net, tmp_path / "net.npz")
    back = model.load(tmp_path / "net.npz")
    assert back["classes"] == ["no", "yes"] and back["loss"] == "binary_log_loss"
    assert back["loss_history"] == net["loss_history"] and back["optimizer"] == "adam"
    for k in net["params"]:
        assert back["params"][k].tobytes() == net["params"][k].tobytes()
    # The loaded network continues exactly as the saved one would.
    a = model.fit(net, X_ROWS, labels, epochs=2)
    b = model.fit(back, X_ROWS, labels, epochs=2)
    assert all(a["params"][k].tobytes() == b["params"][k].tobytes() for k in a["params"])
    mf.save_params(tmp_path / "p.npz", mf.init_params([2, 1]), ["sigmoid"], "bce")
    with pytest.raises(ValueError, match=r"holds params, not a network; "
                                         r"mlp_fn\.load_params\(path\) reads them"):
        model.load(tmp_path / "p.npz")  # a params file is not a network file
    with pytest.raises(ValueError, match=r"holds a network, not params; "
                                         r"mlp_fn\.model\.load\(path\) reads it"):
        mf.load_params(tmp_path / "net.npz")


def test_each_kind_of_file_names_what_reads_it_and_none_is_offered_for_deletion(
        tmp_path: Path) -> None:
    """A checkpoint given to load_params says how to get its params (resume with train; the
    resumed run, its epochs done, returns the params the run left); a network given to train
    as its checkpoint is the user's saved file: the message offers another path, never
    deleting it, and the file is left as it was."""
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=0)
    args = (X, Y, params, ["tanh", "sigmoid"], "bce")
    done, _ = mf.train(*args, learning_rate=0.5, epochs=4, checkpoint=tmp_path / "ck.npz")
    with pytest.raises(ValueError, match=r"holds a training checkpoint, not params; "
                                         r"train\(\.\.\., checkpoint=path\) with the arguments"):
        mf.load_params(tmp_path / "ck.npz")
    again, history = mf.train(*args, learning_rate=0.5, epochs=4, checkpoint=tmp_path / "ck.npz")
    assert len(history["cost"]) == 4  # the checkpoint's epochs, none run again
    assert all(again[k].tobytes() == done[k].tobytes() for k in done)
    net = model.network(2, [[3, "tanh"], [1, "sigmoid"]], "bce")
    model.save(net, tmp_path / "net.npz")
    saved = (tmp_path / "net.npz").read_bytes()
    with pytest.raises(ValueError) as err:
        mf.train(*args, learning_rate=0.5, epochs=4, checkpoint=tmp_path / "net.npz")
    assert "holds a network, not a training checkpoint" in str(err.value)
    assert "Pass another path" in str(err.value) and "delete" not in str(err.value)
    assert (tmp_path / "net.npz").read_bytes() == saved


def test_the_digits_walkthrough_says_one_line_without_scikit_learn(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    # The lesson runs in a kernel of its own: scikit-learn is hidden there by a package of
    # that name, first on its path, that cannot be imported.
    (tmp_path / "sklearn").mkdir()
    (tmp_path / "sklearn" / "__init__.py").write_text("raise ImportError('not here')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "walkthroughs", "--quick", "--out",
                          str(tmp_path / "out"), "digits"], capture_output=True, text=True,
                         env=env, cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 0, run.stderr
    assert "digits: skipped: needs scikit-learn" in run.stdout and "Traceback" not in run.stderr
