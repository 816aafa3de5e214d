"""``python -m benchmarks.scaling [--quick] [--out DIR]``: how the cost of training grows.

Time per training example of mlp_fn and of the lean functional trainer
(``benchmarks/functional.py``) against the in-place baseline (``benchmarks/baseline.py``), 1 BLAS
thread, on a 64-w-w-10 ReLU network with a softmax + cce output (Gaussian inputs, labels of a
random linear teacher):

* as the width w of both hidden layers grows from 16 to 1,024 (batch 64);
* as the batch grows from 1 to 1,024 examples (w = 64).

Each point trains long enough for the baseline to take at least 0.2 s, then runs the three
interleaved, 5 times; a ratio is the median of the run-by-run ratios to the baseline. Wherever
mlp_fn's ratio exceeds 1.2 (or ``--profile-above RATIO``) the run profiles mlp_fn and the
baseline there: with py-spy installed (the ``bench`` extra), the share of each one's time spent
in BLAS, in NumPy's other C code, in libc's allocator and in Python code (native stacks sampled
at 500 Hz), and cProfile's list of mlp_fn's functions with the most time of their own. Writes ``scaling.json``,
``scaling.png`` (with matplotlib) and ``scaling_profile.txt`` to ``--out`` (default ``out``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

import mlp_fn as mf
from benchmarks import functional
from benchmarks.baseline import train_inplace

WIDTHS = [16, 32, 64, 128, 256, 512, 1024]
BATCHES = [1, 4, 16, 64, 256, 1024]
N_X, N_Y = 64, 10


def problem(width: int, m: int, dtype: Any) -> tuple[Any, Any, dict[str, Any], list[str]]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_X, m))
    labels = (rng.standard_normal((N_Y, N_X)) @ X).argmax(axis=0)
    params = dict(mf.init_params([N_X, width, width, N_Y], method="he", seed=0, dtype=dtype))
    return X.astype(dtype), mf.one_hot(labels, N_Y, dtype=dtype), params, ["relu", "relu",
                                                                           "softmax"]


def measure(width: int, batch: int, m: int, dtype: Any, repeats: int,
            min_seconds: float) -> dict[str, Any]:
    X, Y, params, acts = problem(width, m, dtype)

    def ours(epochs: int) -> None:
        mf.train(X, Y, params, acts, "cce", learning_rate=0.05, epochs=epochs, batch_size=batch,
                 shuffle=False)

    def base(epochs: int) -> None:
        train_inplace(X, Y, params, acts, "cce", 0.05, epochs, batch)

    def lean(epochs: int) -> None:
        functional.train(X, Y, params, acts, "cce", 0.05, epochs, batch)

    t0 = time.perf_counter()
    base(1)
    epochs = max(1, int(np.ceil(min_seconds / max(time.perf_counter() - t0, 1e-6))))
    times: dict[str, list[float]] = {"mlp_fn": [], "baseline": [], "functional": []}
    for _ in range(repeats):  # interleaved
        for name, run in (("mlp_fn", ours), ("baseline", base), ("functional", lean)):
            t0 = time.perf_counter()
            run(epochs)
            times[name].append(time.perf_counter() - t0)
    per = 1e6 / (epochs * m)  # seconds per run -> microseconds per training example
    row: dict[str, Any] = {
        "width": width, "batch": batch, "m": m, "epochs": epochs, "dtype": np.dtype(dtype).name,
        "us_per_example": {k: statistics.median(v) * per for k, v in times.items()},
        "ratio": statistics.median(a / b for a, b in zip(times["mlp_fn"], times["baseline"])),
        "functional_ratio": statistics.median(a / b for a, b in zip(times["functional"],
                                                                      times["baseline"]))}
    return row


def profile(width: int, batch: int, m: int, dtype: Any, epochs: int) -> str:
    """cProfile of mlp_fn at one point: the 12 functions with the most time of their own."""
    X, Y, params, acts = problem(width, m, dtype)
    prof = cProfile.Profile()
    prof.runcall(mf.train, X, Y, params, acts, "cce", learning_rate=0.05, epochs=epochs,
                 batch_size=batch, shuffle=False)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
    text = out.getvalue()
    return text[text.index("ncalls") - 3:] if "ncalls" in text else text


def run_one(impl: str, width: int, batch: int, dtype: str, epochs: int) -> None:
    """One implementation's training alone, for a sampling profiler to watch."""
    X, Y, params, acts = problem(width, max(1024, batch), np.dtype(dtype))
    if impl == "mlp_fn":
        mf.train(X, Y, params, acts, "cce", learning_rate=0.05, epochs=epochs, batch_size=batch,
                 shuffle=False)
    else:
        train_inplace(X, Y, params, acts, "cce", 0.05, epochs, batch)


#: Where a sample's innermost frame lies: its library or source file, matched in this order.
KINDS = [("BLAS (matrix products)", "openblas"),
         ("NumPy's C code (ufuncs, reductions, new arrays)", "numpy/_core/_multiarray_umath"),
         ("libc (malloc, free, memset, memcpy)", "libc.so"),
         ("Python code (calls, dicts, loops)", ".py:")]


def where_time_goes(impl: str, width: int, batch: int, dtype: str,
                    epochs: int) -> dict[str, float] | None:
    """The share of ``impl``'s training time by where the innermost frame lies, from py-spy's
    native stacks sampled at 500 Hz (None without py-spy, or when it may not trace)."""
    import shutil
    import subprocess
    import tempfile

    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "stacks.txt"
        done = subprocess.run([spy, "record", "--native", "--format", "raw", "-r", "500", "-o",
                               str(raw), "--", sys.executable, "-m", "benchmarks.scaling",
                               "--run-one", impl, str(width), str(batch), dtype, str(epochs)],
                              capture_output=True, text=True)
        if done.returncode != 0 or not raw.exists():  # e.g. no permission to trace (ptrace)
            print(f"py-spy could not sample {impl}: {done.stderr.strip()[-200:]}", flush=True)
            return None
        lines = raw.read_text().splitlines()
    return split_by_kind(lines, "_run_epoch (" if impl == "mlp_fn" else "train_inplace (")


def split_by_kind(lines: list[str], root: str) -> dict[str, float] | None:
    """py-spy's raw output ("frame;frame;...;innermost count" per line) reduced to the share of
    the samples under a frame named ``root`` whose innermost frame is of each kind."""
    counts: dict[str, int] = {}
    for line in lines:
        stack, _, n = line.rpartition(" ")
        if root not in stack:
            continue  # imports and data preparation
        leaf = stack.rsplit(";", 1)[-1]
        kind = next((k for k, pattern in KINDS if pattern in leaf), "other")
        counts[kind] = counts.get(kind, 0) + int(n)
    total = sum(counts.values())
    return {k: v / total for k, v in sorted(counts.items())} if total else None


def plot(rows: list[dict[str, Any]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        return False
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.2), sharex="col",
                             gridspec_kw={"height_ratios": [2, 1]})
    colours = {"float32": "#0072B2", "float64": "#D55E00"}
    for col, (key, label) in enumerate((("width", "width of both hidden layers (batch 64)"),
                                        ("batch", "batch size (width 64)"))):
        top, bottom = axes[0, col], axes[1, col]
        for dtype, colour in colours.items():
            sel = [r for r in rows if r["sweep"] == key and r["dtype"] == dtype]
            if not sel:
                continue
            x = [r[key] for r in sel]
            top.plot(x, [r["us_per_example"]["mlp_fn"] for r in sel], "o-", color=colour,
                     label=f"mlp_fn {dtype}")
            top.plot(x, [r["us_per_example"]["baseline"] for r in sel], "s--", color=colour,
                     alpha=0.6, label=f"baseline {dtype}")
            bottom.plot(x, [r["ratio"] for r in sel], "o-", color=colour,
                        label=f"mlp_fn {dtype}")
            bottom.plot(x, [r["functional_ratio"] for r in sel], "^:", color=colour, alpha=0.7,
                        label=f"lean functional {dtype}")
        for ax in (top, bottom):
            ax.set_xscale("log", base=2)
            ticks = sorted({r[key] for r in rows if r["sweep"] == key})
            ax.set_xticks(ticks, [str(t) for t in ticks])
            ax.minorticks_off()
        top.set_yscale("log")
        top.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        top.set_ylabel("microseconds per example")
        top.grid(True, which="both", alpha=0.3)
        bottom.axhline(1.0, color="black", lw=0.8)
        bottom.axhline(1.2, color="grey", lw=0.8, ls=":")
        bottom.set_ylabel("time / baseline's")
        bottom.set_xlabel(label)
        bottom.grid(True, alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    axes[1, 0].legend(fontsize=8)
    fig.suptitle("Training cost per example, 64-w-w-10 ReLU + softmax, 1 BLAS thread")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def breakdown(row: dict[str, Any], width: int, batch: int) -> dict[str, dict[str, float]]:
    """Each implementation's time by kind, as a fraction of the baseline's whole time (so the
    difference of two entries is that kind's share of the ratio above 1)."""
    out: dict[str, dict[str, float]] = {}
    epochs = max(row["epochs"], int(np.ceil(2.0 / (row["us_per_example"]["baseline"] * 1e-6
                                                  * row["m"]))))  # 2 s: about 1,000 samples
    for impl, scale in (("mlp_fn", row["ratio"]), ("baseline", 1.0)):
        shares = where_time_goes(impl, width, batch, row["dtype"], epochs)
        if shares is not None:
            out[impl] = {k: v * scale for k, v in shares.items()}
    return out


def describe(row: dict[str, Any]) -> str:
    kinds = row.get("time_by_kind") or {}
    if len(kinds) < 2:
        return "(py-spy not installed: no breakdown by kind)\n"
    lines = [f"{'time, as a fraction of the baseline':<50} {'mlp_fn':>7} {'baseline':>9}"]
    for k in sorted(set(kinds["mlp_fn"]) | set(kinds["baseline"])):
        lines.append(f"{k:<50} {kinds['mlp_fn'].get(k, 0.0):7.2f} "
                     f"{kinds['baseline'].get(k, 0.0):9.2f}")
    return "\n".join(lines) + "\n\ncProfile of mlp_fn (own time of each function, NumPy's " \
        "C calls included in their caller's):\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scaling", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="three points per sweep, float64 only, short runs")
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--profile-above", type=float, default=1.2, metavar="RATIO",
                        help="profile the points where mlp_fn / baseline exceeds this "
                             "(default 1.2)")
    parser.add_argument("--run-one", nargs=5, metavar=("IMPL", "WIDTH", "BATCH", "DTYPE",
                                                       "EPOCHS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        from threadpoolctl import threadpool_limits
        limiter: Any = threadpool_limits(limits=1)
    except ImportError:
        limiter = None
    if args.run_one:
        impl, width, batch, dtype, epochs = args.run_one
        run_one(impl, int(width), int(batch), dtype, int(epochs))
        return 0
    widths = [16, 128, 1024] if args.quick else WIDTHS
    batches = [1, 64, 1024] if args.quick else BATCHES
    dtypes = [np.float64] if args.quick else [np.float32, np.float64]
    repeats, min_seconds = (1, 0.02) if args.quick else (5, 0.2)
    rows: list[dict[str, Any]] = []
    profiles: list[str] = []
    for dtype in dtypes:
        for sweep, points in (("width", [(w, 64) for w in widths]),
                              ("batch", [(64, b) for b in batches])):
            for width, batch in points:
                m = max(1024, batch)
                row = {"sweep": sweep, **measure(width, batch, m, dtype, repeats, min_seconds)}
                rows.append(row)
                print(f"{row['dtype']:<8} width {width:>5} batch {batch:>5}: "
                      f"mlp_fn {row['us_per_example']['mlp_fn']:8.2f} us/example, "
                      f"baseline {row['us_per_example']['baseline']:8.2f}, "
                      f"ratio {row['ratio']:.2f} (lean functional "
                      f"{row['functional_ratio']:.2f})", flush=True)
                if row["ratio"] > args.profile_above and not args.quick:
                    row["time_by_kind"] = breakdown(row, width, batch)
                    profiles.append(f"== {row['dtype']}, width {width}, batch {batch}: "
                                    f"mlp_fn / baseline {row['ratio']:.2f}\n"
                                    + describe(row) + profile(width, batch, m, dtype,
                                                               row["epochs"]))
    args.out.mkdir(parents=True, exist_ok=True)
    summary = {"machine": f"{platform.processor() or platform.machine()}, {platform.system()}, "
                          f"Python {platform.python_version()}, NumPy {np.__version__}",
               "date": time.strftime("%Y-%m-%d"), "rows": rows}
    (args.out / "scaling.json").write_text(json.dumps(summary, indent=1))
    (args.out / "scaling_profile.txt").write_text("\n".join(profiles))
    drawn = plot(rows, args.out / "scaling.png")
    print(f"written to {args.out}/scaling.json" + (", scaling.png" if drawn else "")
          + ", scaling_profile.txt")
    if limiter is not None:
        limiter.unregister()
    return 0


if __name__ == "__main__":
    sys.exit(main())
