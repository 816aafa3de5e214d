"""Ready-made callbacks for ``train``, which itself stays silent.

``train(..., callback=progress_callback(epochs))`` shows 000's progress bar: tqdm's when tqdm is
installed (``pip install 'mlp_fn[plots]'``), otherwise a plain line every tenth of the run.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from mlp_fn._internal import checks as check
from mlp_fn.training._state import History
from mlp_fn._internal.types import Params
from mlp_fn.training._state import Callback

__all__ = ["progress_callback"]


def progress_callback(total_epochs: int, *, every: int | None = None, desc: str = "training",
                      stream: TextIO | None = None) -> Callback:
    """A callback for ``train`` that reports progress on standard error (or ``stream``) every
    ``every`` epochs and at the last one, where early stopping ends a run too: a tqdm bar with
    the latest cost when tqdm is installed (``tqdm.auto``: one widget in a notebook, a text bar
    in a terminal), else the line 'training: epoch 300/1000, cost 0.284512'. Costs are written
    to 6 significant digits (2.31457e-05, not 0.000000). By default the bar moves every
    hundredth of the run and the lines come every tenth; ``train`` calls it only on those epochs
    (its ``every`` attribute), so it costs nothing in between. Give it the ``epochs`` passed to
    ``train``.

    >>> progress_callback(1000, every=250).every  # train calls it on every 250th epoch
    250
    """
    total = check.positive_int("total_epochs", total_epochs)
    if every is not None:
        every = check.positive_int("every", every)
    if not isinstance(desc, str):
        raise TypeError(f"desc: expected a str, got {check.what(desc)}")
    out = sys.stderr if stream is None else stream
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    step = every if every is not None else max(1, total // (100 if tqdm is not None else 10))
    bar: list[Any] = []  # the tqdm bar, made at the first report

    def report(epoch: int, params: Params, history: History) -> None:
        done = len(history["cost"])
        last = done >= total or history.get("stopped_early", False)  # early stopping's last
        if done % step and not last:
            return  # only every ``step`` epochs: a redraw each epoch would cost more than it
        cost = f"{history['cost'][-1]:.6g}" if history["cost"] else "none"
        stopped = ", stopped early" if history.get("stopped_early", False) else ""
        if tqdm is None:
            print(f"{desc}: epoch {done}/{total}, cost {cost}{stopped}", file=out, flush=True)
            return
        if not bar:
            bar.append(tqdm(total=total, desc=desc, file=out, leave=True))
        bar[0].set_postfix(cost=cost + stopped, refresh=False)
        bar[0].update(min(done, total) - bar[0].n)
        if last:
            bar[0].close()

    report.every = step  # type: ignore[attr-defined]  # train calls it only on those epochs
    return report
