"""``python -m benchmarks.gpu``: the check for a machine with a CUDA GPU (under 5 minutes).

1. The comparisons of ``tests/test_backends.py`` on ``torch`` with ``device="cuda"`` (and on
   CuPy when it is installed): forward, backward and a short training against NumPy, within
   1e-12 (float64) and 1e-5 (float32); identical initial params. A wrong answer fails the run.
2. The large benchmark workload (20,000 x 100, 100-256-256-10, batch 200, float32) trained by
   mlp_fn on CUDA tensors, by hand-written PyTorch on the same GPU (the same equations: the
   same initial weights, batches and SGD steps, autograd off) and by mlp_fn on NumPy on the
   CPU; then a workload that fills the GPU (1,000,000 x 784, 784-2048-2048-10, batch 10,000)
   on the GPU by both. It prints the times and the ratios: the targets are mlp_fn on the GPU at
   least 20x faster than on NumPy, and within 1.3x of hand-written PyTorch.

3. mlp_fn compiled on JAX's CUDA device (where JAX sees one): a short training against NumPy
   (float32, 1e-5), then the large workload timed against the hand-written JAX trainer on the
   same GPU and mlp_fn on NumPy, with the first call's compile time apart.

On a machine without a CUDA GPU it says so in one line and exits 0.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import mlp_fn as mf
from mlp_fn._internal.arrays import to_host


def _cuda() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch if torch.cuda.is_available() else None


def _timed(fn: Callable[[], Any], sync: Callable[[], None]) -> float:
    fn()  # warm up: kernels compiled, memory pooled
    sync()
    start = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - start


def check_answers(torch: Any) -> None:
    """mlp_fn on CUDA equals mlp_fn on NumPy (raises AssertionError otherwise)."""
    X, Y = mf.data.noisy_xor(200, seed=3)
    for dtype, tol in (("float32", 1e-5), ("float64", 1e-12)):
        X_, Y_ = X.astype(dtype), Y.astype(dtype)
        p = mf.init_params([2, 16, 16, 1], seed=1, dtype=dtype, norm="batch")
        pc = mf.init_params([2, 16, 16, 1], seed=1, dtype=dtype, norm="batch", xp=torch,
                            device="cuda")
        assert all(np.array_equal(to_host(pc[k]), p[k]) for k in p), "initial params differ"
        acts = ["relu", "tanh+residual", "sigmoid"]
        Xc, Yc = torch.asarray(X_, device="cuda"), torch.asarray(Y_, device="cuda")
        AL, cache = mf.forward(X_, p, acts, training=True)
        ALc, cachec = mf.forward(Xc, pc, acts, training=True)
        g = mf.backward(AL, Y_, cache, p, acts, "bce")
        gc = mf.backward(ALc, Yc, cachec, pc, acts, "bce")
        worst = max(float(np.max(np.abs(to_host(gc[k]) - g[k]))) for k in g)
        assert worst <= tol, f"{dtype}: gradients differ by {worst:.3g}"
        kw: dict[str, Any] = dict(learning_rate=0.01, epochs=10, batch_size=50, seed=2,
                                  optimizer="adam", keep_prob=0.9)
        t, h = mf.train(X_, Y_, p, acts, "bce", **kw)
        tc, hc = mf.train(Xc, Yc, pc, acts, "bce", **kw)
        worst = max(float(np.max(np.abs(to_host(tc[k]) - t[k]))) for k in t)
        assert worst <= tol, f"{dtype}: a short training differs by {worst:.3g}"
        print(f"  torch cuda {dtype}: gradients and a 10-epoch training agree (<= {tol:g})")
    try:
        import cupy
    except ImportError:
        print("  CuPy: not installed, not checked")
        return
    pc = mf.init_params([2, 8, 1], seed=1, xp=cupy)
    AL, _ = mf.forward(cupy.asarray(X), pc, ["tanh", "sigmoid"])
    want, _ = mf.forward(X, mf.init_params([2, 8, 1], seed=1), ["tanh", "sigmoid"])
    assert float(np.max(np.abs(to_host(AL) - want))) <= 1e-12, "CuPy forward differs"
    print("  cupy: forward agrees (<= 1e-12)")


def hand_written(torch: Any, X: Any, Y: Any, params: dict[str, Any], lr: float, epochs: int,
                 k: int) -> dict[str, Any]:
    """The same training written directly in PyTorch: relu hidden layers, softmax + cce, plain
    SGD, the course layout (one example per column), autograd off."""
    W = {key: v.clone() for key, v in params.items()}
    L = len(W) // 2
    m = X.shape[1]
    with torch.no_grad():
        for _ in range(epochs):
            for s in range(0, m, k):
                A = [X[:, s:s + k]]
                for l in range(1, L + 1):
                    Z = W[f"W{l}"] @ A[-1] + W[f"b{l}"]
                    A.append(torch.relu(Z) if l < L else torch.softmax(Z, dim=0))
                n = A[0].shape[1]
                dZ = A[-1] - Y[:, s:s + k]
                for l in range(L, 0, -1):
                    dW, db = dZ @ A[l - 1].T / n, dZ.sum(dim=1, keepdim=True) / n
                    if l > 1:
                        dZ = (W[f"W{l}"].T @ dZ) * (A[l - 1] > 0)
                    W[f"W{l}"] -= lr * dW
                    W[f"b{l}"] -= lr * db
    return W


def race(torch: Any, m: int, dims: list[int], k: int, epochs: int, cpu: bool) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((dims[0], m), dtype=np.float32)
    Y = mf.data.one_hot(rng.integers(0, dims[-1], m), dims[-1]).astype(np.float32)
    acts = ["relu"] * (len(dims) - 2) + ["softmax"]
    p = mf.init_params(dims, seed=0, dtype="float32")
    pc = mf.init_params(dims, seed=0, dtype="float32", xp=torch, device="cuda")
    Xc, Yc = torch.asarray(X, device="cuda"), torch.asarray(Y, device="cuda")
    sync = torch.cuda.synchronize
    kw: dict[str, Any] = dict(learning_rate=0.01, epochs=epochs, batch_size=k, shuffle=False)
    t_gpu = _timed(lambda: mf.train(Xc, Yc, pc, acts, "cce", **kw), sync)
    t_hand = _timed(lambda: hand_written(torch, Xc, Yc, dict(pc), 0.01, epochs, k), sync)
    line = (f"  {m:,} x {dims[0]}, {'-'.join(map(str, dims))}, batch {k}, {epochs} epochs: "
            f"mlp_fn cuda {t_gpu:.3f} s, hand-written PyTorch cuda {t_hand:.3f} s "
            f"(ratio {t_gpu / t_hand:.2f}; target <= 1.3)")
    if cpu:
        t_cpu = _timed(lambda: mf.train(X, Y, p, acts, "cce", **kw), lambda: None)
        line += f", mlp_fn NumPy CPU {t_cpu:.3f} s (speed-up {t_cpu / t_gpu:.1f}x; target >= 20)"
    print(line)


def _jax_gpu() -> Any:
    """JAX with a CUDA device, or None."""
    try:
        import jax
    except ImportError:
        return None
    try:
        return jax if jax.devices("gpu") else None
    except RuntimeError:  # no GPU backend in this JAX
        return None


def jax_compiled(jax: Any) -> None:
    """mlp_fn compiled on JAX (CUDA): a short training against NumPy (float32, 1e-5), then the
    large workload timed compiled against mlp_fn on NumPy and the hand-written JAX trainer of
    ``benchmarks/jax_runner.py`` on the same GPU; the compile time apart."""
    from benchmarks import jax_runner

    jnp = jax.numpy
    gpu = jax.devices("gpu")[0]
    X, Y = mf.data.noisy_xor(200, seed=3)
    X, Y = X.astype("float32"), Y.astype("float32")
    p = mf.init_params([2, 16, 16, 1], seed=1, dtype="float32")
    kw: dict[str, Any] = dict(learning_rate=0.05, epochs=10, batch_size=50, seed=2,
                              optimizer="adam", keep_prob=0.9)
    want, _ = mf.train(X, Y, p, ["relu", "tanh", "sigmoid"], "bce", **kw)
    on = {k: jax.device_put(jnp.asarray(v), gpu) for k, v in p.items()}
    got, _ = mf.train(jax.device_put(jnp.asarray(X), gpu), jax.device_put(jnp.asarray(Y), gpu),
                      on, ["relu", "tanh", "sigmoid"], "bce", **kw)
    worst = max(float(np.max(np.abs(to_host(got[k]) - want[k]))) for k in want)
    assert worst <= 1e-5, f"jax cuda float32: a short compiled training differs by {worst:.3g}"
    print("  jax cuda float32: a 10-epoch compiled training agrees (<= 1e-5)")
    rng = np.random.default_rng(0)
    dims, m, k, epochs = [100, 256, 256, 10], 20_000, 200, 5
    Xl = rng.standard_normal((dims[0], m), dtype=np.float32)
    Yl = mf.data.one_hot(rng.integers(0, 10, m), 10).astype(np.float32)
    pl = mf.init_params(dims, seed=0, dtype="float32")
    acts = ["relu", "relu", "softmax"]
    Xg, Yg = jax.device_put(jnp.asarray(Xl), gpu), jax.device_put(jnp.asarray(Yl), gpu)
    pg = {key: jax.device_put(jnp.asarray(v), gpu) for key, v in pl.items()}
    tk: dict[str, Any] = dict(learning_rate=0.01, epochs=epochs, batch_size=k, shuffle=False)
    start = time.perf_counter()
    mf.train(Xg, Yg, pg, acts, "cce", **tk)
    first = time.perf_counter() - start
    t_jax = _timed(lambda: mf.train(Xg, Yg, pg, acts, "cce", **tk), lambda: None)
    with jax.default_device(gpu):
        prepared = jax_runner.prepare(Xl, Yl, pl, acts, "cce", 0.01, epochs, k)
        t_hand = _timed(lambda: jax_runner.train(prepared), lambda: None)
    t_cpu = _timed(lambda: mf.train(Xl, Yl, pl, acts, "cce", **tk), lambda: None)
    print(f"  {m:,} x {dims[0]}, {'-'.join(map(str, dims))}, batch {k}, {epochs} epochs: "
          f"mlp_fn jax cuda compiled {t_jax:.3f} s (first call {first:.2f} s, compiling "
          f"included), hand-written JAX cuda {t_hand:.3f} s (ratio {t_jax / t_hand:.2f}), "
          f"mlp_fn NumPy CPU {t_cpu:.3f} s (speed-up {t_cpu / t_jax:.1f}x)")


def main() -> int:
    torch = _cuda()
    jax = _jax_gpu()
    if torch is None and jax is None:
        print("benchmarks.gpu: no CUDA GPU here (neither PyTorch nor JAX sees one); nothing "
              "to check")
        return 0
    if torch is not None:
        print(f"benchmarks.gpu on {torch.cuda.get_device_name(0)}, PyTorch {torch.__version__}, "
              f"NumPy {np.__version__}")
        print("answers:")
        check_answers(torch)
        print("times (float32; one timed run after one warm-up run):")
        race(torch, 20_000, [100, 256, 256, 10], 200, 5, cpu=True)
        race(torch, 1_000_000, [784, 2048, 2048, 10], 10_000, 1, cpu=False)
    if jax is not None:
        print(f"JAX {jax.__version__} on {jax.devices('gpu')[0]} (compiled, float32):")
        jax_compiled(jax)
    return 0


if __name__ == "__main__":
    sys.exit(main())
