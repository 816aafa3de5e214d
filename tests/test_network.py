"""One module describes a network; masks on every layer kind; a pure training step; the tiers."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mlp_fn as mf
from mlp_fn.network import architecture
from mlp_fn.training.loop import _plan, _run_epoch

PACKAGE = Path(mf.__file__).parent
KINDS = [(None, False), (None, True), ("batch", False), ("batch", True), ("layer", False),
         ("layer", True)]


def _net(norm: str | None, residual: bool) -> tuple[Any, list[str], Any, Any]:
    X, Y = mf.data.two_moons(12, seed=3)
    params = mf.init_params([2, 3, 3, 1], seed=0, norm=norm)
    hidden = "tanh+residual" if residual else "tanh"
    return params, ["tanh", hidden, "sigmoid"], X, Y


@pytest.mark.parametrize("norm, residual", KINDS)
def test_the_description_says_what_each_layer_is(norm: str | None, residual: bool) -> None:
    params, acts, _, _ = _net(norm, residual)
    net = architecture(params, acts)
    assert net.L == 3 and (net.n_x, net.n_y) == (2, 1)
    assert [layer.norm for layer in net.layers] == [norm, norm, None]
    assert [layer.residual for layer in net.layers] == [False, residual, False]
    assert [layer.dropout for layer in net.layers] == [True, True, False]
    expected = {None: ("W1", "b1"), "batch": ("W1", "gamma1", "beta1"),
                "layer": ("W1", "gamma1", "beta1")}[norm]
    assert net.layers[0].trained == expected
    assert net.layers[2].trained == ("W3", "b3")  # the output layer is always plain


@pytest.mark.parametrize("norm, residual", KINDS)
def test_masks_on_every_layer_kind(norm: str | None, residual: bool) -> None:
    # The output layer's mask, and a key past L, are refused naming masks (the old check
    # counted L = len(params) // 2, which normalised params make too large, and let an
    # output-layer mask through to forward while backward ignored it: a 0.39 difference).
    params, acts, X, Y = _net(norm, residual)
    m = X.shape[1]
    rng = np.random.default_rng(1)
    for bad in ({"D3": np.ones((1, m))}, {"D4": np.ones((1, m))}, {"D0": np.ones((3, m))}):
        with pytest.raises(ValueError, match="^masks: unexpected key"):
            mf.gradient_check(X, Y, params, acts, "bce", masks=bad)
        with pytest.raises(ValueError, match="^masks: unexpected key"):
            mf.forward(X, params, acts, masks=bad)
    # Valid masks on both hidden layers: backprop agrees with central differences.
    masks = {f"D{l}": (rng.random((3, m)) < 0.7) / 0.7 for l in (1, 2)}
    assert mf.gradient_check(X, Y, params, acts, "bce", masks=masks) < 1e-7
    # And the mask is really applied: a zero mask on layer 2 changes the output.
    AL, _ = mf.forward(X, params, acts, masks=masks)
    AL0, _ = mf.forward(X, params, acts, masks={"D2": np.zeros((3, m))})
    assert not np.allclose(AL, AL0)


def test_a_state_replayed_twice_gives_equal_results() -> None:
    # _run_epoch is pure: the state passed in (its history of epochs lives in train, not in the
    # state) is never changed, so replaying it gives the same new state and record.
    X, Y = mf.data.two_moons(40, seed=0)
    Xv, Yv = mf.data.two_moons(20, seed=1)
    params = mf.init_params([2, 5, 1], seed=0, norm="batch")
    run, s0 = _plan(X, Y, params, ["relu", "sigmoid"], "bce", learning_rate=0.1, epochs=3,
                    batch_size=8, shuffle=True, seed=2, optimizer="adam", optimizer_options=None,
                    opt_state=None, lambd=0.01, keep_prob=0.9, clip_norm=1.0,
                    validation_data=(Xv, Yv), patience=2, sample_weight=None)
    s1, r1 = _run_epoch(s0, run)
    s1b, r1b = _run_epoch(s0, run)
    assert r1 == r1b and s1.epoch == s1b.epoch == 1
    for k in s1.params:
        assert s1.params[k].tobytes() == s1b.params[k].tobytes()
    assert s0.epoch == 0 and s0.opt_state["step"] == 0  # s0 itself is as it was


def test_train_step_is_one_step_of_train() -> None:
    # One full-batch epoch of train is one train_step from the same params (the cost is J at
    # the params given, as the history's first cost is).
    X, Y = mf.data.xor()
    p0 = mf.init_params([2, 4, 1], seed=1)
    acts = ["tanh", "sigmoid"]
    p1, opt, J = mf.train_step(X, Y, p0, None, acts, "bce", learning_rate=0.3, optimizer="adam")
    trained, history = mf.train(X, Y, p0, acts, "bce", learning_rate=0.3, epochs=1,
                                optimizer="adam", shuffle=False)
    assert J == history["cost"][0] and opt["step"] == history["opt_state"]["step"] == 1
    assert all(p1[k].tobytes() == trained[k].tobytes() for k in p0)
    # And it equals the course's steps written out: forward, backward, the optimizer's rule.
    AL, cache = mf.forward(X, p0, acts, training=True)
    grads = mf.backward(AL, Y, cache, p0, acts, "bce")
    by_hand, _ = mf.adam_step(p0, grads, mf.adam_init(p0), learning_rate=0.3)
    assert all(np.array_equal(by_hand[k], p1[k]) for k in p0)
    assert J == mf.compute_cost(AL, Y, "bce")


def test_backward_returns_the_books_gradients() -> None:
    # db[l] = (1/m) sum_i dZ[l](i) and dW[l] = (1/m) dZ[l] A[l-1]^T, from the cache's own
    # dZ (intermediates) and A, computed here by plain loops over the examples.
    X, Y = mf.data.two_moons(7, seed=4)
    params = mf.init_params([2, 3, 1], seed=2)
    acts = ["relu", "sigmoid"]
    AL, cache = mf.forward(X, params, acts)
    g = mf.backward(AL, Y, cache, params, acts, "bce", intermediates=True)
    m = X.shape[1]
    for l in (1, 2):
        dZ, A_prev = g[f"dZ{l}"], cache[f"A{l - 1}"]
        db = sum(dZ[:, i] for i in range(m)) / m
        dW = sum(np.outer(dZ[:, i], A_prev[:, i]) for i in range(m)) / m
        np.testing.assert_allclose(g[f"db{l}"][:, 0], db, rtol=1e-12)
        np.testing.assert_allclose(g[f"dW{l}"], dW, rtol=1e-12)


def _modules() -> list[str]:
    return sorted(["mlp_fn"] + [m.name for m in pkgutil.walk_packages(mf.__path__, "mlp_fn.")])


def _between(source: str, public: set[str]) -> list[str]:
    """The names a module's source defines at its top level (defs, classes, assignments) that
    are neither in ``public`` nor private."""
    names: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [n for n in names if n not in public | {"__all__"} and not n.startswith("_")]


def test_every_module_lists_its_public_api_and_keeps_the_rest_private() -> None:
    """A public module's top-level names are its ``__all__`` and private names (``_name``),
    nothing in between, so a name alone says whether it is stable; code written for readers
    (the lessons, the examples) imports no private name."""
    for name in _modules():
        module = importlib.import_module(name)
        path = Path(module.__file__ or "")
        if path.name == "__init__.py":
            continue
        assert hasattr(module, "__all__"), f"{name} has no __all__"
        public = set(module.__all__)
        assert all(hasattr(module, n) for n in public), f"{name}.__all__ names a missing name"
        if any(part.startswith("_") and part != "__main__" for part in name.split(".")[1:]):
            continue  # a private module: its __all__ is what the package imports from it
        between = _between(path.read_text(), public)
        assert not between, f"{name}: {between} are neither in __all__ nor private"
    root = PACKAGE.parent
    for path in [*root.glob("examples/*.py"), *root.glob("walkthroughs/[!_]*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlp_fn"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"


def test_a_name_between_public_and_private_is_caught() -> None:
    # The check above, on a module written here: one stray name, one private, one listed.
    source = "__all__ = ['f']\ndef f(): ...\ndef _g(): ...\ndef h(): ...\nK: int = 1\n"
    assert _between(source, {"f"}) == ["h", "K"]


def test_only_the_network_module_reads_layer_keys() -> None:
    # Nothing but mlp_fn.network counts params or tells a layer's kind from its keys.
    smells = ("len(params) //", '.startswith("gamma', '.startswith("mu', "+residual\" in",
              'f"gamma{', 'f"mu{l}"', "is_buffer(")
    for path in PACKAGE.rglob("*.py"):
        if path.name == "network.py":
            continue
        text = path.read_text()
        for smell in smells:
            assert smell not in text, f"{path.relative_to(PACKAGE)} has {smell!r}"


def test_help_shows_each_public_functions_own_name() -> None:
    aliases = {"linear": "identity", "binary_log_loss": "bce", "multiclass_log_loss": "cce",
               "l2": "mse"}
    for name in mf.__all__:
        f = getattr(mf, name)
        if inspect.isfunction(f):
            assert f.__name__ == aliases.get(name, name), f"help(mf.{name}) shows {f.__name__}"
    assert "v = beta * v - lr * g" in (mf.momentum_step.__doc__ or "")
    assert list(inspect.signature(mf.adam_step).parameters)[3:] == \
        ["learning_rate", "beta1", "beta2", "eps"]


def test_public_signatures_name_what_a_caller_passes() -> None:
    # activation_forward showed "activation: Formulas", the functions the body gets, where the
    # caller passes a name; no public signature names one of mlp_fn's internal types.
    internal = ("Formulas", "Architecture", "Run", "TrainingState", "Namespace", "Backend",
                "Layer")
    modules = [mf, mf.data, mf.plots, mf.summary, mf.explain, mf.model, mf.callbacks,
               *(importlib.import_module(f"mlp_fn.{m}") for m in (
                   "layers", "normalization", "optimizers", "activations", "losses", "io"))]
    shown = 0
    for module in modules:
        for name in module.__all__:
            f = getattr(module, name)
            if not inspect.isfunction(f):
                continue
            for p in inspect.signature(f).parameters.values():
                words = set(re.findall(r"\w+", str(p.annotation)))
                assert not words & set(internal), \
                    f"{module.__name__}.{name}({p.name}: {p.annotation})"
                shown += 1
    assert shown > 300
    assert str(inspect.signature(mf.activation_forward).parameters["activation"].annotation) \
        == "ActivationSpec"
    assert mf.activation_forward.__annotations__["activation"] == "ActivationSpec"  # (Sphinx)
    assert mf.activation_forward.unchecked.__annotations__["activation"] == "Formulas"


def test_the_top_level_holds_the_course_and_the_registries() -> None:
    for moved in ("two_moons", "xor", "progress_callback", "summary_text", "Any",
                  "TYPE_CHECKING", "TrainingState"):
        assert not hasattr(mf, moved) or moved in ("summary",), moved
    assert mf.data.xor()[0].shape == (2, 4) and callable(mf.callbacks.progress_callback)


def test_a_network_described_before_still_has_its_values_checked() -> None:
    """``architecture`` remembers the structure of networks it described (keys, shapes, dtypes,
    library, activations), never their values: the same arrays changed in place to NaN, or a
    running variance made negative, are refused on the next call as on the first; a list of
    activations that does not fit is refused though the params were seen before."""
    params = dict(mf.init_params([2, 3, 1], seed=0))
    W1 = params["W1"].copy()
    params["W1"] = W1
    assert architecture(params, ["relu", "sigmoid"]).n_x == 2
    W1[1, 0] = np.inf
    with pytest.raises(ValueError, match=r"params\['W1'\]: expected finite values, got 1 NaN "
                                         r"or inf entries \(first at index \(1, 0\)"):
        architecture(params, ["relu", "sigmoid"])
    W1[1, 0] = 0.5
    assert architecture(params, ["relu", "sigmoid"]).layers[0].activation == "relu"
    with pytest.raises(ValueError, match="activations: expected 2"):
        architecture(params, ["relu", "sigmoid", "sigmoid"])
    normed = dict(mf.init_params([2, 3, 1], seed=0, norm="batch"))
    assert architecture(normed, ["relu", "sigmoid"]).layers[0].norm == "batch"
    sigma2 = normed["sigma21"].copy()
    sigma2[0, 0] = -1.0
    with pytest.raises(ValueError, match=r"params\['sigma21'\]: expected variances >= 0"):
        architecture({**normed, "sigma21": sigma2}, ["relu", "sigmoid"])
    with pytest.raises(TypeError, match="params: expected one float dtype"):
        architecture({**params, "b1": params["b1"].astype(np.float32)}, ["relu", "sigmoid"])


def test_a_new_kind_of_layer_is_one_entry_in_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kind added to ``layers.LAYER_KINDS`` and nowhere else, here Z~ = s * Z with one trained
    scale per unit (s starting at 1), is written by init_params, read by architecture, stepped
    by forward and backward, trained, and its gradient agrees with finite differences."""
    from mlp_fn import layers, network

    def forward(Z: Any, params: Any, layer: Any, training: bool, xp: Any) -> Any:
        return params[f"s{layer.l}"] * Z, {}

    def backward(dZt: Any, cache: Any, params: Any, layer: Any, xp: Any) -> Any:
        Z = cache[layer.keys.Z]  # dZ = s dZ~; ds = (1/m) sum_i dZ~(i) Z(i), as dW carries 1/m
        return params[f"s{layer.l}"] * dZt, {
            f"ds{layer.l}": xp.sum(dZt * Z, axis=1, keepdims=True) / Z.shape[1]}

    monkeypatch.setitem(layers.LAYER_KINDS, "scale",
                        layers.LayerKind({"s": 1.0}, "Z", forward, backward))
    monkeypatch.setattr(network, "_DESCRIBED", {})  # nothing described here outlives the kind
    params = dict(mf.init_params([2, 3, 1], seed=0, norm="scale"))
    assert sorted(params) == ["W1", "W2", "b2", "s1"] and np.all(params["s1"] == 1.0)
    X, Y = mf.data.xor()
    acts = ["tanh", "sigmoid"]
    AL, cache = mf.forward(X, params, acts)
    # s = 1: the layer is the plain one without its bias, A[1] = tanh(W[1] X) (by NumPy here)
    np.testing.assert_allclose(cache["A1"], np.tanh(params["W1"] @ X), rtol=1e-15)
    assert sorted(mf.backward(AL, Y, cache, params, acts, "bce")) == ["dW1", "dW2", "db2", "ds1"]
    params["s1"] = np.array([[0.5], [2.0], [-1.5]])
    assert mf.gradient_check(X, Y, params, acts, "bce") < 1e-7
    trained, history = mf.train(X, Y, params, acts, "bce", learning_rate=0.5, epochs=20)
    assert history["cost"][-1] < history["cost"][0]
    assert not np.allclose(trained["s1"], params["s1"])
