"""Training on several devices at once with ``torch.distributed``: data parallelism.

Every process holds the same params and takes its shard of every mini-batch (a contiguous share
of its columns). Each computes the gradients of its shard's mean cost with ``mlp_fn.backward``;
the full batch's gradient is their mean weighted by shard size,

    dW = sum_r (k_r / k) dW_r,     k = sum_r k_r,

which one ``all_reduce`` (a sum over the processes) of each gradient, scaled by k_r / k first,
gives every process. Each then takes the same step, so the params stay equal everywhere, and
the run equals a single process training on the same batches (to rounding).

Run on two CPU processes (gloo, the loopback only):

    python examples/data_parallel.py

On several GPUs the same code runs with the NCCL backend, one process per GPU, started by
``torchrun --nproc-per-node=N examples/data_parallel.py --backend nccl``: torchrun sets RANK,
WORLD_SIZE and the rendezvous address, and each process puts its params and shard on
``cuda:<LOCAL_RANK>``.

Batch normalisation is left out here: its statistics would be each shard's, not the batch's.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import numpy as np

import mlp_fn as mf

ACTIVATIONS = ["tanh", "tanh", "sigmoid"]


def shard(m: int, start: int, stop: int, rank: int, world: int) -> slice:
    """Process ``rank``'s columns of the batch [start, stop): contiguous, sizes differing by at
    most one."""
    k = stop - start
    bounds = [start + (k * r) // world for r in range(world + 1)]
    return slice(bounds[rank], bounds[rank + 1])


def train_data_parallel(X: Any, Y: Any, params: dict[str, Any], *, learning_rate: float,
                        epochs: int, batch_size: int, rank: int, world: int) -> dict[str, Any]:
    """Mini-batch gradient descent with each batch split over the ``world`` processes."""
    import torch.distributed as dist

    m = X.shape[1]
    for _ in range(epochs):
        for start in range(0, m, batch_size):
            stop = min(start + batch_size, m)
            cols = shard(m, start, stop, rank, world)
            Xs, Ys = X[:, cols], Y[:, cols]
            AL, cache = mf.forward(Xs, params, ACTIVATIONS, training=True)
            grads = mf.backward(AL, Ys, cache, params, ACTIVATIONS, "bce")
            weight = (cols.stop - cols.start) / (stop - start)  # k_r / k
            reduced = {}
            for key, g in grads.items():
                g = (g * weight).contiguous()
                dist.all_reduce(g, op=dist.ReduceOp.SUM)  # sum_r (k_r / k) dW_r
                reduced[key] = g
            params = mf.update(params, reduced, learning_rate)
    return params


#: The example's problem: 203 noisy XOR points, a 2-8-8-1 network, batches of 25 (the last 3).
DIMS, SEED, EPOCHS, BATCH, RATE = [2, 8, 8, 1], 3, 20, 25, 0.5


def problem() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    return mf.data.noisy_xor(203, seed=5)


def worker(rank: int, world: int, port: int, out: str, backend: str) -> None:
    """One process: join the group, train on its shards, and (rank 0) save the result."""
    import torch
    import torch.distributed as dist

    dist.init_process_group(backend, init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=world)
    try:
        device = f"cuda:{rank}" if backend == "nccl" else "cpu"
        X, Y = problem()
        params = mf.init_params(DIMS, seed=SEED, xp=torch, device=device)  # equal everywhere
        trained = train_data_parallel(torch.asarray(X, device=device),
                                      torch.asarray(Y, device=device), params,
                                      learning_rate=RATE, epochs=EPOCHS, batch_size=BATCH,
                                      rank=rank, world=world)
        if rank == 0:
            mf.save_params(out, trained, ACTIVATIONS, "bce")
    finally:
        dist.destroy_process_group()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=29517)
    parser.add_argument("--out", default="data_parallel.npz")
    parser.add_argument("--backend", default="gloo", choices=["gloo", "nccl"])
    args = parser.parse_args()
    if "RANK" in os.environ:  # started by torchrun: one process of the group
        rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        worker(rank, world, int(os.environ.get("MASTER_PORT", args.port)), args.out,
               args.backend)
        return
    import torch.multiprocessing as mp

    mp.spawn(worker, args=(args.processes, args.port, args.out,  # type: ignore[attr-defined, no-untyped-call]
                           args.backend), nprocs=args.processes)
    X, Y = problem()
    alone, _ = mf.train(X, Y, mf.init_params(DIMS, seed=SEED), ACTIVATIONS, "bce",
                        learning_rate=RATE, epochs=EPOCHS, batch_size=BATCH, shuffle=False)
    together, _, _ = mf.load_params(args.out)
    worst = max(float(np.max(np.abs(together[k] - alone[k]))) for k in alone)
    print(f"{args.processes} processes vs one: params differ by at most {worst:.2e}")


if __name__ == "__main__":
    main()
