"""Loss functions J(A, Y) of section 5, each a mean over the m examples, and dJ/dA.

Shapes: the output activations AL and the targets Y are both (n_y, m), one example per column.

Conventions, stated once here and again in each docstring:

* ``bce``  J = -(1/m) sum_i [y log a + (1 - y) log(1 - a)]           (summed over the n_y outputs)
* ``cce``  J = -(1/m) sum_i sum_k y_k log a_k
* ``mse``  J = mean over all n_y * m elements of (a - y)^2              (the chapter's definition)
* ``half_mse``  J = mse / 2                                             (scikit-learn's squared loss)

Each loss's ``dA`` is the derivative of one example's loss with respect to its output column, i.e.
m * dJ/dAL; the 1/m of the mean is applied once, in ``linear_backward``, as in the course.

Logarithms never see 0: probabilities are clamped to the smallest positive normal number of their
dtype, so a confident wrong answer costs about 708 (float64) or 87 (float32) instead of inf, and a
perfect fit still costs exactly 0 (its clamped term is multiplied by a zero label).

The public ``bce``, ``cce``, ``mse`` and ``half_mse`` take what a textbook passes (lists, integer
labels, a 1-D vector: for bce and the squared errors one output over m examples, for cce the K
probabilities of one example) and check that the values fit the loss; the registry ``LOSSES``
holds the bare formulas, which ``train`` calls on arrays it has checked once.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Literal, TypeAlias, TypedDict

import numpy as np

from numpy.typing import ArrayLike

from mlp_fn._internal.arrays import NUMPY, Backend, backend, is_array, require, to_host
from mlp_fn._internal.inputs import cast, real_array
from mlp_fn._internal.names import resolve
from mlp_fn._internal import checks as check
from mlp_fn._internal.types import ActivationSpec, Array, Namespace

__all__ = ["LOSSES", "LOSS_ALIASES", "Loss", "bce", "cce", "mse", "half_mse", "binary_log_loss",
           "multiclass_log_loss", "l2", "bce_derivative", "cce_derivative", "mse_derivative",
           "half_mse_derivative", "canonical_loss", "loss_for", "check_targets", "cost_of",
           "weighted_cost", "metric"]

#: The registry's bare formulas take (AL, Y) and the namespace xp of the arrays (NumPy's by
#: default): J (a 0-d array: it stays in the arrays' library, so a compiled step can carry it),
#: dL/dA or the per-example terms L(i).
CostFn: TypeAlias = Callable[..., Array]
DerivFn: TypeAlias = Callable[..., Array]
Task: TypeAlias = Literal["binary", "multiclass", "regression"]


def _log_clamped(P: Array, xp: Namespace) -> Array:
    """log(max(P, tiny)): finite for P = 0, exact for every P the dtype can tell from 0."""
    logs: Array = xp.log(xp.maximum(P, xp.finfo(P.dtype).smallest_normal))
    return logs


def _clamp_eps(P: Array, xp: Namespace) -> Array:
    """max(P, eps): keeps 1/P finite (at most 1/eps) where a probability reached 0."""
    clamped: Array = xp.maximum(P, xp.finfo(P.dtype).eps)
    return clamped


def _bce(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    """Binary cross-entropy, mean over the m examples:

    J = -(1/m) sum_{i=1}^{m} [ y(i) log a(i) + (1 - y(i)) log(1 - a(i)) ].
    """
    m = AL.shape[1]
    J: Array = -(xp.sum(Y * _log_clamped(AL, xp))
                 + xp.sum((1.0 - Y) * _log_clamped(1.0 - AL, xp))) / m
    return J


def _bce_derivative(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    return -(Y / _clamp_eps(AL, xp) - (1.0 - Y) / _clamp_eps(1.0 - AL, xp))


def _cce(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    """Categorical cross-entropy with one-hot Y of shape (K, m), mean over the m examples:

    J = -(1/m) sum_{i=1}^{m} sum_{k=1}^{K} y_k(i) log a_k(i).
    """
    m = AL.shape[1]
    J: Array = -xp.sum(Y * _log_clamped(AL, xp)) / m
    return J


def _cce_derivative(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    return -Y / _clamp_eps(AL, xp)


def _mse(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    """Mean squared error, the chapter's definition: the mean over all n_y * m elements,

    J = 1/(n_y m) sum_{i=1}^{m} sum_{k=1}^{n_y} (a_k(i) - y_k(i))^2   (no factor 1/2).
    """
    D = AL - Y
    J: Array = xp.sum(D * D) / (D.shape[0] * D.shape[1])
    return J


def _mse_derivative(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    dA: Array = 2.0 * (AL - Y) / AL.shape[0]
    return dA


def _half_mse(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    """Half the mean squared error (scikit-learn's and many derivations' convention):

    J = 1/(2 n_y m) sum_{i=1}^{m} sum_{k=1}^{n_y} (a_k(i) - y_k(i))^2.
    """
    D = AL - Y
    J: Array = xp.sum(D * D) / (2 * D.shape[0] * D.shape[1])
    return J


def _half_mse_derivative(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    dA: Array = (AL - Y) / AL.shape[0]
    return dA


def _derivative(name: str, formula: DerivFn, doc: str) -> Callable[[Array, Array], Array]:
    """The public dL/da of one loss, in the namespace of the arrays given."""

    def derivative(AL: Array, Y: Array) -> Array:
        return formula(AL, Y, backend(AL=AL, Y=Y).xp)

    derivative.__name__ = derivative.__qualname__ = name
    derivative.__doc__ = doc
    return derivative


bce_derivative = _derivative("bce_derivative", _bce_derivative,
                             "dL/da = -(y/a - (1 - y)/(1 - a)) for one example (the course's dAL).")
cce_derivative = _derivative("cce_derivative", _cce_derivative,
                             "dL/da_k = -y_k / a_k for one example.")
mse_derivative = _derivative("mse_derivative", _mse_derivative,
                             "dL/da = 2 (a - y) / n_y for one example.")
half_mse_derivative = _derivative("half_mse_derivative", _half_mse_derivative,
                                  "dL/da = (a - y) / n_y for one example.")


def _bce_terms(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    """L(i) = -[y log a + (1 - y) log(1 - a)], summed over the outputs: one per example, (m,)."""
    terms: Array = -xp.sum(Y * _log_clamped(AL, xp) + (1.0 - Y) * _log_clamped(1.0 - AL, xp),
                           axis=0)
    return terms


def _cce_terms(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    """L(i) = -sum_k y_k log a_k: one per example, (m,)."""
    terms: Array = -xp.sum(Y * _log_clamped(AL, xp), axis=0)
    return terms


def _mse_terms(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    """L(i) = (1/n_y) sum_k (a_k - y_k)^2: one per example, (m,); their mean is ``mse``."""
    D = AL - Y
    terms: Array = xp.mean(D * D, axis=0)
    return terms


def _half_mse_terms(AL: Array, Y: Array, xp: Namespace = np) -> Array:
    """L(i) = (1/(2 n_y)) sum_k (a_k - y_k)^2: one per example, (m,)."""
    terms: Array = 0.5 * _mse_terms(AL, Y, xp)
    return terms


def weighted_cost(terms: Array, w: Array, xp: Namespace = np) -> Array:
    """J = sum_i w_i L(i) / sum_i w_i: the cost with sample weights w (m,), w >= 0, sum > 0."""
    J: Array = xp.sum(w * terms) / xp.sum(w)
    return J


def cost_of(AL: Array, Y: Array, loss: str, sample_weight: Array | None = None,
            xp: Namespace = np) -> Array:
    """J for checked arrays and a canonical loss, as a 0-d array: the mean over the m examples,
    or with sample weights w of shape (1, m) the weighted mean sum_i w_i L(i) / sum_i w_i."""
    if sample_weight is None:
        return LOSSES[loss]["cost"](AL, Y, xp)
    return weighted_cost(LOSSES[loss]["terms"](AL, Y, xp), sample_weight[0, :], xp)


class Loss(TypedDict):
    """One registry entry.

    ``output``: the only output activation the loss accepts (None: any but softmax-only rules).
    ``fused``: the output activation whose backward step combines with this loss into dZ = A - Y.
    ``task``: what ``predict`` returns for it.
    ``formula``: one output's term of L(i) in a (the output) and y (the target), and
    ``derivative_formula``: dL/da for it, with n the number of outputs n_y; the printable forms
    ``mlp_fn.explain`` fills with numbers (bce's term for y = 1 and for y = 0, cce's for the
    true class).
    """

    cost: CostFn
    terms: Callable[..., Array]
    dA: DerivFn
    output: str | None
    fused: str | None
    task: Task
    formula: str
    derivative_formula: str


LOSSES: dict[str, Loss] = {
    "bce": {"cost": _bce, "terms": _bce_terms, "dA": _bce_derivative, "output": "sigmoid",
            "fused": "sigmoid", "task": "binary",
            "formula": "-log(a) if y = 1 else -log(1 - a)",
            "derivative_formula": "(-(y/a) + (1 - y)/(1 - a))"},
    "cce": {"cost": _cce, "terms": _cce_terms, "dA": _cce_derivative, "output": "softmax",
            "fused": "softmax", "task": "multiclass", "formula": "-log(a)",
            "derivative_formula": "(-(y/a))"},
    "mse": {"cost": _mse, "terms": _mse_terms, "dA": _mse_derivative, "output": None,
            "fused": None, "task": "regression", "formula": "(a - y)*(a - y)/n",
            "derivative_formula": "(2/n)*(a - y)"},
    "half_mse": {"cost": _half_mse, "terms": _half_mse_terms, "dA": _half_mse_derivative,
                 "output": None, "fused": None, "task": "regression",
                 "formula": "(a - y)*(a - y)/(2*n)", "derivative_formula": "(1/n)*(a - y)"},
}

#: 001's names for the same losses, and the long names other libraries use.
LOSS_ALIASES: dict[str, str] = {
    "binary_log_loss": "bce",
    "binary_cross_entropy": "bce",
    "multiclass_log_loss": "cce",
    "categorical_cross_entropy": "cce",
    "l2": "mse",
    "mean_squared_error": "mse",
}


def _pair(AL: ArrayLike, Y: ArrayLike, loss: str) -> tuple[Array, Array, Namespace]:
    """AL and Y as float arrays of one shape (n_y, m), in AL's dtype, and their namespace; a 1-D
    vector is one output over m examples, or for cce the K classes of one example."""
    A, T = real_array("AL", AL), real_array("Y", Y)
    xp = backend(AL=A, Y=T).xp
    if A.shape != T.shape:
        raise ValueError(f"Y: expected the shape of AL {tuple(A.shape)}, got {tuple(T.shape)}")
    if A.ndim > 2:
        raise ValueError(f"AL: expected a (n_y, m) matrix or a vector, got shape "
                         f"{tuple(A.shape)}")
    if math.prod(A.shape) == 0:
        raise ValueError("AL: expected at least one example, got an empty array")
    if A.ndim < 2:
        shape = (-1, 1) if loss == "cce" else (1, -1)
        A, T = xp.reshape(A, shape), xp.reshape(T, shape)
    if loss in ("bce", "cce"):
        for name, a in (("AL", A), ("Y", T)):
            low, high = float(xp.min(a)), float(xp.max(a))
            if low < 0 or high > 1:
                raise ValueError(f"{name}: {loss} expects probabilities in [0, 1], got values "
                                 f"from {low} to {high}")
    return A, cast("Y", T, A.dtype), xp


def bce(AL: ArrayLike, Y: ArrayLike) -> float:
    """Binary cross-entropy, mean over the m examples:

    J = -(1/m) sum_{i=1}^{m} [ y(i) log a(i) + (1 - y(i)) log(1 - a(i)) ].
    """
    return float(_bce(*_pair(AL, Y, "bce")))


def cce(AL: ArrayLike, Y: ArrayLike) -> float:
    """Categorical cross-entropy with one-hot Y of shape (K, m), mean over the m examples:

    J = -(1/m) sum_{i=1}^{m} sum_{k=1}^{K} y_k(i) log a_k(i).
    """
    return float(_cce(*_pair(AL, Y, "cce")))


def mse(AL: ArrayLike, Y: ArrayLike) -> float:
    """Mean squared error, the chapter's definition: the mean over all n_y * m elements,

    J = 1/(n_y m) sum_{i=1}^{m} sum_{k=1}^{n_y} (a_k(i) - y_k(i))^2   (no factor 1/2).
    """
    with np.errstate(over="ignore"):
        J = float(_mse(*_pair(AL, Y, "mse")))
    return _finite_cost("mse", J)


def half_mse(AL: ArrayLike, Y: ArrayLike) -> float:
    """Half the mean squared error (scikit-learn's and many derivations' convention):

    J = 1/(2 n_y m) sum_{i=1}^{m} sum_{k=1}^{n_y} (a_k(i) - y_k(i))^2.
    """
    with np.errstate(over="ignore"):
        J = float(_half_mse(*_pair(AL, Y, "half_mse")))
    return _finite_cost("half_mse", J)


def _finite_cost(name: str, J: float) -> float:
    if not np.isfinite(J):
        raise ValueError(f"AL: the {name} of these values overflowed to {J}; the differences "
                         f"AL - Y are too large to square in this dtype")
    return J


binary_log_loss = bce
multiclass_log_loss = cce
l2 = mse


def canonical_loss(name: str) -> str:
    """The registry name for ``name`` (resolving aliases); ValueError listing the valid names."""
    return resolve("loss", name, LOSSES, LOSS_ALIASES)


def loss_for(loss: Any, output_activation: ActivationSpec) -> str:
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


def check_targets(Y: Any, n_y: int, m: int, loss: str, dtype: Any, b: Backend = NUMPY) -> Array:
    """Y of shape (n_y, m) fitting the loss, returned as an array of ``dtype``: {0, 1} for bce,
    one-hot columns for cce, finite reals for the squared errors. Integer and boolean labels are
    accepted (and converted): labels are naturally integers. For cce a (1, m) row of class
    indices 0..K-1, the layout the data generators return, stands for its one-hot columns.
    ``b``: the backend of the network, whose library and device Y must share."""
    xp = b.xp
    require(b, Y=Y)
    if is_array(Y):
        if not xp.isdtype(Y.dtype, ("real floating", "integral", "bool")):
            raise TypeError(f"Y: expected an array of numbers, got {check.describe(Y)}")
    elif not isinstance(Y, np.ndarray) or type(Y) is not np.ndarray or \
            Y.dtype.kind not in "fiub":
        raise TypeError(f"Y: expected a NumPy array of numbers, got {check.describe(Y)}"
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
            labels = xp.astype(labels, xp.int64)
        whole = True
        if xp.isdtype(labels.dtype, "real floating"):  # whole numbers, finite
            whole = check_all(xp.isfinite(labels), xp) and check_all(labels == xp.round(labels),
                                                                     xp)
        if whole and float(xp.min(labels)) >= 0 and float(xp.max(labels)) < n_y:
            # class indices, as the generators give: their one-hot columns
            classes = xp.reshape(xp.arange(n_y, device=b.device), (-1, 1))
            Y = xp.reshape(xp.astype(labels, xp.int64), (1, -1)) == classes
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
    zero_or_one = (Yf == 0.0) | (Yf == 1.0)
    if loss == "bce" and not check_all(zero_or_one, xp):
        bad = to_host(Yf)[~to_host(zero_or_one)]
        raise ValueError(f"Y: bce expects labels in {{0, 1}}, got {bad.size} other values "
                         f"(e.g. {bad.flat[0]})")
    if loss == "cce":
        if not (check_all(zero_or_one, xp) and check_all(xp.sum(Yf, axis=0) == 1, xp)):
            raise ValueError("Y: cce expects one-hot columns (a single 1 per column, zeros "
                             "elsewhere); build them from class indices with mlp_fn.one_hot")
    return Yf


def check_all(a: Array, xp: Namespace) -> bool:
    """Whether every entry of the boolean array ``a`` is true."""
    return bool(xp.all(a))


def metric(AL: Array, Y: Array, loss: str, xp: Namespace = np) -> float:
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
