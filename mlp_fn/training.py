"""Gradient descent on a network: ``update``, ``train``, ``predict``.

One epoch of ``train`` with batch size k (None: k = m, batch gradient descent; 1: stochastic):

    shuffle the m columns of (X, Y) (a permutation drawn from the seed and the epoch)
    for each mini-batch (X{t}, Y{t}) of k columns (the last one may be smaller):
        A[L], cache = forward(X{t})                  (with dropout masks while training)
        J{t}        = cost(A[L], Y{t}) + (lambda / 2k) sum ||W[l]||^2
        grads       = backward(...)                  (clipped to a global norm if asked)
        params, state = optimizer step(params, grads, state, lr(epoch))

Plain gradient descent (optimizer 'gd', no clipping) asks the backward pass for the steps
alpha dW[l], alpha db[l] themselves and subtracts them: backpropagation is linear in dZ[L], so
multiplying dZ[L] by alpha/m once replaces two passes over every parameter (dW by 1/m, then
alpha dW), and one allocation each. The params it reaches agree with ``update(params,
backward(...), alpha)`` step for step to the last bits of rounding.

The epoch's cost is the mean of the J{t} weighted by batch size: each batch's cost before its own
update, so with batch gradient descent it is J at the params the epoch started from (as in the
course's nn_model), and no extra pass over the data is made.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from mlp_fn import validation as check
from mlp_fn._freeze import frozen, frozen_dict
from mlp_fn._state import History, Setup, TrainingState
from mlp_fn._types import ActivationSpec, Array, Params
from mlp_fn.checkpoint import call_fingerprint, resume, save_state
from mlp_fn.losses import LOSSES, cost_of
from mlp_fn.normalization import running_statistics, trainable
from mlp_fn.optimizers import (UPDATES, OptState, _clip, _gd_by_steps, canonical_optimizer,
                               check_state, frozen_state, gd_step, get_optimizer)
from mlp_fn.optimizers import optimizer_options as check_optimizer_options
from mlp_fn.propagation import _backward, _dropout_masks, _forward, _l2_penalty
from mlp_fn.schedules import MAX_EPOCH, Schedule


class TrainingDiverged(FloatingPointError):
    """The cost (or a parameter) became NaN or inf. ``params`` are the last params with a finite
    cost, ``opt_state`` the optimizer state that goes with them (``history["opt_state"]`` too),
    and ``history`` the record up to the epoch before; all are attached so nothing is lost."""

    def __init__(self, message: str, params: Params, history: History) -> None:
        super().__init__(message)
        self.params = params
        self.opt_state = history["opt_state"]
        self.history = history


Callback = Callable[[int, Params, History], None]


def update(params: Mapping[str, Array], grads: Mapping[str, Array],
           learning_rate: float) -> Params:
    """One step of gradient descent: W[l] = W[l] - alpha dW[l],  b[l] = b[l] - alpha db[l]
    (and gamma, beta of normalised layers alike; their running statistics are kept as they are).

    Returns new read-only params; ``params`` is left unchanged.

    Porting the course's in-place ``parameters["W1"] -= learning_rate * grads["dW1"]`` (or 003's
    ``W2 -= learning_rate * dW2``) onto mlp_fn's read-only arrays stops with NumPy's "output
    array is read-only". Write ``params = update(params, grads, learning_rate)`` instead, or
    ``W2 = W2 - learning_rate * dW2`` (a new array), or work on a private ``W2.copy()``.
    """
    check.params(params)
    lr = check.positive_float("learning_rate", learning_rate)
    if isinstance(grads, Mapping):  # backward(..., intermediates=True) adds dA and dZ: not used
        grads = {k: g for k, g in grads.items()
                 if not (isinstance(k, str) and k.startswith(("dA", "dZ")))}
    new, _ = gd_step(trainable(params), grads, {"step": 0, "slots": {}}, learning_rate=lr)
    return frozen_dict({**params, **new})  # running statistics (mu, sigma2) are carried over


def _metric(AL: Array, Y: Array, loss: str) -> float:
    """Accuracy for classification, mean squared error for regression."""
    task = LOSSES[loss]["task"]
    if task == "binary":
        return float(np.mean((AL > 0.5) == (Y > 0.5)))
    if task == "multiclass":
        return float(np.mean(AL.argmax(axis=0) == Y.argmax(axis=0)))
    D = AL - Y
    return float((D * D).mean())


def _predict(AL: Array, loss: str) -> np.ndarray[Any, Any]:
    task = LOSSES[loss]["task"]
    if task == "binary":
        return (AL > 0.5).astype(np.int64)
    if task == "multiclass":
        one_hot = np.zeros(AL.shape, dtype=np.int64)
        one_hot[AL.argmax(axis=0), np.arange(AL.shape[1])] = 1
        return one_hot
    return AL


def _finite_output(X: Array, params: Mapping[str, Array], activations: Sequence[ActivationSpec]) -> Array:
    """A[L] of a checked network, or ValueError if the forward pass overflowed."""
    with np.errstate(all="ignore"):
        AL, _ = _forward(X, params, activations)
    if not np.isfinite(AL).all():
        raise ValueError(f"params: the forward pass overflowed (A[L] holds NaN or inf); the "
                         f"weights or inputs are too large for {AL.dtype} arithmetic")
    return AL


def predict(X: Array, params: Mapping[str, Array], activations: Sequence[ActivationSpec],
            loss: str) -> np.ndarray[Any, Any]:
    """Predictions from A[L] = forward(X) (never with dropout), shaped and encoded like Y:

    one rule for every loss: ``predict`` returns what Y would hold for these examples, an
    (n_y, m) array with one column per example.

    bce: y_hat = 1{A[L] > 0.5}, int 0/1;  cce: the one-hot column of argmax_k A[L]_k, int (the
    class indices are ``y_hat.argmax(axis=0)``);  mse/half_mse: y_hat = A[L].

    So ``np.array_equal(y_hat, Y)`` says whether all are right, and ``(y_hat == Y).all(axis=0)``
    marks each right example; ``accuracy`` gives the fraction (``np.mean(y_hat == Y)`` does not,
    for one-hot Y: it also counts the agreeing zeros).
    """
    L = check.params(params)
    acts = check.activations(activations, L, params)
    name = check.loss_for(loss, acts[-1])
    X = check.inputs(X, params["W1"].shape[1], params["W1"].dtype)
    AL = _finite_output(X, params, acts)
    return frozen(_predict(AL, name))


def accuracy(X: Array, Y: Array, params: Mapping[str, Array], activations: Sequence[ActivationSpec],
             loss: str) -> float:
    """Fraction of examples classified right (bce, cce); for mse/half_mse the mean squared error
    mean((A[L] - Y)^2) instead."""
    L = check.params(params)
    acts = check.activations(activations, L, params)
    name = check.loss_for(loss, acts[-1])
    X = check.inputs(X, params["W1"].shape[1], params["W1"].dtype)
    Yf = check.targets(Y, params[f"W{L}"].shape[0], X.shape[1], name, X.dtype)
    AL = _finite_output(X, params, acts)
    return _metric(AL, Yf, name)


def _mini_batches(arrays: tuple[Array, ...], batch_size: int, seed: Any,
                  shuffle: bool = True) -> list[tuple[Array, ...]]:
    """The columns of every array shuffled by one permutation drawn from ``seed`` (if
    ``shuffle``), then cut into batches of ``batch_size`` columns, the last one smaller."""
    m = arrays[0].shape[1]
    if shuffle:
        order = np.random.default_rng(seed).permutation(m)
        arrays = tuple([a[:, order] for a in arrays])
    if batch_size >= m:
        return [arrays]  # batch gradient descent: the whole (shuffled) set, no slicing
    if not shuffle:
        # train cuts these once for the whole run, so each batch is copied into a contiguous array:
        # ndarray.dot copies a column slice of a wider array before calling BLAS, in the forward
        # and again in the backward pass (digits, batch 32: 0.96-0.99x the time). The shuffled
        # set is cut anew each epoch, and there gathering each batch alone costs more than
        # those copies (1.05-1.06x).
        return [tuple([np.ascontiguousarray(a[:, start:start + batch_size]) for a in arrays])
                for start in range(0, m, batch_size)]
    return [tuple([a[:, start:start + batch_size] for a in arrays])
            for start in range(0, m, batch_size)]


def random_mini_batches(X: Array, Y: Array, mini_batch_size: int = 64,
                        seed: int | Sequence[int] = 0) -> list[tuple[Array, Array]]:
    """The course's random_mini_batches: shuffle the m columns of (X, Y) together (a permutation
    from ``seed``), then partition them into mini-batches of ``mini_batch_size`` columns; the
    last holds the remaining m mod mini_batch_size (if any).

    ``train`` cuts every epoch this way: the batches of epoch e of ``train(..., batch_size=k,
    seed=s)`` are exactly ``random_mini_batches(X, Y, k, seed=(s, e))``.

    Returns:
        [(X{1}, Y{1}), (X{2}, Y{2}), ...], X{t} of shape (n_x, k) and Y{t} of shape (n_y, k);
        read-only.
    """
    X = check.matrix("X", X, "(n_x, m)")
    check.columns_like("Y", Y, X)
    if X.shape[1] == 0:
        raise ValueError("X: expected at least one example (m >= 1), got m = 0")
    k = check.positive_int("mini_batch_size", mini_batch_size)
    check.seeds(seed)
    batches = _mini_batches((X, Y), k, seed)
    return [(frozen(Xb), frozen(Yb)) for Xb, Yb in batches]


def _schedule(learning_rate: float | Schedule) -> Schedule:
    if callable(learning_rate):
        return learning_rate
    lr = check.positive_float("learning_rate", learning_rate)
    return lambda epoch: lr


def check_train_arguments(
    X: Any, Y: Any, params: Any, activations: Any, loss: Any, *, learning_rate: Any,
    epochs: Any, batch_size: Any, shuffle: Any, seed: Any, optimizer: Any,
    optimizer_options: Any, opt_state: Any, lambd: Any, keep_prob: Any, clip_norm: Any,
    validation_data: Any, patience: Any, sample_weight: Any = None,
) -> tuple[Setup, TrainingState]:
    """Every argument of ``train`` checked, once: the run's ``Setup`` and its first state."""
    L = check.params(params)
    acts = check.activations(activations, L, params)
    name = check.loss_for(loss, acts[-1])
    dtype = params["W1"].dtype
    X = check.inputs(X, params["W1"].shape[1], dtype)
    m = X.shape[1]
    n_y = params[f"W{L}"].shape[0]
    Yf = check.targets(Y, n_y, m, name, dtype)
    lr_at = _schedule(learning_rate)
    epochs = check.positive_int("epochs", epochs, minimum=0, maximum=MAX_EPOCH)
    k = m if batch_size is None else check.positive_int("batch_size", batch_size)
    if k > m:
        raise ValueError(f"batch_size: expected at most m = {m} (the number of examples), got {k}")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle: expected True or False, got {check.describe(shuffle)}")
    seed = int(check.seed(seed))
    optimizer = canonical_optimizer(optimizer)
    hyper = check_optimizer_options(optimizer, optimizer_options)
    lam = check.nonnegative_float("lambd", lambd)
    keep = check.keep_prob(keep_prob)
    max_norm = None if clip_norm is None else check.positive_float("clip_norm", clip_norm)
    validation = None
    if validation_data is not None:
        if not isinstance(validation_data, tuple) or len(validation_data) != 2:
            raise TypeError("validation_data: expected a pair (X_val, Y_val), got "
                            f"{check.describe(validation_data)}")
        Xv = check.inputs(validation_data[0], params["W1"].shape[1], dtype)
        validation = (Xv, check.targets(validation_data[1], n_y, Xv.shape[1], name, dtype))
    if patience is not None:
        patience = check.positive_int("patience", patience)
        if validation_data is None:
            raise ValueError("patience: early stopping watches the validation cost and needs "
                             "validation_data, got None")
    init, _ = get_optimizer(optimizer)
    learned = trainable(params)
    state = init(learned) if opt_state is None else check_state(optimizer, opt_state, learned)
    if any(k.startswith("mu") for k in params) and (k == 1 or m % k == 1):
        raise ValueError(f"batch_size: batch normalisation needs at least 2 examples in every "
                         f"batch (one example has variance 0, so Z_norm = 0 whatever the input), "
                         f"but batches of {k} over m = {m} examples leave a batch of 1; choose "
                         f"another batch_size, or layer normalisation (norm='layer')")
    first = state["step"] // -(-m // k)  # continues the epoch count of a resumed run
    setup: Setup = {
        "X": X, "Y": Yf, "activations": acts, "loss": name, "learning_rate": lr_at,
        "end_epoch": first + epochs, "batch_size": k, "shuffle": bool(shuffle), "seed": seed,
        "optimizer": optimizer, "update": UPDATES[optimizer], "hyper": hyper, "lambd": lam,
        "keep_prob": keep, "clip_norm": max_norm, "validation": validation,
        "patience": patience,
        "sample_weight": None if sample_weight is None else check.sample_weight(sample_weight,
                                                                                  m, dtype),
        "batch_norm": any(k.startswith("mu") for k in params), "batches": None}
    if not shuffle:  # every epoch has the same batches: cut them once
        w = setup["sample_weight"]
        setup["batches"] = _mini_batches((X, Yf) if w is None else (X, Yf, w), k, None, False)
    history: History = {"cost": [], "val_cost": [], "val_metric": [], "learning_rate": [],
                        "best_epoch": -1, "stopped_early": False, "opt_state": state}
    start: TrainingState = {
        "params": frozen_dict(params), "opt_state": state, "epoch": first, "history": history,
        "early_stopping": {"best_cost": math.inf, "best_params": frozen_dict(params),
                           "waited": 0}}
    return setup, start


def _diverged(what: str, epoch: int, lr: float, params: Params, opt_state: OptState,
              history: History) -> TrainingDiverged:
    return TrainingDiverged(
        f"train: {what} at epoch {epoch} with learning rate {lr}; try a smaller learning_rate, "
        f"standardized inputs, or clip_norm. The last params with a finite cost, the optimizer "
        f"state that goes with them and the history are attached as .params, .opt_state and "
        f".history.", frozen_dict(params), {**history, "opt_state": frozen_state(opt_state)})


def run_epoch(state: TrainingState, setup: Setup) -> TrainingState:
    """One pass over the data (the module docstring's loop): the state after epoch
    ``state["epoch"]``. Raises TrainingDiverged when a cost or a parameter stops being finite.

    Every array and field of the new state is new, except the history's four lists: the epoch's
    entries are appended to them (copying them every epoch would make a run of n epochs cost
    O(n^2)), so the state passed in should not be used again.
    """
    e, params, opt = state["epoch"], state["params"], state["opt_state"]
    X, Y, acts, loss = setup["X"], setup["Y"], setup["activations"], setup["loss"]
    k, seed, lam = setup["batch_size"], setup["seed"], setup["lambd"]
    history: History = {**state["history"]}
    lr = float(setup["learning_rate"](e))
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning_rate: the schedule gave {lr} at epoch {e}; expected a "
                         f"positive finite number")
    w, keep = setup["sample_weight"], setup["keep_prob"]
    clip, batch_norm = setup["clip_norm"], setup["batch_norm"]
    by_steps = setup["optimizer"] == "gd" and clip is None  # see the module docstring
    if not by_steps:
        step, options = setup["update"], {"learning_rate": lr, **setup["hyper"]}
    batches = setup["batches"] or _mini_batches((X, Y) if w is None else (X, Y, w), k, (seed, e))
    good = (params, opt)  # the last params with a finite cost, and their optimizer state
    epoch_cost, epoch_weight = 0.0, 0.0
    for t, batch in enumerate(batches):
        Xb, Yb = batch[0], batch[1]
        wb = batch[2] if w is not None else None
        mb = Xb.shape[1]
        weight = mb if wb is None else float(wb.sum())  # the batch's share of the epoch's cost
        if weight == 0.0:
            continue  # every example weighs 0: no cost, so no step
        masks = None
        if keep < 1.0:
            shapes = {f"D{l}": (params[f"W{l}"].shape[0], mb) for l in range(1, len(acts))}
            masks = _dropout_masks(shapes, keep, [seed, e, t * k, 1], X.dtype)
        AL, cache = _forward(Xb, params, acts, masks, training=True)
        cost = cost_of(AL, Yb, loss, wb)
        if lam:
            cost += _l2_penalty(params, lam, mb)
        if not math.isfinite(cost):
            raise _diverged(f"the cost became {cost} (batch starting at example {t * k})", e,
                            lr, *good, history)
        good = (params, opt)
        epoch_cost, epoch_weight = epoch_cost + cost * weight, epoch_weight + weight
        learned = trainable(params) if batch_norm else params  # not the running statistics
        if by_steps:  # backward hands back the steps alpha dW[l], alpha db[l] themselves
            steps = _backward(AL, Yb, cache, params, acts, loss, lam, sample_weight=wb, step=lr)
            learned, opt = _gd_by_steps(learned, steps, opt)
        else:
            grads = _backward(AL, Yb, cache, params, acts, loss, lam, sample_weight=wb)
            if clip is not None:
                grads = _clip(grads, clip)
            learned, opt = step(learned, grads, opt, **options)
        params = {**learned, **running_statistics(params, cache)} if batch_norm else learned
    # A NaN or inf parameter shows in the next batch's cost; only the run's last update has no
    # next batch, so it is checked here (a validation cost below would show it as well).
    last = e + 1 >= setup["end_epoch"]
    if last and not all(np.isfinite(a).all() for a in params.values()):
        raise _diverged("the last update made a parameter NaN or inf", e, lr, *good, history)
    history["cost"].append(epoch_cost / epoch_weight)
    history["learning_rate"].append(lr)
    history["opt_state"] = opt
    stopping = state["early_stopping"]
    if setup["validation"] is None:
        history["best_epoch"] = e
    else:
        Xv, Yv = setup["validation"]
        ALv, _ = _forward(Xv, params, acts)
        val_cost = cost_of(ALv, Yv, loss) + _l2_penalty(params, lam, Xv.shape[1])
        if not math.isfinite(val_cost):
            raise _diverged(f"the validation cost became {val_cost}", e, lr, params, opt,
                            history)
        history["val_cost"].append(val_cost)
        history["val_metric"].append(_metric(ALv, Yv, loss))
        if val_cost < stopping["best_cost"]:
            stopping = {"best_cost": val_cost, "best_params": params, "waited": 0}
            history["best_epoch"] = e
        else:
            stopping = {**stopping, "waited": stopping["waited"] + 1}
        if setup["patience"] is not None and stopping["waited"] >= setup["patience"]:
            history["stopped_early"] = True
    # The arrays are new (the update rules never write in place); train freezes what it hands
    # out, the callback's arguments and the result, rather than every epoch's state.
    return {"params": params, "opt_state": opt, "epoch": e + 1, "history": history,
            "early_stopping": stopping}


def finished(state: TrainingState, setup: Setup) -> bool:
    """Whether the run is over: every epoch done, or stopped early."""
    return state["epoch"] >= setup["end_epoch"] or state["history"]["stopped_early"]


def train(
    X: Array,
    Y: Array,
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    loss: str,
    *,
    learning_rate: float | Schedule,
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
    validation_data: tuple[Array, Array] | None = None,
    patience: int | None = None,
    callback: Callback | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    sample_weight: Array | None = None,
) -> tuple[Params, History]:
    """Train from ``params`` by mini-batch gradient descent (see the module docstring).

    Args:
        X: (n_x, m) inputs; Y: (n_y, m) targets.
        params, activations, loss: the network, as for ``forward`` and ``compute_cost``.
        learning_rate: alpha, a positive float or a schedule epoch -> alpha (``mlp_fn.schedules``).
        epochs: passes over the data (0 returns the params unchanged).
        batch_size: None = m (batch GD), 1 (stochastic GD), or k in 1..m (mini-batch GD).
        shuffle: draw a new order of the examples every epoch (from ``seed`` and the epoch).
        seed: the only source of randomness (shuffling and dropout masks).
        optimizer: 'gd' (alias 'sgd'), 'momentum', 'momentum_ema', 'nesterov', 'rmsprop', 'adam',
            'adamw'; ``optimizer_options`` its hyper-parameters, e.g. {"beta1": 0.9}.
        opt_state: the ``history["opt_state"]`` of an earlier call, to continue exactly where it
            stopped (with the same data, batch size and seed); None starts a new state.
        lambd: L2 strength lambda; the cost gains (lambda / 2m) sum ||W||^2, dW gains
            (lambda / m) W; biases are not regularised.
        keep_prob: inverted dropout on every hidden layer while training (1 = none).
        clip_norm: if given, the gradients are scaled so their global norm is at most this.
        validation_data: (X_val, Y_val), evaluated after every epoch (no dropout).
        patience: with validation data, stop after this many epochs without a lower validation
            cost and return the params of the best epoch.
        callback: called as callback(epoch, params, history) after every epoch.
        checkpoint: a path. After every epoch the whole ``TrainingState`` is written there
            atomically; the same call run again (after a crash, a kill, a reboot) continues from
            it and ends bit for bit where an uninterrupted run ends. A call with other data,
            network or hyper-parameters refuses the file (ValueError), as does a damaged one.
        sample_weight: w of shape (m,) or (1, m): each batch's cost is the weighted mean
            sum_i w_i L(i) / sum_i w_i (and the gradients follow it); a batch whose weights are
            all 0 is skipped. Integer weights equal repeating the examples.

    Returns:
        (params, history): the trained read-only params and the ``History`` of the run.

    Raises:
        TrainingDiverged: when a cost or a parameter becomes NaN or inf; the last params with a
            finite cost, their optimizer state and the history so far are attached to the
            exception as ``.params``, ``.opt_state`` and ``.history``.
    """
    setup, state = check_train_arguments(
        X, Y, params, activations, loss, learning_rate=learning_rate, epochs=epochs,
        batch_size=batch_size, shuffle=shuffle, seed=seed, optimizer=optimizer,
        optimizer_options=optimizer_options, opt_state=opt_state, lambd=lambd,
        keep_prob=keep_prob, clip_norm=clip_norm, validation_data=validation_data,
        patience=patience, sample_weight=sample_weight)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a function (epoch, params, history), got "
                        f"{check.describe(callback)}")
    if checkpoint is not None:
        if not isinstance(checkpoint, (str, os.PathLike)):
            raise TypeError(f"checkpoint: expected a file path, got {check.describe(checkpoint)}")
        if not os.fspath(checkpoint):
            raise ValueError("checkpoint: expected a file path, got an empty string")
        fingerprint = call_fingerprint(setup, state)
        state = resume(checkpoint, fingerprint, state)
    with np.errstate(all="ignore"):  # overflow is caught as a non-finite cost, not warned
        while not finished(state, setup):
            state = run_epoch(state, setup)
            if checkpoint is not None:
                save_state(checkpoint, fingerprint, state)
            if callback is not None:  # it sees read-only arrays, so it cannot disturb the loop
                callback(state["epoch"] - 1, frozen_dict(state["params"]),
                         {**state["history"], "opt_state": frozen_state(state["opt_state"])})
    best = state["early_stopping"]["best_params"]
    final = best if setup["validation"] is not None and setup["patience"] is not None else \
        state["params"]
    return frozen_dict(final), {**state["history"], "opt_state": frozen_state(state["opt_state"])}
