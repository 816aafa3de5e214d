"""Training compiled: the same step (``loop.step``), traced once and run by a compiler.

Nothing here restates an equation. ``loop.step`` is the book's step (forward, the cost,
backward, clipping, the optimizer's rule); it reads no array's value and branches only on the
run's settings, so a compiler can trace it. This module only arranges the loops around it:

    JAX (jit):   one call runs several epochs: lax.scan over the epochs, each a lax.scan of
                 the step over its batches of k examples (then the step on the last, smaller
                 batch, if m is not a multiple of k); the epochs' costs come back as an array.
    PyTorch:     torch.compile(step), called batch by batch by the eager loop.

What is random is drawn on the host by NumPy's generator exactly as the eager loop draws it (the
epoch's order from (seed, epoch), batch t's dropout masks from (seed, epoch, t k, 1)) and passed
in, so a compiled run sees the batches and masks of an eager one, bit for bit. Everything that
reads values stays outside the compiled call, in the loop: the checks, the costs as numbers,
divergence (found in the returned costs, then the epoch replayed eagerly to name the batch and
keep the last finite params), validation, callbacks and checkpoints at epoch boundaries.

A compiled program is kept per network, loss, optimizer and regularisation (and jit keeps one
per shape), so a second call with the same shapes and options reuses it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple

import numpy as np

from mlp_fn._internal.arrays import Backend, from_host, host_dtype, is_numpy, to_host
from mlp_fn._internal.types import Array, Params
from mlp_fn.layers import dropout_masks
from mlp_fn.optimizers import OptState
from mlp_fn.training._state import Run

__all__ = ["compiler_for", "Chunk", "run_chunk", "torch_step", "epochs_in_memory",
           "epoch_costs"]

#: The most numbers the host draws for one compiled call (the epochs' orders and dropout masks):
#: 2^23 float64 numbers are 64 MiB. A run with more is cut into several calls.
MAX_DRAWN = 2**23

#: An epoch that multiplies fewer weights by examples than this is a loop of a few
#: microseconds, where the loop's own cost counts: its program unrolls the epochs 4 at a time.
#: Measured on XOR (2-4-1, 4 examples, 10,000 epochs, 1 CPU thread): 8.1 ms a call rolled,
#: 6.0 ms unrolled by 4 (compiling 0.6 s against 0.8 s); on digits-sized epochs unrolling
#: made no gain and doubled the compile time.
SMALL_EPOCH = 2**12


def compiler_for(b: Backend, compile: Any) -> str | None:
    """Which compiler runs the steps: 'jax' (JAX arrays, ``compile`` None or True), 'torch'
    (PyTorch tensors, ``compile=True`` only: torch.compile costs seconds to minutes the first
    time, which pays only for long runs), or None (eager)."""
    if compile is not None and not isinstance(compile, bool):
        raise TypeError(f"compile: expected None (compile where it pays), True or False, got "
                        f"{type(compile).__name__} {compile!r}"[:200])
    if compile is False:
        return None
    if b.name == "jax":
        return "jax"
    if compile is None:
        return None
    if b.name == "torch":
        return "torch"
    if is_numpy(b):
        raise ValueError("compile: NumPy has no compiler; compile=True needs JAX arrays (jit) or "
                         "PyTorch tensors (torch.compile). Leave compile=None for NumPy")
    raise ValueError(f"compile: mlp_fn compiles JAX (jit) and PyTorch (torch.compile), not "
                     f"{b.name}; pass compile=None or False")


# ----------------------------------------------------------------------------------------------
# What the host draws for a chunk of epochs
# ----------------------------------------------------------------------------------------------

class Chunk(NamedTuple):
    """What a chunk of epochs brings back: the params and optimizer state after it, each
    epoch's batch costs J{t}, (epochs, batches) on the host, and the batches' shares of the
    epoch cost: their sizes (batches,), the same every epoch, or with sample weights the sums
    of their weights, (epochs, batches), where a skipped batch (all its weights 0) has share 0.
    ``finite``: whether every parameter after the chunk is finite (one per network for a
    population), found inside the program so that no array is read one by one."""

    params: Params
    opt_state: OptState
    costs: np.ndarray[Any, Any]
    shares: np.ndarray[Any, Any]
    finite: np.ndarray[Any, Any]


def epochs_in_memory(run: Run) -> int:
    """How many epochs one compiled call may take so that their orders and masks stay within
    ``MAX_DRAWN`` numbers."""
    m = run.data.X.shape[1]
    drawn = m * (1 + sum(layer.n_out for layer in run.net.layers if layer.dropout)
                 * (run.regularization.keep_prob < 1.0))
    return max(1, MAX_DRAWN // int(drawn))


def _drawn(run: Run, epochs: Sequence[int]) -> tuple[Any, ...]:
    """The chunk's orders (E, m) or None, dropout masks per batch {``"D{l}"``: (E, T, n[l], k)} and
    for the last smaller batch {``"D{l}"``: (E, n[l], r)} (or None), and the batches' shares as
    the eager loop computes them: (T,) or (T+1,) sizes, or (E, T or T+1) sums of weights."""
    data, net, keep = run.data, run.net, run.regularization.keep_prob
    m, k = data.X.shape[1], data.batch_size
    T, r = m // k, m % k
    orders = [np.random.default_rng((data.seed, e)).permutation(m) for e in epochs] \
        if data.shuffle else None
    if data.sample_weight is None:
        shares = np.array([k] * T + [r] * (r > 0), dtype=np.float64)
    else:
        w = to_host(data.sample_weight)[0]
        rows = []
        for i in range(len(epochs)):
            we = w if orders is None else w[orders[i]]
            rows.append([float(np.sum(we[t * k:(t + 1) * k])) for t in range(T)]
                        + [float(np.sum(we[T * k:]))] * (r > 0))
        shares = np.array(rows)
    masks = rest = None
    if keep < 1.0:
        dtype = host_dtype(data.X.dtype)
        hidden = [layer for layer in net.layers if layer.dropout]
        draw = dropout_masks.unchecked
        per_batch = [[draw({layer.keys.D: (layer.n_out, k) for layer in hidden}, keep,
                           [data.seed, e, t * k, 1], dtype) for t in range(T)]
                     for e in epochs]
        masks = {layer.keys.D: np.stack([np.stack([d[layer.keys.D] for d in batches])
                                         for batches in per_batch]) for layer in hidden}
        if r:
            last = [draw({layer.keys.D: (layer.n_out, r) for layer in hidden}, keep,
                         [data.seed, e, T * k, 1], dtype) for e in epochs]
            rest = {layer.keys.D: np.stack([d[layer.keys.D] for d in last]) for layer in hidden}
    return (None if orders is None else np.stack(orders)), masks, rest, shares


def epoch_costs(chunk: Chunk) -> np.ndarray[Any, Any]:
    """Each epoch's cost (the last axis of ``chunk.costs`` summed away): the batches' costs
    weighted by their shares, sum_t J{t} k_t / sum_t k_t, as the eager loop weighs them; NaN
    or inf where a batch that counts has such a cost (a skipped batch counts for nothing)."""
    if chunk.shares.ndim == 1:  # every batch counts, by its size
        sizes: np.ndarray[Any, Any] = chunk.costs @ chunk.shares / chunk.shares.sum()
        return sizes
    counted = chunk.shares > 0
    with np.errstate(invalid="ignore", over="ignore"):
        weighted = np.where(counted, chunk.costs * chunk.shares, 0.0)
    costs: np.ndarray[Any, Any] = weighted.sum(axis=-1) / chunk.shares.sum(axis=-1)
    return costs


# ----------------------------------------------------------------------------------------------
# JAX: a chunk of epochs as one jitted call
# ----------------------------------------------------------------------------------------------

#: Compiled programs, one per network, loss, optimizer, regularisation, batch size and
#: population-or-not (jit keeps one per shape inside each).
_PROGRAMS: dict[Hashable, Callable[..., Any]] = {}


def _key(run: Run, many: bool) -> Hashable | None:
    """What decides a program's code beyond the shapes of its arguments, or None where it
    cannot be told (a custom activation holding unhashable values: that run compiles
    afresh)."""
    net = run.net
    key = (tuple(a if isinstance(a, str) else tuple(sorted(a.items()))
                 for a in net.activations),
           tuple((l.n_in, l.n_out, l.norm, l.residual, l.dropout) for l in net.layers),
           str(net.dtype), run.loss, run.optimizer.name,
           tuple(sorted(run.optimizer.hyper.items())), tuple(run.regularization),
           run.data.batch_size, _unroll(run), many)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _unroll(run: Run) -> int:
    """How many epochs the program's loop runs per turn: 4 for a small epoch (``SMALL_EPOCH``),
    else 1."""
    work = run.data.X.shape[1] * sum(layer.n_in * layer.n_out for layer in run.net.layers)
    return 4 if work < SMALL_EPOCH else 1


def _settings(run: Run) -> Run:
    """``run`` without its arrays: what a program keeps (the data are its arguments, never
    constants baked into it, and a kept program holds no one's data)."""
    none = np.empty((0, 0))
    return run._replace(data=run.data._replace(X=none, Y=none, sample_weight=None, batches=None),
                        validation=None)


def _jax_program(run: Run, many: bool) -> Callable[..., Any]:
    """The jitted chunk of epochs for ``run``'s settings (its data are arguments, never
    constants of the program)."""
    key = _key(run, many)
    if key is not None and key in _PROGRAMS:
        return _PROGRAMS[key]
    import jax

    from mlp_fn.training.loop import _step  # the book's step: this module only loops it

    xp = run.net.backend.xp
    settings = _settings(run)
    unroll = _unroll(run)

    def chunk(params: Params, opt_state: OptState, data: tuple[Array, Array, Array | None],
              rates: Array, orders: Array | None, masks: dict[str, Array] | None,
              rest_masks: dict[str, Array] | None, active: Array | None,
              epochs: int) -> tuple[tuple[Params, OptState], Array, Array]:
        X = data[0]
        n, m = X.shape
        k = run.data.batch_size
        T, r = m // k, m % k

        def batches(arrays: tuple[Array | None, ...]) -> tuple[Any, ...]:
            """(T, rows, k) stacks of the full batches, and the last smaller batch."""
            full = tuple(None if a is None else xp.permute_dims(
                xp.reshape(a[:, :T * k], (a.shape[0], T, k)), (1, 0, 2)) for a in arrays)
            return full, tuple(None if a is None else a[:, T * k:] for a in arrays)

        fixed: Any = batches(data) if orders is None else None

        def one_epoch(carry: Any, epoch: Any) -> tuple[Any, Array]:
            lr, order, D, D_rest, on = epoch
            lr = rates if lr is None else lr
            full, rest = fixed if order is None else batches(
                tuple(None if a is None else xp.take(a, order, axis=1) for a in data))

            def one_batch(carry: Any, batch: Any) -> tuple[Any, Array]:
                Xb, Yb, wb, Db, on_b = batch
                params, opt_state = carry
                new_params, new_opt, J = _step(Xb, Yb, wb, params, opt_state, lr, Db, settings)
                new = (new_params, new_opt)
                if on_b is not None:  # a batch whose weights are all 0 makes no step
                    new = jax.tree_util.tree_map(lambda a, b: xp.where(on_b, a, b), new, carry)
                return new, J

            on_full = None if on is None else on[:T]
            carry, J = jax.lax.scan(one_batch, carry, (*full, D, on_full))
            if r:
                X_rest, Y_rest, w_rest = rest
                new_params, new_opt, J_rest = _step(X_rest, Y_rest, w_rest, carry[0], carry[1],
                                                    lr, D_rest, settings)
                new = (new_params, new_opt)
                if on is not None:
                    new = jax.tree_util.tree_map(lambda a, b: xp.where(on[T], a, b), new, carry)
                carry, J = new, xp.concat([J, xp.reshape(J_rest, (1,))])
            return carry, J

        # One rate for the chunk is an argument of every step; else the epoch's is scanned.
        per_epoch = rates if rates.ndim else None
        (params, opt_state), J = jax.lax.scan(one_epoch, (params, opt_state),
                                              (per_epoch, orders, masks, rest_masks, active),
                                              length=epochs, unroll=unroll)
        finite = functools.reduce(xp.logical_and, [xp.all(xp.isfinite(a))
                                                   for a in params.values()])
        return (params, opt_state), J, finite

    def population(*args: Any) -> Any:
        return jax.vmap(functools.partial(chunk, epochs=args[-1]),
                        in_axes=(0, 0, None, 0, None, None, None, None))(*args[:-1])

    # The number of epochs is part of the program (a chunk may have no array of that length).
    program = jax.jit(population if many else chunk, static_argnums=8)
    if key is not None:
        _PROGRAMS[key] = program
    return program


def run_chunk(run: Run, params: Params, opt_state: OptState, epochs: Sequence[int],
              rates: np.ndarray[Any, Any], many: bool = False) -> Chunk:
    """``len(epochs)`` epochs of ``run`` on JAX in one compiled call, from ``params`` and
    ``opt_state``, at the learning rates ``rates``: one per epoch (epochs,), or one for them
    all, a 0-d array. ``many``: a population for ``train_many``, every array of params and
    state with a leading axis of networks, and so ``rates`` ((networks, epochs) or
    (networks,))."""
    b, data = run.net.backend, run.data
    orders, masks, rest, shares = _drawn(run, epochs)
    active = None  # which batches make a step: only where sample weights leave one empty
    if shares.ndim == 2 and np.any(shares == 0):
        active = from_host(shares > 0, b)
    host = host_dtype(data.X.dtype)

    def moved(d: dict[str, np.ndarray[Any, Any]] | None) -> dict[str, Array] | None:
        return None if d is None else {key: from_host(a, b) for key, a in d.items()}

    # One network's step count and a rate held over the chunk go in as Python numbers: jit
    # takes them weakly typed (so Adam's beta^t and lr * g keep the params' dtype), faster
    # than any transfer of an array.
    count: Any = opt_state["step"]  # an int, or a list of one per network
    steps = count if np.ndim(count) == 0 else b.xp.asarray(count, device=b.device)
    rate = float(rates) if rates.ndim == 0 else from_host(rates.astype(host), b)
    (new_params, new_state), costs, finite = _jax_program(run, many)(
        params, {"step": steps, "slots": opt_state["slots"]},
        (data.X, data.Y, data.sample_weight), rate,
        None if orders is None else from_host(orders, b), moved(masks), moved(rest), active,
        len(epochs))
    # The step count after the chunk, known without asking the device: one per batch that
    # made a step (a batch of weights all 0 makes none).
    taken = int(np.count_nonzero(shares)) * (len(epochs) if shares.ndim == 1 else 1)
    out_state: Any = {"step": int(count) + taken if np.ndim(count) == 0 else
                      [int(c) + taken for c in count], "slots": new_state["slots"]}
    J = np.asarray(to_host(costs), dtype=np.float64)
    return Chunk(new_params, out_state, J, shares, to_host(finite))


# ----------------------------------------------------------------------------------------------
# PyTorch: the step through torch.compile, called by the eager loop
# ----------------------------------------------------------------------------------------------

_TORCH_STEPS: dict[Hashable, Callable[..., Any]] = {}


def torch_step(run: Run) -> Callable[..., tuple[Params, OptState, Array]]:
    """``loop.step`` for ``run``'s settings through ``torch.compile``; the learning rate is
    passed as a 0-d tensor of the params' dtype, so a schedule does not recompile it. Not
    ``fullgraph=True``: array_api_compat's torch namespace asks ``torch.result_type`` for the
    dtype of a Python number mixed with a tensor, which dynamo cannot trace, so the graph
    breaks there (measured on CPU, torch 2.13: the first call compiles for about 50 s)."""
    key = _key(run, False)
    if key is not None and key in _TORCH_STEPS:
        return _TORCH_STEPS[key]
    import torch

    from mlp_fn.training.loop import _step

    settings = _settings(run)

    def compiled_step(X: Array, Y: Array, w: Array | None, params: Params, opt_state: OptState,
                      lr: Array, masks: dict[str, Array] | None) -> tuple[Params, OptState, Array]:
        return _step(X, Y, w, params, opt_state, lr, masks, settings)

    fn: Callable[..., tuple[Params, OptState, Array]] = torch.compile(compiled_step)
    if key is not None:
        _TORCH_STEPS[key] = fn
    return fn

