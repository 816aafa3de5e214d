"""The forward_propagation walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from mlp_fn.explain import worked_example

from walkthroughs._report import Check, Record, Report, check, record, worked_line


def report(*, quick: bool, worked: Any, X_row: Any, params: Any, z2: Any, z1: Any, lines: Any,
           output: Any, W1_row: Any, b1_row: Any, W2_row: Any, b2_row: Any, **_: Any) -> Report:
    """What the forward_propagation lesson computed (its namespace, by name), against the seed."""
    examples: list[tuple[str, str, str]] = []
    NAME = "forward_propagation"
    examples.append(("003's 2-3-1 forward pass, worked out", worked,
                     worked_example(X_row.T, None, params, ["relu", "sigmoid"], "bce",
                                    parts=["forward"], markdown=True)))
    without_b1 = 0.5 * 0.3 + 0.8 * -0.5
    without_b2 = 0.7 * 0.47 + -0.3 * 0.0 + 0.5 * 0.58
    sig_printed_z2 = 1 / (1 + math.exp(-0.619))
    Z1_REASON = (f"{worked_line(worked, 'z[1][1](0)')}; the printed -0.25 is the sum without the "
                 f"bias b1[1] = -0.1 ({without_b1:.2f}), which z1[0] and z1[2] do include")
    RECORDS: list[Record] = [
        record(NAME, "z1", "Hidden pre-activation (z1): [[ 0.47 -0.25 0.58]]", lines[1], Z1_REASON),
        record(NAME, "a1", "Hidden post-activation (a1 = ReLU(z1)): [[0.47 0. 0.58]]", lines[2]),
        record(NAME, "z2", "Output pre-activation (z2): [[0.619]]", lines[4],
               f"{worked_line(worked, 'z[2][0](0)')}; the printed 0.619 is the sum without the "
               f"bias b2 = 0.1 ({without_b2:.3f})"),
        record(NAME, "output", "Output (sigmoid(z2)): [[0.6498]]", lines[5],
               f"{worked_line(worked, 'a[2][0](0)')}; the printed 0.6498 is not even "
               f"the sigmoid of the printed z2: sigmoid(0.619) = {sig_printed_z2:.4f}"),
        record(NAME, "step z1[0]", "z1[0] = 0.5*0.1 + 0.8*0.4 + 0.1 = 0.4700", lines[8]),
        record(NAME, "step a1[0]", "a1[0] = ReLU(0.4700) = 0.4700", lines[9]),
        record(NAME, "step z1[1]", "z1[1] = 0.5*0.3 + 0.8*-0.5 + -0.1 = -0.2500", lines[10],
               Z1_REASON),
        record(NAME, "step a1[1]", "a1[1] = ReLU(-0.2500) = 0.0000", lines[11],
               "the argument is z1[1] = -0.35 (see z1); ReLU's value, 0, is the same"),
        record(NAME, "step z1[2]", "z1[2] = 0.5*-0.2 + 0.8*0.6 + 0.2 = 0.5800", lines[12]),
        record(NAME, "step a1[2]", "a1[2] = ReLU(0.5800) = 0.5800", lines[13]),
    ]

    # The listing's own row-layout code, run here as written, against mlp_fn's course layout.
    z1_listing = X_row @ W1_row + b1_row
    a1_listing = np.maximum(0, z1_listing)
    z2_listing = a1_listing @ W2_row + b2_row
    out_listing = 1 / (1 + np.exp(-z2_listing))
    CHECKS: list[Check] = [
        check("z1 equals the listing's X @ W1 + b1", np.allclose(z1, z1_listing, rtol=1e-15),
              f"{z1_listing}"),
        check("z2 equals the listing's a1 @ W2 + b2", np.allclose(z2, z2_listing, rtol=1e-15),
              f"{z2_listing}"),
        check("output equals the listing's sigmoid(z2)", np.allclose(output, out_listing,
                                                                     rtol=1e-15)),
    ]
    return Report(RECORDS, CHECKS, examples, {})
