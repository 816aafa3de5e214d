"""Learning-rate schedules: plain functions epoch -> learning rate (epoch counts from 0).

``train`` takes a float (a constant rate) or any ``Callable[[int], float]``; the builders below
return such functions, and ``make_schedule(name, ...)`` builds one by name.

Every schedule built here checks its epoch (an integer, `epoch >= 0`) and returns a finite
`rate > 0` or 0 (a rate that decays below the smallest float is 0): the decay factors lie in
`(0, 1]`, so a rate never grows past lr0 and nothing overflows, however late the epoch.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any, TypeAlias

from mlp_fn._internal import checks as check
from mlp_fn._internal.names import resolve

__all__ = ["constant", "step_decay", "exponential_decay", "inverse_time_decay", "cosine_decay",
           "make_schedule", "MAX_EPOCH", "SCHEDULES", "SCHEDULE_ALIASES", "Schedule"]

#: A learning-rate schedule: the epoch (from 0) -> the learning rate of that epoch.
#:
#: :meta hide-value:
Schedule: TypeAlias = Callable[[int], float]


#: Epoch counts beyond `2^53` are not exact floats; no training runs that long.
MAX_EPOCH = 2**53


def _epoch(epoch: Any) -> int:
    return check.positive_int("epoch", epoch, minimum=0, maximum=MAX_EPOCH)


def constant(lr0: float) -> Schedule:
    """`lr(epoch) = lr0`.

    >>> constant(0.1)(5)
    0.1
    """
    lr0 = check.positive_float("lr0", lr0)

    def schedule(epoch: int) -> float:
        _epoch(epoch)
        return lr0

    return schedule


def step_decay(lr0: float, drop: float = 0.5, every: int = 10) -> Schedule:
    """Staircase: `lr(epoch) = lr0 * drop^floor(epoch / every)`, drop in `(0, 1]`.

    >>> lr = step_decay(1.0, drop=0.5, every=10)
    >>> [lr(epoch) for epoch in (0, 9, 10, 25)]
    [1.0, 1.0, 0.5, 0.25]
    """
    lr0 = check.positive_float("lr0", lr0)
    drop = check.fraction("drop", drop, closed_right=True)
    if drop == 0:
        raise ValueError("drop: expected a number in (0, 1], got 0")
    every = check.positive_int("every", every, maximum=MAX_EPOCH)

    def schedule(epoch: int) -> float:
        return lr0 * _power(drop, _epoch(epoch) // every)

    return schedule


def exponential_decay(lr0: float, rate: float = 0.95) -> Schedule:
    """`lr(epoch) = lr0 * rate^epoch` (the course's `0.95^epoch * alpha0`), rate in `(0, 1]`.

    >>> lr = exponential_decay(1.0, rate=0.5)
    >>> [lr(epoch) for epoch in range(3)]
    [1.0, 0.5, 0.25]
    """
    lr0 = check.positive_float("lr0", lr0)
    rate = check.fraction("rate", rate, closed_right=True)
    if rate == 0:
        raise ValueError("rate: expected a number in (0, 1], got 0")

    def schedule(epoch: int) -> float:
        return lr0 * _power(rate, _epoch(epoch))

    return schedule


def _power(base: float, n: int) -> float:
    """base^n for base in (0, 1]: 0.0 once it falls below the smallest float (never an error)."""
    try:
        return base**n
    except OverflowError:  # Python reports underflow of a huge power this way on some builds
        return 0.0


def inverse_time_decay(lr0: float, decay: float = 1.0, every: int = 1) -> Schedule:
    """The course's decay: `lr(epoch) = lr0 / (1 + decay * floor(epoch / every))`.

    ``every`` = 1 gives lr0 / (1 + decay * epoch); a larger ``every`` is the course's
    "scheduled" variant, which lowers the rate only every ``every`` epochs.

    >>> lr = inverse_time_decay(1.0, decay=1.0)
    >>> [lr(epoch) for epoch in (0, 1, 3)]  # 1 / (1 + epoch)
    [1.0, 0.5, 0.25]
    """
    lr0 = check.positive_float("lr0", lr0)
    decay = check.nonnegative_float("decay", decay)
    every = check.positive_int("every", every, maximum=MAX_EPOCH)

    def schedule(epoch: int) -> float:
        return lr0 / (1.0 + decay * float(_epoch(epoch) // every))

    return schedule


def cosine_decay(lr0: float, total_epochs: int, lr_min: float = 0.0) -> Schedule:
    """`lr(epoch) = lr_min + (lr0 - lr_min) * (1 + cos(pi * min(epoch, T) / T)) / 2` with
    `T = total_epochs` (Loshchilov and Hutter, 2017, without restarts).

    >>> lr = cosine_decay(1.0, total_epochs=10)
    >>> [round(lr(epoch), 12) for epoch in (0, 5, 10, 20)]  # (1 + cos(pi e / 10)) / 2
    [1.0, 0.5, 0.0, 0.0]
    """
    lr0 = check.positive_float("lr0", lr0)
    T = check.positive_int("total_epochs", total_epochs, maximum=MAX_EPOCH)
    lr_min = check.nonnegative_float("lr_min", lr_min)
    if lr_min > lr0:
        raise ValueError(f"lr_min: expected at most lr0 = {lr0}, got {lr_min}")

    def schedule(epoch: int) -> float:
        e = min(_epoch(epoch), T)
        return lr_min + (lr0 - lr_min) * 0.5 * (1.0 + math.cos(math.pi * e / T))

    return schedule


#: The schedules by name, as ``make_schedule`` builds them (its aliases in
#: ``SCHEDULE_ALIASES``).
#:
#: :meta hide-value:
SCHEDULES: dict[str, Callable[..., Schedule]] = {
    "constant": constant,
    "step": step_decay,
    "exponential": exponential_decay,
    "inverse_time": inverse_time_decay,
    "cosine": cosine_decay,
}

#: The builders' own names work too: make_schedule("step_decay", ...) is make_schedule("step", ...).
#:
#: :meta hide-value:
SCHEDULE_ALIASES: dict[str, str] = {"step_decay": "step", "exponential_decay": "exponential",
                                    "inverse_time_decay": "inverse_time",
                                    "cosine_decay": "cosine"}


def make_schedule(name: str, lr0: float, **options: Any) -> Schedule:
    """The schedule called ``name`` starting at ``lr0``; ValueError listing the valid names.

    >>> make_schedule("step_decay", 0.1, drop=0.5, every=2)(4)  # 0.1 * 0.5^2
    0.025
    """
    builder = SCHEDULES[resolve("schedule", name, SCHEDULES, SCHEDULE_ALIASES)]
    accepted = [p for p in inspect.signature(builder).parameters if p != "lr0"]
    unknown = [k for k in options if k not in accepted]
    if unknown:
        raise TypeError(f"options: the {name!r} schedule takes {accepted}, got {unknown}")
    return builder(lr0, **options)
