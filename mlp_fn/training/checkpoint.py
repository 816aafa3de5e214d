"""``train(..., checkpoint=path)``: the run's state on disk, written around the loop.

Two files, so that no write repeats what an earlier one wrote:

* ``path``, an mlp_fn archive (``mlp_fn.io``) of kind "checkpoint": the params, the optimizer
  slots and the early-stopping params as arrays; the record holds the epoch reached, the step
  count, the early-stopping numbers, how many epochs the history holds, and a fingerprint of
  every argument that decides the run. Rewritten whole, atomically: it costs what the params and
  the optimizer state cost.
* ``path + ".history"``, the epochs' record: four float64 numbers an epoch (cost, learning rate,
  validation cost, validation metric; NaN for none), only ever appended to.

A write appends the new epochs to the history, syncs it, then replaces the archive; a resume
reads as many epochs of history as the archive says (a crash between the two leaves extra
epochs there, which are cut off). So a SIGKILL at any moment loses at most the epochs since the
last write: at most ``checkpoint_every`` seconds of work (10 by default), and nothing of a
finished run, which is written when it ends.

The fingerprint is one SHA-256 per argument: the data, the starting params and optimizer state,
the architecture and loss, each hyper-parameter, and the learning rate the schedule gives at
each epoch already run. The number of epochs is not in it: the same call with more epochs
continues the saved run, finished or not, and ends bit for bit where one run of the total
length ends (shuffling and dropout draw from (seed, epoch)). A call that differs in anything
else is refused with a ValueError naming the argument; so is a damaged file, never half-used.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.files import (ArchiveOfAnotherKind, append_bytes, checked_path,
                                    real_target, truncate_to)
from mlp_fn._internal.arrays import (Backend, dtype_name, from_host, hand_back_dict, is_array,
                                     to_host)
from mlp_fn._internal.types import Array
from mlp_fn.activations import _label
from mlp_fn.io import _ours_or_none, _read_archive, _write_archive
from mlp_fn.optimizers import OptState
from mlp_fn.training._state import (Callback, EarlyStopping, History, Run, TrainingState,
                                   new_history)

__all__ = ["HISTORY_SUFFIX"]

#: The history of a checkpointed run is kept beside its file, under its name and this suffix.
HISTORY_SUFFIX = ".history"
_RECORD = 4  # float64 numbers per epoch in the history file


def _digest(value: Any) -> str:
    h = hashlib.sha256()
    parts = value if isinstance(value, tuple) else (value,)
    for part in parts:
        if is_array(part):  # another library's array: the same digest as its NumPy copy
            part = to_host(part)
        if isinstance(part, np.ndarray):
            h.update(f"{part.dtype.str}{part.shape}".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(part, Mapping):
            for k in sorted(part):
                h.update(f"{k}:".encode())
                h.update(_digest(part[k]).encode())
        else:
            h.update(repr(part).encode())
    return h.hexdigest()


def _fingerprints(run: Run, start: TrainingState) -> dict[str, str]:
    """One SHA-256 (hex) per argument that decides the run (not ``epochs``: see the module
    docstring; the learning rates are compared epoch by epoch on resuming)."""
    d, o, r, v = run.data, run.optimizer, run.regularization, run.validation
    return {
        "X": _digest(d.X), "Y": _digest(d.Y), "params": _digest(dict(start.params)),
        "activations": _digest(tuple(_label(a) for a in run.net.activations)),
        "loss": _digest(run.loss), "batch_size": _digest(d.batch_size),
        "shuffle": _digest(d.shuffle), "seed": _digest(d.seed), "optimizer": _digest(o.name),
        "optimizer_options": _digest(tuple(sorted(o.hyper.items()))),
        "opt_state": _digest((start.opt_state["step"], {s: dict(a) for s, a in
                                                         start.opt_state["slots"].items()})),
        "lambd": _digest(r.lambd), "l1": _digest(r.l1), "keep_prob": _digest(r.keep_prob),
        "clip_norm": _digest(r.clip_norm),
        "sample_weight": _digest(d.sample_weight if d.sample_weight is not None else "none"),
        "validation_data": _digest((v.X, v.Y) if v is not None else "none"),
        "patience": _digest(v.patience if v is not None else None),
    }


def _rates(run: Run, first: int, last: int) -> list[float]:
    return [float(run.optimizer.learning_rate(e)) for e in range(first, last)]


def _history_path(path: str | os.PathLike[str]) -> Path:
    target = real_target(checked_path(path, "checkpoint"), "checkpoint")
    return target.parent / (target.name + HISTORY_SUFFIX)


def _encode(history: History, start: int) -> bytes:
    """Epochs ``start``.. of the history as float64 records (NaN: no validation)."""
    rows = []
    validated = bool(history["val_cost"])
    for e in range(start, len(history["cost"])):
        rows.append((history["cost"][e], history["learning_rate"][e],
                     history["val_cost"][e] if validated else math.nan,
                     history["val_metric"][e] if validated else math.nan))
    return np.array(rows, dtype="<f8").reshape(-1, _RECORD).tobytes()


def _save(path: str | os.PathLike[str], prints: dict[str, str], state: TrainingState,
          history: History, written: int) -> int:
    """Append the epochs since ``written`` to the history file, then replace the archive.
    Returns how many epochs the files now hold."""
    n = len(history["cost"])
    log = _history_path(path)
    append_bytes(log, _encode(history, written), keep=written * _RECORD * 8)
    es = state.early_stopping
    record = {"fingerprint": prints, "epoch": state.epoch,
              "step": state.opt_state["step"], "epochs_recorded": n,
              "best_cost": es.best_cost if math.isfinite(es.best_cost) else None,
              "best_epoch": es.best_epoch, "waited": es.waited}
    groups: dict[str, Mapping[str, Array]] = {"params": state.params,
                                              "best": es.best_params}
    groups.update({f"opt.{s}": a for s, a in state.opt_state["slots"].items()})
    _write_archive(path, "checkpoint", record, groups, "checkpoint")
    return n


def _like(where: str, group: Mapping[str, Array] | None,
          template: Mapping[str, Array], b: Backend) -> dict[str, Array]:
    """Arrays keyed as ``template``, each of its shape and dtype, finite: in the template's
    library and on its device (the backend ``b``)."""
    group = group or {}
    if set(group) != set(template):
        raise ValueError(f"{where} is damaged: its arrays do not fit this network")
    for k, t in template.items():
        a = group[k]
        if a.shape != tuple(t.shape) or a.dtype.name != dtype_name(t.dtype) or \
                not np.isfinite(a).all():
            raise ValueError(f"{where} is damaged: {k!r} does not fit")
    return hand_back_dict({k: from_host(a, b) for k, a in group.items()}, b)


def _load(path: str | os.PathLike[str], prints: dict[str, str], run: Run,
          start: TrainingState) -> tuple[TrainingState, History, int] | None:
    """The saved state and history if there is a checkpoint of this call; None if none."""
    where = f"checkpoint: {os.fspath(path)!r}"
    if not Path(path).exists() and not Path(path).is_symlink():
        return None
    _ours_or_none(path, "checkpoint")  # a file of the user's own is never offered for deletion
    try:
        record, groups = _read_archive(path, "checkpoint", "checkpoint")
    except ArchiveOfAnotherKind as err:  # a file the user saved: never offered for deletion
        raise ValueError(f"{err}. Pass another path for the checkpoint") from None
    except ValueError as err:
        raise ValueError(f"{err}; delete it or pass another path to start afresh") from None
    try:
        saved = dict(record["fingerprint"])
        saved.setdefault("l1", _digest(0.0))  # written before L1 existed: none was used
        epoch, step = int(record["epoch"]), int(record["step"])
        n = int(record["epochs_recorded"])
        best = record["best_cost"]
        es = (math.inf if best is None else float(best), int(record["best_epoch"]),
              int(record["waited"]))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"{where} is damaged ({err})") from None
    for arg in prints:
        if saved.get(arg) != prints[arg]:
            raise ValueError(f"{where} was written by a training call with another {arg}; "
                             f"delete it or pass another path to start afresh")
    first = start.epoch  # the epoch count the starting optimizer state gives (fingerprinted)
    if epoch > run.end_epoch:
        raise ValueError(f"epochs: {where} holds {epoch - first} epochs, more than the "
                         f"{run.end_epoch - first} asked for; ask for at least as many")
    b = run.net.backend
    params = _like(where, groups.get("params"), start.params, b)
    best_params = _like(where, groups.get("best"), start.params, b)
    slots = {s: _like(where, groups.get(f"opt.{s}"), t, b)
             for s, t in start.opt_state["slots"].items()}
    opt_state: OptState = {"step": step, "slots": slots}
    history = _read_history(path, n, run, opt_state, where)
    if _rates(run, first, first + n) != history["learning_rate"]:  # the log has the rates run
        raise ValueError(f"{where} was written by a training call with another learning_rate: "
                         f"its schedule gives other rates for the epochs already run; delete it or "
                         f"pass another path to start afresh")
    stopping = EarlyStopping(es[0], es[1], best_params, es[2])
    state = TrainingState(params, opt_state, epoch, stopping)
    history.update({"best_epoch": es[1], "stopped_early": run.validation is not None and
                    run.validation.patience is not None and es[2] >= run.validation.patience})
    return state, history, n


def _read_history(path: str | os.PathLike[str], n: int, run: Run, opt_state: OptState,
                  where: str) -> History:
    log = _history_path(path)
    size = n * _RECORD * 8
    try:
        with open(log, "rb") as f:
            data = f.read(size)
    except OSError as err:
        raise ValueError(f"{where}: its history {str(log)!r} cannot be read ({err})") from None
    if len(data) != size:
        raise ValueError(f"{where} is damaged: its history {str(log)!r} holds fewer epochs than "
                         f"the checkpoint")
    rows = np.frombuffer(data, dtype="<f8").reshape(n, _RECORD)
    validated = run.validation is not None
    history = new_history(opt_state)
    history["cost"] += [float(c) for c in rows[:, 0]]
    history["learning_rate"] += [float(r) for r in rows[:, 1]]
    if validated:
        history["val_cost"] += [float(c) for c in rows[:, 2]]
        history["val_metric"] += [float(c) for c in rows[:, 3]]
    return history


def _checkpointed(path: str | os.PathLike[str], every: Any, run: Run, start: TrainingState,
                  callback: Callback | None,
                  run_loop: Callable[..., tuple[TrainingState, History]]
                  ) -> tuple[TrainingState, History]:
    """The training loop ``run_loop`` (the loop's, passed in: checkpointing does not import
    the loop that imports it) wrapped in a checkpoint at ``path``: resumed from it if it
    belongs to this call, written at most every ``every`` seconds and at the end."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"checkpoint: expected a file path, got {check.what(path)}")
    if not os.fspath(path):
        raise ValueError("checkpoint: expected a file path, got an empty string")
    interval = check.nonnegative_float("checkpoint_every", every)
    prints = _fingerprints(run, start)
    loaded = _load(path, prints, run, start)
    if loaded is None:
        state, history, written = start, new_history(start.opt_state), 0
        truncate_to(_history_path(path), 0)
    else:
        state, history, written = loaded
        truncate_to(_history_path(path), written * _RECORD * 8)
    last_write = time.monotonic()

    def after_epoch(state: TrainingState, history: History) -> None:
        nonlocal written, last_write
        if time.monotonic() - last_write >= interval:
            written = _save(path, prints, state, history, written)
            last_write = time.monotonic()

    before = len(history["cost"])
    state, history = run_loop(run, state, history, callback, after_epoch)
    if loaded is None or len(history["cost"]) > before or written < len(history["cost"]):
        _save(path, prints, state, history, written)
    return state, history
