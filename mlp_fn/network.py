"""What a network is, layer by layer: read once from ``params`` and ``activations``.

This is the one module that knows what layer l is. Everything else asks it (``architecture``) and
never parses a key or counts them. A network of L layers is

    layer l = 1..L:  Z[l] = W[l] A[l-1] + b[l]            the linear step (every layer)
                     Z~[l] = gamma[l] Z_norm[l] + beta[l] normalised hidden layers (no b[l])
                     A[l] = g[l](Z~[l])                   the activation
                     A[l] = A[l] * D[l]                   dropped-out hidden layers (a mask)
                     A[l] = A[l] + A[l-1]                 residual hidden layers (the skip)

and each layer's description says which of these steps it takes:

* its widths `n[l-1] -> n[l]` and its activation `g[l]` (a registry entry or a reader's own);
* ``norm``: "batch" (gamma, beta and running statistics mu, sigma2 in params), "layer" (gamma,
  beta) or None (b) -- told by which keys the params hold for that layer;
* ``residual``: declared in the activations list as 'g+residual' (equal widths needed);
* ``dropout``: whether a dropout mask may act on it (hidden layers only);
* the names of its keys in params, the cache and the gradients.

The output layer L is always plain: no normalisation, no mask, no skip. The description is plain
immutable data (named tuples of strings, numbers and the activation's functions).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from typing import Any, NamedTuple

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.arrays import Backend, backend, is_array, require
from mlp_fn._internal.inputs import cast
from mlp_fn._internal.types import ActivationSpec, Array
from mlp_fn.layers import LAYER_KINDS
from mlp_fn.activations import OUTPUT_ONLY, Formulas, _activation_entry, _activation_spec

__all__ = ["architecture", "keys", "Keys", "Layer", "Architecture", "RESIDUAL"]


#: The suffix that declares a residual connection: 'relu+residual' is
#: `A[l] = relu(Z[l]) + A[l-1]`.
RESIDUAL = "+residual"


class Keys(NamedTuple):
    """Layer l's names: in params ``"W{l}"``, ``"b{l}"``, ``"gamma{l}"``, ``"beta{l}"``,
    ``"mu{l}"``, ``"sigma2{l}"``; in the cache ``"A{l-1}"``, ``"Z{l}"``, ``"Ztilde{l}"``,
    ``"Znorm{l}"``, ``"G{l}"`` (g(Z) before the mask and the skip), ``"D{l}"`` (the mask),
    ``"A{l}"`` and the statistics a normalised layer used (``"mu_batch{l}"``,
    ``"sigma2_batch{l}"``, ...); in the gradients ``"dW{l}"``, ``"db{l}"``, ``"dgamma{l}"``,
    ``"dbeta{l}"``."""

    W: str
    b: str
    gamma: str
    beta: str
    mu: str
    sigma2: str
    A_prev: str
    Z: str
    Ztilde: str
    Znorm: str
    G: str
    D: str
    A: str
    dW: str
    db: str
    dgamma: str
    dbeta: str
    dZ: str  # backward's intermediates (intermediates=True): "dZ{l}", "dZtilde{l}", "dA{l}",
    dZtilde: str  # "dA{l-1}"
    dA: str
    dA_prev: str
    statistics: dict[str, tuple[str, str]]  # source -> the cache keys of the mu, sigma^2 used


def keys(l: int) -> Keys:
    """The names of layer l's entries (see ``Keys``).

    >>> keys(2).W, keys(2).A_prev, keys(2).dW
    ('W2', 'A1', 'dW2')
    """
    stats = {src: (f"mu_{src}{l}", f"sigma2_{src}{l}") for src in ("batch", "example", "running")}
    return Keys(f"W{l}", f"b{l}", f"gamma{l}", f"beta{l}", f"mu{l}", f"sigma2{l}", f"A{l - 1}",
                f"Z{l}", f"Ztilde{l}", f"Znorm{l}", f"G{l}", f"D{l}", f"A{l}", f"dW{l}",
                f"db{l}", f"dgamma{l}", f"dbeta{l}", f"dZ{l}", f"dZtilde{l}", f"dA{l}",
                f"dA{l - 1}", stats)


class Layer(NamedTuple):
    """One layer's description (see the module docstring)."""

    l: int
    n_in: int  # n[l-1]
    n_out: int  # n[l]
    activation: ActivationSpec  # the canonical name ('relu') or a reader's own
    g: Formulas  # its functions, in the namespace xp: g and the backward step dZ = dA * g'(Z)
    norm: str | None  # None, or its normalisation's name in layers.LAYER_KINDS ('batch', ...)
    residual: bool
    dropout: bool  # a mask may act on A[l]: hidden layers
    keys: Keys
    trained: tuple[str, ...]  # the params gradient descent changes: W and b, or W, gamma, beta
    statistics: tuple[str, ...]  # running statistics, kept, not trained: mu, sigma2 (batch norm)


class Architecture(NamedTuple):
    """Every layer's description, in order; ``L`` layers from n_x inputs to n_y outputs."""

    layers: tuple[Layer, ...]
    L: int
    n_x: int
    n_y: int
    dtype: Any  # float32 or float64 of the params' library
    activations: tuple[ActivationSpec, ...]  # canonical, as saved: 'relu+residual', ...
    backend: Backend  # the params' library (its namespace xp) and device


# ----------------------------------------------------------------------------------------------
# Reading a network from its params and activations
# ----------------------------------------------------------------------------------------------

def _param_key() -> re.Pattern[str]:
    """A params key: W or a vector of some kind of layer (``layers.LAYER_KINDS``), then l >= 1
    (matched whole: no "\n"); longer names first, so that "sigma2" is never read as "s" + ..."""
    names = sorted({"W", *(p for kind in LAYER_KINDS.values() for p in kind.params)},
                   key=lambda name: (-len(name), name))
    return re.compile(f"({'|'.join(names)})([1-9][0-9]*)")  # re keeps the compiled pattern


def _kinds() -> dict[str | None, frozenset[str]]:
    """The keys of a layer of each kind that acts on the linear step (``layers.LAYER_KINDS``):
    W and its vectors; ``architecture`` reads a layer's kind from them, ``init_params`` writes
    them. None is the plain layer."""
    return {None if name == "plain" else name: frozenset({"W", *kind.params})
            for name, kind in LAYER_KINDS.items() if kind.acts_on == "Z"}


def _norm_of(kinds: set[str]) -> str | None:
    """Which kind a layer's keys declare (the check below tells whether they are all there):
    the one whose keys they are, else the nearest (most keys in common, then fewest apart), so
    that the error names what is missing or extra."""
    known = _kinds()
    return max(known, key=lambda kind: (known[kind] == kinds, len(known[kind] & kinds),
                                        -len(known[kind] ^ kinds)))


def _given_whole(p: Any) -> str:
    """What to pass where something holding the params was given in their place: a network of
    ``mlp_fn.model``, or the tuple ``train`` or ``load_params`` returns ('' for anything else)."""
    if isinstance(p, Mapping) and {"params", "activations", "loss"} <= set(p):
        return ("; this is a network of mlp_fn.model: pass net['params'] (with "
                "net['activations'] and net['loss']), or use mlp_fn.model's functions on it")
    if isinstance(p, tuple) and p and isinstance(p[0], Mapping) and len(p) in (2, 3):
        returns = "params, history = mf.train(...)" if len(p) == 2 else \
            "params, activations, loss = mf.load_params(path)"
        return f": unpack it, as in {returns}"
    return ""


def _layer_keys(p: Mapping[Any, Any]) -> dict[int, set[str]]:
    whole = _given_whole(p)
    if whole:
        got = f"a tuple of {len(p)}, the first a dict" if isinstance(p, tuple) else \
            f"a dict with keys {sorted(map(str, p))[:8]}"
        raise TypeError(f"params: expected a dict of arrays {{'W1', 'b1', ...}}, got {got}"
                        f"{whole}")
    if not isinstance(p, Mapping):
        raise TypeError(f"params: expected a dict of arrays {{'W1', 'b1', ...}}, got "
                        f"{check.what(p)}")
    layers: dict[int, set[str]] = {}
    pattern = _param_key()
    for key in p:
        match = pattern.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            raise ValueError(f"params: unexpected key {check.short_repr(key)}; expected only "
                             f"'W1', 'b1', ..., 'WL', 'bL' (and gamma, beta, mu, sigma2 of "
                             f"normalised layers)")
        layers.setdefault(int(match.group(2)), set()).add(match.group(1))
    if not layers:
        raise ValueError("params: expected 'W1', 'b1', ..., got an empty dict")
    return layers


def _norms(p: Mapping[str, Any], layers: dict[int, set[str]]) -> list[str | None]:
    """Each layer's normalisation, every key of it present and none extra."""
    L = max(layers)
    norms: list[str | None] = []
    for l in range(1, L + 1):
        kinds = layers.get(l, set())
        norm = _norm_of(kinds) if l < L else None
        expected = _kinds()[norm]
        for kind in sorted(expected - kinds):
            raise ValueError(f"params: missing key '{kind}{l}' (the keys present are "
                             f"{sorted(p)}; a network of depth L needs W1..WL and b1..bL, or "
                             f"gamma{{l}}, beta{{l}} for a normalised hidden layer)"[:400])
        for kind in sorted(kinds - expected):
            raise ValueError(f"params: unexpected key '{kind}{l}' (layer {l} has "
                             f"{sorted(kinds)}; only hidden layers can be normalised, and a "
                             f"normalised layer has gamma and beta in place of b)"[:400])
        norms.append(norm)
    return norms


def _arrays(p: Mapping[str, Any], layers: dict[int, set[str]],
            xp: Any) -> list[tuple[int, int]]:
    """Every array finite and float, one dtype, W[l] chained to W[l-1], the vectors (n[l], 1).
    Returns each layer's (n[l-1], n[l])."""
    dtype = None
    widths: list[tuple[int, int]] = []
    for l in range(1, max(layers) + 1):
        W = check.matrix(f"params['W{l}']", p[f"W{l}"], "(n[l], n[l-1])")
        dtype = W.dtype if dtype is None else dtype
        if W.dtype != dtype:
            raise TypeError(f"params: expected one float dtype for every array, got {dtype} for "
                            f"'W1' and {W.dtype} for 'W{l}'")
        if widths and W.shape[1] != widths[-1][1]:
            hint = ""
            if W.shape[0] == widths[-1][1]:
                hint = (f"; it looks like the row layout of X @ W (as in 003's listing), W of "
                        f"shape (n[{l - 1}], n[{l}]): the course layout is W[{l}] of shape "
                        f"(n[{l}], n[{l - 1}]), so pass every weight matrix transposed, W.T")
            raise ValueError(f"params['W{l}']: expected shape (n[{l}], {widths[-1][1]}) to "
                             f"follow W{l - 1} of shape {p[f'W{l - 1}'].shape}, got "
                             f"{W.shape}{hint}")
        for kind in sorted(layers[l] - {"W"}):
            key = f"{kind}{l}"
            vector = p[key]
            if (isinstance(vector, np.ndarray) or is_array(vector)) and vector.ndim == 1:
                raise ValueError(f"params[{key!r}]: expected a column of shape ({W.shape[0]}, 1), "
                                 f"got a 1-D vector of shape {vector.shape}; make it a column "
                                 f"with params[{key!r}].reshape(-1, 1)")
            a = check.matrix(f"params[{key!r}]", vector, f"({W.shape[0]}, 1)")
            if a.dtype != dtype:
                raise TypeError(f"params: expected one float dtype for every array, got "
                                f"{dtype} for 'W1' and {a.dtype} for {key!r}")
            if a.shape != (W.shape[0], 1):
                hint = (f"; a row (1, n) from the row layout becomes the course's column with "
                        f"{key}.T" if a.shape == (1, W.shape[0]) else "")
                raise ValueError(f"params[{key!r}]: expected shape ({W.shape[0]}, 1) to match "
                                 f"W{l} of shape {W.shape}, got {a.shape}{hint}")
        if "sigma2" in layers[l] and float(xp.min(p[f"sigma2{l}"])) < 0:
            raise ValueError(f"params['sigma2{l}']: expected variances >= 0")
        widths.append((W.shape[1], W.shape[0]))
    return widths


def _layer_activation(spec: Any, l: int, L: int, widths: tuple[int, int] | None = None,
                      label: str | None = None) -> tuple[ActivationSpec, bool]:
    """One entry of ``activations``: (the canonical activation, whether residual). A name, a
    name + '+residual' (a hidden layer whose input and output widths match), or a reader's
    own from ``custom_activation``. ``label`` names the entry as the caller wrote it
    (``mlp_fn.model``'s ``layer_spec[0][1]``); by default, layer l of ``activations``."""
    lead, entry = label or "activations", label or f"activations: layer {l}"
    if not isinstance(spec, str):
        return _activation_spec(spec, entry), False
    base, plus, extra = spec.partition("+")
    try:
        name = _activation_spec(base, entry)
    except ValueError as err:
        raise ValueError(f"{err}; a residual hidden layer is written 'name+residual', e.g. "
                         f"'sigmoid+residual'") from None
    if isinstance(name, str) and name in OUTPUT_ONLY:
        if l < L:
            raise ValueError(f"{lead}: {spec[:100]!r} normalises over a whole layer and is "
                             f"allowed only in the output layer, got it in layer {l} of {L}")
        if widths is not None and widths[1] == 1:
            raise ValueError(f"{lead}: softmax over a single output unit is 1 for every "
                             f"example; give layer {L} one unit per class (K >= 2), or use "
                             f"sigmoid with bce for a binary output")
    if not plus:
        return name, False
    if extra.strip().lower() not in ("residual", "res"):
        raise ValueError(f"{lead}: {spec[:100]!r} in layer {l}: the only suffix is "
                         f"'+residual', as in 'relu+residual'")
    if l == L:
        raise ValueError(f"{lead}: {spec[:100]!r}: the output layer (layer {L}) cannot be "
                         f"residual; only hidden layers add their input")
    if widths is not None and widths[0] != widths[1]:
        raise ValueError(f"{lead}: {spec[:100]!r} in layer {l} adds A[{l - 1}] to A[{l}], "
                         f"which needs equal widths; W{l} has shape {(widths[1], widths[0])}")
    return name, True


def _weights(params: Mapping[str, Array]) -> list[Array]:
    """W[1], ..., W[L] of a network's params, in order (what the penalties sum over: biases,
    gamma, beta and the running statistics are not weights)."""
    out, l = [], 1
    while f"W{l}" in params:
        out.append(params[f"W{l}"])
        l += 1
    return out


def architecture(params: Any, activations: Any = None) -> Architecture:
    """The description of the network ``params`` and ``activations`` make, every part checked:
    the keys of each layer (nothing missing or extra), shapes chained, one float dtype, finite
    values; one activation per layer, softmax only in the last (over `K >= 2` units), residual
    only in hidden layers of equal widths. Without ``activations`` only the params are
    described (for what needs nothing else, such as the L2 penalty): every layer reads
    'identity'.

    >>> net = architecture(mf.init_params([2, 3, 1], seed=0), ["relu", "sigmoid"])
    >>> net.L, net.n_x, net.n_y, [layer.activation for layer in net.layers]
    (2, 2, 1, ['relu', 'sigmoid'])
    """
    structure = _structure(params, activations)
    net = _DESCRIBED.get(structure) if structure is not None else None
    if net is not None:  # described before: only the values are new
        _check_values(params, net)
        return net
    net = _described(params, activations)
    if structure is not None:
        if len(_DESCRIBED) >= 64:  # a memo of a few recent networks, not a store
            _DESCRIBED.clear()
        _DESCRIBED[structure] = net
    return net


#: Architectures described before, by ``_structure``: everything ``architecture`` reads but the
#: values (a memo of a pure function: the same structure always describes the same network).
_DESCRIBED: dict[Hashable, Architecture] = {}


def _structure(params: Any, activations: Any) -> Hashable | None:
    """What an architecture depends on beyond the params' values: their keys, types, shapes,
    dtypes and devices, and the activations given; None where that cannot be told (not a dict
    of arrays, or a custom activation, which is not hashable)."""
    if not isinstance(params, Mapping) or not (activations is None or
                                                isinstance(activations, (list, tuple))):
        return None
    try:
        structure = (tuple((k, type(a), a.shape, a.dtype, getattr(a, "device", None))
                           for k, a in params.items()),
                     None if activations is None else tuple(activations))
        hash(structure)
    except Exception:  # anything that is not an array of a hashable kind: described in full
        return None
    return structure


def _described(params: Any, activations: Any) -> Architecture:
    """``architecture`` in full: every part of the params and activations checked."""
    layers = _layer_keys(params)
    b = backend(params=params)  # one library, one device: found here, once for every call
    norms = _norms(params, layers)
    widths = _arrays(params, layers, b.xp)
    L = len(widths)
    names = ["identity"] * L if activations is None else \
        check.name_list("activations", activations, L, "one per layer of params")
    specs = [_layer_activation(spec, l, L, widths[l - 1]) for l, spec in enumerate(names, start=1)]
    described = []
    for l, ((n_in, n_out), norm, (spec, residual)) in enumerate(zip(widths, norms, specs),
                                                               start=1):
        k = keys(l)
        kind = LAYER_KINDS[norm or "plain"]  # its vectors: trained, or kept (statistics)
        trained = (k.W, *(f"{p}{l}" for p in kind.params if p not in kind.kept))
        described.append(Layer(l, n_in, n_out, spec, _activation_entry(spec), norm, residual,
                               l < L, k, trained, tuple(f"{p}{l}" for p in kind.kept)))
    saved = tuple(s + RESIDUAL if r and isinstance(s, str) else s for s, r in specs)
    return Architecture(tuple(described), L, widths[0][0], widths[-1][1], params["W1"].dtype,
                        saved, b)


def _same_structure(params: Any, first: Mapping[str, Any]) -> bool:
    """Whether ``params`` has the keys of ``first`` (params ``architecture`` described already)
    and arrays of the same type, shape, dtype and device: then it describes the same network,
    and only its values are left to check (``_check_values``)."""
    if not isinstance(params, Mapping) or params.keys() != first.keys():
        return False
    return all(type(a) is type(a0) and a.shape == a0.shape and a.dtype == a0.dtype
               and getattr(a, "device", None) == getattr(a0, "device", None)
               for a, a0 in ((params[k], a0) for k, a0 in first.items()))


def _check_values(params: Mapping[str, Array], net: Architecture) -> None:
    """The checks of ``architecture`` that read values, for params of ``net``'s structure: every
    array finite, every running variance >= 0."""
    for key, a in params.items():
        check.finite(f"params[{key!r}]", a)
    for layer in net.layers:
        if layer.norm == "batch" and float(net.backend.xp.min(params[layer.keys.sigma2])) < 0:
            raise ValueError(f"params[{layer.keys.sigma2!r}]: expected variances >= 0")


def _trainable(params: Mapping[str, Array], net: Architecture) -> dict[str, Array]:
    """The params gradient descent changes: everything but the running statistics."""
    return {k: params[k] for layer in net.layers for k in layer.trained}


def _check_masks(masks: Any, net: Architecture, m: int) -> dict[str, Array]:
    """Fixed dropout masks ``{"D1", ..., "D{L-1}"}`` (any subset of the hidden layers), each of
    shape (n[l], m), as the network's dtype. The output layer is never masked."""
    if not isinstance(masks, Mapping):
        raise TypeError(f"masks: expected a dict {{'D1': ..., }}, got {check.what(masks)}")
    by_key = {layer.keys.D: layer for layer in net.layers if layer.dropout}
    hidden = f"'D1'..'D{net.L - 1}'" if net.L > 1 else "none (the network has no hidden layer)"
    out = {}
    for key, D in masks.items():
        layer = by_key.get(key) if isinstance(key, str) else None
        if layer is None:
            raise ValueError(f"masks: unexpected key {check.short_repr(key)}; a mask acts on a "
                             f"hidden layer's output, so the keys are {hidden} (layer {net.L} is "
                             f"the output layer, never dropped)")
        require(net.backend, **{f"masks[{key!r}]": D})
        D = check.matrix(f"masks[{key!r}]", D, f"({layer.n_out}, {m})")
        if tuple(D.shape) != (layer.n_out, m):
            raise ValueError(f"masks[{key!r}]: expected shape ({layer.n_out}, {m}), "
                             f"got {tuple(D.shape)}")
        out[key] = cast(f"masks[{key!r}]", D, net.dtype)
    return out
