"""The planar_classifier walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

import math
from typing import Any

import mlp_fn as mf
import numpy as np
from mlp_fn.explain import worked_example

from walkthroughs._report import (Check, Record, Report, check, record_band, record_claim,
                                  strict_json)


def report(*, quick: bool, worked: Any, X: Any, Xe: Any, Y: Any, Ye: Any, params: Any, ACTS: Any,
           by_noise: Any, study: Any, lr_accuracy: Any, accuracy: Any, DATA_SEEDS: Any,
           by_rate: Any, ITERATIONS: Any, flower_accuracy: Any, history: Any, **_: Any) -> Report:
    """What the planar_classifier lesson computed (its namespace, by name), against the seed."""
    examples: list[tuple[str, str, str]] = []
    files: dict[str, str] = {}
    # The documented figure and the claims

    NAME = "planar_classifier"
    examples.append(("002's action step: the first step of nn_model on its 3 examples", worked,
                     worked_example(Xe, Ye, mf.init_params([2, 4, 1], method="random", seed=3),
                                    ACTS, "bce", learning_rate=1.2, decimals=6, markdown=True)))
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
    files['results.json'] = strict_json({
        "accuracy_by_noise": {str(k): v for k, v in by_noise.items()},
        "hidden_sizes": {str(k): {"train": v[0], "test": v[1]} for k, v in study.items()},
        "logistic_regression": lr_accuracy / 100, "flower_accuracy": flower_accuracy,
        "final_cost_by_rate": {str(k): v[-1] for k, v in by_rate.items()}}, indent=1)

    CHECKS: list[Check] = [
        check("the printed accuracy equals mlp_fn.accuracy",
              abs(accuracy / 100 - mf.accuracy(X, Y, params, ACTS, "bce")) < 1e-12),
        check("the costs printed are J at the start of each 1000-iteration block",
              abs(history["cost"][0] - mf.compute_cost(
                  mf.forward(X, mf.init_params([2, 4, 1], method="random", seed=3), ACTS)[0], Y,
                  "bce")) < 1e-12),
    ]
    return Report(RECORDS, CHECKS, examples, files)
