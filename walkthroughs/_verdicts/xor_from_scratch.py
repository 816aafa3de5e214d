"""The xor_from_scratch walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from walkthroughs._report import Check, Record, Report, check, record


def report(*, quick: bool, lines: Any, listing_losses: Any, X_row: Any, y_row: Any,
           listing_a2: Any, a2: Any, mse: Any, Y: Any, **_: Any) -> Report:
    """What the xor_from_scratch lesson computed (its namespace, by name), against the seed."""
    NAME = "xor_from_scratch"
    DOCUMENTED = {0: "0.277823", 2000: "0.125614", 4000: "0.015423", 6000: "0.004567",
                  8000: "0.002134"}
    NOT_ITS_OUTPUT = ("the listing run as printed (seed 42, in place) gives {value}, as mlp_fn does; "
                      "NumPy's seeded legacy stream is the same in every version, so the chapter's "
                      "log is not the output of its own code")
    RECORDS: list[Record] = []
    for k, epoch in enumerate(range(0, 10000, 2000)):
        RECORDS.append(record(NAME, f"loss at epoch {epoch}",
                              f"Epoch {epoch:5d}: Loss = {DOCUMENTED[epoch]}", lines[k],
                              NOT_ITS_OUTPUT.format(value=f"{listing_losses[epoch]:.6f}")))
    DOC_PRED = ["0.0312", "0.9654", "0.9678", "0.0389"]
    for i in range(4):
        RECORDS.append(record(
            NAME, f"prediction for {X_row[i]}",
            f"Input: {X_row[i]} -> Predicted: {DOC_PRED[i]} -> Rounded: {y_row[i, 0]} "
            f"(Actual: {y_row[i, 0]})", lines[7 + i].strip(),
            NOT_ITS_OUTPUT.format(value=f"{listing_a2[i, 0]:.4f}")))
    CHECKS: list[Check] = [
        check("losses equal the listing run as printed",
              np.allclose(mse, listing_losses[:9999], rtol=1e-9, atol=1e-12)),
        check("final predictions equal the listing's a2",
              np.allclose(a2.T, listing_a2, rtol=1e-9, atol=1e-12)),
        check("every XOR point is classified right", (np.round(a2) == Y).all()),
    ]
    return Report(RECORDS, CHECKS, [], {})
