"""Optimizers as pure pairs: ``<name>_init(params) -> state`` and
``<name>_step(params, grads, state, *, learning_rate, ...) -> (new_params, new_state)``.

They work on any dict of arrays: a network's {"W1", "b1", ...} with gradients {"dW1", "db1", ...},
or {"theta": array([x, y])} with {"dtheta": ...}. The gradient of ``params[k]`` is ``grads["d" + k]``.

The state is a plain dict: ``{"step": t, "slots": {"v": {"W1": ..., ...}, ...}}``, where ``step``
counts the updates made so far and each slot holds one running quantity per parameter. Nothing is
modified in place; every array handed back is read-only.

Each optimizer is one ``def <name>_step``: its recurrence for one parameter array theta, with
its gradient g, the step count t after this update (`t >= 1`), its slots and its
hyper-parameters. ``@_optimizer(slots...)`` makes it the public step over dicts (checks declared
once, there: params, grads, the state, each hyper-parameter in its range), keeps the def as
``<name>_step.rule`` and the same rule applied to every array, unchecked, as
``<name>_step.unchecked`` (what ``train`` calls). ``<name>_init`` is a def beside it, and
``OPTIMIZERS`` lists the pairs: adding an optimizer is those two defs and one entry.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeAlias, TypedDict

import numpy as np

from mlp_fn._internal import checks as check
from mlp_fn._internal.arrays import NUMPY, Backend, backend, hand_back_dict
from mlp_fn._internal.boundary import Checked, by, checked
from mlp_fn._internal.names import resolve
from mlp_fn._internal.types import Array, Namespace, Params
from mlp_fn.network import architecture, _trainable

__all__ = ["gd_init", "gd_step", "momentum_init", "momentum_step", "momentum_ema_init",
           "momentum_ema_step", "nesterov_init", "nesterov_step", "rmsprop_init", "rmsprop_step",
           "adam_init", "adam_step", "adamw_init", "adamw_step", "adam_bias_corrected", "update",
           "canonical_optimizer", "global_norm", "clip_by_global_norm", "OptState", "OPTIMIZERS",
           "OPTIMIZER_ALIASES"]


class OptState(TypedDict):
    """Optimizer state: the update count and the running quantities ("slots")."""

    step: int
    slots: dict[str, dict[str, Array]]


_Rule: TypeAlias = Callable[..., tuple[Array, tuple[Array, ...]]]
_InitFn: TypeAlias = Checked[OptState, OptState]  # <name>_init: params -> its state at t = 0


class _Step(Protocol):
    """A public optimizer step: called, it checks and steps every array; ``unchecked`` does the
    same without checks (in the namespace ``xp``); ``rule`` is its def, for one array; ``slots``
    the running quantities its state keeps."""

    __name__: str
    rule: _Rule
    slots: tuple[str, ...]

    def __call__(self, params: Mapping[str, Array], grads: Mapping[str, Array],
                 state: Mapping[str, Any], **hyper: Any) -> tuple[Params, OptState]: ...

    def unchecked(self, params: Mapping[str, Array], grads: Mapping[str, Array],
                  state: OptState, *, xp: Namespace = ..., **hyper: Any
                  ) -> tuple[Params, OptState]: ...


#: Where each hyper-parameter may lie: "fraction" is [0, 1), "positive" (0, inf),
#: "nonnegative" [0, inf). A beta of 1.5 would make the running averages grow without bound.
_RANGES: dict[str, Callable[[str, Any], float]] = {
    "learning_rate": check.step_rate, "beta": check.fraction, "beta1": check.fraction,
    "beta2": check.fraction, "rho": check.fraction, "eps": check.nonnegative_float,
    "weight_decay": check.nonnegative_float}


def _hyper_parameters(rule: _Rule, *, learning_rate: bool = True) -> list[str]:
    """The names of a rule's hyper-parameters (its keyword-only arguments but xp)."""
    return [p.name for p in inspect.signature(rule).parameters.values()
            if p.kind is p.KEYWORD_ONLY and p.name != "xp"
            and (learning_rate or p.name != "learning_rate")]


def _frozen_state(state: OptState, b: Backend = NUMPY, given: Iterable[Array] = ()) -> OptState:
    """The same state as public functions hand it back: on NumPy every slot array read-only
    (views: nothing is copied), elsewhere none of them one of the ``given`` arrays."""
    given = list(given)
    return {"step": state["step"],
            "slots": {s: hand_back_dict(v, b, given) for s, v in state["slots"].items()}}


def _check_state(name: str, state: Any, params: Mapping[str, Array],
                 label: str = "state") -> OptState:
    """A state of the optimizer ``name`` for these params: {"step": t >= 0, "slots": {...}}
    with each slot an array per parameter, of its shape and dtype; ``label`` is the argument
    that holds it (``train``'s is ``opt_state``)."""
    slots = OPTIMIZERS[name][1].slots
    if not isinstance(state, Mapping) or set(state) != {"step", "slots"}:
        raise TypeError(f"{label}: expected {{'step': t, 'slots': {{...}}}} as {name}_init "
                        f"returns, got {check.what(state)}")
    step = check.positive_int(f"{label}['step']", state["step"], minimum=0)
    given = state["slots"]
    if not isinstance(given, Mapping) or set(given) != set(slots):
        got = check.what(given)
        if isinstance(given, Mapping):  # their names say more than their values
            keys = sorted(map(str, given))
            owners = [n for n, (_, step_fn) in OPTIMIZERS.items() if sorted(step_fn.slots) == keys]
            got = f"the slots {keys}" + (f" ({' or '.join(owners)} keeps them: the state of "
                                         f"another optimizer?)" if owners else "")
        raise ValueError(f"{label}['slots']: {name} keeps the slots {list(slots)}, got {got}")
    return {"step": step,
            "slots": {s: check.array_dict(f"{label}['slots'][{s!r}]", given[s], like=params)
                      for s in slots}}


def _slots_of(state: Any) -> Any:
    """The slot arrays of a state, for finding their library (None when it is malformed: the
    state's own check names what is wrong)."""
    if isinstance(state, Mapping) and isinstance(state.get("slots"), Mapping):
        return {s: v for s, v in state["slots"].items() if isinstance(v, Mapping)}
    return None


def _params(name: str, params: Any, seen: dict[str, Any]) -> dict[str, Array]:
    """Any non-empty dict of finite float arrays, of one library and device with the grads and
    the state."""
    backend(params=params, grads=seen["grads"], state=_slots_of(seen["state"]))
    p = check.array_dict(name, params)
    if not p:
        raise ValueError(f"{name}: expected at least one array, got an empty dict")
    return p


def _grads(name: str, grads: Any, seen: dict[str, Any]) -> dict[str, Array]:
    """grads["d" + key] for every key of params, each of its shape and dtype."""
    return check.array_dict(name, grads, like=seen["params"], prefix="d")


def _state_of(optimizer_name: str) -> Any:
    return lambda name, state, seen: _check_state(optimizer_name, state, seen["params"])


def _hyper_of(optimizer_name: str) -> Any:
    return lambda name, hyper, seen: _check_options(optimizer_name, hyper,
                                                    allow_learning_rate=True)


def _optimizer(*slots: str) -> Callable[[_Rule], _Step]:
    """Declare an optimizer by its def for one array, ``<name>_step(theta, g, t, *slots, *,
    xp, **hyper) -> (theta, slots)``: the name then holds the public step over dicts, whose
    checks are declared as every course function's are (``@checked``: params, grads, the state
    and each hyper-parameter in its range); it applies the rule to every array, refuses a step
    that overflowed and hands back read-only arrays."""

    def decorate(rule: _Rule) -> _Step:
        name = rule.__name__.removesuffix("_step")
        hyper_names = _hyper_parameters(rule)

        @checked(params=_params, grads=_grads, state=_state_of(name), hyper=_hyper_of(name),
                 overflow=f"{name}_step: the update overflowed (NaN or inf in the new params "
                          f"or state); lower learning_rate or clip the gradients")
        def step(params: Mapping[str, Array], grads: Mapping[str, Array], state: OptState, *,
                 xp: Namespace = np, **hyper: Any) -> tuple[Params, OptState]:
            t = state["step"] + 1
            new: dict[str, Array] = {}
            new_slots: dict[str, dict[str, Array]] = {s: {} for s in slots}
            for k, theta in params.items():
                old = [state["slots"][s][k] for s in slots]
                new[k], values = rule(theta, grads["d" + k], t, *old, xp=xp, **hyper)
                for s, value in zip(slots, values):
                    new_slots[s][k] = value
            return new, {"step": t, "slots": new_slots}

        own = inspect.signature(step)
        keyword = [q for q in inspect.signature(rule).parameters.values()
                   if q.name in hyper_names]
        step.__signature__ = own.replace(  # type: ignore[attr-defined]
            parameters=list(own.parameters.values())[:3] + keyword)
        step.__name__ = step.__qualname__ = rule.__name__
        step.__module__ = rule.__module__
        step.__doc__ = (f"One step of {name} on every array of ``params`` (gradient grads['d' + "
                        f"key]),\nfrom ``state``; returns the new read-only params and state. "
                        f"For one array, theta:\n\n{inspect.getdoc(rule)}")
        step.rule = rule  # type: ignore[attr-defined]
        step.slots = slots  # type: ignore[attr-defined]
        return step  # type: ignore[return-value]

    return decorate


def _zeros(params: Mapping[str, Array], xp: Namespace) -> dict[str, Array]:
    """A slot at its start: 0 for every parameter, in the parameter's shape and dtype."""
    return {k: xp.zeros_like(p) for k, p in params.items()}


# ----------------------------------------------------------------------------------------------
# The optimizers: each its step for one array, theta, and its init
# ----------------------------------------------------------------------------------------------

@_optimizer()
def gd_step(theta: Array, g: Array, t: int | Array, *, xp: Namespace = np,
            learning_rate: float | Array = 0.01) -> tuple[Array, tuple[Array, ...]]:
    """Gradient descent: `theta = theta - lr * g`.

    >>> w = {"w": np.array([1.0])}
    >>> gd_step(w, {"dw": np.array([0.5])}, gd_init(w), learning_rate=0.1)[0]["w"]
    array([0.95])
    """
    return theta - learning_rate * g, ()


@checked(params=by(check.array_dict))
def gd_init(params: Mapping[str, Array], *, xp: Namespace = np) -> OptState:
    """The state of gd before its first step: `t = 0`; plain gradient descent keeps no running
    quantities.

    >>> gd_init({"w": np.array([1.0])})
    {'step': 0, 'slots': {}}
    """
    return {"step": 0, "slots": {}}


@_optimizer("v")
def momentum_step(theta: Array, g: Array, t: int | Array, v: Array, *, xp: Namespace = np,
                  learning_rate: float | Array = 0.01,
                  beta: float = 0.9) -> tuple[Array, tuple[Array, ...]]:
    """Momentum as in the chapter's listing (Polyak's heavy ball):

    `v = beta * v - lr * g`,   `theta = theta + v`.

    The course writes `v = beta * v + (1 - beta) * g`, `theta = theta - lr * v` (``momentum_ema``).
    With a constant learning rate the two are the same method: the listing's velocity is -lr times
    the course's, and the listing at rate lr * (1 - beta) follows exactly the course at rate lr.

    >>> w = {"w": np.array([1.0])}
    >>> momentum_step(w, {"dw": np.array([0.5])}, momentum_init(w), learning_rate=0.1)[0]["w"]
    array([0.95])
    """
    v = beta * v - learning_rate * g
    return theta + v, (v,)


@checked(params=by(check.array_dict))
def momentum_init(params: Mapping[str, Array], *, xp: Namespace = np) -> OptState:
    """The state of momentum before its first step: `t = 0` and the velocity v at zero, one
    array per parameter.

    >>> momentum_init({"w": np.array([1.0])})["slots"]["v"]["w"]
    array([0.])
    """
    return {"step": 0, "slots": {"v": _zeros(params, xp)}}


@_optimizer("v")
def momentum_ema_step(theta: Array, g: Array, t: int | Array, v: Array, *, xp: Namespace = np,
                      learning_rate: float | Array = 0.01,
                      beta: float = 0.9) -> tuple[Array, tuple[Array, ...]]:
    """Momentum in the course's form (an exponentially weighted average of the gradients):

    `v = beta * v + (1 - beta) * g`,   `theta = theta - lr * v`.

    >>> w = {"w": np.array([1.0])}
    >>> momentum_ema_step(w, {"dw": np.array([0.5])}, momentum_ema_init(w),
    ...                   learning_rate=0.1)[0]["w"]  # v = 0.05
    array([0.995])
    """
    v = beta * v + (1.0 - beta) * g
    return theta - learning_rate * v, (v,)


@checked(params=by(check.array_dict))
def momentum_ema_init(params: Mapping[str, Array], *, xp: Namespace = np) -> OptState:
    """The state of momentum_ema before its first step: `t = 0` and the average v at zero, one
    array per parameter.

    >>> momentum_ema_init({"w": np.array([1.0])})["slots"]["v"]["w"]
    array([0.])
    """
    return {"step": 0, "slots": {"v": _zeros(params, xp)}}


@_optimizer("v")
def nesterov_step(theta: Array, g: Array, t: int | Array, v: Array, *, xp: Namespace = np,
                  learning_rate: float | Array = 0.01,
                  beta: float = 0.9) -> tuple[Array, tuple[Array, ...]]:
    """Nesterov accelerated gradient (Sutskever et al., 2013), in the form that needs only the
    gradient g at the current theta (the look-ahead is folded into the update):

    `v = beta * v - lr * g`,   `theta = theta + beta * v - lr * g`.

    >>> w = {"w": np.array([1.0])}
    >>> nesterov_step(w, {"dw": np.array([0.5])}, nesterov_init(w),
    ...               learning_rate=0.1)[0]["w"]  # 1 + 0.9 (-0.05) - 0.05
    array([0.905])
    """
    v = beta * v - learning_rate * g
    return theta + beta * v - learning_rate * g, (v,)


@checked(params=by(check.array_dict))
def nesterov_init(params: Mapping[str, Array], *, xp: Namespace = np) -> OptState:
    """The state of nesterov before its first step: `t = 0` and the velocity v at zero, one
    array per parameter.

    >>> nesterov_init({"w": np.array([1.0])})["slots"]["v"]["w"]
    array([0.])
    """
    return {"step": 0, "slots": {"v": _zeros(params, xp)}}


@_optimizer("s")
def rmsprop_step(theta: Array, g: Array, t: int | Array, s: Array, *, xp: Namespace = np,
                 learning_rate: float | Array = 0.001,
                 rho: float = 0.9, eps: float = 1e-8) -> tuple[Array, tuple[Array, ...]]:
    """RMSProp (Hinton, lecture 6e):

    `s = rho * s + (1 - rho) * g^2`,   `theta = theta - lr * g / (sqrt(s) + eps)`.

    >>> w = {"w": np.array([1.0])}
    >>> new, _ = rmsprop_step(w, {"dw": np.array([0.5])}, rmsprop_init(w), learning_rate=0.1)
    >>> new["w"].round(4)  # s = 0.025: 1 - 0.1 * 0.5 / 0.1581
    array([0.6838])
    """
    s = rho * s + (1.0 - rho) * (g * g)
    return theta - learning_rate * g / (xp.sqrt(s) + eps), (s,)


@checked(params=by(check.array_dict))
def rmsprop_init(params: Mapping[str, Array], *, xp: Namespace = np) -> OptState:
    """The state of rmsprop before its first step: `t = 0` and the average square s at zero,
    one array per parameter.

    >>> rmsprop_init({"w": np.array([1.0])})["slots"]["s"]["w"]
    array([0.])
    """
    return {"step": 0, "slots": {"s": _zeros(params, xp)}}


@_optimizer("m", "v")
def adam_step(theta: Array, g: Array, t: int | Array, m: Array, v: Array, *,
              xp: Namespace = np, learning_rate: float | Array = 0.001, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8) -> tuple[Array, tuple[Array, ...]]:
    """Adam, Algorithm 1 of Kingma and Ba (2015), with the chapter's names (the course calls
    the first moment m its v, the second moment v its s, and m_hat, v_hat its v_corrected,
    s_corrected; see ``adam_init``):

    `t = t + 1`
    `m = beta1 * m + (1 - beta1) * g`,         `v = beta2 * v + (1 - beta2) * g^2`
    `m_hat = m / (1 - beta1^t)`,               `v_hat = v / (1 - beta2^t)`
    `theta = theta - lr * m_hat / (sqrt(v_hat) + eps)`

    Defaults `lr = 0.001`, `beta1 = 0.9`, `beta2 = 0.999`, `eps = 1e-8`. On the first step
    `m_hat = g` and `v_hat = g^2`, so every coordinate moves by `lr * |g| / (|g| + eps) ~ lr`:

    >>> w = {"w": np.array([1.0])}
    >>> new, state = adam_step(w, {"dw": np.array([0.5])}, adam_init(w), learning_rate=0.1)
    >>> new["w"].round(6), state["step"]
    (array([0.9]), 1)
    """
    m = beta1 * m + (1.0 - beta1) * g            # m_t = b1 m_{t-1} + (1 - b1) g_t
    v = beta2 * v + (1.0 - beta2) * (g * g)      # v_t = b2 v_{t-1} + (1 - b2) g_t^2
    m_hat = m / (1.0 - beta1**t)                 # bias corrections
    v_hat = v / (1.0 - beta2**t)
    return theta - learning_rate * (m_hat / (xp.sqrt(v_hat) + eps)), (m, v)


@checked(params=by(check.array_dict))
def adam_init(params: Mapping[str, Array], *, xp: Namespace = np) -> OptState:
    """First moment `m = 0`, second moment `v = 0`, `t = 0`:
    ``{"step": t, "slots": {"m": ..., "v": ...}}``.

    Names: "m" and "v" are the chapter's (003) and Kingma and Ba's: m the first moment (the
    average gradient), v the second (the average squared gradient). The deeplearning.ai course
    (initialize_adam) calls the first moment v and the second s: the course's v is this m, the
    course's s is this v. t, the course's adam counter, is ``state["step"]``.

    >>> sorted(adam_init({"w": np.array([1.0])})["slots"])
    ['m', 'v']
    """
    return {"step": 0, "slots": {"m": _zeros(params, xp), "v": _zeros(params, xp)}}


@_optimizer("m", "v")
def adamw_step(theta: Array, g: Array, t: int | Array, m: Array, v: Array, *,
               xp: Namespace = np, learning_rate: float | Array = 0.001, beta1: float = 0.9,
               beta2: float = 0.999, eps: float = 1e-8,
               weight_decay: float = 0.01) -> tuple[Array, tuple[Array, ...]]:
    """AdamW, Adam with decoupled weight decay (Loshchilov and Hutter, 2019, Algorithm 2):

    `theta = theta - lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * theta)`

    with m, v, m_hat, v_hat as in ``adam_step``. The decay acts on every entry of the dict
    (biases too), as in the paper; it is not added to g, so it is not rescaled by v_hat as L2
    would be.

    >>> w = {"w": np.array([1.0])}
    >>> new, _ = adamw_step(w, {"dw": np.array([0.5])}, adamw_init(w), learning_rate=0.1)
    >>> new["w"].round(6)  # Adam's 0.9, less 0.1 * 0.01 * 1
    array([0.899])
    """
    stepped, moments = adam_step.rule(theta, g, t, m, v, xp=xp, learning_rate=learning_rate,
                                      beta1=beta1, beta2=beta2, eps=eps)  # Adam's step
    return stepped - learning_rate * weight_decay * theta, moments  # - lr weight_decay theta


@checked(params=by(check.array_dict))
def adamw_init(params: Mapping[str, Array], *, xp: Namespace = np) -> OptState:
    """The state of adamw before its first step: as ``adam_init``'s, `m = v = 0` and `t = 0`.

    >>> sorted(adamw_init({"w": np.array([1.0])})["slots"])
    ['m', 'v']
    """
    return {"step": 0, "slots": {"m": _zeros(params, xp), "v": _zeros(params, xp)}}


#: name -> (init, step), for ``train(optimizer=name)``: the registry of optimizers.
#:
#: :meta hide-value:
OPTIMIZERS: dict[str, tuple[_InitFn, _Step]] = {
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
    """The bias-corrected moments of an Adam state after ``t = state["step"]`` (at least 1) updates:

    `m_hat = m / (1 - beta1^t)`,   `v_hat = v / (1 - beta2^t)`

    (the course's v_corrected and s_corrected). Returns (`m_hat`, `v_hat`), keyed like the params.

    >>> w = {"w": np.array([1.0])}
    >>> _, state = adam_step(w, {"dw": np.array([0.5])}, adam_init(w))
    >>> adam_bias_corrected(state)  # after one step, m_hat = g and v_hat = g^2
    ({'w': array([0.5])}, {'w': array([0.25])})
    """
    if not isinstance(state, Mapping) or set(state) != {"step", "slots"} or \
            not isinstance(state["slots"], Mapping) or set(state["slots"]) != {"m", "v"}:
        raise TypeError(f"state: expected an Adam state {{'step': t, 'slots': {{'m', 'v'}}}}, got "
                        f"{check.what(state)}")
    t = check.positive_int("state['step']", state["step"], minimum=1)
    b1, b2 = check.fraction("beta1", beta1), check.fraction("beta2", beta2)
    m = check.array_dict("state['slots']['m']", state["slots"]["m"])
    v = check.array_dict("state['slots']['v']", state["slots"]["v"], like=m)
    c1, c2 = 1.0 - b1**t, 1.0 - b2**t  # > 0: beta < 1 and t >= 1
    be = backend(m=m, v=v)
    return (hand_back_dict({k: a / c1 for k, a in m.items()}, be),
            hand_back_dict({k: a / c2 for k, a in v.items()}, be))


#: Other names for the same rules: 'sgd' is what most libraries call plain gradient descent.
#:
#: :meta hide-value:
OPTIMIZER_ALIASES: dict[str, str] = {"sgd": "gd", "gradient_descent": "gd"}


def canonical_optimizer(name: str) -> str:
    """The registry name for ``name`` (aliases, case and separators resolved); ValueError
    listing the valid names.

    >>> canonical_optimizer("SGD"), canonical_optimizer("Adam")
    ('gd', 'adam')
    """
    return resolve("optimizer", name, OPTIMIZERS, OPTIMIZER_ALIASES)


def _scaled_norm(grads: Mapping[str, Array], xp: Namespace) -> tuple[Array, Array]:
    """(s, r) with `||g||_2 = s * r`, as 0-d arrays: `s = max |g|`, `r = ||g / s||_2` (0 and 0 when
    every gradient is 0). Squaring g / s, whose entries are at most 1, cannot overflow, where
    squaring a gradient of 1e200 would."""
    s = functools.reduce(xp.maximum, [xp.max(xp.abs(g)) for g in grads.values()
                                      if math.prod(g.shape)])
    unit = xp.where(s > 0, s, xp.ones_like(s))  # s itself, or 1 where all are 0 (then r = 0)
    r = xp.sqrt(sum(xp.sum((g / unit) * (g / unit)) for g in grads.values()))
    return s, r


def _empty(grads: Mapping[str, Array]) -> bool:
    """Whether no gradient has an entry (their norm is then 0)."""
    return not any(math.prod(g.shape) for g in grads.values())


@checked(returns="number", grads=by(check.array_dict),
         overflow="grads: the global norm exceeds the largest float")
def global_norm(grads: Mapping[str, Array], *, xp: Namespace = np) -> Array | float:
    """`||g||_2` over all arrays together, `sqrt(sum_k sum(g_k^2))`, computed as `s ||g / s||_2`
    with `s = max |g|` so that no square overflows.

    >>> global_norm({"dW1": np.array([[3.0]]), "db1": np.array([[4.0]])})
    5.0
    """
    if _empty(grads):
        return 0.0
    s, r = _scaled_norm(grads, xp)
    return s * r


@checked(grads=by(check.array_dict), max_norm=by(check.positive_float))
def clip_by_global_norm(grads: Mapping[str, Array], max_norm: float, *,
                        xp: Namespace = np) -> dict[str, Array]:
    """`g = g * min(1, max_norm / ||g||)`: all gradients scaled by one factor (Pascanu et al.,
    2013), so the direction is kept and only the step length is capped at ``max_norm``.

    No branch on a value: the factor is 1 where the norm is within ``max_norm`` (and where it is
    0, `max_norm / 0 = inf`), so the same lines run compiled.

    >>> clip_by_global_norm({"dW1": np.array([[3.0]]), "db1": np.array([[4.0]])}, 1.0)
    {'dW1': array([[0.6]]), 'db1': array([[0.8]])}
    """
    if _empty(grads):
        return dict(grads)
    s, r = _scaled_norm(grads, xp)
    factor = xp.clip((max_norm / s) / r, max=1.0)  # = max_norm / ||g||, finite where ||g|| is not
    return {k: g * factor for k, g in grads.items()}


def _check_options(name: str, options: Any, *,
                   allow_learning_rate: bool = False) -> dict[str, float]:
    """Check that ``options`` are hyper-parameters the named optimizer's step accepts, each in
    its range (``_RANGES``)."""
    name = canonical_optimizer(name)
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise TypeError(f"optimizer_options: expected a dict of hyper-parameters, e.g. "
                        f"{{'beta1': 0.9}}, got {check.what(options)}")
    accepted = _hyper_parameters(OPTIMIZERS[name][1].rule, learning_rate=allow_learning_rate)
    out: dict[str, float] = {}
    for key, value in options.items():
        if key not in accepted:
            raise ValueError(f"optimizer_options: {name!r} takes {accepted}, got {key!r}"[:300])
        out[key] = _RANGES[key](f"optimizer_options[{key!r}]" if not allow_learning_rate
                                else key, value)
    return out


def _learned(name: str, value: Any, seen: dict[str, Any]) -> dict[str, Array]:
    """The params gradient descent changes (W and b, or W, gamma and beta), of a network's
    params (``architecture`` checks them); running statistics are not among them."""
    return _trainable(seen["params"], architecture(seen["params"]))


def _their_grads(name: str, grads: Any, seen: dict[str, Any]) -> dict[str, Array]:
    """A gradient "d" + key for each learned param, as ``backward`` returns them (the
    intermediates dA, dZ, if asked for, are not used)."""
    if not isinstance(grads, Mapping):
        raise TypeError(f"{name}: expected the dict backward returns, got {check.what(grads)}")
    learned = seen["learned"]
    needed = {"d" + k: grads["d" + k] for k in learned if "d" + k in grads}
    return check.array_dict(name, needed, like=learned, prefix="d")


@checked(learned=_learned, grads=_their_grads, learning_rate=by(check.step_rate))
def update(params: Mapping[str, Array], grads: Mapping[str, Array], learning_rate: float, *,
           learned: Mapping[str, Array], xp: Namespace = np) -> Params:
    """One step of gradient descent: `W[l] = W[l] - alpha dW[l]`,  `b[l] = b[l] - alpha db[l]`
    (and gamma, beta of normalised layers alike; their running statistics are kept as they are).

    ``grads`` holds a gradient for every trained parameter, as ``backward`` returns them (its
    intermediates dA, dZ, if asked for, are not used). Returns new read-only params; ``params``
    is left unchanged.

    Porting the course's in-place ``parameters["W1"] -= learning_rate * grads["dW1"]`` (or 003's
    ``W2 -= learning_rate * dW2``) onto mlp_fn's read-only arrays stops with NumPy's "output
    array is read-only". Write ``params = update(params, grads, learning_rate)`` instead, or
    ``W2 = W2 - learning_rate * dW2`` (a new array), or work on a private ``W2.copy()``.

    >>> params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    >>> update(params, {"dW1": np.array([[0.5]]), "db1": np.array([[1.0]])}, 0.1)
    {'W1': array([[0.95]]), 'b1': array([[-0.1]])}
    """
    new = {k: gd_step.rule(theta, grads["d" + k], 1, xp=xp, learning_rate=learning_rate)[0]
           for k, theta in learned.items()}  # theta = theta - alpha d theta
    return {**params, **new}  # the running statistics (mu, sigma2) are carried over
