"""A printed description of a network, in the layout of 001's ``print(NN)``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mlp_fn._internal.arrays import on_host
from mlp_fn._internal import checks as check
from mlp_fn._internal.types import ActivationSpec, Array
from mlp_fn.activations import _label
from mlp_fn.losses import _loss_for
from mlp_fn.network import architecture, _trainable

__all__ = ["count_params", "summary_text", "summary"]


@on_host
def count_params(params: Mapping[str, Array]) -> int:
    """Number of trainable numbers: `sum_{l=1}^{L} (n[l] n[l-1] + n[l])` (plus `n[l]` more for a
    normalised layer, whose gamma and beta replace b; running statistics are not counted).

    >>> count_params(mf.init_params([2, 3, 1], seed=0))  # (3 * 2 + 3) + (1 * 3 + 1)
    13
    """
    return sum(int(a.size) for a in _trainable(params, architecture(params)).values())


@on_host
def summary_text(params: Mapping[str, Array], activations: Sequence[ActivationSpec], loss: str,
                 history: Mapping[str, Any] | None = None) -> str:
    """Each layer (`n[l-1] -> n[l]`, activation, shapes of `W[l]` and `b[l]`, `n[l] n[l-1] + n[l]`
    parameters), the total, the loss and, given ``train``'s history, the training state.

    For 2 -> 8 -> 8 -> 1 the total is `(2*8 + 8) + (8*8 + 8) + (8*1 + 1) = 24 + 72 + 9 = 105`.

    >>> text = summary_text(mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce")
    >>> print(text.splitlines()[4])
    Total Network Parameters: 13
    """
    net = architecture(params, activations)
    _loss_for(loss, net.activations[-1])
    lines = ["Neural Network Details", "======================"]
    rows = []
    for layer in net.layers:
        l, n, n_prev, k = layer.l, layer.n_out, layer.n_in, layer.keys
        kind = "Input Layer" if l == 1 else ("Output Layer" if l == net.L else "Hidden Layer")
        if layer.norm is not None:
            extra = f"{k.gamma}, {k.beta} {str((n, 1))} ({layer.norm} norm)"
        else:
            extra = f"{k.b} {str((n, 1))}"
        count = sum(int(params[key].size) for key in layer.trained)
        name = _label(layer.activation) + ("+residual" if layer.residual else "")
        rows.append((f"{kind}: ({n_prev:>2} -> {n})", name, f"{k.W} {str((n, n_prev))}", extra,
                     f"parameters: {count}"))
    # every column as wide as its widest entry, so the columns line up whatever the names
    widths = [max(len(row[c]) for row in rows) for c in range(4)]
    for row in rows:
        lines.append(" ".join(f"{cell:<{w}}" for cell, w in zip(row, widths)) + f" {row[4]}")
    lines.append(f"Total Network Parameters: {count_params(params)}")
    lines.append(f"Loss Function: {loss}")
    costs = _costs(history)
    if history is None:  # the params alone do not say whether they were trained
        lines.append("Trained = not known (pass the history train returned)")
        return "\n".join(lines)
    lines.append(f"Trained = {bool(costs)}")
    if costs:
        lines.append(f"Training Loss = {costs[-1]:.6f}")
        lines.append(f"Epochs Trained: {len(costs)}")
    return "\n".join(lines)


def _costs(history: Any) -> list[float]:
    """The per-epoch costs of a ``train`` history (None: not trained)."""
    if history is None:
        return []
    if not isinstance(history, Mapping) or "cost" not in history:
        raise TypeError(f"history: expected the history train returns (a dict with 'cost'), got "
                        f"{check.what(history)}")
    costs = history["cost"]
    if not isinstance(costs, (list, tuple)):
        raise TypeError(f"history['cost']: expected a list of costs, got {check.what(costs)}")
    return [check.real("history['cost']", c, "finite costs") for c in costs]


@on_host
def summary(params: Mapping[str, Array], activations: Sequence[ActivationSpec], loss: str,
            history: Mapping[str, Any] | None = None) -> None:
    """Print ``summary_text(params, activations, loss, history)``.

    >>> summary(mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce")  # doctest: +ELLIPSIS
    Neural Network Details
    ...
    Total Network Parameters: 13
    ...
    """
    print(summary_text(params, activations, loss, history))
