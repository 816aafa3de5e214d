"""What a learner meets with their own data: pandas, the row-data workflow drawn, a learning
rate far too large, the module names a learner types, and the small things found on the second
day. Each test failed before the change it covers."""

from __future__ import annotations

import importlib
import io
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import mlp_fn as mf
from mlp_fn import model, plots

pd = pytest.importorskip("pandas")

rng = np.random.default_rng(0)
X_ROWS = rng.standard_normal((200, 2))
WORDS = np.where(X_ROWS[:, 0] > 0, "yes", "no")


def _net(out: int = 1) -> Any:
    return model.network(2, [[4, "tanh"], [out, "sigmoid" if out == 1 else "softmax"]],
                         "binary_log_loss" if out == 1 else "cce")


# --- 1. pandas labels and frames -----------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: pd.Series(WORDS),
    lambda: pd.Series(WORDS, dtype="string"),
    lambda: pd.Series(WORDS).astype("category"),
    lambda: WORDS.astype(object),
    lambda: list(WORDS),
], ids=["object", "string", "category", "numpy-object", "list"])
def test_labels_from_pandas_and_object_arrays(make: Any) -> None:
    """Every label form trains the same network as NumPy's own string array does."""
    want = model.fit(_net(), X_ROWS, WORDS, epochs=5)
    got = model.fit(_net(), X_ROWS, make(), epochs=5)
    assert got["classes"] == want["classes"] == ["no", "yes"]
    assert all(np.array_equal(got["params"][k], want["params"][k]) for k in want["params"])
    assert list(model.predict(got, X_ROWS[:5])) == list(model.predict(want, X_ROWS[:5]))
    assert model.score(got, X_ROWS, make()) == model.score(want, X_ROWS, WORDS)


def test_a_category_column_brings_classes_missing_from_the_batch() -> None:
    y = pd.Series(["a", "b"] * 15).astype(pd.CategoricalDtype(["a", "b", "c"]))
    net = model.fit(_net(3), X_ROWS[:30], y, epochs=2)
    assert net["classes"] == ["a", "b", "c"]


def test_frames_and_series_as_rows_keep_the_column_order() -> None:
    df = pd.DataFrame(X_ROWS, columns=["a", "b"])
    want = model.fit(_net(), X_ROWS, WORDS, epochs=3)
    got = model.fit(_net(), df, pd.Series(WORDS), epochs=3)
    assert all(np.array_equal(got["params"][k], want["params"][k]) for k in want["params"])
    assert list(model.predict(got, df.iloc[:4])) == list(model.predict(want, X_ROWS[:4]))
    assert model.predict(got, df.iloc[0]) == model.predict(want, X_ROWS[0])  # a Series: 1 row
    swapped = model.fit(_net(), df[["b", "a"]], WORDS, epochs=3)  # the order given is kept
    assert not np.array_equal(swapped["params"]["W1"], want["params"]["W1"])


def test_label_messages_say_what_they_saw() -> None:
    with pytest.raises(TypeError, match=r"not whole numbers, e\.g\. 0\.5;"):
        model.fit(_net(), X_ROWS, pd.Series([0.5] * 200), epochs=1)
    with pytest.raises(ValueError, match=r"^y\[1\] is missing \(nan\): no label"):
        model.fit(_net(), X_ROWS, pd.Series(["a", None] * 100), epochs=1)
    with pytest.raises(TypeError, match="y: labels of mixed kinds"):
        model.fit(_net(), X_ROWS, np.array(["a", 1] * 100, dtype=object), epochs=1)



def test_rows_that_are_not_numbers_are_named_by_column() -> None:
    """A frame with a text, category or nullable-integer column: the message names the
    columns and what they hold (the frame's repr, cut at 200 characters, named none), and
    stays short."""
    df = pd.DataFrame(X_ROWS, columns=["a", "b"])
    net = model.fit(_net(), df, WORDS, epochs=1)
    with pytest.raises(TypeError, match=r"shape \(200, 3\) whose column 'city' \(str, e\.g\. "
                                        r"'Oslo'\) is not numbers; .*get_dummies"):
        model.predict(net, df.assign(city=["Oslo", "Lima"] * 100))
    many = df.assign(c=pd.Categorical(["u", "v"] * 100), d=["x"] * 200, e=["y"] * 200,
                     f=["z"] * 200)
    with pytest.raises(TypeError) as err:
        model.predict(net, many)
    assert "columns 'c' (category, e.g. 'u'), 'd' (str, e.g. 'x'), 'e' (str, e.g. 'y') and 1 " \
           "more are not numbers" in str(err.value)
    assert len(str(err.value)) < 400  # three columns named, each value cut at 40 characters
    holes = df.assign(b=pd.array([1, None] * 100, dtype="Int64"))
    with pytest.raises(TypeError, match=r"column 'b' \(Int64\) has missing values \(pd\.NA\); "
                                        r"fill them \(fillna\)"):
        model.fit(_net(), holes, WORDS, epochs=1)
    with pytest.raises(TypeError, match=r"Series of shape \(200,\) of str, not numbers "
                                        r"\(e\.g\. 'yes'\); encode it"):
        mf.sigmoid(pd.Series(WORDS))

# --- 2. the course functions refuse rows, saying what to write -------------------------------

def test_course_functions_refuse_frames_and_rows_with_the_line_to_write() -> None:
    params = mf.init_params([2, 3, 1], seed=0)
    df = pd.DataFrame(X_ROWS, columns=["a", "b"])
    with pytest.raises(TypeError, match=r"pandas DataFrame of shape \(200, 2\).*"
                                        r"X = df\.to_numpy\(\)\.T"):
        mf.forward(df, params, ["tanh", "sigmoid"])
    with pytest.raises(TypeError, match=r"X = np\.array\(rows\)\.T"):
        rows: Any = [[1.0, 2.0], [3.0, 4.0]]
        mf.predict(rows, params, ["tanh", "sigmoid"], "bce")
    with pytest.raises(TypeError, match=r"Y = s\.to_numpy\(\)\.reshape\(1, -1\)"):
        mf.train(X_ROWS.T, pd.Series(np.ones(200)), params, ["tanh", "sigmoid"], "bce",
                 learning_rate=0.1, epochs=1)
    with pytest.raises(TypeError) as err:
        mf.forward(df, params, ["tanh", "sigmoid"])
    assert len(str(err.value)) < 300  # no DataFrame repr in it


# --- 3. a network of mlp_fn.model drawn in one call ------------------------------------------

def _png(fig: Any) -> np.ndarray[Any, Any]:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    plt.close(fig)
    buffer.seek(0)
    return plt.imread(buffer)


def test_every_picture_takes_a_model_network_and_draws_what_the_course_layout_draws() -> None:
    """The PNG drawn from a network of mlp_fn.model and its rows equals, pixel for pixel, the
    PNG drawn from its params and the course layout of its data (an independent path: the
    labels converted by hand here)."""
    NN = model.fit(_net(), X_ROWS, WORDS, epochs=20, learning_rate=0.5)
    params, acts = NN["params"], NN["activations"]
    X, Y = X_ROWS.T, (WORDS == "yes").astype(float).reshape(1, -1)
    pairs: list[tuple[Callable[[], Any], Callable[[], Any]]] = [
        (lambda: plots.decision_boundary(X_ROWS, WORDS, NN, resolution=40).figure,
         lambda: plots.decision_boundary(X, Y, params, acts, resolution=40).figure),
        (lambda: plots.learning_curves(model.loss_history(NN)).figure,
         lambda: plots.learning_curves({"cost": list(NN["loss_history"])}).figure),
        (lambda: plots.learning_curves(NN).figure,
         lambda: plots.learning_curves({"cost": list(NN["loss_history"])}).figure),
        (lambda: plots.network_diagram(NN).figure,
         lambda: plots.network_diagram(params, acts).figure),
        (lambda: plots.unit_maps(X_ROWS, NN, resolution=20),
         lambda: plots.unit_maps(X, params, acts, resolution=20)),
    ]
    for ours, course in pairs:
        a, b = _png(ours()), _png(course())
        assert a.shape == b.shape and np.array_equal(a, b)
        assert a.std() > 0.01  # not an empty picture
    xs = np.linspace(-1, 1, 30).reshape(-1, 1)
    R = model.fit(model.network(1, [[6, "tanh"], [1, "identity"]], "l2"), xs, xs[:, 0] ** 2,
                  epochs=20, learning_rate=0.1)
    a = _png(plots.function_fit(xs, xs[:, 0] ** 2, R).figure)
    b = _png(plots.function_fit(xs.T, (xs ** 2).T, R["params"], R["activations"]).figure)
    assert np.array_equal(a, b)
    anim = plots.animate_training(X_ROWS, WORDS, NN, epochs=4, frames=3, learning_rate=0.5)
    anim_course = plots.animate_training(X, Y, params, acts, "bce", epochs=4, frames=3,
                                         learning_rate=0.5)
    assert anim.gif == anim_course.gif and len(anim.gif) > 1000
    with pytest.raises(TypeError, match="activations: a network of mlp_fn.model carries"):
        plots.network_diagram(NN, ["tanh", "sigmoid"])


# --- 4. a learning rate far too large is reported --------------------------------------------

def _history(costs: list[float]) -> Any:
    history = mf.training._state.new_history({"step": 0, "slots": {}})
    history["cost"] += costs
    history["learning_rate"] += [0.5] * len(costs)
    return history


@pytest.mark.parametrize("costs, warned", [
    ([1.0, 0.8, 10.2], True),       # more than 10 times the first, 9.2 above it
    ([1.0, 0.8, 9.9], False),       # 9.9 times: not far enough
    ([1e-5, 1e-3], False),          # 100 times, but only 0.00099 above: rounding size
    ([0.7, 50.0, 0.6], False),      # bounced and came back
    ([0.72, 28.8], True),           # the tanh at lr = 100
])
def test_the_unstable_rule_on_each_side(costs: list[float], warned: bool) -> None:
    from mlp_fn.training.loop import _warn_if_unstable

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = _warn_if_unstable(_history(costs), None)  # type: ignore[arg-type]
    assert bool(caught) == warned and bool(history["warnings"]) == warned
    if warned:
        assert issubclass(caught[0].category, mf.TrainingUnstable)
        assert "learning rate 0.5" in str(caught[0].message)
        assert "Lower learning_rate (e.g. 0.05)" in str(caught[0].message)


def test_a_run_that_ends_far_above_its_start_warns_once_and_records_it() -> None:
    X, Y = mf.data.two_moons(200, seed=0)
    params = mf.init_params([2, 8, 1], seed=0)
    with pytest.warns(mf.TrainingUnstable) as caught:
        _, history = mf.train(X, Y, params, ["relu", "sigmoid"], "bce", learning_rate=1e6,
                              epochs=3)
    assert len(caught) == 1 and len(history["warnings"]) == 1
    assert caught[0].filename == __file__  # the caller's line, not mlp_fn's boundary
    assert history["cost"][-1] > 10 * history["cost"][0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", mf.TrainingUnstable)
        with pytest.raises(mf.TrainingUnstable):
            mf.train(X, Y, params, ["relu", "sigmoid"], "bce", learning_rate=1e6, epochs=3)
    _, calm = mf.train(X, Y, params, ["relu", "sigmoid"], "bce", learning_rate=0.5, epochs=30)
    assert calm["warnings"] == []


# --- 5. the names a learner types ------------------------------------------------------------

def test_the_module_names_a_learner_types() -> None:
    from mlp_fn.data import two_moons
    from mlp_fn.explain import worked_example
    import mlp_fn.plots
    import mlp_fn.callbacks
    import mlp_fn.summary

    assert two_moons is mf.data.two_moons and worked_example is mf.explain.worked_example
    for name in ("data", "explain", "plots", "summary", "callbacks"):
        assert importlib.import_module(f"mlp_fn.{name}") is getattr(mf, name)
    assert mlp_fn.plots is plots and mlp_fn.summary is mf.summary
    assert mlp_fn.callbacks.progress_callback is mf.callbacks.progress_callback


# --- 6. the small ones ------------------------------------------------------------------------

def test_summary_without_history_does_not_claim_untrained() -> None:
    params, _ = mf.train(*mf.data.xor(), mf.init_params([2, 3, 1], seed=0),
                         ["tanh", "sigmoid"], "bce", learning_rate=0.5, epochs=3)
    text = mf.summary.summary_text(params, ["tanh", "sigmoid"], "bce")
    assert "Trained = False" not in text and "Trained = not known" in text


def test_summary_columns_line_up_with_residual_layers() -> None:
    params = mf.init_params([2, 4, 4, 1], seed=0)
    lines = mf.summary.summary_text(params, ["tanh", "relu+residual", "sigmoid"],
                                    "bce").splitlines()[2:5]
    for column in ("W", "b", "parameters"):
        starts = {line.index(f" {column}") for line in lines}
        assert len(starts) == 1, (column, lines)


def test_explain_writes_no_negative_zero() -> None:
    X, Y = mf.data.xor()
    params = mf.init_params([2, 3, 1], seed=0)
    text = mf.explain.worked_example(X, Y, params, ["relu", "sigmoid"], "bce",
                                     learning_rate=0.5, decimals=6)
    import re

    # a value written as -0.000000: at the end of a line, or bracketed as a negative number
    # (not exp(-0.000000), sigmoid's own minus before a z of 0)
    assert not re.search(r"= -0\.0+$|(?<![a-z])\(-0\.0+\)", text, flags=re.M)
    z = float(params["W1"][0, 1])  # example 1 is x = (0, 1) and b = 0: z[1][0](1) = W1[0, 1]
    assert z < 0 and f"relu(z[1][0](1)) = max(0, {z:.6f}) = 0.000000" in text


def test_the_legend_leaves_the_validation_metric_visible() -> None:
    X, Y = mf.data.two_moons(200, seed=0)
    Xv, Yv = mf.data.two_moons(100, seed=1)
    _, history = mf.train(X, Y, mf.init_params([2, 8, 1], seed=0), ["tanh", "sigmoid"], "bce",
                          learning_rate=0.5, epochs=40, validation_data=(Xv, Yv))
    ax = plots.learning_curves(history)
    fig = ax.figure
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 <= ax.get_window_extent().y0 + 1  # below the axes, covering no curve
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_softmax_classes_follow_the_output_units() -> None:
    """The workflow page's rule: integer labels are the classes 0..K-1 of K output units."""
    net = model.fit(_net(3), X_ROWS[:20], [0, 1] * 10, epochs=1)
    assert net["classes"] == [0, 1, 2]
    with pytest.raises(ValueError, match="3 output units"):
        model.fit(_net(3), X_ROWS[:20], ["a", "b"] * 10, epochs=1)
