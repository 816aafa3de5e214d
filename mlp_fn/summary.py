"""A printed description of a network, in the layout of 001's ``print(NN)``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mlp_fn import validation as check
from mlp_fn._types import ActivationSpec, Array
from mlp_fn.activations import label
from mlp_fn.normalization import is_buffer


def count_params(params: Mapping[str, Array]) -> int:
    """Number of trainable numbers: sum over l = 1..L of n[l] n[l-1] + n[l] (+ n[l] more for a
    normalised layer, whose gamma and beta replace b; running statistics are not counted)."""
    check.params(params)
    return sum(int(a.size) for k, a in params.items() if not is_buffer(k))


def summary_text(params: Mapping[str, Array], activations: Sequence[ActivationSpec], loss: str,
                 history: Mapping[str, Any] | None = None) -> str:
    """Each layer (n[l-1] -> n[l], activation, shapes of W[l] and b[l], n[l] n[l-1] + n[l]
    parameters), the total, the loss and, given ``train``'s history, the training state.

    For 2 -> 8 -> 8 -> 1 the total is (2*8 + 8) + (8*8 + 8) + (8*1 + 1) = 24 + 72 + 9 = 105.
    """
    L = check.params(params)
    acts = check.activations(activations, L, params)
    check.loss_for(loss, acts[-1])
    lines = ["Neural Network Details", "======================"]
    for l in range(1, L + 1):
        n, n_prev = params[f"W{l}"].shape
        kind = "Input Layer" if l == 1 else ("Output Layer" if l == L else "Hidden Layer")
        head = f"{kind}: ({n_prev:>2} -> {n})"
        if f"gamma{l}" in params:
            norm = "batch" if f"mu{l}" in params else "layer"
            extra, count = f"gamma{l}, beta{l} {str((n, 1))} ({norm} norm)", n * n_prev + 2 * n
        else:
            extra, count = f"b{l} {str((n, 1)):<8}", n * n_prev + n
        lines.append(f"{head:<24}{label(acts[l - 1]):<10} W{l} {str((n, n_prev)):<10} "
                     f"{extra} parameters: {count}")
    lines.append(f"Total Network Parameters: {count_params(params)}")
    lines.append(f"Loss Function: {loss}")
    costs = _costs(history)
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
                        f"{check.describe(history)}")
    costs = history["cost"]
    if not isinstance(costs, (list, tuple)):
        raise TypeError(f"history['cost']: expected a list of costs, got {check.describe(costs)}")
    return [check.real("history['cost']", c, "finite costs") for c in costs]


def summary(params: Mapping[str, Array], activations: Sequence[ActivationSpec], loss: str,
            history: Mapping[str, Any] | None = None) -> None:
    """Print ``summary_text(params, activations, loss, history)``."""
    print(summary_text(params, activations, loss, history))
