"""Saving and loading a network: NumPy's .npz, never pickle.

The file holds the arrays "W1", "b1", ..., "WL", "bL" as they are (so the round trip is bit-exact;
a normalised layer's gamma, beta and running statistics mu, sigma2 too)
and, as plain string arrays, the architecture: "__activations__" (one name per layer), "__loss__"
and "__format__". Loading uses ``allow_pickle=False``: nothing in a file is ever executed, and a
file that needs pickle is refused.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mlp_fn import validation as check
from mlp_fn._files import read_npz, write_npz
from mlp_fn._freeze import frozen_dict
from mlp_fn._types import ActivationSpec, Array, Params

FORMAT = "mlp_fn-params-1"
_META = ("__activations__", "__loss__", "__format__")


def save_params(path: str | os.PathLike[str], params: Mapping[str, Array],
                activations: Sequence[ActivationSpec], loss: str) -> None:
    """Write params and architecture to ``path`` (exactly that name; .npz is the convention).

    The write is atomic and durable: a temporary file beside the target, fsynced, then renamed
    over it, so an interrupted save never leaves a half-written model where a good one was (see
    ``mlp_fn._files``). A symlink is written through to its target; a path that is a folder,
    device or pipe is refused with a ValueError.
    """
    L = check.params(params)
    acts = check.activations(activations, L, params)
    name = check.loss_for(loss, acts[-1])
    names = _saveable(acts)
    arrays: dict[str, Any] = {k: np.asarray(v) for k, v in params.items()}
    meta: dict[str, Any] = {"__activations__": np.array(names, dtype=str),
                            "__loss__": np.array(name, dtype=str),
                            "__format__": np.array(FORMAT, dtype=str)}
    write_npz(path, {**arrays, **meta})


def _saveable(acts: Sequence[ActivationSpec]) -> list[str]:
    """The activations' names; TypeError for a reader's own, whose functions cannot be saved."""
    custom = [a["name"] for a in acts if not isinstance(a, str)]
    if custom:
        raise TypeError(f"activations: the custom activation {custom[0]!r} is a function, and "
                        f"functions are not saved (that would need pickle); keep its definition "
                        f"with your code and save the params with np.savez, or use a registered "
                        f"activation")
    return [a for a in acts if isinstance(a, str)]


def _expected(name: str, shape: tuple[int, ...], dtype: np.dtype[Any]) -> bool:
    """What a model file holds: 2-D float arrays W{l}, b{l} and the text entries."""
    if name in _META:
        return dtype.kind == "U" and len(shape) <= 1
    return re.fullmatch(r"(W|b|gamma|beta|mu|sigma2)[1-9][0-9]*", name) is not None and \
        len(shape) == 2 and dtype.kind == "f"


def load_params(path: str | os.PathLike[str]) -> tuple[Params, list[str], str]:
    """Read a file written by ``save_params``: (params, activations, loss).

    Raises ValueError for a file that is not a complete, consistent mlp_fn model (truncated,
    corrupted, holding pickled objects, oversized, keys missing or extra, shapes not chained),
    and for a path that is not a regular file; a missing file raises an error that is both a
    FileNotFoundError and a ValueError.
    """
    where = f"path: {os.fspath(path)!r}" if isinstance(path, (str, os.PathLike)) else "path"
    contents = read_npz(path, _expected)
    if "__format__" not in contents:
        raise ValueError(f"{where} is not an mlp_fn model: no '__format__' entry")
    for key in _META:
        if key not in contents or contents[key].dtype.kind != "U":
            raise ValueError(f"{where} is missing its {key!r} string entry")
    fmt = str(contents["__format__"])
    if fmt != FORMAT:
        raise ValueError(f"{where} has format {fmt[:100]!r}; this version reads {FORMAT!r}")
    names = [str(a) for a in np.atleast_1d(contents["__activations__"])]
    loss = str(contents["__loss__"])
    params = {k: v for k, v in contents.items() if k not in _META}
    try:
        L = check.params(params)
        acts = _saveable(check.activations(names, L, params))
        loss = check.loss_for(loss, acts[-1])
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where} holds an inconsistent model: {err}") from err
    return frozen_dict(params), acts, loss
