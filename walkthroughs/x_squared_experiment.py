# %% [markdown]
# # Approximating f(x) = x^2 with one hidden layer (000)
# The essay trains 1-n-1 networks on f(x) = x^2 over activations, widths and learning rates and
# reports: tanh works relatively well, ReLU extremely poorly, a quadratic activation perfectly;
# activations differ in their best learning rate and in how they use extra width.
#
# The essay gives no data, initialization, epochs or batch size. Chosen here, as the most
# plausible reading: 100 evenly spaced x in [-1, 1], identity output, MSE, Xavier init
# (001's choice for tanh/sigmoid), full-batch gradient descent for 3,000 epochs, 3 seeds per cell.
# How much the verdicts move with the initialization and the batch size is measured at the end.

# %%
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import mlp_fn as mf
from mlp_fn import plots

ACTIVATIONS = ["tanh", "relu", "sigmoid", "quadratic"]
WIDTHS = [1, 2, 4, 8, 16, 32]
RATES = [0.001, 0.01, 0.1]
SEEDS = [0, 1, 2]
EPOCHS = 3000

# %%
# The sweep trains the networks of one activation and width together (`mf.train_many`): where
# JAX is installed, in one compiled call (in float64, as on NumPy); elsewhere as a loop of
# `mf.train`. Either way each network's result is its own `train`'s.
try:
    import jax

    jax.config.update("jax_enable_x64", True)
    xp: Any = jax.numpy
except ImportError:
    xp = np

X, Y = mf.data.x_squared(100)

#: An MSE below this is float64's rounding (residuals under 3e-13 against targets up to 1): its
#: digits differ between any two correct runs (NumPy and compiled JAX sum in other orders), so
#: it is shown as "< 1e-25" and a gain over it as ">=".
ROUNDING = 1e-25


def shown(mse: float, width: int = 0) -> str:
    return f"{'< 1e-25':>{width}}" if mse < ROUNDING else f"{mse:{width}.2e}"


def final_mses(activation: str, width: int, rates: list[float], seeds: list[int],
               method: str = "xavier",
               batch_size: int | None = None) -> list[tuple[float, mf.Params]]:
    """Train 1-width-1 from each seed at each rate (seeds vary fastest); the final MSE over the
    100 points (inf where a run diverged) and the params, one per network."""
    acts = [activation, "identity"]
    population = [mf.init_params([1, width, 1], method=method, seed=s, xp=xp)
                  for _ in rates for s in seeds]
    results = mf.train_many(xp.asarray(X), xp.asarray(Y), population, acts, "mse",
                            learning_rate=[lr for lr in rates for _ in seeds], epochs=EPOCHS,
                            batch_size=batch_size, seed=seeds[0], diverged="return")
    out: list[tuple[float, mf.Params]] = []
    for result in results:
        if isinstance(result, mf.TrainingDiverged):
            out.append((float("inf"), result.params))
            continue
        params = result[0]
        out.append((mf.compute_cost(mf.forward(xp.asarray(X), params, acts)[0], xp.asarray(Y),
                                    "mse"), params))
    return out


runs: dict[tuple[str, float, int], list[float]] = {}
for a in ACTIVATIONS:
    for w in WIDTHS:
        mses = [mse for mse, _ in final_mses(a, w, RATES, SEEDS)]
        for i, lr in enumerate(RATES):
            runs[(a, lr, w)] = mses[i * len(SEEDS):(i + 1) * len(SEEDS)]
median = {key: float(np.median(v)) for key, v in runs.items()}

# %%
# The table of median final MSE (rows: activation and learning rate; columns: width)
header = f"{'activation':<10} {'lr':>6} | " + " ".join(f"{f'n={w}':>9}" for w in WIDTHS)
print(f"median final MSE over {len(SEEDS)} seed(s), {EPOCHS} epochs of full-batch GD")
print(header)
print("-" * len(header))
for a in ACTIVATIONS:
    for lr in RATES:
        print(f"{a:<10} {lr:>6} | " + " ".join(shown(median[(a, lr, w)], 9) for w in WIDTHS))
best = {a: {w: min(median[(a, lr, w)] for lr in RATES) for w in WIDTHS} for a in ACTIVATIONS}
best_lr = {a: {w: min(RATES, key=lambda lr: median[(a, lr, w)]) for w in WIDTHS}
           for a in ACTIVATIONS}
print("\nbest over learning rates:")
for a in ACTIVATIONS:
    print(f"{a:<10} " + " ".join(f"{shown(best[a][w], 9)} (lr {best_lr[a][w]})" for w in WIDTHS))

# %%
# Plots: MSE against width, and the fitted curves at width 8
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
for a in ACTIVATIONS:
    ax.plot(WIDTHS, [max(best[a][w], 1e-33) for w in WIDTHS], marker="o", label=a)
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xlabel("hidden width n")
ax.set_ylabel("median final MSE (best learning rate)")
ax.set_title("f(x) = x^2: final MSE against width")
ax.legend()
plt.show()

fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
w_show = 8
for a in ACTIVATIONS:
    # The seed whose final MSE is the median of the cell's seeds: a typical run, not seed 0's.
    lr = best_lr[a][w_show]
    mses = runs[(a, lr, w_show)]
    s_med = SEEDS[int(np.argsort(mses)[len(mses) // 2])]
    mse, fitted = final_mses(a, w_show, [lr], [s_med])[0]
    plots.function_fit(X, Y, fitted, [a, "identity"], ax=ax,
                       label=f"{a} (lr {lr}, seed {s_med}): MSE {mse:.1e}")
ax.set_title(f"Fitted curves at width {w_show}: each activation's median seed of {len(SEEDS)}",
             fontsize=10)
plt.show()

# %% [markdown]
# ## Sensitivity: the same cells with the course's 0.01 initialization, and with mini-batches of 10

# %%
w_s = 8
sensitivity: dict[str, dict[str, float]] = {}
variants: list[tuple[str, dict[str, Any]]] = [
    ("xavier, full batch", {}), ("random 0.01, full batch", {"method": "random"}),
    ("xavier, batch 10", {"batch_size": 10})]
for label, kw in variants:
    # mini-batches are shuffled from each network's own seed: one seed per call
    sensitivity[label] = {a: float(np.median([final_mses(a, w_s, [0.1], [s], **kw)[0][0]
                                              for s in SEEDS])) for a in ACTIVATIONS}
print(f"median final MSE at width {w_s}, lr 0.1:")
for label, row in sensitivity.items():
    print(f"  {label:<24} " + " ".join(f"{a} {shown(v)}" for a, v in row.items()))

# %% [markdown]
# ## The essay's claims against the numbers

# %%
wide = [w for w in WIDTHS if w >= 4] or WIDTHS[-1:]
ratio = {w: best["relu"][w] / best["tanh"][w] for w in WIDTHS}
relu_poor_at = [w for w in WIDTHS if ratio[w] >= 10]
tanh_ok_at = [w for w in wide if best["tanh"][w] <= 10 * min(best["relu"][w], best["sigmoid"][w])
              and best["tanh"][w] <= best["sigmoid"][w]]
quad_exact_at = [w for w in WIDTHS if best["quadratic"][w] < 1e-10]
stalled_w2 = []  # initial w2 of each width-1 quadratic seed that stalled, and its final w1
for s, (mse1, p1) in zip(SEEDS, final_mses("quadratic", 1, [0.1], SEEDS)):
    if mse1 > 1e-3:
        stalled_w2.append((float(mf.init_params([1, 1, 1], method="xavier", seed=s)["W2"][0, 0]),
                           float(p1["W1"][0, 0])))
gain = {a: best[a][WIDTHS[0]] / max(best[a][WIDTHS[-1]], ROUNDING) for a in ACTIVATIONS}
gain_text = {a: (">= " if best[a][WIDTHS[-1]] < ROUNDING else "") + f"{g:.2e}"
             for a, g in gain.items()}
lr_star = {a: best_lr[a][WIDTHS[-1]] for a in ACTIVATIONS}
print(f"ReLU / tanh by width: " + ", ".join(f"{w}: {r:.2e}" for w, r in ratio.items()))
print(f"quadratic exact (MSE < 1e-10) at widths {quad_exact_at}")
print(f"best learning rate at width {WIDTHS[-1]}: {lr_star}")
print(f"MSE(width {WIDTHS[0]}) / MSE(width {WIDTHS[-1]}): "
      + ", ".join(f"{a}: {g}" for a, g in gain_text.items()))
