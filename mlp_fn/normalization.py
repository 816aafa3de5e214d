"""Batch and layer normalisation (003's remedy; the course's Improving Deep Neural Networks, week 3).

For a normalised hidden layer l (one with a scale gamma{l} and a shift beta{l}; see
``init_params(..., norm=...)``), the linear step has no bias (beta takes its role):

    Z        = W[l] A[l-1]                                    (n[l], m)
    mu       = mean of Z,   sigma^2 = mean of (Z - mu)^2      the statistics  (below)
    Z_norm   = (Z - mu) / sqrt(sigma^2 + eps)                 ``normalize``
    Z_tilde  = gamma * Z_norm + beta                          ``scale_and_shift``
    A[l]     = g(Z_tilde)

Which statistics:

* batch normalisation, training: over the m examples of the mini-batch, for each unit
  (``batch_statistics``, axis 1), while exponentially weighted running averages
  mu_run = 0.9 mu_run + 0.1 mu, sigma^2_run likewise, are kept in params as ``mu{l}``,
  ``sigma2{l}`` (``running_average``; they are not trained by gradient descent);
* batch normalisation, inference (``predict``, validation, ``forward`` by default): the running
  averages, so one example's prediction does not depend on the others in its batch;
* layer normalisation (no running statistics): over the n[l] units of each example
  (``layer_statistics``, axis 0), the same in training and inference.

Backpropagation goes through the statistics (``normalize_backward``): with
G = dZ_norm = gamma * dZ_tilde,

    dZ = (G - mean(G) - Z_norm * mean(G * Z_norm)) / sqrt(sigma^2 + eps)

the means over the axis the statistics were taken over (the full Jacobian: mu and sigma depend on
every Z of the batch, or of the example). With the running averages the statistics are constants
and dZ = G / sqrt(sigma^2 + eps). In every case

    dgamma = (1/m) sum_i dZ_tilde(i) * Z_norm(i),   dbeta = (1/m) sum_i dZ_tilde(i)

(dZ here, as everywhere in mlp_fn, is m dJ/dZ: the 1/m of the cost is applied in the parameter
gradients.) A batch of one example has sigma^2 = 0 for every unit, so Z_norm = 0 and the layer's
output is g(beta) whatever the input: ``train`` refuses batch normalisation with batches of one.
"""

from __future__ import annotations

from collections.abc import Mapping

from mlp_fn._internal.types import Array, Namespace
from mlp_fn.network import Layer, Architecture

__all__ = ["EPS", "MOMENTUM", "batch_statistics", "layer_statistics", "normalize",
           "scale_and_shift", "running_average", "normalize_backward"]

#: eps in sqrt(sigma^2 + eps): keeps the division finite when a unit is constant over a batch.
EPS = 1e-5

#: beta in mu_run = beta mu_run + (1 - beta) mu: the weight of the past in the running averages.
MOMENTUM = 0.9


def batch_statistics(Z: Array, xp: Namespace) -> tuple[Array, Array]:
    """mu = (1/m) sum_i Z(i),  sigma^2 = (1/m) sum_i (Z(i) - mu)^2, per unit: (n[l], 1) each."""
    mu = xp.mean(Z, axis=1, keepdims=True)
    D = Z - mu
    return mu, xp.mean(D * D, axis=1, keepdims=True)


def layer_statistics(Z: Array, xp: Namespace) -> tuple[Array, Array]:
    """mu_i = (1/n) sum_j Z_j(i),  sigma^2_i = (1/n) sum_j (Z_j(i) - mu_i)^2, per example:
    (1, m) each."""
    mu = xp.mean(Z, axis=0, keepdims=True)
    D = Z - mu
    return mu, xp.mean(D * D, axis=0, keepdims=True)


def normalize(Z: Array, mu: Array, sigma2: Array, xp: Namespace) -> Array:
    """Z_norm = (Z - mu) / sqrt(sigma^2 + eps)."""
    Z_norm: Array = (Z - mu) / xp.sqrt(sigma2 + EPS)
    return Z_norm


def scale_and_shift(Z_norm: Array, gamma: Array, beta: Array) -> Array:
    """Z_tilde = gamma * Z_norm + beta (gamma, beta: (n[l], 1), one per unit)."""
    return gamma * Z_norm + beta


def running_average(old: Array, new: Array) -> Array:
    """v = MOMENTUM * v + (1 - MOMENTUM) * new: the course's exponentially weighted average."""
    return MOMENTUM * old + (1.0 - MOMENTUM) * new


def normalize_backward(G: Array, Z_norm: Array, sigma2: Array, axis: int | None,
                       xp: Namespace) -> Array:
    """dZ from G = dZ_norm: through the statistics taken over ``axis`` (1: the batch, 0: the
    units), or with constant statistics (``axis`` None: the running averages)."""
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
AXES: dict[str, int | None] = {"batch": 1, "example": 0, "running": None}


def source(layer: Layer, training: bool) -> str:
    """Which statistics normalise ``layer``: layer normalisation takes each example's; batch
    normalisation the batch's while training, the running averages otherwise."""
    if layer.norm == "layer":
        return "example"
    return "batch" if training else "running"


def statistics_keys(layer: Layer, src: str) -> tuple[str, str]:
    """The cache keys of the mu and sigma^2 a layer used: "mu_batch{l}", "sigma2_batch{l}", ..."""
    return layer.keys.statistics[src]


def layer_forward(Z: Array, params: Mapping[str, Array], layer: Layer, training: bool,
                  xp: Namespace) -> tuple[Array, dict[str, Array]]:
    """Z_tilde = gamma Z_norm + beta for a normalised layer from its linear output Z = W A, and
    what backward needs: Z_norm and the statistics used, keyed by their source."""
    k, src = layer.keys, source(layer, training)
    if src == "example":
        mu, sigma2 = layer_statistics(Z, xp)
    elif src == "batch":
        mu, sigma2 = batch_statistics(Z, xp)
    else:
        mu, sigma2 = params[k.mu], params[k.sigma2]
    Z_norm = normalize(Z, mu, sigma2, xp)
    Z_tilde = scale_and_shift(Z_norm, params[k.gamma], params[k.beta])
    mu_key, sigma2_key = statistics_keys(layer, src)
    return Z_tilde, {k.Znorm: Z_norm, mu_key: mu, sigma2_key: sigma2}


def layer_backward(dZ_tilde: Array, cache: Mapping[str, Array], params: Mapping[str, Array],
                   layer: Layer, xp: Namespace) -> tuple[Array, Array, Array]:
    """(dZ, dgamma, dbeta) of a normalised layer from dZ_tilde (see the module docstring)."""
    k = layer.keys
    # The forward pass recorded which statistics it used; batch norm used the batch's if the
    # cache holds them (training), else the running averages.
    src = "example" if layer.norm == "layer" else (
        "batch" if statistics_keys(layer, "batch")[1] in cache else "running")
    Z_norm = cache[k.Znorm]
    m = Z_norm.shape[1]
    dgamma = xp.sum(dZ_tilde * Z_norm, axis=1, keepdims=True) / m
    dbeta = xp.sum(dZ_tilde, axis=1, keepdims=True) / m
    G = dZ_tilde * params[k.gamma]
    dZ = normalize_backward(G, Z_norm, cache[statistics_keys(layer, src)[1]], AXES[src], xp)
    return dZ, dgamma, dbeta


def running_statistics(params: Mapping[str, Array], cache: Mapping[str, Array],
                       net: Architecture) -> dict[str, Array]:
    """The running averages after one training batch: mu{l} and sigma2{l} of every batch-norm
    layer moved towards the batch's statistics in ``cache`` (empty without batch norm)."""
    out = {}
    for layer in net.layers:
        if layer.norm == "batch":
            mu_batch, sigma2_batch = statistics_keys(layer, "batch")
            out[layer.keys.mu] = running_average(params[layer.keys.mu], cache[mu_batch])
            out[layer.keys.sigma2] = running_average(params[layer.keys.sigma2],
                                                     cache[sigma2_batch])
    return out
