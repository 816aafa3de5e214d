"""Training: one pure step on a mini-batch (``train_step``), and ``train``, a loop of it.

One epoch of ``train`` with batch size k (None: `k = m`, batch gradient descent; 1: stochastic):

    shuffle the m columns of (X, Y) (a permutation drawn from the seed and the epoch)
    for each mini-batch (X{t}, Y{t}) of k columns (the last one may be smaller):
        A[L], cache = forward(X{t})                  (with dropout masks while training)
        J{t}        = cost(A[L], Y{t}) + (lambda / 2k) sum ||W[l]||^2 + (l1 / k) sum |W[l]|
        grads       = backward(...)                  (clipped to a global norm if asked)
        params, state = optimizer step(params, grads, state, lr(epoch))

The epoch's cost is the mean of the J{t} weighted by batch size: each batch's cost before its own
update, so with batch gradient descent it is J at the params the epoch started from (as in the
course's nn_model), and no extra pass over the data is made.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.boundary import by, checked, warn
from mlp_fn._internal.frozen import frozen
from mlp_fn._internal.arrays import (NUMPY, Backend, all_finite, backend, from_host, from_host_dict,
                                     hand_back_dict, host_dtype, is_numpy, require)
from mlp_fn._internal.types import ActivationSpec, Array, Namespace, Params
from mlp_fn.layers import dropout_masks
from mlp_fn.losses import _check_targets, _loss_for, _metric
from mlp_fn.network import (Architecture, architecture, _check_values, _same_structure,
                            _trainable)
from mlp_fn.normalization import _running_statistics
from mlp_fn.optimizers import (OPTIMIZERS, OptState, canonical_optimizer, _check_options,
                               _check_state, clip_by_global_norm, _frozen_state)
from mlp_fn.propagation import backward, compute_cost, forward, _hidden_shapes
from mlp_fn.schedules import MAX_EPOCH, Schedule
from mlp_fn.training._compiled import (compiler_for, epoch_costs, epochs_in_memory, run_chunk,
                                      torch_step)
from mlp_fn.training._state import (Callback, Data, EarlyStopping, EpochRecord, EpochRecords,
                                   History, Optimizer, Regularization, Run, TrainingState,
                                   Validation, new_history)

# (the loop's other functions, which checkpointing and train_many call, are not public)
__all__ = ["train_step", "train", "random_mini_batches", "TrainingDiverged", "TrainingUnstable"]


class TrainingDiverged(FloatingPointError):
    """The cost (or a parameter) became NaN or inf. ``params`` are the last params with a finite
    cost, ``opt_state`` the optimizer state that goes with them (``history["opt_state"]`` too),
    and ``history`` the record up to the epoch before; all are attached so nothing is lost.
    From ``train_many``, ``network`` is the index of the network that diverged."""

    def __init__(self, message: str, params: Params, history: History) -> None:
        super().__init__(message)
        self.params = params
        self.opt_state = history["opt_state"]
        self.history = history
        self.network: int | None = None  # train_many: which network of the population


class TrainingUnstable(UserWarning):
    """A run whose cost ended far above where it started: the last epoch's cost is more than
    ``_UNSTABLE_RATIO`` (10) times the first's and more than ``_UNSTABLE_RISE`` (0.01) above it
    (so a run already near zero is not flagged for a rise of rounding size). Almost always a
    learning rate too large for the data. Warned once per run, and recorded in
    ``history["warnings"]``; ``warnings.simplefilter("ignore", mf.TrainingUnstable)`` silences
    it, ``warnings.simplefilter("error", mf.TrainingUnstable)`` makes it an error. A run that
    rises and comes back down says nothing."""


_UNSTABLE_RATIO = 10.0
_UNSTABLE_RISE = 0.01


def _warn_if_unstable(history: History, run: Run, network: int | None = None) -> History:
    """``history``, with the warning recorded (and warned) where its cost ended far above where
    it started (see ``TrainingUnstable``); ``network``: its place in ``train_many``'s
    population, which the message leads with."""
    costs = history["cost"]
    if len(costs) < 2:
        return history
    first, last = costs[0], costs[-1]
    if not (last > _UNSTABLE_RATIO * first and last - first > _UNSTABLE_RISE):
        return history
    lr = history["learning_rate"][-1]
    where = "" if network is None else f"network {network}: "
    message = (f"{where}train: the cost ended at {last:.4g}, {last / first:.3g} times its first "
               f"epoch's {first:.4g}, at learning rate {lr:g}: the steps overshoot. Lower "
               f"learning_rate (e.g. {lr / 10:g}), standardize X, or pass clip_norm")
    warn(message, TrainingUnstable)
    return {**history, "warnings": [*history["warnings"], message]}


# ----------------------------------------------------------------------------------------------
# One step
# ----------------------------------------------------------------------------------------------

def _step(X: Array, Y: Array, w: Array | None, params: Params, opt_state: OptState,
          lr: float | Array, masks: Mapping[str, Array] | None,
          run: Run) -> tuple[Params, OptState, Array]:
    """One mini-batch, unchecked: (new params, new optimizer state, J at the params given, a 0-d
    array). It branches only on the run's settings, never on a value, so compilers trace it
    (``mlp_fn.training._compiled``)."""
    net, loss, reg = run.net, run.loss, run.regularization
    xp = net.backend.xp
    AL, cache = forward.unchecked(X, params, net.activations, masks=masks, training=True,
                                  net=net, xp=xp)
    J = compute_cost.unchecked(AL, Y, loss, lambd=reg.lambd, params=params, sample_weight=w,
                               l1=reg.l1, xp=xp)
    grads = backward.unchecked(AL, Y, cache, params, net.activations, loss, lambd=reg.lambd,
                               sample_weight=w, l1=reg.l1, net=net, xp=xp)
    if reg.clip_norm is not None:
        grads = clip_by_global_norm.unchecked(grads, reg.clip_norm, xp=xp)
    optimizer_step = OPTIMIZERS[run.optimizer.name][1]  # e.g. adam_step
    learned, opt_state = optimizer_step.unchecked(_trainable(params, net), grads, opt_state,
                                                  xp=xp, learning_rate=lr, **run.optimizer.hyper)
    # The running statistics of batch normalisation move towards this batch's (none otherwise).
    return {**learned, **_running_statistics(params, cache, net)}, opt_state, J


def _planned_step(name: str, value: Any, seen: dict[str, Any]) -> Run:
    """Every argument of ``train_step`` checked, once (``_plan``, as ``train``'s): the run of
    one step on the whole batch; its first state goes to ``start``, its masks' seed is checked
    where dropout draws them."""
    # (its seed draws the masks; the batch is used whole, in its order)
    check.step_rate("learning_rate", seen["learning_rate"])  # _plan takes train's schedules
    given = {k: seen[k] for k in _PLANNED if k in seen and k != "seed"}
    run, seen["_start"] = _plan(seen["X"], seen["Y"], seen["params"], seen["activations"],
                                seen["loss"], **given, epochs=1, batch_size=None, shuffle=False,
                                seed=0, validation_data=None, patience=None)
    if run.regularization.keep_prob < 1.0:
        if seen["seed"] is None:
            raise ValueError("seed: dropout (keep_prob < 1) draws random masks and needs an "
                             "explicit seed, got None")
        check.seeds(seen["seed"])
    return run


def _first_state(name: str, value: Any, seen: dict[str, Any]) -> TrainingState:
    """The state the planned run starts from (``_plan`` makes both)."""
    start: TrainingState = seen["_start"]
    return start


@checked(run=_planned_step, start=_first_state, returns="as_is")
def train_step(
    X: Array, Y: Array, params: Mapping[str, Array], opt_state: OptState | None,
    activations: Sequence[ActivationSpec], loss: str, *, learning_rate: float | Array,
    optimizer: str = "gd", optimizer_options: Mapping[str, float] | None = None,
    lambd: float = 0.0, keep_prob: float = 1.0, seed: int | Sequence[int] | None = None,
    clip_norm: float | None = None, sample_weight: Array | None = None, l1: float = 0.0,
    run: Run, start: TrainingState,
) -> tuple[Params, OptState, float]:
    """One step of training on the mini-batch (X, Y): forward (with dropout masks drawn from
    ``seed`` when ``keep_prob`` < 1), the cost J, backward, the optimizer's step and, for batch
    normalisation, the running statistics:

        A[L], cache = forward(X);  J = cost(A[L], Y) (+ L2);  grads = backward(...)
        params, opt_state = optimizer step(params, grads, opt_state, learning_rate)

    Args:
        X, Y: the batch, (n_x, k) and (n_y, k).
        params, activations, loss: the network.
        opt_state: the optimizer's state (None: a new one, as ``<optimizer>_init`` makes).
        learning_rate: alpha for this step.
        optimizer, optimizer_options, lambd, l1, keep_prob, seed, clip_norm, sample_weight:
            as for ``train``.

    Returns:
        (new params, new optimizer state, J at the params given), new read-only values; nothing
        passed in is changed. ``train`` is a loop of this step over batches and epochs.

    >>> X, Y = mf.data.xor()
    >>> params = mf.init_params([2, 3, 1], seed=0)
    >>> new, state, J = train_step(X, Y, params, None, ["tanh", "sigmoid"], "bce",
    ...                            learning_rate=0.5)
    >>> AL, _ = mf.forward(X, params, ["tanh", "sigmoid"])  # J is the cost at the params given
    >>> J == mf.compute_cost(AL, Y, "bce"), state["step"]
    (True, 1)
    """
    Xb, Yb, wb = run.data.X, run.data.Y, run.data.sample_weight  # (checked, in one library)
    b = run.net.backend
    masks = None
    if run.regularization.keep_prob < 1.0:
        masks = from_host_dict(dropout_masks.unchecked(
            _hidden_shapes(run.net, Xb.shape[1]), run.regularization.keep_prob, seed,
            host_dtype(Xb.dtype)), b)
    with np.errstate(all="ignore"):  # overflow is reported below, not warned
        new, opt, J_array = _step(Xb, Yb, wb, start.params, start.opt_state,
                                  _learning_rate_at(run, 0), masks, run)
        J = float(J_array)
    if not math.isfinite(J) or not all(all_finite(a, b.xp) for a in new.values()):
        raise ValueError(f"params: the step overflowed (J = {J}, or NaN or inf in the new "
                         f"params); lower learning_rate, standardize X, or pass clip_norm")
    return hand_back_dict(new, b), _frozen_state(opt, b), J


# ----------------------------------------------------------------------------------------------
# One epoch
# ----------------------------------------------------------------------------------------------

def _epoch_batches(data: Data, epoch: int,
                   b: Backend = NUMPY) -> Iterable[tuple[Array, Array, Array | None]]:
    """The epoch's batches (X{t}, Y{t}, w{t}), shuffled by (seed, epoch)."""
    if data.batches is not None:
        return data.batches
    batches = random_mini_batches.unchecked(data.X, data.Y, data.batch_size, (data.seed, epoch),
                                            sample_weight=data.sample_weight, xp=b.xp)
    if data.sample_weight is None:
        return [(Xb, Yb, None) for Xb, Yb in batches]
    return [(Xb, Yb, wb) for Xb, Yb, wb in batches]


def _learning_rate_at(run: Run, epoch: int) -> float:
    """The learning rate of ``epoch`` (a schedule's, checked when the run was planned)."""
    return float(run.optimizer.learning_rate(epoch))


def _run_epoch(state: TrainingState, run: Run) -> tuple[TrainingState, EpochRecord]:
    """One pass over the data (the module docstring's loop), eagerly: the state after epoch
    ``state.epoch`` and what it measured. Nothing passed in is changed. Raises TrainingDiverged
    (with an empty history, which ``train`` fills in) when a cost or a parameter stops being
    finite."""
    e, params, opt = state.epoch, state.params, state.opt_state
    lr = _learning_rate_at(run, e)
    keep, k = run.regularization.keep_prob, run.data.batch_size
    b = run.net.backend
    one_step = _stepper(run, lr)
    good = (params, opt)  # the last params with a finite cost, and their optimizer state
    total, weight = 0.0, 0.0
    for t, (Xb, Yb, wb) in enumerate(_epoch_batches(run.data, e, b)):
        share = Xb.shape[1] if wb is None else float(b.xp.sum(wb))  # the batch's part of J
        if share == 0.0:
            continue  # every example weighs 0: no cost, so no step
        masks = None if keep == 1.0 else from_host_dict(dropout_masks.unchecked(
            _hidden_shapes(run.net, Xb.shape[1]), keep, [run.data.seed, e, t * k, 1],
            host_dtype(Xb.dtype)), b)
        new_params, new_opt, J_array = one_step(Xb, Yb, wb, params, opt, masks)
        J = float(J_array)  # the loop reports the cost: here it becomes a number
        if not math.isfinite(J):
            raise _diverged(f"the cost became {J} (batch starting at example {t * k})", e, lr,
                            *good)
        good, (params, opt) = (params, opt), (new_params, new_opt)
        total, weight = total + J * share, weight + share
    return _end_epoch(state, run, params, opt, total / weight, lr, good)


def _stepper(run: Run, lr: float) -> Callable[..., tuple[Params, OptState, Array]]:
    """``step`` at the learning rate ``lr``: as it is, or through torch.compile."""
    if run.compiler == "torch":
        b = run.net.backend
        compiled_step, rate = torch_step(run), b.xp.asarray(lr, dtype=run.net.dtype,
                                                              device=b.device)
        return lambda X, Y, w, params, opt, masks: compiled_step(X, Y, w, params, opt, rate,
                                                                 masks)
    return lambda X, Y, w, params, opt, masks: _step(X, Y, w, params, opt, lr, masks, run)


def _end_epoch(state: TrainingState, run: Run, params: Params, opt: OptState, cost: float,
               lr: float, good: tuple[Params, OptState],
               finite: bool | None = None) -> tuple[TrainingState, EpochRecord]:
    """The state after epoch ``state.epoch``, which trained ``params`` and ``opt`` at an epoch
    cost ``cost``, and its record: the run's last update checked, the validation cost and
    early stopping. ``good``: the params and state before the epoch's last update; ``finite``:
    whether every parameter is finite, where that is already known."""
    e, b = state.epoch, run.net.backend
    # A NaN or inf parameter shows in the next batch's cost; only the run's last update has no
    # next batch, so it is checked here (a validation cost below would show it as well).
    if finite is None:
        finite = e + 1 < run.end_epoch or all(all_finite(a, b.xp) for a in params.values())
    if not finite:
        raise _diverged("the last update made a parameter NaN or inf", e, lr, *good)
    stopping = state.early_stopping
    val_cost = val_metric = None
    if run.validation is None:
        stopping = EarlyStopping(math.inf, e, params, 0)
    else:
        v = run.validation
        ALv, _ = forward.unchecked(v.X, params, run.net.activations, net=run.net, xp=b.xp)
        val_cost = float(compute_cost.unchecked(
            ALv, v.Y, run.loss, lambd=run.regularization.lambd, params=params,
            l1=run.regularization.l1, xp=b.xp))
        if not math.isfinite(val_cost):
            raise _diverged(f"the validation cost became {val_cost}", e, lr, params, opt)
        val_metric = _metric(ALv, v.Y, run.loss, b.xp)
        if val_cost < stopping.best_cost:
            stopping = EarlyStopping(val_cost, e, params, 0)
        else:
            stopping = stopping._replace(waited=stopping.waited + 1)
    record = EpochRecord(cost, lr, val_cost, val_metric)
    return TrainingState(params, opt, e + 1, stopping), record


def _run_epochs(state: TrainingState, run: Run,
                count: int) -> tuple[TrainingState, EpochRecords]:
    """``count`` epochs from ``state``: on JAX in one compiled call (``mlp_fn.training._compiled``),
    elsewhere one eager epoch (``count`` 1). The same records, and the same TrainingDiverged,
    as ``_run_epoch`` gives epoch by epoch: where a compiled epoch's cost is not finite, the
    epochs from ``state`` are run again eagerly (they are deterministic) to name the batch and
    keep the last finite params."""
    if run.compiler != "jax":
        state, record = _run_epoch(state, run)
        return state, _columns([record])
    epochs = range(state.epoch, state.epoch + count)
    constant = run.optimizer.constant
    rates = [constant] * count if constant is not None else [_learning_rate_at(run, e)
                                                             for e in epochs]
    chunk = run_chunk(run, state.params, state.opt_state, epochs,
                      np.array(constant) if constant is not None else np.array(rates))
    costs = epoch_costs(chunk)
    if not np.all(np.isfinite(costs)):
        _replay(state, run, int(np.argmin(np.isfinite(costs))))  # the first that diverged
    if epochs[-1] + 1 >= run.end_epoch and not chunk.finite:
        _replay(state, run, count - 1)
    before = state._replace(epoch=epochs[-1])
    state, last = _end_epoch(before, run, chunk.params, chunk.opt_state, float(costs[-1]),
                             rates[-1], (state.params, state.opt_state), finite=True)
    return state, EpochRecords(costs.tolist(), rates, [] if last.val_cost is None else
                               [last.val_cost], [] if last.val_metric is None else
                               [last.val_metric])


def _columns(records: Sequence[EpochRecord]) -> EpochRecords:
    """Records of epochs one by one, as columns."""
    return EpochRecords([r.cost for r in records], [r.learning_rate for r in records],
                        [r.val_cost for r in records if r.val_cost is not None],
                        [r.val_metric for r in records if r.val_metric is not None])


def _replay(state: TrainingState, run: Run, finite: int) -> NoReturn:
    """Raise the TrainingDiverged of a compiled run whose epoch ``state.epoch + finite`` was
    the first to diverge: the ``finite`` epochs before it run compiled again, then that epoch
    eagerly (the same batches and masks: it is deterministic), which names the batch and keeps
    the last finite params. If the eager epoch stays finite (compiled arithmetic differs in the
    last bits), the error says where the compiled run diverged."""
    records = EpochRecords([], [], [], [])
    if finite:
        state, records = _run_epochs(state, run, finite)
    try:
        state, _record = _run_epoch(state, run._replace(compiler=None))
    except TrainingDiverged as err:  # with the records of the epochs before it
        raise TrainingDiverged(str(err), err.params, {
            **_recorded(err.history, records, state, run), "opt_state": err.opt_state}) from None
    raise _diverged("the cost of the compiled run became NaN or inf (an eager replay of that "
                    "epoch stayed finite)", state.epoch - 1,
                    _learning_rate_at(run, state.epoch - 1), state.params, state.opt_state)


def _diverged(what: str, epoch: int, lr: float, params: Params,
              opt_state: OptState) -> TrainingDiverged:
    return TrainingDiverged(
        f"train: {what} at epoch {epoch} with learning rate {lr}; try a smaller learning_rate, "
        f"standardized inputs, or clip_norm. The last params with a finite cost, the optimizer "
        f"state that goes with them and the history are attached as .params, .opt_state and "
        f".history.", _views(params), {**new_history(opt_state)})


def _finished(state: TrainingState, run: Run) -> bool:
    """Whether the run is over: every epoch done, or stopped early."""
    return state.epoch >= run.end_epoch or _stopped(state, run)


def _stopped(state: TrainingState, run: Run) -> bool:
    v = run.validation
    return v is not None and v.patience is not None and state.early_stopping.waited >= v.patience


# ----------------------------------------------------------------------------------------------
# The history: what train collects from the epochs' records
# ----------------------------------------------------------------------------------------------

def _recorded(history: History, records: EpochRecord | EpochRecords, state: TrainingState,
              run: Run) -> History:
    """``history`` with the epoch of ``records`` (or the epochs, as columns) added: its lists
    grow in place (they belong to the loop that collects them; no state holds them), its other
    fields are the new state's."""
    if isinstance(records, EpochRecord):
        history["cost"].append(records.cost)
        history["learning_rate"].append(records.learning_rate)
        if records.val_cost is not None and records.val_metric is not None:
            history["val_cost"].append(records.val_cost)
            history["val_metric"].append(records.val_metric)
    else:
        history["cost"] += records.cost
        history["learning_rate"] += records.learning_rate
        history["val_cost"] += records.val_cost
        history["val_metric"] += records.val_metric
    return {**history, "best_epoch": state.early_stopping.best_epoch,
            "stopped_early": _stopped(state, run), "opt_state": state.opt_state}


# ----------------------------------------------------------------------------------------------
# The loop
# ----------------------------------------------------------------------------------------------

_AfterEpoch = Callable[[TrainingState, History], None]


def _run_loop(run: Run, state: TrainingState, history: History, callback: Callback | None,
              after_epoch: _AfterEpoch | None = None) -> tuple[TrainingState, History]:
    """Epochs from ``state`` until the run is finished; ``after_epoch`` (a checkpoint's writer)
    sees each new state, ``callback`` each one, or every ``callback.every`` epochs and the last
    when it declares that attribute (``progress_callback`` does). Compiled, as many epochs go
    into one call as neither of them, nor validation, needs to see in between."""
    every = getattr(callback, "every", None)
    every = 1 if every is None else int(every)  # (checked at train's entry: an integer >= 1)
    with np.errstate(all="ignore"):  # overflow is caught as a non-finite cost, not warned
        while not _finished(state, run):
            records: EpochRecord | EpochRecords
            try:
                if run.compiler != "jax":  # eager: one epoch at a time
                    state, records = _run_epoch(state, run)
                else:
                    count = min(run.end_epoch - state.epoch, epochs_in_memory(run))
                    if after_epoch is not None or run.validation is not None:
                        count = 1
                    elif callback is not None:
                        count = min(count, every - state.epoch % every)
                    state, records = _run_epochs(state, run, count)
            except TrainingDiverged as err:  # attach the history so far
                part = err.history  # the epochs a compiled call ran before it diverged
                so_far: History = {
                    **history, "cost": history["cost"] + part["cost"],
                    "learning_rate": history["learning_rate"] + part["learning_rate"],
                    "val_cost": history["val_cost"] + part["val_cost"],
                    "val_metric": history["val_metric"] + part["val_metric"]}
                raise TrainingDiverged(str(err), err.params,
                                       _result_history(so_far, err.opt_state)) from None
            history = _recorded(history, records, state, run)
            if after_epoch is not None:
                after_epoch(state, history)
            if callback is not None and (state.epoch % every == 0 or _finished(state, run)):
                opt = state.opt_state  # it sees read-only arrays: it cannot disturb the loop
                callback(state.epoch - 1, _read_only(state.params), {**history, "opt_state": {
                    "step": opt["step"], "slots": {s: _read_only(a) for s, a in
                                                   opt["slots"].items()}}})
    return state, history


def _read_only(arrays: Mapping[str, Array]) -> dict[str, Array]:
    """The loop's own new arrays, marked read-only where they are (no one else holds them, and
    no step writes into them; NumPy's arrays have the flag), in a new dict the callback may
    change freely."""
    for a in arrays.values():
        if isinstance(a, np.ndarray):
            a.setflags(write=False)
    return dict(arrays)


def _views(arrays: Mapping[str, Array]) -> dict[str, Array]:
    """Read-only views of NumPy arrays (the caller's own may be among them and stay writeable);
    other libraries' arrays as they are (the loop's own copies: see ``plan``)."""
    return {k: frozen(a) if isinstance(a, np.ndarray) else a for k, a in arrays.items()}


def _result_history(history: History, opt_state: OptState) -> History:
    return {**history, "opt_state": {"step": opt_state["step"], "slots": {
        s: _views(a) for s, a in opt_state["slots"].items()}}}


def _result(run: Run, state: TrainingState, history: History) -> tuple[Params, History]:
    """What train returns: the final params (with early stopping, the best epoch's) and the
    history."""
    v = run.validation
    best = v is not None and v.patience is not None
    final = state.early_stopping.best_params if best else state.params
    return _views(final), _result_history(history, state.opt_state)


def _planned(name: str, value: Any, seen: dict[str, Any]) -> Run:
    """Every argument of ``train`` checked, once (``_plan``): the run; its first state goes to
    ``start``."""
    run, seen["_start"] = _plan(seen["X"], seen["Y"], seen["params"], seen["activations"],
                                seen["loss"], **{k: seen[k] for k in _PLANNED})
    return run


#: train's keywords that ``_plan`` checks (the others are the loop's own: callback, checkpoint).
_PLANNED = ("learning_rate", "epochs", "batch_size", "shuffle", "seed", "optimizer",
            "optimizer_options", "opt_state", "lambd", "keep_prob", "clip_norm", "sample_weight",
            "validation_data", "patience", "compile", "l1")


def _callback(name: str, value: Any, seen: dict[str, Any]) -> Callback | None:
    if value is not None and not callable(value):
        raise TypeError(f"{name}: expected a function (epoch, params, history), got "
                        f"{check.what(value)}")
    if getattr(value, "every", None) is not None:  # how often it asks to be called
        check.positive_int(f"{name}.every", value.every)
    callback: Callback | None = value
    return callback


@checked(run=_planned, start=_first_state, callback=_callback, returns="as_is")
def train(
    X: Array,
    Y: Array,
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    loss: str,
    *,
    learning_rate: float | Array | Schedule,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int = 0,
    optimizer: str = "gd",
    optimizer_options: Mapping[str, float] | None = None,
    opt_state: OptState | None = None,
    lambd: float = 0.0,
    keep_prob: float = 1.0,
    clip_norm: float | None = None,
    sample_weight: Array | None = None,
    validation_data: tuple[Array, Array] | None = None,
    patience: int | None = None,
    callback: Callback | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    checkpoint_every: float = 10.0,
    compile: bool | None = None,
    l1: float = 0.0,
    run: Run,
    start: TrainingState,
) -> tuple[Params, History]:
    """Train from ``params`` by mini-batch gradient descent: a loop of ``train_step`` over the
    batches of every epoch (see the module docstring).

    Args:
        X: the inputs, (n_x, m).
        Y: the targets, (n_y, m).
        params, activations, loss: the network, as for ``forward`` and ``compute_cost``.
        learning_rate: alpha, a positive float or a schedule epoch -> alpha (``mlp_fn.schedules``),
            called once for each epoch when train starts, every rate checked before a step.
        epochs: passes over the data (0 returns the params unchanged).
        batch_size: None (batch GD, `k = m`), 1 (stochastic GD), or k in 1..m (mini-batch GD).
        shuffle: draw a new order of the examples every epoch (from ``seed`` and the epoch);
            with one batch of all m examples (batch gradient descent) there is nothing to
            reorder, and the set is used as it is.
        seed: the only source of randomness (shuffling and dropout masks).
        optimizer: 'gd' (alias 'sgd'), 'momentum', 'momentum_ema', 'nesterov', 'rmsprop', 'adam',
            'adamw'; ``optimizer_options`` its hyper-parameters, e.g. {"beta1": 0.9}.
        opt_state: the ``history["opt_state"]`` of an earlier call, to continue exactly where it
            stopped (with the same data, batch size and seed); None starts a new state.
        lambd: L2 strength lambda; the cost gains `(lambda / 2m) sum ||W||^2`, dW gains
            `(lambda / m) W`; biases are not regularised.
        l1: L1 strength; the cost gains `(l1 / m) sum |W|`, dW gains `(l1 / m) sign(W)` (0 where
            `W = 0`): every weight is pulled towards 0 by the same amount each step; biases are
            not regularised.
        keep_prob: inverted dropout on every hidden layer while training (1: none).
        clip_norm: if given, the gradients are scaled so their global norm is at most this.
        sample_weight: w of shape (m,) or (1, m): each batch's cost is the weighted mean
            `sum_i w_i L(i) / sum_i w_i` (and the gradients follow it); a batch whose weights are
            all 0 is skipped. Integer weights equal repeating the examples.
        validation_data: (X_val, Y_val), evaluated after every epoch (no dropout).
        patience: with validation data, stop after this many epochs without a lower validation
            cost and return the params of the best epoch.
        callback: called as callback(epoch, params, history) after every epoch; one with an
            attribute ``every`` (an int, as ``progress_callback`` has) only every that many
            epochs and after the last.
        checkpoint: a path. The run's state is written there atomically at most every
            ``checkpoint_every`` seconds (10 by default) and when the run ends, so a crash loses
            at most that much work; the same call run again continues from it and ends bit for
            bit where an uninterrupted run ends, and the same call with more epochs continues a
            finished run (see ``mlp_fn.training.checkpoint``). A call with other data, network
            or hyper-parameters refuses the file, naming the argument that differs.
        compile: None (the default) compiles where it pays: with JAX arrays, the epochs run as
            jitted calls (each a ``lax.scan`` of the same step over the batches, several epochs
            per call where no callback, checkpoint or validation needs to see each one);
            elsewhere the loop runs eagerly. True asks for it, also of PyTorch
            (``torch.compile`` of the step; its first call takes seconds to minutes), and is a
            ValueError on NumPy, which has no compiler. False runs eagerly everywhere. The
            batches and dropout masks are drawn on the host as always, so a compiled run
            follows the same examples as an eager one.

    Returns:
        (params, history): the trained read-only params and the ``History`` of the run.

    Raises:
        TrainingDiverged: when a cost or a parameter becomes NaN or inf; the last params with a
            finite cost, their optimizer state and the history so far are attached to the
            exception as ``.params``, ``.opt_state`` and ``.history``.

    >>> X, Y = mf.data.xor()
    >>> params, history = train(X, Y, mf.init_params([2, 4, 1], seed=0), ["tanh", "sigmoid"],
    ...                         "bce", learning_rate=0.5, epochs=100)
    >>> len(history["cost"]), history["cost"][-1] < history["cost"][0]
    (100, True)
    """
    # (run: every argument checked, in one library; start: the params and optimizer state)
    if checkpoint is not None:
        from mlp_fn.training.checkpoint import _checkpointed  # hashlib loads only when needed

        state, history = _checkpointed(checkpoint, checkpoint_every, run, start, callback,
                                       _run_loop)
    else:
        state, history = _run_loop(run, start, new_history(start.opt_state), callback)
    return _result(run, state, _warn_if_unstable(history, run))


# ----------------------------------------------------------------------------------------------
# Checking train's arguments, once
# ----------------------------------------------------------------------------------------------

def _schedule(learning_rate: float | Array | Schedule, first: int, end: int) -> Schedule:
    """The learning rate of each epoch: a constant, checked; or a schedule, called for each
    epoch the run will train (``first`` to ``end - 1``) and every rate checked now, before any
    step: a schedule that fails, or decays to 0, late in a run would otherwise end it there and
    lose the epochs before. The rates are kept: the schedule is called once an epoch."""
    if not callable(learning_rate):
        lr = check.positive_float("learning_rate", learning_rate)
        return lambda epoch: lr
    rates = [_scheduled(learning_rate, e) for e in range(first, end)]

    def at(epoch: int) -> float:
        return rates[epoch - first] if first <= epoch < end else _scheduled(learning_rate, epoch)

    return at


def _scheduled(schedule: Schedule, epoch: int) -> float:
    """``schedule(epoch)``, a positive finite number, or an error naming the epoch."""
    try:
        value = schedule(epoch)
    except Exception as err:  # a reader's function: whatever it raises is named as theirs
        kind = TypeError if isinstance(err, TypeError) else ValueError
        raise kind(f"learning_rate: the schedule failed at epoch {epoch} (it is called as "
                   f"schedule(epoch)): {type(err).__name__}: {err}"[:400]) from None
    try:
        lr = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"learning_rate: the schedule gave {check.what(value)} at epoch {epoch}; "
                        f"expected a number") from None
    if lr == 0:
        raise ValueError(f"learning_rate: the schedule gives 0 at epoch {epoch}, where a step "
                         f"changes nothing; train fewer epochs, or give the schedule longer to "
                         f"decay (cosine_decay reaches lr_min at total_epochs; a long "
                         f"exponential decay underflows to 0)")
    if not math.isfinite(lr) or lr < 0:
        raise ValueError(f"learning_rate: the schedule gave {lr} at epoch {epoch}; expected a "
                         f"positive finite number")
    return lr


def _plan(
    X: Any, Y: Any, params: Any, activations: Any, loss: Any, *, learning_rate: Any,
    epochs: Any, batch_size: Any, shuffle: Any, seed: Any, optimizer: Any,
    optimizer_options: Any, opt_state: Any, lambd: Any, keep_prob: Any, clip_norm: Any,
    validation_data: Any, patience: Any, sample_weight: Any = None, compile: Any = False,
    l1: Any = 0.0,
) -> tuple[Run, TrainingState]:
    """Every argument of ``train`` checked, once: the ``Run`` and its first state."""
    net = architecture(params, activations)
    b = net.backend
    name = _loss_for(loss, net.activations[-1])
    require(b, X=X, sample_weight=sample_weight)
    X = check.inputs(X, net.n_x, net.dtype, b)
    m = X.shape[1]
    Yf = _check_targets(Y, net.n_y, m, name, net.dtype, b)
    epochs = check.positive_int("epochs", epochs, minimum=0, maximum=MAX_EPOCH)
    k = m if batch_size is None else check.positive_int("batch_size", batch_size)
    if k > m:
        raise ValueError(f"batch_size: expected at most m = {m} (the number of examples), got {k}")
    # A batch of all m examples is the whole set in any order: shuffling it would change only
    # the order of the sums, at 1.6x the time of a small full-batch run. It is kept as it is.
    shuffle = check.boolean("shuffle", shuffle) and k < m
    seed = int(check.seed(seed))
    opt_name = canonical_optimizer(optimizer)
    hyper = _check_options(opt_name, optimizer_options)  # learning_rate is train's own argument
    reg = Regularization(check.nonnegative_float("lambd", lambd), check.keep_prob(keep_prob),
                         None if clip_norm is None else check.positive_float("clip_norm",
                                                                              clip_norm),
                         check.nonnegative_float("l1", l1))
    validation = _validation(validation_data, patience, net, name)
    w = None if sample_weight is None else check.sample_weight(sample_weight, m, net.dtype, b)
    compiler = compiler_for(b, compile)
    if not is_numpy(b) and b.name != "jax":  # the loop's own copies: nothing it returns is
        # one of the caller's (JAX's arrays cannot be written: nothing to copy)
        params = {key: b.xp.asarray(a, copy=True) for key, a in params.items()}
    learned = _trainable(params, net)
    if opt_state is None:
        state = _frozen_state(OPTIMIZERS[opt_name][0].unchecked(learned, xp=b.xp), b)
    else:
        if isinstance(opt_state, Mapping) and isinstance(opt_state.get("slots"), Mapping):
            require(b, opt_state=dict(opt_state["slots"]))
        state = _check_state(opt_name, opt_state, learned, "opt_state")
        if not is_numpy(b):
            state = {"step": state["step"], "slots": {
                s: {key: b.xp.asarray(a, copy=True) for key, a in v.items()}
                for s, v in state["slots"].items()}}
    if any(layer.norm == "batch" for layer in net.layers) and (k == 1 or m % k == 1):
        raise ValueError(f"batch_size: batch normalisation needs at least 2 examples in every "
                         f"batch (one example has variance 0, so Z_norm = 0 whatever the input), "
                         f"but batches of {k} over m = {m} examples leave a batch of 1; choose "
                         f"another batch_size, or layer normalisation (norm='layer')")
    batches = None
    if not shuffle and compiler != "jax":  # every epoch has the same batches: cut them once,
        # contiguous, so no product copies them again (a compiled call cuts its own)
        def cut(a: Array, t: int) -> Array:
            columns: Array = b.xp.asarray(a[:, t:min(t + k, m)], copy=True)
            return columns

        batches = tuple((cut(X, t), cut(Yf, t), None if w is None else cut(w, t))
                        for t in range(0, m, k))
    first = state["step"] // -(-m // k)  # continues the epoch count of a resumed run
    lr_at = _schedule(learning_rate, first, first + epochs)
    start = hand_back_dict(params, b)
    run = Run(net, name, Data(X, Yf, w, k, shuffle, seed, batches),
              Optimizer(opt_name, hyper, lr_at, None if callable(learning_rate) else lr_at(0)),
              reg, validation, first + epochs, compiler)
    return run, TrainingState(start, state, first, EarlyStopping(math.inf, -1, start, 0))


def _plan_another(run: Run, first: Params, params: Any, activations: Any,
                  learning_rate: Any) -> tuple[Run, TrainingState]:
    """Another network trained as ``run`` trains its own params ``first`` (``train_many``'s
    population): its params and learning rate checked, everything else of ``run`` (the data,
    checked once) reused. Params of the structure of ``first`` describe ``run``'s network:
    only their values are checked."""
    if _same_structure(params, first):
        net = run.net
        _check_values(params, net)
    else:
        net = architecture(params, activations)
        require(run.net.backend, params=dict(params))
    if not is_numpy(net.backend) and net.backend.name != "jax":  # the loop's own copies
        params = {k: net.backend.xp.asarray(a, copy=True) for k, a in params.items()}
    lr_at = _schedule(learning_rate, 0, run.end_epoch)
    start = hand_back_dict(params, net.backend)
    optimizer = run.optimizer._replace(learning_rate=lr_at, constant=None if callable(
        learning_rate) else lr_at(0))
    # (described just now: the state's zeros need no check)
    state = _frozen_state(OPTIMIZERS[run.optimizer.name][0].unchecked(_trainable(params, net),
                                                                      xp=net.backend.xp),
                          net.backend)
    return (run._replace(net=net, optimizer=optimizer),
            TrainingState(start, state, 0, EarlyStopping(math.inf, -1, start, 0)))


def _validation(data: Any, patience: Any, net: Architecture, loss: str) -> Validation | None:
    if patience is not None:
        patience = check.positive_int("patience", patience)
        if data is None:
            raise ValueError("patience: early stopping watches the validation cost and needs "
                             "validation_data, got None")
    if data is None:
        return None
    if not isinstance(data, tuple) or len(data) != 2:
        raise TypeError(f"validation_data: expected a pair (X_val, Y_val), got "
                        f"{check.what(data)}")
    b = net.backend
    require(b, validation_data=data)
    Xv = check.inputs(data[0], net.n_x, net.dtype, b)
    return Validation(Xv, _check_targets(data[1], net.n_y, Xv.shape[1], loss, net.dtype, b),
                      patience)


# ----------------------------------------------------------------------------------------------
# The course's random_mini_batches
# ----------------------------------------------------------------------------------------------

def _examples(name: str, X: Any, seen: dict[str, Any]) -> Array:
    """X: (n_x, m) with m >= 1."""
    A = check.matrix(name, X, "(n_x, m)")
    if A.shape[1] == 0:
        raise ValueError(f"{name}: expected at least one example (m >= 1), got m = 0")
    return A


def _columns_of_X(name: str, Y: Any, seen: dict[str, Any]) -> Any:
    """A 2-D array of X's m columns (labels may be integers)."""
    check.columns_like(name, Y, seen["X"])
    return Y


def _seeds(name: str, seed: Any, seen: dict[str, Any]) -> Any:
    check.seeds(seed)
    return seed


def _example_weights(name: str, w: Any, seen: dict[str, Any]) -> Array | None:
    """Sample weights (m,) or (1, m), w >= 0 with sum > 0, as (1, m) in X's dtype."""
    X = seen["X"]
    return None if w is None else check.sample_weight(w, X.shape[1], X.dtype, backend(X=X))


@checked(X=_examples, Y=_columns_of_X, mini_batch_size=by(check.positive_int), seed=_seeds,
         sample_weight=_example_weights)
def random_mini_batches(X: Array, Y: Array, mini_batch_size: int = 64,
                        seed: int | Sequence[int] = 0, *, sample_weight: Array | None = None,
                        xp: Namespace = np) -> list[tuple[Array, ...]]:
    """The course's random_mini_batches: shuffle the m columns of (X, Y) together (a permutation
    drawn from ``seed`` by NumPy's generator, so every library gets the same batches), then
    partition them into mini-batches of k = ``mini_batch_size`` columns; the last holds the
    remaining m mod k (if any).

    ``train`` cuts every epoch this way: the batches of epoch e of ``train(..., batch_size=k,
    seed=s)`` with `k < m` are exactly ``random_mini_batches(X, Y, k, seed=(s, e))`` (a single
    batch of all m examples ``train`` uses in the given order). With ``sample_weight`` (m,) or
    (1, m), the weights are shuffled and cut with them, as ``train`` does: (X{t}, Y{t}, w{t}).

    Returns:
        [(X{1}, Y{1}), (X{2}, Y{2}), ...], X{t} of shape (n_x, k) and Y{t} of shape (n_y, k);
        read-only.

    >>> X, Y = np.arange(10.0).reshape(2, 5), np.zeros((1, 5))
    >>> [Xb.shape for Xb, Yb in random_mini_batches(X, Y, 2, seed=0)]  # 5 = 2 + 2 + 1
    [(2, 2), (2, 2), (2, 1)]
    """
    m, k = X.shape[1], mini_batch_size
    order = from_host(np.random.default_rng(seed).permutation(m), backend(X=X))
    shuffled = [xp.take(a, order, axis=1) for a in (X, Y, sample_weight) if a is not None]
    return [tuple(a[:, t:min(t + k, m)] for a in shuffled) for t in range(0, m, k)]
