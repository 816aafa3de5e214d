"""mlp_fn.plots draws headless, in both dtypes, returns what it drew into, writes GIFs with the
frames asked for, and its pictures change when the network does."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mlp_fn as mf
from mlp_fn import plots

plt = pytest.importorskip("matplotlib.pyplot")
ACTS = ["tanh", "sigmoid"]


@pytest.fixture(autouse=True)
def close_figures() -> Any:
    yield
    plt.close("all")


def pixels(fig: Any) -> np.ndarray[Any, Any]:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def problem(dtype: Any) -> tuple[Any, Any, mf.Params, mf.Params, mf.History]:
    X, Y = mf.data.two_moons(120, seed=0)
    X, Y = X.astype(dtype), Y.astype(dtype)
    p0 = mf.init_params([2, 5, 1], seed=1, dtype=dtype)
    p1, h = mf.train(X, Y, p0, ACTS, "bce", learning_rate=0.5, epochs=60,
                     validation_data=(X, Y))
    return X, Y, p0, p1, h


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_each_picture_draws_returns_its_axes_and_follows_the_network(dtype: Any) -> None:
    X, Y, p0, p1, h = problem(dtype)
    draws: list[Callable[[Any, Any], Any]] = [
        lambda p, ax: plots.decision_boundary(X, Y, p, ACTS, ax=ax),
        lambda p, ax: plots.network_diagram(p, ACTS, ax=ax)]
    for draw in draws:
        images = []
        for p in (p0, p1):  # before and after training
            fig, ax = plt.subplots()
            assert draw(p, ax) is ax
            images.append(pixels(fig))
        assert images[0].shape == images[1].shape and (images[0] != images[1]).any()
    fig = plt.figure(figsize=(8, 2.5))
    assert plots.unit_maps(X, p1, ACTS, fig=fig) is fig
    before = pixels(plots.unit_maps(X, p0, ACTS, fig=plt.figure(figsize=(8, 2.5))))
    assert (pixels(fig) != before).any()
    fig, ax = plt.subplots()
    assert plots.learning_curves(h, ax=ax) is ax
    assert {line.get_label() for line in ax.get_lines()} >= {"training cost", "validation cost"}


def test_multiclass_regions() -> None:
    Xb, labels = mf.data.blobs(90, [[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]], spread=0.5)
    p = mf.init_params([2, 6, 3], seed=0)
    ax = plots.decision_boundary(Xb, mf.one_hot(labels), p, ["tanh", "softmax"])
    assert len(ax.collections) >= 4  # the class regions and one scatter per class


def test_animation_frames_and_the_same_training(tmp_path: Path) -> None:
    from PIL import Image

    X, Y = mf.data.xor()
    p0 = mf.init_params([2, 4, 1], scale=0.5, seed=42)
    path = tmp_path / "xor.gif"
    gif_bytes, trained, history = plots.animate_training(
        X, Y, p0, ["sigmoid", "sigmoid"], "half_mse", path, epochs=300, frames=7,
        learning_rate=1.0, resolution=20)
    assert path.read_bytes() == gif_bytes
    with Image.open(path) as gif:
        assert gif.format == "GIF" and getattr(gif, "n_frames") == 7
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"))
        gif.seek(6)
        last = np.asarray(gif.convert("RGB"))
    assert (first != last).any()  # the boundary moved
    plain, _ = mf.train(X, Y, p0, ["sigmoid", "sigmoid"], "half_mse", learning_rate=1.0,
                        epochs=300)
    assert all(plain[k].tobytes() == trained[k].tobytes() for k in plain)
    with pytest.raises(ValueError, match="frames: at most epochs"):
        plots.animate_training(X, Y, p0, ["sigmoid", "sigmoid"], "half_mse", path, epochs=3,
                               frames=10, learning_rate=1.0)
    with pytest.raises(ValueError, match=r"^path: .*must end in \.gif"):
        plots.animate_training(X, Y, p0, ["sigmoid", "sigmoid"], "half_mse",
                               tmp_path / "xor.mp4", epochs=3, learning_rate=1.0)
    assert not (tmp_path / "xor.mp4").exists()


def test_an_animation_plays_inline_in_a_notebook(tmp_path: Path) -> None:
    # Executed as a person would: a notebook whose last expression is the animation, run by
    # nbclient in a temporary folder; the cell's output must hold the GIF as HTML.
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    source = ("import mlp_fn as mf\nfrom mlp_fn import plots\nX, Y = mf.data.xor()\n"
              "plots.animate_training(X, Y, mf.init_params([2, 4, 1], seed=1), "
              "['tanh', 'sigmoid'], 'bce', epochs=20, frames=5, learning_rate=0.5, "
              "resolution=12)")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert html and html[0].startswith('<img src="data:image/gif;base64,')
    assert not any("image/png" in o.get("data", {}) for o in outputs)  # no still beside it


def test_bad_input_is_named() -> None:
    X, Y = mf.data.xor()
    p = mf.init_params([2, 3, 1])
    with pytest.raises(ValueError, match="X: the plane plots need 2 input features"):
        plots.decision_boundary(np.zeros((3, 4)), Y, mf.init_params([3, 1]), ["sigmoid"])
    with pytest.raises(TypeError, match="history: expected the history"):
        plots.learning_curves({"loss": [1.0]})
    with pytest.raises(ValueError, match="layer: expected an integer <= 2"):
        plots.unit_maps(X, p, ACTS, layer=3)


def test_without_matplotlib_one_line_names_the_extra() -> None:
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import mlp_fn as mf\nfrom mlp_fn import plots\n"
            "X, Y = mf.data.xor()\n"
            "try:\n    plots.decision_boundary(X, Y, mf.init_params([2, 1]), ['sigmoid'])\n"
            "except ImportError as e:\n    print(e)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip().splitlines() == [
        "mlp_fn.plots draws with matplotlib, which is not installed: pip install "
        "'mlp_fn[plots]' (or: pip install matplotlib)"]


def test_the_progress_callback() -> None:
    out = io.StringIO()
    X, Y = mf.data.xor()
    mf.train(X, Y, mf.init_params([2, 3, 1]), ACTS, "bce", learning_rate=0.1, epochs=20,
             callback=mf.callbacks.progress_callback(20, every=5, stream=out))
    text = out.getvalue()
    # tqdm draws a bar ending at 20/20; without tqdm four lines, the last at epoch 20.
    assert "20/20" in text


def test_drawing_again_into_the_same_axes_piles_nothing_up() -> None:
    X, Y = mf.data.two_moons(60, seed=0)
    p = mf.init_params([2, 4, 1], seed=0)
    fig, ax = plt.subplots()
    for _ in range(3):
        plots.decision_boundary(X, Y, p, ["tanh", "sigmoid"], ax=ax)
    bars = [a for a in fig.axes if getattr(a, "_colorbar", None) is not None]
    assert len(bars) == 1  # one colour bar, not three
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    fig = plots.unit_maps(X, p, ["tanh", "sigmoid"])
    plots.unit_maps(X, p, ["tanh", "sigmoid"], fig=fig)
    assert len(fig.axes) == 4 + 1  # 4 maps and their one colour bar, once
    assert fig.axes[0].get_ylabel() == "x2" and fig.axes[-1].get_ylabel() == "a[1][j]"
    plt.close("all")


def test_decision_boundary_of_any_predict_function() -> None:
    # 002's logistic regression, sigma(w x + b), drawn as the network is: its boundary is the
    # line w x + b = 0, so a point on each side is coloured by its own class probability.
    X, Y = mf.data.two_moons(60, seed=0)
    w, b = np.array([[1.0, -2.0]]), 0.3
    ax = plots.decision_boundary(X, Y, predict=lambda G: 1 / (1 + np.exp(-(w @ G + b))),
                                 resolution=50)
    mesh = ax.collections[0]
    values = np.asarray(mesh.get_array()).reshape(50, 50)
    assert values.min() < 0.1 and values.max() > 0.9  # both sides of w x + b = 0 are on it
    with pytest.raises(TypeError, match="^predict: give either"):
        plots.decision_boundary(X, Y)
    plt.close("all")


def test_learning_curves_of_several_runs_have_their_own_colours_and_labels() -> None:
    X, Y = mf.data.xor()
    p = mf.init_params([2, 3, 1], seed=0)
    ax: Any = None
    for name in ("gd", "momentum", "adam"):
        _, h = mf.train(X, Y, p, ["tanh", "sigmoid"], "bce", learning_rate=0.1, epochs=5,
                        optimizer=name)
        ax = plots.learning_curves(h, ax=ax, label=name)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["gd: training cost",
                                                   "momentum: training cost",
                                                   "adam: training cost"]
    assert len({line.get_color() for line in lines}) == 3
    plt.close("all")


def test_function_fit_draws_a_one_input_network_against_its_target() -> None:
    X, Y = mf.data.x_squared(20)
    p = mf.init_params([1, 3, 1], seed=0)
    ax = plots.function_fit(X, Y, p, ["tanh", "identity"], label="tanh", resolution=30)
    ax = plots.function_fit(X, Y, p, ["quadratic", "identity"], ax=ax, label="quadratic")
    curves = [line for line in ax.get_lines() if line.get_gid() == "mlp_fn.fit"]
    x, y = curves[0].get_data()
    AL, _ = mf.forward(np.asarray(x).reshape(1, -1), p, ["tanh", "identity"])
    np.testing.assert_allclose(y, AL[0])  # the line is the network's output at those x
    assert [c.get_label() for c in curves] == ["tanh", "quadratic"]
    with pytest.raises(ValueError, match="one input and one output"):
        plots.function_fit(X, Y, mf.init_params([2, 3, 1]), ["tanh", "identity"])
    plt.close("all")


def test_a_network_needs_its_activations_and_huge_planes_draw_without_warnings() -> None:
    """Found by the promise sweep: with the activations left out every layer read 'identity',
    and a plane of 1e200 then overflowed a cast to int64. The activations are required now, and
    the surface is tested for whole numbers without casting."""
    X, Y = mf.data.xor()
    p = mf.init_params([2, 3, 1], seed=0)
    with pytest.raises(TypeError, match="activations: expected the network's activations"):
        plots.decision_boundary(X, Y, p)
    ax = plots.decision_boundary(np.full((2, 4), 1e200), Y, p, ["identity", "identity"])
    assert ax.get_title()
    import matplotlib.pyplot as plt

    plt.close("all")
