"""Saving and loading a network: NumPy's .npz, never pickle.

The file holds the arrays "W1", "b1", ..., "WL", "bL" as they are (so the round trip is bit-exact)
and, as plain string arrays, the architecture: "__activations__" (one name per layer), "__loss__"
and "__format__". Loading uses ``allow_pickle=False``: nothing in a file is ever executed, and a
file that needs pickle is refused.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mlp_fn import validation as check
from mlp_fn._freeze import frozen_dict
from mlp_fn._types import Array, Params

FORMAT = "mlp_fn-params-1"
_META = ("__activations__", "__loss__", "__format__")


def save_params(path: str | os.PathLike[str], params: Mapping[str, Array],
                activations: Sequence[str], loss: str) -> None:
    """Write params and architecture to ``path`` (exactly that name; .npz is the convention).

    The file is written to a temporary name and then renamed, so an interrupted save never leaves
    a half-written model where a good one was.
    """
    L = check.params(params)
    acts = check.activations(activations, L, params)
    name = check.loss_for(loss, acts[-1])
    target = Path(path)
    arrays: dict[str, Any] = {k: np.asarray(v) for k, v in params.items()}
    meta: dict[str, Any] = {"__activations__": np.array(acts, dtype=str), "__loss__": np.array(name, dtype=str),
            "__format__": np.array(FORMAT, dtype=str)}
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".",
                               prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays, **meta)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read(path: str | os.PathLike[str], where: str) -> dict[str, Any] | None:
    """Every array of an .npz archive, read without pickle; None for a single-array .npy."""
    with open(path, "rb") as f:  # our own handle: closed even when NumPy fails half-way
        magic = f.read(6)
        f.seek(0)
        if magic.startswith(b"\x93NUMPY"):
            return None
        if not magic.startswith(b"PK"):
            kind = "a pickle, which is never loaded" if magic[:1] == b"\x80" else "not a zip"
            raise ValueError(f"{where} is not an .npz archive ({kind})")
        try:
            with np.load(f, allow_pickle=False) as loaded:  # zip magic: always an NpzFile
                return {k: loaded[k] for k in loaded.files}
        except ValueError as err:
            if "pickle" in str(err).lower():  # NumPy refuses object data without allow_pickle
                raise ValueError(f"{where} holds data that needs pickle, which is never loaded "
                                 f"({err})") from err
            raise ValueError(f"{where} is not a readable .npz file ({err})") from err
        except (zipfile.BadZipFile, EOFError, OSError, KeyError) as err:
            raise ValueError(f"{where} is not a readable .npz file ({err})") from err


def load_params(path: str | os.PathLike[str]) -> tuple[Params, list[str], str]:
    """Read a file written by ``save_params``: (params, activations, loss).

    Raises ValueError for a file that is not a complete, consistent mlp_fn model (truncated,
    corrupted, holding pickled objects, keys missing or extra, shapes not chained).
    """
    where = f"path: {os.fspath(path)!r}"
    contents = _read(path, where)
    if contents is None or "__format__" not in contents:
        raise ValueError(f"{where} is not an mlp_fn model: no '__format__' entry")
    for key in _META:
        if key not in contents or contents[key].dtype.kind != "U":
            raise ValueError(f"{where} is missing its {key!r} string entry")
    fmt = str(contents["__format__"])
    if fmt != FORMAT:
        raise ValueError(f"{where} has format {fmt!r}; this version reads {FORMAT!r}")
    acts = [str(a) for a in np.atleast_1d(contents["__activations__"])]
    loss = str(contents["__loss__"])
    params = {k: v for k, v in contents.items() if k not in _META}
    try:
        L = check.params(params)
        acts = check.activations(acts, L, params)
        loss = check.loss_for(loss, acts[-1])
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where} holds an inconsistent model: {err}") from err
    return frozen_dict(params), acts, loss
