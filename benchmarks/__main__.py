"""``python -m benchmarks [--repeats N] [--quick] [--json FILE]``.

Trains each workload (large, digits, tiny; float32 and float64) from the same initial weights
and batch order with mlp_fn, the in-place baseline, a lean course-style functional trainer
(``benchmarks/functional.py``) and, when installed, scikit-learn and PyTorch (CPU, eager, one
thread), mlp_fn on PyTorch tensors (eager), mlp_fn compiled on JAX and a hand-written JAX
trainer (``benchmarks/jax_runner.py``; XLA held to one thread as BLAS is; the compiled ones'
first call, which compiles, timed apart); then 000's 200-network sweep (``sweep``); runs are
interleaved (one of each, then again, each repetition starting one implementation later) and
repeated; each implementation's time is the median, and its ratio to the baseline the median of
the pair-by-pair ratios of the same repetition. Before each timed call the garbage of the calls
before it is collected (``gc.collect()``), so that no implementation pays for another's: the
collector's work on what a call itself allocates stays in its time.
Also measured: that every implementation reaches the same final loss, peak memory on the large
workload (tracemalloc), and what ``import mlp_fn`` adds to ``import numpy``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import mlp_fn as mf
from mlp_fn._internal.arrays import to_host
from benchmarks import jax_runner, sklearn_runner, torch_runner
from benchmarks import functional, previous
from benchmarks.baseline import train_inplace
from benchmarks.workloads import WORKLOADS, Workload


def run_mlp_fn(w: Workload) -> Callable[[], dict[str, Any]]:
    def go() -> dict[str, Any]:
        params, _ = mf.train(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                             learning_rate=w["learning_rate"], epochs=w["epochs"],
                             batch_size=w["batch_size"], shuffle=False)
        return dict(params)
    return go


def run_baseline(w: Workload) -> Callable[[], dict[str, Any]]:
    def go() -> dict[str, Any]:
        return train_inplace(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                             w["learning_rate"], w["epochs"], w["batch_size"])[0]
    return go


def run_functional(w: Workload) -> Callable[[], dict[str, Any]]:
    def go() -> dict[str, Any]:
        return functional.train(w["X"], w["Y"], dict(w["params"]), w["activations"], w["loss"],
                                w["learning_rate"], w["epochs"], w["batch_size"])[0]
    return go


def run_sklearn(w: Workload) -> Callable[[], dict[str, Any]]:
    # Preparation (a warm-up epoch and setting the weights) is outside the timed call.
    state: dict[str, Any] = {}

    def go() -> dict[str, Any]:
        clf, Xr, y = state.pop("prepared")
        return sklearn_runner.train(clf, Xr, y)

    def prepare() -> None:
        state["prepared"] = sklearn_runner.prepare(w["X"], w["Y"], w["params"],
                                                   w["activations"], w["learning_rate"],
                                                   w["epochs"], w["batch_size"])
    go.prepare = prepare  # type: ignore[attr-defined]
    return go


def run_torch(w: Workload) -> Callable[[], dict[str, Any]]:
    # Building the layers and tensors is outside the timed call, as for scikit-learn.
    state: dict[str, Any] = {}

    def go() -> dict[str, Any]:
        return torch_runner.train(state.pop("prepared"))

    def prepare() -> None:
        state["prepared"] = torch_runner.prepare(w["X"], w["Y"], w["params"], w["activations"],
                                                 w["loss"], w["learning_rate"], w["epochs"],
                                                 w["batch_size"])
    go.prepare = prepare  # type: ignore[attr-defined]
    return go


def _on_jax(w: Workload) -> dict[str, Any]:
    import jax.numpy as jnp

    return {"X": jnp.asarray(w["X"]), "Y": jnp.asarray(w["Y"]),
            "params": {k: jnp.asarray(v) for k, v in w["params"].items()}}


def run_mlp_fn_jax(w: Workload) -> Callable[[], dict[str, Any]]:
    """mlp_fn.train on JAX arrays: compiled (the default for JAX); the arrays moved once."""
    state: dict[str, Any] = {}

    def go() -> dict[str, Any]:
        if not state:
            state.update(_on_jax(w))
        params, _ = mf.train(state["X"], state["Y"], state["params"], w["activations"],
                             w["loss"], learning_rate=w["learning_rate"], epochs=w["epochs"],
                             batch_size=w["batch_size"], shuffle=False)
        return {k: np.asarray(v) for k, v in params.items()}
    go.compiles = True  # type: ignore[attr-defined]
    return go


def run_jax(w: Workload) -> Callable[[], dict[str, Any]]:
    state: dict[str, Any] = {}

    def go() -> dict[str, Any]:
        return jax_runner.train(state["prepared"])

    def prepare() -> None:
        if not state:
            state["prepared"] = jax_runner.prepare(w["X"], w["Y"], w["params"],
                                                   w["activations"], w["loss"],
                                                   w["learning_rate"], w["epochs"],
                                                   w["batch_size"])
    go.prepare = prepare  # type: ignore[attr-defined]
    go.compiles = True  # type: ignore[attr-defined]
    return go


def run_mlp_fn_torch(w: Workload) -> Callable[[], dict[str, Any]]:
    """mlp_fn.train on PyTorch tensors on the CPU, eager (one thread)."""
    state: dict[str, Any] = {}

    def go() -> dict[str, Any]:
        params, _ = mf.train(state["X"], state["Y"], state["params"], w["activations"],
                             w["loss"], learning_rate=w["learning_rate"], epochs=w["epochs"],
                             batch_size=w["batch_size"], shuffle=False)
        return {k: to_host(v) for k, v in params.items()}

    def prepare() -> None:
        if not state:
            import torch

            torch.set_num_threads(1)
            state.update({"X": torch.asarray(np.array(w["X"])),
                          "Y": torch.asarray(np.array(w["Y"])),
                          "params": {k: torch.asarray(np.array(v))
                                     for k, v in w["params"].items()}})
    go.prepare = prepare  # type: ignore[attr-defined]
    return go


#: How many more rounds the sweep's two compiled trainers get than the NumPy loop (20 s a call).
PAIRS = 4


def sweep(repeats: int, quick: bool) -> dict[str, Any]:
    """000's sweep: 1-8-1 tanh networks on x^2 at 100 points, full-batch gradient descent for
    2,000 epochs, 50 seeds x 4 learning rates (200 networks), float64: a loop of mlp_fn.train on
    NumPy, mlp_fn.train_many on JAX (one compiled, vmapped call) and the hand-written JAX
    trainer vmapped the same way. Interleaved; the compiled ones' first call apart. Each call
    is timed as far as its own results: train_many's JAX arrays as it returns them, the
    hand-written trainer's stack cut into each network's arrays. The two compiled ones, 0.3-0.5
    s a call, are compared over ``PAIRS`` times as many rounds of their own (interleaved, each
    round's ratio; single calls here vary by up to 2x)."""
    import jax.numpy as jnp

    X, Y = mf.data.x_squared(100)
    seeds = 5 if quick else 50
    epochs = 200 if quick else 2000
    population = [dict(mf.init_params([1, 8, 1], seed=s)) for s in range(seeds)] * 4
    rates = [lr for lr in (0.003, 0.01, 0.03, 0.1) for _ in range(seeds)]
    acts = ["tanh", "identity"]
    Xj: Any = jnp.asarray(X)
    Yj: Any = jnp.asarray(Y)
    popj: Any = [{k: jnp.asarray(v) for k, v in p.items()} for p in population]
    hand = jax_runner.prepare_sweep(X, Y, population, acts, "mse", rates, epochs)

    def numpy_loop() -> list[dict[str, Any]]:
        return [dict(p) for p, _ in mf.train_many(X, Y, population, acts, "mse",
                                                  learning_rate=rates, epochs=epochs)]

    def mlp_fn_jax() -> list[dict[str, Any]]:
        return [p for p, _ in mf.train_many(Xj, Yj, popj, acts, "mse", learning_rate=rates,
                                            epochs=epochs)]

    def hand_jax() -> list[dict[str, Any]]:
        stacked = jax_runner.train(hand)
        return [{k: v[i] for k, v in stacked.items()} for i in range(len(population))]

    fns = {"numpy_loop": numpy_loop, "mlp_fn_jax": mlp_fn_jax, "jax": hand_jax}
    first = {}
    for name in ("mlp_fn_jax", "jax"):
        t0 = time.perf_counter()
        fns[name]()
        first[name] = time.perf_counter() - t0
    times: dict[str, list[float]] = {k: [] for k in fns}
    results: dict[str, list[dict[str, Any]]] = {}
    for rep in range(repeats):
        for name in rotated(list(fns), rep):
            fn = fns[name]
            results.pop(name, None)
            gc.collect()  # the garbage of the calls before is theirs (see the module docstring)
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
    pairs: dict[str, list[float]] = {"mlp_fn_jax": [], "jax": []}
    for rep in range(PAIRS * repeats):
        for name in rotated(list(pairs), rep):
            gc.collect()
            t0 = time.perf_counter()
            fns[name]()
            pairs[name].append(time.perf_counter() - t0)
    worst = max(float(np.max(np.abs(np.asarray(got[k]) - want[k])))
                for name in ("mlp_fn_jax", "jax")
                for got, want in zip(results[name], results["numpy_loop"]) for k in want)
    median = {k: statistics.median(v) for k, v in times.items()}
    row: dict[str, Any] = {"networks": len(population), "epochs": epochs, "median_s": median,
           "first_call_s": first,
           "compile_s": {k: first[k] - median[k] for k in first},
           "numpy_loop_over": {k: statistics.median(a / b for a, b in
                                                    zip(times["numpy_loop"], v))
                               for k, v in times.items() if k != "numpy_loop"},
           "mlp_fn_jax_over_jax": statistics.median(a / b for a, b in zip(
               times["mlp_fn_jax"] + pairs["mlp_fn_jax"], times["jax"] + pairs["jax"])),
           "pair_rounds": len(times["jax"]) + len(pairs["jax"]),
           "max_difference": worst}
    print(f"sweep   float64  {len(population)} networks x {epochs} epochs: numpy loop "
          f"{median['numpy_loop']:.2f}s  mlp_fn jax {median['mlp_fn_jax']:.3f}s (first call "
          f"{first['mlp_fn_jax']:.2f}s)  jax {median['jax']:.3f}s (first {first['jax']:.2f}s)"
          f"  |  loop / mlp_fn jax {row['numpy_loop_over']['mlp_fn_jax']:.1f}x, mlp_fn jax / "
          f"jax {row['mlp_fn_jax_over_jax']:.2f}  | largest difference {worst:.1e}", flush=True)
    return row


def final_loss(w: Workload, params: dict[str, Any]) -> float:
    AL, _ = mf.forward(w["X"], {k: np.asarray(v, dtype=w["X"].dtype) for k, v in params.items()},
                       w["activations"])
    return mf.compute_cost(AL, w["Y"], w["loss"])


def rotated(names: list[str], r: int) -> list[str]:
    """The order of repetition r: each repetition starts one implementation later, so none
    always follows the same one (the one after a long NumPy run was measured 10% slower
    than the same call placed after a short one)."""
    k = r % len(names)
    return names[k:] + names[:k]


#: A measurement shorter than this is made of several calls in a row (as timeit's autorange
#: does), its time the mean per call: one call of a few milliseconds varies by a third from
#: run to run on this machine.
MIN_MEASURED_S = 0.05


def timed(fn: Callable[[], dict[str, Any]],
          once: bool = False) -> tuple[float, dict[str, Any]]:
    """Seconds per call of ``fn`` (one call, or several in a row where one takes less than
    ``MIN_MEASURED_S`` and ``once`` is not asked: a first call, which compiles, is timed
    alone) and what its last call returned."""
    prepare = getattr(fn, "prepare", None)
    calls, elapsed = 0, 0.0
    gc.collect()  # the garbage of the calls before is theirs (see the module docstring)
    while True:
        if prepare is not None:  # untimed: what a call needs made before it (not all reuse it)
            prepare()
        t0 = time.perf_counter()
        out = fn()
        elapsed += time.perf_counter() - t0
        calls += 1
        if once or elapsed >= MIN_MEASURED_S:
            return elapsed / calls, out


def peak_memory(fn: Callable[[], dict[str, Any]]) -> int:
    """Peak bytes allocated (NumPy reports to tracemalloc) while ``fn`` runs."""
    prepare = getattr(fn, "prepare", None)
    if prepare is not None:
        prepare()
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - start


def import_cost(repeats: int) -> dict[str, float]:
    """Median wall time of a fresh interpreter importing numpy, and numpy then mlp_fn."""
    def once(code: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0
    a, b = [], []
    for _ in range(repeats):
        a.append(once("import numpy"))
        b.append(once("import numpy, mlp_fn"))
    return {"numpy_s": statistics.median(a), "numpy_and_mlp_fn_s": statistics.median(b),
            "added_ms": 1000 * (statistics.median(b) - statistics.median(a))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small workloads, 2 repeats")
    parser.add_argument("--json", type=Path, default=Path("out/benchmarks.json"))
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS), choices=list(WORKLOADS),
                        metavar="WORKLOAD", help=f"some of {', '.join(WORKLOADS)} (all by default)")
    parser.add_argument("--only-sweep", nargs="*", default=["sweep"], choices=["sweep"],
                        help="'sweep' to run 000's 200-network sweep (JAX needed), nothing not to")
    args = parser.parse_args(argv)
    if args.repeats < 1:  # said now, not after minutes of measuring
        parser.error(f"--repeats: expected at least 1, got {args.repeats}")
    if args.json.is_dir():
        parser.error(f"--json: expected a file to write, got the folder {args.json}")
    repeats = 2 if args.quick else args.repeats
    scale = 0.1 if args.quick else 1.0
    try:
        from threadpoolctl import threadpool_limits
        limiter: Any = threadpool_limits(limits=1)
    except ImportError:  # the environment variables set by the package still apply
        limiter = None
    impls = {"mlp_fn": run_mlp_fn, "baseline": run_baseline, "functional": run_functional}
    if sklearn_runner.available():
        impls["sklearn"] = run_sklearn
    if torch_runner.available():
        impls["torch"] = run_torch
        impls["mlp_fn_torch"] = run_mlp_fn_torch
    if jax_runner.available():
        # XLA's own thread pool would use every core where BLAS is held to one: hold it too
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                   " --xla_cpu_multi_thread_eigen=false"
                                   " intra_op_parallelism_threads=1").strip()
        import jax

        config: Any = jax.config
        config.update("jax_enable_x64", True)  # the float64 workloads in float64
        impls["mlp_fn_jax"] = run_mlp_fn_jax
        impls["jax"] = run_jax

    results: list[dict[str, Any]] = []
    for name in args.only:
        for dtype in (np.float32, np.float64):
            w = WORKLOADS[name](dtype, scale)
            fns = {k: make(w) for k, make in impls.items()}
            times: dict[str, list[float]] = {k: [] for k in fns}
            losses: dict[str, float] = {}
            first: dict[str, float] = {}  # a compiled one's first call, compiling included
            for k, fn in fns.items():
                if getattr(fn, "compiles", False):
                    first[k] = timed(fn, once=True)[0]
            for rep in range(repeats):  # interleaved: one run of each, then again
                for k in rotated(list(fns), rep):
                    seconds, params = timed(fns[k])
                    times[k].append(seconds)
                    losses[k] = final_loss(w, params)
            row: dict[str, Any] = {
                "workload": name, "dtype": np.dtype(dtype).name, "note": w["note"],
                "median_s": {k: statistics.median(v) for k, v in times.items()},
                "times_s": times,  # each repetition's, in order
                "ratio_vs_baseline": {k: statistics.median(a / b for a, b in
                                                           zip(v, times["baseline"]))
                                      for k, v in times.items() if k != "baseline"},
                "final_loss": losses,
                "first_call_s": first,
            }
            row["compile_s"] = {k: v - row["median_s"][k] for k, v in first.items()}
            tol = 1e-3 if dtype == np.float32 else 1e-6
            comparable = [k for k in losses if not (k == "sklearn" and w["loss"] != "cce")]
            ref = losses["baseline"]
            row["same_loss"] = all(abs(losses[k] - ref) <= tol * max(1.0, abs(ref))
                                   for k in comparable)
            if name == "large" and not args.quick:
                # tracemalloc sees what NumPy allocates, not PyTorch's own allocator
                row["peak_bytes"] = {k: peak_memory(fn) for k, fn in fns.items() if k != "torch"}
            results.append(row)
            print(f"{name:<7} {row['dtype']:<8} " + "  ".join(
                f"{k} {row['median_s'][k]:.3f}s" for k in fns) + "  |  " + "  ".join(
                f"{k}/baseline {r:.2f}" for k, r in row["ratio_vs_baseline"].items())
                + f"  | same loss: {row['same_loss']}", flush=True)

    sweep_row = None
    if jax_runner.available() and "sweep" in args.only_sweep:
        sweep_row = sweep(max(3, repeats // 2), args.quick)  # 3: each first once
    for r in results:
        if r["first_call_s"]:
            print(f"{r['workload']:<7} {r['dtype']:<8} first call (compiling): " + "  ".join(
                f"{k} {v:.2f}s (compile {r['compile_s'][k]:.2f}s)"
                for k, v in r["first_call_s"].items()))
    by = {(r["workload"], r["dtype"]): r for r in results}
    summary: dict[str, Any] = {"machine": f"{platform.processor() or platform.machine()}, "
                                          f"{platform.system()}, Python "
                                          f"{platform.python_version()}, NumPy {np.__version__}",
                               "date": time.strftime("%Y-%m-%d"), "repeats": repeats,
                               "quick": args.quick, "results": results,
                               "import": import_cost(5 if args.quick else 15),
                               "sweep": sweep_row}
    if ("large", "float32") in by and ("large", "float64") in by:
        summary["large_float64_over_float32_mlp_fn"] = (
            by[("large", "float64")]["median_s"]["mlp_fn"]
            / by[("large", "float32")]["median_s"]["mlp_fn"])
    print(f"\nimport mlp_fn adds {summary['import']['added_ms']:.1f} ms to import numpy")
    if "large_float64_over_float32_mlp_fn" in summary:
        print(f"large: float32 is {summary['large_float64_over_float32_mlp_fn']:.2f}x faster "
              f"than float64")
    for r in results:
        if "peak_bytes" in r:
            pb = r["peak_bytes"]
            print(f"large {r['dtype']}: peak memory mlp_fn {pb['mlp_fn'] / 2**20:.1f} MiB, "
                  f"baseline {pb['baseline'] / 2**20:.1f} MiB "
                  f"(ratio {pb['mlp_fn'] / pb['baseline']:.2f})")
    if not args.quick:  # the generic core against the NumPy-only one it replaced
        summary["previous"] = previous.compare()
        previous.report(summary["previous"], previous.PREVIOUS)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=1))
    print(f"written to {args.json}")
    if limiter is not None:
        limiter.unregister()
    return 0 if all(r["same_loss"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
