"""Checks made once, at the boundary of each public function.

Every failure is a ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, wrong value)
whose message starts with the argument's name, then says what was expected and what was given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from mlp_fn._freeze import frozen
from mlp_fn._inputs import cast
from mlp_fn._types import ActivationSpec, Array, CustomActivation
from mlp_fn.activations import OUTPUT_ONLY, canonical_activation
from mlp_fn.losses import LOSSES, canonical_loss

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# Used with fullmatch: no trailing newline.
_PARAM_KEY = re.compile(r"(W|b|gamma|beta|mu|sigma2)([1-9][0-9]*)")

#: The largest array mlp_fn will allocate on a caller's behalf (parameters, data, masks): 4 GiB.
#: Larger requests are almost surely a mistake (a swapped argument, an extra zero) and would end
#: in MemoryError or in the machine swapping; they are refused with a ValueError instead.
MAX_ARRAY_BYTES = 2**32


def describe(a: Any) -> str:
    """A short description of ``a`` for an error message: its type and value, or an array's
    dtype and shape."""
    return _describe(a)


def _describe(a: Any) -> str:
    if isinstance(a, np.ndarray):
        return f"an array of dtype {a.dtype} and shape {a.shape}"
    return f"{type(a).__name__} {a!r}"[:200]


def float_array(name: str, a: Any) -> Array:
    """``a`` as a float32/float64 ndarray, or TypeError (lists, integers, objects are refused, and
    so are ndarray subclasses: a masked array's mask would be ignored, and ``*`` on an np.matrix
    is a matrix product)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name}: expected a NumPy array of float32 or float64, got {_describe(a)}")
    if type(a) is not np.ndarray:
        raise TypeError(f"{name}: expected a plain NumPy array, got {type(a).__name__}; pass "
                        f"np.asarray({name}) (for a masked array, {name}.filled(value))")
    if a.dtype not in FLOAT_DTYPES:
        hint = ""
        if a.dtype.kind in "iub":
            hint = f"; convert it with {name}.astype(np.float64)"
        raise TypeError(
            f"{name}: expected a float32 or float64 array, got dtype {a.dtype}{hint}"
        )
    out: Array = a
    return out


def matrix(name: str, a: Any, what: str) -> Array:
    """A finite float array of rank 2; ``what`` names the expected shape, e.g. '(n_x, m)'."""
    arr = float_array(name, a)
    if arr.ndim != 2:
        hint = ""
        if arr.ndim == 1:
            hint = (f"; a 1-D vector has no layout: use {name}.reshape(-1, 1) for one example "
                    f"or {name}.reshape(1, -1) for one feature over m examples")
        raise ValueError(f"{name}: expected a 2-D array of shape {what}, got shape {arr.shape}{hint}")
    finite(name, arr)
    return arr


def array_dict(name: str, d: Any, like: Mapping[str, Array] | None = None,
               prefix: str = "") -> dict[str, Array]:
    """A dict of finite float arrays keyed by strings. With ``like``, it must hold exactly the
    keys ``prefix + k`` of ``like``, each of the same shape and dtype (a gradient for every
    parameter, an optimizer slot for every parameter)."""
    if not isinstance(d, Mapping):
        raise TypeError(f"{name}: expected a dict of arrays, got {_describe(d)}")
    out: dict[str, Array] = {}
    for key, a in d.items():
        if not isinstance(key, str):
            raise TypeError(f"{name}: expected string keys, got {_describe(key)}")
        out[key] = float_array(f"{name}[{key!r}]", a)
        finite(f"{name}[{key!r}]", out[key])
    if like is not None:
        expected = {prefix + k for k in like}
        for key in sorted(expected - set(out)):
            raise ValueError(f"{name}: expected {key!r} for params[{key[len(prefix):]!r}], got "
                             f"keys {sorted(out)}"[:400])
        for key in sorted(set(out) - expected):
            raise ValueError(f"{name}: unexpected key {key!r}; expected {sorted(expected)}"[:400])
        for k, p in like.items():
            a = out[prefix + k]
            if a.shape != p.shape:
                raise ValueError(f"{name}[{prefix + k!r}]: expected shape {p.shape} like "
                                 f"{k!r}, got {a.shape}")
            if a.dtype != p.dtype:
                raise TypeError(f"{name}[{prefix + k!r}]: expected dtype {p.dtype} like {k!r}, "
                                f"got {a.dtype}; convert it with .astype()")
    return out


def same_dtype(**arrays: Array) -> None:
    """TypeError unless every array has the dtype of the first (float32 and float64 are never
    mixed silently: the result would be float64)."""
    items = list(arrays.items())
    first, a0 = items[0]
    for name, a in items[1:]:
        if a.dtype != a0.dtype:
            raise TypeError(f"{name}: expected dtype {a0.dtype} like {first}, got {a.dtype}; "
                            f"convert one side with .astype()")


def finite_result(name: str, formula: Callable[..., Any], *args: Any) -> Any:
    """``formula(*args)`` without NumPy warnings; ValueError if any array it returns holds NaN
    or inf; every array returned read-only."""
    with np.errstate(all="ignore"):
        out = formula(*args)
    parts = out if isinstance(out, tuple) else (out,)
    if not all(np.isfinite(a).all() for a in parts):
        raise ValueError(f"{name}: the result overflowed (NaN or inf) for these inputs; they are "
                         f"too large for {parts[0].dtype} arithmetic")
    if isinstance(out, tuple):
        return tuple(frozen(a) for a in out)
    return frozen(out)


def finite(name: str, a: Array) -> None:
    """ValueError if ``a`` holds NaN or inf, saying how many and where the first is."""
    ok = np.isfinite(a)
    if not ok.all():
        bad = np.argwhere(~ok)
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name}: expected finite values, got {len(bad)} NaN or inf entries "
            f"(first at index {first}: {a[first]})"
        )


def positive_int(name: str, v: Any, *, minimum: int = 1, maximum: int | None = None) -> int:
    """An int in [minimum, maximum] (bools refused)."""
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{name}: expected an integer >= {minimum}, got {_describe(v)}")
    if v < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {v}")
    if maximum is not None and v > maximum:
        raise ValueError(f"{name}: expected an integer <= {maximum}, got {v}")
    return int(v)


def seed(v: Any) -> Any:
    """A seed for ``np.random.default_rng``: a non-negative integer (or a sequence of them, where
    the caller allows it). Returned unchanged."""
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
        raise TypeError(f"seed: expected a non-negative integer, got {_describe(v)}")
    return v


def seeds(v: Any) -> None:
    """A seed, or a non-empty sequence of seeds (NumPy's SeedSequence entropy, e.g. (seed, e))."""
    if isinstance(v, (list, tuple)):
        if not v:
            raise ValueError("seed: expected a non-negative integer or a non-empty sequence of "
                             "them, got an empty sequence")
        for s in v:
            seed(s)
    else:
        seed(v)


def columns_like(name: str, a: Any, X: Array) -> None:
    """A plain 2-D array with as many columns (examples) as X."""
    if not isinstance(a, np.ndarray) or type(a) is not np.ndarray:
        raise TypeError(f"{name}: expected a NumPy array, got {_describe(a)}")
    if a.ndim != 2 or a.shape[1] != X.shape[1]:
        raise ValueError(f"{name}: expected a 2-D array with m = {X.shape[1]} columns like X, "
                         f"got shape {a.shape}")


def real(name: str, v: Any, what: str) -> float:
    """A finite real number as a float (Python or NumPy scalar; bools refused)."""
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected {what}, got {_describe(v)}")
    try:
        f = float(v)
    except OverflowError:  # an int beyond float range, e.g. 10**400
        raise ValueError(f"{name}: expected {what}, got an integer too large for a float") from None
    if not math.isfinite(f):
        raise ValueError(f"{name}: expected {what}, got {v}")
    return f


def positive_float(name: str, v: Any) -> float:
    """A finite float > 0."""
    f = real(name, v, "a positive finite number")
    if f <= 0:
        raise ValueError(f"{name}: expected a positive finite number, got {v}")
    return f


def nonnegative_float(name: str, v: Any) -> float:
    """A finite float >= 0."""
    f = real(name, v, "a finite number >= 0")
    if f < 0:
        raise ValueError(f"{name}: expected a finite number >= 0, got {v}")
    return f


def fraction(name: str, v: Any, *, closed_right: bool = False) -> float:
    """A float in [0, 1) (or [0, 1] with ``closed_right``): decay rates, betas, rho."""
    f = real(name, v, "a number in [0, 1" + ("]" if closed_right else ")"))
    if f < 0 or f > 1 or (f == 1 and not closed_right):
        raise ValueError(f"{name}: expected a number in [0, 1{']' if closed_right else ')'}, "
                         f"got {v}")
    return f


def allocation(name: str, n_elements: int, itemsize: int = 8) -> None:
    """ValueError if an array of ``n_elements`` would exceed ``MAX_ARRAY_BYTES``."""
    if n_elements * itemsize > MAX_ARRAY_BYTES:
        raise ValueError(f"{name}: asks for {n_elements:,} numbers ({n_elements * itemsize:,} "
                         f"bytes), more than mlp_fn allocates ({MAX_ARRAY_BYTES:,} bytes)")


def float_dtype(name: str, dtype: Any) -> np.dtype[Any]:
    """float32 or float64, from anything ``np.dtype`` understands."""
    try:
        dt: np.dtype[Any] = np.dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected float32 or float64, got {_describe(dtype)}") from None
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"{name}: expected float32 or float64, got {dt}")
    return dt


def layer_dims(dims: Any) -> list[int]:
    """[n0, n1, ..., nL] with L >= 1 and every n >= 1."""
    if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence):
        raise TypeError(f"layer_dims: expected a sequence of layer sizes [n0, n1, ..., nL], "
                        f"got {_describe(dims)}")
    if len(dims) < 2:
        raise ValueError(f"layer_dims: expected at least two sizes (input and output), "
                         f"got {list(dims)}")
    out = []
    for l, n in enumerate(dims):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"layer_dims: expected integer sizes, got {_describe(n)} at position {l}")
        if n < 1:
            raise ValueError(f"layer_dims: expected every size >= 1, got {n} at position {l} "
                             f"in {list(dims)}"[:300])
        out.append(int(n))
    allocation("layer_dims", sum(a * b + a for a, b in zip(out[1:], out[:-1])))
    return out


#: Per layer, the keys a params dict may hold: the plain layer's W and b, or a normalised
#: hidden layer's W, gamma and beta (no b: beta takes its role), with mu and sigma2 (the running
#: statistics) for batch normalisation.
_LAYER_KINDS = ({"W", "b"}, {"W", "gamma", "beta"}, {"W", "gamma", "beta", "mu", "sigma2"})


def params(p: Any) -> int:
    """Check W1, b1, ..., WL, bL (or, for a normalised hidden layer, gamma{l}, beta{l} in place of
    b{l}, and mu{l}, sigma2{l} for batch normalisation): nothing missing or extra, shapes
    chained, one float dtype, finite values. Returns L."""
    if not isinstance(p, Mapping):
        raise TypeError(f"params: expected a dict of arrays {{'W1', 'b1', ...}}, got {_describe(p)}")
    layers: dict[int, set[str]] = {}
    for key in p:
        match = _PARAM_KEY.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            raise ValueError(f"params: unexpected key {key!r}; expected only 'W1', 'b1', ..., "
                             f"'WL', 'bL' (and gamma, beta, mu, sigma2 of normalised layers)"
                             [:300])
        layers.setdefault(int(match.group(2)), set()).add(match.group(1))
    if not layers:
        raise ValueError("params: expected 'W1', 'b1', ..., got an empty dict")
    L = max(layers)
    for l in range(1, L + 1):
        kinds = layers.get(l, set())
        if l < L and "b" not in kinds and kinds & {"gamma", "beta", "mu", "sigma2"}:
            expected = _LAYER_KINDS[2] if kinds & {"mu", "sigma2"} else _LAYER_KINDS[1]
        else:
            expected = _LAYER_KINDS[0]
        for kind in sorted(expected - kinds):
            raise ValueError(f"params: missing key '{kind}{l}' (the keys present are "
                             f"{sorted(p)}; a network of depth L needs W1..WL and b1..bL, or "
                             f"gamma{{l}}, beta{{l}} for a normalised hidden layer)"[:400])
        for kind in sorted(kinds - expected):
            raise ValueError(f"params: unexpected key '{kind}{l}' (layer {l} has "
                             f"{sorted(kinds)}; only hidden layers can be normalised, and a "
                             f"normalised layer has gamma and beta in place of b)"[:400])
    dtype = None
    n_prev = None
    for l in range(1, L + 1):
        W = matrix(f"params['W{l}']", p[f"W{l}"], "(n[l], n[l-1])")
        if dtype is None:
            dtype = W.dtype
        if n_prev is not None and W.shape[1] != n_prev:
            raise ValueError(f"params['W{l}']: expected shape (n[{l}], {n_prev}) to follow "
                             f"W{l - 1} of shape {p[f'W{l - 1}'].shape}, got {W.shape}")
        for kind in sorted(layers[l] - {"W"}):
            key = f"{kind}{l}"
            a = matrix(f"params[{key!r}]", p[key], f"({W.shape[0]}, 1)")
            if a.dtype != dtype:
                raise TypeError(f"params: expected one float dtype for every array, got "
                                f"{dtype} for 'W1' and {a.dtype} for {key!r}")
            if a.shape != (W.shape[0], 1):
                raise ValueError(f"params[{key!r}]: expected shape ({W.shape[0]}, 1) to match "
                                 f"W{l} of shape {W.shape}, got {a.shape}")
        if W.dtype != dtype:
            raise TypeError(f"params: expected one float dtype for every array, got {dtype} for "
                            f"'W1' and {W.dtype} for 'W{l}'")
        if "sigma2" in layers[l] and (p[f"sigma2{l}"] < 0).any():
            raise ValueError(f"params['sigma2{l}']: expected variances >= 0")
        n_prev = W.shape[0]
    return L


#: The suffix that declares a residual connection: 'relu+residual' is A[l] = relu(Z[l]) + A[l-1].
RESIDUAL = "+residual"


def activation_spec(spec: Any) -> ActivationSpec:
    """A registered name (canonical form returned) or a reader's own from custom_activation."""
    if isinstance(spec, Mapping):
        if set(spec) != set(CustomActivation.__annotations__) or not all(
                callable(spec[k]) for k in ("g", "derivative", "backward")):
            raise TypeError(f"activation: expected a name or what custom_activation returns, "
                            f"got a dict with keys {sorted(map(str, spec))}"[:300])
        custom: CustomActivation = spec  # type: ignore[assignment]
        return custom
    return canonical_activation(spec)


def _activation_entry(spec: Any, l: int, L: int, p: Mapping[str, Array] | None) -> ActivationSpec:
    """One layer's entry: an activation name, or name + '+residual' for a hidden layer whose
    input and output widths match, or a reader's own. Returns the canonical form."""
    if not isinstance(spec, str):
        return activation_spec(spec)  # a custom one, or the TypeError naming 'activation'
    base, plus, extra = spec.partition("+")
    name = canonical_activation(base)
    if not plus:
        return name
    if extra.strip().lower() not in ("residual", "res"):
        raise ValueError(f"activations: {spec!r} in layer {l}: the only suffix is '+residual'")
    if l == L:
        raise ValueError(f"activations: {spec!r}: the output layer (layer {L}) cannot be "
                         f"residual; only hidden layers add their input")
    if p is not None and p[f"W{l}"].shape[0] != p[f"W{l}"].shape[1]:
        raise ValueError(f"activations: {spec!r} in layer {l} adds A[{l - 1}] to A[{l}], which "
                         f"needs equal widths; W{l} has shape {p[f'W{l}'].shape}")
    return name + RESIDUAL


def name_list(arg: str, value: Any, n: int, each: str) -> list[Any]:
    """A sequence of exactly n names (``each`` says what they stand for), as a list."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{arg}: expected a sequence of {n} names, {each}, got "
                        f"{_describe(value)}")
    if len(value) != n:
        raise ValueError(f"{arg}: expected {n} names, {each}, got {len(value)}: "
                         f"{list(value)[:10]}")
    return list(value)


def activations(names: Any, L: int,
                p: Mapping[str, Array] | None = None) -> list[ActivationSpec]:
    """One known activation name per layer, softmax only in the last (and over more than one
    unit, when the checked params ``p`` are given). Returns canonical names."""
    names = name_list("activations", names, L, "one per layer of params")
    out = [_activation_entry(n, l, L, p) for l, n in enumerate(names, start=1)]
    for l, name in enumerate(out[:-1], start=1):
        if isinstance(name, str) and name.partition("+")[0] in OUTPUT_ONLY:
            raise ValueError(f"activations: {name!r} normalises over a whole layer and is allowed "
                             f"only in the output layer, got it in layer {l} of {L}")
    last = out[-1]
    if p is not None and isinstance(last, str) and last in OUTPUT_ONLY and \
            p[f"W{L}"].shape[0] == 1:
        raise ValueError(f"activations: softmax over a single output unit is 1 for every example; "
                         f"give layer {L} one unit per class (K >= 2), or use sigmoid with bce "
                         f"for a binary output")
    return out


def loss_for(loss: Any, output_activation: ActivationSpec) -> str:
    """A known loss that fits the output activation. Returns the canonical name."""
    name = canonical_loss(loss)
    required = LOSSES[name]["output"]
    if required is not None and output_activation != required:
        got = output_activation if isinstance(output_activation, str) else \
            f"the custom {output_activation['name']!r}"
        raise ValueError(f"loss: {loss!r} expects a {required!r} output layer, got {got!r} "
                         f"(pair sigmoid with bce, softmax with cce)")
    # softmax with a squared error is legal: its backward step uses softmax's Jacobian.
    if output_activation == "softmax" and name == "bce":
        raise ValueError("loss: 'bce' needs independent probabilities; with a softmax output "
                         "use 'cce'")
    return name


def inputs(X: Any, n_x: int, dtype: np.dtype[Any]) -> Array:
    """X of shape (n_x, m), m >= 1, finite, of the params' dtype."""
    X = matrix("X", X, f"({n_x}, m)")
    if X.shape[0] != n_x:
        hint = ""
        if X.shape[1] == n_x:
            hint = ("; it looks like one example per row: the course layout has one example per "
                    "column, so pass X.T")
        raise ValueError(f"X: expected shape ({n_x}, m) (n_x = {n_x} features, from W1), "
                         f"got {X.shape}{hint}")
    if X.shape[1] == 0:
        raise ValueError("X: expected at least one example (m >= 1), got m = 0")
    if X.dtype != dtype:
        raise TypeError(f"X: expected dtype {dtype} like the params, got {X.dtype}; convert one "
                        f"side with .astype() so the whole computation has one precision")
    out: Array = X
    return out


def targets(Y: Any, n_y: int, m: int, loss: str, dtype: np.dtype[Any]) -> Array:
    """Y of shape (n_y, m) fitting the loss, returned as a read-only array of ``dtype``.

    Integer and boolean labels are accepted (and converted): labels are naturally integers.
    """
    if not isinstance(Y, np.ndarray) or Y.dtype.kind not in "fiub":
        raise TypeError(f"Y: expected a NumPy array of numbers, got {_describe(Y)}")
    if Y.ndim != 2:
        hint = ""
        if Y.ndim == 1:
            hint = "; a 1-D vector of labels becomes the course layout with Y.reshape(1, -1)"
        raise ValueError(f"Y: expected a 2-D array of shape ({n_y}, {m}), got shape {Y.shape}{hint}")
    if Y.shape != (n_y, m):
        hint = ""
        if Y.shape == (m, n_y):
            hint = "; it looks like one example per row: pass Y.T"
        elif loss == "cce" and Y.shape[0] == 1:
            hint = "; cce needs one-hot targets of shape (K, m): see mlp_fn.one_hot"
        raise ValueError(f"Y: expected shape ({n_y}, {m}) (n_y from the last layer, m from X), "
                         f"got {Y.shape}{hint}")
    Yf = cast("Y", Y, dtype)
    finite("Y", Yf)
    if loss == "bce" and not np.isin(Yf, (0.0, 1.0)).all():
        bad = Yf[~np.isin(Yf, (0.0, 1.0))]
        raise ValueError(f"Y: bce expects labels in {{0, 1}}, got {bad.size} other values "
                         f"(e.g. {bad.flat[0]})")
    if loss == "cce":
        onehot = np.isin(Yf, (0.0, 1.0)).all() and bool((Yf.sum(axis=0) == 1).all())
        if not onehot:
            raise ValueError("Y: cce expects one-hot columns (a single 1 per column, zeros "
                             "elsewhere); build them from class indices with mlp_fn.one_hot")
    return Yf


def sample_weight(w: Any, m: int, dtype: np.dtype[Any]) -> Array:
    """Sample weights of shape (m,) or (1, m), finite, >= 0, not all 0: as a (1, m) row of
    ``dtype``."""
    a = float_array("sample_weight", w) if isinstance(w, np.ndarray) and w.dtype.kind == "f" \
        else None
    if a is None:
        if not isinstance(w, np.ndarray) or type(w) is not np.ndarray or w.dtype.kind not in "iub":
            raise TypeError(f"sample_weight: expected a NumPy array of m = {m} numbers, got "
                            f"{_describe(w)}")
        a = w.astype(np.float64)
    if a.shape not in ((m,), (1, m)):
        raise ValueError(f"sample_weight: expected shape ({m},) or (1, {m}), one weight per "
                         f"example, got {a.shape}")
    finite("sample_weight", a)
    if (a < 0).any():
        raise ValueError("sample_weight: expected weights >= 0, got a negative one")
    if not a.sum() > 0:
        raise ValueError("sample_weight: expected at least one positive weight, got all 0")
    out: Array = a.reshape(1, m).astype(dtype)
    return out


def keep_prob(v: Any) -> float:
    """Dropout keep probability in (0, 1]."""
    f = real("keep_prob", v, "a number in (0, 1]")
    if not (0.0 < f <= 1.0):
        raise ValueError(f"keep_prob: expected a probability in (0, 1] (1 = no dropout), got {v}")
    return f


def masks(d: Any, p: Mapping[str, Array], m: int) -> dict[str, Array]:
    """Fixed dropout masks {"D1", ..., "D{L-1}"} (any subset), each (n[l], m), params' dtype."""
    if not isinstance(d, Mapping):
        raise TypeError(f"masks: expected a dict {{'D1': ..., }}, got {_describe(d)}")
    L = len(p) // 2
    out = {}
    for key, D in d.items():
        match = re.fullmatch(r"D([1-9][0-9]*)", key) if isinstance(key, str) else None
        if match is None or int(match.group(1)) >= L:
            raise ValueError(f"masks: unexpected key {key!r}; expected hidden layers 'D1'..'D{L - 1}'")
        l = int(match.group(1))
        D = matrix(f"masks[{key!r}]", D, f"({p[f'W{l}'].shape[0]}, {m})")
        if D.shape != (p[f"W{l}"].shape[0], m):
            raise ValueError(f"masks[{key!r}]: expected shape ({p[f'W{l}'].shape[0]}, {m}), "
                             f"got {D.shape}")
        out[key] = cast(f"masks[{key!r}]", D, p["W1"].dtype)
    return out


def cache(c: Any, L: int, AL: Array) -> None:
    """The cache of a forward pass through L layers, ending in AL."""
    if not isinstance(c, Mapping):
        raise TypeError(f"cache: expected the dict returned by forward, got {_describe(c)}")
    needed = ["A0"] + [f"{k}{l}" for l in range(1, L + 1) for k in "ZA"]
    missing = [k for k in needed if k not in c]
    if missing:
        raise ValueError(f"cache: expected the keys forward returns for {L} layers, "
                         f"missing {missing}")
    if c[f"A{L}"].shape != AL.shape:
        raise ValueError(f"cache: its A{L} has shape {c[f'A{L}'].shape}, but AL has {AL.shape}; "
                         f"pass the cache returned together with AL")
