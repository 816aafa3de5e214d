"""The single_neuron walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

import math
from typing import Any

from walkthroughs._report import Check, Record, Report, check, record


def report(*, quick: bool, z: Any, lines: Any, sig: Any, tnh: Any, **_: Any) -> Report:
    """What the single_neuron lesson computed (its namespace, by name), against the seed."""
    NAME = "single_neuron"
    RECORDS: list[Record] = [
        record(NAME, "weighted sum z", "Weighted sum: 2.3", lines[0]),
        record(NAME, "Sigmoid(2.3)", "Sigmoid(2.3) = 0.9089", lines[5].strip()),
        record(NAME, "ReLU(2.3)", "ReLU(2.3) = 2.3000", lines[6].strip()),
        record(NAME, "Tanh(2.3)", "Tanh(2.3) = 0.9801", lines[7].strip()),
        record(NAME, "Sigmoid(-2.0)", "Sigmoid(-2.0) = 0.1192", lines[10].strip()),
        record(NAME, "ReLU(-2.0)", "ReLU(-2.0) = 0.0000", lines[11].strip()),
        record(NAME, "Tanh(-2.0)", "Tanh(-2.0) = -0.9640", lines[12].strip()),
    ]
    CHECKS: list[Check] = [
        check("z = 0.2 + 1.6 - 1.5 + 2.0", abs(z - (0.2 + 1.6 - 1.5 + 2.0)) < 1e-15, f"z = {z!r}"),
        check("sigmoid against 1 / (1 + e^-z)",
              all(abs(s - 1 / (1 + math.exp(-v))) < 1e-15 for s, v in zip(sig, (z, -2.0)))),
        check("tanh against math.tanh",
              all(abs(t - math.tanh(v)) < 1e-15 for t, v in zip(tnh, (z, -2.0)))),
    ]
    return Report(RECORDS, CHECKS, [], {})
