"""The benchmark harness runs and its implementations agree; speed itself is never asserted here
(it is measured by ``python -m benchmarks``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import mlp_fn as mf
from benchmarks.__main__ import main
from benchmarks.baseline import train_inplace
from benchmarks.workloads import WORKLOADS


def test_in_place_baseline_computes_the_same_training() -> None:
    """The baseline is only a fair yardstick if it does exactly mlp_fn's math."""
    for name in WORKLOADS:
        w = WORKLOADS[name](np.float64, 0.05)
        ours, hist = mf.train(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                              learning_rate=w["learning_rate"], epochs=w["epochs"],
                              batch_size=w["batch_size"], shuffle=False)
        theirs, base_hist = train_inplace(w["X"], w["Y"], w["params"], w["activations"],
                                          w["loss"], w["learning_rate"], w["epochs"],
                                          w["batch_size"])
        for k in ours:
            np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(hist["cost"], base_hist, rtol=1e-9)


def test_harness_quick_run_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert main(["--quick", "--only", "tiny", "--json", str(out)]) == 0
    summary = json.loads(out.read_text())
    assert {r["dtype"] for r in summary["results"]} == {"float32", "float64"}
    assert all(r["same_loss"] and "mlp_fn" in r["ratio_vs_baseline"] for r in summary["results"])
    assert summary["import"]["numpy_s"] > 0


def test_pytorch_runner_computes_the_same_training() -> None:
    """PyTorch joins the table only as the same work: the same weights after the same batches."""
    import pytest

    pytest.importorskip("torch")
    from benchmarks import torch_runner

    for name in WORKLOADS:
        w = WORKLOADS[name](np.float64, 0.05)
        ours, _ = mf.train(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                           learning_rate=w["learning_rate"], epochs=w["epochs"],
                           batch_size=w["batch_size"], shuffle=False)
        job = torch_runner.prepare(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                                   w["learning_rate"], w["epochs"], w["batch_size"])
        theirs = torch_runner.train(job)
        for k in ours:
            np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-7, atol=1e-10)


def test_scaling_quick_run_writes_both_sweeps(tmp_path: Path) -> None:
    from benchmarks.scaling import main as scaling_main

    assert scaling_main(["--quick", "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "scaling.json").read_text())
    sweeps = {(r["sweep"], r["width"], r["batch"]) for r in summary["rows"]}
    assert {("width", 16, 64), ("width", 1024, 64), ("batch", 64, 1), ("batch", 64, 1024)} <= sweeps
    assert all(r["ratio"] > 0 and r["us_per_example"]["baseline"] > 0 for r in summary["rows"])


def test_functional_floor_computes_the_same_training() -> None:
    """The lean functional trainer measures the design's floor only if it does mlp_fn's math."""
    from benchmarks import functional

    for name in WORKLOADS:
        w = WORKLOADS[name](np.float64, 0.05)
        ours, hist = mf.train(w["X"], w["Y"], w["params"], w["activations"], w["loss"],
                              learning_rate=w["learning_rate"], epochs=w["epochs"],
                              batch_size=w["batch_size"], shuffle=False)
        theirs, their_hist = functional.train(w["X"], w["Y"], dict(w["params"]),
                                              w["activations"], w["loss"], w["learning_rate"],
                                              w["epochs"], w["batch_size"])
        for k in ours:
            np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(hist["cost"], their_hist, rtol=1e-9)


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
