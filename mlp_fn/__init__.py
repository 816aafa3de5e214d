"""mlp_fn: multilayer perceptrons as typed pure functions over dicts of NumPy arrays.

Course layout throughout: X is (n_x, m), one example per column; W{l} is (n[l], n[l-1]).

Here: the course's functions and the registries. The rest is reached through its module:
``mlp_fn.data`` (data sets, standardising), ``mlp_fn.plots``, ``mlp_fn.explain`` (worked
arithmetic), ``mlp_fn.summary``, ``mlp_fn.callbacks``, ``mlp_fn.model`` (001's workflow on rows),
``mlp_fn.network`` (what each layer is), ``mlp_fn.io`` (the archive format).
"""

#: mlp_fn's version.
__version__ = "0.2.0"

import importlib as _importlib
import typing as _typing

from mlp_fn._internal.types import ActivationSpec, Array, Cache, CustomActivation, Grads, Params
from mlp_fn import activations as _activations
from mlp_fn import losses as _losses
from mlp_fn import optimizers as _optimizers
# Every activation, loss and optimizer is here by its module's __all__: a new one is added in
# its module alone.
from mlp_fn.activations import *  # noqa: F403
from mlp_fn.initialization import INITS, init_params
from mlp_fn.io import load_params, save_params
from mlp_fn.layers import (activation_backward, activation_forward, dropout_masks,
                           linear_backward, linear_forward)
from mlp_fn.losses import *  # noqa: F403
from mlp_fn.optimizers import *  # noqa: F403
from mlp_fn.propagation import (accuracy, backward, compute_cost, forward, l1_penalty,
                                l2_penalty, output_delta, predict)
from mlp_fn.schedules import (SCHEDULES, constant, cosine_decay, exponential_decay,
                              inverse_time_decay, make_schedule, step_decay)
from mlp_fn.tools.data import one_hot
from mlp_fn.tools.gradient_check import gradient_check, gradient_check_1d
from mlp_fn.training.loop import (TrainingDiverged, TrainingUnstable, random_mini_batches, train,
                                  train_step)
from mlp_fn.training.many import train_many
from mlp_fn.training._state import Callback, History

#: The identity activation under its other name.
linear = identity

__all__ = [
    "__version__",
    # the course, step by step
    "init_params", "forward", "compute_cost", "backward", "train_step", "train",
    "train_many",
    "predict", "accuracy", "gradient_check", "gradient_check_1d", "save_params", "load_params",
    "linear_forward", "activation_forward", "linear_backward", "activation_backward",
    "output_delta", "dropout_masks", "l2_penalty", "l1_penalty", "random_mini_batches",
    "one_hot", "linear",
    # schedules
    "constant", "step_decay", "exponential_decay", "inverse_time_decay", "cosine_decay",
    "make_schedule",
    # the registries (ACTIVATIONS, LOSSES and OPTIMIZERS come with their modules, below)
    "INITS", "SCHEDULES",
    # the types the signatures name, and the one exception
    "Array", "Params", "Grads", "Cache", "ActivationSpec", "CustomActivation",
    "History", "Callback", "TrainingDiverged", "TrainingUnstable",
    # modules
    "model", "explain", "plots", "data", "summary", "callbacks",
]
# activations and their derivatives; losses and theirs; optimizers (<name>_step, <name>_init)
__all__ += _activations.__all__
__all__ += _losses.__all__
__all__ += _optimizers.__all__

#: Modules loaded on first use, not with mlp_fn: a plain training script needs none of them.
_LAZY = {"explain": "mlp_fn.tools.explain", "model": "mlp_fn.model",
         "plots": "mlp_fn.tools.plots", "data": "mlp_fn.tools.data",
         "summary": "mlp_fn.tools.summary", "callbacks": "mlp_fn.training.callbacks"}

if _typing.TYPE_CHECKING:
    from mlp_fn import model
    from mlp_fn.tools import data, explain, plots, summary
    from mlp_fn.training import callbacks


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        return _importlib.import_module(_LAZY[name])
    raise AttributeError(f"module 'mlp_fn' has no attribute {name!r}")
