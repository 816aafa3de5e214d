"""Batch and layer normalisation (003's remedy; the course's Improving Deep Neural Networks, week 3).

For a normalised hidden layer l (one with a scale `gamma{l}` and a shift `beta{l}`; see
``init_params(..., norm=...)``), the linear step has no bias (beta takes its role):

    `Z = W[l] A[l-1]`                                 of shape `(n[l], m)`
    `mu = mean(Z)`,  `sigma^2 = mean((Z - mu)^2)`      the statistics (below)
    `Z_norm = (Z - mu) / sqrt(sigma^2 + eps)`         ``normalize``
    `Z_tilde = gamma * Z_norm + beta`                 ``scale_and_shift``
    `A[l] = g(Z_tilde)`                               the activation

Which statistics:

* batch normalisation, training: over the m examples of the mini-batch, for each unit
  (``batch_statistics``, axis 1), while exponentially weighted running averages
  `mu_run = 0.9 mu_run + 0.1 mu` (and the same for `sigma^2`), are kept in params as ``mu{l}``,
  ``sigma2{l}`` (``running_average``; they are not trained by gradient descent);
* batch normalisation, inference (``predict``, validation, ``forward`` by default): the running
  averages, so one example's prediction does not depend on the others in its batch;
* layer normalisation (no running statistics): over the `n[l]` units of each example
  (``layer_statistics``, axis 0), the same in training and inference.

Backpropagation goes through the statistics (``normalize_backward``): with
`G = dZ_norm = gamma * dZ_tilde`,

    `dZ = (G - mean(G) - Z_norm * mean(G * Z_norm)) / sqrt(sigma^2 + eps)`

the means over the axis the statistics were taken over (the full Jacobian: mu and sigma depend on
every Z of the batch, or of the example). With the running averages the statistics are constants
and `dZ = G / sqrt(sigma^2 + eps)`. In every case

    `dgamma = (1/m) sum_i dZ_tilde(i) * Z_norm(i)`,   `dbeta = (1/m) sum_i dZ_tilde(i)`

(dZ here, as everywhere in mlp_fn, is `m dJ/dZ`: the 1/m of the cost is applied in the parameter
gradients.) A batch of one example has `sigma^2 = 0` for every unit, so `Z_norm = 0` and the layer's
output is `g(beta)` whatever the input: ``train`` refuses batch normalisation with batches of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.arrays import backend
from mlp_fn._internal.boundary import checked, like, matrix, nonempty, real
from mlp_fn._internal.types import Array, Namespace

if TYPE_CHECKING:  # layers' registry of kinds refers to this module's steps
    from mlp_fn.network import Architecture, Layer

__all__ = ["batch_statistics", "layer_statistics", "normalize", "scale_and_shift",
           "running_average", "normalize_backward", "EPS", "MOMENTUM"]

#: eps in `sqrt(sigma^2 + eps)`: keeps the division finite when a unit is constant over a batch.
EPS = 1e-5

#: beta in `mu_run = beta mu_run + (1 - beta) mu`: the weight of the past in the running
#: averages.
MOMENTUM = 0.9


def _statistic(of: str, like: str | None = None) -> Any:
    """mu or sigma^2: one per unit, (n[l], 1), or one per example, (1, m), of ``of``'s shape,
    and the shape of the statistic ``like`` (mu and sigma^2 of one kind, not one of each); a
    variance is never negative."""

    def rule(name: str, value: Any, seen: dict[str, Any]) -> Array:
        Z = seen[of]
        a = check.matrix(name, value, f"({Z.shape[0]}, 1) or (1, {Z.shape[1]})")
        if tuple(a.shape) not in ((Z.shape[0], 1), (1, Z.shape[1])):
            raise ValueError(f"{name}: expected shape ({Z.shape[0]}, 1) (one per unit) or "
                             f"(1, {Z.shape[1]}) (one per example) for {of} of shape "
                             f"{tuple(Z.shape)}, got {tuple(a.shape)}")
        if like is not None and tuple(a.shape) != tuple(seen[like].shape):
            raise ValueError(f"{name}: expected the shape of {like} {tuple(seen[like].shape)}: "
                             f"both one per unit (a batch's statistics) or both one per example "
                             f"(each example's), got {tuple(a.shape)}")
        check.same_dtype(**{of: Z, name: a})
        if name.startswith("sigma2") and float(backend(a=a).xp.min(a)) < 0:
            raise ValueError(f"{name}: a variance is never negative, got a minimum of "
                             f"{float(backend(a=a).xp.min(a))}")
        return a

    return rule


def _axis(name: str, value: Any, seen: dict[str, Any]) -> int | None:
    """The axis the statistics were taken over, which sigma^2's shape must match: 1, one per
    unit (n[l], 1); 0, one per example (1, m)."""
    if value is not None and (isinstance(value, bool) or value not in (0, 1)):
        raise ValueError(f"{name}: expected 1 (the batch's statistics), 0 (each example's) or "
                         f"None (constant ones), got {check.short_repr(value)}")
    n, m = seen["Z_norm"].shape
    shape = None if value is None else {1: (n, 1), 0: (1, m)}[value]
    if shape is not None and tuple(seen["sigma2"].shape) != shape:
        raise ValueError(f"{name}: statistics over axis {value} have shape {shape} (one per "
                         f"{'unit' if value == 1 else 'example'}), but sigma2 has shape "
                         f"{tuple(seen['sigma2'].shape)}; pass the axis they were taken over")
    return value


@checked(Z=nonempty(matrix("(n[l], m)")))
def batch_statistics(Z: Array, *, xp: Namespace = np) -> tuple[Array, Array]:
    """`mu = (1/m) sum_i Z(i)`,  `sigma^2 = (1/m) sum_i (Z(i) - mu)^2`, per unit: `(n[l], 1)` each.

    >>> mu, sigma2 = batch_statistics(np.array([[1.0, 3.0], [2.0, 2.0]]))
    >>> mu.T, sigma2.T
    (array([[2., 2.]]), array([[1., 0.]]))
    """
    mu = xp.mean(Z, axis=1, keepdims=True)
    D = Z - mu
    return mu, xp.mean(D * D, axis=1, keepdims=True)


@checked(Z=nonempty(matrix("(n[l], m)")))
def layer_statistics(Z: Array, *, xp: Namespace = np) -> tuple[Array, Array]:
    """`mu_i = (1/n) sum_j Z_j(i)`,  `sigma^2_i = (1/n) sum_j (Z_j(i) - mu_i)^2`, per example:
    (1, m) each.

    >>> layer_statistics(np.array([[1.0, 3.0], [2.0, 2.0]]))
    (array([[1.5, 2.5]]), array([[0.25, 0.25]]))
    """
    mu = xp.mean(Z, axis=0, keepdims=True)
    D = Z - mu
    return mu, xp.mean(D * D, axis=0, keepdims=True)


@checked(Z=matrix("(n[l], m)"), mu=_statistic("Z"), sigma2=_statistic("Z", like="mu"))
def normalize(Z: Array, mu: Array, sigma2: Array, *, xp: Namespace = np) -> Array:
    """`Z_norm = (Z - mu) / sqrt(sigma^2 + eps)`.

    >>> normalize(np.array([[1.0, 3.0]]), np.array([[2.0]]), np.array([[1.0]])).round(4)
    array([[-1.,  1.]])
    """
    Z_norm: Array = (Z - mu) / xp.sqrt(sigma2 + EPS)
    return Z_norm


@checked(Z_norm=matrix("(n[l], m)"), gamma=matrix("(n[l], 1)"), beta=matrix("(n[l], 1)"))
def scale_and_shift(Z_norm: Array, gamma: Array, beta: Array) -> Array:
    """`Z_tilde = gamma * Z_norm + beta` (gamma, beta: `(n[l], 1)`, one per unit).

    >>> scale_and_shift(np.array([[-1.0, 1.0]]), np.array([[2.0]]), np.array([[0.5]]))
    array([[-1.5,  2.5]])
    """
    return gamma * Z_norm + beta


@checked(old=real, new=like("old"))
def running_average(old: Array, new: Array) -> Array:
    """`v = beta v + (1 - beta) new` with ``beta = MOMENTUM``: the course's exponentially weighted
    average.

    >>> running_average(np.array([0.0]), np.array([1.0]))  # 0.9 * 0 + 0.1 * 1
    array([0.1])
    """
    return MOMENTUM * old + (1.0 - MOMENTUM) * new


@checked(G=nonempty(matrix("(n[l], m)")), Z_norm=matrix("(n[l], m)"), sigma2=_statistic("Z_norm"),
         axis=_axis)
def normalize_backward(G: Array, Z_norm: Array, sigma2: Array, axis: int | None, *,
                       xp: Namespace = np) -> Array:
    """dZ from `G = dZ_norm`: through the statistics taken over ``axis`` (1: the batch, 0: the
    units), or with constant statistics (``axis`` None: the running averages).

    Through constant statistics `dZ = G / sqrt(sigma^2 + eps)`; through the batch's, a G that
    shifts every example alike changes nothing (the mean absorbs it), so its dZ is 0:

    >>> normalize_backward(np.array([[2.0, 4.0]]), np.array([[-1.0, 1.0]]), np.array([[4.0]]),
    ...                    axis=None).round(4)
    array([[1., 2.]])
    >>> normalize_backward(np.ones((1, 2)), np.array([[-1.0, 1.0]]), np.array([[1.0]]), axis=1)
    array([[0., 0.]])
    """
    inv_std: Array = 1.0 / xp.sqrt(sigma2 + EPS)  # 1 / sqrt(sigma^2 + eps)
    if axis is None:
        return G * inv_std
    mean_G = xp.mean(G, axis=axis, keepdims=True)
    mean_GZ = xp.mean(G * Z_norm, axis=axis, keepdims=True)
    dZ: Array = (G - mean_G - Z_norm * mean_GZ) * inv_std
    return dZ


# ----------------------------------------------------------------------------------------------
# One normalised layer, as forward and backward see it
# ----------------------------------------------------------------------------------------------

#: Where a layer's statistics come from, and the axis backward differentiates them over:
#: the batch's (1), each example's (0), or the running averages (None: constants).
_AXES: dict[str, int | None] = {"batch": 1, "example": 0, "running": None}


def _source(layer: Layer, training: bool) -> str:
    """Which statistics normalise ``layer``: layer normalisation takes each example's; batch
    normalisation the batch's while training, the running averages otherwise."""
    if layer.norm == "layer":
        return "example"
    return "batch" if training else "running"


def _statistics_keys(layer: Layer, src: str) -> tuple[str, str]:
    """The cache keys of the mu and sigma^2 a layer used: ``"mu_batch{l}"``,
    ``"sigma2_batch{l}"``, ..."""
    return layer.keys.statistics[src]


def _layer_forward(Z: Array, params: Mapping[str, Array], layer: Layer, training: bool,
                   xp: Namespace) -> tuple[Array, dict[str, Array]]:
    """Z_tilde = gamma Z_norm + beta for a normalised layer from its linear output Z = W A, and
    what backward needs: Z_norm and the statistics used, keyed by their source."""
    k, src = layer.keys, _source(layer, training)
    if src == "example":
        mu, sigma2 = layer_statistics.unchecked(Z, xp=xp)
    elif src == "batch":
        mu, sigma2 = batch_statistics.unchecked(Z, xp=xp)
    else:
        mu, sigma2 = params[k.mu], params[k.sigma2]
    Z_norm = normalize.unchecked(Z, mu, sigma2, xp=xp)
    Z_tilde = scale_and_shift.unchecked(Z_norm, params[k.gamma], params[k.beta])
    mu_key, sigma2_key = _statistics_keys(layer, src)
    return Z_tilde, {k.Znorm: Z_norm, mu_key: mu, sigma2_key: sigma2}


def _layer_backward(dZ_tilde: Array, cache: Mapping[str, Array], params: Mapping[str, Array],
                    layer: Layer, xp: Namespace) -> tuple[Array, dict[str, Array]]:
    """(dZ, {``"dgamma{l}"``: dgamma, ``"dbeta{l}"``: dbeta}) of a normalised layer from
    dZ_tilde (see the module docstring)."""
    k = layer.keys
    # The forward pass recorded which statistics it used; batch norm used the batch's if the
    # cache holds them (training), else the running averages.
    src = "example" if layer.norm == "layer" else (
        "batch" if _statistics_keys(layer, "batch")[1] in cache else "running")
    Z_norm = cache[k.Znorm]
    m = Z_norm.shape[1]
    dgamma = xp.sum(dZ_tilde * Z_norm, axis=1, keepdims=True) / m
    dbeta = xp.sum(dZ_tilde, axis=1, keepdims=True) / m
    G = dZ_tilde * params[k.gamma]
    dZ = normalize_backward.unchecked(G, Z_norm, cache[_statistics_keys(layer, src)[1]],
                                      _AXES[src], xp=xp)
    return dZ, {k.dgamma: dgamma, k.dbeta: dbeta}


def _running_statistics(params: Mapping[str, Array], cache: Mapping[str, Array],
                        net: Architecture) -> dict[str, Array]:
    """The running averages after one training batch: mu{l} and sigma2{l} of every batch-norm
    layer moved towards the batch's statistics in ``cache`` (empty without batch norm)."""
    out = {}
    for layer in net.layers:
        if layer.norm == "batch":
            mu_batch, sigma2_batch = _statistics_keys(layer, "batch")
            out[layer.keys.mu] = running_average.unchecked(params[layer.keys.mu],
                                                           cache[mu_batch])
            out[layer.keys.sigma2] = running_average.unchecked(params[layer.keys.sigma2],
                                                               cache[sigma2_batch])
    return out
