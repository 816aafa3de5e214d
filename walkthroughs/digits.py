# %% [markdown]
# # 001's workflow on real data: the 8x8 digits
# 001's `NeuralNetwork` is fitted on rows of data with labels; `mlp_fn.model` is the same workflow
# as pure functions. Here it meets real data that needs no download: the 8x8 handwritten digits
# that mlp_fn bundles (`mf.data.digits()`: 1,797 images of the UCI test set, the copy
# scikit-learn bundles too), pixels scaled to [0, 1] by dividing by 16.
#
# Chosen and stated: a 64-64-10 network (ReLU, softmax), Adam at 0.001, batch 32, 150 epochs,
# no L2; 450 images (25%) held out for testing, a new split, initialisation and order for each
# of 5 seeds. scikit-learn's `MLPClassifier` gets the same architecture and budget (the same
# hidden layer, solver, rate, batch, epochs, `alpha=0`, early stopping switched off), on the same
# splits. Target: mean test accuracy of at least 97%, within one point of scikit-learn's.

# %%
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import mlp_fn as mf
from mlp_fn import model

SEEDS = [0, 1, 2, 3, 4]
EPOCHS = 150

# %%
HIDDEN = 64
N_TEST = 450

images, y_all = mf.data.digits()
X_all = images.T / 16.0  # rows, as 001's workflow takes them: one image of 64 pixels per row
print(f"{X_all.shape[0]} images of {X_all.shape[1]} pixels, labels {sorted(set(y_all.tolist()))}")


def split(seed: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    order = np.random.default_rng(seed).permutation(len(y_all))
    return order[N_TEST:], order[:N_TEST]


# %% [markdown]
# The 001 way, in `mlp_fn.model`: a network, `fit` on rows, `score` on the held-out rows.

# %%
results: list[dict[str, Any]] = []
for seed in SEEDS:
    train, test = split(seed)
    net = model.network(64, [[HIDDEN, "ReLU"], [10, "softmax"]], "multiclass_log_loss", seed=seed)
    net = model.fit(net, X_all[train], y_all[train], epochs=EPOCHS, batch_size=32,
                    learning_rate=1e-3, optimizer="adam", seed=seed)
    accuracy = model.score(net, X_all[test], y_all[test])
    results.append({"seed": seed, "net": net, "test": test, "mlp_fn": accuracy})
    print(f"seed {seed}: test accuracy {accuracy:.4f}")

ours_mean = float(np.mean([r["mlp_fn"] for r in results]))
print(f"mean test accuracy over {len(SEEDS)} seeds: {ours_mean:.4f}")

# %% [markdown]
# Where the first seed's network errs: the confusion matrix (rows: the true digit, columns: the
# predicted one) and the test images it gets wrong with the most confidence.

# %%
first = results[0]
net, test = first["net"], first["test"]
predicted = model.predict(net, X_all[test])
proba = np.asarray(model.predict_proba(net, X_all[test]))
cm = np.zeros((10, 10), dtype=int)
np.add.at(cm, (y_all[test], predicted), 1)  # one count per test image: (true, predicted)
print(cm)

fig, ax = plt.subplots(figsize=(5.2, 4.6), layout="constrained")
im = ax.imshow(cm, cmap="cividis")
for i in range(10):
    for j in range(10):
        if cm[i, j]:
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7,
                    color="black" if cm[i, j] > cm.max() / 2 else "white")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title(f"Digits, seed {first['seed']}: confusion matrix on {N_TEST} test images\n"
             f"(accuracy {first['mlp_fn']:.2%})", fontsize=9)
fig.colorbar(im, ax=ax, shrink=0.8, label="images")
plt.show()

wrong = np.flatnonzero(predicted != y_all[test])
worst = wrong[np.argsort(-proba[wrong].max(axis=1))][:8]
fig, axes = plt.subplots(1, max(len(worst), 1), figsize=(1.4 * max(len(worst), 1), 2.0),
                         layout="constrained")
for ax, i in zip(np.atleast_1d(axes), worst):
    ax.imshow(X_all[test][i].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"true {y_all[test][i]}\nsaid {predicted[i]} ({proba[i].max():.0%})",
                 fontsize=8)
    ax.axis("off")
fig.suptitle("The test images the network gets wrong most confidently", fontsize=9)
plt.show()
