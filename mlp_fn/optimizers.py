"""Optimizers as pure pairs: ``<name>_init(params) -> state`` and
``<name>_step(params, grads, state, *, learning_rate, ...) -> (new_params, new_state)``.

They work on any dict of arrays: a network's {"W1", "b1", ...} with gradients {"dW1", "db1", ...},
or {"theta": array([x, y])} with {"dtheta": ...}. The gradient of ``params[k]`` is ``grads["d" + k]``.

The state is a plain dict: ``{"step": t, "slots": {"v": {"W1": ..., ...}, ...}}``, where ``step``
counts the updates made so far and each slot holds one running quantity per parameter. Nothing is
modified in place; every array handed back is read-only.

Below, g is a gradient, lr the learning rate and t the step count after this update (t >= 1).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias, TypedDict

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.arrays import NUMPY, Backend, all_finite, backend, hand_back_dict
from mlp_fn._internal.names import resolve
from mlp_fn._internal.types import Array, Namespace, Params
from mlp_fn.network import describe, trainable

__all__ = ["OptState", "OPTIMIZERS", "OPTIMIZER_ALIASES", "SLOTS", "HYPER_RANGES", "RULES",
           "gd_rule", "momentum_rule", "momentum_ema_rule", "nesterov_rule", "rmsprop_rule",
           "adam_rule", "adamw_rule", "apply_rule", "gd_init", "gd_step", "momentum_init",
           "momentum_step", "momentum_ema_init", "momentum_ema_step", "nesterov_init",
           "nesterov_step", "rmsprop_init", "rmsprop_step", "adam_init", "adam_step",
           "adamw_init", "adamw_step", "adam_bias_corrected", "update", "canonical_optimizer",
           "get_optimizer", "optimizer_options", "check_state", "check_hyper",
           "check_params_and_grads", "frozen_state", "clipped", "global_norm",
           "clip_by_global_norm"]


class OptState(TypedDict):
    """Optimizer state: the update count and the running quantities ("slots")."""

    step: int
    slots: dict[str, dict[str, Array]]


InitFn: TypeAlias = Callable[[Mapping[str, Array]], OptState]
StepFn: TypeAlias = Callable[..., tuple[Params, OptState]]


def _state(params: Mapping[str, Array], *names: str) -> OptState:
    """Step 0 with every slot at zero (read-only zeros shaped as the params, in their library
    and on their device)."""
    b = backend(params=params)
    params = check.array_dict("params", params)
    return {
        "step": 0,
        "slots": {s: hand_back_dict({k: b.xp.zeros_like(p) for k, p in params.items()}, b)
                  for s in names},
    }


def frozen_state(state: OptState, b: Backend = NUMPY, given: Iterable[Array] = ()) -> OptState:
    """The same state as public functions hand it back: on NumPy every slot array read-only
    (views: nothing is copied), elsewhere none of them one of the ``given`` arrays."""
    given = list(given)
    return {"step": state["step"],
            "slots": {s: hand_back_dict(v, b, given) for s, v in state["slots"].items()}}


#: The slots each optimizer keeps (the names in its state), for checking a state handed in.
SLOTS: dict[str, tuple[str, ...]] = {"gd": (), "momentum": ("v",), "momentum_ema": ("v",),
                                     "nesterov": ("v",), "rmsprop": ("s",), "adam": ("m", "v"),
                                     "adamw": ("m", "v")}

#: Where each hyper-parameter may lie: "fraction" is [0, 1), "positive" (0, inf),
#: "nonnegative" [0, inf). A beta of 1.5 would make the running averages grow without bound.
HYPER_RANGES: dict[str, str] = {"learning_rate": "positive", "beta": "fraction",
                                "beta1": "fraction", "beta2": "fraction", "rho": "fraction",
                                "eps": "nonnegative", "weight_decay": "nonnegative"}


def check_hyper(name: str, value: Any) -> float:
    """One hyper-parameter, in its range (``HYPER_RANGES``)."""
    kind = HYPER_RANGES.get(name)
    if kind == "fraction":
        return check.fraction(name, value)
    if kind == "nonnegative":
        return check.nonnegative_float(name, value)
    return check.positive_float(name, value)


def check_params_and_grads(params: Any, grads: Any) -> tuple[dict[str, Array], dict[str, Array]]:
    """Params: any dict of finite float arrays; grads: 'd' + key for each, same shape and dtype."""
    p = check.array_dict("params", params)
    if not p:
        raise ValueError("params: expected at least one array, got an empty dict")
    return p, check.array_dict("grads", grads, like=p, prefix="d")


def check_state(optimizer: str, state: Any, params: Mapping[str, Array]) -> OptState:
    """A state of the named optimizer for these params: {"step": t >= 0, "slots": {...}} with
    each slot an array per parameter, of its shape and dtype."""
    if not isinstance(state, Mapping) or set(state) != {"step", "slots"}:
        raise TypeError(f"state: expected {{'step': t, 'slots': {{...}}}} as {optimizer}_init "
                        f"returns, got {check.describe(state)}")
    step = check.positive_int("state['step']", state["step"], minimum=0)
    slots = state["slots"]
    if not isinstance(slots, Mapping) or set(slots) != set(SLOTS[optimizer]):
        raise ValueError(f"state['slots']: {optimizer} keeps the slots {list(SLOTS[optimizer])}, "
                         f"got {check.describe(slots)}")
    return {"step": step,
            "slots": {s: check.array_dict(f"state['slots'][{s!r}]", slots[s], like=params)
                      for s in SLOTS[optimizer]}}


# ----------------------------------------------------------------------------------------------
# The rules, one parameter array at a time: rule(theta, g, t, *slots, **hyper) -> (theta, slots)
# ----------------------------------------------------------------------------------------------

def gd_rule(theta: Array, g: Array, t: int | Array, *, xp: Namespace = np,
            learning_rate: float | Array = 0.01) -> tuple[Array, tuple[Array, ...]]:
    """Gradient descent: theta = theta - lr * g."""
    return theta - learning_rate * g, ()


def momentum_rule(theta: Array, g: Array, t: int | Array, v: Array, *, xp: Namespace = np,
                  learning_rate: float | Array = 0.01,
                  beta: float = 0.9) -> tuple[Array, tuple[Array, ...]]:
    """Momentum as in the chapter's listing (Polyak's heavy ball):

    v = beta * v - lr * g,   theta = theta + v.

    The course writes v = beta * v + (1 - beta) * g, theta = theta - lr * v (``momentum_ema``).
    With a constant learning rate the two are the same method: the listing's velocity is -lr times
    the course's, and the listing at rate lr * (1 - beta) follows exactly the course at rate lr.
    """
    v = beta * v - learning_rate * g
    return theta + v, (v,)


def momentum_ema_rule(theta: Array, g: Array, t: int | Array, v: Array, *, xp: Namespace = np,
                      learning_rate: float | Array = 0.01,
                      beta: float = 0.9) -> tuple[Array, tuple[Array, ...]]:
    """Momentum in the course's form (an exponentially weighted average of the gradients):

    v = beta * v + (1 - beta) * g,   theta = theta - lr * v.
    """
    v = beta * v + (1.0 - beta) * g
    return theta - learning_rate * v, (v,)


def nesterov_rule(theta: Array, g: Array, t: int | Array, v: Array, *, xp: Namespace = np,
                  learning_rate: float | Array = 0.01,
                  beta: float = 0.9) -> tuple[Array, tuple[Array, ...]]:
    """Nesterov accelerated gradient (Sutskever et al., 2013), in the form that needs only the
    gradient g at the current theta (the look-ahead is folded into the update):

    v = beta * v - lr * g,   theta = theta + beta * v - lr * g.
    """
    v = beta * v - learning_rate * g
    return theta + beta * v - learning_rate * g, (v,)


def rmsprop_rule(theta: Array, g: Array, t: int | Array, s: Array, *, xp: Namespace = np,
                 learning_rate: float | Array = 0.001,
                 rho: float = 0.9, eps: float = 1e-8) -> tuple[Array, tuple[Array, ...]]:
    """RMSProp (Hinton, lecture 6e):

    s = rho * s + (1 - rho) * g^2,   theta = theta - lr * g / (sqrt(s) + eps).
    """
    s = rho * s + (1.0 - rho) * (g * g)
    return theta - learning_rate * g / (xp.sqrt(s) + eps), (s,)


def adam_rule(theta: Array, g: Array, t: int | Array, m: Array, v: Array, *,
              xp: Namespace = np, learning_rate: float | Array = 0.001, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8) -> tuple[Array, tuple[Array, ...]]:
    """Adam, Algorithm 1 of Kingma and Ba (2015), with the chapter's names (the course's in
    brackets: its v is the first moment, its s the second; see ``adam_init``):

    t = t + 1
    m = beta1 * m + (1 - beta1) * g,         v = beta2 * v + (1 - beta2) * g^2     [v, s]
    m_hat = m / (1 - beta1^t),               v_hat = v / (1 - beta2^t)             [v_corrected,
                                                                                 s_corrected]
    theta = theta - lr * m_hat / (sqrt(v_hat) + eps)

    Defaults lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8. On the first step
    m_hat = g and v_hat = g^2, so every coordinate moves by lr * |g| / (|g| + eps) ~ lr.
    """
    m = beta1 * m + (1.0 - beta1) * g            # m_t = b1 m_{t-1} + (1 - b1) g_t
    v = beta2 * v + (1.0 - beta2) * (g * g)      # v_t = b2 v_{t-1} + (1 - b2) g_t^2
    m_hat = m / (1.0 - beta1**t)                 # bias corrections
    v_hat = v / (1.0 - beta2**t)
    return theta - learning_rate * (m_hat / (xp.sqrt(v_hat) + eps)), (m, v)


def adamw_rule(theta: Array, g: Array, t: int | Array, m: Array, v: Array, *,
               xp: Namespace = np, learning_rate: float | Array = 0.001, beta1: float = 0.9,
               beta2: float = 0.999, eps: float = 1e-8,
               weight_decay: float = 0.01) -> tuple[Array, tuple[Array, ...]]:
    """AdamW, Adam with decoupled weight decay (Loshchilov and Hutter, 2019, Algorithm 2):

    theta = theta - lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * theta)

    with m, v, m_hat, v_hat as in ``adam_rule``. The decay acts on every entry of the dict (biases
    too), as in the paper; it is not added to g, so it is not rescaled by v_hat as L2 would be.
    """
    stepped, moments = adam_rule(theta, g, t, m, v, xp=xp, learning_rate=learning_rate,
                                 beta1=beta1, beta2=beta2, eps=eps)  # theta - lr m_hat / ...
    return stepped - learning_rate * weight_decay * theta, moments  # - lr weight_decay theta


#: name -> the optimizer's rule for one array; its slots are ``SLOTS[name]``.
RULES: dict[str, Callable[..., tuple[Array, tuple[Array, ...]]]] = {
    "gd": gd_rule, "momentum": momentum_rule, "momentum_ema": momentum_ema_rule,
    "nesterov": nesterov_rule, "rmsprop": rmsprop_rule, "adam": adam_rule, "adamw": adamw_rule}


def apply_rule(optimizer: str, params: Mapping[str, Array], grads: Mapping[str, Array],
               state: OptState, hyper: Mapping[str, float | Array],
               xp: Namespace = np) -> tuple[Params, OptState]:
    """One step of the named optimizer over every array of ``params`` (unchecked): its rule
    applied to each theta with its gradient grads["d" + key] and its slots, t = step + 1, in
    the namespace xp of the arrays."""
    rule, slots = RULES[optimizer], SLOTS[optimizer]
    t = state["step"] + 1
    new: dict[str, Array] = {}
    new_slots: dict[str, dict[str, Array]] = {s: {} for s in slots}
    for k, theta in params.items():
        old = [state["slots"][s][k] for s in slots]
        new[k], values = rule(theta, grads["d" + k], t, *old, xp=xp, **hyper)
        for s, value in zip(slots, values):
            new_slots[s][k] = value
    return new, {"step": t, "slots": new_slots}


def _slots_of(state: Any) -> Any:
    """The slot arrays of a state, for finding their library (None when it is malformed: the
    state's own check names what is wrong)."""
    if isinstance(state, Mapping) and isinstance(state.get("slots"), Mapping):
        return {s: v for s, v in state["slots"].items() if isinstance(v, Mapping)}
    return None


def _init(optimizer: str) -> InitFn:
    slots = SLOTS[optimizer]

    def init(params: Mapping[str, Array]) -> OptState:
        return _state(params, *slots)

    init.__name__ = init.__qualname__ = f"{optimizer}_init"
    init.__doc__ = (f"The state of {optimizer} before its first step: t = 0"
                    + (f" and the slots {', '.join(slots)} at zero, one array per parameter."
                       if slots else "; plain gradient descent keeps no running quantities."))
    return init


def _public(optimizer: str) -> StepFn:
    """The public step of an optimizer: checks params, grads, state and hyper-parameters, applies
    its rule, refuses a step that overflowed, and hands back read-only arrays."""
    rule = RULES[optimizer]

    def step(params: Mapping[str, Array], grads: Mapping[str, Array], state: OptState,
             **hyper: float) -> tuple[Params, OptState]:
        b = backend(params=params, grads=grads, state=_slots_of(state))
        p, g = check_params_and_grads(params, grads)
        st = check_state(optimizer, state, p)
        h = optimizer_options(optimizer, hyper, allow_learning_rate=True)
        with np.errstate(all="ignore"):
            new, new_state = apply_rule(optimizer, p, g, st, h, b.xp)
        arrays = [*new.values(), *(a for slot in new_state["slots"].values()
                                   for a in slot.values())]
        if not all(all_finite(a, b.xp) for a in arrays):
            raise ValueError(f"{optimizer}_step: the update overflowed (NaN or inf in the new "
                             f"params or state); lower learning_rate or clip the gradients")
        given = [*p.values(), *g.values()]
        return hand_back_dict(new, b, given), frozen_state(new_state, b, given)

    step.__name__ = step.__qualname__ = f"{optimizer}_step"
    step.__doc__ = (f"One step of {optimizer} on every array of ``params`` (gradient "
                    f"grads['d' + key]), from ``state``; returns the new read-only params and "
                    f"state. The rule for one array, theta:\n\n{inspect.getdoc(rule)}")
    hyper_params = [p for p in inspect.signature(rule).parameters.values()
                    if p.kind is p.KEYWORD_ONLY and p.name != "xp"]
    fixed = list(inspect.signature(step).parameters.values())[:3]
    step.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        fixed + hyper_params, return_annotation=inspect.signature(step).return_annotation)
    return step


gd_init, gd_step = _init("gd"), _public("gd")
momentum_init, momentum_step = _init("momentum"), _public("momentum")
momentum_ema_init, momentum_ema_step = _init("momentum_ema"), _public("momentum_ema")
nesterov_init, nesterov_step = _init("nesterov"), _public("nesterov")
rmsprop_init, rmsprop_step = _init("rmsprop"), _public("rmsprop")
adam_init, adam_step = _init("adam"), _public("adam")
adamw_init, adamw_step = _init("adamw"), _public("adamw")
adam_init.__doc__ = """First moment m = 0, second moment v = 0, t = 0: {"step": t, "slots": {"m": ..., "v": ...}}.

    Names: "m" and "v" are the chapter's (003) and Kingma and Ba's: m the first moment (the
    average gradient), v the second (the average squared gradient). The deeplearning.ai course
    (initialize_adam) calls the first moment v and the second s: the course's v is this m, the
    course's s is this v. t, the course's adam counter, is ``state["step"]``.
    """

#: name -> (init, step), for ``train(optimizer=name)``.
OPTIMIZERS: dict[str, tuple[InitFn, StepFn]] = {
    "gd": (gd_init, gd_step),
    "momentum": (momentum_init, momentum_step),
    "momentum_ema": (momentum_ema_init, momentum_ema_step),
    "nesterov": (nesterov_init, nesterov_step),
    "rmsprop": (rmsprop_init, rmsprop_step),
    "adam": (adam_init, adam_step),
    "adamw": (adamw_init, adamw_step),
}


def adam_bias_corrected(state: OptState, *, beta1: float = 0.9,
                        beta2: float = 0.999) -> tuple[dict[str, Array], dict[str, Array]]:
    """The bias-corrected moments of an Adam state after t = state["step"] >= 1 updates:

    m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)

    (the course's v_corrected and s_corrected). Returns (m_hat, v_hat), keyed like the params.
    """
    if not isinstance(state, Mapping) or set(state) != {"step", "slots"} or \
            not isinstance(state["slots"], Mapping) or set(state["slots"]) != {"m", "v"}:
        raise TypeError(f"state: expected an Adam state {{'step': t, 'slots': {{'m', 'v'}}}}, got "
                        f"{check.describe(state)}")
    t = check.positive_int("state['step']", state["step"], minimum=1)
    b1, b2 = check.fraction("beta1", beta1), check.fraction("beta2", beta2)
    m = check.array_dict("state['slots']['m']", state["slots"]["m"])
    v = check.array_dict("state['slots']['v']", state["slots"]["v"], like=m)
    c1, c2 = 1.0 - b1**t, 1.0 - b2**t  # > 0: beta < 1 and t >= 1
    be = backend(m=m, v=v)
    return (hand_back_dict({k: a / c1 for k, a in m.items()}, be),
            hand_back_dict({k: a / c2 for k, a in v.items()}, be))


#: Other names for the same rules: 'sgd' is what most libraries call plain gradient descent.
OPTIMIZER_ALIASES: dict[str, str] = {"sgd": "gd", "gradient_descent": "gd"}


def canonical_optimizer(name: str) -> str:
    """The registry name for ``name`` (aliases, case and separators resolved); ValueError
    listing the valid names."""
    return resolve("optimizer", name, OPTIMIZERS, OPTIMIZER_ALIASES)


def get_optimizer(name: str) -> tuple[InitFn, StepFn]:
    """The (init, step) pair for ``name``; ValueError listing the valid names."""
    return OPTIMIZERS[canonical_optimizer(name)]


def _scaled_norm(grads: Mapping[str, Array], xp: Namespace) -> tuple[Array, Array]:
    """(s, r) with ||g||_2 = s * r, as 0-d arrays: s = max |g|, r = ||g / s||_2 (0 and 0 when
    every gradient is 0). Squaring g / s, whose entries are at most 1, cannot overflow, where
    squaring a gradient of 1e200 would."""
    s = functools.reduce(xp.maximum, [xp.max(xp.abs(g)) for g in grads.values()
                                      if math.prod(g.shape)])
    unit = xp.where(s > 0, s, xp.ones_like(s))  # s itself, or 1 where all are 0 (then r = 0)
    r = xp.sqrt(sum(xp.sum((g / unit) * (g / unit)) for g in grads.values()))
    return s, r


def clipped(grads: Mapping[str, Array], max_norm: float, xp: Namespace = np) -> dict[str, Array]:
    """g * min(1, max_norm / ||g||), unchecked (``clip_by_global_norm`` checks first). No branch:
    the factor is 1 where the norm is within ``max_norm`` (and where it is 0, max_norm / 0 = inf),
    so the same lines run compiled."""
    s, r = _scaled_norm(grads, xp)
    factor = xp.clip((max_norm / s) / r, max=1.0)  # = max_norm / ||g||, finite where ||g|| is not
    return {k: g * factor for k, g in grads.items()}


def global_norm(grads: Mapping[str, Array]) -> float:
    """||g||_2 over all arrays together: sqrt(sum_k sum(g_k^2)), computed as s ||g / s||_2 with
    s = max |g| so that no square overflows."""
    xp = backend(grads=grads).xp
    g = check.array_dict("grads", grads)
    if not any(math.prod(a.shape) for a in g.values()):
        return 0.0
    s, r = (float(v) for v in _scaled_norm(g, xp))
    if not math.isfinite(s * r):
        raise ValueError(f"grads: the global norm exceeds the largest float ({s:.3g} * {r:.3g})")
    return s * r


def clip_by_global_norm(grads: Mapping[str, Array], max_norm: float) -> dict[str, Array]:
    """g = g * min(1, max_norm / ||g||): all gradients scaled by one factor (Pascanu et al., 2013),
    so the direction is kept and only the step length is capped at ``max_norm``."""
    b = backend(grads=grads)
    g = check.array_dict("grads", grads)
    limit = check.positive_float("max_norm", max_norm)
    if not any(math.prod(a.shape) for a in g.values()):
        return hand_back_dict(g, b, g.values())
    # a zero norm, or a max_norm so large that max_norm / s overflows, gives the factor 1
    with np.errstate(under="ignore", divide="ignore", over="ignore"):
        return hand_back_dict(clipped(g, limit, b.xp), b, g.values())


def optimizer_options(name: str, options: Any, *,
                      allow_learning_rate: bool = False) -> dict[str, float]:
    """Check that ``options`` are hyper-parameters the named optimizer's step accepts, each in
    its range (``HYPER_RANGES``)."""
    name = canonical_optimizer(name)
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise TypeError(f"optimizer_options: expected a dict of hyper-parameters, e.g. "
                        f"{{'beta1': 0.9}}, got {check.describe(options)}")
    accepted = [p.name for p in inspect.signature(RULES[name]).parameters.values()
                if p.kind is p.KEYWORD_ONLY and p.name != "xp"
                and (allow_learning_rate or p.name != "learning_rate")]
    out: dict[str, float] = {}
    for key, value in options.items():
        if key not in accepted:
            raise ValueError(f"optimizer_options: {name!r} takes {accepted}, got {key!r}"[:300])
        out[key] = check_hyper(f"optimizer_options[{key!r}]" if not allow_learning_rate
                               else key, value)
    return out


def update(params: Mapping[str, Array], grads: Mapping[str, Array],
           learning_rate: float) -> Params:
    """One step of gradient descent: W[l] = W[l] - alpha dW[l],  b[l] = b[l] - alpha db[l]
    (and gamma, beta of normalised layers alike; their running statistics are kept as they are).

    ``grads`` holds a gradient for every trained parameter, as ``backward`` returns them (its
    intermediates dA, dZ, if asked for, are not used). Returns new read-only params; ``params``
    is left unchanged.

    Porting the course's in-place ``parameters["W1"] -= learning_rate * grads["dW1"]`` (or 003's
    ``W2 -= learning_rate * dW2``) onto mlp_fn's read-only arrays stops with NumPy's "output
    array is read-only". Write ``params = update(params, grads, learning_rate)`` instead, or
    ``W2 = W2 - learning_rate * dW2`` (a new array), or work on a private ``W2.copy()``.
    """
    learned = trainable(params, describe(params))
    lr = check.positive_float("learning_rate", learning_rate)
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads: expected the dict backward returns, got {check.describe(grads)}")
    needed = {"d" + k: grads["d" + k] for k in learned if "d" + k in grads}
    new, _ = gd_step(learned, check.array_dict("grads", needed, like=learned, prefix="d"),
                     gd_init(learned), learning_rate=lr)
    # running statistics (mu, sigma2) are carried over
    return hand_back_dict({**params, **new}, backend(params=params), params.values())
