"""PyTorch on the CPU on the same workload: eager mode, ``torch.optim.SGD`` (no momentum, no
weight decay), the same initial weights, the same batches in the same order, one thread."""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np


def available() -> bool:
    """Whether PyTorch is installed (the ``bench`` extra)."""
    return importlib.util.find_spec("torch") is not None


def prepare(X: Any, Y: Any, params: dict[str, Any], activations: list[str], loss: str,
            learning_rate: float, epochs: int, batch_size: int | None) -> dict[str, Any]:
    """The network as ``torch.nn`` layers holding the workload's initial weights, the data as
    row-layout tensors cut into batches, and the optimizer: everything the timed loop needs."""
    import torch

    torch.set_num_threads(1)
    dt = torch.float32 if X.dtype == np.float32 else torch.float64
    L = len(activations)
    layers: list[Any] = []
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dt)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(W))
            linear.bias.copy_(torch.tensor(params[f"b{l}"].ravel()))
        layers.append(linear)
        g = activations[l - 1]
        if g == "relu":
            layers.append(torch.nn.ReLU())
        elif g == "sigmoid":
            layers.append(torch.nn.Sigmoid())
        elif not (g == "softmax" and loss == "cce"):
            raise ValueError(f"activations: the PyTorch runner has no {g!r}")
    net = torch.nn.Sequential(*layers)
    Xr = torch.tensor(np.ascontiguousarray(X.T))
    m = Xr.shape[0]
    k = m if batch_size is None else batch_size
    if loss == "cce":  # softmax + cce on the logits, class indices as targets: the mean of L(i)
        target = torch.tensor(Y.argmax(axis=0))
        criterion: Any = torch.nn.CrossEntropyLoss()
    elif loss == "half_mse":  # J = 1/(2 n_y m) sum (a - y)^2 = MSELoss / 2
        target = torch.tensor(np.ascontiguousarray(Y.T))
        mse = torch.nn.MSELoss()
        criterion = lambda a, y: 0.5 * mse(a, y)  # noqa: E731
    else:
        raise ValueError(f"loss: the PyTorch runner has no {loss!r}")
    batches = [(Xr[s:s + k], target[s:s + k]) for s in range(0, m, k)]
    opt = torch.optim.SGD(net.parameters(), lr=learning_rate)
    return {"net": net, "batches": batches, "criterion": criterion, "opt": opt,
            "epochs": epochs, "L": L}


def train(job: dict[str, Any]) -> dict[str, Any]:
    """The timed loop: forward, loss, backward, step for every batch of every epoch; returns the
    weights in the course layout."""
    net, criterion, opt = job["net"], job["criterion"], job["opt"]
    for _ in range(job["epochs"]):
        for Xb, yb in job["batches"]:
            opt.zero_grad()
            criterion(net(Xb), yb).backward()
            opt.step()
    linears = [layer for layer in job["net"] if hasattr(layer, "weight")]
    out = {}
    for l, linear in enumerate(linears, start=1):
        out[f"W{l}"] = linear.weight.detach().numpy().copy()
        out[f"b{l}"] = linear.bias.detach().numpy().reshape(-1, 1).copy()
    return out
