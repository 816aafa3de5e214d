"""The model_summary walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

from typing import Any

import mlp_fn as mf

from walkthroughs._report import Check, Record, Report, check, record


def report(*, quick: bool, lines: Any, params: Any, **_: Any) -> Report:
    """What the model_summary lesson computed (its namespace, by name), against the seed."""
    NAME = "model_summary"
    by_hand = (2 * 8 + 8) + (8 * 8 + 8) + (8 * 1 + 1)
    RECORDS: list[Record] = [
        record(NAME, "header", "Neural Network Details ======================",
               " ".join(lines[:2])),
        record(NAME, "first layer", "Input Layer: ( 2 -> 8)", lines[2][:len("Input Layer: ( 2 -> 8)")]),
        record(NAME, "parameter total", "Total Network Parameters: 105",
               next(x for x in lines if x.startswith("Total"))),
        record(NAME, "loss", "Loss Function: binary_log_loss",
               next(x for x in lines if x.startswith("Loss"))),
    ]
    CHECKS: list[Check] = [
        check("count_params = (2*8 + 8) + (8*8 + 8) + (8*1 + 1)", mf.summary.count_params(params) == by_hand,
              f"{by_hand}"),
    ]
    return Report(RECORDS, CHECKS, [], {})
