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

import numpy as np

from mlp_fn._types import Array

#: eps in sqrt(sigma^2 + eps): keeps the division finite when a unit is constant over a batch.
EPS = 1e-5

#: beta in mu_run = beta mu_run + (1 - beta) mu: the weight of the past in the running averages.
MOMENTUM = 0.9


def batch_statistics(Z: Array) -> tuple[Array, Array]:
    """mu = (1/m) sum_i Z(i),  sigma^2 = (1/m) sum_i (Z(i) - mu)^2, per unit: (n[l], 1) each."""
    mu = Z.mean(axis=1, keepdims=True)
    D = Z - mu
    return mu, (D * D).mean(axis=1, keepdims=True)


def layer_statistics(Z: Array) -> tuple[Array, Array]:
    """mu_i = (1/n) sum_j Z_j(i),  sigma^2_i = (1/n) sum_j (Z_j(i) - mu_i)^2, per example:
    (1, m) each."""
    mu = Z.mean(axis=0, keepdims=True)
    D = Z - mu
    return mu, (D * D).mean(axis=0, keepdims=True)


def normalize(Z: Array, mu: Array, sigma2: Array) -> Array:
    """Z_norm = (Z - mu) / sqrt(sigma^2 + eps)."""
    Z_norm: Array = (Z - mu) / np.sqrt(sigma2 + EPS)
    return Z_norm


def scale_and_shift(Z_norm: Array, gamma: Array, beta: Array) -> Array:
    """Z_tilde = gamma * Z_norm + beta (gamma, beta: (n[l], 1), one per unit)."""
    return gamma * Z_norm + beta


def running_average(old: Array, new: Array) -> Array:
    """v = MOMENTUM * v + (1 - MOMENTUM) * new: the course's exponentially weighted average."""
    return MOMENTUM * old + (1.0 - MOMENTUM) * new


def normalize_backward(G: Array, Z_norm: Array, sigma2: Array, axis: int | None) -> Array:
    """dZ from G = dZ_norm: through the statistics taken over ``axis`` (1: the batch, 0: the
    units), or with constant statistics (``axis`` None: the running averages)."""
    inv_std: Array = 1.0 / np.sqrt(sigma2 + EPS)
    if axis is None:
        return G * inv_std
    mean_G = G.mean(axis=axis, keepdims=True)
    mean_GZ = (G * Z_norm).mean(axis=axis, keepdims=True)
    dZ: Array = (G - mean_G - Z_norm * mean_GZ) * inv_std
    return dZ


# ----------------------------------------------------------------------------------------------
# One normalised layer, as forward and backward see it
# ----------------------------------------------------------------------------------------------

#: The cache keys of layer l's statistics, by where they come from, and the axis backward
#: differentiates them over (None: constants).
SOURCES: dict[str, int | None] = {"batch": 1, "example": 0, "running": None}


def layer_forward(Z: Array, params: Mapping[str, Array], l: int,
                  training: bool) -> tuple[Array, dict[str, Array]]:
    """Z_tilde for layer l from its linear output Z, and what backward needs: Z_norm and the
    statistics used, keyed by their source ("mu_batch{l}", "sigma2_example{l}", ...)."""
    if f"mu{l}" not in params:
        source, (mu, sigma2) = "example", layer_statistics(Z)
    elif training:
        source, (mu, sigma2) = "batch", batch_statistics(Z)
    else:
        source, mu, sigma2 = "running", params[f"mu{l}"], params[f"sigma2{l}"]
    Z_norm = normalize(Z, mu, sigma2)
    Z_tilde = scale_and_shift(Z_norm, params[f"gamma{l}"], params[f"beta{l}"])
    return Z_tilde, {f"Znorm{l}": Z_norm, f"mu_{source}{l}": mu, f"sigma2_{source}{l}": sigma2}


def layer_backward(dZ_tilde: Array, cache: Mapping[str, Array], params: Mapping[str, Array],
                   l: int, c: float | None = None) -> tuple[Array, Array, Array]:
    """(dZ, dgamma, dbeta) of layer l from dZ_tilde (see the module docstring), with the factor
    c = 1/m of dgamma and dbeta; ``train``'s gradient descent passes c = 1 with a dZ_tilde that
    already carries alpha/m (see ``propagation._backward``)."""
    source = next(s for s in SOURCES if f"sigma2_{s}{l}" in cache)
    Z_norm = cache[f"Znorm{l}"]
    c = 1.0 / Z_norm.shape[1] if c is None else c
    dgamma = (dZ_tilde * Z_norm).sum(axis=1, keepdims=True) * c
    dbeta = dZ_tilde.sum(axis=1, keepdims=True) * c
    G = dZ_tilde * params[f"gamma{l}"]
    dZ = normalize_backward(G, Z_norm, cache[f"sigma2_{source}{l}"], SOURCES[source])
    return dZ, dgamma, dbeta


def is_buffer(key: str) -> bool:
    """Whether a params key holds running statistics (kept, not trained): mu{l}, sigma2{l}."""
    return key.startswith(("mu", "sigma2"))


def trainable(params: Mapping[str, Array]) -> dict[str, Array]:
    """The params gradient descent changes: everything but the running statistics."""
    return {k: v for k, v in params.items() if not is_buffer(k)}


def running_statistics(params: Mapping[str, Array], cache: Mapping[str, Array]) -> dict[str, Array]:
    """The running averages after one training batch: mu{l} and sigma2{l} moved towards the
    batch's statistics in ``cache`` (an empty dict for a network without batch normalisation)."""
    out = {}
    for key, old in params.items():
        if is_buffer(key):
            kind, l = ("mu", key[2:]) if key.startswith("mu") else ("sigma2", key[6:])
            out[key] = running_average(old, cache[f"{kind}_batch{l}"])
    return out
