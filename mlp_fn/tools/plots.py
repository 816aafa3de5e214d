"""Pictures a learner looks at: decision boundaries, learning curves, the network itself, what
each hidden unit computes, and training as an animation.

matplotlib is imported only when a function is called (``pip install 'mlp_fn[plots]'``); the
figures draw headless (Agg) when there is no display. Every function draws into the ``ax`` (or
``fig``) it is given, or a new one, and returns it, so pictures compose. The colours come from
Okabe and Ito's palette, which readers with any form of colour blindness tell apart; sign and
class are also told by line style or marker, not by colour alone.

Data are in the course layout: X of shape (2, m) for the plane plots, Y a (1, m) row of 0/1
labels or (K, m) one-hot columns.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from mlp_fn._internal.arrays import on_host
from mlp_fn._internal import checks as check
from mlp_fn._internal.files import checked_path, write_bytes
from mlp_fn._internal.types import ActivationSpec, Array, Params
from mlp_fn.activations import _label
from mlp_fn.network import architecture, keys
from mlp_fn.propagation import forward, _network_output
from mlp_fn.training._state import History
from mlp_fn.training.loop import train

__all__ = ["decision_boundary", "function_fit", "learning_curves", "network_diagram", "unit_maps",
           "animate_training", "OKABE_ITO", "Animation"]

#: Okabe and Ito (2008): orange, sky blue, bluish green, yellow, blue, vermillion, purple, black.
#:
#: :meta hide-value:
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000"]
POSITIVE, NEGATIVE = "#0072B2", "#D55E00"  # blue and vermillion: weights' signs
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def _pyplot() -> Any:
    """matplotlib.pyplot, headless when no display is set; one clear line if it is missing."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("mlp_fn.plots draws with matplotlib, which is not installed: "
                          "pip install 'mlp_fn[plots]' (or: pip install matplotlib)") from None
    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _axes(ax: Any, plt: Any, figsize: tuple[float, float]) -> tuple[Any, bool]:
    """The axes to draw into (a new figure's if None), and whether it was made here."""
    from matplotlib.axes import Axes

    if ax is None:
        return plt.subplots(figsize=figsize)[1], True
    if not isinstance(ax, Axes):
        raise TypeError(f"ax: expected matplotlib Axes or None, got {check.what(ax)}")
    return ax, False


def _figure(fig: Any, plt: Any, figsize: tuple[float, float]) -> Any:
    from matplotlib.figure import Figure

    if fig is None:
        return plt.figure(figsize=figsize)
    if not isinstance(fig, Figure):
        raise TypeError(f"fig: expected a matplotlib Figure or None, got {check.what(fig)}")
    return fig


def _title(title: Any, default: str) -> str:
    if title is None:
        return default
    if not isinstance(title, str):
        raise TypeError(f"title: expected a str or None, got {check.what(title)}")
    return title


def _is_model(net: Any) -> bool:
    """Whether ``net`` is a network of ``mlp_fn.model`` (001's workflow on rows)."""
    return isinstance(net, Mapping) and {"params", "activations", "loss", "classes",
                                          "loss_history"} <= set(net)


def _course(params: Any, activations: Any, X: Any = None,
            Y: Any = None) -> tuple[Any, Any, Any, Any]:
    """(X, Y, params, activations) in the course's layout: a network of ``mlp_fn.model`` in
    ``params``' place brings its own params and activations, and its rows X and label vector Y
    become columns and targets (``model.course_layout``); anything else passes as it is."""
    if not _is_model(params):
        if params is not None and activations is None:  # not silently 'identity' everywhere
            raise TypeError("activations: expected the network's activations with its params, "
                            "one name per layer, got None (or pass a network of mlp_fn.model "
                            "in params' place)")
        return X, Y, params, activations
    if activations is not None:
        raise TypeError("activations: a network of mlp_fn.model carries its own activations; "
                        "pass None (or leave it out)")
    from mlp_fn import model

    net = params
    if X is not None:
        X, Y = model.course_layout(net, X, Y)
    return X, Y, net["params"], net["activations"]


def _network(params: Any, activations: Any) -> tuple[int, list[ActivationSpec]]:
    net = architecture(params, activations)
    return net.L, list(net.activations)


def _plane(X: Any, params: Mapping[str, Array]) -> Array:
    X = check.inputs(X, 2, params["W1"].dtype) if isinstance(X, np.ndarray) and X.ndim == 2 \
        and X.shape[0] == 2 else check.matrix("X", X, "(2, m)")
    if X.shape[0] != 2 or params["W1"].shape[1] != 2:
        raise ValueError(f"X: the plane plots need 2 input features (X of shape (2, m), W1 with "
                         f"2 columns), got X {X.shape} and W1 {params['W1'].shape}")
    if X.shape[1] == 0:
        raise ValueError("X: expected at least one example, got m = 0")
    out: Array = X
    return out


def _grid(X: Array, resolution: int, dtype: Any) -> tuple[Array, Array, Array]:
    """The plane around the data: (x1 values, x2 values, the grid as (2, r*r) columns)."""
    # A margin of a tenth of the spread, and at least 0.3 and 1% of the coordinates' size (so
    # that data far from the origin, or all at one point, still give a plane to draw on).
    pad = 0.1 * max(float(np.ptp(X[0])), float(np.ptp(X[1]))) + 0.3 + \
        0.01 * float(np.abs(X).max())
    g1 = np.linspace(X[0].min() - pad, X[0].max() + pad, resolution)
    g2 = np.linspace(X[1].min() - pad, X[1].max() + pad, resolution)
    G1, G2 = np.meshgrid(g1, g2)
    return g1, g2, np.stack([G1.ravel(), G2.ravel()]).astype(dtype)


def _labels(Y: Any, m: int) -> np.ndarray[Any, Any]:
    """Class index per example from a (1, m) 0/1 row or (K, m) one-hot columns."""
    if not isinstance(Y, np.ndarray) or type(Y) is not np.ndarray or Y.ndim != 2 or \
            Y.shape[1] != m or Y.dtype.kind not in "fiub":
        raise TypeError(f"Y: expected a (1, {m}) row of labels or (K, {m}) one-hot columns, got "
                        f"{check.what(Y)}")
    labels: np.ndarray[Any, Any] = (Y[0] > 0.5).astype(int) if Y.shape[0] == 1 \
        else Y.argmax(axis=0)
    return labels


def _scatter(ax: Any, X: Array, labels: np.ndarray[Any, Any], size: float = 14,
             edge: float = 0.4, halo: bool = False) -> None:
    for k in np.unique(labels):
        at = labels == k
        if halo:  # a white ring under each point: it shows on a background of its own colour
            ax.scatter(X[0, at], X[1, at], s=size * 2.6, c="white", marker=_MARKERS[int(k) % 8],
                       edgecolors="none", zorder=2.5)
        ax.scatter(X[0, at], X[1, at], s=size, c=OKABE_ITO[int(k) % 8],
                   marker=_MARKERS[int(k) % 8], edgecolors="black", linewidths=edge,
                   label=f"class {int(k)}", zorder=3)


def _surface(params: Mapping[str, Array], acts: Sequence[ActivationSpec], grid: Array,
             r: int) -> tuple[Array, int]:
    """The network's output over the grid: (probability of class 1 or the class index, K)."""
    AL = _network_output(grid, params, architecture(params, acts))
    if AL.shape[0] == 1:
        return AL[0].reshape(r, r), 2
    return AL.argmax(axis=0).reshape(r, r).astype(float), AL.shape[0]


def _binary_cmap() -> Any:
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("okabe_ito_diverging",
                                             [OKABE_ITO[0], "#FFFFFF", OKABE_ITO[1]])


def _colorbar(ax: Any, image: Any, label: str) -> Any:
    """A colour bar for ``image`` beside ``ax``, replacing the one this module drew there
    before: drawing into the same axes again does not pile bars up."""
    for other in list(ax.figure.axes):
        old = getattr(other, "_colorbar", None)  # matplotlib keeps each bar's Colorbar there
        if old is not None and getattr(old.mappable, "axes", None) is ax:
            old.remove()
    return ax.figure.colorbar(image, ax=ax, shrink=0.8, label=label)


def _legend(ax: Any, **options: Any) -> None:
    """The axes' legend, one entry per name: drawing into the same axes again adds none."""
    handles, names = ax.get_legend_handles_labels()
    unique = dict(zip(names, handles))
    ax.legend(list(unique.values()), list(unique), **options)


def _finish(ax: Any, made: bool, title: str, xlabel: str, ylabel: str) -> Any:
    """Axis labels, title and a legend of one entry per name; a figure made here laid out."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    _legend(ax, fontsize=7, loc="best", framealpha=0.9)
    if made:
        ax.figure.tight_layout()
    return ax


def _predicted_surface(predict: Any, grid: Array, r: int) -> tuple[Array, int]:
    """A reader's predict(X) over the grid: P(class 1) in [0, 1], or labels 0..K-1."""
    if not callable(predict):
        raise TypeError(f"predict: expected a function X -> labels or P(class 1), got "
                        f"{check.what(predict)}")
    try:
        out = np.asarray(predict(grid), dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as err:
        raise ValueError(f"predict: on a (2, {grid.shape[1]}) grid it must return "
                         f"{grid.shape[1]} numbers, one per column ({err})") from None
    if out.size != grid.shape[1] or not np.isfinite(out).all():
        raise ValueError(f"predict: on a (2, {grid.shape[1]}) grid it must return "
                         f"{grid.shape[1]} finite numbers, one per column, got {out.size}")
    labels = out.astype(np.int64)
    if (out == labels).all() and out.min() >= 0 and out.max() >= 2:  # labels of K classes
        return out.reshape(r, r), int(out.max()) + 1
    if out.min() < 0 or out.max() > 1:
        raise ValueError("predict: expected P(class 1) in [0, 1] or class labels 0..K-1")
    return out.reshape(r, r), 2


@on_host
def decision_boundary(X: Array, Y: Array, params: Mapping[str, Any] | None = None,
                      activations: Sequence[ActivationSpec] | None = None,
                      loss: str | None = None, *, predict: Any = None, ax: Any = None,
                      resolution: int = 200, title: str | None = None) -> Any:
    """A classifier's answer over the plane, with the data: for a sigmoid output (or a
    ``predict`` giving P(class 1)) the probability of class 1 (white at 0.5, the boundary drawn
    as a line), for a softmax output (or ``predict`` giving labels) the region of each class.
    The classifier is a network (``params``, ``activations``; ``loss`` is not needed), a network
    of ``mlp_fn.model`` in ``params``' place (then X is its rows (m, 2) and Y its label vector,
    as ``model.fit`` takes them), or any ``predict(X) -> labels or P(class 1)`` taking X in the
    course layout, (2, k): 002's logistic regression beside the network. X (2, m), Y (1, m)
    labels or (K, m) one-hot.
    Drawing into the same ``ax`` again replaces the colour bar. Returns the axes.

    >>> import matplotlib.pyplot as plt
    >>> X, Y = mf.data.xor()
    >>> ax = decision_boundary(X, Y, mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce")
    >>> [len(points.get_offsets()) for points in ax.collections[-2:]]  # XOR: two per class
    [2, 2]
    >>> plt.close("all")
    """
    X, Y, params, activations = _course(params, activations, X, Y)
    if (predict is None) == (params is None):
        raise TypeError("predict: give either a network (params, activations) or a predict "
                        "function, not both and not neither")
    dtype: np.dtype[Any] = np.dtype(np.float64)
    if params is not None:
        _, acts = _network(params, activations)
        dtype = params["W1"].dtype
    X = _plane(X, params) if params is not None else _plane_data(X)
    labels = _labels(Y, X.shape[1])
    r = check.positive_int("resolution", resolution, minimum=2, maximum=2000)
    heading = _title(title, "Decision boundary and the data")
    ax, made = _axes(ax, _pyplot(), (5, 4.2))
    g1, g2, grid = _grid(X, r, dtype)
    if params is not None:
        surface, K = _surface(params, acts, grid, r)
    else:
        surface, K = _predicted_surface(predict, grid, r)
    if K == 2 and not (surface == np.round(surface)).all():  # (no cast: values may be huge)
        image = ax.pcolormesh(g1, g2, surface, cmap=_binary_cmap(), vmin=0, vmax=1,
                              shading="auto", alpha=0.5)  # pale, so the points stand out
        ax.contour(g1, g2, surface, levels=[0.5], colors="black", linewidths=1.0)
        _colorbar(ax, image, "P(class 1)")
    else:
        from matplotlib.colors import ListedColormap

        cmap = ListedColormap([OKABE_ITO[k % 8] for k in range(K)])
        ax.pcolormesh(g1, g2, surface, cmap=cmap, vmin=-0.5, vmax=K - 0.5, alpha=0.35,
                      shading="auto")
    _scatter(ax, X, labels)
    return _finish(ax, made, heading, "x1", "x2")


def _plane_data(X: Any) -> Array:
    """X of shape (2, m), m >= 1, without a network to match."""
    X = check.matrix("X", X, "(2, m)")
    if X.shape[0] != 2 or X.shape[1] == 0:
        raise ValueError(f"X: the plane plots need 2 input features, X of shape (2, m), got "
                         f"{X.shape}")
    out: Array = X
    return out


@on_host
def function_fit(X: Array, Y: Array, params: Mapping[str, Any],
                 activations: Sequence[ActivationSpec] | None = None, *, ax: Any = None,
                 label: str | None = None, resolution: int = 200,
                 title: str | None = None) -> Any:
    """A one-input network's output over x against its target: the data (X (1, m), Y (1, m))
    as points, the network's `a[L](x)` as a line over the data's range (000's fit of `x^2`,
    001's sine). Draw several networks into one ``ax`` with a ``label`` each to compare them.
    A network of ``mlp_fn.model`` may stand in ``params``' place, with its rows X (m, 1) and
    targets y (m,). Returns the axes.

    >>> import matplotlib.pyplot as plt
    >>> X, Y = mf.data.x_squared(20)
    >>> ax = function_fit(X, Y, mf.init_params([1, 3, 1], seed=0), ["tanh", "identity"])
    >>> [line.get_label() for line in ax.lines]
    ['network a[L](x)']
    >>> plt.close("all")
    """
    X, Y, params, activations = _course(params, activations, X, Y)
    net = architecture(params, activations)
    if net.n_x != 1 or net.n_y != 1:
        raise ValueError(f"params: function_fit draws a network of one input and one output, "
                         f"got {net.n_x} -> {net.n_y}")
    X = check.inputs(X, 1, net.dtype)
    Yf = check.matrix("Y", Y, f"(1, {X.shape[1]})")
    if Yf.shape != X.shape:
        raise ValueError(f"Y: expected the shape of X {X.shape}, got {Yf.shape}")
    r = check.positive_int("resolution", resolution, minimum=2, maximum=100_000)
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label: expected a str or None, got {check.what(label)}")
    heading = _title(title, "The network's output against the target")
    ax, made = _axes(ax, _pyplot(), (5.5, 3.8))
    lo, hi = float(X.min()), float(X.max())
    pad = 0.02 * (hi - lo) if hi > lo else 0.5
    x = np.linspace(lo - pad, hi + pad, r).reshape(1, r).astype(net.dtype)
    curve = _network_output(x, params, net)
    fits = [line for line in ax.get_lines() if line.get_gid() == "mlp_fn.fit"]
    if not any(c.get_gid() == "mlp_fn.target" for c in ax.collections):
        ax.scatter(X[0], Yf[0], s=10, color="#555555", zorder=1, label="target (data)",
                   gid="mlp_fn.target")
    ax.plot(x[0], curve[0], color=OKABE_ITO[(4 + len(fits)) % 8], linewidth=1.8, zorder=2,
            label=label or "network a[L](x)", gid="mlp_fn.fit")
    return _finish(ax, made, heading, "x", "y")


@on_host
def learning_curves(history: Any, *, ax: Any = None, title: str | None = None,
                    log_scale: bool = False, label: str | None = None) -> Any:
    """Cost per epoch from a ``train`` history, the validation cost when present, and the
    validation metric on a second axis. Drawn into the same ``ax`` again with a ``label``
    each, runs compare on one axes: each run its own colour, its lines named by the label
    (the gradient-descent variants, the optimizers). ``history`` may also be a network of
    ``mlp_fn.model`` or a list of costs (``model.loss_history(NN)``). Returns the axes.

    >>> import matplotlib.pyplot as plt
    >>> X, Y = mf.data.xor()
    >>> _, history = mf.train(X, Y, mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce",
    ...                       learning_rate=0.5, epochs=7)
    >>> ax = learning_curves(history)
    >>> list(ax.lines[0].get_ydata()) == history["cost"]  # one point per epoch
    True
    >>> plt.close("all")
    """
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label: expected a str or None, got {check.what(label)}")
    if _is_model(history):  # a network of mlp_fn.model: its loss history
        history = {"cost": history["loss_history"]}
    elif isinstance(history, (list, tuple)):  # the costs alone (model.loss_history(NN))
        history = {"cost": list(history)}
    if not isinstance(history, Mapping) or "cost" not in history:
        raise TypeError(f"history: expected the history train returns, got "
                        f"{check.what(history)}")
    cost = [check.real("history['cost']", c, "finite costs") for c in history["cost"]]
    if not cost:
        raise ValueError("history: no epoch was trained (history['cost'] is empty)")
    heading = _title(title, "Learning curves")
    if not isinstance(log_scale, (bool, np.bool_)):
        raise TypeError(f"log_scale: expected True or False, got {check.what(log_scale)}")
    ax, made = _axes(ax, _pyplot(), (6, 3.8))
    epochs = np.arange(len(cost))
    runs = sum(1 for line in ax.get_lines() if line.get_gid() == "mlp_fn.run")
    prefix = f"{label}: " if label else ""
    colour = OKABE_ITO[(4 + runs) % 8] if runs or label else OKABE_ITO[4]
    ax.plot(epochs, cost, color=colour, label=f"{prefix}training cost", gid="mlp_fn.run")
    val = list(history.get("val_cost", []))
    if val:
        ax.plot(epochs[:len(val)], val, color=colour if label else OKABE_ITO[5],
                linestyle="--", label=f"{prefix}validation cost")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost J")
    metric = list(history.get("val_metric", []))
    handles, labels_ = ax.get_legend_handles_labels()
    if metric:
        twin = ax.twinx()
        twin.plot(epochs[:len(metric)], metric, color=OKABE_ITO[2], linestyle=":",
                  label="validation metric")
        twin.set_ylabel("validation metric (accuracy or MSE)")
        h2, l2 = twin.get_legend_handles_labels()
        handles, labels_ = handles + h2, labels_ + l2
        # below the axes: "best" weighs only the cost axes' lines and would cover the metric's
        ax.legend(handles, labels_, fontsize=7, loc="upper center", framealpha=0.9,
                  bbox_to_anchor=(0.5, -0.16), ncol=min(3, len(handles)))
    else:
        ax.legend(handles, labels_, fontsize=7, loc="best", framealpha=0.9)
    ax.set_title(heading)
    if made:
        ax.figure.tight_layout()
    return ax


@on_host
def network_diagram(params: Mapping[str, Any],
                    activations: Sequence[ActivationSpec] | None = None, *,
                    ax: Any = None, title: str | None = None) -> Any:
    """000's picture of a network: neurons as circles, a column per layer, every weight a line
    whose width grows with `|w|` and whose colour and style give its sign (blue solid positive,
    vermillion dashed negative); each layer's size and activation written below it. Networks of
    up to 32 units a layer. A network of ``mlp_fn.model`` may stand in ``params``' place.
    Returns the axes.

    >>> import matplotlib.pyplot as plt
    >>> params = mf.init_params([2, 3, 1], seed=0)
    >>> ax = network_diagram(params, ["tanh", "sigmoid"])
    >>> largest = max(float(abs(params[k]).max()) for k in ("W1", "W2"))
    >>> ax.get_title() == f"The network: line width |w| (largest {largest:.2f})"
    True
    >>> plt.close("all")
    """
    _, _, params, activations = _course(params, activations)
    L, acts = _network(params, activations)
    sizes = [params["W1"].shape[1]] + [params[keys(l).W].shape[0] for l in range(1, L + 1)]
    if max(sizes) > 32:
        raise ValueError(f"params: network_diagram draws up to 32 units a layer, got {sizes}")
    biggest = max(float(np.abs(params[keys(l).W]).max()) for l in range(1, L + 1)) or 1.0
    heading = _title(title, f"The network: line width |w| (largest {biggest:.2f})")
    ax, _ = _axes(ax, _pyplot(), (1.8 * (L + 1) + 1, 0.45 * max(sizes) + 2))
    ys = [np.linspace(-(n - 1) / 2, (n - 1) / 2, n) for n in sizes]
    for l in range(1, L + 1):
        W = np.asarray(params[keys(l).W])
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                w = float(W[j, k])
                ax.plot([l - 1, l], [ys[l - 1][k], ys[l][j]], zorder=1,
                        color=POSITIVE if w >= 0 else NEGATIVE,
                        linestyle="-" if w >= 0 else "--",
                        linewidth=0.3 + 3.5 * abs(w) / biggest, alpha=0.8)
    for l, n in enumerate(sizes):
        ax.scatter(np.full(n, l), ys[l], s=260, zorder=2, color="white", edgecolors="black")
        name = "input" if l == 0 else _label(acts[l - 1])
        units = f"{n} unit{'s' if n > 1 else ''}"
        ax.text(l, ys[l][0] - 0.9, f"{'x' if l == 0 else f'layer {l}'}\n{units}\n{name}",
                ha="center", va="top", fontsize=8)
    ax.plot([], [], color=POSITIVE, label="w > 0")
    ax.plot([], [], color=NEGATIVE, linestyle="--", label="w < 0")
    ax.legend(fontsize=7, loc="upper right")
    ax.set_xlim(-0.5, L + 0.5)
    ax.set_ylim(-max(sizes) / 2 - 2.2, max(sizes) / 2 + 0.8)
    ax.axis("off")
    ax.set_title(heading)
    return ax


@on_host
def unit_maps(X: Array, params: Mapping[str, Any],
              activations: Sequence[ActivationSpec] | None = None, *,
              layer: int = 1, fig: Any = None, resolution: int = 80) -> Any:
    """What each unit of a hidden layer computes: its activation a[layer][j] over the input
    plane, one small map per unit (as TensorFlow Playground draws them), the data's extent as
    the frame. A network of ``mlp_fn.model`` may stand in ``params``' place, with its rows X
    (m, 2). Returns the figure.

    >>> import matplotlib.pyplot as plt
    >>> X, _ = mf.data.xor()
    >>> fig = unit_maps(X, mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], layer=1)
    >>> [ax.get_title() for ax in fig.axes[:3]]  # one map per unit of layer 1 (and a colour bar)
    ['unit 0', 'unit 1', 'unit 2']
    >>> plt.close("all")
    """
    X, _, params, activations = _course(params, activations, X)
    L, acts = _network(params, activations)
    X = _plane(X, params)
    l = check.positive_int("layer", layer, maximum=L)
    r = check.positive_int("resolution", resolution, minimum=2, maximum=1000)
    n = params[keys(l).W].shape[0]
    if n > 64:
        raise ValueError(f"layer: unit_maps draws up to 64 units, layer {l} has {n}")
    cols = min(n, 8)
    rows = -(-n // cols)
    fig = _figure(fig, _pyplot(), (1.7 * cols + 1.6, 1.7 * rows + 0.9))
    fig.clear()  # drawn into the same figure again, the maps replace the old ones
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    g1, g2, grid = _grid(X, r, params["W1"].dtype)
    with np.errstate(all="ignore"):
        net = architecture(params, acts)
        _, cache = forward.unchecked(grid, params, net.activations, net=net, xp=net.backend.xp)
    A = cache[keys(l).A]
    span = float(np.abs(A).max()) or 1.0  # one scale for every unit: one colour bar reads all
    image = None
    for j, ax in enumerate(axes.ravel()):
        if j >= n:
            ax.axis("off")
            continue
        image = ax.pcolormesh(g1, g2, A[j].reshape(r, r), cmap="PuOr_r", vmin=-span,
                              vmax=span, shading="auto")
        ax.set_title(f"unit {j}", fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in axes[-1]:
        ax.set_xlabel("x1", fontsize=7)
    for ax in axes[:, 0]:
        ax.set_ylabel("x2", fontsize=7)
    fig.suptitle(f"Layer {l} ({_label(acts[l - 1])}): each unit's activation a[{l}][j] over "
                 f"the input plane", fontsize=9)
    fig.subplots_adjust(top=1 - 0.75 / fig.get_figheight(), bottom=0.12 + 0.1 / rows,
                        left=0.08, right=0.86, hspace=0.45, wspace=0.15)
    cax = fig.add_axes((0.89, 0.15, 0.018, 0.7))
    fig.colorbar(image, cax=cax, label=f"a[{l}][j]")
    return fig


class Animation(NamedTuple):
    """What ``animate_training`` returns: the GIF's bytes, the trained params and the history
    (it unpacks as ``gif, params, history``). As the last expression of a notebook cell it
    plays there: its HTML is the GIF itself, embedded, with nothing fetched from elsewhere."""

    gif: bytes
    params: Params
    history: History

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.gif).decode("ascii")
        return f'<img src="data:image/gif;base64,{data}" alt="training, animated"/>'


@on_host
def animate_training(X: Array, Y: Array, params: Mapping[str, Any],
                     activations: Sequence[ActivationSpec] | None = None,
                     loss: str | None = None,
                     path: str | os.PathLike[str] | None = None, *, epochs: int,
                     learning_rate: Any, frames: int | None = None, fig: Any = None,
                     resolution: int = 60, frame_ms: int = 120,
                     **train_options: Any) -> Animation:
    """Train and animate it: the decision boundary over the plane and, beside it, the cost
    curve so far, at ``frames`` epochs evenly spread from 0 (before training) to ``epochs``,
    every data point drawn large with a black edge so it shows on either colour. The training
    is one ``train`` call (``learning_rate`` and options such as ``optimizer`` pass through),
    so the result is the same as without the animation.

    Returns an ``Animation`` (gif, params, history), which plays inline as the last
    expression of a notebook cell; with a ``path`` (ending in .gif) the GIF is written there
    too. The figure used to draw the frames is closed unless ``fig`` was given.

    A network of ``mlp_fn.model`` may stand in ``params``' place (its activations and loss
    then come with it), with its rows X (m, 2) and label vector Y; the animation trains it as
    ``train`` would from its params (``model.fit`` is not called, so the network is unchanged).

    >>> import matplotlib.pyplot as plt
    >>> X, Y = mf.data.xor()
    >>> params = mf.init_params([2, 3, 1], seed=0)
    >>> movie = animate_training(X, Y, params, ["tanh", "sigmoid"], "bce", epochs=4,
    ...                          learning_rate=0.5, frames=2)
    >>> trained, _ = mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=0.5,
    ...                       epochs=4)
    >>> movie.gif[:6], all(np.allclose(movie.params[k], trained[k]) for k in trained)
    (b'GIF89a', True)
    >>> plt.close("all")
    """
    if _is_model(params):
        if loss is not None:
            raise TypeError("loss: a network of mlp_fn.model carries its own loss; pass None")
        loss = params["loss"]
    X, Y, params, activations = _course(params, activations, X, Y)
    if activations is None or loss is None:
        raise TypeError("activations, loss: animate_training needs the network's activations "
                        "and loss (or a network of mlp_fn.model in params' place)")
    if path is not None:
        target = checked_path(path)
        if target.suffix.lower() != ".gif":
            raise ValueError(f"path: animate_training writes a GIF, so the path must end in "
                             f".gif, got {str(target)[:200]!r}")
    L, acts = _network(params, activations)
    X = _plane(X, params)
    labels = _labels(Y, X.shape[1])
    E = check.positive_int("epochs", epochs)
    F = min(50, E + 1) if frames is None else check.positive_int("frames", frames, minimum=2,
                                                                   maximum=500)
    if F > E + 1:
        raise ValueError(f"frames: at most epochs + 1 = {E + 1} distinct frames, got {F}")
    r = check.positive_int("resolution", resolution, minimum=2, maximum=400)
    ms = check.positive_int("frame_ms", frame_ms, minimum=10, maximum=10_000)
    if "callback" in train_options:
        raise TypeError("callback: animate_training uses train's callback itself")
    at = set(np.round(np.linspace(0, E, F)).astype(int).tolist())
    snapshots: dict[int, Params] = {0: dict(params)} if 0 in at else {}

    def keep(epoch: int, p: Params, history: History) -> None:
        if epoch + 1 in at:
            snapshots[epoch + 1] = p

    trained, history = train(X, Y, params, acts, loss, epochs=E, learning_rate=learning_rate,
                             callback=keep, **train_options)
    plt = _pyplot()
    from PIL import Image

    given = fig is not None
    fig = _figure(fig, plt, (8.0, 3.4))
    fig.clear()  # a figure given again is redrawn, not added to
    fig.set_dpi(72)
    ax_b, ax_c = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    g1, g2, grid = _grid(X, r, params["W1"].dtype)
    surface, K = _surface(snapshots[min(snapshots)], acts, grid, r)
    cmap = _binary_cmap() if K == 2 else "viridis"
    image = ax_b.imshow(surface, origin="lower", extent=(g1[0], g1[-1], g2[0], g2[-1]),
                        aspect="auto", cmap=cmap, vmin=0, vmax=1 if K == 2 else K - 1)
    size = 70 if X.shape[1] <= 50 else 16  # a handful of points (XOR) drawn large
    _scatter(ax_b, X, labels, size=size, edge=1.2, halo=True)
    ax_b.set_xlabel("x1")
    ax_b.set_ylabel("x2")
    costs = history["cost"]
    ax_c.plot(np.arange(1, len(costs) + 1), costs, color="#DDDDDD", linewidth=1)
    (line,) = ax_c.plot([], [], color=OKABE_ITO[4], linewidth=1.5)
    ax_c.set_xlim(0, len(costs))
    ax_c.set_xlabel("epoch")
    ax_c.set_ylabel("cost J")
    ax_c.set_title("cost so far (grey: the whole run)", fontsize=9)
    fig.tight_layout()
    images = []
    for e in sorted(snapshots):
        surface, _ = _surface(snapshots[e], acts, grid, r)
        image.set_data(surface)
        line.set_data(np.arange(1, e + 1), costs[:e])
        ax_b.set_title(f"decision boundary after {e} of {E} epochs", fontsize=9)
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())
        images.append(Image.fromarray(rgba[:, :, :3]).quantize(colors=64))
    if not given:
        plt.close(fig)  # a notebook would show it again, as a still, beside the animation
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=ms, loop=0, optimize=True)
    if path is not None:
        write_bytes(target, buffer.getvalue())
    return Animation(buffer.getvalue(), trained, history)
