"""What a training run threads from epoch to epoch and what it records, as plain typed data.

``_run_epoch(state, run) -> (state, record)`` maps one ``TrainingState`` to the next and says
what the epoch measured (an ``EpochRecord``); ``train`` collects the records into the
``History`` it returns. Nothing here is ever modified: each epoch makes a new state.

A ``Run`` is ``train``'s arguments checked once, grouped as the docstring of ``train`` groups
them: the data and batches, the optimizer, the regularisation, validation and early stopping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, TypedDict

from mlp_fn._internal.types import Array, Params
from mlp_fn.network import Architecture
from mlp_fn.optimizers import OptState
from mlp_fn.schedules import Schedule

# Private: the loop's own types. What a reader meets of them, History, is mlp_fn.History.
__all__ = ["History", "Callback", "new_history", "EarlyStopping", "TrainingState", "EpochRecord",
           "EpochRecords", "Data", "Optimizer", "Regularization", "Validation", "Run"]


class History(TypedDict):
    """What ``train`` records, one entry per epoch run (validation lists empty without data).

    ``metric`` is accuracy for bce/cce and the mean squared error for mse/half_mse.
    ``best_epoch`` is the epoch whose params were returned (early stopping restores them).
    ``opt_state`` is the optimizer state after the last update: pass it back to continue.
    ``warnings``: what the run warned of (a cost that ended far above where it started, see
    ``TrainingUnstable``), each message once.
    """

    cost: list[float]
    val_cost: list[float]
    val_metric: list[float]
    learning_rate: list[float]
    best_epoch: int
    stopped_early: bool
    opt_state: OptState
    warnings: list[str]


#: ``train``'s callback: called after each epoch (or each ``every`` epochs) with the epoch, the
#: params and the history so far.
Callback = Callable[[int, Params, History], None]


def new_history(opt_state: OptState) -> History:
    """A history of no epochs."""
    return {"cost": [], "val_cost": [], "val_metric": [], "learning_rate": [],
            "best_epoch": -1, "stopped_early": False, "opt_state": opt_state, "warnings": []}


class EarlyStopping(NamedTuple):
    """The lowest validation cost so far, the epoch and params that had it, and how many epochs
    have passed without improving on it (without validation data: the last epoch's)."""

    best_cost: float
    best_epoch: int
    best_params: Params
    waited: int


class TrainingState(NamedTuple):
    """Everything a run carries from one epoch to the next (and all a checkpoint needs beside
    the record of the epochs): the params, the optimizer state, the next epoch to run and the
    early-stopping record."""

    params: Params
    opt_state: OptState
    epoch: int
    early_stopping: EarlyStopping


class EpochRecord(NamedTuple):
    """What one epoch measured: its cost, the learning rate it ran at, and the validation cost
    and metric after it (None without validation data)."""

    cost: float
    learning_rate: float
    val_cost: float | None
    val_metric: float | None


class EpochRecords(NamedTuple):
    """What several epochs measured, as columns (one compiled call runs several); the
    validation columns are empty without validation data."""

    cost: list[float]
    learning_rate: list[float]
    val_cost: list[float]
    val_metric: list[float]


class Data(NamedTuple):
    """The examples and how they are cut into batches each epoch."""

    X: Array
    Y: Array
    sample_weight: Array | None  # (1, m), or None
    batch_size: int
    shuffle: bool
    seed: int
    batches: tuple[tuple[Array, Array, Array | None], ...] | None  # cut once if never shuffled


class Optimizer(NamedTuple):
    """The update rule, its hyper-parameters and the learning rate of every epoch."""

    name: str
    hyper: dict[str, float]
    learning_rate: Schedule
    constant: float | None = None  # the learning rate of every epoch, when it is one number


class Regularization(NamedTuple):
    """L2 (lambda), inverted dropout (keep_prob), gradient clipping (max norm, or None) and L1
    (its strength)."""

    lambd: float
    keep_prob: float
    clip_norm: float | None
    l1: float = 0.0


class Validation(NamedTuple):
    """The held-out examples, and after how many epochs without a lower validation cost to
    stop (None: never)."""

    X: Array
    Y: Array
    patience: int | None


class Run(NamedTuple):
    """``train``'s arguments, checked once."""

    net: Architecture
    loss: str
    data: Data
    optimizer: Optimizer
    regularization: Regularization
    validation: Validation | None
    end_epoch: int
    compiler: str | None = None  # 'jax' or 'torch' where the steps run compiled, else None
