"""The activation_functions walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from walkthroughs._report import Check, Record, Report, check, record


def report(*, quick: bool, z_values: Any, rows: Any, softmax_line: Any, sum_line: Any,
           columns: Any, probs: Any, **_: Any) -> Report:
    """What the activation_functions lesson computed (its namespace, by name), against the seed."""
    NAME = "activation_functions"
    listing_relu = f"{np.maximum(0, np.array([-3, -1, 0, 1, 3])[0]):4.1f}"  # the listing's own relu
    NEG_ZERO = ("the chapter shows ReLU = -0.0, which its own code cannot print: np.maximum(0, z) on "
                f"its integer z = -3 is the integer 0, formatted {listing_relu!r}; same value")
    DOCUMENTED_ROWS = [
        "-3.0 | 0.0474 | 0.0452 | -0.0 | 0.0 | -0.0300 | 0.01",
        "-1.0 | 0.2689 | 0.1966 | -0.0 | 0.0 | -0.0100 | 0.01",
        "0.0 | 0.5000 | 0.2500 | 0.0 | 0.0 | 0.0000 | 0.01",
        "1.0 | 0.7311 | 0.1966 | 1.0 | 1.0 | 1.0000 | 1.00",
        "3.0 | 0.9526 | 0.0452 | 3.0 | 1.0 | 3.0000 | 1.00",
    ]
    RECORDS: list[Record] = [
        record(NAME, f"table row z = {z:g}", doc, row, NEG_ZERO if z < 0 else "")
        for z, doc, row in zip(z_values[0], DOCUMENTED_ROWS, rows)
    ]
    RECORDS += [
        record(NAME, "softmax of (2, 1, 0.1)", "Softmax([2. 1. 0.1]) = [0.6590 0.2424 0.0986]",
               softmax_line, "NumPy prints the rounded array as [0.659 0.2424 0.0986]: it drops "
               "the trailing zero of 0.6590; the values are the same"),
        record(NAME, "sum of probabilities", "Sum of probabilities: 1.0000", sum_line),
    ]
    e = [math.exp(v) for v in (2.0, 1.0, 0.1)]
    CHECKS: list[Check] = [
        check("sigmoid' = s(1 - s) with s from math.exp",
              all(abs(d - s * (1 - s)) < 1e-15 for d, s in
                  zip(columns['dsigmoid'], [1 / (1 + math.exp(-v)) for v in z_values[0]]))),
        check("softmax against e^z / sum e^z (math module)",
              all(abs(p - v / sum(e)) < 1e-15 for p, v in zip(probs, e))),
    ]
    return Report(RECORDS, CHECKS, [], {})
