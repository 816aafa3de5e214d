"""What the playground's page asks of mlp_fn, as plain functions over one page's session.

A session is a network being trained on a data set, as the page configured it. It is built
from a checked configuration (``checked``: every value in its range, or a ValueError the page
shows), trained with ``mlp_fn.train`` (its own checks, its divergence error), and seen through
``view``: the numbers the page draws (losses, weights, the output and every unit over the
plane, quantised to bytes). ``arithmetic`` is ``mlp_fn.explain.worked_example``'s lines for one
unit and one example; ``code`` the Python that reproduces the run.
"""

from __future__ import annotations

import base64
import csv
import io
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

import mlp_fn as mf
from mlp_fn._internal.types import Array, Params
from mlp_fn.optimizers import OptState

__all__ = ["DATASETS", "REGRESSION", "FEATURES", "ACTIVATIONS", "OPTIMIZERS", "LIMITS",
           "Session", "checked", "new_session", "step", "view", "arithmetic", "code",
           "parse_csv", "set_weight", "params_file"]

#: The data sets, by the name the page uses: classification first, then regression.
DATASETS = ("circle", "xor", "gaussians", "spiral", "moons", "flower", "blobs3", "csv",
            "plane", "multi_gaussian")
REGRESSION = ("plane", "multi_gaussian")
#: The input features the page can switch on, each a function of (x1, x2).
FEATURES = {"x1": lambda a, b: a, "x2": lambda a, b: b, "x1^2": lambda a, b: a * a,
            "x2^2": lambda a, b: b * b, "x1x2": lambda a, b: a * b,
            "sin(x1)": lambda a, b: np.sin(a), "sin(x2)": lambda a, b: np.sin(b)}
ACTIVATIONS = ("tanh", "relu", "sigmoid", "identity", "leaky_relu", "gelu")
OPTIMIZERS = ("gd", "momentum", "nesterov", "rmsprop", "adam", "adamw")
#: What a configuration may ask for: more is refused with a message, never attempted.
LIMITS: dict[str, Any] = {"layers": 10, "units": 16, "points": 2000, "csv_bytes": 1_000_000,
                          "epochs": 100, "learning_rate": 10.0, "regularization_rate": 10.0}
GRID, UNIT_GRID, EXTENT = 40, 20, 6.0  # the output's and each unit's pixels; the plane drawn


class Session(NamedTuple):
    """One page's network, its data and where its training stands."""

    config: dict[str, Any]
    X: Array            # the selected features of the training points, (n_features, m)
    Y: Array
    X_test: Array
    Y_test: Array
    raw: Array          # the training points in the plane, (2, m), for drawing
    raw_test: Array
    params: Params
    activations: list[str]
    loss: str
    opt_state: OptState | None
    epoch: int
    history: list[tuple[int, float, float]]  # (epoch, train loss, test loss)
    diverged: str | None
    csv: tuple[Array, Array] | None  # an uploaded data set, (2, m) points and (1, m) labels


_DEFAULTS: dict[str, Any] = {
    "dataset": "circle", "noise": 0, "train_ratio": 50, "batch_size": 10, "points": 500,
    "features": ["x1", "x2"], "hidden": [4, 2], "activation": "tanh", "activations": None,
    "learning_rate": 0.03, "regularization": "none", "regularization_rate": 0.0,
    "optimizer": "gd", "keep_prob": 1.0, "norm": "none", "residual": False, "seed": 0,
}


def _number(config: Mapping[str, Any], key: str, low: float, high: float) -> float:
    v = config.get(key, _DEFAULTS[key])
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError(f"{key}: expected a number from {low} to {high}, got {v!r}"[:200])
    if not low <= v <= high:
        raise ValueError(f"{key}: expected a number from {low} to {high}, got {v}")
    return float(v)


def _choice(config: Mapping[str, Any], key: str, options: tuple[str, ...]) -> str:
    v = config.get(key, _DEFAULTS[key])
    if v not in options:
        raise ValueError(f"{key}: expected one of {list(options)}, got {v!r}"[:200])
    return str(v)


def checked(config: Any) -> dict[str, Any]:
    """The configuration with every value checked and defaults filled in; ValueError (for the
    page to show) naming the first setting out of range."""
    if not isinstance(config, Mapping):
        raise ValueError("config: expected an object of settings")
    unknown = sorted(set(config) - set(_DEFAULTS))
    if unknown:
        raise ValueError(f"config: unknown setting {unknown[0]!r}"[:200])
    out: dict[str, Any] = {}
    out["dataset"] = _choice(config, "dataset", DATASETS)
    out["noise"] = _number(config, "noise", 0, 50)
    out["train_ratio"] = _number(config, "train_ratio", 10, 90)
    out["batch_size"] = int(_number(config, "batch_size", 1, 500))
    out["points"] = int(_number(config, "points", 20, LIMITS["points"]))
    features = config.get("features", _DEFAULTS["features"])
    if not isinstance(features, list) or not features or \
            any(f not in FEATURES for f in features) or len(set(features)) != len(features):
        raise ValueError(f"features: expected a list of distinct names from "
                         f"{list(FEATURES)}, at least one, got {features!r}"[:200])
    out["features"] = [f for f in FEATURES if f in features]  # in the page's order
    hidden = config.get("hidden", _DEFAULTS["hidden"])
    if not isinstance(hidden, list) or len(hidden) > LIMITS["layers"]:
        raise ValueError(f"hidden: expected at most {LIMITS['layers']} hidden layers, got "
                         f"{len(hidden) if isinstance(hidden, list) else repr(hidden)[:50]}")
    for n in hidden:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= LIMITS["units"]:
            raise ValueError(f"hidden: expected 1 to {LIMITS['units']} units a layer, got "
                             f"{n!r}"[:200])
    out["hidden"] = list(hidden)
    out["activation"] = _choice(config, "activation", ACTIVATIONS)
    per_layer = config.get("activations")
    if per_layer is not None:
        if not isinstance(per_layer, list) or len(per_layer) != len(hidden) or \
                any(a not in ACTIVATIONS for a in per_layer):
            raise ValueError(f"activations: expected one of {list(ACTIVATIONS)} for each of "
                             f"the {len(hidden)} hidden layers, got {per_layer!r}"[:200])
    out["activations"] = per_layer
    out["learning_rate"] = _number(config, "learning_rate", 1e-6, LIMITS["learning_rate"])
    out["regularization"] = _choice(config, "regularization", ("none", "L1", "L2"))
    out["regularization_rate"] = _number(config, "regularization_rate", 0,
                                         LIMITS["regularization_rate"])
    out["optimizer"] = _choice(config, "optimizer", OPTIMIZERS)
    out["keep_prob"] = _number(config, "keep_prob", 0.1, 1.0)
    out["norm"] = _choice(config, "norm", ("none", "batch", "layer"))
    residual = config.get("residual", False)
    if not isinstance(residual, bool):
        raise ValueError(f"residual: expected true or false, got {residual!r}"[:200])
    out["residual"] = residual
    out["seed"] = int(_number(config, "seed", 0, 2**31 - 1))
    if out["norm"] != "none" and not hidden:
        raise ValueError("norm: normalisation acts on hidden layers; add a hidden layer")
    return out


def _points(config: Mapping[str, Any],
            uploaded: tuple[Array, Array] | None) -> tuple[Array, Array]:
    """The data set's points in the plane (2, m) and its labels or values (1, m)."""
    name, m, seed = config["dataset"], config["points"], config["seed"]
    noise = config["noise"] / 100  # the page's 0..50 %
    if name == "csv":
        if uploaded is None:
            raise ValueError("dataset: 'csv' needs a file: upload one first")
        return uploaded
    if name == "circle":
        return mf.data.circle(m, noise=2 * noise, seed=seed)
    if name == "gaussians":
        return mf.data.gaussians(m, noise=3 * noise, seed=seed)
    if name == "spiral":
        return mf.data.spiral(m, noise=2 * noise, seed=seed)
    if name == "xor":  # the four quadrants of [-5, 5]^2, labelled by the sign of x1 x2
        rng = np.random.default_rng(seed)
        P = rng.uniform(-5, 5, (2, m))
        P = P + np.sign(P) * 0.3  # a margin around the axes, as on TensorFlow Playground
        Y = (P[0] * P[1] > 0).astype(float).reshape(1, m)
        return P + 2 * noise * rng.standard_normal((2, m)), Y
    if name == "moons":
        X, Y = mf.data.two_moons(m, noise=0.05 + noise, seed=seed)
        return (X - np.array([[0.5], [0.25]])) * 3.0, Y  # centred and scaled to the square
    if name == "flower":
        X, Y = mf.data.planar_flower(m - m % 2, seed=seed % 2**32)
        return np.array(X) * 1.2, np.array(Y)
    if name == "blobs3":
        X, labels = mf.data.blobs(m, [[-2.5, -2.0], [2.5, -2.0], [0.0, 2.5]], 0.8 + 3 * noise,
                                  seed=seed)
        return X, labels
    if name == "plane":
        return mf.data.plane(m, noise=noise, seed=seed)
    return mf.data.multi_gaussian(m, noise=noise, seed=seed)


def _features_of(P: Array, names: list[str]) -> Array:
    """The chosen features of points P (2, m), one row each."""
    return np.stack([FEATURES[n](P[0], P[1]) for n in names])


def _network(config: Mapping[str, Any], n_in: int, Y: Array) -> tuple[list[str], str, int]:
    """The activations, the loss and the number of outputs the problem asks for."""
    hidden = config["hidden"]
    acts = list(config["activations"] or [config["activation"]] * len(hidden))
    if config["residual"]:
        acts = [a + "+residual" if i > 0 and hidden[i] == hidden[i - 1] else a
                for i, a in enumerate(acts)]
    if config["dataset"] in REGRESSION:
        return acts + ["identity"], "half_mse", 1
    classes = int(Y.max()) + 1
    if classes > 2:
        return acts + ["softmax"], "cce", classes
    return acts + ["sigmoid"], "bce", 1


def new_session(config: Any, uploaded: tuple[Array, Array] | None = None) -> Session:
    """A fresh network on freshly drawn data, as ``config`` asks (checked here)."""
    config = checked(config)
    P, Y = _points(config, uploaded)
    m = P.shape[1]
    order = np.random.default_rng(config["seed"] + 1).permutation(m)
    cut = max(1, min(m - 1, int(round(m * config["train_ratio"] / 100))))
    train, test = order[:cut], order[cut:]
    acts, loss, n_out = _network(config, len(config["features"]), np.asarray(Y))
    X_all = _features_of(np.asarray(P), config["features"])
    dims = [X_all.shape[0], *config["hidden"], n_out]
    norm = None if config["norm"] == "none" else config["norm"]
    params = dict(mf.init_params(dims, method="xavier", seed=config["seed"], norm=norm))
    Yc = np.asarray(Y)
    return Session(config, X_all[:, train], Yc[:, train], X_all[:, test], Yc[:, test],
                   np.asarray(P)[:, train], np.asarray(P)[:, test], params, acts, loss, None,
                   0, [], None, uploaded)


def _train_options(session: Session) -> dict[str, Any]:
    c = session.config
    rate = c["regularization_rate"]
    return {"learning_rate": c["learning_rate"], "optimizer": c["optimizer"],
            "batch_size": min(c["batch_size"], session.X.shape[1]), "seed": c["seed"],
            "lambd": rate if c["regularization"] == "L2" else 0.0,
            "l1": rate if c["regularization"] == "L1" else 0.0, "keep_prob": c["keep_prob"]}


def _cost(session: Session, params: Params, X: Array, Y: Array) -> float:
    AL, _ = mf.forward(X, params, session.activations)
    return mf.compute_cost(AL, Y, session.loss)


def step(session: Session, epochs: int = 1) -> Session:
    """``epochs`` more epochs of ``train`` from where the session stands; a run that diverges
    keeps the last finite params and says so."""
    if isinstance(epochs, bool) or not isinstance(epochs, int) or \
            not 1 <= epochs <= LIMITS["epochs"]:
        raise ValueError(f"epochs: expected 1 to {LIMITS['epochs']}, got {epochs!r}"[:100])
    if session.diverged:
        return session
    import warnings

    try:
        with warnings.catch_warnings():  # the page shows the costs; no warning to print
            warnings.simplefilter("ignore", mf.TrainingUnstable)
            params, history = mf.train(session.X, session.Y, session.params,
                                       session.activations, session.loss, epochs=epochs,
                                       opt_state=session.opt_state, **_train_options(session))
    except mf.TrainingDiverged as err:
        return session._replace(params=dict(err.params), opt_state=err.opt_state,
                                diverged=str(err))
    epoch = session.epoch + epochs
    record = (epoch, _cost(session, params, session.X, session.Y),
              _cost(session, params, session.X_test, session.Y_test))
    return session._replace(params=dict(params), opt_state=history["opt_state"], epoch=epoch,
                            history=[*session.history[-499:], record])


def set_weight(session: Session, l: Any, j: Any, k: Any, value: Any) -> Session:
    """The session with W[l][j, k] set to ``value`` (a finite number within +-100)."""
    L = len(session.activations)
    for name, v, high in (("l", l, L), ("j", j, None), ("k", k, None)):
        if isinstance(v, bool) or not isinstance(v, int) or v < (1 if name == "l" else 0):
            raise ValueError(f"{name}: expected a whole number, got {v!r}"[:100])
    if l > L:
        raise ValueError(f"l: the network has {L} layers, got {l}")
    W = np.array(session.params[f"W{l}"])
    if not (j < W.shape[0] and k < W.shape[1]):
        raise ValueError(f"j, k: W[{l}] has shape {W.shape}, got ({j}, {k})")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or abs(value) > 100:
        raise ValueError(f"value: expected a number from -100 to 100, got {value!r}"[:100])
    W[j, k] = value
    return session._replace(params={**session.params, f"W{l}": W})


def _grid(n: int) -> Array:
    g = np.linspace(-EXTENT, EXTENT, n)
    G1, G2 = np.meshgrid(g, -g)  # rows from the top of the picture down
    return np.stack([G1.ravel(), G2.ravel()])


def _bytes(values: Array, scale: float) -> str:
    """Values in [-scale, scale] as base64 bytes 0..255 (128 is 0)."""
    q = np.clip(np.round((values / scale + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def view(session: Session, points: bool = False) -> dict[str, Any]:
    """What the page draws: the epoch, the losses, the weights, the output over the plane and
    each unit's map, quantised; ``points`` adds the data."""
    c, params = session.config, session.params
    L = len(session.activations)
    out_grid = _features_of(_grid(GRID), c["features"])
    unit_grid = _features_of(_grid(UNIT_GRID), c["features"])
    AL, _ = mf.forward(out_grid, params, session.activations)
    _, cache = mf.forward(unit_grid, params, session.activations)
    output: dict[str, Any]
    if session.loss == "cce":
        output = {"kind": "classes", "data": base64.b64encode(
            np.asarray(AL).argmax(axis=0).astype(np.uint8).tobytes()).decode("ascii")}
    elif session.loss == "bce":
        output = {"kind": "probability", "data": _bytes(2 * np.asarray(AL[0]) - 1, 1.0)}
    else:
        scale = float(max(1e-9, np.abs(AL).max()))
        output = {"kind": "value", "data": _bytes(np.asarray(AL[0]), scale), "scale": scale}
    units = []
    for l in range(1, L):
        A = np.asarray(cache[f"A{l}"])
        units.append([{"data": _bytes(A[j], s), "scale": s}
                      for j in range(A.shape[0])
                      for s in [float(max(1e-9, np.abs(A[j]).max()))]])
    last = session.history[-1] if session.history else None
    loss_train = last[1] if last else _cost(session, params, session.X, session.Y)
    loss_test = last[2] if last else _cost(session, params, session.X_test, session.Y_test)
    result: dict[str, Any] = {
        "epoch": session.epoch, "loss_train": loss_train, "loss_test": loss_test,
        "history": session.history[-200:], "diverged": session.diverged,
        "features": c["features"], "layers": [params["W1"].shape[1]] + [
            params[f"W{l}"].shape[0] for l in range(1, L + 1)],
        "weights": [np.asarray(params[f"W{l}"]).round(6).tolist() for l in range(1, L + 1)],
        "output": output, "units": units, "grid": GRID, "unit_grid": UNIT_GRID,
        "extent": EXTENT, "loss": session.loss, "activations": session.activations}
    if points:
        result["train"] = {"x": session.raw.round(4).tolist(),
                           "y": np.asarray(session.Y).round(4).tolist()}
        result["test"] = {"x": session.raw_test.round(4).tolist(),
                          "y": np.asarray(session.Y_test).round(4).tolist()}
    return result


def arithmetic(session: Session, example: Any, l: Any, j: Any) -> dict[str, Any]:
    """Unit j of layer l worked out for training example ``example``: the lines of
    ``worked_example`` for that example and layer that name the unit (its z and a forward; its
    dZ, dW, db and their updates backward)."""
    m = session.X.shape[1]
    L = len(session.activations)
    n = session.params[f"W{l}"].shape[0] if isinstance(l, int) and 1 <= l <= L else None
    for name, v, low, high, of in (("example", example, 0, m - 1, "the training points"),
                                   ("l", l, 1, L, "the layers"),
                                   ("j", j, 0, None if n is None else n - 1, "layer l's units")):
        if isinstance(v, bool) or not isinstance(v, int) or v < low or \
                (high is not None and v > high):
            within = f"from {low} to {high} ({of})" if high is not None else f">= {low}"
            raise ValueError(f"{name}: expected a whole number {within}, got {v!r}"[:120])
    if session.config["norm"] == "batch" or session.config["keep_prob"] < 1:
        # one example's step has neither the batch's statistics nor a step's masks
        return {"lines": [], "note": "worked out for plain, residual and layer-normalised "
                                     "layers: batch normalisation's statistics come from the "
                                     "whole batch and dropout's masks from each step, which one "
                                     "example's arithmetic does not have; turn them off to "
                                     "see it"}
    text = mf.explain.worked_example(
        session.X[:, example:example + 1], session.Y[:, example:example + 1], session.params,
        session.activations, session.loss, learning_rate=session.config["learning_rate"],
        layer=l, decimals=4)
    tags = (f"[{l}][{j}]", f"[{l}][{j}, ")  # z[l][j](i), a, dZ, db[l][j]; W[l][j, k], dW
    lines = [line.strip() for line in text.splitlines()
             if line.startswith("  ") and any(t in line.split(" = ", 1)[0] for t in tags)]
    return {"lines": lines, "note": None}


def code(session: Session) -> str:
    """The Python that reproduces this run with mlp_fn (until a weight is edited by hand)."""
    c, options = session.config, _train_options(session)
    dims = [session.X.shape[0], *c["hidden"], session.params[f"W{len(session.activations)}"]
            .shape[0]]
    norm = "None" if c["norm"] == "none" else repr(c["norm"])
    return "\n".join([
        "import mlp_fn as mf",
        "from mlp_fn.playground import points",
        "",
        f"config = {checked(c)!r}",
        "X, Y = points(config)  # the same points, features and split as the page",
        f"params = mf.init_params({dims}, method='xavier', seed={c['seed']}, norm={norm})",
        f"params, history = mf.train(X, Y, params, {session.activations!r}, "
        f"{session.loss!r}, epochs={session.epoch}, "
        + ", ".join(f"{k}={v!r}" for k, v in options.items()) + ")",
        "print(history['cost'][-1] if history['cost'] else None)",
    ])


def parse_csv(text: Any) -> tuple[Array, Array]:
    """Points (2, m) and labels (1, m) from CSV text of rows x1, x2, label (a header row
    allowed; labels whole numbers 0..9, their distinct values taken in order as the classes
    0, 1, ...: labels 1 and 2 make a binary problem, not three classes with an empty one);
    ValueError saying what is wrong, and in which row."""
    if not isinstance(text, str):
        raise ValueError("csv: expected the file's text")
    if len(text.encode("utf-8", "replace")) > LIMITS["csv_bytes"]:
        raise ValueError(f"csv: the file is larger than {LIMITS['csv_bytes']:,} bytes")
    rows = [r for r in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in r)]
    if rows and not _numeric(rows[0]):
        rows = rows[1:]  # a header
    if not 4 <= len(rows) <= LIMITS["points"]:
        raise ValueError(f"csv: expected 4 to {LIMITS['points']} rows of x1, x2, label, got "
                         f"{len(rows)}")
    for i, r in enumerate(rows, start=1):
        if len(r) != 3 or not _numeric(r):
            raise ValueError(f"csv: row {i} is not three numbers x1, x2, label: "
                             f"{','.join(r)[:60]!r}")
    values = np.array([[float(v) for v in r] for r in rows])
    xs, labels = values[:, :2], values[:, 2]
    for bad, says in ((~(np.isfinite(xs) & (np.abs(xs) <= 1e6)).all(axis=1),
                       "x1 and x2 must be finite numbers within 1e6"),
                      (~(np.isfinite(labels) & (labels == np.round(labels)) & (labels >= 0)
                         & (labels <= 9)), "labels must be whole numbers from 0 to 9")):
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"csv: row {i + 1}: {says}, got {','.join(rows[i])[:60]!r}")
    classes, index = np.unique(labels, return_inverse=True)
    if len(classes) < 2:
        raise ValueError("csv: expected at least two classes among the labels")
    P = xs.T
    scale = 5.0 / max(1e-12, float(np.abs(P).max()))  # into the square the page draws
    return P * scale, index.astype(float).reshape(1, -1)


def _numeric(row: list[str]) -> bool:
    try:
        [float(v) for v in row]
    except ValueError:
        return False
    return True


def params_file(session: Session) -> bytes:
    """The session's params as an mlp_fn file (``mf.load_params`` reads it)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "playground.npz"
        mf.save_params(path, session.params, session.activations, session.loss)
        return path.read_bytes()
