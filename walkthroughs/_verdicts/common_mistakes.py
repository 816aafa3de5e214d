"""The common_mistakes walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

import math
from typing import Any

from walkthroughs._report import Check, Record, Report, check, record


def report(*, quick: bool, bound_line: Any, comment_line: Any, probs: Any, peak: Any, mse: Any,
           bce: Any, **_: Any) -> Report:
    """What the common_mistakes lesson computed (its namespace, by name), against the seed."""
    NAME = "common_mistakes"
    RECORDS: list[Record] = [
        record(NAME, "vanishing-gradient bound", "0.25^10 = 0.000001", bound_line),
        record(NAME, "softmax probabilities (comment)",
               "P(class 0) = 0.659, P(class 1) = 0.242, P(class 2) = 0.099", comment_line),
        record(NAME, "softmax as percentages (comment)", "65.9% chance of class 0, 24.2% of class 1",
               f"{100 * probs[0]:.1f}% chance of class 0, {100 * probs[1]:.1f}% of class 1"),
    ]
    e = [math.exp(v) for v in (2.0, 1.0, 0.1)]
    CHECKS: list[Check] = [
        check("sigmoid'(0) = 1/4", peak == 0.25),
        check("softmax against e^z / sum e^z", all(abs(p - v / sum(e)) < 1e-15
                                                   for p, v in zip(probs, e))),
        check("MSE = (0.01 + 0.01 + 0.04 + 0.09) / 4", abs(mse - 0.0375) < 1e-15),
        check("BCE = -(ln 0.9 + ln 0.9 + ln 0.8 + ln 0.7) / 4",
              abs(bce + (2 * math.log(0.9) + math.log(0.8) + math.log(0.7)) / 4) < 1e-15),
    ]
    return Report(RECORDS, CHECKS, [], {})
