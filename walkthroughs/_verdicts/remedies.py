"""The remedies walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

from typing import Any

import mlp_fn as mf
import numpy as np

from walkthroughs._report import Check, Record, Report, check, record_claim, strict_json


def report(*, quick: bool, results: Any, SEEDS: Any, EPOCHS: Any, DEPTH: Any, WIDTH: Any,
           claims: Any, network: Any, X: Any, Y: Any, **_: Any) -> Report:
    """What the remedies lesson computed (its namespace, by name), against the seed."""
    files: dict[str, str] = {}
    NAME = "remedies"
    QUICK = quick
    files['results.json'] = strict_json(
        {"seeds": SEEDS, "epochs": EPOCHS, "depth": DEPTH, "width": WIDTH, "results": results},
        indent=1, default=str)
    RECORDS: list[Record] = [record_claim(NAME, figure, claim, evidence, holds,
                                          reason + (" (a --quick run: 1 seed, 10 epochs)"
                                                    if QUICK else ""))
                             for figure, claim, holds, evidence, reason in claims]

    # An independent check of the measurement: the first layer's gradient of the vanishing baseline,
    # written out in NumPy without mlp_fn (forward with sigmoid, backward by the chain rule).
    p, acts, _ = network("vanishing", "baseline", SEEDS[0])
    A = [np.asarray(X)]
    for l in range(1, DEPTH + 2):
        A.append(1 / (1 + np.exp(-(np.asarray(p[f"W{l}"]) @ A[-1] + np.asarray(p[f"b{l}"])))))
    dZ = A[-1] - np.asarray(Y)
    for l in range(DEPTH + 1, 1, -1):
        dZ = (np.asarray(p[f"W{l}"]).T @ dZ) * A[l - 1] * (1 - A[l - 1])
    by_hand = float(np.linalg.norm(dZ @ A[0].T / X.shape[1]))
    AL, cache = mf.forward(X, p, acts)
    ours = float(np.linalg.norm(mf.backward(AL, Y, cache, p, acts, "bce")["dW1"]))
    CHECKS: list[Check] = [check("||dW1|| of the vanishing baseline equals a NumPy chain rule",
                                 abs(ours - by_hand) <= 1e-9 * by_hand, f"{ours:.6e}")]
    return Report(RECORDS, CHECKS, [], files)
