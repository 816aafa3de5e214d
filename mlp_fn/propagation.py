"""Forward and backward propagation through an L-layer network (sections 4 and 6).

Notation (course layout, one example per column):

    A[0] = X                                  (n[0], m)
    Z[l] = W[l] A[l-1] + b[l]                 (n[l], m)     linear_forward
    A[l] = g[l](Z[l])                         (n[l], m)     activation_forward
    J    = (1/m) sum_i L(A[L](i), Y(i))                     compute_cost

    dZ[L] = A[L] - Y                          for sigmoid + bce and softmax + cce (fused)
    dZ[l] = dA[l] * g[l]'(Z[l])               otherwise                    activation_backward
    dW[l] = (1/m) dZ[l] A[l-1]^T                                             linear_backward
    db[l] = (1/m) sum_i dZ[l](i)
    dA[l-1] = W[l]^T dZ[l]

Public functions check their arguments and then call the unchecked ``_forward``/``_backward``,
which ``train`` calls directly once it has checked everything at its own entry.

The products are written ``W.dot(A)``, the course's ``np.dot(W, A)``, rather than ``W @ A``: the
same BLAS call with the same result, but ``@`` (``np.matmul``, a generalised ufunc) spends about
half a microsecond resolving its loop on every call, which on small matrices is most of the work
(4 x 4: 0.3 against 0.8 us; ``np.dot`` itself adds 0.2 us of dispatch to the method). A 2-4-1
network's training step makes seven products.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import re

import numpy as np

from mlp_fn import validation as check
from mlp_fn._freeze import column, frozen, frozen_dict, number
from mlp_fn._types import ActivationSpec, Array, Cache, CustomActivation, Grads
from mlp_fn import normalization
from mlp_fn.activations import OUTPUT_ONLY, Activation, _classes_in_rows, lookup
from mlp_fn.losses import LOSSES, canonical_loss, cost_of


# ----------------------------------------------------------------------------------------------
# Forward
# ----------------------------------------------------------------------------------------------

def _linear_forward(A_prev: Array, W: Array, b: Array) -> Array:
    Z: Array = W.dot(A_prev)  # np.dot(W, A_prev): see the module docstring
    Z += b  # in place on the fresh product: one pass, no second temporary
    return Z


def linear_forward(A_prev: Array, W: Array, b: Array) -> Array:
    """Z[l] = W[l] A[l-1] + b[l].

    Args:
        A_prev: A[l-1], (n[l-1], m).
        W: W[l], (n[l], n[l-1]).
        b: b[l], (n[l], 1), broadcast over the m columns.

    Returns:
        Z[l], (n[l], m), read-only.
    """
    W = check.matrix("W", W, "(n[l], n[l-1])")
    A_prev = check.matrix("A_prev", A_prev, f"({W.shape[1]}, m)")
    b = check.matrix("b", b, f"({W.shape[0]}, 1)")
    if A_prev.shape[0] != W.shape[1]:
        raise ValueError(f"A_prev: expected shape ({W.shape[1]}, m) to match W of shape "
                         f"{W.shape}, got {A_prev.shape}")
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b: expected shape ({W.shape[0]}, 1) to match W of shape {W.shape}, "
                         f"got {b.shape}")
    check.same_dtype(W=W, A_prev=A_prev, b=b)
    Z: Array = check.finite_result("linear_forward", _linear_forward, A_prev, W, b)
    return Z


def activation_forward(Z: Array, activation: ActivationSpec) -> Array:
    """A[l] = g[l](Z[l]) for the named activation (see ``mlp_fn.activations``)."""
    name = check.activation_spec(activation)
    Z = check.matrix("Z", Z, "(n[l], m)")
    if isinstance(name, str) and name in OUTPUT_ONLY:
        _classes_in_rows("Z", Z)  # softmax over one row: one class, refused with the fix
    A: Array = check.finite_result("activation_forward", lookup(name)[0]["g"], Z)
    return A


def _dropout_masks(shapes: Mapping[str, tuple[int, int]], keep_prob: float,
                   seed: int | Sequence[int], dtype: Any = np.float64) -> dict[str, Array]:
    rng = np.random.default_rng(seed)
    masks = {}
    for key, shape in shapes.items():
        D = (rng.random(shape) < keep_prob).astype(dtype)
        D *= 1.0 / keep_prob
        masks[key] = D
    return masks


def dropout_masks(
    shapes: Mapping[str, tuple[int, int]], keep_prob: float, seed: int | Sequence[int],
    dtype: Any = np.float64,
) -> dict[str, Array]:
    """Inverted-dropout masks D[l] = (U < keep_prob) / keep_prob, U ~ Uniform[0, 1) from ``seed``.

    Each entry is 0 (unit dropped, probability 1 - keep_prob) or 1/keep_prob (kept), so that
    E[A[l] * D[l]] = A[l]: the expected activation, and hence the next layer's input, is unchanged.
    ``shapes`` maps "D{l}" to the shape of A[l]. The uniforms are the same for every ``dtype``;
    only the masks are made in it (a float32 run then carries no float64 masks).
    """
    if not isinstance(shapes, Mapping):
        raise TypeError(f"shapes: expected a dict {{'D1': (n1, m), ...}}, got "
                        f"{check.describe(shapes)}")
    checked: dict[str, tuple[int, int]] = {}
    for key, shape in shapes.items():
        if not isinstance(key, str) or re.fullmatch(r"D[1-9][0-9]*", key) is None:
            raise ValueError(f"shapes: expected keys 'D1', 'D2', ..., got {key!r}"[:200])
        if not isinstance(shape, (tuple, list)) or len(shape) != 2:
            raise TypeError(f"shapes[{key!r}]: expected a pair (n[l], m), got "
                            f"{check.describe(shape)}")
        n, m = (check.positive_int(f"shapes[{key!r}]", v) for v in shape)
        check.allocation(f"shapes[{key!r}]", n * m)
        checked[key] = (n, m)
    keep = check.keep_prob(keep_prob)
    check.seeds(seed)
    dt = check.float_dtype("dtype", dtype)
    return frozen_dict(_dropout_masks(checked, keep, seed, dt))


class _Keys(NamedTuple):
    """Layer l's dict keys: "W{l}", "b{l}", "gamma{l}" (params), "A{l-1}", "Z{l}", "Ztilde{l}",
    "G{l}", "D{l}", "A{l}" (cache), "dW{l}", "db{l}" (grads)."""

    W: str
    b: str
    gamma: str
    A_prev: str
    Z: str
    Ztilde: str
    G: str
    D: str
    A: str
    dW: str
    db: str


@functools.lru_cache(maxsize=None)
def _keys(l: int) -> _Keys:
    """Layer l's keys, formatted once: a forward and backward pass look up about fifteen per
    layer, and formatting f"W{l}" takes longer than the lookup it serves (60 ns against 15)."""
    return _Keys(f"W{l}", f"b{l}", f"gamma{l}", f"A{l - 1}", f"Z{l}", f"Ztilde{l}", f"G{l}",
                 f"D{l}", f"A{l}", f"dW{l}", f"db{l}")


def _forward(
    X: Array,
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    masks: Mapping[str, Array] | None = None,
    training: bool = False,
) -> tuple[Array, Cache]:
    """Unchecked forward pass; ``activations`` are canonical names, masks keyed "D{l}"."""
    cache: dict[str, Array] = {"A0": X}
    A = X
    for l, spec in enumerate(activations, start=1):
        g, residual = lookup(spec)
        key = _keys(l)
        A_prev = A
        Z: Array
        if key.gamma in params:  # normalised: Z = W A, Z_tilde = gamma Z_norm + beta
            Z = params[key.W].dot(A_prev)
            Z_act, statistics = normalization.layer_forward(Z, params, l, training)
            cache.update(statistics)
            cache[key.Ztilde] = Z_act
        else:
            Z = Z_act = _linear_forward(A_prev, params[key.W], params[key.b])
        cache[key.Z] = Z
        A = g["g"](Z_act)
        D = masks.get(key.D) if masks else None
        if D is not None or residual:
            cache[key.G] = A  # g(Z) itself, before the mask and the skip
        if D is not None:
            cache[key.D] = D
            A = A * D
        if residual:
            A = A + A_prev  # A[l] = g(Z[l]) + A[l-1]
        cache[key.A] = A
    return A, cache


def forward(
    X: Array,
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    *,
    keep_prob: float = 1.0,
    seed: int | Sequence[int] | None = None,
    masks: Mapping[str, Array] | None = None,
    training: bool = False,
) -> tuple[Array, Cache]:
    """Forward propagation: for l = 1..L, Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]).

    A normalised hidden layer (gamma{l}, beta{l} in params) computes Z = W A, Z_tilde =
    gamma Z_norm + beta, A = g(Z_tilde) (``mlp_fn.normalization``); with ``training`` batch
    normalisation uses the batch's statistics (as ``train`` does), otherwise the running ones
    (as ``predict`` does). A layer declared 'g+residual' adds its input: A[l] = g(Z[l]) + A[l-1].

    With ``keep_prob`` < 1 (inverted dropout, for training only) every hidden layer's output is
    multiplied by a mask D[l] (see ``dropout_masks``) drawn from ``seed``; ``masks`` fixes the masks
    instead (e.g. for a gradient check). The output layer is never dropped.

    Args:
        X: A[0], (n_x, m).
        params: {"W1", "b1", ..., "WL", "bL"}.
        activations: L names, one per layer ('relu', ..., 'sigmoid').

    Returns:
        (A[L], cache) with A[L] of shape (n[L], m) and cache holding "A0", "Z1", "A1", ...,
        "ZL", "AL" (and "D{l}", "G{l}" = g(Z[l]) before the mask, for dropped layers); read-only.
    """
    L = check.params(params)
    acts = check.activations(activations, L, params)
    X = check.inputs(X, params["W1"].shape[1], params["W1"].dtype)
    keep = check.keep_prob(keep_prob)
    if masks is not None:
        masks = check.masks(masks, params, X.shape[1])
    elif keep < 1.0:
        if seed is None:
            raise ValueError("seed: dropout (keep_prob < 1) draws random masks and needs an "
                             "explicit seed, got None")
        shapes = {f"D{l}": (params[f"W{l}"].shape[0], X.shape[1]) for l in range(1, L)}
        masks = dropout_masks(shapes, keep, seed, X.dtype)  # checks the seed
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training: expected True or False, got {check.describe(training)}")
    with np.errstate(all="ignore"):  # overflow is detected below and reported, not warned
        AL, cache = _forward(X, params, acts, masks, bool(training))
    if not np.isfinite(AL).all():
        l = next(l for l in range(1, L + 1) if not np.isfinite(cache[f"A{l}"]).all())
        raise ValueError(f"params: the forward pass overflowed: A{l} ({acts[l - 1]}) holds NaN or "
                         f"inf; the weights or inputs are too large for float "
                         f"{X.dtype.itemsize * 8}-bit arithmetic (scale X, shrink the weights)")
    return frozen(AL), frozen_dict(cache)


# ----------------------------------------------------------------------------------------------
# Backward
# ----------------------------------------------------------------------------------------------

def linear_backward(dZ: Array, A_prev: Array, W: Array) -> tuple[Array, Array, Array]:
    """Gradients of the linear step Z[l] = W[l] A[l-1] + b[l], with m = A[l-1].shape[1]:

    dW[l] = (1/m) dZ[l] A[l-1]^T,   db[l] = (1/m) sum_i dZ[l](i),   dA[l-1] = W[l]^T dZ[l].

    Args:
        dZ: dZ[l], (n[l], m).
        A_prev: A[l-1], (n[l-1], m).
        W: W[l], (n[l], n[l-1]).

    Returns:
        (dA[l-1], dW[l], db[l]) of shapes (n[l-1], m), (n[l], n[l-1]), (n[l], 1); read-only.
    """
    W = check.matrix("W", W, "(n[l], n[l-1])")
    dZ = check.matrix("dZ", dZ, f"({W.shape[0]}, m)")
    A_prev = check.matrix("A_prev", A_prev, f"({W.shape[1]}, m)")
    if dZ.shape[0] != W.shape[0]:
        raise ValueError(f"dZ: expected shape ({W.shape[0]}, m) to match W of shape {W.shape}, "
                         f"got {dZ.shape}")
    if A_prev.shape != (W.shape[1], dZ.shape[1]):
        raise ValueError(f"A_prev: expected shape ({W.shape[1]}, {dZ.shape[1]}) to match W "
                         f"{W.shape} and dZ {dZ.shape}, got {A_prev.shape}")
    check.same_dtype(W=W, dZ=dZ, A_prev=A_prev)
    dW, db = check.finite_result("linear_backward", weight_gradients, dZ, A_prev)
    dA_prev = check.finite_result("linear_backward", np.dot, W.T, dZ)
    return dA_prev, dW, db


def weight_gradients(dZ: Array, A_prev: Array, c: float | None = None) -> tuple[Array, Array]:
    """dW[l] = c dZ[l] A[l-1]^T and db[l] = c sum_i dZ[l](i) with c = 1/m, the gradients:
    ``linear_backward`` without dA[l-1], which the first layer does not need (its A[0] = X is
    not learned). ``train``'s gradient descent passes c = 1 with a dZ[l] that already carries
    alpha/m, for the steps alpha dW[l], alpha db[l] (see ``_backward``).
    """
    m = A_prev.shape[1]
    c = 1.0 / m if c is None else c
    dW = dZ.dot(A_prev.T)
    if c != 1.0:
        dW *= c  # in place on the fresh product
    db = dZ.dot(column(m, c, dZ.dtype))  # c sum_i dZ(i) as a matrix-vector product (_freeze.column)
    return dW, db


def activation_backward(dA: Array, Z: Array, A: Array, activation: ActivationSpec) -> Array:
    """dZ[l] = dA[l] * g[l]'(Z[l]) (for softmax, the Jacobian-vector product J^T dA[l]).

    ``A`` is g[l](Z[l]), which sigmoid' = A(1 - A), tanh' = 1 - A^2 and softmax reuse.
    """
    name = check.activation_spec(activation)
    Z = check.matrix("Z", Z, "(n[l], m)")
    for arg, a in (("dA", dA), ("A", A)):
        if check.matrix(arg, a, f"{Z.shape}").shape != Z.shape:
            raise ValueError(f"{arg}: expected the shape of Z {Z.shape}, got {a.shape}")
    check.same_dtype(Z=Z, dA=dA, A=A)
    dZ: Array = check.finite_result("activation_backward", lookup(name)[0]["backward"], dA, Z, A)
    return dZ


def _output_delta(AL: Array, Y: Array, ZL: Array, activation: ActivationSpec, loss: str,
                  fuse: bool = True) -> Array:
    entry = LOSSES[loss]
    if fuse and entry["fused"] == activation:
        return AL - Y
    return lookup(activation)[0]["backward"](entry["dA"](AL, Y), ZL, AL)


def output_delta(AL: Array, Y: Array, ZL: Array, activation: ActivationSpec, loss: str,
                 fuse: bool = True) -> Array:
    """dZ[L] for the output layer.

    When the loss is the output activation's natural partner (sigmoid + bce, softmax + cce) the
    chain rule dZ = dA * g'(Z) simplifies exactly to dZ[L] = A[L] - Y: fused, it never divides by
    A (which may be 0 or 1). Otherwise, or with ``fuse=False``, dZ[L] = g'(Z[L]) applied to
    dA[L] = dL/dA[L] (see ``mlp_fn.losses``).
    """
    act = check.activation_spec(activation)
    name = check.loss_for(loss, act)
    ZL = check.matrix("ZL", ZL, "(n_y, m)")
    AL = check.matrix("AL", AL, f"{ZL.shape}")
    if AL.shape != ZL.shape:
        raise ValueError(f"AL: expected the shape of ZL {ZL.shape}, got {AL.shape}")
    check.same_dtype(ZL=ZL, AL=AL)
    Yf = check.targets(Y, AL.shape[0], AL.shape[1], name, AL.dtype)
    dZ: Array = check.finite_result("output_delta", _output_delta, AL, Yf, ZL, act, name,
                                    bool(fuse))
    return dZ


def _hidden_delta(dA: Array, cache: Mapping[str, Array], g: Activation | CustomActivation,
                  key: _Keys) -> Array:
    """dZ[l] (or dZ_tilde[l], for a normalised layer) of hidden layer l from dA[l]:
    through the dropout mask, A[l] = G[l] * D[l], then dZ = dG * g'(Z)."""
    D = cache.get(key.D)
    if D is not None:
        dA = dA * D
    G = cache.get(key.G, cache[key.A])
    return g["backward"](dA, cache.get(key.Ztilde, cache[key.Z]), G)


def _backward(
    AL: Array,
    Y: Array,
    cache: Mapping[str, Array],
    params: Mapping[str, Array],
    activations: Sequence[ActivationSpec],
    loss: str,
    lambd: float = 0.0,
    fuse: bool = True,
    sample_weight: Array | None = None,
    intermediates: bool = False,
    step: float | None = None,
) -> Grads:
    """Unchecked backward pass (canonical names; sample weights, if any, of shape (1, m)).

    With ``step`` = alpha it returns alpha times the gradients, the steps of gradient descent
    ("dW1": alpha dW[1], ...), which ``train`` subtracts from the params. The chain rule is linear
    in dZ[L], so dZ[L] is multiplied by alpha/m once and every dZ[l], dW[l], db[l] below it comes
    out already scaled: one pass over the small dZ[L] instead of two over every parameter (dW by
    1/m here, then alpha dW in the update). Not with ``intermediates``, which are the course's.
    """
    L = len(activations)
    m = AL.shape[1]
    grads: dict[str, Array] = {}
    # The output layer is never masked, normalised or skipped: cache["AL"] = g(Z[L]).
    dZ = _output_delta(AL, Y, cache[_keys(L).Z], activations[L - 1], loss, fuse)
    if sample_weight is not None:
        # J = sum_i w_i L(i) / sum_i w_i: example i's dZ is weighted by m w_i / sum_i w_i (the
        # 1/m of the plain mean is applied in dW and db, as always).
        dZ = dZ * (sample_weight * (m / sample_weight.sum()))
    c = 1.0 / m  # dW[l] = c dZ[l] A[l-1]^T, db[l] = c sum_i dZ[l](i)
    if step is not None:
        dZ *= number(step / m, dZ.dtype)  # in place: every form of dZ[L] above is new
        c = 1.0
    l2 = lambd / m if step is None else step * lambd / m  # d/dW (lambda / 2m) ||W||^2 (x alpha)
    dA = dZ  # from l = L - 1 on: dA[l], the gradient arriving at layer l's output
    for l in range(L, 0, -1):
        g, residual = lookup(activations[l - 1])
        key = _keys(l)
        if l < L:
            dZ = _hidden_delta(dA, cache, g, key)
            if key.gamma in params:
                dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = normalization.layer_backward(
                    dZ, cache, params, l, c)
        W = params[key.W]
        dW, db = weight_gradients(dZ, cache[key.A_prev], c)
        if lambd:
            dW = dW + l2 * W
        grads[key.dW] = dW
        if key.b in params:
            grads[key.db] = db
        if intermediates:  # the course's grads["dA" + str(l - 1)] and dZ, for printing
            grads[f"dZ{l}"] = dZ
        if l > 1 or intermediates:
            dA_prev = W.T.dot(dZ)
            dA = dA_prev + dA if residual else dA_prev  # A[l] = g(Z[l]) + A[l-1]
            if intermediates:
                grads[f"dA{l - 1}"] = dA
    return grads


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
) -> Grads:
    """Backpropagation: the gradients of J with respect to every W[l] and b[l].

    dZ[L] = A[L] - Y (fused output) or g[L]'(Z[L]) * dA[L]; then for l = L..1
    dW[l] = (1/m) dZ[l] A[l-1]^T + (lambd/m) W[l],  db[l] = (1/m) sum_i dZ[l](i),
    dZ[l-1] = (W[l]^T dZ[l]) * D[l-1] * g[l-1]'(Z[l-1])   (D: the dropout mask, if any).

    Args:
        AL: A[L] from ``forward``, (n_y, m).
        Y: targets, (n_y, m).
        cache: the cache ``forward`` returned with AL.
        params, activations, loss: as given to ``forward`` and ``compute_cost``.
        lambd: L2 strength lambda (the biases are not regularised).
        fuse: use dZ[L] = A[L] - Y where it holds (True), or the general chain rule (False).
        sample_weight: w of shape (m,) or (1, m), for J = sum_i w_i L(i) / sum_i w_i.
        intermediates: also hand back dZ[l] ("dZ1".."dZL", for a normalised layer the dZ of
            its linear step) and dA[l] ("dA0".."dA{L-1}"), as the course's L_model_backward
            keeps them; both are m dJ/dZ and m dJ/dA, as the course's are (its dW carries 1/m).

    Returns:
        {"dW1", "db1", ..., "dWL", "dbL"}, each shaped as its parameter; read-only.
    """
    L = check.params(params)
    acts = check.activations(activations, L, params)
    name = check.loss_for(loss, acts[-1])
    n_y = params[f"W{L}"].shape[0]
    AL = check.matrix("AL", AL, f"({n_y}, m)")
    Yf = check.targets(Y, n_y, AL.shape[1], name, AL.dtype)
    check.cache(cache, L, AL)
    lam = check.nonnegative_float("lambd", lambd)
    w = None if sample_weight is None else check.sample_weight(sample_weight, AL.shape[1],
                                                                AL.dtype)
    if not isinstance(intermediates, (bool, np.bool_)):
        raise TypeError(f"intermediates: expected True or False, got "
                        f"{check.describe(intermediates)}")
    with np.errstate(all="ignore"):  # overflow is detected below and reported, not warned
        grads = _backward(AL, Yf, cache, params, acts, name, lam, fuse, w, bool(intermediates))
    bad = [k for k, g in grads.items() if not np.isfinite(g).all()]
    if bad:
        raise ValueError(f"params: the gradients overflowed ({', '.join(sorted(bad))} hold NaN "
                         f"or inf); the weights or inputs are too large (scale X, shrink the "
                         f"weights, or clip the gradients in train)")
    return frozen_dict(grads)


def compute_cost(AL: Array, Y: Array, loss: str, *, lambd: float = 0.0,
                 params: Mapping[str, Array] | None = None,
                 sample_weight: Array | None = None) -> float:
    """J = (1/m) sum_{i=1}^{m} L(a(i), y(i)) for the named loss (see ``mlp_fn.losses``),

    + (lambda / 2m) sum_l ||W[l]||_F^2 with ``lambd`` and the ``params`` (the course's
    compute_cost_with_regularization); with ``sample_weight`` w the mean becomes the weighted
    mean sum_i w_i L(i) / sum_i w_i.

    Args:
        AL: A[L], (n_y, m).
        Y: targets, (n_y, m): {0, 1} for bce, one-hot for cce, real for mse/half_mse.
        loss: 'bce', 'cce', 'mse', 'half_mse' (or an alias).
        lambd: L2 strength lambda (needs ``params``).
        params: the network's params, for the L2 term.
        sample_weight: w of shape (m,) or (1, m), w_i >= 0, sum > 0.
    """
    name = canonical_loss(loss)
    AL = check.matrix("AL", AL, "(n_y, m)")
    if AL.shape[1] == 0:
        raise ValueError("AL: expected at least one example (m >= 1), got m = 0")
    Yf = check.targets(Y, AL.shape[0], AL.shape[1], name, AL.dtype)
    lam = check.nonnegative_float("lambd", lambd)
    w = None if sample_weight is None else check.sample_weight(sample_weight, AL.shape[1],
                                                                AL.dtype)
    penalty = 0.0
    if lam:
        if params is None:
            raise ValueError("params: the L2 term (lambd > 0) is computed from the weights; "
                             "pass params=...")
        penalty = l2_penalty(params, lam, AL.shape[1])
    with np.errstate(all="ignore"):
        J = cost_of(AL, Yf, name, w) + penalty
    if not np.isfinite(J):
        raise ValueError(f"AL: the cost overflowed to {J} for these values")
    return J


def _l2_penalty(params: Mapping[str, Any], lambd: float, m: int) -> float:
    if not lambd:
        return 0.0
    total = sum(float(np.vdot(W, W)) for k, W in params.items() if k.startswith("W"))
    return lambd / (2 * m) * total


def l2_penalty(params: Mapping[str, Any], lambd: float, m: int) -> float:
    """The L2 term added to the cost: (lambda / 2m) sum_l ||W[l]||_F^2 (biases excluded)."""
    check.params(params)
    lam = check.nonnegative_float("lambd", lambd)
    m = check.positive_int("m", m, maximum=2**53)  # an exact float
    with np.errstate(over="ignore"):
        penalty = _l2_penalty(params, lam, m)
    if not np.isfinite(penalty):
        raise ValueError("params: the L2 penalty overflowed; the weights are too large to square")
    return penalty
