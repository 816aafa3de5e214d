"""The three workloads: data, architecture, initial weights and hyper-parameters."""

from __future__ import annotations

from typing import Any, TypedDict

import numpy as np

import mlp_fn as mf


class Workload(TypedDict):
    """One training job, the same for every implementation."""

    name: str
    X: Any          # (n_x, m), course layout
    Y: Any          # (n_y, m)
    params: dict[str, Any]
    activations: list[str]
    loss: str
    learning_rate: float
    epochs: int
    batch_size: int | None
    note: str


def large(dtype: Any, scale: float = 1.0) -> Workload:
    """20,000 x 100 Gaussian inputs, labels of a random linear teacher over 10 classes;
    100-256-256-10 ReLU, softmax + cce, batch 200, 5 epochs."""
    rng = np.random.default_rng(0)
    m = int(20000 * scale)
    X = rng.standard_normal((100, m))
    labels = (rng.standard_normal((10, 100)) @ X).argmax(axis=0)
    return {"name": "large", "X": X.astype(dtype), "Y": mf.one_hot(labels, 10, dtype=dtype),
            "params": dict(mf.init_params([100, 256, 256, 10], method="he", seed=0,
                                          dtype=dtype)),
            "activations": ["relu", "relu", "softmax"], "loss": "cce", "learning_rate": 0.05,
            "epochs": 5, "batch_size": 200, "note": "synthetic: random linear teacher"}


def digits(dtype: Any, scale: float = 1.0) -> Workload:
    """scikit-learn's bundled 8x8 digits (1,797 x 64, pixels / 16) when it is installed, else
    Gaussian stand-ins of the same shape; 64-64-10 ReLU, softmax + cce, batch 32, 50 epochs."""
    try:
        from sklearn.datasets import load_digits

        data = load_digits()
        X, labels, note = data.data.T / 16.0, data.target, "scikit-learn digits"
    except ImportError:
        rng = np.random.default_rng(1)
        X, labels = rng.random((64, 1797)), rng.integers(0, 10, 1797)
        note = "stand-in (scikit-learn not installed): uniform pixels, random labels"
    return {"name": "digits", "X": X.astype(dtype), "Y": mf.one_hot(labels, 10, dtype=dtype),
            "params": dict(mf.init_params([64, 64, 10], method="he", seed=0, dtype=dtype)),
            "activations": ["relu", "softmax"], "loss": "cce", "learning_rate": 0.1,
            "epochs": max(1, int(50 * scale)), "batch_size": 32, "note": note}


def tiny(dtype: Any, scale: float = 1.0) -> Workload:
    """XOR, 2-4-1 sigmoid, half_mse, full batch, 10,000 epochs."""
    X, Y = mf.data.xor(dtype)
    return {"name": "tiny", "X": X, "Y": Y,
            "params": dict(mf.init_params([2, 4, 1], method="xavier", seed=0, dtype=dtype)),
            "activations": ["sigmoid", "sigmoid"], "loss": "half_mse", "learning_rate": 1.0,
            "epochs": max(1, int(10000 * scale)), "batch_size": None, "note": "the four XOR points"}


WORKLOADS = {"large": large, "digits": digits, "tiny": tiny}
