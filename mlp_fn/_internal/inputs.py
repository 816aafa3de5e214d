"""What the element-wise math accepts: whatever the textbook passes (Python numbers, lists,
integer arrays), made into a float array once, at the boundary; and what it hands back.

The bare formulas of ``activations`` and ``losses`` are what ``forward``, ``backward`` and
``train`` call on arrays they have already checked; the public functions of the same names go
through ``real_array`` first and ``result`` last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mlp_fn._internal.frozen import frozen
from mlp_fn._internal.types import Array

__all__ = ["real_array", "cast", "result"]

_KEPT = (np.dtype(np.float32), np.dtype(np.float64))


def _describe(a: Any) -> str:
    if isinstance(a, np.ndarray):
        return f"an array of dtype {a.dtype} and shape {a.shape}"
    return f"{type(a).__name__} {a!r}"[:200]


def real_array(name: str, a: Any) -> Array:
    """``a`` as a finite float array: float32 and float64 kept, Python numbers, lists, integer
    and boolean arrays (and float16) made float64. Complex, object, string, masked arrays and
    NaN/inf are refused with an error naming ``name``."""
    if isinstance(a, np.ma.MaskedArray):
        raise TypeError(f"{name}: masked arrays are not supported (the mask would be ignored); "
                        f"pass {name}.filled(value) or {name}.compressed()")
    if isinstance(a, (str, bytes)):
        raise TypeError(f"{name}: expected numbers, got {_describe(a)}")
    try:
        arr = np.asarray(a)  # also turns an np.matrix into a plain array: '*' stays element-wise
    except (ValueError, TypeError) as err:
        raise TypeError(f"{name}: expected numbers (a number, list or array), got "
                        f"{_describe(a)}: {err}") from None
    if type(arr) is not np.ndarray:
        arr = np.array(arr)
    if arr.dtype not in _KEPT:
        if arr.dtype.kind not in "biuf" or arr.dtype.itemsize > 8:
            raise TypeError(f"{name}: expected real numbers (float32 or float64, or integers), "
                            f"got {_describe(a)}")
        with np.errstate(over="ignore"):
            arr = arr.astype(np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        bad = np.argwhere(~finite)
        where = tuple(int(i) for i in bad[0])
        raise ValueError(f"{name}: expected finite values, got {len(bad)} NaN or inf entries "
                         f"(first at index {where}: {arr[where]})")
    out: Array = arr
    return out


def cast(name: str, a: Array, dtype: Any) -> Array:
    """``a`` in ``dtype`` (float64 values beyond float32's range are refused, not made inf)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out: Array = a.astype(dtype, copy=False)
    if not np.isfinite(out).all() and np.isfinite(a).all():  # NaN given is the caller's to name
        raise ValueError(f"{name}: values too large for {np.dtype(dtype)} (the largest is "
                         f"{np.finfo(dtype).max:.3g})")
    return out


def result(name: str, formula: Callable[..., Array], *args: Any) -> Array:
    """``formula(*args)`` computed without NumPy warnings, refused if it overflowed, read-only."""
    with np.errstate(all="ignore"):
        out = np.asarray(formula(*args))
    if not np.isfinite(out).all():
        raise ValueError(f"{name}: the result overflowed to inf for these inputs (the largest "
                         f"{out.dtype} is {np.finfo(out.dtype).max:.3g})")
    return frozen(out)
