"""train(..., checkpoint=path): a killed training loses nothing and resumes bit for bit; a
diverged one hands back params and optimizer state of the same step."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mlp_fn as mf

RUN = """
import json, sys, time
import numpy as np
import mlp_fn as mf

path, out, slow = sys.argv[1], sys.argv[2], float(sys.argv[3])
X, Y = mf.data.two_moons(200, noise=0.2, seed=1)
Xv, Yv = mf.data.two_moons(100, noise=0.2, seed=2)
params = mf.init_params([2, 16, 16, 1], seed=3)

def tick(epoch, params, history):
    print(epoch, flush=True)
    time.sleep(slow)

params, history = mf.train(X, Y, params, ["relu", "tanh", "sigmoid"], "bce", learning_rate=0.05,
                           epochs=40, batch_size=16, seed=5, optimizer="adam", keep_prob=0.8,
                           lambd=0.01, clip_norm=5.0, validation_data=(Xv, Yv), patience=30,
                           checkpoint=path, checkpoint_every=0, callback=tick)
np.savez(out, **params)
with open(out + ".json", "w") as f:
    json.dump(history, f, default=np.ndarray.tolist)
"""


def run(tmp: Path, name: str, slow: float = 0.0) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", RUN, str(tmp / f"{name}.ckpt"),
                             str(tmp / f"{name}.npz"), str(slow)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str]) -> None:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err


def result(tmp: Path, name: str) -> tuple[dict[str, Any], Any]:
    with np.load(tmp / f"{name}.npz") as f:
        params = {k: f[k] for k in f.files}
    return params, json.loads((tmp / f"{name}.npz.json").read_text())


def test_a_killed_training_resumes_bit_for_bit(tmp_path: Path) -> None:
    # The uninterrupted run, then one killed with SIGKILL at random moments (in the middle of an
    # epoch, a checkpoint write or a callback) and rerun each time with the same call.
    full = run(tmp_path, "full")
    finish(full)
    rng = np.random.default_rng(0)
    kills = 0
    for _ in range(6):
        proc = run(tmp_path, "killed", slow=0.01)
        assert proc.stdout is not None
        epoch = proc.stdout.readline()  # wait until at least one epoch ran
        time.sleep(float(rng.uniform(0.0, 0.15)))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        kills += bool(epoch)
    finish(run(tmp_path, "killed"))
    assert kills == 6
    (a, ha), (b, hb) = result(tmp_path, "full"), result(tmp_path, "killed")
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].tobytes() == b[k].tobytes(), k
    assert ha == hb  # every cost, validation cost, rate and the optimizer state, to the bit


def _train(path: Path, **changes: Any) -> tuple[mf.Params, mf.History]:
    X, Y = mf.data.xor()
    kw: dict[str, Any] = dict(learning_rate=0.5, epochs=6, optimizer="momentum", seed=0)
    kw.update(changes)
    p0 = kw.pop("params", mf.init_params([2, 3, 1], seed=0))
    return mf.train(kw.pop("X", X), Y, p0, ["tanh", "sigmoid"], "bce", checkpoint=path,
                    checkpoint_every=0, **kw)


def test_a_run_split_by_its_checkpoint_equals_one_run(tmp_path: Path) -> None:
    whole, h_whole = _train(tmp_path / "whole.ckpt")
    calls: list[int] = []

    def stop_after_three(epoch: int, params: Any, history: Any) -> None:
        calls.append(epoch)
        if epoch == 2:
            raise KeyboardInterrupt  # the user presses Ctrl-C after epoch 2

    with pytest.raises(KeyboardInterrupt):
        _train(tmp_path / "split.ckpt", callback=stop_after_three)
    again, h_again = _train(tmp_path / "split.ckpt", callback=lambda e, p, h: calls.append(e))
    assert calls == [0, 1, 2, 3, 4, 5]  # the finished epochs are not run again
    for k in whole:
        assert whole[k].tobytes() == again[k].tobytes()
    assert json.dumps(h_whole, default=np.ndarray.tolist) == \
        json.dumps(h_again, default=np.ndarray.tolist)
    # A finished checkpoint answers at once with the same result.
    third, _ = _train(tmp_path / "split.ckpt")
    assert all(third[k].tobytes() == whole[k].tobytes() for k in whole)


@pytest.mark.parametrize("change", [
    {"learning_rate": 0.4}, {"optimizer": "adam"}, {"seed": 1},
    {"params": mf.init_params([2, 3, 1], seed=1)}, {"lambd": 0.1}, {"batch_size": 2},
    {"X": mf.data.xor()[0] * 2},
], ids=lambda c: next(iter(c)))
def test_a_different_call_refuses_the_checkpoint(tmp_path: Path, change: dict[str, Any]) -> None:
    _train(tmp_path / "c.ckpt", epochs=6)
    before = (tmp_path / "c.ckpt").read_bytes()
    log = (tmp_path / "c.ckpt.history").read_bytes()
    arg = next(iter(change))
    with pytest.raises(ValueError, match=f"another {arg}"):  # the refusal names what differs
        _train(tmp_path / "c.ckpt", **change)
    assert (tmp_path / "c.ckpt").read_bytes() == before  # refused, and left as it was
    assert (tmp_path / "c.ckpt.history").read_bytes() == log


@pytest.mark.parametrize("interrupt", [None, 3], ids=["finished", "interrupted"])
def test_the_same_call_with_more_epochs_continues_the_run(tmp_path: Path,
                                                          interrupt: int | None) -> None:
    # 6 epochs, then the same call with 10, equal bit for bit to one run of 10: the shuffling
    # and the dropout masks draw from (seed, epoch), so the epochs 6..9 are those of the long run.
    kw: dict[str, Any] = dict(batch_size=2, keep_prob=0.8, optimizer="adam")
    whole, h_whole = _train(tmp_path / "whole.ckpt", epochs=10, **kw)

    def stop(epoch: int, params: Any, history: Any) -> None:
        if epoch == interrupt:
            raise KeyboardInterrupt

    try:
        _train(tmp_path / "more.ckpt", epochs=6, callback=stop, **kw)
    except KeyboardInterrupt:
        assert interrupt is not None
    longer, h_longer = _train(tmp_path / "more.ckpt", epochs=10, **kw)
    assert all(whole[k].tobytes() == longer[k].tobytes() for k in whole)
    assert json.dumps(h_whole, default=np.ndarray.tolist) == \
        json.dumps(h_longer, default=np.ndarray.tolist)
    assert len(h_longer["cost"]) == 10
    with pytest.raises(ValueError, match="epochs: .* holds 10 epochs"):
        _train(tmp_path / "more.ckpt", epochs=8, **kw)


def test_a_schedule_that_changes_the_epochs_already_run_is_refused(tmp_path: Path) -> None:
    # cosine decay over the run's length gives other rates for epochs 1..5 when the run is
    # longer: that run cannot be the continuation of the saved one.
    _train(tmp_path / "c.ckpt", epochs=6, learning_rate=mf.cosine_decay(0.5, 6))
    with pytest.raises(ValueError, match="another learning_rate.*; delete it or pass another path"):
        _train(tmp_path / "c.ckpt", epochs=12, learning_rate=mf.cosine_decay(0.5, 12))


def test_each_write_costs_the_state_not_the_history(tmp_path: Path) -> None:
    # The archive holds the params and optimizer state (its size does not grow with the
    # epochs); the history file grows by exactly 4 float64 numbers (32 bytes) an epoch.
    _train(tmp_path / "short.ckpt", epochs=5)
    _train(tmp_path / "long.ckpt", epochs=60)
    short, long = (tmp_path / "short.ckpt").stat().st_size, (tmp_path / "long.ckpt").stat().st_size
    assert abs(long - short) < 20  # the record's numbers, not the history
    assert (tmp_path / "short.ckpt.history").stat().st_size == 5 * 32
    assert (tmp_path / "long.ckpt.history").stat().st_size == 60 * 32


def test_a_damaged_checkpoint_is_refused_not_half_used(tmp_path: Path) -> None:
    _train(tmp_path / "c.ckpt")
    data = bytearray((tmp_path / "c.ckpt").read_bytes())
    for cut in (len(data) // 2, 100):
        (tmp_path / "d.ckpt").write_bytes(bytes(data[:cut]))
        with pytest.raises(ValueError, match="d.ckpt"):
            _train(tmp_path / "d.ckpt")
    data[len(data) // 3] ^= 0xFF  # one flipped byte: the zip CRC catches it
    (tmp_path / "d.ckpt").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="d.ckpt"):
        _train(tmp_path / "d.ckpt")
    mf.save_params(tmp_path / "model.npz", mf.init_params([2, 3, 1]), ["tanh", "sigmoid"], "bce")
    with pytest.raises(ValueError, match="model.npz"):
        _train(tmp_path / "model.npz")  # a model file is not a checkpoint


# --- divergence -----------------------------------------------------------------------------------

def test_the_last_update_is_checked_too() -> None:
    # The case: one epoch of full-batch GD at lr 1e10 on inputs of 1e150. The cost before
    # the update is finite; the update itself makes W1 = -inf.
    X, Y = np.full((1, 2), 1e150), np.zeros((1, 2))
    p = {"W1": np.ones((1, 1)), "b1": np.zeros((1, 1))}
    with pytest.raises(mf.TrainingDiverged, match="NaN or inf") as err:
        mf.train(X, Y, p, ["identity"], "mse", learning_rate=1e10, epochs=1)
    assert np.array_equal(err.value.params["W1"], [[1.0]])  # the last finite params: the start
    assert err.value.opt_state["step"] == 0


def test_diverged_params_and_optimizer_state_are_of_the_same_step() -> None:
    # Linear regression on inputs in [-10, 10]: the cost's curvature is 2 mean(x^2) ~ 70, so
    # any rate above 2/70 diverges; at 0.9 each step multiplies the error by about 60.
    x, _ = mf.data.x_squared(20)
    X, Y = 10 * x, x
    p0 = mf.init_params([1, 1], seed=0)
    acts = ["identity"]
    with pytest.raises(mf.TrainingDiverged) as err:
        mf.train(X, Y, p0, acts, "mse", learning_rate=0.9, epochs=1000, optimizer="momentum",
                 shuffle=False)  # one order, so the replay sums in the same order
    params, state = err.value.params, err.value.opt_state
    assert err.value.history["opt_state"]["step"] == state["step"] > 0
    # Replaying from p0 for state["step"] steps of the same full-batch momentum gives exactly
    # these params: they belong to that state.
    p, s = dict(p0), mf.momentum_init(p0)
    for _ in range(state["step"]):
        AL, cache = mf.forward(X, p, acts)  # finite all the way: these steps had finite costs
        g = mf.backward(AL, Y, cache, p, acts, "mse")
        p, s = mf.momentum_step(p, g, s, learning_rate=0.9)
    for k in p:
        assert p[k].tobytes() == params[k].tobytes()
        assert s["slots"]["v"][k].tobytes() == state["slots"]["v"][k].tobytes()


def test_a_non_finite_validation_cost_stops_training() -> None:
    X, Y = mf.data.xor()
    p = mf.init_params([2, 2, 1], seed=0)
    Xv = np.full((2, 1), 1e300)  # a validation input so large the network overflows on it
    with pytest.raises(mf.TrainingDiverged, match="validation cost"):
        mf.train(X, Y, p, ["quadratic", "sigmoid"], "bce", learning_rate=0.1, epochs=2,
                 validation_data=(Xv, np.ones((1, 1))))
