"""The state a training run threads from epoch to epoch, as plain typed dicts (no behaviour).

``train`` is a loop over ``run_epoch(state, setup) -> state``; a checkpoint is a ``TrainingState``
written to a file.
"""

from __future__ import annotations

from typing import TypedDict

from mlp_fn._types import ActivationSpec, Array, Params
from mlp_fn.optimizers import OptState, StepFn
from mlp_fn.schedules import Schedule


class History(TypedDict):
    """What ``train`` records, one entry per epoch run (validation lists empty without data).

    ``metric`` is accuracy for bce/cce and the mean squared error for mse/half_mse.
    ``best_epoch`` is the epoch whose params were returned (early stopping restores them).
    ``opt_state`` is the optimizer state after the last update: pass it back to continue.
    """

    cost: list[float]
    val_cost: list[float]
    val_metric: list[float]
    learning_rate: list[float]
    best_epoch: int
    stopped_early: bool
    opt_state: OptState


class EarlyStopping(TypedDict):
    """The early-stopping record: the lowest validation cost so far, its params, and how many
    epochs have passed without improving on it."""

    best_cost: float
    best_params: Params
    waited: int


class TrainingState(TypedDict):
    """Everything a run carries from one epoch to the next (and all a checkpoint holds):
    the params, the optimizer state, the next epoch to run, the history and the early-stopping
    record. ``run_epoch`` maps one state to the next; nothing in it is modified."""

    params: Params
    opt_state: OptState
    epoch: int
    history: History
    early_stopping: EarlyStopping


class Setup(TypedDict):
    """``train``'s arguments, checked once (canonical names, float arrays, callables)."""

    X: Array
    Y: Array
    activations: list[ActivationSpec]
    loss: str
    learning_rate: Schedule
    end_epoch: int
    batch_size: int
    shuffle: bool
    seed: int
    optimizer: str
    update: StepFn
    hyper: dict[str, float]
    lambd: float
    keep_prob: float
    clip_norm: float | None
    validation: tuple[Array, Array] | None
    patience: int | None
    sample_weight: Array | None
    batch_norm: bool  # running statistics to update after every batch
    batches: list[tuple[Array, ...]] | None  # cut once if the order never changes (no shuffle)
