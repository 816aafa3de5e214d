# %% [markdown]
# # 003's remedies for vanishing and exploding gradients, measured
# 003 names five remedies: ReLU, He/Xavier initialisation, batch normalisation, gradient clipping
# and residual connections (and, in its summary, which cure which problem). Here each is applied
# alone to the same two deep networks, with layer normalisation as a sixth:
#
# * the vanishing case: 003's own listing, sigmoid in every hidden layer with weights
#   randn * 0.01 (here 10 hidden layers of 32 units);
# * the exploding case: ReLU in every hidden layer with weights randn * 1.0 (He would be
#   randn * sqrt(2/32) = 0.25), the "weights are large" of 003's definition.
#
# Chosen and stated: two moons (400 points, noise 0.2, standardised), a sigmoid output with
# bce, plain mini-batch gradient descent at learning rate 0.1, batch 64, 100 epochs, 3 seeds
# (weights and order). Measured: every layer's gradient norm ||dW[l]|| at initialisation (and
# the ratio first / last layer), and the training accuracy after the budget (a diverged run
# counts as failed). A remedy "lets the network train" when its mean accuracy is at least 80%
# (chance is 50%; a linear boundary gets about 86%) and no seed diverges; it "keeps the
# gradient" when ||dW[1]|| / ||dW[L]|| is at least 1e-2.

# %%
import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import mlp_fn as mf

SEEDS = [0, 1, 2]
EPOCHS = 100

# %%
DEPTH, WIDTH = 10, 32
REMEDIES = ["baseline", "relu", "he_xavier", "batch_norm", "layer_norm", "clipping", "residual"]
CASES = {"vanishing": ("sigmoid", 0.01), "exploding": ("relu", 1.0)}

X, Y = mf.data.two_moons(400, noise=0.2, seed=0)
X = mf.data.standardize(X, mf.data.fit_standardizer(X))


def network(case: str, remedy: str, seed: int) -> tuple[mf.Params, list[str], float | None]:
    """The case's network with one remedy applied: (params, activations, clip_norm)."""
    act, scale = CASES[case]
    if remedy == "relu":
        act = "relu"
    dims = [2] + [WIDTH] * DEPTH + [1]
    norm = {"batch_norm": "batch", "layer_norm": "layer"}.get(remedy)
    if remedy == "he_xavier":  # 003: He for ReLU, Xavier for sigmoid/tanh
        params = mf.init_params(dims, method="he" if act == "relu" else "xavier", seed=seed)
    else:
        params = mf.init_params(dims, scale=scale, seed=seed, norm=norm)
    skip = "+residual" if remedy == "residual" else ""  # layers 2..10 (32 -> 32) add their input
    acts = [act] + [act + skip] * (DEPTH - 1) + ["sigmoid"]
    return params, acts, 1.0 if remedy == "clipping" else None


def measure(case: str, remedy: str, seed: int) -> dict[str, Any]:
    params, acts, clip = network(case, remedy, seed)
    # training=True: the gradients train follows, batch norm with the batch's statistics. At
    # forward's default (the running ones, still mu = 0, sigma2 = 1) batch norm would seem to
    # do nothing: the vanishing net's ratio stays at 1e-18.
    AL, cache = mf.forward(X, params, acts, training=True)
    grads = mf.backward(AL, Y, cache, params, acts, "bce")
    norms = [float(np.linalg.norm(grads[f"dW{l}"])) for l in range(1, DEPTH + 2)]
    try:
        trained, _ = mf.train(X, Y, params, acts, "bce", learning_rate=0.1, epochs=EPOCHS,
                              batch_size=64, seed=seed, clip_norm=clip)
        accuracy = mf.accuracy(X, Y, trained, acts, "bce")
        AL_end, _ = mf.forward(X, trained, acts)
        cost = mf.compute_cost(AL_end, Y, "bce")  # J at the end, over all the examples
    except mf.TrainingDiverged:
        accuracy = cost = math.nan
    return {"norms": norms, "accuracy": accuracy, "cost": cost}


# %% [markdown]
# The ReLU remedy does not apply to the exploding case, whose network already uses ReLU.

# %%
results: dict[str, dict[str, Any]] = {case: {} for case in CASES}
runs = [(c, r) for c in CASES for r in REMEDIES if not (c == "exploding" and r == "relu")]
for case, remedy in runs:
    per_seed = [measure(case, remedy, s) for s in SEEDS]
    norms = np.exp(np.mean(np.log([m["norms"] for m in per_seed]), axis=0))  # geometric mean
    accs = [m["accuracy"] for m in per_seed]
    costs = [m["cost"] for m in per_seed]
    results[case][remedy] = {
        "norms": norms.tolist(), "ratio": float(norms[0] / norms[-1]),
        "accuracy": float(np.mean(accs)) if not any(math.isnan(a) for a in accs) else math.nan,
        "cost": float(np.mean(costs)) if not any(math.isnan(c) for c in costs) else math.nan,
        "diverged": sum(math.isnan(a) for a in accs)}

print(f"{'case':<10} {'remedy':<11} {'||dW1||':>9} {'||dW11||':>9} {'first/last':>10} "
      f"{'accuracy':>9}")
for case, by_remedy in results.items():
    for remedy, r in by_remedy.items():
        acc = f"{r['accuracy']:.3f}" if not math.isnan(r["accuracy"]) else \
            f"diverged {r['diverged']}/{len(SEEDS)}"
        print(f"{case:<10} {remedy:<11} {r['norms'][0]:9.2e} {r['norms'][-1]:9.2e} "
              f"{r['ratio']:10.2e} {acc:>9}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 4.8))
styles = dict(zip(REMEDIES, ["-", "--", "-.", ":", (0, (5, 1)), (0, (1, 1)), (0, (3, 1, 1, 1))]))
# Okabe and Ito's colour-blind-safe palette, with a line style each as well.
colours = dict(zip(REMEDIES, ["#000000", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00",
                              "#0072B2"]))
for ax, case in zip(axes[:2], CASES):
    for remedy, r in results[case].items():
        label = remedy + (" (= baseline: it caps steps,\nnot the gradient at start)"
                          if remedy == "clipping" else "")
        ax.semilogy(range(1, DEPTH + 2), r["norms"], linestyle=styles[remedy], marker="o",
                    markersize=3, color=colours[remedy], label=label)
    ax.set_title(f"{case} case: gradient norm per layer at initialisation", fontsize=9)
    ax.set_xlabel("layer l (1 = first hidden, 11 = output)")
    ax.set_ylabel("||dW[l]|| (log scale)")
width = 0.38
for i, case in enumerate(CASES):
    accs = [results[case].get(r, {}).get("accuracy", math.nan) for r in REMEDIES]
    xs = np.arange(len(REMEDIES)) + (i - 0.5) * width
    heights = [0.0 if math.isnan(a) else a for a in accs]
    bars = axes[2].bar(xs, heights, width, label=case, color=["#0072B2", "#E69F00"][i])
    for x, a, r in zip(xs, accs, REMEDIES):
        if math.isnan(a):
            label = "n/a" if r not in results[case] else "div."
            axes[2].text(x, 0.02, label, rotation=90, ha="center", va="bottom", fontsize=7)
axes[2].axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
axes[2].set_xticks(range(len(REMEDIES)), REMEDIES, rotation=35, ha="right", fontsize=8)
axes[2].set_ylim(0, 1)
axes[2].set_ylabel(f"training accuracy after {EPOCHS} epochs")
axes[2].set_title("accuracy after the budget (dotted: chance)", fontsize=9)
axes[2].legend(fontsize=7)
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="lower center", ncol=7, fontsize=7, frameon=False)
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

# %% [markdown]
# 003's sentences, judged by these numbers.

# %%
V, E = results["vanishing"], results["exploding"]


#: A network that learned costs less than a coin: J = ln 2 = 0.693 for bce at a = 0.5.
COIN = math.log(2.0)


def trains(r: dict[str, Any]) -> bool:
    """Trained: no seed diverged, the mean accuracy is at least 80% and the final cost is below
    a coin's (accuracy alone can be high while saturated outputs keep the cost at 20 or more)."""
    return not math.isnan(r["accuracy"]) and r["accuracy"] >= 0.80 and r["cost"] < COIN


def fmt(case: str, remedy: str) -> str:
    r = results[case][remedy]
    if math.isnan(r["accuracy"]):
        return f"{case} {remedy}: first/last {r['ratio']:.1e}, diverged ({r['diverged']} of " \
               f"{len(SEEDS)} seeds)"
    return f"{case} {remedy}: first/last {r['ratio']:.1e}, accuracy {r['accuracy']:.1%}, " \
           f"cost {r['cost']:.3g}"


def keeps(r: dict[str, Any]) -> bool:
    return bool(r["ratio"] >= 1e-2)


def outcome(r: dict[str, Any]) -> str:
    """What the training measured, in words."""
    if math.isnan(r["accuracy"]):
        return f"training diverges ({r['diverged']} of {len(SEEDS)} seeds)"
    if trains(r):
        return f"the network trains (accuracy {r['accuracy']:.1%}, cost {r['cost']:.3g})"
    if r["accuracy"] >= 0.80:
        return (f"the accuracy is {r['accuracy']:.1%} but the cost stays at {r['cost']:.3g}, above "
                f"a coin's {COIN:.3f}: saturated outputs, confidently wrong where they miss")
    return f"nothing trains (accuracy {r['accuracy']:.1%}, cost {r['cost']:.3g})"


relu_ok, he_v_ok = trains(V["relu"]), trains(V["he_xavier"]) and keeps(V["he_xavier"])
he_e_ok, grows = trains(E["he_xavier"]), E["baseline"]["ratio"] >= 10
bn_ok, clip_ok, res_ok = trains(V["batch_norm"]) and trains(E["batch_norm"]), \
    trains(E["clipping"]), trains(V["residual"])
claims = [
    ("ReLU cures vanishing", "Use ReLU activation (gradient is 1 for positive values, no "
     "vanishing)", relu_ok, f"{fmt('vanishing', 'baseline')}; {fmt('vanishing', 'relu')}",
     f"ReLU keeps the gradient's ratio across layers ({V['relu']['ratio']:.1e} against "
     f"sigmoid's {V['baseline']['ratio']:.1e}); " + outcome(V["relu"])
     + ("" if relu_ok else ": with the listing's randn*0.01 weights the signal dies in the "
        "forward pass (each layer scales it by about 0.01*sqrt(32)), so it holds only with a "
        "proper initialisation, as in 003's deep_relu_network")),
    ("He/Xavier init cures vanishing", "proper weight initialization (He initialization for "
     "ReLU, Xavier for sigmoid/tanh)", he_v_ok, fmt("vanishing", "he_xavier"),
     f"Xavier keeps sigmoid's pre-activations in range; the gradient's ratio across the layers "
     f"is {V['he_xavier']['ratio']:.1e} and " + outcome(V["he_xavier"])
     + ("" if he_v_ok else ": sigmoid' <= 1/4 still shrinks the gradient at every layer, so for "
        f"{DEPTH} sigmoid layers initialisation alone does not hold")),
    ("He/Xavier init cures exploding", "The exploding gradient problem ... Solutions: ... proper "
     "initialization", he_e_ok, f"{fmt('exploding', 'baseline')}; "
     f"{fmt('exploding', 'he_xavier')}", "He's sqrt(2/n) in place of 1.0 keeps ReLU's "
     f"activations at a constant scale: " + outcome(E["he_xavier"])),
    ("exploding: growth through layers", "If weights are large, gradients can grow "
     "exponentially through layers, causing unstable training (loss jumps wildly, weights become "
     "NaN)", grows,  # growing towards the input: layer 1 the largest
     f"{fmt('exploding', 'baseline')}; ||dW[l]|| = {E['baseline']['norms'][0]:.1e} at layer 1 "
     f"and {E['baseline']['norms'][-1]:.1e} at layer {DEPTH + 1}, against "
     f"{E['he_xavier']['norms'][0]:.1e} with He",
     outcome(E["baseline"]) + ("; and the gradient grows towards the input" if grows else
                               "; but the gradient does not grow through the layers (first/last "
                               f"{E['baseline']['ratio']:.1e}): the forward activations grow by "
                               "about sqrt(32/2) = 4 per layer and dZ by the same factor going "
                               "back, so dW[l] = dZ[l] A[l-1]^T is equally huge at every layer")),
    ("batch norm cures both", "batch normalization (normalizes activations between layers)",
     bn_ok, f"{fmt('vanishing', 'batch_norm')}; {fmt('exploding', 'batch_norm')}",
     "normalising each layer's pre-activations: vanishing, " + outcome(V["batch_norm"])
     + "; exploding, " + outcome(E["batch_norm"])),
    ("clipping cures exploding", "gradient clipping (caps gradient magnitude)", clip_ok,
     f"{fmt('exploding', 'clipping')}",
     "capping the step at norm 1: " + outcome(E["clipping"]) + "; 003 lists it for exploding "
     "only, and on vanishing: " + outcome(V["clipping"])),
    ("residual cures vanishing", "residual connections (skip connections that add input "
     "directly to output)", res_ok,
     f"{fmt('vanishing', 'residual')} (from {V['baseline']['ratio']:.1e})",
     f"the skips carry the gradient past the sigmoid layers (first/last "
     f"{V['residual']['ratio']:.1e} against {V['baseline']['ratio']:.1e} without them) and "
     + outcome(V["residual"]) + "; on exploding: " + outcome(E["residual"])),
]
for figure, claim, holds, evidence, reason in claims:
    print(f"[{'holds' if holds else 'does not hold'}] {claim}\n    {evidence}\n    {reason}")
