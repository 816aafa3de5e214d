"""The backpropagation walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from mlp_fn.explain import worked_example

from walkthroughs._report import Check, Record, Report, check, record, worked_line


def report(*, quick: bool, worked: Any, X_row: Any, y: Any, params: Any, acts: Any, a2: Any,
           lines: Any, loss: Any, dW2: Any, dW1: Any, W1_row: Any, b1_row: Any, W2_row: Any,
           b2_row: Any, grads: Any, new: Any, **_: Any) -> Report:
    """What the backpropagation lesson computed (its namespace, by name), against the seed."""
    examples: list[tuple[str, str, str]] = []
    NAME = "backpropagation"
    examples.append(("003's backpropagation step, worked out", worked,
                     worked_example(X_row.T, y, params, acts, "bce", learning_rate=0.1,
                                    decimals=6, markdown=True)))
    a2_value = float(a2[0, 0])
    RECORDS: list[Record] = [
        record(NAME, "z1, a1", "z1 = [[0.65 0.5 ]], a1 = [[0.65 0.5 ]]", lines[1]),
        record(NAME, "z2, a2", "z2 = [[0.39]], a2 = [[0.5963]]", lines[2]),
        record(NAME, "loss", "Loss (BCE): 0.5173", lines[3],
               f"{worked_line(worked, 'L(0)')}; 0.5173 would need "
               f"a2 = e^-0.5173 = {math.exp(-0.5173):.4f}, not the a2 = 0.5963 printed above it"),
        record(NAME, "dz2", "dz2 (output error) = [[-0.4037]]", lines[6]),
        record(NAME, "dW2", "dW2 = [[-0.2624] [-0.2019]]", lines[7]),
        record(NAME, "db2", "db2 = [-0.4037]", lines[8]),
        record(NAME, "da1", "da1 = [[-0.2422 0.1615]]", lines[10]),
        record(NAME, "dz1", "dz1 = [[-0.2422 0.1615]]", lines[11]),
        record(NAME, "dW1", "dW1 = [[-0.2422 0.1615] [-0.1211 0.0807]]", lines[12]),
        record(NAME, "db1", "db1 = [-0.2422 0.1615]", lines[13]),
        record(NAME, "W2 update", "W2: [ 0.6 -0.4] -> [ 0.6262 -0.3798]", lines[16]),
        record(NAME, "W1 before", "W1 before: [[ 0.3 0.7] [ 0.5 -0.2]]", lines[17]),
        record(NAME, "W1 after", "W1 after: [[ 0.3242 0.6838] [ 0.5121 -0.2081]]", lines[18],
               f"{worked_line(worked, 'W[1][1, 0]')} (the listing's W1[0,1]), which "
               f"rounds to 0.6839; the printed 0.6838 is a rounding slip"),
    ]

    # The listing's own row-layout code, as written, against mlp_fn.
    z1_l = X_row @ W1_row + b1_row
    a1_l = np.maximum(0, z1_l)
    a2_l = 1 / (1 + np.exp(-(a1_l @ W2_row + b2_row)))
    loss_l = -np.mean(y * np.log(a2_l) + (1 - y) * np.log(1 - a2_l))
    dz2_l = a2_l - y
    dW2_l = a1_l.T @ dz2_l
    dz1_l = (dz2_l @ W2_row.T) * (z1_l > 0)
    dW1_l = X_row.T @ dz1_l
    CHECKS: list[Check] = [
        check("loss equals the listing's -mean(y log a2 + (1-y) log(1-a2))",
              abs(loss - float(loss_l)) < 1e-15, f"{float(loss_l)!r}"),
        check("dW2 equals the listing's a1.T @ dz2", np.allclose(dW2.T, dW2_l, rtol=1e-14)),
        check("dW1 equals the listing's X.T @ dz1", np.allclose(dW1.T, dW1_l, rtol=1e-14)),
        check("backward() equals the step-by-step functions",
              np.array_equal(grads["dW1"], dW1) and np.array_equal(grads["dW2"], dW2)),
        check("updated W1 equals the listing's W1 - lr * dW1",
              np.allclose(new["W1"].T, W1_row - 0.1 * dW1_l, rtol=1e-15)),
    ]
    return Report(RECORDS, CHECKS, examples, {})
