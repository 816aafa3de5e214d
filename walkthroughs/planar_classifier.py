# %% [markdown]
# # The course's one-hidden-layer classifier (002)
# 002 trains nn_model: n_h = 4 tanh units, a sigmoid output, cross-entropy, lr 1.2, 10,000
# iterations of batch gradient descent from randn * 0.01 weights, prints the cost every 1,000
# iterations and reports "Accuracy for neural network: 97.50%" on a moons dataset of m = 400
# examples. It compares with logistic regression and discusses the hidden size and the rate.
#
# The post does not give its data generator. Chosen: ``two_moons(400, noise=0.2)``; the accuracy
# is measured over 5 data seeds (init seed 3, as nn_model's np.random.seed(3)), judged by the band
# mean +- 2 sqrt(sd^2 + p(1-p)/400), and re-measured at noise 0.1 and 0.3. Like the post, the
# accuracy is on the training set; a fresh test set of 400 is added for the hidden-size study.

# %%
import matplotlib.pyplot as plt
import numpy as np

import mlp_fn as mf
from mlp_fn import plots
from mlp_fn.explain import worked_example

ITERATIONS = 10000
DATA_SEEDS = [0, 1, 2, 3, 4]
ACTS = ["tanh", "sigmoid"]

# %% [quick]
# ITERATIONS = 1000
# DATA_SEEDS = [0, 1]

# %%

def nn_model(X: mf.Array, Y: mf.Array, n_h: int, lr: float = 1.2,
             iterations: int = ITERATIONS) -> tuple[mf.Params, mf.History]:
    """002's nn_model: [n_x, n_h, 1], randn * 0.01 init from seed 3, batch GD on bce."""
    params = mf.init_params([X.shape[0], n_h, 1], method="random", seed=3)
    acts = ACTS if n_h else ["sigmoid"]
    return mf.train(X, Y, params, acts, "bce", learning_rate=lr, epochs=iterations)


def logistic_regression(X: mf.Array, Y: mf.Array) -> tuple[mf.Params, mf.History]:
    """The baseline as the same functions with no hidden layer: A = sigmoid(W X + b)."""
    params = mf.init_params([X.shape[0], 1], method="random", seed=3)
    return mf.train(X, Y, params, ["sigmoid"], "bce", learning_rate=1.2, epochs=ITERATIONS)


X, Y = mf.data.two_moons(400, 0.2, seed=DATA_SEEDS[0])
params, history = nn_model(X, Y, 4)
for i in range(0, ITERATIONS, 1000):
    print("Cost after iteration %i: %f" % (i, history["cost"][i]))
predictions = mf.predict(X, params, ACTS, "bce")
accuracy = 100 * float(np.mean(predictions == Y))
print("Accuracy for neural network: {:0.2f}%".format(accuracy))
lr_params, lr_history = logistic_regression(X, Y)
lr_accuracy = 100 * mf.accuracy(X, Y, lr_params, ["sigmoid"], "bce")
print("Accuracy for logistic regression: {:0.2f}%".format(lr_accuracy))

# %% Over data seeds, and with other noise levels
by_noise: dict[float, list[float]] = {}
for noise in (0.2, 0.1, 0.3):
    by_noise[noise] = []
    for s in DATA_SEEDS:
        Xs, Ys = mf.data.two_moons(400, noise, seed=s)
        by_noise[noise].append(mf.accuracy(Xs, Ys, nn_model(Xs, Ys, 4)[0], ACTS, "bce"))
    print(f"noise {noise}: accuracy {100 * np.mean(by_noise[noise]):.2f}% "
          f"(sd {100 * np.std(by_noise[noise]):.2f}) over {len(DATA_SEEDS)} data seeds")

# %% Hidden-layer size study (train on seed 0, test on a fresh sample of 400)
X_test, Y_test = mf.data.two_moons(400, 0.2, seed=100)
sizes = [1, 2, 3, 4, 5, 20, 50]
study: dict[int, tuple[float, float, mf.Params]] = {}
for n_h in sizes:
    p, _ = nn_model(X, Y, n_h)
    study[n_h] = (mf.accuracy(X, Y, p, ACTS, "bce"), mf.accuracy(X_test, Y_test, p, ACTS, "bce"),
                  p)
    print(f"Accuracy for {n_h} hidden units: train {100 * study[n_h][0]:.2f}%, "
          f"test {100 * study[n_h][1]:.2f}%")

# %% Learning-rate discussion: 0.0001, 0.01, 1.2 and 10
rates = [0.0001, 0.01, 1.2, 10.0]
by_rate = {lr: nn_model(X, Y, 4, lr=lr)[1]["cost"] for lr in rates}
for lr, costs in by_rate.items():
    rises = sum(b > a for a, b in zip(costs, costs[1:]))
    print(f"lr {lr:>7}: final cost {costs[-1]:.4f}, cost rose in {rises} of {len(costs) - 1} "
          f"iterations")

# %% The exercise of 002: three examples. Its first training step, worked out as 002 suggests
# ("working it out on paper"): nn_model's start (randn * 0.01 from seed 3, 4 tanh units) and
# learning rate 1.2, to six digits, since the weights are small.
Xe, Ye = mf.data.exercise_002()
worked = worked_example(Xe, Ye, mf.init_params([2, 4, 1], method="random", seed=3), ACTS,
                        "bce", learning_rate=1.2, decimals=6)
print(worked)
pe, he = nn_model(Xe, Ye, 4)
print(f"exercise: final cost {he['cost'][-1]:.6f}, predictions "
      f"{mf.predict(Xe, pe, ACTS, 'bce').tolist()} for labels {Ye.astype(int).tolist()}")

# %% Plots: learning curve, decision boundaries (network, logistic regression, hidden sizes)
plots.learning_curves(history, title="Learning curve (n_h = 4, lr 1.2)")
plt.show()

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
plots.decision_boundary(X, Y, lr_params, ["sigmoid"], ax=axes[0],
                        title=f"Logistic regression ({lr_accuracy:.2f}%)")
plots.decision_boundary(X, Y, params, ACTS, ax=axes[1],
                        title=f"Neural network, n_h = 4 ({accuracy:.2f}%)")
plt.show()

fig, axes = plt.subplots(2, 4, figsize=(16, 7), layout="constrained")
for ax, n_h in zip(axes.ravel(), sizes):
    plots.decision_boundary(X, Y, study[n_h][2], ACTS if n_h else ["sigmoid"], ax=ax,
                            title=f"n_h = {n_h}: train {100 * study[n_h][0]:.1f}%, "
                                  f"test {100 * study[n_h][1]:.1f}%")
Xf, Yf = mf.data.planar_flower()
pf, _ = nn_model(Xf, Yf, 4)
flower_accuracy = mf.accuracy(Xf, Yf, pf, ACTS, "bce")
plots.decision_boundary(Xf, Yf, pf, ACTS, ax=axes.ravel()[-1],
                        title=f"course's flower, n_h = 4 ({100 * flower_accuracy:.1f}%)")
plt.show()

# %% The trained network itself: its weights, and what each hidden unit computes
plots.network_diagram(params, ACTS, title="The trained 2-4-1 network (line width: |w|)")
plt.show()
plots.unit_maps(X, params, ACTS)
plt.show()

# %% Training as an animation: the boundary and the cost, 50 frames over the run
animation = plots.animate_training(X, Y, mf.init_params([2, 4, 1], method="random", seed=3),
                                   ACTS, "bce", epochs=ITERATIONS, frames=50, learning_rate=1.2)
animation

# %% [report]
# The documented figure and the claims
import math

from walkthroughs._context import keep_worked, out_dir, strict_json
from walkthroughs._report import Check, Record, check, record_band, record_claim

NAME = "planar_classifier"
keep_worked(NAME, "002's action step: the first step of nn_model on its 3 examples", worked,
            worked_example(Xe, Ye, mf.init_params([2, 4, 1], method="random", seed=3), ACTS,
                           "bce", learning_rate=1.2, decimals=6, markdown=True))
acc = np.array(by_noise[0.2])
mean, sd = float(acc.mean()), float(acc.std())
half = 2 * math.sqrt(sd**2 + mean * (1 - mean) / 400)
small_vs_lr = max(study[1][0], study[2][0]) - lr_accuracy / 100
big_gap = study[50][0] - study[50][1]
RECORDS: list[Record] = [
    record_band(NAME, "accuracy, n_h = 4", "Accuracy for neural network: 97.50%",
                f"Accuracy for neural network: {100 * mean:.2f}% (sd {100 * sd:.2f})",
                (100 * (mean - half), 100 * (mean + half)),
                f"band [{100 * (mean - half):.2f}%, {100 * (mean + half):.2f}%] over "
                f"{len(DATA_SEEDS)} moons samples (noise 0.2, m = 400, training accuracy as in "
                f"002); noise 0.1 gives {100 * np.mean(by_noise[0.1]):.2f}%, noise 0.3 "
                f"{100 * np.mean(by_noise[0.3]):.2f}%"),
    record_claim(NAME, "n_h too small", "Too small (e.g., n_h=1 or 2): May underfit, similar "
                 "to logistic regression",
                 f"train accuracy n_h=1 {100 * study[1][0]:.2f}%, n_h=2 "
                 f"{100 * study[2][0]:.2f}%, logistic regression {lr_accuracy:.2f}%",
                 small_vs_lr < 0.03,
                 f"the best of n_h = 1, 2 is {100 * small_vs_lr:+.2f} points from logistic "
                 f"regression (claim judged to hold within 3 points)"),
    record_claim(NAME, "n_h too large", "Too large (e.g., n_h=50): May overfit to training data",
                 f"n_h=50: train {100 * study[50][0]:.2f}%, test {100 * study[50][1]:.2f}%; "
                 f"n_h=4: train {100 * study[4][0]:.2f}%, test {100 * study[4][1]:.2f}%",
                 big_gap > 0.02 and study[50][1] < study[4][1],
                 f"train-test gap at n_h = 50 is {100 * big_gap:+.2f} points (overfitting judged "
                 f"as a gap above 2 points and a test accuracy below n_h = 4's)"),
    record_claim(NAME, "learning rate 10", "Too large (e.g., 10): May overshoot minima, causing "
                 "unstable training",
                 f"final cost at lr 10: {by_rate[10.0][-1]:.4f} vs lr 1.2: "
                 f"{by_rate[1.2][-1]:.4f}; the cost rose in "
                 f"{sum(b > a for a, b in zip(by_rate[10.0], by_rate[10.0][1:]))} iterations",
                 by_rate[10.0][-1] > by_rate[1.2][-1]
                 or any(b > a for a, b in zip(by_rate[10.0], by_rate[10.0][1:])),
                 "unstable judged as a worse final cost or a cost that rises"),
    record_claim(NAME, "learning rate 0.0001", "Too small (e.g., 0.0001): Very slow convergence",
                 f"cost after {ITERATIONS} iterations at lr 0.0001: {by_rate[0.0001][-1]:.4f} "
                 f"(start {by_rate[0.0001][0]:.4f})",
                 by_rate[0.0001][-1] > 0.9 * by_rate[0.0001][0],
                 "slow judged as less than 10% of the starting cost removed"),
]
(out_dir(NAME) / "results.json").write_text(strict_json({
    "accuracy_by_noise": {str(k): v for k, v in by_noise.items()},
    "hidden_sizes": {str(k): {"train": v[0], "test": v[1]} for k, v in study.items()},
    "logistic_regression": lr_accuracy / 100, "flower_accuracy": flower_accuracy,
    "final_cost_by_rate": {str(k): v[-1] for k, v in by_rate.items()}}, indent=1))

CHECKS: list[Check] = [
    check("the printed accuracy equals mlp_fn.accuracy",
          abs(accuracy / 100 - mf.accuracy(X, Y, params, ACTS, "bce")) < 1e-12),
    check("the costs printed are J at the start of each 1000-iteration block",
          abs(history["cost"][0] - mf.compute_cost(
              mf.forward(X, mf.init_params([2, 4, 1], method="random", seed=3), ACTS)[0], Y,
              "bce")) < 1e-12),
]
