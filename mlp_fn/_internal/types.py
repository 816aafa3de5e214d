"""Type aliases shared by every module (typing only: no behaviour lives here)."""

from __future__ import annotations

from typing import Any, Callable, TypeAlias, TypedDict

import numpy as np
import numpy.typing as npt

__all__ = ["Array", "Params", "Grads", "Cache", "ActivationFn", "DerivativeFn", "BackwardFn",
           "CustomActivation", "ActivationSpec", "Namespace", "Formula", "DerivativeFormula",
           "BackwardFormula"]

#: A float array: float32 or float64, in the course layout (features x examples).
Array: TypeAlias = npt.NDArray[np.floating[Any]]

#: Parameters ``{"W1": (n1, n0), "b1": (n1, 1), ..., "WL": ..., "bL": ...}``.
Params: TypeAlias = dict[str, Array]

#: Gradients ``{"dW1": ..., "db1": ..., ...}``, each shaped as its parameter.
Grads: TypeAlias = dict[str, Array]

#: What ``forward`` keeps for ``backward``: ``"A0"`` (= X), ``"Z1"``, ``"A1"``, ...
#: and, where dropout acted on layer l, ``"D{l}"`` (the mask) and ``"G{l}"`` (g(Z) before it).
Cache: TypeAlias = dict[str, Array]

#: Element-wise activation g(Z).
ActivationFn: TypeAlias = Callable[[Array], Array]

#: g'(Z), given Z and A = g(Z) (which some derivatives reuse).
DerivativeFn: TypeAlias = Callable[[Array, Array], Array]

#: dZ = dA * g'(Z) (or the Jacobian-vector product for softmax), given dA, Z and A = g(Z).
BackwardFn: TypeAlias = Callable[[Array, Array, Array], Array]

#: An array API namespace: ``np`` itself, or ``array_api_compat.torch``, ... (a module).
Namespace: TypeAlias = Any

#: g(Z) computed in the namespace xp of Z: ``formula(Z, xp=xp)``.
Formula: TypeAlias = Callable[..., Array]

#: g'(Z) in the namespace xp, given also A = g(Z) or None: ``derivative(Z, A, xp)``.
DerivativeFormula: TypeAlias = Callable[[Array, "Array | None", Namespace], Array]

#: The backward step dZ in the namespace xp: ``backward(dA, Z, A, xp)``.
BackwardFormula: TypeAlias = Callable[[Array, Array, Array, Namespace], Array]


class CustomActivation(TypedDict):
    """A reader's own activation (``mlp_fn.custom_activation``): g, g'(Z, A) and the backward
    step `dZ = dA * g'(Z)` built from it. It goes wherever an activation name goes."""

    name: str
    g: ActivationFn
    derivative: DerivativeFn
    backward: BackwardFn


#: One layer's activation: a name ('relu', 'Tanh', 'relu+residual') or a reader's own.
ActivationSpec: TypeAlias = "str | CustomActivation"
