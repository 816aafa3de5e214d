"""What the element-wise math accepts: whatever the textbook passes (Python numbers, lists,
integer arrays), made into a float array once, at the boundary; and what it hands back.

``real_array`` and ``cast`` are the rules ``mlp_fn._internal.boundary`` applies to such
arguments (``real``, ``like``) before a course function's body sees them.
"""

from __future__ import annotations

from typing import Any

import array_api_compat as compat
import numpy as np

from mlp_fn._internal.arrays import all_finite, is_array
from mlp_fn._internal.checks import finite, is_pandas, short_repr, what
from mlp_fn._internal.types import Array

__all__ = ["real_array", "cast"]

_KEPT = (np.dtype(np.float32), np.dtype(np.float64))


def _describe(a: Any) -> str:
    """What ``a`` is (``checks.what``), and for pandas data that are not all numbers, which
    columns are not and what they hold (a DataFrame's repr would be cut off before them)."""
    if not (is_pandas(a) and getattr(a, "ndim", 0) in (1, 2) and hasattr(a, "dtypes") and len(a)):
        return what(a)
    series = [(None, a)] if a.ndim == 1 else list(a.items())
    text = [(c, s) for c, s in series if getattr(s.dtype, "kind", "O") not in "biuf"]
    missing = [(c, s) for c, s in series if getattr(s.dtype, "kind", "O") in "biuf"
               and bool(s.isna().any())]  # pandas' nullable integers: pd.NA is no number
    bad = text or missing
    if not bad:
        return what(a)
    if a.ndim == 1:
        found = (f" of {a.dtype}, not numbers (e.g. {short_repr(a.iloc[0], 40)})" if text else
                 f" of {a.dtype} with missing values (pd.NA)")
    else:
        one = len(bad) == 1
        named = ", ".join(f"{short_repr(c, 40)} ({s.dtype}"
                          + (f", e.g. {short_repr(s.iloc[0], 40)})" if text else ")")
                          for c, s in bad[:3])
        named += f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        found = (f" whose column{'' if one else 's'} {named} "
                 + (("is" if one else "are") + " not numbers" if text else
                    ("has" if one else "have") + " missing values (pd.NA)"))
    remedy = (("encode it" if a.ndim == 1 else "drop such columns or encode them") + " as "
              "numbers (pandas.get_dummies makes a 0/1 column per category)" if text else
              "fill them (fillna) or drop those rows (dropna)")
    return f"{what(a)}{found}; {remedy}"


def _library_array(name: str, a: Any) -> Array:
    """An array of another library: float32 and float64 kept, integers and booleans made
    float64 in that library."""
    xp = compat.array_namespace(a)
    if a.dtype not in (xp.float32, xp.float64):
        if not xp.isdtype(a.dtype, ("integral", "bool")):
            raise TypeError(f"{name}: expected real numbers (float32 or float64, or integers), "
                            f"got {_describe(a)}")
        a = xp.astype(a, xp.float64)
    finite(name, a)
    out: Array = a
    return out


def real_array(name: str, a: Any) -> Array:
    """``a`` as a finite float array: float32 and float64 kept, Python numbers, lists, integer
    and boolean arrays (and float16) made float64. Complex, object, string, masked arrays and
    NaN/inf are refused with an error naming ``name``. An array of another library (PyTorch,
    CuPy, ...) stays in it."""
    if is_array(a):
        return _library_array(name, a)
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
    finite(name, arr)
    out: Array = arr
    return out


def cast(name: str, a: Array, dtype: Any) -> Array:
    """``a`` in ``dtype`` (float64 values beyond float32's range are refused, not made inf)."""
    xp = np if isinstance(a, np.ndarray) else compat.array_namespace(a)
    if a.dtype == dtype:
        return a
    with np.errstate(over="ignore", invalid="ignore"):
        out: Array = xp.astype(a, dtype)
    if not all_finite(out, xp) and all_finite(a, xp):  # NaN given is the caller's to name
        raise ValueError(f"{name}: values too large for {dtype} (the largest is "
                         f"{xp.finfo(dtype).max:.3g})")
    return out
