"""Gradient checking: backpropagation against central differences (the course's gradient_check_n).

For every parameter theta_i (all of W1, b1, ..., WL, bL, flattened in that order):

    `gradapprox_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)`

    `difference = ||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2)`

The course's reading: below about 1e-7 the backward pass is right; above 1e-3 it is almost
certainly wrong. ReLU-like activations make J non-differentiable where some `z = 0` exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.arrays import NUMPY, float64_missing, from_host, require, to_host
from mlp_fn._internal.boundary import by, checked
from mlp_fn._internal.types import ActivationSpec, Array
from mlp_fn.network import Architecture, _trainable
from mlp_fn.propagation import (_architecture, _inputs, _masks, _output_loss, _targets_of_inputs,
                                backward, compute_cost, forward)

__all__ = ["gradient_check", "gradient_check_1d"]


def _cost(X: Array, Y: Array, params: Mapping[str, Array], net: Architecture, loss: str,
          lambd: float, masks: Mapping[str, Array] | None, training: bool,
          l1: float = 0.0) -> float:
    AL, _ = forward.unchecked(X, params, net.activations, masks=masks, training=training, net=net,
                              xp=net.backend.xp)
    return float(compute_cost.unchecked(AL, Y, loss, lambd=lambd, params=params, l1=l1,
                                        xp=net.backend.xp))


def _function_of_theta(name: str, f: Any, seen: dict[str, Any]) -> Any:
    if not callable(f):
        raise TypeError(f"{name}: expected a function of theta, got {check.what(f)}")
    return f


def _at(name: str, f: Callable[[float], float], theta: float) -> float:
    """A reader's function at theta, which must be a finite number."""
    return check.real(f"{name}({theta})", f(theta), "a finite number")


@checked(returns="number", J=_function_of_theta, dJ=_function_of_theta,
         theta=by(lambda name, v: check.real(name, v, "a finite number")),
         epsilon=by(check.positive_float),
         overflow="J: the central difference overflowed; choose a smaller epsilon")
def gradient_check_1d(J: Callable[[float], float], dJ: Callable[[float], float], theta: float,
                      *, epsilon: float = 1e-7) -> float:
    """The course's one-parameter check: for J(theta) (e.g. theta x) and its claimed derivative
    dJ(theta) (e.g. x),

        `gradapprox = (J(theta + eps) - J(theta - eps)) / (2 eps)`
        `difference = |grad - gradapprox| / (|grad| + |gradapprox|)`,  `grad = dJ(theta)`.

    >>> gradient_check_1d(lambda theta: 2.0 * theta, lambda theta: 2.0, 4.0) < 1e-7  # J = 2 theta
    True
    """
    plus, minus = _at("J", J, theta + epsilon), _at("J", J, theta - epsilon)
    grad = _at("dJ", dJ, theta)
    gradapprox = (plus - minus) / (2.0 * epsilon)
    denominator = abs(grad) + abs(gradapprox)
    return 0.0 if denominator == 0.0 else abs(grad - gradapprox) / denominator


def _given_grads(name: str, grads: Any, seen: dict[str, Any]) -> Any:
    """Gradients computed elsewhere: {"dW1", "db1", ...}, one per trained parameter, of its
    shape, in the params' library."""
    if grads is None:
        return None
    net, params = seen["net"], seen["params"]
    require(net.backend, grads=grads)
    return check.array_dict(name, grads, like={k: params[k] for k in _trainable(params, net)},
                            prefix="d")


@checked(returns="number", net=_architecture, loss=_output_loss, X=_inputs, Y=_targets_of_inputs,
         epsilon=by(check.positive_float), lambd=by(check.nonnegative_float),
         l1=by(check.nonnegative_float), masks=_masks, training=by(check.boolean),
         grads=_given_grads,
         overflow="params: the cost or its gradient overflowed (NaN or inf) at these params; a "
                  "gradient check needs a finite cost around them (shrink the weights or inputs)")
def gradient_check(
    X: Array,
    Y: Array,
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    loss: str,
    *,
    epsilon: float = 1e-7,
    lambd: float = 0.0,
    masks: Mapping[str, Array] | None = None,
    training: bool = True,
    grads: Mapping[str, Array] | None = None,
    l1: float = 0.0,
    net: Architecture,
) -> float:
    """The relative difference between backprop's gradient and central differences (see module).

    Everything is computed in float64 (float32 cannot resolve a 1e-7 step), whatever the dtype of
    ``params``. ``lambd`` adds the L2 term and ``l1`` the L1 term (`|W|` has no derivative at 0:
    check it where no weight is within epsilon of 0); ``masks`` fixes dropout masks so J is
    deterministic.
    Every trained parameter is checked (W, b, and gamma, beta of normalised layers; not the
    running statistics). ``training``: batch normalisation with the batch's statistics, the cost
    ``train`` minimises (True), or with the running ones (False).

    ``grads`` checks gradients computed elsewhere (the course's exercise: a hand-written backward
    pass, perhaps with a planted bug) instead of mlp_fn's own: {"dW1", "db1", ...}, one per
    trained parameter, of its shape.

    Args:
        X: (n_x, m); Y: (n_y, m); params, activations, loss: the network.
        epsilon: the step eps of the central difference.

    >>> X, Y = mf.data.xor()
    >>> gradient_check(X, Y, mf.init_params([2, 3, 1], seed=0), ["tanh", "sigmoid"], "bce") < 1e-7
    True
    """
    b = net.backend
    keys = list(_trainable(params, net))
    # In float64, in the network's library where its device has float64, else on the host.
    b64 = b if float64_missing(b) is None else NUMPY
    net64 = net._replace(backend=b64)

    def float64(a: Array) -> Array:
        a64: Array = b64.xp.astype(a if b64 is b else to_host(a), b64.xp.float64)
        return a64

    X64, Y64 = float64(X), float64(Y)
    p64 = {k: float64(v) for k, v in params.items()}
    masks64 = None if masks is None else {k: float64(v) for k, v in masks.items()}
    AL, cache = forward.unchecked(X64, p64, net64.activations, masks=masks64, training=training,
                                  net=net64, xp=net64.backend.xp)
    own = backward.unchecked(AL, Y64, cache, p64, net64.activations, loss, lambd=lambd, l1=l1,
                             net=net64, xp=net64.backend.xp) if grads is None else grads
    grad = np.concatenate([to_host(own[f"d{k}"]).astype(np.float64).ravel() for k in keys])
    gradapprox = np.empty_like(grad)
    i = 0
    for key in keys:
        host = to_host(p64[key])
        for j in range(host.size):
            J = {}
            for sign in (+1.0, -1.0):
                theta = host.copy()  # theta_j + sign eps, the other entries as they are
                theta.flat[j] += sign * epsilon
                J[sign] = _cost(X64, Y64, {**p64, key: from_host(theta, b64)}, net64, loss,
                                lambd, masks64, training, l1)
            gradapprox[i] = (J[+1.0] - J[-1.0]) / (2.0 * epsilon)
            i += 1
    # The formula is unchanged by scaling both vectors by 1/S, and with S = the largest entry
    # no square in the norms can overflow, however large the gradients are. (NaN or inf in
    # either vector makes the difference NaN, which the check reports as an overflow.)
    S = max(float(np.abs(grad).max(initial=0.0)), float(np.abs(gradapprox).max(initial=0.0)))
    if S == 0.0:
        return 0.0
    g, a = grad / S, gradapprox / S
    return float(np.linalg.norm(g - a)) / float(np.linalg.norm(g) + np.linalg.norm(a))
