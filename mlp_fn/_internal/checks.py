"""Checks made once, at the boundary of each public function.

Every failure is a ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, wrong value)
whose message starts with the argument's name, then says what was expected and what was given.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

import array_api_compat as compat

from mlp_fn._internal.arrays import (Backend, NUMPY, all_finite, hand_back, is_array, library,
                                     to_host)
from mlp_fn._internal.types import Array

__all__ = ["FLOAT_DTYPES", "MAX_ARRAY_BYTES", "what", "short_repr", "float_array", "matrix",
           "array_dict", "same_dtype", "finite_result", "finite", "positive_int", "seed",
           "seeds", "columns_like", "closest", "real", "step_rate", "positive_float",
           "nonnegative_float", "fraction", "allocation", "float_dtype", "boolean", "name_list",
           "inputs", "sample_weight", "keep_prob"]

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

#: The largest array mlp_fn will allocate on a caller's behalf (parameters, data, masks): 4 GiB.
#: Larger requests are almost surely a mistake (a swapped argument, an extra zero) and would end
#: in MemoryError or in the machine swapping; they are refused with a ValueError instead.
MAX_ARRAY_BYTES = 2**32


def short_repr(a: Any, limit: int = 100) -> str:
    """``repr(a)``, cut to ``limit`` characters; an object whose ``repr`` raises is named by its
    type, so an error message about it never fails in turn."""
    try:
        text = repr(a)
    except Exception:  # a user's object: whatever its repr raises, the message still gets made
        text = f"<{type(a).__name__} object>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def what(a: Any) -> str:
    """What ``a`` is, in a few words, for an error message: its type and value, or an array's
    dtype and shape (and its library, where it is not NumPy)."""
    if isinstance(a, np.ndarray):
        return f"an array of dtype {a.dtype} and shape {a.shape}"
    if is_array(a):
        return f"a {library(a)} array of dtype {a.dtype} and shape {tuple(a.shape)}"
    if is_pandas(a):
        return f"a pandas {type(a).__name__} of shape {getattr(a, 'shape', '?')}"
    return f"{type(a).__name__} {short_repr(a, 180)}"


_describe = what


def is_pandas(a: Any) -> bool:
    """Whether ``a`` is a pandas object (a DataFrame, a Series, ...), told without importing
    pandas."""
    return type(a).__module__.split(".")[0] == "pandas"


def layout_hint(name: str, a: Any) -> str:
    """For a course function given rows (a pandas DataFrame or Series, or a list of rows), the
    line that makes the course layout of them, one example per column; '' for anything
    else."""
    target = name.startswith("Y")
    if is_pandas(a) and a.__class__.__name__ == "DataFrame":
        return (f"; the course layout has one example per column: write {name} = "
                f"df.to_numpy().T (or use mlp_fn.model, which takes rows as they are)")
    if is_pandas(a):
        return (f"; write {name} = s.to_numpy().reshape(1, -1) for one row of m values (or use "
                f"mlp_fn.model, which takes a label vector as it is)")
    if isinstance(a, list) and a and isinstance(a[0], (list, tuple)) and not target:
        return (f"; a list of rows is one example per row: write {name} = np.array(rows).T (or "
                f"use mlp_fn.model, which takes rows as they are)")
    if isinstance(a, list):
        return f"; write {name} = np.array(values) in the course layout (one example per column)"
    return ""


def _convert_hint(name: str, a: Any, dtype: Any = "float64") -> str:
    """How to make the array ``name`` of dtype ``dtype`` in its own library, as its users
    write it."""
    to = str(dtype).rsplit(".", 1)[-1]
    if isinstance(a, np.ndarray) or not is_array(a):
        return f"{name}.astype(np.{to})"
    lib = library(a)
    if lib == "torch":
        return f"{name}.to(torch.{to})"
    if lib == "jax":
        return f"{name}.astype(jax.numpy.{to})"
    if lib == "cupy":
        return f"{name}.astype(cupy.{to})"
    return f"xp.astype({name}, xp.{to})"


def float_array(name: str, a: Any) -> Array:
    """``a`` as a float32/float64 array of its library (NumPy, or one the array API covers),
    or TypeError (lists, integers, objects are refused, and so are ndarray subclasses: a masked
    array's mask would be ignored, and ``*`` on an np.matrix is a matrix product)."""
    if is_array(a):
        xp = compat.array_namespace(a)
        if a.dtype not in (xp.float32, xp.float64):
            raise TypeError(f"{name}: expected a float32 or float64 array, got dtype {a.dtype}; "
                            f"convert it with {_convert_hint(name, a)}")
        out0: Array = a
        return out0
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name}: expected a NumPy array of float32 or float64, got "
                        f"{_describe(a)}{layout_hint(name, a)}")
    if type(a) is not np.ndarray:
        raise TypeError(f"{name}: expected a plain NumPy array, got {type(a).__name__}; pass "
                        f"np.asarray({name}) (for a masked array, {name}.filled(value))")
    if a.dtype not in FLOAT_DTYPES:
        hint = ""
        if a.dtype.kind in "iub":
            hint = f"; convert it with {_convert_hint(name, a)}"
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
        if arr.ndim == 1 and what.replace(" ", "").endswith(",1)"):  # a column is asked for
            hint = f"; make it a column with {name}.reshape(-1, 1)"
        elif arr.ndim == 1 and what.replace(" ", "").startswith("(1,"):  # a row
            hint = f"; make it a row with {name}.reshape(1, -1)"
        elif arr.ndim == 1:
            hint = (f"; a 1-D vector has no layout: use {name}.reshape(-1, 1) for one example "
                    f"or {name}.reshape(1, -1) for one feature over m examples")
        raise ValueError(f"{name}: expected a 2-D array of shape {what}, got shape "
                         f"{tuple(arr.shape)}{hint}")
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
                                f"got {a.dtype}; convert it with "
                                f"{_convert_hint(f'{name}[{prefix + k!r}]', a, p.dtype)}")
    return out


def same_dtype(**arrays: Array) -> None:
    """TypeError unless every array has the dtype of the first (float32 and float64 are never
    mixed silently: the result would be float64)."""
    items = list(arrays.items())
    first, a0 = items[0]
    for name, a in items[1:]:
        if a.dtype != a0.dtype:
            raise TypeError(f"{name}: expected dtype {a0.dtype} like {first}, got {a.dtype}; "
                            f"convert one side, e.g. {_convert_hint(name, a, a0.dtype)}")


def finite_result(name: str, formula: Callable[..., Any], *args: Any, b: Backend = NUMPY) -> Any:
    """``formula(*args)`` without NumPy warnings; ValueError if any array it returns holds NaN
    or inf; every array returned as public functions return them (``hand_back``)."""
    with np.errstate(all="ignore"):
        out = formula(*args)
    parts = out if isinstance(out, tuple) else (out,)
    if not all(all_finite(a, b.xp) for a in parts):
        raise ValueError(f"{name}: the result overflowed (NaN or inf) for these inputs; they are "
                         f"too large for {parts[0].dtype} arithmetic")
    if isinstance(out, tuple):
        return tuple(hand_back(a, b, args) for a in out)
    return hand_back(out, b, args)


def finite(name: str, a: Array) -> None:
    """ValueError if ``a`` holds NaN or inf, saying how many and where the first is."""
    xp = np if isinstance(a, np.ndarray) else compat.array_namespace(a)
    if all_finite(a, xp):
        return
    host = to_host(a)
    bad = np.argwhere(~np.isfinite(host))
    first = tuple(int(i) for i in bad[0])
    raise ValueError(
        f"{name}: expected finite values, got {len(bad)} NaN or inf entries "
        f"(first at index {first}: {host[first]})"
    )


def scalar(v: Any) -> Any:
    """A 0-d array of numbers (NumPy's, or another library's: a learning rate or a step count
    kept as an array) as the Python number it holds; anything else as it is. Booleans stay
    arrays, to be refused as booleans are."""
    if isinstance(v, np.ndarray) and type(v) is np.ndarray and v.ndim == 0 and \
            v.dtype.kind in "iuf":
        return v.item()
    if is_array(v) and getattr(v, "ndim", None) == 0:
        xp = compat.array_namespace(v)
        if xp.isdtype(v.dtype, "integral"):
            return int(v)
        if xp.isdtype(v.dtype, "real floating"):
            return float(v)
    return v


def positive_int(name: str, v: Any, *, minimum: int = 1, maximum: int | None = None) -> int:
    """An int in [minimum, maximum] (bools refused; a 0-d integer array taken as its int)."""
    v = scalar(v)
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
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"seed: expected a non-negative integer, got {_describe(v)}")
    if v < 0:  # the right type, a value NumPy's generator refuses
        raise ValueError(f"seed: expected a non-negative integer, got {v}")
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
    if not is_array(a) and (not isinstance(a, np.ndarray) or type(a) is not np.ndarray):
        raise TypeError(f"{name}: expected a NumPy array, got {_describe(a)}")
    if a.ndim != 2 or a.shape[1] != X.shape[1]:
        raise ValueError(f"{name}: expected a 2-D array with m = {X.shape[1]} columns like X, "
                         f"got shape {tuple(a.shape)}")


#: What a keyword some other library or course uses means here (and how, where not the same).
_ALIASES = {"lr": ("learning_rate", ""), "alpha": ("learning_rate", ""),
            "eta": ("learning_rate", ""), "n_epochs": ("epochs", ""),
            "num_epochs": ("epochs", ""), "epoch": ("epochs", ""), "l2": ("lambd", ""),
            "lam": ("lambd", ""), "lambda_": ("lambd", ""), "batch_sz": ("batch_size", ""),
            "dropout": ("keep_prob", " (1 minus the dropout rate)")}


def closest(key: str, valid: Sequence[str]) -> str:
    """'; did you mean ...?' for the argument ``key`` most likely stands for, or ''."""
    import difflib

    alias, note = _ALIASES.get(key, ("", ""))
    if alias in valid:
        return f"; did you mean {alias!r}{note}?"
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def real(name: str, v: Any, what: str) -> float:
    """A finite real number as a float (Python or NumPy scalar, or a 0-d array of any library;
    bools refused)."""
    v = scalar(v)
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected {what}, got {_describe(v)}")
    try:
        f = float(v)
    except OverflowError:  # an int beyond float range, e.g. 10**400
        raise ValueError(f"{name}: expected {what}, got an integer too large for a float") from None
    if not math.isfinite(f):
        raise ValueError(f"{name}: expected {what}, got {v}")
    return f


def step_rate(name: str, v: Any) -> float:
    """The learning rate of one step: a finite float > 0. A schedule (epoch -> alpha), which
    only ``train`` takes, is refused with what to pass instead."""
    if callable(v):
        called = getattr(v, "__qualname__", type(v).__name__)
        raise TypeError(f"{name}: expected a positive finite number, the rate of this one step, "
                        f"got a function {str(called)[:60]}; a schedule gives one rate per "
                        f"epoch: pass schedule(epoch), or train(..., learning_rate=schedule), "
                        f"which calls it")
    return positive_float(name, v)


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
        # another library's dtype (torch.float32, ...): the NumPy dtype of its name
        spelled = str(dtype).rsplit(".", 1)[-1] if type(dtype).__module__.split(".")[0] in (
            "torch", "cupy", "jax", "jaxlib", "array_api_strict") else None
        if spelled not in ("float32", "float64"):
            raise TypeError(f"{name}: expected float32 or float64, got "
                            f"{_describe(dtype)}") from None
        dt = np.dtype(spelled)
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"{name}: expected float32 or float64, got {dt}")
    return dt


def boolean(name: str, v: Any) -> bool:
    """True or False (NumPy's bool too); an array, whose truth is ambiguous, is refused."""
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {what(v)}")
    return bool(v)


def name_list(arg: str, value: Any, n: int, each: str) -> list[Any]:
    """A sequence of exactly n names (``each`` says what they stand for), as a list."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{arg}: expected a sequence of {n} names, {each}, got "
                        f"{_describe(value)}")
    if len(value) != n:
        raise ValueError(f"{arg}: expected {n} names, {each}, got {len(value)}: "
                         f"{list(value)[:10]}")
    return list(value)


def _is_whole(a: Any, xp: Any) -> bool:
    """Whether ``a`` holds integers or booleans (numbers the course takes as inputs)."""
    if isinstance(a, np.ndarray):
        return type(a) is np.ndarray and a.dtype.kind in "iub"
    return is_array(a) and bool(xp.isdtype(a.dtype, ("integral", "bool")))


def inputs(X: Any, n_x: int, dtype: Any, b: Backend = NUMPY) -> Array:
    """X of shape (n_x, m), m >= 1, finite, of the params' dtype. Integer and boolean inputs
    (the chapter's pixel counts, 0/1 features) are taken as numbers, in the params' dtype."""
    if _is_whole(X, b.xp):
        with np.errstate(over="ignore"):
            X = b.xp.astype(X, dtype)
    X = matrix("X", X, f"({n_x}, m)")
    if X.shape[0] != n_x:
        hint = ""
        if X.shape[1] == n_x:
            hint = ("; it looks like one example per row: the course layout has one example per "
                    "column, so pass X.T")
        raise ValueError(f"X: expected shape ({n_x}, m) (n_x = {n_x} features, from W1), "
                         f"got {tuple(X.shape)}{hint}")
    if X.shape[1] == 0:
        raise ValueError("X: expected at least one example (m >= 1), got m = 0")
    if X.dtype != dtype:
        raise TypeError(f"X: expected dtype {dtype} like the params, got {X.dtype}; convert one "
                        f"side ({_convert_hint('X', X, dtype)}) so the whole computation has "
                        f"one precision")
    out: Array = X
    return out


def sample_weight(w: Any, m: int, dtype: Any, b: Backend = NUMPY) -> Array:
    """Sample weights of shape (m,) or (1, m), finite, >= 0, not all 0: as a (1, m) row of
    ``dtype``."""
    xp = b.xp
    if _is_whole(w, xp):
        a = xp.astype(w, xp.float64 if xp is np else dtype)
    elif is_array(w) or (isinstance(w, np.ndarray) and w.dtype.kind == "f"):
        a = float_array("sample_weight", w)
    else:
        raise TypeError(f"sample_weight: expected a NumPy array of m = {m} numbers, got "
                        f"{_describe(w)}")
    if tuple(a.shape) not in ((m,), (1, m)):
        raise ValueError(f"sample_weight: expected shape ({m},) or (1, {m}), one weight per "
                         f"example, got {tuple(a.shape)}")
    finite("sample_weight", a)
    if bool(xp.any(a < 0)):
        raise ValueError("sample_weight: expected weights >= 0, got a negative one")
    if not bool(xp.sum(a) > 0):
        raise ValueError("sample_weight: expected at least one positive weight, got all 0")
    out: Array = xp.astype(xp.reshape(a, (1, m)), dtype)
    return out


def keep_prob(v: Any) -> float:
    """Dropout keep probability in (0, 1]."""
    f = real("keep_prob", v, "a number in (0, 1]")
    if not (0.0 < f <= 1.0):
        raise ValueError(f"keep_prob: expected a probability in (0, 1] (1 = no dropout), got {v}")
    return f


