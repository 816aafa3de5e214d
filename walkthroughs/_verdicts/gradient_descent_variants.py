"""The gradient_descent_variants walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from walkthroughs._report import Check, Record, Report, check, record


def report(*, quick: bool, gradient: Any, loss: Any, results: Any, table: Any, convergence: Any,
           **_: Any) -> Report:
    """What the gradient_descent_variants lesson computed (its namespace, by name), against the seed."""
    NAME = "gradient_descent_variants"
    sgd_closed = [16 * 0.64**k + 27 * 0.16**k for k in range(21)]

    def momentum_closed(k: int) -> tuple[float, float]:
        coords = []
        for c, start in ((2.0, 4.0), (6.0, 3.0)):
            M = np.array([[1 - 0.1 * c, 0.9], [-0.1 * c, 0.9]])
            coords.append(float((np.linalg.matrix_power(M, k) @ np.array([start, 0.0]))[0]))
        return coords[0], coords[1]

    def adam_listing() -> tuple[np.ndarray, list[float]]:
        """The listing's adam(), as written."""
        params = np.array([4.0, 3.0])
        m, v = np.zeros_like(params), np.zeros_like(params)
        history = [loss(params)]
        for t in range(1, 21):
            g = gradient(params)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g**2
            params -= 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
            history.append(loss(params))
        return params, history

    x20, y20 = momentum_closed(20)
    adam_theta, adam_hist = adam_listing()
    REASON = {
        "SGD": "closed form x_k = 4*0.8^k, y_k = 3*0.4^k: f_1 = 14.56, f_20 = 16*0.64^20 + "
               f"27*0.16^20 = {sgd_closed[20]:.6f} at ({4 * 0.8**20:.4f}, {3 * 0.4**20:.4f})",
        "SGD+Momentum": "the momentum recurrence as a matrix power gives "
                        f"({x20:.4f}, {y20:.4f}) after 20 steps, as mlp_fn does",
        "Adam": "Adam's first step moves each coordinate by lr = 0.1, to (3.9, 2.9), where "
                "f = 40.44; the listing's own adam() gives "
                f"{adam_hist[1]:.4f} -> {adam_hist[5]:.4f} -> {adam_hist[10]:.4f} -> "
                f"{adam_hist[20]:.4f}, as mlp_fn does",
    }
    DOC_FINAL = {"SGD": "SGD 0.000033 (0.0046, 0.0016)",
                 "SGD+Momentum": "SGD+Momentum 0.000001 (0.0008, 0.0003)",
                 "Adam": "Adam 0.000000 (0.0002, 0.0001)"}
    DOC_CONV = {"SGD": "SGD : 13.6000 -> 2.1760 -> 0.0555 -> 0.0000",
                "SGD+Momentum": "SGD+Momentum : 13.6000 -> 0.5432 -> 0.0034 -> 0.0000",
                "Adam": "Adam : 10.2345 -> 0.3456 -> 0.0012 -> 0.0000"}
    RECORDS: list[Record] = []
    for i, name in enumerate(results):
        RECORDS.append(record(NAME, f"{name} final", DOC_FINAL[name], table[2 + i], REASON[name]))
        RECORDS.append(record(NAME, f"{name} convergence", DOC_CONV[name], convergence[i],
                              REASON[name]))
    CHECKS: list[Check] = [
        check("SGD losses equal the closed form 16*0.64^k + 27*0.16^k",
              np.allclose(results["SGD"][1], sgd_closed, rtol=1e-12)),
        check("momentum equals the matrix-power closed form",
              np.allclose(results["SGD+Momentum"][0], [x20, y20], rtol=1e-9, atol=1e-15)),
        check("Adam equals the listing's adam()",
              np.allclose(results["Adam"][0], adam_theta, rtol=1e-13)
              and np.allclose(results["Adam"][1], adam_hist, rtol=1e-13)),
    ]
    return Report(RECORDS, CHECKS, [], {})
