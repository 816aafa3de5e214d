"""What a learner meets after the README: 001's spellings, an unfitted network, labels in any
layout, integer inputs, a row-layout or 1-D parameter, a misspelt residual, the progress bar."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

import mlp_fn as mf
from mlp_fn import model

X, Y = mf.data.two_moons(120, seed=0)  # Y: a (1, m) row of 0./1. labels, as every generator


def _fitted(y: Any, loss: str = "binary_log_loss") -> model.Network:
    net = model.network(input_dim=2, layer_spec=[[6, "tanh"], [1, "sigmoid"]], loss_func=loss)
    return model.fit(net, X.T, y, epochs=3, batch_sz=40)


@pytest.mark.parametrize("call", [
    lambda n: model.predict(n, [0.2, -0.1]), lambda n: model.predict_proba(n, X.T),
    lambda n: model.transform(n, X.T), lambda n: model.score(n, X.T, Y[0]),
], ids=["predict", "predict_proba", "transform", "score"])
def test_an_unfitted_network_never_answers(call: Any) -> None:
    # 001 writes NN.fit(...); model.fit returns a new network, so the one not assigned stays
    # untrained and must say what to write instead of answering from random weights.
    NN = model.network(2, [[6, "tanh"], [1, "sigmoid"]], "binary_log_loss")
    model.fit(NN, X.T, Y[0], epochs=2)  # the result dropped, as a port of NN.fit would
    with pytest.raises(ValueError, match=r"not been fitted.*NN = model\.fit\(NN, X, y\)"):
        call(NN)


def test_001s_own_argument_names_and_the_closest_for_a_typo() -> None:
    a = _fitted(Y[0])
    b = model.fit(model.network(2, [[6, "tanh"], [1, "sigmoid"]], "bce"), X.T, Y[0], epochs=3,
                  batch_size=40)
    assert all(np.array_equal(a["params"][k], b["params"][k]) for k in a["params"])
    with pytest.raises(TypeError, match=r"^batch_sise: fit takes no argument.*'batch_size'"):
        model.fit(a, X.T, Y[0], batch_sise=8)
    with pytest.raises(TypeError, match=r"^los: network takes no argument.*'loss'"):
        model.network(2, [[1, "sigmoid"]], los="bce")
    with pytest.raises(TypeError, match="^loss_func: .*not both"):
        model.network(2, [[1, "sigmoid"]], "bce", loss_func="bce")


@pytest.mark.parametrize("layout", ["row", "column", "vector", "ints", "bools", "strings"])
def test_labels_in_every_layout_train_alike(layout: str) -> None:
    y = {"row": Y, "column": Y.T, "vector": Y[0], "ints": Y[0].astype(int),
         "bools": Y[0] > 0.5, "strings": np.where(Y[0] > 0.5, "dog", "cat")}[layout]
    net = _fitted(y)
    reference = _fitted(Y[0])
    assert all(np.array_equal(net["params"][k], reference["params"][k]) for k in net["params"])
    assert len(net["classes"] or []) == 2
    with pytest.raises(TypeError, match="whole-number floats"):
        _fitted(Y[0] * 0.5)  # 0 and 0.5 are not labels


def test_integer_inputs_are_numbers() -> None:
    Xi = np.array([[0, 0, 1, 1], [0, 1, 0, 1]])
    Yi = np.array([[0, 1, 1, 0]])
    p = mf.init_params([2, 4, 1], seed=1)
    got, _ = mf.train(Xi, Yi, p, ["tanh", "sigmoid"], "bce", learning_rate=0.5, epochs=5)
    want, _ = mf.train(Xi.astype(float), Yi.astype(float), p, ["tanh", "sigmoid"], "bce",
                       learning_rate=0.5, epochs=5)
    assert all(got[k].tobytes() == want[k].tobytes() for k in p)
    AL, _ = mf.forward(Xi, p, ["tanh", "sigmoid"])
    assert AL.dtype == np.float64
    p32 = mf.init_params([2, 4, 1], seed=1, dtype=np.float32)
    assert mf.forward(Xi, p32, ["tanh", "sigmoid"])[0].dtype == np.float32  # float32 kept


def test_a_row_layout_or_1d_parameter_is_refused_with_its_fix() -> None:
    p = dict(mf.init_params([2, 3, 1], seed=0))
    with pytest.raises(ValueError, match=r"params\['b1'\].*reshape\(-1, 1\)"):
        mf.forward(X, {**p, "b1": np.zeros(3)}, ["tanh", "sigmoid"])
    with pytest.raises(ValueError, match=r"params\['W2'\].*row layout.*W\.T"):
        mf.forward(X, {**p, "W2": np.asarray(p["W2"]).T}, ["tanh", "sigmoid"])
    with pytest.raises(ValueError, match=r"'sigmoid\+residual'"):
        mf.forward(X, p, ["residual_sigmoid", "sigmoid"])


@pytest.mark.parametrize("tqdm_installed", [True, False])
def test_progress_honours_every_and_writes_significant_digits(
        monkeypatch: pytest.MonkeyPatch, tqdm_installed: bool) -> None:
    import sys

    if not tqdm_installed:
        monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails as if absent
    out = io.StringIO()
    callback = mf.callbacks.progress_callback(1000, every=250, stream=out)
    history: dict[str, Any] = {"cost": []}
    for epoch in range(1000):
        history["cost"].append(2.5e-05)
        callback(epoch, {}, history)  # type: ignore[arg-type]
    text = out.getvalue()
    if tqdm_installed:  # the bar moved 4 times (250, 500, 750, 1000), not on every epoch
        assert text.count("cost=2.5e-05") >= 1 and "1000/1000" in text
        assert text.count("\r") <= 6
    else:
        lines = text.splitlines()
        assert lines == [f"training: epoch {e}/1000, cost 2.5e-05" for e in (250, 500, 750, 1000)]


@pytest.mark.parametrize("tqdm_installed", [True, False])
def test_progress_reports_the_epoch_early_stopping_ends_on(
        monkeypatch: pytest.MonkeyPatch, tqdm_installed: bool) -> None:
    # A run of 1000 epochs that early stopping ends after a few: the callback wrote nothing at
    # all (its last report waited for epoch 1000). The run's last call reports it.
    import sys

    if not tqdm_installed:
        monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    out = io.StringIO()
    X, Y = mf.data.xor()
    _, history = mf.train(X, Y, mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce",
                          learning_rate=5.0, epochs=1000, validation_data=(X + 0.3, Y),
                          patience=2, callback=mf.callbacks.progress_callback(1000, stream=out))
    done = len(history["cost"])
    assert history["stopped_early"] and done < 100  # (the default reports every 10th or 100th)
    text = out.getvalue()
    if tqdm_installed:
        assert f"{done}/1000" in text and "stopped early" in text
    else:
        assert text.splitlines() == [f"training: epoch {done}/1000, cost "
                                     f"{history['cost'][-1]:.6g}, stopped early"]


def test_every_generator_returns_labels_in_one_layout() -> None:
    # X (n_x, m) and Y as (n_y, m) floats: train takes Y as it is (bce, mse) or one-hot through
    # mf.one_hot (cce); model.fit takes X.T and the same Y.
    made = {"xor": mf.data.xor(), "two_moons": mf.data.two_moons(30),
            "blobs": mf.data.blobs(30, [[0.0, 0.0], [3.0, 3.0], [0.0, 3.0]]),
            "binary_blobs": mf.data.binary_blobs(30), "noisy_xor": mf.data.noisy_xor(30),
            "planar_flower": mf.data.planar_flower(30), "sine": mf.data.sine(30),
            "x_squared": mf.data.x_squared(30)}
    for name, (Xg, Yg) in made.items():
        assert Yg.ndim == 2 and Yg.shape[1] == Xg.shape[1] and Yg.dtype.kind == "f", name
    Xb, Yb = made["blobs"]
    assert mf.one_hot(Yb).shape == (3, 30)  # whole-number float labels are class indices
    p3 = mf.init_params([2, 4, 3], seed=0)
    by_row, _ = mf.train(Xb, Yb, p3, ["tanh", "softmax"], "cce", learning_rate=0.3, epochs=3)
    by_onehot, _ = mf.train(Xb, mf.one_hot(Yb), p3, ["tanh", "softmax"], "cce",
                            learning_rate=0.3, epochs=3)
    assert all(by_row[k].tobytes() == by_onehot[k].tobytes() for k in p3)  # train takes it too
    net = model.fit(model.network(2, [[4, "tanh"], [3, "softmax"]], "multiclass_log_loss"),
                    Xb.T, Yb, epochs=2)
    assert net["classes"] == [0, 1, 2]


def test_train_test_split_on_rows_names_X() -> None:
    with pytest.raises(ValueError, match=r"^X: .*one example per row; pass X\.T"):
        mf.data.train_test_split(X.T, Y[0])


def test_a_callback_that_declares_every_is_called_on_those_epochs_only() -> None:
    Xx, Yx = mf.data.xor()
    seen: list[int] = []

    def watch(epoch: int, params: Any, history: Any) -> None:
        seen.append(epoch)

    watch.every = 4  # type: ignore[attr-defined]
    mf.train(Xx, Yx, mf.init_params([2, 3, 1]), ["tanh", "sigmoid"], "bce", learning_rate=0.1,
             epochs=10, callback=watch)
    assert seen == [3, 7, 9]  # epochs 4 and 8 done, and the last (epoch index 9)
    seen.clear()
    mf.train(Xx, Yx, mf.init_params([2, 3, 1]), ["tanh", "sigmoid"], "bce", learning_rate=0.1,
             epochs=3, callback=lambda e, p, h: seen.append(e))
    assert seen == [0, 1, 2]  # without the attribute: every epoch
    assert mf.callbacks.progress_callback(1000, every=250).every == 250  # type: ignore[attr-defined]
    # A NumPy integer is the same number (it was taken as 1: every epoch, silently); what is no
    # whole number >= 1 is refused, where it was taken as 1 too.
    seen.clear()
    watch.every = np.int64(4)  # type: ignore[attr-defined]
    mf.train(Xx, Yx, mf.init_params([2, 3, 1]), ["tanh", "sigmoid"], "bce", learning_rate=0.1,
             epochs=10, callback=watch)
    assert seen == [3, 7, 9]
    for every, kind in ((10.0, TypeError), (0, ValueError), ("5", TypeError)):
        watch.every = every  # type: ignore[attr-defined]
        with pytest.raises(kind, match=r"^callback\.every: expected an integer >= 1, got "):
            mf.train(Xx, Yx, mf.init_params([2, 3, 1]), ["tanh", "sigmoid"], "bce",
                     learning_rate=0.1, epochs=10, callback=watch)
