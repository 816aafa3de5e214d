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
