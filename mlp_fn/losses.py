"""Loss functions J(A, Y) of section 5, each a mean over the m examples, and dJ/dA.

Shapes: the output activations AL and the targets Y are both (n_y, m), one example per column.

Conventions, stated once here and again in each docstring:

* ``bce``: `J = -(1/m) sum_i [y log a + (1 - y) log(1 - a)]`, summed over the `n_y` outputs
* ``cce``: `J = -(1/m) sum_i sum_k y_k log a_k`
* ``mse``: J is the mean of `(a - y)^2` over all `n_y m` elements (the chapter's definition)
* ``half_mse``: `J = mse / 2` (scikit-learn's squared loss)

Each is one ``def``: its body computes each output's loss, and from them (``_mean``) each
example's L(i) and their mean `J = (1/m) sum_i L(i)`, or with sample weights w the weighted mean
`sum_i w_i L(i) / sum_i w_i`; ``reduction="none"`` returns the L(i) themselves (what ``explain``
prints). Each loss's
derivative ``dA`` is the derivative of one example's loss with respect to its output column,
i.e. `m * dJ/dAL`; the 1/m of the mean is applied once, in ``linear_backward``, as in the course.

Logarithms never see 0: probabilities are clamped to the smallest positive normal number of their
dtype, so a confident wrong answer costs about 708 (float64) or 87 (float32) instead of inf, and a
perfect fit still costs exactly 0 (its clamped term is multiplied by a zero label).

Called by a reader, a loss takes what a textbook passes (lists, integer labels, a 1-D vector:
for bce and the squared errors one output over m examples, for cce the K probabilities of one
example), checks that the values fit it (declared above its def) and returns a float; ``train``
calls the same body unchecked (``bce.unchecked``), on arrays it checked once, and gets a 0-d
array of the arrays' library.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, TypeAlias, TypedDict

import numpy as np

from mlp_fn._internal.arrays import (NUMPY, Backend, backend, default_int, is_array, require,
                                     to_host)
from mlp_fn._internal.boundary import Checked, checked
from mlp_fn._internal.inputs import cast, real_array
from mlp_fn._internal.names import resolve
from mlp_fn._internal import checks as check
from mlp_fn._internal.types import ActivationSpec, Array, Namespace

__all__ = ["bce", "cce", "mse", "half_mse", "binary_log_loss", "multiclass_log_loss", "l2",
           "bce_derivative", "cce_derivative", "mse_derivative", "half_mse_derivative",
           "canonical_loss", "LOSSES", "LOSS_ALIASES", "Loss", "Reduction"]

_Task: TypeAlias = Literal["binary", "multiclass", "regression"]
#: What a loss returns: "mean", the cost J (1/m) sum_i L(i) (weighted by sample_weight when
#: given), or "none", each example's L(i), shape (m,).
#:
#: :meta hide-value:
Reduction: TypeAlias = Literal["mean", "none"]


def _log_clamped(P: Array, xp: Namespace) -> Array:
    """log(max(P, tiny)): finite for P = 0, exact for every P the dtype can tell from 0."""
    logs: Array = xp.log(xp.maximum(P, xp.finfo(P.dtype).smallest_normal))
    return logs


def _clamp_eps(P: Array, xp: Namespace) -> Array:
    """max(P, eps): keeps 1/P finite (at most 1/eps) where a probability reached 0."""
    clamped: Array = xp.maximum(P, xp.finfo(P.dtype).eps)
    return clamped


def _mean(losses: Array, sample_weight: Array | None, reduction: Reduction, xp: Namespace, *,
          per: int = 1) -> Array:
    """From each output's loss, ``losses`` (n_y, m), each example's L(i) = sum_k losses_k(i) /
    ``per`` and their mean J = (1/m) sum_i L(i), or with sample weights w of shape (1, m) the
    weighted mean sum_i w_i L(i) / sum_i w_i (w >= 0, sum > 0); the L(i) themselves, (m,), for
    reduction "none". (The plain mean sums every entry at once: one reduction.)"""
    if reduction == "none":
        L: Array = xp.sum(losses, axis=0) / per
        return L
    if sample_weight is None:
        J: Array = xp.sum(losses) / (per * losses.shape[1])
        return J
    w = sample_weight[0, :]
    Jw: Array = xp.sum(w * xp.sum(losses, axis=0)) / (per * xp.sum(w))
    return Jw


# ----------------------------------------------------------------------------------------------
# What a loss accepts (its checks, declared above each def)
# ----------------------------------------------------------------------------------------------

def _outputs(loss: str) -> Any:
    """AL: a real (n_y, m) array, or a 1-D vector (one output over m examples; for cce the K
    probabilities of one example); probabilities in [0, 1] for bce and cce."""

    def rule(name: str, value: Any, seen: dict[str, Any]) -> Array:
        A = real_array(name, value)
        if A.ndim > 2:
            raise ValueError(f"{name}: expected a (n_y, m) matrix or a vector, got shape "
                             f"{tuple(A.shape)}")
        if math.prod(A.shape) == 0:
            raise ValueError(f"{name}: expected at least one example, got an empty array")
        return _probabilities(name, _layout(A, loss), loss)

    return rule


def _targets(loss: str) -> Any:
    """Y: of AL's shape (a vector read as AL's was), in AL's dtype; in [0, 1] for bce and
    cce."""

    def rule(name: str, value: Any, seen: dict[str, Any]) -> Array:
        T, A = real_array(name, value), seen["AL"]
        T = _layout(T, loss) if T.ndim < 2 else T
        if tuple(T.shape) != tuple(A.shape):
            raise ValueError(f"{name}: expected the shape of AL {tuple(A.shape)}, got "
                             f"{tuple(T.shape)}")
        return _probabilities(name, cast(name, T, A.dtype), loss)

    return rule


def _layout(A: Array, loss: str) -> Array:
    """A vector as the course's (n_y, m): a column of K classes for cce, else a row of m."""
    if A.ndim == 2:
        return A
    xp = backend(A=A).xp
    out: Array = xp.reshape(A, (-1, 1) if loss == "cce" else (1, -1))
    return out


def _probabilities(name: str, a: Array, loss: str) -> Array:
    if loss in ("bce", "cce"):
        xp = backend(a=a).xp
        low, high = float(xp.min(a)), float(xp.max(a))
        if low < 0 or high > 1:
            raise ValueError(f"{name}: {loss} expects probabilities in [0, 1], got values "
                             f"from {low} to {high}")
    return a


def _weights(name: str, value: Any, seen: dict[str, Any]) -> Array | None:
    """Sample weights w of shape (m,) or (1, m), w >= 0 with sum > 0, as (1, m)."""
    if value is None:
        return None
    AL = seen["AL"]
    return check.sample_weight(value, AL.shape[1], AL.dtype, backend(AL=AL))


def _reduction(name: str, value: Any, seen: dict[str, Any]) -> Reduction:
    if value not in ("mean", "none"):
        raise ValueError(f"{name}: expected 'mean' (the cost J) or 'none' (each example's loss "
                         f"L(i)), got {check.short_repr(value)}")
    return value  # type: ignore[no-any-return]


def _loss(loss: str) -> Callable[[Callable[..., Array]], Checked[float, Array]]:
    """The checks of a loss: ``checked`` for its AL, Y, sample weights and reduction."""
    return checked(returns="number", AL=_outputs(loss), Y=_targets(loss),
                   sample_weight=_weights, reduction=_reduction,
                   overflow=f"AL: the {loss} of these values overflowed; the differences AL - Y "
                            f"are too large to square in this dtype")


# ----------------------------------------------------------------------------------------------
# The losses
# ----------------------------------------------------------------------------------------------

@_loss("bce")
def bce(AL: Array, Y: Array, sample_weight: Array | None = None, reduction: Reduction = "mean",
        *, xp: Namespace = np) -> Array:
    """Binary cross-entropy, mean over the m examples:

    `J = -(1/m) sum_{i=1}^{m} [ y(i) log a(i) + (1 - y(i)) log(1 - a(i)) ]`.

    With ``sample_weight`` w the weighted mean sum_i w_i L(i) / sum_i w_i; with
    ``reduction="none"`` each example's L(i) (summed over the n_y outputs), shape (m,).

    >>> round(bce([0.9, 0.1, 0.8, 0.3], [1, 0, 1, 0]), 4)
    0.1976
    """
    losses = -(Y * _log_clamped(AL, xp) + (1.0 - Y) * _log_clamped(1.0 - AL, xp))
    return _mean(losses, sample_weight, reduction, xp)


@_loss("cce")
def cce(AL: Array, Y: Array, sample_weight: Array | None = None, reduction: Reduction = "mean",
        *, xp: Namespace = np) -> Array:
    """Categorical cross-entropy with one-hot Y of shape (K, m), mean over the m examples:

    `J = -(1/m) sum_{i=1}^{m} sum_{k=1}^{K} y_k(i) log a_k(i)`.

    ``sample_weight`` and ``reduction`` as for ``bce``.

    >>> round(cce([0.7, 0.2, 0.1], [1, 0, 0]), 4)  # -log 0.7, one example of K = 3
    0.3567
    """
    return _mean(-(Y * _log_clamped(AL, xp)), sample_weight, reduction, xp)


@_loss("mse")
def mse(AL: Array, Y: Array, sample_weight: Array | None = None, reduction: Reduction = "mean",
        *, xp: Namespace = np) -> Array:
    """Mean squared error, the chapter's definition: the mean over all n_y * m elements,

    `J = 1/(n_y m) sum_{i=1}^{m} sum_{k=1}^{n_y} (a_k(i) - y_k(i))^2`   (no factor 1/2).

    Each example's `L(i) = (1/n_y) sum_k (a_k - y_k)^2`; ``sample_weight`` and ``reduction`` as
    for ``bce``.

    >>> mse([1.0, 2.0], [1.0, 4.0])  # (0 + 2^2) / 2
    2.0
    """
    D = AL - Y
    return _mean(D * D, sample_weight, reduction, xp, per=D.shape[0])  # 1/n_y


@_loss("half_mse")
def half_mse(AL: Array, Y: Array, sample_weight: Array | None = None,
             reduction: Reduction = "mean", *, xp: Namespace = np) -> Array:
    """Half the mean squared error (scikit-learn's and many derivations' convention):

    `J = 1/(2 n_y m) sum_{i=1}^{m} sum_{k=1}^{n_y} (a_k(i) - y_k(i))^2`.

    ``sample_weight`` and ``reduction`` as for ``bce``.

    >>> half_mse([1.0, 2.0], [1.0, 4.0])  # (0 + 2^2) / (2 * 2)
    1.0
    """
    D = AL - Y
    return _mean(D * D, sample_weight, reduction, xp, per=2 * D.shape[0])  # 1/(2 n_y)


#: 001's names and scikit-learn's for the same functions.
binary_log_loss = bce
multiclass_log_loss = cce
l2 = mse


def _derivative(loss: str) -> Callable[[Callable[..., Array]], Checked[Array, Array]]:
    """The checks of a loss's derivative: AL and Y as for the loss."""
    return checked(AL=_outputs(loss), Y=_targets(loss))


@_derivative("bce")
def bce_derivative(AL: Array, Y: Array, *, xp: Namespace = np) -> Array:
    """`dL/da = -(y/a - (1 - y)/(1 - a))` for one example (the course's dAL).

    >>> bce_derivative([0.5, 0.25], [1, 0])  # -1/0.5, then 1/0.75
    array([[-2.        ,  1.33333333]])
    """
    dA: Array = -(Y / _clamp_eps(AL, xp) - (1.0 - Y) / _clamp_eps(1.0 - AL, xp))
    return dA


@_derivative("cce")
def cce_derivative(AL: Array, Y: Array, *, xp: Namespace = np) -> Array:
    """`dL/da_k = -y_k / a_k` for one example.

    >>> cce_derivative([0.5, 0.5], [1, 0]).T
    array([[-2., -0.]])
    """
    dA: Array = -Y / _clamp_eps(AL, xp)
    return dA


@_derivative("mse")
def mse_derivative(AL: Array, Y: Array, *, xp: Namespace = np) -> Array:
    """`dL/da = 2 (a - y) / n_y` for one example.

    >>> mse_derivative([1.0, 2.0], [1.0, 4.0])
    array([[ 0., -4.]])
    """
    dA: Array = 2.0 * (AL - Y) / AL.shape[0]
    return dA


@_derivative("half_mse")
def half_mse_derivative(AL: Array, Y: Array, *, xp: Namespace = np) -> Array:
    """`dL/da = (a - y) / n_y` for one example.

    >>> half_mse_derivative([1.0, 2.0], [1.0, 4.0])
    array([[ 0., -2.]])
    """
    dA: Array = (AL - Y) / AL.shape[0]
    return dA


class Loss(TypedDict):
    """One registry entry, from which everything about a loss is derived.

    ``cost``: the loss itself (the public function above; ``cost.unchecked`` its body),
    ``dA``: its derivative dL/da (public; ``dA.unchecked``).
    ``output``: the only output activation the loss accepts (None: any but softmax-only rules).
    ``fused``: the output activation whose backward step combines with this loss into `dZ = A - Y`.
    ``task``: what ``predict`` returns for it.
    ``formula``: one output's term of L(i) in a (the output) and y (the target), and
    ``derivative_formula``: dL/da for it, with n the number of outputs n_y; the printable forms
    ``mlp_fn.explain`` fills with numbers (bce's term for `y = 1` and for `y = 0`, cce's for the
    true class).
    """

    cost: Checked[float, Array]
    dA: Checked[Array, Array]
    output: str | None
    fused: str | None
    task: _Task
    formula: str
    derivative_formula: str


#: One record (``Loss``) per loss: its cost and derivative, the output activation it pairs
#: with (and fuses with), its task and the printable formulas ``explain`` fills in.
#:
#: :meta hide-value:
LOSSES: dict[str, Loss] = {
    "bce": {"cost": bce, "dA": bce_derivative, "output": "sigmoid", "fused": "sigmoid",
            "task": "binary", "formula": "-log(a) if y = 1 else -log(1 - a)",
            "derivative_formula": "(-(y/a) + (1 - y)/(1 - a))"},
    "cce": {"cost": cce, "dA": cce_derivative, "output": "softmax", "fused": "softmax",
            "task": "multiclass", "formula": "-log(a)", "derivative_formula": "(-(y/a))"},
    "mse": {"cost": mse, "dA": mse_derivative, "output": None, "fused": None,
            "task": "regression", "formula": "(a - y)*(a - y)/n",
            "derivative_formula": "(2/n)*(a - y)"},
    "half_mse": {"cost": half_mse, "dA": half_mse_derivative, "output": None, "fused": None,
                 "task": "regression", "formula": "(a - y)*(a - y)/(2*n)",
                 "derivative_formula": "(1/n)*(a - y)"},
}

#: 001's names for the same losses, and the long names other libraries use.
#:
#: :meta hide-value:
LOSS_ALIASES: dict[str, str] = {
    "binary_log_loss": "bce",
    "binary_cross_entropy": "bce",
    "multiclass_log_loss": "cce",
    "categorical_cross_entropy": "cce",
    "l2": "mse",
    "mean_squared_error": "mse",
}


def canonical_loss(name: str) -> str:
    """The registry name for ``name`` (resolving aliases); ValueError listing the valid names.

    >>> canonical_loss("binary_log_loss"), canonical_loss("MSE")
    ('bce', 'mse')
    """
    return resolve("loss", name, LOSSES, LOSS_ALIASES)


def _loss_for(loss: Any, output_activation: ActivationSpec) -> str:
    """A known loss that fits the output activation. Returns the canonical name."""
    name = canonical_loss(loss)
    required = LOSSES[name]["output"]
    if required is not None and output_activation != required:
        got = output_activation if isinstance(output_activation, str) else \
            f"the custom {output_activation['name']!r}"
        raise ValueError(f"loss: {check.short_repr(loss)} expects a {required!r} output layer, "
                         f"got {got!r} (pair sigmoid with bce, softmax with cce)")
    # softmax with a squared error is legal: its backward step uses softmax's Jacobian.
    if output_activation == "softmax" and name == "bce":
        raise ValueError("loss: 'bce' needs independent probabilities; with a softmax output "
                         "use 'cce'")
    return name


def _check_targets(Y: Any, n_y: int, m: int, loss: str, dtype: Any, b: Backend = NUMPY) -> Array:
    """Y of shape (n_y, m) fitting the loss, returned as an array of ``dtype``: {0, 1} for bce,
    one-hot columns for cce, finite reals for the squared errors. Integer and boolean labels are
    accepted (and converted): labels are naturally integers. For cce a (1, m) row of class
    indices 0..K-1, the layout the data generators return, stands for its one-hot columns.
    ``b``: the backend of the network, whose library and device Y must share."""
    xp = b.xp
    require(b, Y=Y)
    if is_array(Y):
        if not xp.isdtype(Y.dtype, ("real floating", "integral", "bool")):
            raise TypeError(f"Y: expected an array of numbers, got {check.what(Y)}")
    elif not isinstance(Y, np.ndarray) or type(Y) is not np.ndarray or \
            Y.dtype.kind not in "fiub":
        raise TypeError(f"Y: expected a NumPy array of numbers, got {check.what(Y)}"
                        f"{check.layout_hint('Y', Y)}")
    if Y.ndim != 2:
        hint = ""
        if Y.ndim == 1:
            hint = "; a 1-D vector of labels becomes the course layout with Y.reshape(1, -1)"
        raise ValueError(f"Y: expected a 2-D array of shape ({n_y}, {m}), got shape "
                         f"{tuple(Y.shape)}{hint}")
    if loss == "cce" and tuple(Y.shape) == (1, m) and n_y > 1:
        labels = Y[0, :]
        if xp.isdtype(labels.dtype, "bool"):
            labels = xp.astype(labels, default_int(xp))
        whole = True
        if xp.isdtype(labels.dtype, "real floating"):  # whole numbers, finite
            whole = _check_all(xp.isfinite(labels), xp) and _check_all(labels == xp.round(labels),
                                                                       xp)
        if whole and float(xp.min(labels)) >= 0 and float(xp.max(labels)) < n_y:
            # class indices, as the generators give: their one-hot columns
            classes = xp.reshape(xp.arange(n_y, device=b.device), (-1, 1))
            Y = xp.reshape(xp.astype(labels, default_int(xp)), (1, -1)) == classes
    if tuple(Y.shape) != (n_y, m):
        hint = ""
        if tuple(Y.shape) == (m, n_y):
            hint = "; it looks like one example per row: pass Y.T"
        elif loss == "cce" and Y.shape[0] == 1:
            hint = "; cce needs one-hot targets of shape (K, m): see mlp_fn.one_hot"
        raise ValueError(f"Y: expected shape ({n_y}, {m}) (n_y from the last layer, m from X), "
                         f"got {tuple(Y.shape)}{hint}")
    Yf = cast("Y", Y, dtype)
    check.finite("Y", Yf)
    if LOSSES[loss]["task"] == "regression":  # any finite targets
        return Yf
    zero_or_one = (Yf == 0.0) | (Yf == 1.0)
    if loss == "bce" and not _check_all(zero_or_one, xp):
        bad = to_host(Yf)[~to_host(zero_or_one)]
        raise ValueError(f"Y: bce expects labels in {{0, 1}}, got {bad.size} other values "
                         f"(e.g. {bad.flat[0]})")
    if loss == "cce":
        if not (_check_all(zero_or_one, xp) and _check_all(xp.sum(Yf, axis=0) == 1, xp)):
            raise ValueError("Y: cce expects one-hot columns (a single 1 per column, zeros "
                             "elsewhere); build them from class indices with mlp_fn.one_hot")
    return Yf


def _check_all(a: Array, xp: Namespace) -> bool:
    """Whether every entry of the boolean array ``a`` is true."""
    return bool(xp.all(a))


def _metric(AL: Array, Y: Array, loss: str, xp: Namespace = np) -> float:
    """Accuracy for classification (the fraction of examples right), the mean squared error
    mean((A[L] - Y)^2) for regression."""
    task = LOSSES[loss]["task"]
    if task == "binary":
        right = (AL > 0.5) == (Y > 0.5)
    elif task == "multiclass":
        right = xp.argmax(AL, axis=0) == xp.argmax(Y, axis=0)
    else:
        D = AL - Y
        return float(xp.mean(D * D))
    fraction: float = int(xp.count_nonzero(right)) / math.prod(right.shape)
    return fraction
