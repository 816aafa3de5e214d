"""001's workflow on row data: a network as one plain dict, and pure functions over it.

001 and scikit-learn hold data as rows: X is (n_samples, n_features), one example per row, and y
a vector of labels. This module takes data that way and hands it to the course-layout core
(``init_params``, ``train``, ``forward``), transposed; all the mathematics stays there.

    net = network(2, [[8, "tanh"], [8, "tanh"], [1, "sigmoid"]], "binary_log_loss")
    net = fit(net, X, y)                      # 001's NN.fit(X, y): a new dict, net is unchanged
    predict(net, [0.2, -0.1])                 # one sample: one label
    predict(net, X, class_names=["cat", "dog"])

Labels. For a classification loss, ``y`` holds labels of any kind NumPy can sort (ints, strings,
bools). The classes are the sorted distinct labels, as scikit-learn's ``classes_``, fixed by the
first ``fit`` (0/1 labels always mean the classes [0, 1]): a binary network's output is the
probability of the second class, a softmax network has one output per class. For multiclass, y
may also be one-hot rows (m, K). For ``l2`` (regression) y holds real values, (m,) or
(m, n_out).

Shapes. A 1-D X is one sample: ``predict`` then returns one label (or value), and
``predict_proba``/``transform`` one row. A 2-D X gives one label per row.
"""

from __future__ import annotations

import inspect
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

from mlp_fn._internal.arrays import on_host
from mlp_fn._internal import checks as check
from mlp_fn._internal.frozen import frozen, frozen_dict
from mlp_fn._internal.inputs import cast, real_array
from mlp_fn._internal.types import ActivationSpec, Array, Params
from mlp_fn.initialization import init_params
from mlp_fn.losses import LOSSES
from mlp_fn.optimizers import OptState, canonical_optimizer, _frozen_state
from mlp_fn.io import _ours_or_none, _read_archive, _saveable_activations, _write_archive
from mlp_fn.losses import _loss_for, _metric
from mlp_fn.network import architecture, keys, _layer_activation
from mlp_fn.propagation import _network_output
from mlp_fn.tools.summary import summary_text
from mlp_fn.training.loop import train

__all__ = ["network", "fit", "fit_transform", "transform", "predict", "predict_proba", "score",
           "loss_history", "describe", "save", "load", "course_layout", "Network"]


#: Activations for which 001 initialises with He (the rest get Xavier).
_HE = frozenset({"relu", "leaky_relu", "gelu"})


class Network(TypedDict):
    """A network and everything 001's ``NeuralNetwork`` object knows, as plain data.

    ``loss`` is the loss's name as given (001 prints it so); ``classes`` the labels of a
    classifier (None until the first ``fit``, and for regression); ``loss_history`` the cost of
    every epoch trained; ``optimizer`` and ``opt_state`` what ``fit`` continues from.
    """

    params: Params
    activations: list[ActivationSpec]
    loss: str
    classes: list[Any] | None
    loss_history: list[float]
    optimizer: str
    opt_state: OptState | None


@on_host
def network(input_dim: int, layer_spec: Sequence[Sequence[Any]], loss: str | None = None, *,
            seed: int = 0, dtype: npt.DTypeLike = np.float64, loss_func: str | None = None,
            **unknown: Any) -> Network:
    """001's ``NeuralNetwork(input_dim, layer_spec, loss_func)``: a new, untrained network.

    ``layer_spec`` is a list of ``[n_units, activation]``, the last being the output layer;
    ``loss`` (or 001's name for it, ``loss_func``) 'binary_log_loss', 'multiclass_log_loss' or
    'l2'. Weights are initialised as 001 says, by activation: He (`randn * sqrt(2 / n[l-1])`) for
    ReLU-like layers, Xavier (`randn * sqrt(1 / n[l-1])`) for the others, from ``seed``.

    >>> net = network(2, [[4, "tanh"], [1, "sigmoid"]], "bce", seed=0)
    >>> net["activations"], {k: a.shape for k, a in net["params"].items()}
    (['tanh', 'sigmoid'], {'W1': (4, 2), 'b1': (4, 1), 'W2': (1, 4), 'b2': (1, 1)})
    """
    _no_unknown("network", unknown, ["input_dim", "layer_spec", "loss", "loss_func", "seed",
                                     "dtype"])
    if loss is not None and loss_func is not None:
        raise TypeError("loss_func: 001's name for loss; give one of them, not both")
    loss = loss if loss is not None else loss_func
    if loss is None:
        raise TypeError("loss: expected the loss ('binary_log_loss', 'multiclass_log_loss' or "
                        "'l2'; also as 001's loss_func=), got none")
    n0 = check.positive_int("input_dim", input_dim)
    if isinstance(layer_spec, (str, bytes)) or not isinstance(layer_spec, Sequence) \
            or not layer_spec:
        raise TypeError(f"layer_spec: expected a list of [n_units, activation] pairs, e.g. "
                        f"[[8, 'tanh'], [1, 'sigmoid']], got {check.what(layer_spec)}")
    widths: list[int] = []
    acts: list[ActivationSpec] = []
    for i, layer in enumerate(layer_spec):
        if isinstance(layer, (str, bytes)) or not isinstance(layer, Sequence) or len(layer) != 2:
            raise TypeError(f"layer_spec[{i}]: expected [n_units, activation], got "
                            f"{check.what(layer)}")
        widths.append(check.positive_int(f"layer_spec[{i}][0]", layer[0]))
        n_in = widths[-2] if i else n0  # residual: n[l-1] = n[l]; softmax: n[l] > 1
        name, residual = _layer_activation(layer[1], i + 1, len(layer_spec),
                                           (n_in, widths[-1]), label=f"layer_spec[{i}][1]")
        acts.append(name + "+residual" if residual and isinstance(name, str) else name)
    dims = [n0, *widths]
    p64 = init_params(dims, method="xavier", seed=seed)
    dt = check.float_dtype("dtype", dtype)
    params = {}
    for l, act in enumerate(acts, start=1):
        he = isinstance(act, str) and act.partition("+")[0] in _HE
        k = keys(l)
        W = p64[k.W] * math.sqrt(2.0) if he else p64[k.W]  # He = sqrt(2) Xavier
        params[k.W], params[k.b] = W.astype(dt), p64[k.b].astype(dt)
    acts = list(architecture(params, acts).activations)  # every entry checked above
    name = _loss_for(loss, acts[-1])
    if name == "bce" and widths[-1] != 1:
        raise ValueError(f"layer_spec: a binary classifier ({loss!r}) has one sigmoid output "
                         f"unit, got {widths[-1]}; for K classes use [K, 'softmax'] with "
                         f"'multiclass_log_loss'")
    return {"params": frozen_dict(params), "activations": acts, "loss": str(loss),
            "classes": None, "loss_history": [], "optimizer": "gd", "opt_state": None}


# ----------------------------------------------------------------------------------------------
# Rows in, columns to the core
# ----------------------------------------------------------------------------------------------

def _check_net(net: Any) -> tuple[Network, int, str]:
    """``net`` as made by ``network``/``fit``/``load``: (net, L, canonical loss)."""
    keys = set(Network.__annotations__)
    if not isinstance(net, Mapping) or set(net) != keys:
        raise TypeError(f"net: expected the dict network() returns (keys {sorted(keys)}), got "
                        f"{check.what(net)}")
    described = architecture(net["params"], net["activations"])
    name = _loss_for(net["loss"], described.activations[-1])
    return net, described.L, name  # type: ignore[return-value]


def _fitted(net: Any, where: str) -> tuple[Network, int, str]:
    """``net`` checked, and trained: an untrained one would answer from its random weights."""
    checked = _check_net(net)
    if checked[0]["opt_state"] is None and not checked[0]["loss_history"]:  # never through fit
        raise ValueError(f"net: this network has not been fitted, so model.{where} would answer "
                         f"from its random initial weights. model.fit returns a new, trained "
                         f"network and leaves the one it is given as it was: write "
                         f"NN = model.fit(NN, X, y), then model.{where}(NN, ...)")
    return checked


def _no_unknown(function: str, given: Mapping[str, Any], valid: Sequence[str]) -> None:
    """TypeError for a keyword ``function`` does not take, naming the closest it does."""
    for key in given:
        hint = check.closest(str(key), valid) or "."
        raise TypeError(f"{str(key)[:60]}: {function} takes no argument of this name{hint} It "
                        f"takes {', '.join(valid)}")


def _rows(X: Any, n_x: int, dtype: np.dtype[Any]) -> tuple[Array, bool]:
    """X as the core's (n_x, m) columns, and whether it was one sample (1-D)."""
    A = real_array("X", X)
    one = A.ndim == 1
    if one:
        A = A.reshape(1, -1)
    if A.ndim != 2:
        raise ValueError(f"X: expected rows (n_samples, {n_x}) or one sample ({n_x},), got "
                         f"shape {A.shape}")
    if A.shape[1] != n_x:
        hint = "; it looks transposed: pass X.T" if A.shape[0] == n_x and not one else ""
        raise ValueError(f"X: expected {n_x} features per sample (input_dim), got shape "
                         f"{A.shape}{hint}")
    if A.shape[0] == 0:
        raise ValueError("X: expected at least one sample, got none")
    return cast("X", A, dtype).T, one


def _classes_of(y: np.ndarray[Any, Any], name: str, n_out: int) -> list[Any]:
    """The sorted distinct labels of y, completed where 0/1 (or 0..K-1) labels leave no doubt."""
    try:
        found: list[Any] = np.unique(y).tolist()
    except TypeError as err:
        raise TypeError(f"y: expected labels NumPy can sort (ints, strings, bools), got "
                        f"{y.dtype}: {err}") from None
    K = 2 if name == "bce" else n_out
    if len(found) < K and all(isinstance(c, (bool, int)) for c in found) \
            and set(found) <= set(range(K)):
        found = [bool(c) for c in range(K)] if all(isinstance(c, bool) for c in found) \
            else list(range(K))
    if len(found) != K:
        output = "a binary output (2 classes)" if K == 2 else f"{K} output units"
        raise ValueError(f"y: the network has {output}, "
                         f"but y holds {len(found)} distinct labels {found[:10]}; give the last "
                         f"layer one unit per class")
    return found


def _plain_labels(Y: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """An object array (pandas' object, string and category columns, or NumPy's) as NumPy's
    own dtype for what it holds: strings, bools, ints or floats; a missing label (None, NaN,
    pandas' NA) is a ValueError naming where it is."""
    if Y.dtype.kind != "O":
        return Y
    flat = Y.ravel().tolist()
    for i, v in enumerate(flat):
        if v is None or (isinstance(v, float) and v != v) or type(v).__name__ == "NAType":
            at = ", ".join(str(int(j)) for j in np.unravel_index(i, Y.shape))
            raise ValueError(f"y[{at}] is missing ({v!r}): no label; drop or fill the rows "
                             f"without a label first")
    kinds = {type(v) for v in flat}
    if kinds <= {int} and any(abs(v) >= 2**63 for v in flat):
        raise ValueError("y: labels beyond the range of 64-bit integers; give every label a "
                         "smaller number or a name")
    if kinds <= {str}:
        return np.array(flat, dtype=str).reshape(Y.shape)
    if kinds <= {bool, np.bool_}:
        return np.array(flat, dtype=bool).reshape(Y.shape)
    if kinds <= {int, np.int64, np.int32}:
        return np.array(flat, dtype=np.int64).reshape(Y.shape)
    if kinds <= {int, float, np.float64, np.float32, np.int64, np.int32}:
        return np.array(flat, dtype=np.float64).reshape(Y.shape)
    raise TypeError(f"y: labels of mixed kinds {sorted(k.__name__ for k in kinds)}; give "
                    f"every label one kind (all strings, or all numbers)")


def _targets(y: Any, net: Network, name: str, m: int, dtype: np.dtype[Any],
             classes: list[Any] | None) -> tuple[Array, list[Any] | None]:
    """y as the core's (n_y, m) targets, and the classes (fixed now if ``classes`` is None)."""
    n_out = architecture(net["params"], net["activations"]).n_y
    if isinstance(y, np.ndarray) and type(y) is not np.ndarray:
        raise TypeError(f"y: expected a plain array or list, got {type(y).__name__}")
    categories = None
    if check.is_pandas(y) and str(getattr(y, "dtype", "")) == "category":
        categories = list(y.cat.categories)  # every class, present in this batch or not
    try:
        Y = y.to_numpy() if check.is_pandas(y) else np.asarray(y)
    except (TypeError, ValueError) as err:
        raise TypeError(f"y: expected labels or values, got {check.what(y)} ({err})") from None
    Y = _plain_labels(Y)
    if Y.ndim == 2 and Y.shape == (1, m) and m > 1:
        Y = Y[0]  # a (1, m) row, as the data generators return labels (the course layout)
    elif Y.ndim == 2 and Y.shape == (m, 1) and LOSSES[name]["task"] != "regression":
        Y = Y[:, 0]  # a column of labels
    regression = LOSSES[name]["task"] == "regression"
    if regression and n_out > 1 and Y.shape != (m, n_out):  # one column per output unit
        turned = "; pass y.T (one row per sample)" if Y.shape == (n_out, m) else ""
        raise ValueError(f"y: expected ({m}, {n_out}) real targets, a row per sample of X and "
                         f"a column per output unit, got shape {Y.shape}{turned}")
    if Y.shape[:1] != (m,):
        raise ValueError(f"y: expected one entry per sample of X ({m}): a vector ({m},), a "
                         f"column ({m}, 1) or a row (1, {m}), got shape {Y.shape}")
    if regression:
        T = real_array("y", Y)
        T = T.reshape(m, 1) if T.ndim == 1 else T
        if T.ndim != 2 or T.shape[1] != n_out:
            raise ValueError(f"y: expected ({m},) or ({m}, 1) real targets, got shape {Y.shape}")
        return T.astype(dtype).T, None
    if Y.ndim == 2 and name == "cce":  # one-hot rows
        T = real_array("y", Y)
        if T.shape[1] != n_out or not np.isin(T, (0.0, 1.0)).all() or \
                not (T.sum(axis=1) == 1).all():
            raise ValueError(f"y: 2-D targets must be one-hot rows ({m}, {n_out}), got shape "
                             f"{T.shape} or rows that are not one-hot")
        found = list(range(n_out))
        if classes is not None and classes != found:
            raise ValueError(f"y: one-hot rows stand for classes 0..{n_out - 1}, but the "
                             f"network was fitted on the classes {classes}")
        return T.astype(dtype).T, found
    if Y.ndim != 1:
        raise ValueError(f"y: expected a vector of {m} labels, got shape {Y.shape}")
    if Y.dtype.kind == "f" and np.isfinite(Y).all() and (Y == np.round(Y)).all():
        Y = Y.astype(np.int64)  # whole-number floats are labels: 0./1. as two_moons returns them
    if Y.dtype.kind not in "biuUS":
        if Y.dtype.kind == "f":
            bad = Y[~(np.isfinite(Y) & (Y == np.round(Y)))][0]
            saw = f"dtype {Y.dtype} with values that are not whole numbers, e.g. {float(bad)}"
        else:
            saw = f"dtype {Y.dtype}, e.g. {check.short_repr(Y[0], 60)}"
        raise TypeError(f"y: expected labels (ints, strings, bools or whole-number floats), got "
                        f"{saw}; for real targets use the 'l2' loss")
    if classes is None and categories is not None and len(categories) == (
            2 if name == "bce" else n_out):
        classes = sorted(categories, key=lambda c: (str(type(c)), c))
    classes = _classes_of(Y, name, n_out) if classes is None else classes
    lookup = {c: i for i, c in enumerate(classes)}
    try:
        index = np.array([lookup[c] for c in Y.tolist()], dtype=np.int64)
    except KeyError as err:
        raise ValueError(f"y: label {err.args[0]!r} is not one of the network's classes "
                         f"{classes}") from None
    if name == "bce":
        return index.astype(dtype).reshape(1, m), classes
    T = np.zeros((n_out, m), dtype=dtype)
    T[index, np.arange(m)] = 1.0
    return T, classes


@on_host
def course_layout(net: Network, X: Any, y: Any = None) -> tuple[Array, Array | None]:
    """001's rows as the course's columns: X (n_samples, n_features) as (n_x, m), and the labels
    y (a vector of the network's classes) as the targets ``train`` takes: a (1, m) row of 0/1
    for a binary network, one-hot (K, m) columns for a multiclass one, (n_y, m) values for
    regression (None without y). What ``fit`` hands the course's functions; the pictures take a
    network of this module through it.

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> NN = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> Xc, Yc = course_layout(NN, X, y)  # one example per column
    >>> Xc.shape, Yc.shape
    ((2, 4), (1, 4))
    >>> AL, _ = mf.forward(Xc, NN["params"], NN["activations"])  # the course's functions
    >>> bool(np.allclose(AL.T, transform(NN, X)))
    True
    """
    net, _, name = _check_net(net)
    dtype = net["params"]["W1"].dtype
    Xc, _ = _rows(X, net["params"]["W1"].shape[1], dtype)
    if y is None:
        return frozen(Xc), None
    Y, _ = _targets(y, net, name, Xc.shape[1], dtype, net["classes"])
    return frozen(Xc), frozen(Y)


# ----------------------------------------------------------------------------------------------
# 001's methods
# ----------------------------------------------------------------------------------------------

@on_host
def fit(net: Network, X: Any, y: Any, *, epochs: int = 100, batch_size: int = 32,
        learning_rate: float = 0.01, shuffle: bool = True, seed: int = 0,
        optimizer: str | None = None, class_weight: Any = None, batch_sz: int | None = None,
        **options: Any) -> Network:
    """001's ``NN.fit(X, y, batch_sz=32, epochs=100, learning_rate=0.01)``: a new network
    trained from ``net`` (which is left as it was) by ``mlp_fn.train`` on the transposed data.

    The batch size is clipped to the number of samples when there are fewer (as scikit-learn
    does). Fitting a trained network continues its training: the epochs add up, and two fits of
    e epochs equal one fit of 2e epochs bit for bit (same data, batch size and seed), since the
    optimizer state and the epoch count carry over. ``optimizer`` (default 'gd', 001's plain
    mini-batch SGD, or the optimizer of the previous fit) and ``options`` (``lambd``,
    ``keep_prob``, ``clip_norm``, ``optimizer_options``, ``callback``, ``sample_weight``, ...)
    go to ``train``.

    ``class_weight`` weighs each sample by its class, as scikit-learn's: a mapping label ->
    weight (labels not named weigh 1), or "balanced": `w_c = n_samples / (n_classes * n_c)`, so
    every class weighs the same in the cost however rare it is. ``batch_sz`` is 001's name for
    ``batch_size``.

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> net = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> len(loss_history(net)), net["classes"]
    (5, [0, 1])
    """
    own = ["epochs", "batch_size", "batch_sz", "learning_rate", "shuffle", "seed", "optimizer",
           "class_weight"]
    passed_on = [p.name for p in inspect.signature(train).parameters.values()
                 if p.kind is p.KEYWORD_ONLY and p.name not in own and p.name != "opt_state"]
    _no_unknown("fit", {k: v for k, v in options.items() if k not in passed_on and
                        k != "opt_state"}, own + passed_on)
    if batch_sz is not None:
        if batch_size != 32:
            raise TypeError("batch_sz: 001's name for batch_size; give one of them, not both")
        batch_size = batch_sz
    net, L, name = _check_net(net)
    dtype = net["params"]["W1"].dtype
    Xc, _ = _rows(X, net["params"]["W1"].shape[1], dtype)
    m = Xc.shape[1]
    Y, classes = _targets(y, net, name, m, dtype, net["classes"])
    k = min(check.positive_int("batch_size", batch_size), m)
    opt = canonical_optimizer(optimizer) if optimizer is not None else net["optimizer"]
    resume = net["opt_state"] if opt == net["optimizer"] else None
    if "opt_state" in options:
        raise TypeError("opt_state: fit continues from the network's own optimizer state")
    if class_weight is not None:
        if "sample_weight" in options:
            raise TypeError("class_weight: give class_weight or sample_weight, not both")
        options = {**options, "sample_weight": _class_weights(class_weight, Y, name, classes)}
    if options.get("validation_data") is not None:  # rows, like X and y
        X_val, y_val = _pair("validation_data", options["validation_data"])
        Xv, _ = _rows(X_val, Xc.shape[0], dtype)
        Yv, _ = _targets(y_val, net, name, Xv.shape[1], dtype, classes)
        options = {**options, "validation_data": (Xv, Yv)}
    params, history = train(Xc, Y, net["params"], net["activations"], name,
                            learning_rate=learning_rate, epochs=epochs, batch_size=k,
                            shuffle=shuffle, seed=seed, optimizer=opt, opt_state=resume,
                            **options)
    return {**net, "params": params, "classes": classes,
            "loss_history": [*net["loss_history"], *history["cost"]], "optimizer": opt,
            "opt_state": history["opt_state"]}


def _class_weights(class_weight: Any, Y: Array, name: str,
                   classes: list[Any] | None) -> np.ndarray[Any, Any]:
    """Each sample's weight from its class (Y: the core's targets, classes in order)."""
    if classes is None:
        raise ValueError("class_weight: only classifiers have classes; the loss is "
                         f"{name!r}")
    index = (Y[0] > 0.5).astype(np.int64) if name == "bce" else Y.argmax(axis=0)
    K, m = len(classes), Y.shape[1]
    if isinstance(class_weight, str):
        if class_weight.lower() != "balanced":
            raise ValueError(f"class_weight: expected 'balanced' or a mapping label -> weight, "
                             f"got {class_weight!r}")
        counts = np.bincount(index, minlength=K)
        per_class = np.where(counts > 0, m / (K * np.maximum(counts, 1)), 0.0)
    elif isinstance(class_weight, Mapping):
        unknown = [c for c in class_weight if c not in classes]
        if unknown:
            raise ValueError(f"class_weight: {unknown[0]!r} is not one of the classes {classes}")
        per_class = np.array([check.nonnegative_float(f"class_weight[{c!r}]",
                                                      class_weight.get(c, 1.0))
                              for c in classes])
    else:
        raise TypeError(f"class_weight: expected 'balanced' or a mapping label -> weight, got "
                        f"{check.what(class_weight)}")
    weights: np.ndarray[Any, Any] = per_class[index].astype(Y.dtype)
    return weights


def _pair(name: str, value: Any) -> tuple[Any, Any]:
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(f"{name}: expected a pair (X, y), got {check.what(value)}")
    return value


@on_host
def transform(net: Network, X: Any) -> Array:
    """001's ``NN.transform(X)``: the network's output `A[L]` as rows, (n_samples, n_out) (one
    row for a 1-D X): probabilities for classifiers, values for regression.

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> net = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> A = transform(net, X)  # A[L], one row per example: the probability of class 1
    >>> A.shape, bool(np.allclose(A[:, 0], predict_proba(net, X)[:, 1]))
    ((4, 1), True)
    """
    net, _, _ = _fitted(net, "transform")
    Xc, one = _rows(X, net["params"]["W1"].shape[1], net["params"]["W1"].dtype)
    out = _network_output(Xc, net["params"], architecture(net["params"], net["activations"])).T
    return frozen(out[0] if one else out)


@on_host
def fit_transform(net: Network, X: Any, y: Any, **fit_options: Any) -> tuple[Network, Array]:
    """001's ``Y_hat = NN.fit_transform(X, y)``: (the fitted network, its output on X).

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> net, A = fit_transform(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> bool(np.array_equal(A, transform(net, X)))
    True
    """
    fitted = fit(net, X, y, **fit_options)
    return fitted, transform(fitted, X)


@on_host
def predict_proba(net: Network, X: Any) -> Array:
    """Class probabilities as rows, (n_samples, K), columns in the order of ``net["classes"]``
    (for a binary network [1 - a, a]); one row for a 1-D X.

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> net = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> P = predict_proba(net, X)  # one column per class, each row sums to 1
    >>> P.shape, bool(np.allclose(P.sum(axis=1), 1.0))
    ((4, 2), True)
    """
    net, L, name = _fitted(net, "predict_proba")
    if LOSSES[name]["task"] == "regression":
        raise ValueError(f"net: predict_proba needs a classifier, got the regression loss "
                         f"{net['loss']!r}")
    A = np.asarray(transform(net, X))
    proba = np.concatenate([1.0 - A, A], axis=-1) if name == "bce" else A
    return frozen(proba)


@on_host
def predict(net: Network, X: Any, *, class_names: Sequence[Any] | None = None) -> Any:
    """001's ``NN.predict(x)``: for a binary or multiclass network the label of each sample (one
    of ``net["classes"]``, the class index when the labels were 0..K-1); for regression the
    predicted value. A 1-D X is one sample and gives one label (or value); a 2-D X an array
    with one entry per row ((n_samples, n_out) for a regression with several outputs).

    ``class_names`` (one name per class, in class order) replaces each label by its name:
    ``predict(net, x, class_names=["cat", "dog"])``.

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> net = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> labels = predict(net, X, class_names=["no", "yes"])
    >>> list(labels) == ["yes" if p > 0.5 else "no" for p in predict_proba(net, X)[:, 1]]
    True
    """
    net, L, name = _fitted(net, "predict")
    Xc, one = _rows(X, net["params"]["W1"].shape[1], net["params"]["W1"].dtype)
    AL = _network_output(Xc, net["params"], architecture(net["params"], net["activations"]))
    if LOSSES[name]["task"] == "regression":
        if class_names is not None:
            raise ValueError("class_names: a regression network predicts values, not classes")
        values = AL.T if AL.shape[0] > 1 else AL[0]
        return float(values[0]) if one and AL.shape[0] == 1 else frozen(values[0] if one
                                                                          else values)
    index = (AL[0] > 0.5).astype(np.int64) if name == "bce" else AL.argmax(axis=0)
    classes = net["classes"] if net["classes"] is not None else \
        list(range(2 if name == "bce" else AL.shape[0]))
    labels = classes if class_names is None else check.name_list(
        "class_names", class_names, len(classes), "one per class")
    chosen = [labels[i] for i in index.tolist()]
    return chosen[0] if one else frozen(np.array(chosen))


@on_host
def score(net: Network, X: Any, y: Any) -> float:
    """Accuracy (the fraction of samples whose label is predicted right) for a classifier; for
    regression the coefficient of determination of each output,
    `R^2_k = 1 - sum_i (y_ik - y_hat_ik)^2 / sum_i (y_ik - mean_i y_ik)^2`, averaged over the
    outputs, as scikit-learn's ``score`` (``r2_score``'s uniform average; an output whose y is
    constant counts 1 if predicted exactly, else 0).

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> net = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> score(net, X, y) == float(np.mean(predict(net, X) == np.array(y)))  # the accuracy
    True
    """
    net, L, name = _fitted(net, "score")
    dtype = net["params"]["W1"].dtype
    Xc, _ = _rows(X, net["params"]["W1"].shape[1], dtype)
    classes = net["classes"]
    Y, _ = _targets(y, net, name, Xc.shape[1], dtype, classes)
    AL = _network_output(Xc, net["params"], architecture(net["params"], net["activations"]))
    if LOSSES[name]["task"] != "regression":
        return _metric(AL, Y, name)  # the accuracy train records as its val_metric
    residual = ((Y - AL) ** 2).sum(axis=1)  # one of each per output (Y's rows)
    total = ((Y - Y.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    r2 = [1.0 - float(r) / float(t) if t > 0 else (1.0 if r == 0 else 0.0)
          for r, t in zip(residual, total)]
    return float(np.mean(r2))


@on_host
def loss_history(net: Network) -> list[float]:
    """001's ``NN.get_loss_history()``: the training cost of every epoch, oldest first.

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> net = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=3)
    >>> net = fit(net, X, y, epochs=2)  # a second fit goes on from the first
    >>> len(loss_history(net))
    5
    """
    net, _, _ = _check_net(net)
    return list(net["loss_history"])


@on_host
def describe(net: Network) -> str:
    """001's ``print(NN)``: a line per layer, 'Total Network Parameters', the loss function,
    whether it is trained, the last training loss and the epochs trained.

    >>> print(describe(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce")))  # doctest: +ELLIPSIS
    Neural Network Details
    ...
    Total Network Parameters: 17
    ...
    """
    net, _, _ = _check_net(net)
    return summary_text(net["params"], net["activations"], net["loss"],
                        {"cost": net["loss_history"]})  # the network knows its history


# ----------------------------------------------------------------------------------------------
# Saving
# ----------------------------------------------------------------------------------------------

@on_host
def save(net: Network, path: str | os.PathLike[str]) -> None:
    """Write the whole network (params, architecture, classes, loss history, optimizer state) to
    ``path`` as an mlp_fn archive (``mlp_fn.io``), atomically and without pickle; a file at
    ``path`` that mlp_fn did not write is left as it is (a ValueError), as ``save_params`` does.

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> import pathlib, tempfile
    >>> net = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save(net, pathlib.Path(folder) / "xor.npz")
    ...     again = load(pathlib.Path(folder) / "xor.npz")
    >>> bool(np.array_equal(predict_proba(again, X), predict_proba(net, X)))
    True
    """
    net, _, _ = _check_net(net)
    record = {"activations": _saveable_activations(net["activations"]), "loss": net["loss"],
              "classes": net["classes"], "loss_history": net["loss_history"],
              "optimizer": net["optimizer"],
              "step": None if net["opt_state"] is None else net["opt_state"]["step"]}
    groups: dict[str, Mapping[str, Array]] = {"params": net["params"]}
    if net["opt_state"] is not None:
        groups.update({f"opt.{s}": v for s, v in net["opt_state"]["slots"].items()})
    _ours_or_none(path)
    try:
        _write_archive(path, "network", record, groups)
    except TypeError as err:
        raise TypeError(f"net: its classes or history cannot be saved as text ({err}); labels "
                        f"must be ints, strings or bools") from None


def load(path: str | os.PathLike[str]) -> Network:
    """Read a network written by ``save``: the same dict, bit for bit.

    >>> X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), [0, 1, 1, 0]
    >>> import pathlib, tempfile
    >>> net = fit(network(2, [[4, "tanh"], [1, "sigmoid"]], "bce"), X, y, epochs=5)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save(net, pathlib.Path(folder) / "xor.npz")
    ...     again = load(pathlib.Path(folder) / "xor.npz")
    >>> loss_history(again) == loss_history(net), again["classes"]
    (True, [0, 1])
    """
    where = f"path: {os.fspath(path)!r}" if isinstance(path, (str, os.PathLike)) else "path"
    record, groups = _read_archive(path, "network")
    try:
        slots = {g[len("opt."):]: dict(v) for g, v in groups.items() if g.startswith("opt.")}
        opt_state = None if record["step"] is None else \
            _frozen_state({"step": int(record["step"]), "slots": slots})
        net: Network = {"params": frozen_dict(groups.get("params", {})),
                        "activations": list(record["activations"]),
                        "loss": str(record["loss"]), "classes": record["classes"],
                        "loss_history": [float(c) for c in record["loss_history"]],
                        "optimizer": str(record["optimizer"]), "opt_state": opt_state}
        _check_net(net)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"{where} is not an mlp_fn network or is damaged ({err})") from None
    return net
