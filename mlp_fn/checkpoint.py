"""``train(..., checkpoint=path)``: the whole training state, written after every epoch.

The file is an .npz archive written atomically (``mlp_fn._files``): the params, the optimizer
slots and the early-stopping params as arrays, and as one JSON text the rest of the
``TrainingState`` (epoch, step, history, best cost, epochs waited) with a fingerprint of the call.

The fingerprint is a SHA-256 over everything that decides the run: the data, the starting params
and optimizer state, the architecture and loss, every hyper-parameter, and the learning rate the
schedule gives at every epoch of the run. A call with the same fingerprint continues from the
file and, since shuffling and dropout draw from (seed, epoch), ends bit for bit where an
uninterrupted run ends; a call with another fingerprint is refused, so a checkpoint is never
applied to a run it does not belong to. A damaged file is refused, never half-used.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from mlp_fn._files import read_npz, write_npz
from mlp_fn.activations import label
from mlp_fn._freeze import frozen_dict
from mlp_fn._state import Setup, TrainingState
from mlp_fn._types import Array

FORMAT = "mlp_fn-checkpoint-1"


def call_fingerprint(setup: Setup, start: TrainingState) -> str:
    """SHA-256 (hex) of everything that decides a run (see the module docstring)."""
    import hashlib  # here, not at the top: loading it is about 8 ms of ``import mlp_fn``

    h = hashlib.sha256()

    def add(label: str, value: Any) -> None:
        h.update(label.encode())
        if isinstance(value, np.ndarray):
            h.update(f"{value.dtype.str}{value.shape}".encode())
            h.update(np.ascontiguousarray(value).tobytes())
        else:
            h.update(repr(value).encode())

    add("X", setup["X"])
    add("Y", setup["Y"])
    for k in sorted(start["params"]):
        add(f"params.{k}", start["params"][k])
    add("step", start["opt_state"]["step"])
    for slot, arrays in sorted(start["opt_state"]["slots"].items()):
        for k in sorted(arrays):
            add(f"opt.{slot}.{k}", arrays[k])
    add("activations", [label(a) for a in setup["activations"]])  # a custom one: by its name
    for key in ("loss", "end_epoch", "batch_size", "shuffle", "seed",
                "optimizer", "lambd", "keep_prob", "clip_norm", "patience"):
        add(key, setup[key])
    add("hyper", sorted(setup["hyper"].items()))
    add("epoch", start["epoch"])
    rates = [float(setup["learning_rate"](e)) for e in range(start["epoch"], setup["end_epoch"])]
    add("learning_rate", np.array(rates))
    if setup["sample_weight"] is not None:
        add("sample_weight", setup["sample_weight"])
    if setup["validation"] is not None:
        add("X_val", setup["validation"][0])
        add("Y_val", setup["validation"][1])
    return h.hexdigest()


def save_state(path: str | os.PathLike[str], fingerprint: str, state: TrainingState) -> None:
    """Write ``state`` to ``path`` atomically, with the call's fingerprint."""
    history = state["history"]
    record = {
        "format": FORMAT, "fingerprint": fingerprint, "epoch": state["epoch"],
        "step": state["opt_state"]["step"],
        "history": {k: history[k] for k in ("cost", "val_cost", "val_metric",
                                            "learning_rate", "best_epoch", "stopped_early")},
        "best_cost": state["early_stopping"]["best_cost"],
        "waited": state["early_stopping"]["waited"],
    }
    arrays: dict[str, Any] = {"__state__": np.array(json.dumps(record))}
    arrays.update({f"params.{k}": np.asarray(v) for k, v in state["params"].items()})
    for slot, values in state["opt_state"]["slots"].items():
        arrays.update({f"opt.{slot}.{k}": np.asarray(v) for k, v in values.items()})
    arrays.update({f"best.{k}": np.asarray(v)
                   for k, v in state["early_stopping"]["best_params"].items()})
    write_npz(path, arrays)


def _like(where: str, contents: Mapping[str, Array], prefix: str,
          template: Mapping[str, Array]) -> dict[str, Array]:
    """The arrays ``prefix + k`` for every k of ``template``, each of its shape and dtype."""
    out = {}
    for k, t in template.items():
        a = contents.get(prefix + k)
        if a is None or a.shape != t.shape or a.dtype != t.dtype or not np.isfinite(a).all():
            raise ValueError(f"{where} is damaged: {prefix + k!r} is missing or does not fit")
        out[k] = a
    return out


def _expected(name: str, shape: tuple[int, ...], dtype: np.dtype[Any]) -> bool:
    """What a checkpoint holds: the state as text, and 2-D float arrays."""
    if name == "__state__":
        return dtype.kind == "U" and shape == ()
    return dtype.kind == "f" and len(shape) == 2


def resume(path: str | os.PathLike[str], fingerprint: str,
           start: TrainingState) -> TrainingState:
    """The state saved at ``path`` if it belongs to this call, ``start`` if there is no file;
    ValueError for a file of another call or a damaged one."""
    where = f"checkpoint: {os.fspath(path)!r}"
    if not Path(path).exists() and not Path(path).is_symlink():
        return start
    contents = read_npz(path, _expected)
    try:
        record = json.loads(str(contents["__state__"]))
        if record["format"] != FORMAT:
            raise ValueError(f"format {record['format']!r}")
        saved_fingerprint = record["fingerprint"]
        history = dict(record["history"])
        epoch, step = int(record["epoch"]), int(record["step"])
        best_cost, waited = float(record["best_cost"]), int(record["waited"])
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"{where} is not an mlp_fn checkpoint or is damaged ({err})") from None
    if saved_fingerprint != fingerprint:
        raise ValueError(f"{where} was written by a different training call (other data, "
                         f"network, starting point or hyper-parameters); delete it or pass "
                         f"another path to start afresh")
    params = _like(where, contents, "params.", start["params"])
    slots = {s: _like(where, contents, f"opt.{s}.", template)
             for s, template in start["opt_state"]["slots"].items()}
    best = _like(where, contents, "best.", start["params"])
    opt_state = {"step": step, "slots": {s: frozen_dict(v) for s, v in slots.items()}}
    return {
        "params": frozen_dict(params), "opt_state": opt_state,  # type: ignore[typeddict-item]
        "epoch": epoch,
        "history": {**history, "opt_state": opt_state},  # type: ignore[typeddict-item]
        "early_stopping": {"best_cost": best_cost, "best_params": frozen_dict(best),
                           "waited": waited},
    }
