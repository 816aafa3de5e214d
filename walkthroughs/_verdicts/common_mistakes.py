"""The common_mistakes walkthrough's reproduction report: the seed's figures against
what the lesson computed (``lesson``, its namespace once run), and checks of mlp_fn against
an independent computation."""

from __future__ import annotations

import math
from typing import Any

from walkthroughs._report import Check, Record, Report, check, record


def report(lesson: dict[str, Any], quick: bool) -> Report:
    examples: list[tuple[str, str, str]] = []
    files: dict[str, str] = {}
    bound_line = lesson["bound_line"]
    comment_line = lesson["comment_line"]
    probs = lesson["probs"]
    peak = lesson["peak"]
    mse = lesson["mse"]
    bce = lesson["bce"]
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
    return Report(RECORDS, CHECKS, examples, files)
