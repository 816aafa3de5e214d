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

# %%
# The three descents on one axes: one label, and one colour, each
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
