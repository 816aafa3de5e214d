# %% [markdown]
# # Common mistakes, measured (003)
# The chapter's "Common Mistakes" make four claims that can be measured rather than quoted:
# 1. deep sigmoid networks lose their gradient (at most 0.25 per layer, so 0.25^10 after ten);
#    ReLU with He initialization keeps it;
# 2. unscaled inputs saturate sigmoid/tanh units and make learning unstable;
# 3. MSE gives a confidently wrong sigmoid a small gradient, BCE a large one;
# 4. a single neuron cannot learn XOR, a hidden layer can.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import mlp_fn as mf

SCALING_EPOCHS = 50
XOR_EPOCHS = 5000
XOR_SEEDS = 5

# %% [quick]
# SCALING_EPOCHS = 10
# XOR_EPOCHS = 1000
# XOR_SEEDS = 3

# %% [markdown]
# ## 1. Gradient norms per layer: 10 sigmoid layers of 64 vs ReLU with He init
# The listing's deep network: 10 hidden layers of 64 units, then one sigmoid output, on 256
# random inputs with random labels. ||dW[l]||_F is measured at initialization, for the listing's
# sigmoid with randn * 0.01 weights, sigmoid with Xavier weights, and ReLU with He weights.

# %%
rng = np.random.default_rng(0)
n_x, depth, width, m = 64, 10, 64, 256
Xd = rng.standard_normal((n_x, m))
Yd = (rng.random((1, m)) > 0.5).astype(float)
dims = [n_x] + [width] * depth + [1]
setups = {"sigmoid, randn*0.01": ("sigmoid", "random"), "sigmoid, Xavier": ("sigmoid", "xavier"),
          "ReLU, He": ("relu", "he")}
norms: dict[str, list[float]] = {}
for label, (g, method) in setups.items():
    params = mf.init_params(dims, method=method, seed=1)
    acts = [g] * depth + ["sigmoid"]
    AL, cache = mf.forward(Xd, params, acts)
    grads = mf.backward(AL, Yd, cache, params, acts, "bce")
    norms[label] = [float(np.linalg.norm(grads[f"dW{l}"])) for l in range(1, depth + 2)]
    print(f"{label:<20} ||dW1|| / ||dW{depth}|| = {norms[label][0] / norms[label][depth - 1]:.3e}")

fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
for label, values in norms.items():
    ax.semilogy(range(1, depth + 2), values, marker="o", label=label)
ref = norms["sigmoid, Xavier"][depth - 1]
ax.semilogy(range(1, depth + 1), [ref * 0.25 ** (depth - l) for l in range(1, depth + 1)], "k:",
            label="0.25 per layer (the text's bound)")
ax.set_xlabel("layer l")
ax.set_ylabel("||dW[l]||_F at initialization")
ax.set_title("Vanishing gradients: 10 hidden layers of 64")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## 2. Unscaled vs standardized inputs
# Income ~ N(50,000, 15,000), age ~ N(40, 12), ratio ~ U(0, 1), as in the chapter's example; the
# label is 1 when the sum of the three standardized features is positive. A 3-8-1 tanh network,
# lr 0.1, batch 32, 50 epochs, with and without ``fit_standardizer``/``standardize``.

# %%
def people(m: int, seed: int) -> tuple[mf.Array, mf.Array]:
    r = np.random.default_rng(seed)
    X = np.stack([r.normal(50000, 15000, m), r.normal(40, 12, m), r.uniform(0, 1, m)])
    score = (X[0] - 50000) / 15000 + (X[1] - 40) / 12 + (X[2] - 0.5) / math.sqrt(1 / 12)
    return X, (score > 0).astype(float).reshape(1, -1)


Xp, Yp = people(1000, 0)
Xq, Yq = people(1000, 1)
stats = mf.data.fit_standardizer(Xp)
scaling: dict[str, dict[str, float]] = {}
for label, (Xtr, Xte) in {"unscaled": (Xp, Xq),
                          "standardized": (mf.data.standardize(Xp, stats),
                                           mf.data.standardize(Xq, stats))}.items():
    p0 = mf.init_params([3, 8, 1], method="xavier", seed=0)
    _, cache = mf.forward(Xtr, p0, ["tanh", "sigmoid"])
    saturated = float(np.mean(np.abs(cache["Z1"]) > 3))  # tanh'(3) = 0.0099
    try:
        p, h = mf.train(Xtr, Yp, p0, ["tanh", "sigmoid"], "bce", learning_rate=0.1,
                        epochs=SCALING_EPOCHS, batch_size=32)
        test = mf.accuracy(Xte, Yq, p, ["tanh", "sigmoid"], "bce")
        final = h["cost"][-1]
    except mf.TrainingDiverged as err:
        test, final = float("nan"), float("inf")
        print(f"{label}: {err}")
    scaling[label] = {"saturated_at_init": saturated, "test_accuracy": test, "final_cost": final}
    print(f"{label:<13} hidden units with |z| > 3 at init: {100 * saturated:.1f}%, "
          f"final cost {final:.4f}, test accuracy {100 * test:.2f}%")

# %% [markdown]
# ## 3. MSE vs BCE on a confidently wrong sigmoid
# One sigmoid unit with label y = 1 and pre-activation z from -10 to 0: dJ/dz is
# 2 (a - y) a (1 - a) for MSE and a - y for BCE (mlp_fn's output_delta, general chain rule).

# %%
zs = np.linspace(-10, 0, 201).reshape(1, -1)
a = mf.sigmoid(zs)
ones = np.ones_like(zs)
d_mse = mf.output_delta(a, ones, zs, "sigmoid", "mse", fuse=False)[0]
d_bce = mf.output_delta(a, ones, zs, "sigmoid", "bce", fuse=False)[0]
z_wrong = math.log(0.01 / 0.99)  # sigmoid(z) = 0.01
i = int(np.argmin(np.abs(zs[0] - z_wrong)))
print(f"at a = {a[0, i]:.4f}: dJ/dz MSE = {d_mse[i]:.4f}, BCE = {d_bce[i]:.4f} "
      f"(ratio {d_bce[i] / d_mse[i]:.1f})")
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
ax.semilogy(zs[0], np.abs(d_mse), label="MSE: |2(a - y) a (1 - a)|")
ax.semilogy(zs[0], np.abs(d_bce), label="BCE: |a - y|")
ax.set_xlabel("pre-activation z (label y = 1)")
ax.set_ylabel("|dJ/dz|")
ax.set_title("A confidently wrong sigmoid: gradient size")
ax.legend()
plt.show()

# %% [markdown]
# ## 4. A single neuron against XOR; a 2-4-1 network
# %%
Xx, Yx = mf.data.xor()
xor_runs: dict[str, list[float]] = {"single neuron": [], "2-4-1": []}
for s in range(XOR_SEEDS):
    p1 = mf.train(Xx, Yx, mf.init_params([2, 1], method="xavier", seed=s), ["sigmoid"], "bce",
                  learning_rate=1.0, epochs=XOR_EPOCHS)[0]
    xor_runs["single neuron"].append(mf.accuracy(Xx, Yx, p1, ["sigmoid"], "bce"))
    p2 = mf.train(Xx, Yx, mf.init_params([2, 4, 1], method="xavier", seed=s),
                  ["tanh", "sigmoid"], "bce", learning_rate=1.0, epochs=XOR_EPOCHS)[0]
    xor_runs["2-4-1"].append(mf.accuracy(Xx, Yx, p2, ["tanh", "sigmoid"], "bce"))
for label, accs in xor_runs.items():
    print(f"XOR, {label}: accuracies {accs}")

# %% [report]
from walkthroughs._context import out_dir, strict_json
from walkthroughs._report import Check, Record, check, record_claim

NAME = "common_mistakes_experiments"
sig = norms["sigmoid, randn*0.01"]
sigx = norms["sigmoid, Xavier"]
relu = norms["ReLU, He"]
RECORDS: list[Record] = [
    record_claim(NAME, "vanishing gradients, sigmoid", "Sigmoid derivative is at most 0.25. "
                 "After 10 layers, gradient is multiplied by 0.25^10 = 0.000001. Early layers "
                 "receive negligible gradients and cannot learn.",
                 f"||dW1|| / ||dW10||: randn*0.01 {sig[0] / sig[depth - 1]:.1e}, Xavier "
                 f"{sigx[0] / sigx[depth - 1]:.1e} (0.25^9 = {0.25 ** 9:.1e} over the nine "
                 f"layers between)",
                 sig[0] / sig[depth - 1] < 1e-3,
                 f"per layer the norm shrinks by {(sig[0] / sig[depth - 1]) ** (1 / 9):.3f} "
                 f"with the listing's randn*0.01 weights, far beyond the 0.25 bound, because "
                 f"each layer also multiplies by its weights (about 0.01 * sqrt(64) = 0.08); "
                 f"with Xavier weights (which keep that factor near 1) it shrinks by "
                 f"{(sigx[0] / sigx[depth - 1]) ** (1 / 9):.3f}, close to sigmoid's 0.25"),
    record_claim(NAME, "ReLU keeps the gradient", "ReLU has a gradient of 1 for positive values, "
                 "so gradients flow through without vanishing.",
                 f"ReLU + He: ||dW1|| / ||dW10|| = {relu[0] / relu[depth - 1]:.2f}",
                 0.1 < relu[0] / relu[depth - 1] < 10,
                 f"with He initialization the norm changes by a factor of "
                 f"{relu[0] / relu[depth - 1]:.2f} across ten layers (judged to hold within 10)"),
    record_claim(NAME, "unscaled inputs", "Large input values cause large weighted sums, "
                 "saturating sigmoid/tanh activations ... Small-scale features are effectively "
                 "ignored.",
                 f"units with |z| > 3 at init: unscaled "
                 f"{100 * scaling['unscaled']['saturated_at_init']:.1f}%, standardized "
                 f"{100 * scaling['standardized']['saturated_at_init']:.1f}%; test accuracy "
                 f"{100 * scaling['unscaled']['test_accuracy']:.2f}% vs "
                 f"{100 * scaling['standardized']['test_accuracy']:.2f}%",
                 scaling["unscaled"]["saturated_at_init"] > 0.5
                 and not scaling["unscaled"]["test_accuracy"]
                 > scaling["standardized"]["test_accuracy"],
                 "judged to hold when most units start saturated and the unscaled network does "
                 "no better; the unscaled network's cost stays at "
                 f"{scaling['unscaled']['final_cost']:.4f} (ln 2 = 0.6931: chance)"),
    record_claim(NAME, "MSE vs BCE gradient", "When the model predicts 0.01 for a true label of "
                 "1, BCE gives a very large loss (and gradient) ... MSE would give a small "
                 "gradient in the same situation.",
                 f"at a = 0.01: |dJ/dz| MSE {abs(d_mse[i]):.4f}, BCE {abs(d_bce[i]):.4f}",
                 abs(d_bce[i]) > 10 * abs(d_mse[i]),
                 f"BCE's gradient is {d_bce[i] / d_mse[i]:.0f} times MSE's there; MSE's "
                 f"vanishes as a -> 0 because of the factor a (1 - a)"),
    record_claim(NAME, "XOR", "A single perceptron cannot learn XOR ... a network with a hidden "
                 "layer (2 -> 4 -> 1) can.",
                 f"single neuron accuracies {xor_runs['single neuron']}, 2-4-1 "
                 f"{xor_runs['2-4-1']}",
                 max(xor_runs["single neuron"]) <= 0.75 and max(xor_runs["2-4-1"]) == 1.0,
                 f"no line separates XOR, so a single neuron gets at most 3 of 4 points (here "
                 f"its best run gets {max(xor_runs['single neuron']):.0%}); 2-4-1 learns XOR in "
                 f"{sum(v == 1.0 for v in xor_runs['2-4-1'])} of {len(xor_runs['2-4-1'])} seeds "
                 f"(a hidden layer makes it possible, not certain: a seed can stall)"),
]
(out_dir(NAME) / "results.json").write_text(strict_json(
    {"gradient_norms": norms, "scaling": scaling, "xor": xor_runs,
     "mse_vs_bce_at_a_0.01": {"mse": float(d_mse[i]), "bce": float(d_bce[i])}}, indent=1))

CHECKS: list[Check] = [
    check("output_delta for MSE equals 2 (a - 1) a (1 - a), written out",
          np.allclose(d_mse, 2 * (a[0] - 1) * a[0] * (1 - a[0]), rtol=1e-12)),
    check("output_delta for BCE (general chain rule) equals a - 1",
          np.allclose(d_bce, a[0] - 1, rtol=1e-9, atol=1e-15)),
    check("standardized training features have mean 0 and sd 1",
          np.allclose(mf.data.standardize(Xp, stats).mean(axis=1), 0, atol=1e-12)
          and np.allclose(mf.data.standardize(Xp, stats).std(axis=1), 1, rtol=1e-12)),
]
