"""What ``progress_callback`` adds to a training: XOR, 2-4-1 tanh/sigmoid, 5,000 epochs, trained
with and without the callback (tqdm's bar when tqdm is installed, writing to a buffer),
interleaved, the median ratio of ``--repeats`` pairs. ``python -m benchmarks.progress``."""

from __future__ import annotations

import argparse
import io
import time

import numpy as np

import mlp_fn as mf


def timed(epochs: int, with_callback: bool) -> float:
    X, Y = mf.data.xor()
    params = mf.init_params([2, 4, 1], seed=1)
    callback = mf.callbacks.progress_callback(epochs, stream=io.StringIO()) if with_callback \
        else None
    start = time.perf_counter()
    mf.train(X, Y, params, ["tanh", "sigmoid"], "bce", learning_rate=0.5, epochs=epochs,
             callback=callback)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.progress", description=__doc__)
    parser.add_argument("--epochs", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    plain, watched = [], []
    for _ in range(args.repeats):  # interleaved pairs: drift hits both sides of a pair alike
        plain.append(timed(args.epochs, False))
        watched.append(timed(args.epochs, True))
    ratio = float(np.median([w / p for w, p in zip(watched, plain)]))
    print(f"{args.epochs} epochs of XOR: {min(plain):.3f} s without, {min(watched):.3f} s with "
          f"progress_callback (best of {args.repeats}); median ratio of the pairs: {ratio:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
