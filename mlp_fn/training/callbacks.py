"""Ready-made callbacks for ``train``, which itself stays silent.

``train(..., callback=progress_callback(epochs))`` shows 000's progress bar: tqdm's when tqdm is
installed (``pip install 'mlp_fn[plots]'``), otherwise a plain line every tenth of the run.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from mlp_fn._internal import checks as check
from mlp_fn.training.state import History
from mlp_fn._internal.types import Params
from mlp_fn.training.loop import Callback

__all__ = ["progress_callback"]


def progress_callback(total_epochs: int, *, every: int | None = None, desc: str = "training",
                      stream: TextIO | None = None) -> Callback:
    """A callback for ``train`` that reports progress on standard error (or ``stream``): a
    tqdm bar with the latest cost when tqdm is installed, else the line
    'training: epoch 300/1000, cost 0.284512' every ``every`` epochs (default: a tenth of the
    run) and at the last one. Give it the ``epochs`` passed to ``train``."""
    total = check.positive_int("total_epochs", total_epochs)
    step = max(1, total // 10) if every is None else check.positive_int("every", every)
    if not isinstance(desc, str):
        raise TypeError(f"desc: expected a str, got {check.describe(desc)}")
    out = sys.stderr if stream is None else stream
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    bar: list[Any] = []  # the tqdm bar, made at the first epoch

    def report(epoch: int, params: Params, history: History) -> None:
        done = len(history["cost"])
        cost = history["cost"][-1] if history["cost"] else float("nan")
        if tqdm is not None:
            if not bar:
                bar.append(tqdm(total=total, desc=desc, file=out, leave=True))
            bar[0].n = min(done, total)
            bar[0].set_postfix(cost=f"{cost:.6f}", refresh=False)
            bar[0].refresh()
            if done >= total:
                bar[0].close()
        elif done % step == 0 or done >= total:
            print(f"{desc}: epoch {done}/{total}, cost {cost:.6f}", file=out, flush=True)

    return report
