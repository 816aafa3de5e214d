"""The six_problem_suite walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from walkthroughs._report import Check, Record, Report, check, record_band, strict_json


def report(*, quick: bool, M: Any, results: Any, summary: Any, sensitivity: Any, SEEDS: Any,
           kept: Any, **_: Any) -> Report:
    """What the six_problem_suite lesson computed (its namespace, by name), against the seed."""
    files: dict[str, str] = {}
    NAME = "six_problem_suite"
    files['NeuralNet_test_results.json'] = strict_json(summary, indent=1)
    files['results.json'] = strict_json(
        {"summary": summary, "per_seed": results, "sensitivity_test": sensitivity,
         "setup": {"m": M, "seeds": SEEDS, "batch": 32, "lr": 0.01}}, indent=1)

    # The documented figures against the bands
    DOCUMENTED = {
        "binary_gaussians": ("99.90%", "99.85%"), "xor": ("96.0%", "96.64%"),
        "moons_small": ("87.1%", "88.2%"), "moons_large": ("97.3%", "96.9%"),
        "multiclass_0.5": ("100.00%", "99.98%"), "multiclass_1.0": ("97.09%", "96.89%"),
        "multiclass_1.5": ("87.67%", "86.64%"), "sine": ("0.00818", "0.00822"),
    }
    RECORDS: list[Record] = []
    for name, (doc_train, doc_test) in DOCUMENTED.items():
        r = results[name]
        n = M // 2
        for split, doc in (("train", doc_train), ("test", doc_test)):
            values = np.array(r[split])
            mean, sd = float(values.mean()), float(values.std())
            if name == "sine":
                half = 2 * sd + 1e-12
                band = (mean - half, mean + half)
                shown, band_text = f"{mean:.5f} (sd {sd:.5f})", f"[{band[0]:.5f}, {band[1]:.5f}]"
                scale = 1.0
            else:
                p_eff = min(max(mean, 1 / n), 1 - 1 / n)  # no errors seen: the variance of one
                half = 2 * math.sqrt(sd**2 + p_eff * (1 - p_eff) / n)
                band = (100 * (mean - half), 100 * (mean + half))
                shown = f"{100 * mean:.2f}% (sd {100 * sd:.2f})"
                band_text = f"[{band[0]:.2f}%, {band[1]:.2f}%]"
                scale = 100.0
            unit = "" if name == "sine" else "%"
            moved = ", ".join(f"{k}: {scale * v:.{5 if name == 'sine' else 2}f}{unit}"
                              for k, v in sensitivity[name].items())
            extra = ""
            if name == "sine":
                extra = ("; the noise alone has variance 0.1^2 = 0.01, so a test MSE of 0.0082 "
                         "needs noise of sd <= 0.09 (with noise 0.05 the floor is 0.0025)")
            RECORDS.append(record_band(
                NAME, f"{name} {split}", doc, shown, band,
                f"band {band_text}: mean +- 2 sqrt(sd_seeds^2 + sampling var), {len(SEEDS)} seeds, "
                f"{n} {split} examples, 001's defaults (batch 32, lr 0.01); test figure moves to "
                f"{moved} with the variants{extra}"))

    CHECKS: list[Check] = [
        check("train/test splits are disjoint and cover the data",
              all(d[0].shape[1] + d[2].shape[1] == M for _, _, d in kept.values())),
        check("mean accuracy lies in [0, 1] for every classification problem",
              all(0.0 <= v <= 1.0 for n, r in results.items() if n != "sine" for v in r["test"])),
    ]
    return Report(RECORDS, CHECKS, [], files)
