"""The x_squared_experiment walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

from typing import Any

import mlp_fn as mf
import numpy as np

from walkthroughs._report import Check, Record, Report, check, record_claim, strict_json


def report(*, quick: bool, shown: Any, best: Any, median: Any, tanh_ok_at: Any, wide: Any,
           sensitivity: Any, ratio: Any, relu_poor_at: Any, WIDTHS: Any, quad_exact_at: Any,
           stalled_w2: Any, SEEDS: Any, lr_star: Any, RATES: Any, EPOCHS: Any, gain_text: Any,
           gain: Any, X: Any, Y: Any, **_: Any) -> Report:
    """What the x_squared_experiment lesson computed (its namespace, by name), against the seed."""
    files: dict[str, str] = {}
    NAME = "x_squared_experiment"

    def fmt(d: dict[Any, float]) -> str:
        return ", ".join(f"{k}: {v:.2e}" for k, v in d.items())

    def fmt_mse(d: dict[Any, float]) -> str:
        return ", ".join(f"{k}: {shown(v)}" for k, v in d.items())

    RECORDS: list[Record] = [
        record_claim(NAME, "tanh", "A hyperbolic tangent (tanh) activation function performs "
                     "relatively well.",
                     f"best median MSE of tanh by width {fmt_mse(best['tanh'])}",
                     len(tanh_ok_at) == len(wide),
                     f"tanh is no worse than sigmoid and within 10x of ReLU at widths {tanh_ok_at} "
                     f"of {wide}; with the course's 0.01 init tanh stalls at "
                     f"{sensitivity['random 0.01, full batch']['tanh']:.2e} (predicts the mean)"),
        record_claim(NAME, "ReLU", "A rectified linear (ReLU) activation function performs "
                     "extremely poorly.",
                     f"ReLU/tanh best-MSE ratio by width {fmt(ratio)}",
                     len(relu_poor_at) == len(WIDTHS),
                     f"ReLU is >= 10x worse than tanh only at widths {relu_poor_at}; at width "
                     f"{WIDTHS[-1]} its MSE is {best['relu'][WIDTHS[-1]]:.2e} vs tanh "
                     f"{best['tanh'][WIDTHS[-1]]:.2e}. A piecewise-linear fit of x^2 needs several "
                     f"kinks, so ReLU is poor only when narrow"),
        record_claim(NAME, "quadratic", "A quadratic activation function performs perfectly since "
                     "the quadratic activation function is approximating itself.",
                     f"best median MSE of quadratic by width {fmt_mse(best['quadratic'])}",
                     all(w in quad_exact_at for w in WIDTHS if w >= 2),
                     f"exact (MSE < 1e-10) at widths {quad_exact_at}; at width 1 (lr 0.1) "
                     f"{len(stalled_w2)} of {len(SEEDS)} seeds stall; (initial w2, final w1) = "
                     f"{[(round(a, 3), round(b, 6)) for a, b in stalled_w2]}: with w2 < 0 the "
                     f"output w2 (w1 x)^2 bends the wrong way and descent shrinks w1 towards 0, "
                     f"where every gradient through the unit vanishes"),
        record_claim(NAME, "optimal learning rates", "Different activation functions often have "
                     "different optimal learning rates.",
                     f"best lr at width {WIDTHS[-1]}: " + ", ".join(f"{a} {v}" for a, v in
                                                                      lr_star.items()),
                     len(set(lr_star.values())) > 1,
                     f"over the rates {RATES} and {EPOCHS} epochs" + (
                         f"; the largest rate is best for all, as {EPOCHS} epochs reward "
                         "speed" if len(set(lr_star.values())) == 1 else "")),
        record_claim(NAME, "use of width", "Some activation functions are better at taking advantage "
                     "of additional width (more neurons) than others.",
                     f"MSE(width {WIDTHS[0]}) / MSE(width {WIDTHS[-1]}): "
                     + ", ".join(f"{a}: {g}" for a, g in gain_text.items()),
                     max(gain.values()) > 10 * min(gain.values()),
                     "gain factors differ by more than 10x across activations"
                     if max(gain.values()) > 10 * min(gain.values()) else
                     "every activation gains about equally"),
    ]

    summary = {"setup": {"x": "100 points in [-1, 1]", "init": "xavier", "epochs": EPOCHS,
                         "seeds": SEEDS, "loss": "mse", "batch": "full"},
               "median_mse": {f"{a}|{lr}|{w}": v for (a, lr, w), v in median.items()},
               "sensitivity_width8_lr0.1": sensitivity}
    files['results.json'] = strict_json(summary, indent=1)

    CHECKS: list[Check] = [
        check("a quadratic unit fits x^2 exactly: y = 1 * (1 * x + 0)^2 + 0 has MSE 0",
              mf.compute_cost(mf.forward(X, {"W1": np.ones((1, 1)), "b1": np.zeros((1, 1)),
                                             "W2": np.ones((1, 1)), "b2": np.zeros((1, 1))},
                                         ["quadratic", "identity"])[0], Y, "mse") == 0.0),
        check("predicting the mean of x^2 costs its variance (the stalled value)",
              abs(float(np.var(Y)) - mf.compute_cost(np.full_like(Y, float(Y.mean())), Y, "mse"))
              < 1e-15, f"var = {float(np.var(Y)):.4e}"),
    ]
    return Report(RECORDS, CHECKS, [], files)
