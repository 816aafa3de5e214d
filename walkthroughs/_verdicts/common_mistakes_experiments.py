"""The common_mistakes_experiments walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

from typing import Any

import mlp_fn as mf
import numpy as np

from walkthroughs._report import Check, Record, Report, check, record_claim, strict_json


def report(*, quick: bool, a: Any, i: Any, norms: Any, depth: Any, scaling: Any, d_mse: Any,
           d_bce: Any, xor_runs: Any, Xp: Any, stats: Any, **_: Any) -> Report:
    """What the common_mistakes_experiments lesson computed (its namespace, by name), against the seed."""
    files: dict[str, str] = {}
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
    files['results.json'] = strict_json(
        {"gradient_norms": norms, "scaling": scaling, "xor": xor_runs,
         "mse_vs_bce_at_a_0.01": {"mse": float(d_mse[i]), "bce": float(d_bce[i])}}, indent=1)

    CHECKS: list[Check] = [
        check("output_delta for MSE equals 2 (a - 1) a (1 - a), written out",
              np.allclose(d_mse, 2 * (a[0] - 1) * a[0] * (1 - a[0]), rtol=1e-12)),
        check("output_delta for BCE (general chain rule) equals a - 1",
              np.allclose(d_bce, a[0] - 1, rtol=1e-9, atol=1e-15)),
        check("standardized training features have mean 0 and sd 1",
              np.allclose(mf.data.standardize(Xp, stats).mean(axis=1), 0, atol=1e-12)
              and np.allclose(mf.data.standardize(Xp, stats).std(axis=1), 1, rtol=1e-12)),
    ]
    return Report(RECORDS, CHECKS, [], files)
