"""Forward and backward propagation through an L-layer network (sections 4 and 6).

Notation (course layout, one example per column):

    `A[0] = X`                                of shape `(n[0], m)`
    `Z[l] = W[l] A[l-1] + b[l]`               of shape `(n[l], m)`: ``layers.linear_forward``
    `A[l] = g[l](Z[l])`                       of shape `(n[l], m)`: ``layers.activation_forward``
    `J = (1/m) sum_i L(A[L](i), Y(i))`        ``compute_cost``

    `dZ[L] = A[L] - Y`                        for sigmoid + bce and softmax + cce (fused)
    `dZ[l] = dA[l] * g[l]'(Z[l])`             otherwise: ``layers.activation_backward``
    `dW[l] = (1/m) dZ[l] A[l-1]^T`            ``layers.linear_backward``
    `db[l] = (1/m) sum_i dZ[l](i)`            ``layers.linear_backward``
    `dA[l-1] = W[l]^T dZ[l]`                  ``layers.linear_backward``

``forward`` and ``backward`` are loops over the network's architecture (``mlp_fn.network``,
read from the params and activations when they are checked, and passed to the body as ``net``):
each layer takes the steps its description names (``mlp_fn.layers``, and
``mlp_fn.normalization`` for a normalised layer). ``train`` checks everything once and calls the
same bodies unchecked: ``forward.unchecked(X, params, net.activations, ..., net=net, xp=xp)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.arrays import (all_finite, backend, default_int, dtype_name,
                                     from_host_dict, host_dtype, require)
from mlp_fn._internal.boundary import by, checked, matrix
from mlp_fn._internal.types import ActivationSpec, Array, Cache, Grads, Namespace
from mlp_fn.layers import (LAYER_KINDS, activation_backward, activation_forward, dropout_masks,
                           linear_backward, linear_forward, mask, skip, unmask)
from mlp_fn.losses import (LOSSES, canonical_loss, _check_targets, _loss_for, _metric,
                           _weights as _sample_weights)
from mlp_fn.network import Architecture, architecture, _check_masks, _weights
from mlp_fn.activations import _activation_entry, _activation_spec

__all__ = ["forward", "backward", "output_delta", "compute_cost", "l2_penalty", "l1_penalty",
           "predict", "accuracy"]


# ----------------------------------------------------------------------------------------------
# Forward
# ----------------------------------------------------------------------------------------------

def _output_targets(name: str, Y: Any, seen: dict[str, Any]) -> Array:
    """Y of AL's shape, fitting the loss (as ``compute_cost`` checks it)."""
    AL = seen["AL"]
    return _check_targets(Y, AL.shape[0], AL.shape[1], seen["loss"], AL.dtype,
                          backend(AL=AL))


def _architecture(name: str, value: Any, seen: dict[str, Any]) -> Architecture:
    """The network's description, from its params and activations (``architecture`` checks
    both)."""
    return architecture(seen["params"], seen["activations"])


def _inputs(name: str, X: Any, seen: dict[str, Any]) -> Array:
    """X of n_x rows, on the params' library and device, in their dtype."""
    net = seen["net"]
    require(net.backend, X=X)
    return check.inputs(X, net.n_x, net.dtype, net.backend)


def _seed(name: str, seed: Any, seen: dict[str, Any]) -> Any:
    """Dropout draws its masks from an explicit seed."""
    if seen["masks"] is None and seen["keep_prob"] < 1.0:
        if seed is None:
            raise ValueError("seed: dropout (keep_prob < 1) draws random masks and needs an "
                             "explicit seed, got None")
        check.seeds(seed)
    return seed


def _masks(name: str, masks: Any, seen: dict[str, Any]) -> Any:
    return None if masks is None else _check_masks(masks, seen["net"], seen["X"].shape[1])


def _forward_overflow(out: Any, values: dict[str, Any]) -> str:
    """Which layer overflowed, and what to do."""
    _, cache = out
    net: Architecture = values["net"]
    xp = net.backend.xp
    layer = next((layer for layer in net.layers if not all(
        all_finite(cache[k], xp) for k in (layer.keys.Z, layer.keys.A))), net.layers[-1])
    return (f"params: the forward pass overflowed: A{layer.l} ({net.activations[layer.l - 1]}) "
            f"holds NaN or inf; the weights or inputs are too large for "
            f"{dtype_name(net.dtype)} arithmetic (scale X, shrink the weights)")


@checked(net=_architecture, X=_inputs, keep_prob=lambda name, v, seen: check.keep_prob(v),
         masks=_masks, seed=_seed, training=by(check.boolean), overflow=_forward_overflow)
def forward(
    X: Array,
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    *,
    keep_prob: float = 1.0,
    seed: int | Sequence[int] | None = None,
    masks: Mapping[str, Array] | None = None,
    training: bool = False,
    net: Architecture,
    xp: Namespace = np,
) -> tuple[Array, Cache]:
    """Forward propagation: for `l = 1..L`, `Z[l] = W[l] A[l-1] + b[l]`, `A[l] = g[l](Z[l])`.

    A normalised hidden layer (`gamma{l}`, `beta{l}` in params) computes `Z = W A`,
    `Z_tilde = gamma Z_norm + beta`, `A = g(Z_tilde)` (``mlp_fn.normalization``); with ``training``
    batch normalisation uses the batch's statistics (as ``train`` does), otherwise the running ones
    (as ``predict`` does). A layer declared 'g+residual' adds its input: `A[l] = g(Z[l]) + A[l-1]`.
    To measure the gradients ``train`` follows in a batch-normalised network (e.g. their norms layer
    by layer), pass ``training=True``: at the default the running statistics (`mu = 0`,
    `sigma^2 = 1` before any training) stand in for the batch's, and the normalisation seems to do
    nothing.

    With ``keep_prob`` < 1 (inverted dropout, for training only) every hidden layer's output is
    multiplied by a mask `D[l]` (see ``dropout_masks``) drawn from ``seed``; ``masks`` fixes the
    masks instead (e.g. for a gradient check), any of ``"D1".."D{L-1}"``. The output layer
    is never dropped.

    Args:
        X: `A[0]`, (n_x, m).
        params: {"W1", "b1", ..., "WL", "bL"}.
        activations: L names, one per layer ('relu', ..., 'sigmoid').

    Returns:
        (`A[L]`, cache) with `A[L]` of shape `(n[L], m)` and cache holding "A0", "Z1", "A1", ...,
        "ZL", "AL" (and ``"D{l}"``, and ``"G{l}"``, `g(Z[l])` before the mask, for dropped layers);
        read-only.

    >>> params = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.5]])}
    >>> AL, cache = forward(np.array([[2.0], [1.0]]), params, ["relu"])  # relu(2 - 1 + 0.5)
    >>> AL, sorted(cache)
    (array([[1.5]]), ['A0', 'A1', 'Z1'])
    """
    if masks is None and keep_prob < 1.0:  # inverted dropout: the masks D[l] drawn from seed
        masks = from_host_dict(dropout_masks.unchecked(
            _hidden_shapes(net, X.shape[1]), keep_prob, seed, host_dtype(net.dtype)), net.backend)
    cache: dict[str, Array] = {"A0": X}
    A = X
    for layer in net.layers:  # net: the layers params and activations describe (architecture)
        k = layer.keys
        A_prev = A
        Z = cache[k.Z] = linear_forward.unchecked(A_prev, params[k.W], params.get(k.b))
        normalised = LAYER_KINDS[layer.norm or "plain"].forward
        if normalised is not None:  # Z~ = gamma Z_norm + beta
            Z, statistics = normalised(Z, params, layer, training, xp)
            cache[k.Ztilde] = Z
            cache.update(statistics)
        A = activation_forward.unchecked(Z, layer.g, xp=xp)  # A = g(Z)
        D = masks.get(k.D) if masks else None
        if D is not None or layer.residual:
            cache[k.G] = A  # g(Z) itself, before the mask and the skip
        if D is not None:
            cache[k.D] = D
            A = mask.unchecked(A, D)  # A = A * D
        if layer.residual:
            A = skip.unchecked(A, A_prev)  # A = A + A[l-1]
        cache[k.A] = A
    return A, cache


def _hidden_shapes(net: Architecture, m: int) -> dict[str, tuple[int, int]]:
    """The shape (n[l], m) of every hidden layer's dropout mask ``"D{l}"``."""
    return {layer.keys.D: (layer.n_out, m) for layer in net.layers if layer.dropout}


# ----------------------------------------------------------------------------------------------
# Backward
# ----------------------------------------------------------------------------------------------

def _output_loss(name: str, loss: Any, seen: dict[str, Any]) -> str:
    """A loss that fits the network's output layer, by its registry name."""
    return _loss_for(loss, seen["net"].activations[-1])


def _outputs(name: str, AL: Any, seen: dict[str, Any]) -> Array:
    """A[L]: (n_y, m), on the params' library and device."""
    net = seen["net"]
    require(net.backend, AL=AL)
    return check.matrix(name, AL, f"({net.n_y}, m)")


def _cache(name: str, cache: Any, seen: dict[str, Any]) -> Mapping[str, Array]:
    net = seen["net"]
    require(net.backend, cache=cache if isinstance(cache, Mapping) else None)
    _check_cache(cache, net, seen["AL"])
    out: Mapping[str, Array] = cache
    return out


def _weights_of_examples(name: str, w: Any, seen: dict[str, Any]) -> Array | None:
    """Sample weights w (m,) or (1, m), w >= 0 with sum > 0, as (1, m)."""
    AL, net = seen["AL"], seen["net"]
    require(net.backend, sample_weight=w)
    return None if w is None else check.sample_weight(w, AL.shape[1], AL.dtype, net.backend)


def _backward_overflow(grads: Any, values: dict[str, Any]) -> str:
    xp = values["net"].backend.xp
    bad = sorted(k for k, g in grads.items() if not all_finite(g, xp))
    return (f"params: the gradients overflowed ({', '.join(bad)} hold NaN or inf); the weights "
            f"or inputs are too large (scale X, shrink the weights, or clip the gradients in "
            f"train)")


@checked(net=_architecture, loss=_output_loss, AL=_outputs, Y=_output_targets, cache=_cache,
         lambd=by(check.nonnegative_float), l1=by(check.nonnegative_float),
         sample_weight=_weights_of_examples, fuse=by(check.boolean),
         intermediates=by(check.boolean), overflow=_backward_overflow)
def backward(
    AL: Array,
    Y: Array,
    cache: Mapping[str, Array],
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    loss: str,
    *,
    lambd: float = 0.0,
    fuse: bool = True,
    sample_weight: Array | None = None,
    intermediates: bool = False,
    l1: float = 0.0,
    net: Architecture,
    xp: Namespace = np,
) -> Grads:
    """Backpropagation: the gradients of J with respect to every `W[l]` and `b[l]`.

    `dZ[L] = A[L] - Y` (fused output) or `g[L]'(Z[L]) * dA[L]`; then for `l = L..1`
    `dW[l] = (1/m) dZ[l] A[l-1]^T + (lambd/m) W[l] + (l1/m) sign(W[l])`,
    `db[l] = (1/m) sum_i dZ[l](i)`,
    `dZ[l-1] = (W[l]^T dZ[l]) * D[l-1] * g[l-1]'(Z[l-1])`   (D: the dropout mask, if any).

    Args:
        AL: `A[L]` from ``forward``, `(n_y, m)`.
        Y: targets, `(n_y, m)`.
        cache: the cache ``forward`` returned with AL.
        params, activations, loss: as given to ``forward`` and ``compute_cost``.
        lambd: L2 strength lambda (the biases are not regularised).
        l1: L1 strength: the cost's `(l1/m) sum |W|` adds `(l1/m) sign(W)` to dW (0 where `W = 0`).
        fuse: use `dZ[L] = A[L] - Y` where it holds (True), or the general chain rule (False).
        sample_weight: w of shape (m,) or (1, m), for `J = sum_i w_i L(i) / sum_i w_i`.
        intermediates: also hand back `dZ[l]` (``"dZ1".."dZL"``, for a normalised layer
            the dZ of its linear step, and ``"dZtilde{l}"`` that of `Z~`) and `dA[l]`
            (``"dA0".."dA{L-1}"``), as the course's L_model_backward keeps them; both are
            `m dJ/dZ` and `m dJ/dA`, as the course's are (its dW carries 1/m).

    Returns:
        {"dW1", "db1", ..., "dWL", "dbL"}, each shaped as its parameter; read-only.

    >>> params = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.5]])}
    >>> X, Y = np.array([[2.0], [1.0]]), np.array([[1.0]])
    >>> AL, cache = forward(X, params, ["identity"])  # a = 1.5, so dZ = a - y = 0.5
    >>> backward(AL, Y, cache, params, ["identity"], "half_mse")  # dW = dZ X^T, db = dZ
    {'dW1': array([[1. , 0.5]]), 'db1': array([[0.5]])}
    """
    m = AL.shape[1]
    out = net.layers[-1]
    grads: dict[str, Array] = {}
    # The output layer is never masked, normalised or skipped: cache["AL"] = g(Z[L]).
    dZ = output_delta.unchecked(AL, Y, cache[out.keys.Z], out.activation, loss, fuse, xp=xp)
    if sample_weight is not None:
        # J = sum_i w_i L(i) / sum_i w_i: example i's dZ is weighted by m w_i / sum_i w_i (the
        # 1/m of the plain mean is applied in dW and db, as always).
        dZ = dZ * (sample_weight * (m / xp.sum(sample_weight)))
    dA = dZ  # replaced before use: every layer below L starts from the dA[l] handed down
    for layer in reversed(net.layers):
        k = layer.keys
        if layer is not out:
            G = cache.get(k.G, cache[k.A])  # g(Z), before the mask and the skip
            dG = unmask.unchecked(dA, cache[k.D]) if k.D in cache else dA
            dZ = activation_backward.unchecked(dG, cache.get(k.Ztilde, cache[k.Z]), G, layer.g,
                                               xp=xp)
            normalised = LAYER_KINDS[layer.norm or "plain"].backward
            if normalised is not None:  # through Z~ = gamma Z_norm + beta to Z = W A
                if intermediates:
                    grads[k.dZtilde] = dZ
                dZ, vectors = normalised(dZ, cache, params, layer, xp)  # dgamma, dbeta
                grads.update(vectors)
        # dW = (1/m) dZ A[l-1]^T, db = (1/m) sum_i dZ(i), dA[l-1] = W^T dZ (not for layer 1:
        # X needs no gradient, unless the course's intermediates are asked for)
        dA_prev, dW, db = linear_backward.unchecked(
            dZ, cache[k.A_prev], params[k.W] if layer.l > 1 or intermediates else None, xp=xp)
        if lambd:  # + d/dW (lambda/2m) ||W||^2
            dW = dW + (lambd / m) * params[k.W]
        if l1:  # + d/dW (l1/m) sum |W|: sign(W), 0 at W = 0 (the subgradient there)
            dW = dW + (l1 / m) * xp.sign(params[k.W])
        grads[k.dW] = dW
        if layer.norm is None:
            grads[k.db] = db
        if intermediates:  # the course's grads["dZ" + str(l)] and dA, for printing
            grads[k.dZ] = dZ
        if dA_prev is not None:
            # dA[l-1] = W^T dZ (+ dA[l], through the skip: an addition again)
            dA = skip.unchecked(dA_prev, dA) if layer.residual else dA_prev
            if intermediates:
                grads[k.dA_prev] = dA
    return grads


def _check_cache(cache: Any, net: Architecture, AL: Array) -> None:
    """The cache of a forward pass through the network's L layers, ending in AL."""
    if not isinstance(cache, Mapping):
        raise TypeError(f"cache: expected the dict returned by forward, got "
                        f"{check.what(cache)}")
    needed = ["A0"] + [k for layer in net.layers for k in (layer.keys.Z, layer.keys.A)]
    missing = [k for k in needed if k not in cache]
    if missing:
        raise ValueError(f"cache: expected the keys forward returns for {net.L} layers, "
                         f"missing {missing}"[:300])
    for key, a in cache.items():
        check.float_array(f"cache[{check.short_repr(key)}]", a)
    last = net.layers[-1].keys.A
    if cache[last].shape != AL.shape:
        raise ValueError(f"cache: its {last} has shape {tuple(cache[last].shape)}, but AL has "
                         f"{tuple(AL.shape)}; pass the cache returned together with AL")


@checked(activation=lambda name, v, seen: _activation_spec(v),
         loss=lambda name, v, seen: _loss_for(v, seen["activation"]),
         ZL=matrix("(n_y, m)"), AL=matrix("(n_y, m)"), Y=_output_targets,
         fuse=by(check.boolean))
def output_delta(AL: Array, Y: Array, ZL: Array, activation: ActivationSpec, loss: str,
                 fuse: bool = True, *, xp: Namespace = np) -> Array:
    """`dZ[L]` for the output layer.

    When the loss is the output activation's natural partner (sigmoid + bce, softmax + cce) the
    chain rule `dZ = dA * g'(Z)` simplifies exactly to `dZ[L] = A[L] - Y`: fused, it never divides
    by A (which may be 0 or 1). Otherwise, or with ``fuse=False``, `dZ[L] = g'(Z[L])` applied to
    `dA[L] = dL/dA[L]` (see ``mlp_fn.losses``).

    >>> AL, Y = np.array([[0.8]]), np.array([[1.0]])
    >>> output_delta(AL, Y, np.log(AL / (1 - AL)), "sigmoid", "bce")  # A - Y
    array([[-0.2]])
    """
    entry = LOSSES[loss]
    if fuse and entry["fused"] == activation:
        return AL - Y  # sigmoid + bce, softmax + cce: the chain rule simplifies exactly
    dA = entry["dA"].unchecked(AL, Y, xp=xp)
    return activation_backward.unchecked(dA, ZL, AL, _activation_entry(activation), xp=xp)


# ----------------------------------------------------------------------------------------------
# The cost, and what the output is used for
# ----------------------------------------------------------------------------------------------

def _network_params(name: str, params: Any, seen: dict[str, Any]) -> Mapping[str, Array]:
    """A network's params (``architecture`` checks them)."""
    architecture(params)
    out: Mapping[str, Array] = params
    return out


def _examples(name: str, m: Any, seen: dict[str, Any]) -> int:
    """m >= 1, an exact float."""
    return check.positive_int(name, m, maximum=2**53)


@checked(returns="number", params=_network_params, lambd=by(check.nonnegative_float),
         m=_examples,
         overflow="params: the L2 penalty overflowed; the weights are too large to square")
def l2_penalty(params: Mapping[str, Array], lambd: float, m: int, *,
               xp: Namespace = np) -> Array:
    """The L2 term added to the cost: `(lambda / 2m) sum_l ||W[l]||_F^2` (biases excluded).

    >>> l2_penalty({"W1": np.array([[3.0, 4.0]]), "b1": np.array([[9.0]])}, lambd=0.1, m=5)
    0.25
    """
    squares: Array = sum(xp.sum(W * W) for W in _weights(params))
    return lambd / (2 * m) * squares


@checked(returns="number", params=_network_params, l1=by(check.nonnegative_float), m=_examples,
         overflow="params: the L1 penalty overflowed; the weights are too large")
def l1_penalty(params: Mapping[str, Array], l1: float, m: int, *, xp: Namespace = np) -> Array:
    """The L1 term added to the cost: `(l1 / m) sum_l sum_{j,k} |W[l][j, k]|` (biases excluded).
    Its gradient `(l1 / m) sign(W[l])` pulls every weight towards 0 by the same amount each step,
    where L2's `(lambda / m) W` pulls in proportion to the weight: weights that matter little end
    near 0 (within a step of it: gradient descent on `|w|` does not land on 0 exactly).

    >>> l1_penalty({"W1": np.array([[3.0, -4.0]]), "b1": np.array([[9.0]])}, l1=0.5, m=2)
    1.75
    """
    total: Array = sum(xp.sum(xp.abs(W)) for W in _weights(params))
    return l1 / m * total


def _cost_outputs(name: str, AL: Any, seen: dict[str, Any]) -> Array:
    out = check.matrix(name, AL, "(n_y, m)")
    if out.shape[1] == 0:
        raise ValueError(f"{name}: expected at least one example (m >= 1), got m = 0")
    return out


def _penalised_params(name: str, params: Any, seen: dict[str, Any]) -> Any:
    """The params, needed (and checked) where a penalty is asked for."""
    lam, lam1 = seen["lambd"], seen["l1"]
    if not (lam or lam1):
        return params
    if params is None:
        terms = ("the L2 term (lambd > 0) is" if not lam1 else "the L1 term (l1 > 0) is"
                 if not lam else "the L2 and L1 terms (lambd > 0, l1 > 0) are")
        raise ValueError(f"{name}: {terms} computed from the weights; pass params=...")
    return _network_params(name, params, seen)


@checked(returns="number", loss=lambda name, v, seen: canonical_loss(v), AL=_cost_outputs,
         Y=_output_targets, sample_weight=_sample_weights, lambd=by(check.nonnegative_float),
         l1=by(check.nonnegative_float), params=_penalised_params,
         overflow="AL: the cost overflowed for these values")
def compute_cost(AL: Array, Y: Array, loss: str, *, lambd: float = 0.0,
                 params: Mapping[str, Array] | None = None,
                 sample_weight: Array | None = None, l1: float = 0.0,
                 xp: Namespace = np) -> Array:
    """`J = (1/m) sum_{i=1}^{m} L(a(i), y(i))` for the named loss (see ``mlp_fn.losses``),

    plus `(lambda / 2m) sum_l ||W[l]||_F^2` with ``lambd`` and the ``params`` (the course's
    compute_cost_with_regularization), plus `(l1 / m) sum_l sum |W[l]|` with ``l1``; with
    ``sample_weight`` w the mean becomes the weighted mean `sum_i w_i L(i) / sum_i w_i`.

    Args:
        AL: `A[L]`, (n_y, m).
        Y: targets, (n_y, m): {0, 1} for bce, one-hot for cce, real for mse/half_mse.
        loss: 'bce', 'cce', 'mse', 'half_mse' (or an alias).
        lambd: L2 strength lambda (needs ``params``).
        l1: L1 strength: plus `(l1/m) sum_l sum |W[l]|` (needs ``params``; biases excluded).
        params: the network's params, for the penalties.
        sample_weight: w of shape (m,) or (1, m), `w_i >= 0` with `sum_i w_i > 0`.

    >>> round(compute_cost(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]), "bce"), 4)
    0.6931
    """
    J = LOSSES[loss]["cost"].unchecked(AL, Y, sample_weight, xp=xp)
    if lambd:  # lambd and l1 are numbers of the run's settings, never arrays: no value is read
        J = J + l2_penalty.unchecked(params, lambd, AL.shape[1], xp=xp)
    if l1:
        J = J + l1_penalty.unchecked(params, l1, AL.shape[1], xp=xp)
    return J


def _network_output(X: Array, params: Mapping[str, Array], net: Architecture) -> Array:
    """A[L] of a checked network (inference: no dropout, running statistics), or ValueError
    if the forward pass overflowed."""
    with np.errstate(all="ignore"):
        AL, _ = forward.unchecked(X, params, net.activations, net=net, xp=net.backend.xp)
    if not all_finite(AL, net.backend.xp):
        raise ValueError(f"params: the forward pass overflowed (A[L] holds NaN or inf); the "
                         f"weights or inputs are too large for {AL.dtype} arithmetic")
    return AL


def _targets_of_inputs(name: str, Y: Any, seen: dict[str, Any]) -> Array:
    """Y of the network's n_y rows and X's m columns, fitting the loss."""
    net, X = seen["net"], seen["X"]
    return _check_targets(Y, net.n_y, X.shape[1], seen["loss"], X.dtype, net.backend)


@checked(net=_architecture, loss=_output_loss, X=_inputs)
def predict(X: Array, params: Mapping[str, Array], activations: Sequence[ActivationSpec],
            loss: str, *, net: Architecture, xp: Namespace = np) -> np.ndarray[Any, Any]:
    """Predictions from `A[L] = forward(X)` (never with dropout), shaped and encoded like Y:

    one rule for every loss: ``predict`` returns what Y would hold for these examples, an
    (n_y, m) array with one column per example.

    bce: `y_hat = 1{A[L] > 0.5}`, int 0/1;  cce: the one-hot column of `argmax_k A[L][k]`, int (the
    class indices are ``y_hat.argmax(axis=0)``);  mse/half_mse: `y_hat = A[L]`.

    So ``np.array_equal(y_hat, Y)`` says whether all are right, and ``(y_hat == Y).all(axis=0)``
    marks each right example; ``accuracy`` gives the fraction (``np.mean(y_hat == Y)`` does not,
    for one-hot Y: it also counts the agreeing zeros).

    >>> params = {"W1": np.array([[2.0, -2.0]]), "b1": np.array([[0.0]])}
    >>> predict(np.eye(2), params, ["sigmoid"], "bce")  # sigmoid(2) > 0.5 > sigmoid(-2)
    array([[1, 0]])
    """
    AL = _network_output(X, params, net)  # inference: no dropout, running statistics
    task = LOSSES[loss]["task"]
    if task == "binary":  # y_hat = 1{A[L] > 0.5}
        labels: np.ndarray[Any, Any] = xp.astype(AL > 0.5, default_int(xp))
        return labels
    if task == "multiclass":  # y_hat_k = 1 for k = argmax_k A[L]_k, else 0
        classes = xp.reshape(xp.arange(AL.shape[0], device=net.backend.device), (-1, 1))
        one_hot: np.ndarray[Any, Any] = xp.astype(classes == xp.argmax(AL, axis=0),
                                                  default_int(xp))
        return one_hot
    return AL


@checked(returns="number", net=_architecture, loss=_output_loss, X=_inputs,
         Y=_targets_of_inputs)
def accuracy(X: Array, Y: Array, params: Mapping[str, Array],
             activations: Sequence[ActivationSpec], loss: str, *, net: Architecture,
             xp: Namespace = np) -> float:
    """Fraction of examples classified right (bce, cce); for mse/half_mse the mean squared error
    `mean((A[L] - Y)^2)` instead.

    >>> params = {"W1": np.array([[2.0, -2.0]]), "b1": np.array([[0.0]])}
    >>> accuracy(np.eye(2), np.array([[1, 1]]), params, ["sigmoid"], "bce")  # predicts 1, 0
    0.5
    """
    return _metric(_network_output(X, params, net), Y, loss, xp)
