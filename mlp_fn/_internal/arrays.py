"""Which array library a call computes with, found once at its public entry and passed down.

Every public function of the core looks at the arrays it is given (``backend``): NumPy arrays,
lists and Python numbers mean NumPy (the namespace ``np`` itself); a PyTorch tensor, a CuPy or
JAX array, or an array-api-strict array means that library's array API namespace, as
``array_api_compat`` gives it, on that array's device. Everything below the entry computes
with that ``xp``: ``W @ A + b``, ``xp.sum(dZ, axis=1, keepdims=True)``. Arrays of two
libraries, or on two devices, are refused with the way to move one of them; there is no global
switch.

Crossing to the host and back: ``to_host`` gives a NumPy array of any array (what files,
plots and the model's row data need), ``from_host`` moves a NumPy array (random draws, which
are always made on the host by NumPy's generator so that every library gets the same numbers)
to a backend's library and device, as a copy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, ParamSpec, TypeVar

import array_api_compat as compat
import numpy as np

from mlp_fn._internal.frozen import frozen

__all__ = ["Backend", "NUMPY", "backend", "library", "to_host", "from_host", "dtype_name",
           "hand_back", "hand_back_dict", "is_numpy", "all_finite",
           "is_array", "require", "host_dtype", "default_int", "backend_for", "on_host",
           "host_value", "float64_missing", "from_host_dict", "from_host_list", "stacked"]


class Backend(NamedTuple):
    """The namespace ``xp`` a computation runs in and the device its arrays live on (None for
    NumPy, whose arrays all live in the host's memory)."""

    xp: Any
    device: Any
    name: str  # the library, as error messages name it: 'numpy', 'torch', ...


#: NumPy: the namespace is ``np`` itself (NumPy 2's main namespace is the array API's).
NUMPY = Backend(np, None, "numpy")


def is_array(a: Any) -> bool:
    """Whether ``a`` is an array of a library other than NumPy that the array API covers."""
    return not isinstance(a, (np.ndarray, np.generic, type)) and compat.is_array_api_obj(a)


def library(a: Any) -> str:
    """The library an array comes from ('numpy' for NumPy arrays, lists and numbers)."""
    if not is_array(a):
        return "numpy"
    if compat.is_jax_array(a):  # concrete arrays live in the module jaxlib, traced ones in jax
        return "jax"
    return type(a).__module__.split(".")[0]


def _arrays(named: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every (label, array) in the arguments, looking one level into dicts and pairs."""
    for name, value in named.items():
        if isinstance(value, Mapping):
            for key, a in value.items():
                if isinstance(a, Mapping):  # an optimizer state's slots
                    for k2, a2 in a.items():
                        yield f"{name}[{key!r}][{k2!r}]", a2
                elif a is not None:
                    yield f"{name}[{key!r}]", a
        elif isinstance(value, tuple):
            for i, a in enumerate(value):
                if a is not None:
                    yield f"{name}[{i}]", a
        elif value is not None:
            yield name, value


def _move_hint(label: str, lib: str, to: str, device: Any) -> str:
    """How to move the array ``label`` of library ``lib`` to library ``to`` on ``device``."""
    if to == "numpy":
        return f"np.asarray({label}.cpu())" if lib == "torch" else f"np.asarray({label})"
    if to == "torch":
        if lib == "torch":
            return f"{label}.to({str(device)!r})"
        return f"torch.as_tensor({label}, device={str(device)!r})"
    if to == "jax":
        return f"jax.device_put(jax.numpy.asarray({label}), jax.devices()[...])" \
            if lib == "jax" else f"jax.numpy.asarray({label})"
    return f"{to}.asarray({label}, device=...)"


def backend(**named: Any) -> Backend:
    """The backend of every array among the arguments (dicts of arrays included); NumPy when
    there are none but NumPy arrays, lists and numbers. TypeError for two libraries,
    ValueError for two devices, each saying how to move one of them."""
    first: tuple[str, str, Any, Any] | None = None  # label, library, device, an array
    for label, a in _arrays(named):
        lib = library(a)
        dev = None if lib == "numpy" else compat.device(a)
        if first is None:
            first = (label, lib, dev, a)
            continue
        label0, lib0, dev0, _ = first
        if lib != lib0:
            raise TypeError(f"{label}: expected an array of {lib0} like {label0}, got one of "
                            f"{lib}; compute with one library: move it with "
                            f"{_move_hint(label, lib, lib0, dev0)}")
        if dev != dev0:
            raise ValueError(f"{label}: expected an array on {label0}'s device {dev0}, got one "
                             f"on {dev}; move it with {_move_hint(label, lib, lib0, dev0)}")
    if first is None or first[1] == "numpy":
        return NUMPY
    return Backend(compat.array_namespace(first[3]), first[2], first[1])


def require(b: Backend, **named: Any) -> None:
    """Every array among the arguments of the backend ``b`` (the network's): TypeError for
    another library, ValueError for another device, each saying how to move it."""
    for label, a in _arrays(named):
        lib = library(a)
        if lib != b.name:
            raise TypeError(f"{label}: expected an array of {b.name} like the params, got one "
                            f"of {lib}; compute with one library: move it with "
                            f"{_move_hint(label, lib, b.name, b.device)}")
        dev = None if lib == "numpy" else compat.device(a)
        if dev != b.device:
            raise ValueError(f"{label}: expected an array on the params' device {b.device}, got "
                             f"one on {dev}; move it with "
                             f"{_move_hint(label, lib, b.name, b.device)}")


def backend_for(xp: Any, device: Any) -> Backend:
    """The backend a caller asks for by its namespace (``torch``, ``cupy``, ``jax.numpy``,
    ``array_api_strict``, or their array_api_compat wrappers; None: NumPy) and device (None:
    the library's default)."""
    if xp is None or xp is np or xp is getattr(compat, "numpy", None):
        if device not in (None, "cpu"):
            raise ValueError(f"device: NumPy arrays live in the host's memory ('cpu'), got "
                             f"{short(device)}; pass xp= the library of that device, e.g. "
                             f"xp=torch")
        return NUMPY
    if not callable(getattr(xp, "asarray", None)):
        hint = ""
        if isinstance(xp, str) and xp.replace(".", "").isidentifier() and len(xp) < 30:
            # a library's name, where its module is asked for
            hint = ("; for NumPy leave xp out" if xp == "numpy" else
                    f"; pass the module itself: import {xp}, then xp={xp}")
        raise TypeError(f"xp: expected an array library's namespace (torch, cupy, jax.numpy, "
                        f"array_api_strict; NumPy when xp is left out), got {short(xp)}{hint}")
    try:
        probe = xp.asarray(0, device=device)
    except Exception as err:  # the library's own complaint about the device, passed on
        raise ValueError(f"device: {xp.__name__} has no device {short(device)}: "
                         f"{type(err).__name__}: {err}"[:300]) from None
    if not is_array(probe):
        raise TypeError(f"xp: {short(xp)} makes arrays array_api_compat does not know")
    return Backend(compat.array_namespace(probe), compat.device(probe), library(probe))


def short(a: Any) -> str:
    """A repr for a message, cut at 80 characters."""
    try:
        text = repr(a)
    except Exception:  # a user's object: its repr may raise; the message still gets made
        text = f"<{type(a).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def is_numpy(b: Backend) -> bool:
    return b.xp is np


def to_host(a: Any) -> np.ndarray[Any, Any]:
    """``a`` as a NumPy array (shared with ``a`` where the library allows; copy to keep)."""
    if not is_array(a):
        return np.asarray(a)
    if compat.is_torch_array(a):
        out: np.ndarray[Any, Any] = a.detach().cpu().numpy()
        return out
    if compat.is_cupy_array(a):
        return a.get()  # type: ignore[no-any-return]
    try:
        return np.from_dlpack(a)
    except (TypeError, ValueError, RuntimeError, BufferError):
        return np.asarray(a)


def from_host(a: np.ndarray[Any, Any], b: Backend) -> Any:
    """The NumPy array ``a`` in the backend's library, on its device, as a copy of the same
    dtype (``a`` is cast on the host first; a device without float64 never sees one). A
    float64 array the library would silently make float32 (JAX in its default configuration)
    is a ValueError saying what to do."""
    if is_numpy(b):
        return a
    if a.dtype == np.float64:
        missing = float64_missing(b)
        if missing:
            raise ValueError(f"dtype: float64 asked of {b.name}, but {missing}; or pass "
                             f"dtype='float32'")
    if b.name == "jax":  # device_put: 28 us for 10,000 floats where asarray(device=) takes 300
        import jax

        return jax.device_put(np.array(a, copy=True), b.device)
    return b.xp.asarray(a, dtype=getattr(b.xp, a.dtype.name), device=b.device, copy=True)


def from_host_list(arrays: list[np.ndarray[Any, Any]], b: Backend) -> list[Any]:
    """``from_host`` of every array of a list; on JAX in one transfer (one device_put of the
    list: 200 small arrays move in a fraction of 200 calls' time)."""
    if b.name == "jax" and not any(a.dtype == np.float64 and float64_missing(b)
                                   for a in arrays):
        import jax

        moved: list[Any] = jax.device_put([np.array(a, copy=True) for a in arrays], b.device)
        return moved
    return [from_host(a, b) for a in arrays]


def stacked(arrays: Sequence[Any], b: Backend) -> Any:
    """The arrays (of one shape and dtype) stacked on a new leading axis. JAX arrays in the
    host's memory are stacked by NumPy and moved once: 0.2 ms for 200 small arrays, where
    jax.numpy.stack takes 0.6."""
    if b.name == "jax" and all(_on_cpu(a) for a in arrays):
        import jax

        return jax.device_put(np.stack([np.asarray(a) for a in arrays]), b.device)
    return b.xp.stack(list(arrays))


def from_host_dict(d: Mapping[str, np.ndarray[Any, Any]], b: Backend) -> dict[str, Any]:
    """``from_host`` of every array of a dict, in a new dict."""
    return {k: from_host(a, b) for k, a in d.items()}


def float64_missing(b: Backend) -> str | None:
    """Why the backend cannot compute in float64 (JAX without ``jax_enable_x64``, a device
    without float64), or None where it can; the caller says what else the user may do."""
    if b.name == "jax":
        import jax

        if not getattr(jax.config, "jax_enable_x64"):  # JAX's switch, read where it is
            return ("JAX makes float64 into float32 unless told otherwise: run "
                    "jax.config.update('jax_enable_x64', True) at the start of the program "
                    "(or set JAX_ENABLE_X64=1)")
        return None
    if is_numpy(b):
        return None
    return _device_float64_missing(b)


@functools.lru_cache(maxsize=16)
def _device_float64_missing(b: Backend) -> str | None:
    """``float64_missing`` of a library other than NumPy and JAX, asked once per device."""
    try:
        probe = b.xp.asarray(0.0, dtype=b.xp.float64, device=b.device)
    except Exception as err:  # the library's refusal, whatever its type
        return f"its device {b.device} has no float64 ({type(err).__name__})"
    if probe.dtype != b.xp.float64:
        return f"it gave {dtype_name(probe.dtype)}"
    return None


def dtype_name(dtype: Any) -> str:
    """'float32', 'float64', 'int64', ...: a dtype named without its library."""
    if isinstance(dtype, np.dtype):
        return dtype.name
    return str(dtype).rsplit(".", 1)[-1]


def default_int(xp: Any) -> Any:
    """The integer dtype of the namespace ``xp`` for labels and counts: its default (int64;
    int32 on JAX without x64, which would truncate an int64 asked of it, with a warning)."""
    if xp is np:
        return np.int64
    return xp.__array_namespace_info__().default_dtypes()["integral"]


def host_dtype(dtype: Any) -> np.dtype[Any]:
    """The NumPy dtype of the same name (what host-side draws are made in)."""
    return np.dtype(dtype_name(dtype))


def all_finite(a: Any, xp: Any) -> bool:
    """Whether every entry of ``a`` is finite."""
    if xp is np:
        return bool(np.isfinite(a).all())
    if compat.is_jax_array(a):
        if _on_cpu(a):  # NumPy reads it in place: 2-13 us where a compiled call takes 8-50
            return bool(np.isfinite(np.asarray(a)).all())
        return bool(_jax_all_finite()(a))  # on an accelerator, only the answer comes back
    return bool(xp.all(xp.isfinite(a)))


def _on_cpu(a: Any) -> bool:
    """Whether a JAX array lies in the host's memory (NumPy can read it without a copy)."""
    return all(d.platform == "cpu" for d in a.devices())


@functools.cache
def _jax_all_finite() -> Callable[[Any], Any]:
    import jax

    return jax.jit(lambda a: jax.numpy.all(jax.numpy.isfinite(a)))


def hand_back(a: Any, b: Backend, given: Iterable[Any] = ()) -> Any:
    """An array as a public function returns it: on NumPy a read-only view; on another library
    a copy where it would otherwise be one of the caller's own arrays (``given``), so nothing
    returned shares memory with an input."""
    if is_numpy(b):
        return frozen(a)
    if any(a is g for g in given):
        return b.xp.asarray(a, copy=True)
    return a


def hand_back_dict(d: Mapping[str, Any], b: Backend, given: Iterable[Any] = ()) -> dict[str, Any]:
    """``hand_back`` of every array of a dict, in a new dict."""
    if is_numpy(b):
        return {k: frozen(v) for k, v in d.items()}
    ids = {id(g) for g in given}
    return {k: b.xp.asarray(v, copy=True) if id(v) in ids else v for k, v in d.items()}


def host_value(v: Any) -> Any:
    """``v`` with every array of another library in it (alone, or in a dict or a tuple) replaced
    by a NumPy copy; ``v`` itself where it holds none."""
    if is_array(v):
        return np.array(to_host(v))
    if isinstance(v, Mapping):
        items = {k: host_value(a) for k, a in v.items()}
        return v if all(items[k] is v[k] for k in items) else {**v, **items}
    if isinstance(v, tuple) and not hasattr(v, "_fields"):
        parts = tuple(host_value(a) for a in v)
        return v if all(p is a for p, a in zip(parts, v)) else parts
    return v


_P = ParamSpec("_P")
_R = TypeVar("_R")


def on_host(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn``, a NumPy tool (the model's row data, plots, worked examples, data helpers), taking
    any library's arrays: each is converted to NumPy at this boundary, as a copy."""

    @functools.wraps(fn)
    def on_numpy(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        return fn(*(host_value(a) for a in args),
                  **{k: host_value(v) for k, v in kwargs.items()})

    return on_numpy
