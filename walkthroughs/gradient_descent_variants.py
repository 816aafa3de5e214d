# %% [markdown]
# # Gradient-descent variants: SGD, momentum, Adam on f(x, y) = x^2 + 3y^2
# 003, "Gradient Descent Variants: SGD vs Mini-Batch vs Adam": 20 steps of each optimizer from
# (4, 3). mlp_fn's optimizers work on any dict of arrays, so the two coordinates are one
# parameter {"theta": [x, y]} with gradient {"dtheta": [2x, 6y]}.

# %%
from collections.abc import Callable
from typing import Any

import numpy as np

import mlp_fn as mf
import matplotlib.pyplot as plt
from mlp_fn import plots


def loss(theta: np.ndarray) -> float:
    return float(theta[0] ** 2 + 3 * theta[1] ** 2)


def gradient(theta: np.ndarray) -> np.ndarray:
    return np.array([2 * theta[0], 6 * theta[1]])


def descend(init: Callable[..., Any], step: Callable[..., Any], steps: int = 20,
            **hyper: float) -> tuple[np.ndarray, list[float]]:
    params = {"theta": np.array([4.0, 3.0])}
    state = init(params)
    history = [loss(params["theta"])]
    for _ in range(steps):
        params, state = step(params, {"dtheta": gradient(params["theta"])}, state, **hyper)
        history.append(loss(params["theta"]))
    return params["theta"], history


results = {
    "SGD": descend(mf.gd_init, mf.gd_step, learning_rate=0.1),
    "SGD+Momentum": descend(mf.momentum_init, mf.momentum_step, learning_rate=0.1, beta=0.9),
    "Adam": descend(mf.adam_init, mf.adam_step, learning_rate=0.1, beta1=0.9, beta2=0.999,
                    eps=1e-8),
}

# %%
table = [f"{'Optimizer':<15} {'Final Loss':>12} {'Final Params':>20}", "-" * 50]
for name, (theta, history) in results.items():
    table.append(f"{name:<15} {history[-1]:12.6f} ({theta[0]:.4f}, {theta[1]:.4f})")
convergence = []
for name, (_, history) in results.items():
    convergence.append(f"  {name:<15}: {history[1]:.4f} -> {history[5]:.4f} -> "
                       f"{history[10]:.4f} -> {history[20]:.4f}")
print("\n".join(table))
print("\nConvergence (loss at steps 1, 5, 10, 20):")
print("\n".join(convergence))

# %% The three descents on one axes: one label, and one colour, each
ax: Any = None
for name, (_, history) in results.items():
    ax = plots.learning_curves({"cost": history}, ax=ax, label=name, log_scale=True,
                               title="f(x, y) = x^2 + 3y^2 over 20 steps from (4, 3)")
ax.set_xlabel("step")
ax.set_ylabel("f(x, y)")
plt.show()

# %% [markdown]
# Plain gradient descent on this function has a closed form: each step multiplies x by
# 1 - 2*0.1 = 0.8 and y by 1 - 6*0.1 = 0.4, so x_k = 4 * 0.8^k, y_k = 3 * 0.4^k and
# f_k = 16 * 0.64^k + 27 * 0.16^k. After one step f = 10.24 + 4.32 = 14.56, not the printed 13.6;
# after 20 steps x = 4 * 0.8^20 = 0.0461, so the loss is 0.0018, not 0.000033.
# Momentum is a linear recurrence too: (x, v) -> M (x, v) with M = [[1 - lr c, beta], [-lr c, beta]]
# (c = 2 for x, 6 for y), checked in the report with a matrix power. Adam's first step moves each
# coordinate by lr = 0.1, to (3.9, 2.9), where f = 15.21 + 25.23 = 40.44: the printed 10.2345 is
# impossible. None of the printed figures are those of the listing.

# %%
sgd_closed = [16 * 0.64**k + 27 * 0.16**k for k in range(21)]
print(f"closed form: f_1 = {sgd_closed[1]:.4f}, f_20 = {sgd_closed[20]:.6f}; "
      f"mlp_fn's SGD: {results['SGD'][1][1]:.4f}, {results['SGD'][1][20]:.6f}")

# %% [report]
from walkthroughs._report import Check, Record, check, record

NAME = "gradient_descent_variants"
sgd_closed = [16 * 0.64**k + 27 * 0.16**k for k in range(21)]


def momentum_closed(k: int) -> tuple[float, float]:
    coords = []
    for c, start in ((2.0, 4.0), (6.0, 3.0)):
        M = np.array([[1 - 0.1 * c, 0.9], [-0.1 * c, 0.9]])
        coords.append(float((np.linalg.matrix_power(M, k) @ np.array([start, 0.0]))[0]))
    return coords[0], coords[1]


def adam_listing() -> tuple[np.ndarray, list[float]]:
    """The listing's adam(), as written."""
    params = np.array([4.0, 3.0])
    m, v = np.zeros_like(params), np.zeros_like(params)
    history = [loss(params)]
    for t in range(1, 21):
        g = gradient(params)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        params -= 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        history.append(loss(params))
    return params, history


x20, y20 = momentum_closed(20)
adam_theta, adam_hist = adam_listing()
REASON = {
    "SGD": "closed form x_k = 4*0.8^k, y_k = 3*0.4^k: f_1 = 14.56, f_20 = 16*0.64^20 + "
           f"27*0.16^20 = {sgd_closed[20]:.6f} at ({4 * 0.8**20:.4f}, {3 * 0.4**20:.4f})",
    "SGD+Momentum": "the momentum recurrence as a matrix power gives "
                    f"({x20:.4f}, {y20:.4f}) after 20 steps, as mlp_fn does",
    "Adam": "Adam's first step moves each coordinate by lr = 0.1, to (3.9, 2.9), where "
            "f = 40.44; the listing's own adam() gives "
            f"{adam_hist[1]:.4f} -> {adam_hist[5]:.4f} -> {adam_hist[10]:.4f} -> "
            f"{adam_hist[20]:.4f}, as mlp_fn does",
}
DOC_FINAL = {"SGD": "SGD 0.000033 (0.0046, 0.0016)",
             "SGD+Momentum": "SGD+Momentum 0.000001 (0.0008, 0.0003)",
             "Adam": "Adam 0.000000 (0.0002, 0.0001)"}
DOC_CONV = {"SGD": "SGD : 13.6000 -> 2.1760 -> 0.0555 -> 0.0000",
            "SGD+Momentum": "SGD+Momentum : 13.6000 -> 0.5432 -> 0.0034 -> 0.0000",
            "Adam": "Adam : 10.2345 -> 0.3456 -> 0.0012 -> 0.0000"}
RECORDS: list[Record] = []
for i, name in enumerate(results):
    RECORDS.append(record(NAME, f"{name} final", DOC_FINAL[name], table[2 + i], REASON[name]))
    RECORDS.append(record(NAME, f"{name} convergence", DOC_CONV[name], convergence[i],
                          REASON[name]))
CHECKS: list[Check] = [
    check("SGD losses equal the closed form 16*0.64^k + 27*0.16^k",
          np.allclose(results["SGD"][1], sgd_closed, rtol=1e-12)),
    check("momentum equals the matrix-power closed form",
          np.allclose(results["SGD+Momentum"][0], [x20, y20], rtol=1e-9, atol=1e-15)),
    check("Adam equals the listing's adam()",
          np.allclose(results["Adam"][0], adam_theta, rtol=1e-13)
          and np.allclose(results["Adam"][1], adam_hist, rtol=1e-13)),
]
