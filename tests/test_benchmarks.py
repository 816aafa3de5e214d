"""The benchmark harness runs and its implementations agree; speed itself is never asserted here
(it is measured by ``python -m benchmarks``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mlp_fn as mf
from benchmarks.__main__ import main
from benchmarks.baseline import train_inplace
from benchmarks.workloads import WORKLOADS, Workload


Trainer = Callable[[Workload], tuple[dict[str, Any], list[float] | None]]


def _baseline(w: Workload) -> tuple[dict[str, Any], list[float] | None]:
    return train_inplace(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                         w["learning_rate"], w["epochs"], w["batch_size"])


def _functional(w: Workload) -> tuple[dict[str, Any], list[float] | None]:
    from benchmarks import functional

    return functional.train(w["X"], w["Y"], dict(w["params"]), w["activations"], w["loss"],
                            w["learning_rate"], w["epochs"], w["batch_size"])


def _pytorch(w: Workload) -> tuple[dict[str, Any], list[float] | None]:
    pytest.importorskip("torch")
    from benchmarks import torch_runner

    job = torch_runner.prepare(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                               w["learning_rate"], w["epochs"], w["batch_size"])
    return torch_runner.train(job), None


@pytest.mark.parametrize("trainer, rtol, atol", [(_baseline, 1e-9, 1e-12),
                                                 (_functional, 1e-9, 1e-12),
                                                 (_pytorch, 1e-7, 1e-10)])
def test_every_implementation_computes_the_same_training(trainer: Trainer, rtol: float,
                                                         atol: float) -> None:
    """A ratio means something only between implementations of exactly mlp_fn's math: the same
    trained params (and epoch costs, where the implementation reports them) on every workload.
    PyTorch sums in another order, hence its looser tolerance."""
    for name in WORKLOADS:
        w = WORKLOADS[name](np.float64, 0.05)
        ours, hist = mf.train(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                              learning_rate=w["learning_rate"], epochs=w["epochs"],
                              batch_size=w["batch_size"], shuffle=False)
        theirs, their_costs = trainer(w)
        for k in ours:
            np.testing.assert_allclose(ours[k], theirs[k], rtol=rtol, atol=atol)
        if their_costs is not None:
            np.testing.assert_allclose(hist["cost"], their_costs, rtol=rtol)


def test_harness_quick_run_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert main(["--quick", "--only", "tiny", "--json", str(out)]) == 0
    summary = json.loads(out.read_text())
    assert {r["dtype"] for r in summary["results"]} == {"float32", "float64"}
    assert all(r["same_loss"] and "mlp_fn" in r["ratio_vs_baseline"] for r in summary["results"])
    assert summary["import"]["numpy_s"] > 0


@pytest.mark.parametrize("argv, said", [
    (["--only", "huge"], "invalid choice: 'huge'"),
    (["--repeats", "0"], "--repeats: expected at least 1, got 0"),
    (["--json", "."], "--json: expected a file to write"),
])
def test_harness_refuses_what_it_cannot_do_before_measuring(
        argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and said in capsys.readouterr().err


def test_scaling_quick_run_writes_both_sweeps(tmp_path: Path) -> None:
    from benchmarks.scaling import main as scaling_main

    assert scaling_main(["--quick", "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "scaling.json").read_text())
    sweeps = {(r["sweep"], r["width"], r["batch"]) for r in summary["rows"]}
    assert {("width", 16, 64), ("width", 1024, 64), ("batch", 64, 1), ("batch", 64, 1024)} <= sweeps
    assert all(r["ratio"] > 0 and r["us_per_example"]["baseline"] > 0 for r in summary["rows"])


def test_native_samples_are_split_by_the_innermost_frame() -> None:
    """Four hand-made py-spy lines: 3 + 1 samples under run_epoch, 5 outside it (ignored)."""
    from benchmarks.scaling import split_by_kind

    lines = [
        "main (x.py:1);run_epoch (mlp_fn/training.py:9);dgemm_kernel (libscipy_openblas64_.so) 3",
        "main (x.py:1);run_epoch (mlp_fn/training.py:9);_forward (mlp_fn/propagation.py:4) 1",
        "main (x.py:1);<module> (numpy/__init__.py:1);malloc (libc.so.6) 5",
    ]
    shares = split_by_kind(lines, "run_epoch (")
    assert shares == {"BLAS (matrix products)": 0.75, "Python code (calls, dicts, loops)": 0.25}
    assert split_by_kind(lines, "train_inplace (") is None


def test_progress_benchmark_quick_run(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import progress

    assert progress.main(["--epochs", "20", "--repeats", "1"]) == 0
    ratio = float(capsys.readouterr().out.strip().rsplit(" ", 1)[-1].rstrip("x"))
    # a ratio was measured; its size is for the benchmark's reader, not a test (a busy
    # machine made a 20-epoch run's ratio 198 once; 5,000 epochs measured 1.05 idle)
    assert 0.0 < ratio < float("inf")


def test_the_gpu_check_says_in_one_line_when_there_is_no_gpu() -> None:
    """Here (no CUDA device) ``python -m benchmarks.gpu`` prints one line and exits 0."""
    import subprocess
    import sys
    from pathlib import Path

    import pytest
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is here: the check runs for real (python -m benchmarks.gpu)")
    done = subprocess.run([sys.executable, "-m", "benchmarks.gpu"], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and "no CUDA GPU" in done.stdout


def test_the_hand_written_jax_trainer_keeps_the_unroll_that_is_fastest_over_rounds() -> None:
    """The hand-written baseline keeps the trainer with the best time over interleaved rounds,
    not the one that happened to be faster once: here the faster one is slow on its first
    timed call (as a busy machine makes one call 2x slower), which a single timing would
    have held against it."""
    pytest.importorskip("jax")
    import time

    from benchmarks.jax_runner import _fastest

    def steady(*args: Any) -> int:
        time.sleep(0.004)
        return 0

    calls = {"n": 0}

    def fast_but_once_slow(*args: Any) -> int:
        calls["n"] += 1
        time.sleep(0.02 if calls["n"] == 2 else 0.001)  # call 1 compiles; call 2 is unlucky
        return 0

    assert _fastest([steady, fast_but_once_slow], ()) is fast_but_once_slow
    assert calls["n"] == 4  # run once first, then timed in each of three rounds
