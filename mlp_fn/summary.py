"""A printed description of a network, as 001's ``print(NN)`` shows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mlp_fn import validation as check
from mlp_fn._types import Array
from mlp_fn.losses import canonical_loss


def count_params(params: Mapping[str, Array]) -> int:
    """Number of trainable numbers: sum over l of n[l] n[l-1] + n[l]."""
    check.params(params)
    return sum(int(a.size) for a in params.values())


def summary(params: Mapping[str, Array], activations: Sequence[str], loss: str) -> None:
    """Print ``summary_text(params, activations, loss)``."""
    print(summary_text(params, activations, loss))


def summary_text(params: Mapping[str, Array], activations: Sequence[str], loss: str) -> str:
    """The layers with their shapes, activations and parameter counts, the total and the loss.

    For 2 -> 8 -> 8 -> 1 the total is (2*8 + 8) + (8*8 + 8) + (8*1 + 1) = 24 + 72 + 9 = 105.
    """
    L = check.params(params)
    acts = check.activations(activations, L)
    name = check.loss_for(loss, acts[-1])
    lines = ["Neural Network Details", "======================"]
    for l in range(1, L + 1):
        n, n_prev = params[f"W{l}"].shape
        kind = "Input Layer" if l == 1 else ("Output Layer" if l == L else "Hidden Layer")
        count = n * n_prev + n
        lines.append(f"{kind + ':':<14}({n_prev:>3} -> {n:<3})  {acts[l - 1]:<10}  "
                     f"W{l} {str((n, n_prev)):<11} b{l} {str((n, 1)):<9} params: {count}")
    lines.append(f"Total Network Parameters: {count_params(params)}")
    given = canonical_loss(loss)
    lines.append(f"Loss Function: {loss}" + (f" ({name})" if given != loss else ""))
    return "\n".join(lines)
