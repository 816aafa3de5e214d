"""The digits walkthrough's reproduction report, and its independent checks."""

from __future__ import annotations

from typing import Any
import warnings

import numpy as np

from walkthroughs._report import Check, Record, Report, Skip, check, record_claim, strict_json


def report(*, quick: bool, split: Any, results: Any, HIDDEN: Any, EPOCHS: Any, X_all: Any,
           y_all: Any, SEEDS: Any, ours_mean: Any, first: Any, predicted: Any, cm: Any,
           N_TEST: Any, **_: Any) -> Report:
    """What the digits lesson computed (its namespace, by name), against the seed."""
    files: dict[str, str] = {}
    # scikit-learn's MLPClassifier with the same architecture and budget, on the same splits.

    NAME = "digits"
    QUICK = quick
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.metrics import accuracy_score
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        raise Skip("needs scikit-learn, for MLPClassifier to compare with: "
                   "pip install -e '.[dev]' (or: pip install scikit-learn)") from None

    for r in results:
        train, held_out = split(r["seed"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # it stops at max_iter, as asked
            clf = MLPClassifier((HIDDEN,), activation="relu", solver="adam", learning_rate_init=1e-3,
                                batch_size=32, max_iter=EPOCHS, alpha=0.0, tol=0.0,
                                n_iter_no_change=EPOCHS + 1, random_state=r["seed"])
            clf.fit(X_all[train], y_all[train])
        r["sklearn"] = float(clf.score(X_all[held_out], y_all[held_out]))
        print(f"seed {r['seed']}: scikit-learn {r['sklearn']:.4f}")
    theirs_mean = float(np.mean([r["sklearn"] for r in results]))
    print(f"mean test accuracy over {len(SEEDS)} seeds: scikit-learn {theirs_mean:.4f}")

    files['results.json'] = strict_json(
        {"seeds": SEEDS, "epochs": EPOCHS, "mlp_fn": [r["mlp_fn"] for r in results],
         "sklearn": [r["sklearn"] for r in results]}, indent=1)

    holds = ours_mean >= 0.97 and abs(ours_mean - theirs_mean) <= 0.01
    RECORDS: list[Record] = [
        record_claim(NAME, "digits test accuracy",
                     "mlp_fn.model reaches a mean test accuracy of at least 97% on the 8x8 digits, "
                     "within one point of scikit-learn's MLPClassifier",
                     f"mlp_fn {ours_mean:.2%}, scikit-learn {theirs_mean:.2%} "
                     f"({len(SEEDS)} seeds, {EPOCHS} epochs, 64-{HIDDEN}-10)", holds,
                     "the target set for 001's workflow on real data; the same splits, architecture "
                     "and budget for both" + (" (a --quick run: 1 seed, 15 epochs, not the "
                                              "measurement)" if QUICK else "")),
    ]
    CHECKS: list[Check] = [
        check("model.score equals scikit-learn's accuracy_score of model.predict",
              abs(first["mlp_fn"] - accuracy_score(y_all[first["test"]], predicted)) < 1e-12,
              f"{first['mlp_fn']:.6f}"),
        check("the confusion matrix counts every test image once", int(cm.sum()) == N_TEST,
              f"{int(cm.sum())}"),
    ]
    return Report(RECORDS, CHECKS, [], files)
