"""Saving and loading: one archive format for params, networks and checkpoints, never pickle.

An mlp_fn archive is a NumPy .npz file holding

* ``__record__``: one JSON text, ``{"format": "mlp_fn-archive-1", "kind": ..., ...}``, with
  everything that is not an array (the activations, the loss, a network's classes and history,
  a checkpoint's epoch and fingerprint);
* the arrays, in groups: ``params.W1``, ``params.b1``, ..., and for a network or a checkpoint
  the optimizer's slots ``opt.<slot>.<key>`` (a checkpoint also ``best.<key>``), each as it is,
  so a round trip is bit-exact.

The three kinds differ only in their record. Writing is atomic and durable, reading trusts
nothing in the file (``mlp_fn._internal.files``). Files of the earlier per-kind formats
(``mlp_fn-params-1``, ``mlp_fn-network-1``) are still read.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mlp_fn._internal.files import (ArchiveOfAnotherKind, checked_path, read_npz,
                                    real_target, write_npz)
from mlp_fn._internal.arrays import (backend_for, float64_missing, from_host, hand_back_dict,
                                     to_host)
from mlp_fn._internal.types import ActivationSpec, Array, Params
from mlp_fn.losses import _loss_for
from mlp_fn.network import architecture

__all__ = ["save_params", "load_params"]

_FORMAT = "mlp_fn-archive-1"
_LEGACY_PARAMS = "mlp_fn-params-1"
_LEGACY_NETWORK = "mlp_fn-network-1"
_GROUP_KEY = re.compile(r"(params|best|opt\.[A-Za-z0-9_]+)\.([A-Za-z0-9_]+)")


def _write_archive(path: str | os.PathLike[str], kind: str, record: Mapping[str, Any],
                   groups: Mapping[str, Mapping[str, Array]], name: str = "path") -> None:
    """Write ``record`` (JSON-able) and the arrays of ``groups`` ({"params": {...}, "opt.m":
    {...}, ...}) to ``path`` atomically. TypeError if the record cannot be written as text."""
    try:
        text = json.dumps({"format": _FORMAT, "kind": kind, **record}, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise TypeError(f"record: it cannot be saved as text ({err})") from None
    arrays: dict[str, Any] = {"__record__": np.array(text)}
    for group, values in groups.items():
        # any library's arrays, written as NumPy's: the file is the same whichever made it
        arrays.update({f"{group}.{k}": to_host(v) for k, v in values.items()})
    write_npz(path, arrays, name)


#: The record of an archive, in each format mlp_fn has written (its mark as mlp_fn's).
_RECORDS = ("__record__", "__network__", "__format__")


def _ours_or_none(path: str | os.PathLike[str], name: str = "path") -> None:
    """ValueError unless ``path`` names no file, an empty one, or one of mlp_fn's archives
    (of any kind): a save replaces only what mlp_fn wrote, never a file of the user's own.
    Checked once where a save or a run with a checkpoint starts (a checkpoint's later writes
    replace its own file)."""
    target = real_target(checked_path(path, name), name)
    try:
        if target.stat().st_size == 0:  # nothing to lose (a file made to be written into)
            return
    except FileNotFoundError:
        return
    try:
        with zipfile.ZipFile(target) as archive:
            if {f"{r}.npy" for r in _RECORDS} & set(archive.namelist()):
                return
        found = "an archive that mlp_fn did not write"
    except (zipfile.BadZipFile, OSError, ValueError):
        found = "a file that is not an .npz archive"
    raise ValueError(f"{name}: {os.fspath(path)!r} holds {found}; mlp_fn replaces only its own "
                     f"files: pass another path, or delete that file first if it is not needed")


def _expected(name: str, shape: tuple[int, ...], dtype: np.dtype[Any]) -> bool:
    """What an archive may hold: its record (text) and 2-D float arrays."""
    if name in (*_RECORDS, "__activations__", "__loss__"):
        return dtype.kind == "U" and len(shape) <= 1
    return dtype.kind == "f" and len(shape) == 2


#: Each kind of archive: what it holds, and what reads it.
_KINDS = {
    "params": ("params", "mlp_fn.load_params(path) reads them (params, activations, loss)"),
    "network": ("a network", "mlp_fn.model.load(path) reads it (its params: net['params'])"),
    "checkpoint": ("a training checkpoint", "train(..., checkpoint=path) with the arguments "
                   "that wrote it resumes from it, and returns its params once its epochs are "
                   "done"),
}


def _read_archive(path: str | os.PathLike[str], kind: str, name: str = "path"
                  ) -> tuple[dict[str, Any], dict[str, dict[str, Array]]]:
    """(record, groups) of the archive of ``kind`` at ``path``; ValueError naming the path for
    anything else (another kind, a damaged or foreign file)."""
    where = f"{name}: {os.fspath(path)!r}" if isinstance(path, (str, os.PathLike)) else name
    contents = read_npz(path, _expected, name)
    try:
        record, arrays = _record(contents)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"{where} is not an mlp_fn file or is damaged ({err})") from None
    if record.get("kind") != kind:
        held = record.get("kind")
        if held not in _KINDS:
            raise ValueError(f"{where} holds a {str(held)[:40]!r}, not {_KINDS[kind][0]}")
        raise ArchiveOfAnotherKind(f"{where} holds {_KINDS[held][0]}, not "
                                   f"{_KINDS[kind][0]}; {_KINDS[held][1]}")
    groups: dict[str, dict[str, Array]] = {}
    for name, a in arrays.items():
        match = _GROUP_KEY.fullmatch(name)
        if match is None:
            raise ValueError(f"{where} holds an unexpected entry {name[:60]!r}")
        groups.setdefault(match.group(1), {})[match.group(2)] = a
    return record, groups


def _record(contents: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record and the arrays, from this format or an earlier one."""
    if "__record__" in contents:
        record = json.loads(str(contents["__record__"]))
        if not isinstance(record, dict) or record.get("format") != _FORMAT:
            raise ValueError(f"format {str(record.get('format'))[:50]!r}; this version reads "
                             f"{_FORMAT!r}")
        return record, {k: v for k, v in contents.items() if k != "__record__"}
    if "__network__" in contents:  # a network saved before the archives were one format
        record = json.loads(str(contents["__network__"]))
        if record["format"] != _LEGACY_NETWORK:
            raise ValueError(f"format {str(record['format'])[:50]!r}")
        return {**record, "kind": "network"}, {k: v for k, v in contents.items()
                                               if k != "__network__"}
    if "__format__" in contents:  # params saved before the archives were one format
        if str(contents["__format__"]) != _LEGACY_PARAMS:
            raise ValueError(f"format {str(contents['__format__'])[:50]!r}; this version reads "
                             f"{_FORMAT!r}")
        for key in ("__activations__", "__loss__"):
            if key not in contents:
                raise ValueError(f"its {key!r} string entry is missing")
        record = {"kind": "params", "loss": str(contents["__loss__"]),
                  "activations": [str(a) for a in np.atleast_1d(contents["__activations__"])]}
        meta = ("__format__", "__activations__", "__loss__")
        return record, {f"params.{k}": v for k, v in contents.items() if k not in meta}
    raise ValueError("no '__record__' entry")


def _saveable_activations(acts: Sequence[ActivationSpec]) -> list[str]:
    """The activations' names; TypeError for a reader's own, whose functions cannot be saved."""
    custom = [a["name"] for a in acts if not isinstance(a, str)]
    if custom:
        raise TypeError(f"activations: the custom activation {custom[0]!r} is a function, and "
                        f"functions are not saved (that would need pickle); keep its definition "
                        f"with your code and save the params with np.savez, or use a registered "
                        f"activation")
    return [a for a in acts if isinstance(a, str)]


def save_params(path: str | os.PathLike[str], params: Mapping[str, Array],
                activations: Sequence[ActivationSpec], loss: str) -> None:
    """Write params and architecture to ``path`` (exactly that name; .npz is the convention).

    The write is atomic and durable: a temporary file beside the target, fsynced, then renamed
    over it, so an interrupted save never leaves a half-written model where a good one was (see
    ``mlp_fn._internal.files``). A symlink is written through to its target; a path that is a
    folder, device or pipe is refused with a ValueError, and so is a file that mlp_fn did not
    write (a CSV, a text, another program's archive): a save replaces only an earlier save, a
    network or a checkpoint of mlp_fn's, or an empty file.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "xor.npz"
    ...     save_params(path, mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce")
    ...     params, activations, loss = load_params(path)
    >>> sorted(params), activations, loss
    (['W1', 'W2', 'b1', 'b2'], ['tanh', 'sigmoid'], 'bce')
    """
    net = architecture(params, activations)
    name = _loss_for(loss, net.activations[-1])
    names = _saveable_activations(net.activations)
    _ours_or_none(path)
    _write_archive(path, "params", {"activations": names, "loss": name}, {"params": params})


def load_params(path: str | os.PathLike[str], *, xp: Any = None,
                device: Any = None) -> tuple[Params, list[str], str]:
    """Read a file written by ``save_params``: (params, activations, loss).

    The params come back as NumPy arrays (read-only), or with ``xp`` (``torch``, ``cupy``,
    ``jax.numpy``, ``array_api_strict``) as that library's arrays on ``device``, bit for bit
    the values saved: a file does not remember which library wrote it.

    Raises ValueError for a file that is not a complete, consistent mlp_fn model (truncated,
    corrupted, holding pickled objects, oversized, keys missing or extra, shapes not chained),
    and for a path that is not a regular file; a missing file raises an error that is both a
    FileNotFoundError and a ValueError.

    >>> import pathlib, tempfile
    >>> saved = mf.init_params([2, 3, 1], seed=0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_params(pathlib.Path(folder) / "net.npz", saved, ["tanh", "sigmoid"], "bce")
    ...     params, _, _ = load_params(pathlib.Path(folder) / "net.npz")
    >>> all(np.array_equal(params[k], saved[k]) for k in saved)  # the same numbers, bit for bit
    True
    """
    where = f"path: {os.fspath(path)!r}" if isinstance(path, (str, os.PathLike)) else "path"
    b = backend_for(xp, device)
    record, groups = _read_archive(path, "params")
    params = groups.get("params", {})
    try:
        if set(groups) - {"params"}:
            raise ValueError(f"unexpected groups {sorted(groups)}")
        net = architecture(params, list(record["activations"]))
        acts = _saveable_activations(net.activations)
        loss = _loss_for(str(record["loss"]), net.activations[-1])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{where} holds an inconsistent model: {err}") from err
    wide = any(a.dtype == np.float64 for a in params.values())
    missing = float64_missing(b) if wide else None
    if missing:  # (the file's dtype is the params': no dtype to pass here)
        raise ValueError(f"xp: the file holds float64 params, but {missing}; or load them on "
                         f"NumPy (no xp) and convert them, e.g. {{k: jax.numpy.asarray(v, "
                         f"dtype='float32') for k, v in params.items()}}")
    return hand_back_dict({k: from_host(a, b) for k, a in params.items()}, b), acts, loss

