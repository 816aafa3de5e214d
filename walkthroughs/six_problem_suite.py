# %% [markdown]
# # The six-problem synthetic suite (001)
# 001 evaluates its network on binary Gaussians, XOR, two moons with a small and a large net,
# multiclass Gaussian clusters at scales 0.5 / 1.0 / 1.5, and sine regression, and prints train
# and test accuracies (MSE for sine) and a JSON summary.
#
# What 001 gives is used as given: its fit defaults (mini-batch SGD, batch 32, lr 0.01, 100
# epochs; 200 for its multiclass and regression examples), its example architectures (4 ReLU for
# the binary task, 8 tanh + softmax for 3 classes, 16 tanh + identity for regression, 8-8 tanh for
# the larger nets), Xavier init (He for ReLU). What it does not give is chosen and stated:
# 2,000 points split 50/50 into train and test, and these generators:
#
# | problem | data (mlp_fn.data) | net |
# |---|---|---|
# | binary_gaussians | binary_blobs: centres 6 apart, spread 1 (best possible 99.87%) | 2-4-1 ReLU |
# | xor | noisy_xor: corners (+-1, +-1), noise 0.5 (4.5% cross an axis) | 2-8-8-1 tanh |
# | moons_small | two_moons, noise 0.2 | 2-2-1 tanh |
# | moons_large | two_moons, noise 0.2 | 2-8-8-1 tanh |
# | multiclass_<scale> | blobs: 3 centres on a circle of radius 2.5, spread = scale | 2-8-3 tanh, softmax |
# | sine | sine: x ~ U[-pi, pi], noise 0.1 | 1-16-1 tanh, identity, mse |
#
# Each figure is the mean over seeds (data, split, init and order all from the seed) and is judged
# by the band mean +- 2 sqrt(sd_seeds^2 + p(1-p)/n_test): the spread over seeds plus the sampling
# error of a 1,000-example test set (an accuracy of 100% gets the variance of one error). The sensitivity runs show how much each figure moves with
# the learning rate (0.1 instead of 0.01) and with the dataset's noise or spread.

# %%
import json
import math
from collections.abc import Callable
from typing import Any, TypedDict

import matplotlib.pyplot as plt
import numpy as np

import mlp_fn as mf
from mlp_fn import plots

SEEDS = [0, 1, 2, 3, 4]
M = 2000
EPOCH_SCALE = 1.0  # the fraction of 001's epochs trained

# %%


class Problem(TypedDict):
    """One problem of the suite."""

    data: Callable[[int, float, int], tuple[mf.Array, mf.Array]]
    noise: float
    dims: list[int]
    acts: list[str]
    loss: str
    epochs: int


def circle(radius: float) -> list[list[float]]:
    """Three centres on a circle, 120 degrees apart."""
    return [[radius * math.cos(a), radius * math.sin(a)]
            for a in (math.pi / 2, math.pi / 2 + 2 * math.pi / 3, math.pi / 2 + 4 * math.pi / 3)]


def clusters(radius: float) -> Callable[[int, float, int], tuple[mf.Array, mf.Array]]:
    def make(m: int, spread: float, seed: int) -> tuple[mf.Array, mf.Array]:
        X, labels = mf.data.blobs(m, circle(radius), spread, seed)
        return X, mf.one_hot(labels, 3)
    return make


PROBLEMS: dict[str, Problem] = {
    "binary_gaussians": {"data": lambda m, n, s: mf.data.binary_blobs(m, 6.0, n, s), "noise": 1.0,
                         "dims": [2, 4, 1], "acts": ["relu", "sigmoid"], "loss": "bce",
                         "epochs": 100},
    "xor": {"data": mf.data.noisy_xor, "noise": 0.5, "dims": [2, 8, 8, 1],
            "acts": ["tanh", "tanh", "sigmoid"], "loss": "bce", "epochs": 100},
    "moons_small": {"data": mf.data.two_moons, "noise": 0.2, "dims": [2, 2, 1],
                    "acts": ["tanh", "sigmoid"], "loss": "bce", "epochs": 100},
    "moons_large": {"data": mf.data.two_moons, "noise": 0.2, "dims": [2, 8, 8, 1],
                    "acts": ["tanh", "tanh", "sigmoid"], "loss": "bce", "epochs": 100},
    **{f"multiclass_{scale}": {"data": clusters(2.5), "noise": scale, "dims": [2, 8, 3],
                               "acts": ["tanh", "softmax"], "loss": "cce", "epochs": 200}
       for scale in (0.5, 1.0, 1.5)},
    "sine": {"data": mf.data.sine, "noise": 0.1, "dims": [1, 16, 1], "acts": ["tanh", "identity"],
             "loss": "mse", "epochs": 200},
}


def run(name: str, seed: int, lr: float = 0.01,
        noise: float | None = None) -> tuple[float, float, mf.History, mf.Params, Any]:
    """Train one problem: (train metric, test metric, history, params, data)."""
    p = PROBLEMS[name]
    X, Y = p["data"](M, p["noise"] if noise is None else noise, seed)
    Xtr, Ytr, Xte, Yte = mf.data.train_test_split(X, Y, 0.5, seed=seed)
    method = "he" if p["acts"][0] == "relu" else "xavier"
    params = mf.init_params(p["dims"], method=method, seed=seed)
    epochs = max(1, int(p["epochs"] * EPOCH_SCALE))
    params, history = mf.train(Xtr, Ytr, params, p["acts"], p["loss"], learning_rate=lr,
                               epochs=epochs, batch_size=32, seed=seed)
    return (mf.accuracy(Xtr, Ytr, params, p["acts"], p["loss"]),
            mf.accuracy(Xte, Yte, params, p["acts"], p["loss"]), history, params,
            (Xtr, Ytr, Xte, Yte))


results: dict[str, dict[str, list[float]]] = {}
kept: dict[str, Any] = {}
for name in PROBLEMS:
    results[name] = {"train": [], "test": []}
    for seed in SEEDS:
        tr, te, history, params, data = run(name, seed)
        results[name]["train"].append(tr)
        results[name]["test"].append(te)
        if seed == SEEDS[0]:
            kept[name] = (history, params, data)

# %%
# The results, as 001 prints them
def fmt_metric(name: str, v: float) -> str:
    """MSE to 5 decimals for sine, accuracy in percent otherwise (001's formats)."""
    return f"{v:.5f}" if name == "sine" else f"{100 * v:.2f}%"


lines = []
for name, r in results.items():
    kind = "MSE" if name == "sine" else "Accuracy"

    def fmt(v: float, name: str = name) -> str:
        return fmt_metric(name, v)

    lines.append(f"{name}: Train {kind}: {fmt(float(np.mean(r['train'])))} "
                 f"(sd {fmt(float(np.std(r['train'])))}), Test {kind}: "
                 f"{fmt(float(np.mean(r['test'])))} (sd {fmt(float(np.std(r['test'])))})")
print(f"mean (sd) over {len(SEEDS)} seeds, {M} points, 50/50 split")
print("\n".join(lines))

# %%
# Sensitivity: the learning rate, and the dataset's noise or spread
variants = {"lr 0.1": {"lr": 0.1}}
sensitivity: dict[str, dict[str, float]] = {}
NOISE_VARIANTS = {"binary_gaussians": 1.5, "xor": 0.4, "moons_small": 0.3, "moons_large": 0.3,
                  "sine": 0.05}
for name in PROBLEMS:
    row = {"lr 0.1": float(np.mean([run(name, s, lr=0.1)[1] for s in SEEDS]))}
    if name in NOISE_VARIANTS:
        row[f"noise {NOISE_VARIANTS[name]}"] = float(np.mean(
            [run(name, s, noise=NOISE_VARIANTS[name])[1] for s in SEEDS]))
    sensitivity[name] = row
    print(f"  {name:<18} test metric with " + ", ".join(f"{k}: {v:.4f}" for k, v in row.items()))

# %%
# JSON summary in 001's layout (means), with the spreads beside them
summary: dict[str, dict[str, float]] = {}
for name, r in results.items():
    key = "mse" if name == "sine" else "accuracy"
    summary[name] = {f"training_{key}": float(np.mean(r["train"])),
                     f"test_{key}": float(np.mean(r["test"])),
                     f"training_{key}_sd": float(np.std(r["train"])),
                     f"test_{key}_sd": float(np.std(r["test"]))}
print(json.dumps({name: {k: round(v, 4) for k, v in s.items() if not k.endswith("_sd")}
                  for name, s in summary.items()}, indent=1))

# %%
# Plots: loss curves, decision boundaries, the sine fit (seed SEEDS[0])
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
for name, (history, _, _) in kept.items():
    ax.plot(history["cost"], label=name)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training cost (mean over the epoch's mini-batches)")
ax.set_title("Loss curves, mini-batch SGD (batch 32, lr 0.01)")
ax.legend(fontsize=7)
plt.show()

two_d = [n for n in PROBLEMS if n != "sine"]
fig, axes = plt.subplots(2, 4, figsize=(14, 7), layout="constrained")
for ax, name in zip(axes.ravel(), two_d):
    _, params, (Xtr, Ytr, _, _) = kept[name]
    p = PROBLEMS[name]
    plots.decision_boundary(Xtr, Ytr, params, p["acts"], ax=ax, title=name)
axes.ravel()[-1].axis("off")
plt.show()

fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
_, params, (Xtr, Ytr, _, _) = kept["sine"]
plots.function_fit(Xtr, Ytr, params, ["tanh", "identity"], ax=ax, label="network, 1-16-1 tanh",
                   title="001's sine regression: the network against its noisy target")
xs = np.linspace(float(Xtr.min()), float(Xtr.max()), 200)
ax.plot(xs, np.sin(xs), "k--", linewidth=1, label="sin x (noise-free)")
ax.legend(fontsize=7)
plt.show()
