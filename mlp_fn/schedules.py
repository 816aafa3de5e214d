"""Learning-rate schedules: plain functions epoch -> learning rate (epoch counts from 0).

``train`` takes a float (a constant rate) or any ``Callable[[int], float]``; the builders below
return such functions, and ``make_schedule(name, ...)`` builds one by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeAlias

from mlp_fn import validation as check
from mlp_fn._names import resolve

Schedule: TypeAlias = Callable[[int], float]


def constant(lr0: float) -> Schedule:
    """lr(epoch) = lr0."""
    lr0 = check.positive_float("lr0", lr0)
    return lambda epoch: lr0


def step_decay(lr0: float, drop: float = 0.5, every: int = 10) -> Schedule:
    """Staircase: lr(epoch) = lr0 * drop^floor(epoch / every)."""
    lr0 = check.positive_float("lr0", lr0)
    drop = check.positive_float("drop", drop)
    every = check.positive_int("every", every)
    return lambda epoch: lr0 * drop ** (epoch // every)


def exponential_decay(lr0: float, rate: float = 0.95) -> Schedule:
    """lr(epoch) = lr0 * rate^epoch (the course's 0.95^epoch * alpha0)."""
    lr0 = check.positive_float("lr0", lr0)
    rate = check.positive_float("rate", rate)
    return lambda epoch: lr0 * rate**epoch


def inverse_time_decay(lr0: float, decay: float = 1.0, every: int = 1) -> Schedule:
    """The course's decay: lr(epoch) = lr0 / (1 + decay * floor(epoch / every)).

    ``every`` = 1 gives lr0 / (1 + decay * epoch); a larger ``every`` is the course's
    "scheduled" variant, which lowers the rate only every ``every`` epochs.
    """
    lr0 = check.positive_float("lr0", lr0)
    decay = check.nonnegative_float("decay", decay)
    every = check.positive_int("every", every)
    return lambda epoch: lr0 / (1.0 + decay * (epoch // every))


def cosine_decay(lr0: float, total_epochs: int, lr_min: float = 0.0) -> Schedule:
    """lr(epoch) = lr_min + (lr0 - lr_min) * (1 + cos(pi * min(epoch, T) / T)) / 2, T = total_epochs
    (Loshchilov and Hutter, 2017, without restarts)."""
    lr0 = check.positive_float("lr0", lr0)
    T = check.positive_int("total_epochs", total_epochs)
    lr_min = check.nonnegative_float("lr_min", lr_min)
    return lambda epoch: lr_min + (lr0 - lr_min) * 0.5 * (1.0 + math.cos(math.pi * min(epoch, T) / T))


SCHEDULES: dict[str, Callable[..., Schedule]] = {
    "constant": constant,
    "step": step_decay,
    "exponential": exponential_decay,
    "inverse_time": inverse_time_decay,
    "cosine": cosine_decay,
}


#: The builders' own names work too: make_schedule("step_decay", ...) is make_schedule("step", ...).
SCHEDULE_ALIASES: dict[str, str] = {"step_decay": "step", "exponential_decay": "exponential",
                                    "inverse_time_decay": "inverse_time",
                                    "cosine_decay": "cosine"}


def make_schedule(name: str, lr0: float, **options: Any) -> Schedule:
    """The schedule called ``name`` starting at ``lr0``; ValueError listing the valid names."""
    return SCHEDULES[resolve("schedule", name, SCHEDULES, SCHEDULE_ALIASES)](lr0, **options)
