"""The data-parallel recipe (examples/data_parallel.py) on two CPU processes, gloo on the
loopback: it must equal one process training on the same batches within 1e-12 (float64)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mlp_fn as mf

ROOT = Path(__file__).resolve().parents[1]


def test_two_processes_train_as_one(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e '.[backends]')")
    with socket.socket() as s:  # a free port on the loopback
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "together.npz"
    done = subprocess.run([sys.executable, "examples/data_parallel.py", "--processes", "2",
                           "--port", str(port), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    together, acts, loss = mf.load_params(out)
    # the single-process run of the same batches, computed here independently of the script
    X, Y = mf.data.noisy_xor(203, seed=5)
    alone, _ = mf.train(X, Y, mf.init_params([2, 8, 8, 1], seed=3), acts, loss,
                        learning_rate=0.5, epochs=20, batch_size=25, shuffle=False)
    for k in alone:
        np.testing.assert_allclose(together[k], alone[k], rtol=0, atol=1e-12)
    assert not all(np.array_equal(together[k], mf.init_params([2, 8, 8, 1], seed=3)[k])
                   for k in alone)  # it trained
