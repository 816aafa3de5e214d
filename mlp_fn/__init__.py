"""mlp_fn: multilayer perceptrons as typed pure functions over dicts of NumPy arrays.

Course layout throughout: X is (n_x, m), one example per column; W{l} is (n[l], n[l-1]).

Here: the course's functions and the registries. The rest is reached through its module:
``mlp_fn.data`` (data sets, standardising), ``mlp_fn.plots``, ``mlp_fn.explain`` (worked
arithmetic), ``mlp_fn.summary``, ``mlp_fn.callbacks``, ``mlp_fn.model`` (001's workflow on rows),
``mlp_fn.network`` (what each layer is), ``mlp_fn.io`` (the archive format).
"""

__version__ = "0.2.0"

import importlib as _importlib
import typing as _typing

from mlp_fn._internal.types import ActivationSpec, Array, Cache, CustomActivation, Grads, Params
from mlp_fn.activations import (ACTIVATIONS, custom_activation, gelu, gelu_derivative, identity,
                                identity_derivative, leaky_relu, leaky_relu_derivative,
                                quadratic, quadratic_derivative, relu, relu_derivative, sigmoid,
                                sigmoid_derivative, softmax, softmax_jvp, tanh, tanh_derivative)
from mlp_fn.initialization import INITS, init_params
from mlp_fn.io import load_params, save_params
from mlp_fn.layers import (activation_backward, activation_forward, dropout_masks,
                           linear_backward, linear_forward)
from mlp_fn.losses import (LOSSES, bce, binary_log_loss, cce, half_mse, l2, mse,
                           multiclass_log_loss)
from mlp_fn.optimizers import (OPTIMIZERS, OptState, adam_bias_corrected, adam_init, adam_step,
                               adamw_init, adamw_step, clip_by_global_norm, gd_init, gd_step,
                               global_norm, momentum_ema_init, momentum_ema_step, momentum_init,
                               momentum_step, nesterov_init, nesterov_step, rmsprop_init,
                               rmsprop_step, update)
from mlp_fn.propagation import (accuracy, backward, compute_cost, forward, l1_penalty,
                                l2_penalty, output_delta, predict)
from mlp_fn.schedules import (SCHEDULES, constant, cosine_decay, exponential_decay,
                              inverse_time_decay, make_schedule, step_decay)
from mlp_fn.tools.data import one_hot
from mlp_fn.tools.gradient_check import gradient_check, gradient_check_1d
from mlp_fn.training.loop import (TrainingDiverged, TrainingUnstable, random_mini_batches, train,
                                  train_step)
from mlp_fn.training.many import train_many
from mlp_fn.training.state import History

linear = identity

__all__ = [
    "__version__",
    # the course, step by step
    "init_params", "forward", "compute_cost", "backward", "update", "train_step", "train",
    "train_many",
    "predict", "accuracy", "gradient_check", "gradient_check_1d", "save_params", "load_params",
    "linear_forward", "activation_forward", "linear_backward", "activation_backward",
    "output_delta", "dropout_masks", "l2_penalty", "l1_penalty", "random_mini_batches",
    "one_hot",
    # activations and their derivatives
    "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative", "relu", "relu_derivative",
    "leaky_relu", "leaky_relu_derivative", "gelu", "gelu_derivative", "identity",
    "identity_derivative", "linear", "quadratic", "quadratic_derivative", "softmax",
    "softmax_jvp", "custom_activation",
    # losses
    "bce", "binary_log_loss", "cce", "multiclass_log_loss", "mse", "l2", "half_mse",
    # optimizers and schedules
    "gd_init", "gd_step", "momentum_init", "momentum_step", "momentum_ema_init",
    "momentum_ema_step", "nesterov_init", "nesterov_step", "rmsprop_init", "rmsprop_step",
    "adam_init", "adam_step", "adam_bias_corrected", "adamw_init", "adamw_step",
    "clip_by_global_norm", "global_norm", "constant", "step_decay", "exponential_decay",
    "inverse_time_decay", "cosine_decay", "make_schedule",
    # the registries
    "ACTIVATIONS", "LOSSES", "INITS", "OPTIMIZERS", "SCHEDULES",
    # the types the signatures name, and the one exception
    "Array", "Params", "Grads", "Cache", "ActivationSpec", "CustomActivation", "OptState",
    "History", "TrainingDiverged", "TrainingUnstable",
    # modules
    "model", "explain", "plots", "data", "summary", "callbacks",
]

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
