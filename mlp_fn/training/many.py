"""Many networks of one architecture trained at once: ``train_many``.

A sweep (000 trains 1-n-1 networks over seeds and learning rates) is a loop of ``train``. On
JAX the loop becomes one compiled call: the same chunk of epochs as ``train`` compiles
(``mlp_fn.training._compiled``), vmapped over the networks, each with its own params, optimizer
state and learning rates, all on the same batches and dropout masks (as the same seed gives
``train``). Elsewhere, and where a callback, validation or a checkpoint must see each network's
epochs, it is that loop of ``train``. Each network's result equals its own ``train``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, overload

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.boundary import checked
from mlp_fn._internal.types import ActivationSpec, Array, Params
from mlp_fn.schedules import Schedule
from mlp_fn._internal.arrays import Backend, from_host_list, stacked, to_host
from mlp_fn.training._compiled import epoch_costs, epochs_in_memory, run_chunk
from mlp_fn.training.loop import (_PLANNED, TrainingDiverged, _callback, _learning_rate_at,
                                  _plan, _plan_another, _recorded, _replay, _result,
                                  _result_history, _run_epochs, _run_loop, train,
                                  _warn_if_unstable)
from mlp_fn.training._state import (EarlyStopping, EpochRecords, History, Run, TrainingState,
                                   new_history)

__all__ = ["train_many"]

_Outcome = tuple[Params, History]

#: train's keywords that train_many passes on as they are (the same for every network).
_SHARED = ("batch_size", "shuffle", "seed", "optimizer", "optimizer_options", "lambd", "l1",
           "keep_prob", "clip_norm", "sample_weight", "validation_data", "patience", "callback")
#: train's defaults, for the keywords a call of train_many leaves out (read once, not per call).
_DEFAULTS = {name: p.default for name, p in inspect.signature(train).parameters.items()}


def _on_divergence(name: str, value: Any, seen: dict[str, Any]) -> str:
    if value not in ("raise", "return"):
        raise ValueError(f"{name}: expected 'raise' or 'return', got {check.short_repr(value)}")
    return str(value)


def _options(name: str, options: dict[str, Any], seen: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(_SHARED))
    if unknown:
        raise TypeError(f"train_many: unexpected keyword {unknown[0]!r}; it takes train's "
                        f"keywords {list(_SHARED)} (opt_state, checkpoint and "
                        f"checkpoint_every belong to one network: use train)"[:400])
    _callback("callback", options.get("callback"), seen)  # (the others: with the first run)
    return options


def _population(name: str, value: Any, seen: dict[str, Any]) -> Sequence[Mapping[str, Array]]:
    if isinstance(value, Mapping) or not isinstance(value, Sequence) or not value:
        raise TypeError(f"{name}: expected a non-empty sequence of params dicts, got "
                        f"{check.what(value)}")
    population: Sequence[Mapping[str, Array]] = value
    return population


def _learning_rates(name: str, value: Any, seen: dict[str, Any]) -> list[Any]:
    """One learning rate (or schedule) per network."""
    return _rates(seen["learning_rate"], len(seen["population"]))


def _planned_runs(name: str, value: Any, seen: dict[str, Any]) -> list[tuple[Run, TrainingState]]:
    """The run of every network: the data and options checked once, with the first network
    (``_plan``, as ``train`` checks them); each other network's params and learning rate
    checked on their own (an error names its place in the population)."""
    population, rates, options = seen["population"], seen["rates"], seen["options"]
    shared = {k: options.get(k, _DEFAULTS[k]) for k in _SHARED if k in _PLANNED}
    runs = [_plan(seen["X"], seen["Y"], population[0], seen["activations"], seen["loss"],
                  learning_rate=rates[0], epochs=seen["epochs"], opt_state=None,
                  compile=seen["compile"], **shared)]
    for i, (p, lr) in enumerate(zip(population[1:], rates[1:]), start=1):
        try:
            runs.append(_plan_another(runs[0][0], runs[0][1].params, p, seen["activations"],
                                      lr))
        except (TypeError, ValueError) as err:
            raise type(err)(f"population[{i}]: {err}"[:400]) from None
        if runs[i][0].net is not runs[0][0].net and _shape(runs[i][0]) != _shape(runs[0][0]):
            raise ValueError(f"population[{i}]: expected the architecture of population[0] "
                             f"({_describe(runs[0][0])}), got {_describe(runs[i][0])}; "
                             f"train_many trains networks of one architecture")
    return runs


@overload
def train_many(X: Array, Y: Array, population: Sequence[Mapping[str, Array]],
               activations: Sequence[ActivationSpec], loss: str, *,
               learning_rate: float | Array | Schedule | Sequence[float | Schedule],
               epochs: int,
               diverged: Literal["raise"] = "raise", compile: bool | None = None,
               **options: Any) -> list[_Outcome]: ...


@overload
def train_many(X: Array, Y: Array, population: Sequence[Mapping[str, Array]],
               activations: Sequence[ActivationSpec], loss: str, *,
               learning_rate: float | Array | Schedule | Sequence[float | Schedule],
               epochs: int,
               diverged: Literal["return"], compile: bool | None = None,
               **options: Any) -> list[_Outcome | TrainingDiverged]: ...


@checked(diverged=_on_divergence, options=_options, population=_population,
         rates=_learning_rates, runs=_planned_runs, returns="as_is")
def train_many(X: Array, Y: Array, population: Sequence[Mapping[str, Array]],
               activations: Sequence[ActivationSpec], loss: str, *,
               learning_rate: float | Array | Schedule | Sequence[float | Schedule],
               epochs: int,
               diverged: str = "raise", compile: bool | None = None,
               rates: list[Any], runs: list[tuple[Run, TrainingState]],
               **options: Any) -> list[Any]:
    """Train every network of ``population`` (params of one architecture: different seeds or
    initial weights) on (X, Y), each exactly as ``train`` would:

        for i = 1..N:  params_i, history_i = train(X, Y, population[i], ..., learning_rate_i)

    On JAX one compiled call trains them all (the step vmapped over the networks); elsewhere it
    is that loop, with the same results.

    Args:
        X, Y, activations, loss: as for ``train``, shared by every network.
        population: N params dicts of one architecture (keys, shapes, dtype, library).
        learning_rate: a number or schedule for every network, or a sequence of N of them,
            one per network.
        epochs: as for ``train``.
        diverged: 'raise' (a network that diverges raises its TrainingDiverged, with
            ``.network`` its index) or 'return' (its TrainingDiverged, holding the last finite
            params and the history so far, takes its place in the list).
        compile: as for ``train``.
        **options: any other keyword of ``train`` (``batch_size``, ``seed``, ``optimizer``,
            ``lambd``, ``keep_prob``, ...), the same for every network; not ``opt_state``,
            ``checkpoint`` or ``checkpoint_every``, which are one network's. With ``callback``,
            ``validation_data`` or ``patience`` the networks are trained one after another.

    Returns:
        [(params_1, history_1), ..., (params_N, history_N)], in the order of ``population``.

    Example: 000's sweep of one width over three seeds and two learning rates, six networks,
    each the network ``train`` makes of it alone:

    >>> X, Y = mf.data.x_squared(100)
    >>> population = [mf.init_params([1, 8, 1], seed=s) for s in (0, 1, 2)] * 2
    >>> rates = [0.01] * 3 + [0.1] * 3
    >>> results = mf.train_many(X, Y, population, ["tanh", "identity"], "mse",
    ...                         learning_rate=rates, epochs=200)
    >>> alone, _ = mf.train(X, Y, population[4], ["tanh", "identity"], "mse",
    ...                     learning_rate=0.1, epochs=200)
    >>> len(results), all(np.allclose(results[4][0][k], alone[k]) for k in alone)
    (6, True)
    """
    # (rates: one learning rate or schedule per network; runs: every network's run and first
    # state, all arguments checked)
    together = runs[0][0].compiler == "jax" and not any(
        options.get(k) is not None for k in ("callback", "validation_data", "patience"))
    if not together:
        return [_one(run, start, options.get("callback"), diverged, i)
                for i, (run, start) in enumerate(runs)]
    return _together(runs, diverged)


def _rates(learning_rate: Any, n: int) -> list[Any]:
    """One learning rate (number or schedule) per network."""
    if callable(learning_rate) or isinstance(learning_rate, (int, float, np.number)) or \
            getattr(learning_rate, "ndim", None) == 0:  # one number, or a 0-d array of one
        return [learning_rate] * n
    if getattr(learning_rate, "ndim", None) == 1:  # an array of rates, one per network
        learning_rate = [float(r) for r in to_host(learning_rate)]
    if not isinstance(learning_rate, Sequence) or isinstance(learning_rate, str):
        raise TypeError(f"learning_rate: expected a number, a schedule or a sequence of them, "
                        f"one per network, got {check.what(learning_rate)}")
    if len(learning_rate) != n:
        raise ValueError(f"learning_rate: expected one per network ({n}), got "
                         f"{len(learning_rate)}")
    return list(learning_rate)


def _shape(run: Run) -> tuple[Any, ...]:
    net = run.net
    return (net.activations, tuple((l.n_in, l.n_out, l.norm, l.residual, l.dropout)
                                   for l in net.layers), str(net.dtype), net.backend.name,
            str(net.backend.device))


def _describe(run: Run) -> str:
    net = run.net
    return (f"widths {[net.n_x] + [l.n_out for l in net.layers]}, "
            f"{[l.norm for l in net.layers]} normalisation, {net.dtype}")


def _one(run: Run, start: TrainingState, callback: Any, diverged: str, i: int) -> Any:
    """Network i trained alone, as ``train`` trains it (its run planned and checked with the
    others'), its divergence and warning named by its place."""
    try:
        state, history = _run_loop(run, start, new_history(start.opt_state), callback)
    except TrainingDiverged as err:  # named as the compiled path names it: network i
        failure = TrainingDiverged(f"network {i}: {err}", err.params, err.history)
        failure.network = i
        if diverged == "raise":
            raise failure from None
        return failure
    return _result(run, state, _warn_if_unstable(history, run, network=i))


def _together(runs: list[tuple[Run, TrainingState]], diverged: str) -> list[Any]:
    """The JAX path: the networks' params and states stacked on a leading axis, chunks of
    epochs run by one vmapped, compiled call, each network's history kept apart."""
    run0, start0 = runs[0]
    n = len(runs)
    b = run0.net.backend
    stack: Callable[[list[Array]], Array] = lambda arrays: stacked(arrays, b)  # noqa: E731
    params = {k: stack([s.params[k] for _, s in runs]) for k in start0.params}
    opt: Any = {"step": [s.opt_state["step"] for _, s in runs],
           "slots": {name: {k: stack([s.opt_state["slots"][name][k] for _, s in runs])
                            for k in slot} for name, slot in start0.opt_state["slots"].items()}}
    histories = [new_history(s.opt_state) for _, s in runs]
    failed: dict[int, TrainingDiverged] = {}
    epoch = start0.epoch
    split: dict[str, list[Array]] = {}  # each network's own arrays, cut after the last chunk
    split_slots: dict[str, dict[str, list[Array]]] = {}
    while epoch < run0.end_epoch:
        count = min(run0.end_epoch - epoch, epochs_in_memory(run0))
        epochs = range(epoch, epoch + count)
        if all(run.optimizer.constant is not None for run, _ in runs):  # one rate each
            rates = np.array([run.optimizer.constant for run, _ in runs])
        else:  # each epoch's rate of each network
            rates = np.array([[run.optimizer.constant] * count if run.optimizer.constant
                              is not None else [_learning_rate_at(run, e) for e in epochs]
                              for run, _ in runs])
        chunk = run_chunk(run0, params, opt, epochs, rates, many=True)
        all_costs = epoch_costs(chunk)  # (networks, epochs)
        finite_costs = np.isfinite(all_costs).all(axis=1)
        cost_lists = all_costs.tolist()
        last = epochs[-1] + 1 >= run0.end_epoch
        finite_params = chunk.finite if last else np.ones(n, dtype=bool)
        if last:  # each network's arrays, cut from the stacks
            split = {k: _split(a, b) for k, a in chunk.params.items()}
            split_slots = {name: {k: _split(a, b) for k, a in slot.items()}
                           for name, slot in chunk.opt_state["slots"].items()}
        for i, (run, _) in enumerate(runs):
            if i in failed:
                continue
            bad = None if finite_costs[i] else int(np.argmin(np.isfinite(all_costs[i])))
            if bad is None and not finite_params[i]:
                bad = count - 1
            if bad is None:
                mine = {k: a[i] for k, a in split.items()}
            if bad is not None:
                start = TrainingState({k: a[i] for k, a in params.items()},
                                      _slice(opt, i), epoch,
                                      EarlyStopping(np.inf, -1, {}, 0))
                failed[i] = _failure(start, run, bad, histories[i], i)
                continue
            lr = run.optimizer.constant
            records = EpochRecords(cost_lists[i], [lr] * count if lr is not None else
                                   rates[i].tolist(), [], [])
            # (between chunks the history's state is a placeholder: the last chunk sets it)
            opt_i = _slice(chunk.opt_state, i, split_slots) if last else start0.opt_state
            state = TrainingState(mine, opt_i, epochs[-1] + 1,
                                  EarlyStopping(np.inf, epochs[-1], mine, 0))
            histories[i] = _recorded(histories[i], records, state, run)
        params, opt = chunk.params, chunk.opt_state
        epoch += count
    if not split:  # no epoch to run: each network's arrays are its own, as given
        split = {k: [s.params[k] for _, s in runs] for k in start0.params}
        split_slots = {name: {k: [s.opt_state["slots"][name][k] for _, s in runs]
                              for k in slot} for name, slot in start0.opt_state["slots"].items()}
    out: list[Any] = []
    for i, (run, _) in enumerate(runs):
        if i in failed:
            if diverged == "raise":
                raise failed[i]
            out.append(failed[i])
            continue
        mine = {k: a[i] for k, a in split.items()}
        state = TrainingState(mine, _slice(opt, i, split_slots), run.end_epoch,
                              EarlyStopping(np.inf, run.end_epoch - 1, mine, 0))
        out.append(_result(run, state, _warn_if_unstable(histories[i], run, network=i)))
    return out


def _split(stacked: Array, b: Backend) -> list[Array]:
    """The networks' arrays of a stack, each its own: cut on the host and moved back in one
    transfer (slicing on the device costs a dispatch per network, and JAX's unstack compiles a
    program per shape, seconds for a population of 200)."""
    host = to_host(stacked)
    return from_host_list([host[i] for i in range(host.shape[0])], b)


def _slice(opt: Mapping[str, Any], i: int, split: Mapping[str, Any] | None = None) -> Any:
    """Network i's optimizer state from the stacked one (``split``: its slots already cut into
    one array per network)."""
    slots = split if split is not None else opt["slots"]
    return {"step": int(opt["step"][i]),
            "slots": {name: {k: a[i] for k, a in slot.items()}
                      for name, slot in slots.items()}}


def _failure(start: TrainingState, run: Run, finite: int, history: History,
             i: int) -> TrainingDiverged:
    """Network i's TrainingDiverged, from a replay of its own run (see ``loop.replay``), with
    the history up to the epoch before and ``.network`` = i."""
    try:
        with np.errstate(all="ignore"):
            state = start
            if finite:
                state, records = _run_epochs(start, run, finite)
                history = _recorded(history, records, state, run)
            _replay(state, run, 0)
    except TrainingDiverged as err:
        failure = TrainingDiverged(f"network {i}: {err}", err.params,
                                   _result_history(history, err.opt_state))
        failure.network = i
        return failure
    raise AssertionError("replay returns only by raising")  # pragma: no cover
