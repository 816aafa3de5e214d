"""What a new reader meets in the first ten minutes: the default initialisation trains the seeds'
networks, the chapter's own inputs work, names are matched as typed, predict has one shape rule,
the history saves as JSON, and a missing extra is one line."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mlp_fn as mf
from tests.strategies import problems



# --- the default initialisation -----------------------------------------------------------------

@pytest.mark.parametrize("dims, acts, lr", [
    ([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], 0.01),          # 001's example network
    ([2, 16, 16, 16, 1], ["relu", "relu", "relu", "sigmoid"], 0.1),  # a 3 x 16 ReLU net
], ids=["001 2-8-8-1 tanh", "3 x 16 relu"])
def test_the_default_init_trains_the_seeds_networks(dims: list[int], acts: list[str],
                                                    lr: float) -> None:
    # 001's setting: two moons, noise 0.2, 1,000 points, batch 32, 100 epochs; 5 seeds (data,
    # weights and order all change with the seed). The bar, 85%, is the issue's; a linear
    # classifier reaches about 86% on these moons, chance is 50%.
    accs = []
    for seed in range(5):
        X, Y = mf.data.two_moons(1000, noise=0.2, seed=seed)
        p = mf.init_params(dims, seed=seed)
        p, _ = mf.train(X, Y, p, acts, "bce", learning_rate=lr, epochs=100, batch_size=32,
                        seed=seed)
        accs.append(mf.accuracy(X, Y, p, acts, "bce"))
    assert min(accs) > 0.85, accs


def test_the_course_init_is_kept_by_name_and_stalls_where_the_issue_says() -> None:
    # With randn * 0.01 every hidden unit starts near 0, dW ~ 1e-4 per layer, and 100 epochs at
    # lr 0.01 leave the output at 1/2 for every example: J = ln 2, accuracy 1/2.
    X, Y = mf.data.two_moons(1000, noise=0.2, seed=0)
    acts = ["tanh", "tanh", "sigmoid"]
    p = mf.init_params([2, 8, 8, 1], method="random", seed=0)
    assert float(np.abs(p["W1"]).max()) < 0.05
    p, h = mf.train(X, Y, p, acts, "bce", learning_rate=0.01, epochs=100, batch_size=32)
    assert h["cost"][-1] == pytest.approx(np.log(2), abs=1e-3)


@given(seed=st.integers(0, 2**32 - 1), s=st.floats(0.0, 10.0),
       dims=st.lists(st.integers(1, 6), min_size=2, max_size=4))
def test_scale_draws_randn_times_s(seed: int, s: float, dims: list[int]) -> None:
    # The draws are default_rng(seed)'s standard normals in order, W1 first (see the module).
    rng = np.random.default_rng(seed)
    p = mf.init_params(dims, scale=s, seed=seed, method="he")  # scale wins over the method
    for l in range(1, len(dims)):
        expected = rng.standard_normal((dims[l], dims[l - 1])) * s
        np.testing.assert_array_equal(p[f"W{l}"], expected)


# --- the chapter's own inputs --------------------------------------------------------------------

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu", "identity", "quadratic"]


def test_the_chapters_integer_z_values() -> None:
    z = np.array([-3, -1, 0, 1, 3])  # 003's z_values, integers
    # By the chapter's definitions: alpha = 0.01 for z <= 0, 1 above.
    np.testing.assert_array_equal(mf.leaky_relu_derivative(z), [0.01, 0.01, 0.01, 1.0, 1.0])
    np.testing.assert_array_equal(mf.leaky_relu(z), [-0.03, -0.01, 0.0, 1.0, 3.0])
    np.testing.assert_array_equal(mf.relu_derivative(z), [0.0, 0.0, 0.0, 1.0, 1.0])
    assert float(mf.relu_derivative(-3.0)) == 0.0
    assert float(mf.sigmoid(0)) == 0.5                      # 1 / (1 + e^0)
    assert float(mf.sigmoid_derivative(0)) == 0.25          # 0.5 * (1 - 0.5)
    assert float(mf.tanh_derivative([0])[0]) == 1.0         # 1 - tanh(0)^2
    assert float(mf.quadratic_derivative(3)) == 6.0         # 2z
    # softmax of the chapter's logits [2, 1, 0.1]: e^z / sum e^z, written out.
    e = [np.exp(2.0), np.exp(1.0), np.exp(0.1)]
    np.testing.assert_allclose(mf.softmax([2.0, 1.0, 0.1]), np.array(e) / sum(e), rtol=1e-15)
    # 003's BCE example, clipped as the chapter clips: -mean(y ln p + (1-y) ln(1-p)).
    y, pr = [1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3]
    by_hand = -np.mean([np.log(0.9), np.log(0.9), np.log(0.8), np.log(0.7)])
    assert mf.bce(pr, y) == pytest.approx(by_hand, rel=1e-14)
    assert mf.mse(pr, y) == pytest.approx((0.01 + 0.01 + 0.04 + 0.09) / 4, rel=1e-14)


@pytest.mark.parametrize("name", ELEMENTWISE)
@given(z=st.lists(st.integers(-20, 20), min_size=1, max_size=6))
def test_integers_lists_and_floats_give_the_same_floats(name: str, z: list[int]) -> None:
    g = getattr(mf, name)
    dg = getattr(mf, f"{name}_derivative")
    want = g(np.array(z, dtype=np.float64))
    for given_as in (z, np.array(z), np.array(z, dtype=np.int8), np.array(z, dtype=np.float16)):
        got = g(given_as)
        assert got.dtype == np.float64 and not got.flags.writeable
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(dg(given_as), dg(np.array(z, dtype=np.float64)))
    assert g(np.array(z, dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_bad_elementwise_input_is_named(name: str) -> None:
    g = getattr(mf, name)
    with pytest.raises(TypeError, match="^Z: expected"):
        g("3")
    with pytest.raises(TypeError, match="^Z: expected real numbers"):
        g(np.array([1 + 2j, 3]))
    with pytest.raises(ValueError, match="^Z: expected finite values"):
        g([1.0, np.nan])
    with pytest.raises(TypeError, match="^Z: masked arrays"):
        g(np.ma.masked_array([1.0, 2.0], mask=[False, True]))


def test_overflow_is_reported_not_returned() -> None:
    with pytest.raises(ValueError, match="overflowed"):
        mf.quadratic(1e200)
    # GeLU's cubic is clipped where tanh is already +-1: large inputs stay exact and quiet.
    assert float(mf.gelu(1e200)) == 1e200 and float(mf.gelu(-1e200)) == 0.0
    np.testing.assert_array_equal(mf.gelu_derivative([1e200, -1e200]), [1.0, 0.0])


def test_softmax_over_one_class_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"single class.*pass Z\.T"):
        mf.softmax([[1.0, 2.0, 3.0]])  # a row of 3 examples' single score
    params = mf.init_params([2, 1])
    with pytest.raises(ValueError, match="softmax over a single output unit"):
        mf.forward(np.zeros((2, 3)), params, ["softmax"])


def test_standardising_rows_is_refused_with_the_fix() -> None:
    X_rows, _ = mf.data.two_moons(100, seed=0)
    with pytest.raises(ValueError, match=r"pass.* X\.T"):
        mf.data.fit_standardizer(X_rows.T)  # (100, 2): data held as rows
    stats = mf.data.fit_standardizer(X_rows)
    Z = mf.data.standardize(X_rows, stats)
    np.testing.assert_allclose(Z.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=1), 1.0, rtol=1e-12)
    wide = mf.data.fit_standardizer(X_rows.T, check_layout=False)  # the way out, when meant
    assert wide["mean"].shape == (100, 1)


# --- names -------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, canonical", [
    ("Tanh", "tanh"), ("Sigmoid", "sigmoid"), ("logistic", "sigmoid"), ("LeakyReLU", "leaky_relu"),
    ("leaky-relu", "leaky_relu"), ("ReLU", "relu"), ("GeLU", "gelu"), ("Linear", "identity"),
])
def test_activation_names_as_typed(typed: str, canonical: str) -> None:
    X = np.array([[-1.0, 2.0]])
    p = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    out = "sigmoid" if canonical == "sigmoid" else "identity"
    a, _ = mf.forward(X, {**p, "W2": np.array([[1.0]]), "b2": np.zeros((1, 1))}, [typed, out])
    b, _ = mf.forward(X, {**p, "W2": np.array([[1.0]]), "b2": np.zeros((1, 1))}, [canonical, out])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(mf.activation_forward(X, typed),
                                  mf.activation_forward(X, canonical))


@pytest.mark.parametrize("typed, canonical", [("BCE", "bce"), ("Binary_Log_Loss", "bce"),
                                              ("MSE", "mse"), ("L2", "mse"), ("Half-MSE", "half_mse")])
def test_loss_names_as_typed(typed: str, canonical: str) -> None:
    AL, Y = np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]])
    assert mf.compute_cost(AL, Y, typed) == mf.compute_cost(AL, Y, canonical)


@pytest.mark.parametrize("typed, canonical", [("Adam", "adam"), ("SGD", "gd"), ("sgd", "gd"),
                                              ("RMSProp", "rmsprop"), ("Momentum-EMA", "momentum_ema")])
def test_optimizer_names_as_typed(typed: str, canonical: str) -> None:
    X, Y = mf.data.xor()
    p0 = mf.init_params([2, 3, 1], seed=0)
    a, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=3,
                    optimizer=typed)
    b, _ = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=3,
                    optimizer=canonical)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_init_and_schedule_names_as_typed() -> None:
    for typed, canonical in [("Xavier", "xavier"), ("Glorot", "xavier"), ("Kaiming", "he"),
                             ("HE", "he"), ("Random", "random")]:
        a, b = mf.init_params([3, 2], method=typed), mf.init_params([3, 2], method=canonical)
        np.testing.assert_array_equal(a["W1"], b["W1"])
    assert mf.make_schedule("Step_Decay", 0.1, drop=0.5, every=2)(4) == 0.1 * 0.5**2


def test_an_unknown_name_still_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"activation: unknown name 'swish'; expected one of: "
                                         r"sigmoid, tanh, relu.*case and '_' do not matter"):
        mf.activation_forward(np.zeros((1, 1)), "swish")


# --- predict's one shape rule, and a history that saves --------------------------------------------

@given(problem=problems())
def test_predict_is_shaped_and_encoded_like_Y(problem: Any) -> None:
    p = problem
    y_hat = mf.predict(p.X, p.params, p.activations, p.loss)
    assert y_hat.shape == p.Y.shape
    AL, _ = mf.forward(p.X, p.params, p.activations)
    if p.loss == "bce":
        assert set(np.unique(y_hat)) <= {0, 1}
        np.testing.assert_array_equal(y_hat, AL > 0.5)
    elif p.loss == "cce":
        # One 1 per column, at the largest probability: a valid Y.
        np.testing.assert_array_equal(y_hat.sum(axis=0), 1)
        np.testing.assert_array_equal(y_hat.argmax(axis=0), AL.argmax(axis=0))
        right = (y_hat == p.Y).all(axis=0).mean()
        assert right == mf.accuracy(p.X, p.Y, p.params, p.activations, p.loss)
    else:
        np.testing.assert_array_equal(y_hat, AL)


@pytest.mark.parametrize("optimizer", sorted(mf.OPTIMIZERS))
def test_the_history_saves_as_json_after_every_optimizer(optimizer: str) -> None:
    X, Y = mf.data.xor()
    p0 = mf.init_params([2, 3, 1], seed=0)
    _, h = mf.train(X, Y, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.05, epochs=4,
                    optimizer=optimizer, validation_data=(X, Y))
    back = json.loads(json.dumps(h, default=np.ndarray.tolist))  # the README's one call
    assert back["cost"] == h["cost"] and back["opt_state"]["step"] == 4
    for slot, arrays in h["opt_state"]["slots"].items():
        for k, a in arrays.items():
            np.testing.assert_array_equal(np.array(back["opt_state"]["slots"][slot][k]), a)


# --- the report and the extras --------------------------------------------------------------------

def test_the_terminal_report_shows_long_figures_whole() -> None:
    from walkthroughs.__main__ import print_table

    documented = "z1 = [[ 0.47  -0.25   0.58 ]] and a long tail to push it past 40 columns 1234"
    reproduced = documented.replace("-0.25", "-0.35")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print_table([{"walkthrough": "w", "figure": "z1", "documented": documented,
                      "reproduced": reproduced, "verdict": "differs", "reason": "bias"}])
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("w: z1") and lines[0].endswith("[differs]")
    assert max(len(line) for line in lines) <= 100  # fits a 100-column terminal

    def field(label: str) -> str:  # the wrapped lines of one field, joined again
        at = next(i for i, line in enumerate(lines) if line.startswith(f"  {label}"))
        rest = [lines[at][14:]] + [line[14:] for line in lines[at + 1:]
                                   if line.startswith(" " * 14)]
        return "".join(rest).replace(" ", "")

    assert field("documented") == documented.replace(" ", "")
    assert field("reproduced") == reproduced.replace(" ", "")
    assert field("why") == "bias"


def test_walkthroughs_without_the_notebook_tools_say_one_line() -> None:
    code = ("import sys; sys.modules['jupytext'] = None\n"
            "from walkthroughs.__main__ import main\n"
            "sys.exit(main(['--quick', 'single_neuron']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "jupytext is not installed" in lines[0]
    assert "pip install -e '.[dev]'" in lines[0]


def test_walkthroughs_without_matplotlib_say_one_line() -> None:
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "from walkthroughs.__main__ import main\n"
            "sys.exit(main(['--quick', 'single_neuron']))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install -e '.[plots]'" in lines[0]
