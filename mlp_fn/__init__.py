"""mlp_fn: multilayer perceptrons as typed pure functions over dicts of NumPy arrays.

Course layout throughout: X is (n_x, m), one example per column; W{l} is (n[l], n[l-1]).
"""

__version__ = "0.2.0"

from typing import TYPE_CHECKING, Any

from mlp_fn._types import ActivationSpec, Array, Cache, CustomActivation, Grads, Params
from mlp_fn.activations import (ACTIVATIONS, custom_activation, gelu, gelu_derivative, identity,
                                identity_derivative, leaky_relu, leaky_relu_derivative,
                                quadratic, quadratic_derivative, relu, relu_derivative, sigmoid,
                                sigmoid_derivative, softmax, softmax_jvp, tanh, tanh_derivative)
from mlp_fn.data import (Standardizer, binary_blobs, blobs, exercise_002, fit_standardizer,
                         noisy_xor, one_hot, planar_flower, sine, standardize, train_test_split,
                         two_moons, unstandardize, x_squared, xor)
from mlp_fn.callbacks import progress_callback
from mlp_fn.gradient_check import gradient_check, gradient_check_1d
from mlp_fn.initialization import INITS, init_params
from mlp_fn.losses import (LOSSES, bce, binary_log_loss, cce, half_mse, l2, mse,
                           multiclass_log_loss)
from mlp_fn.optimizers import (OPTIMIZERS, OptState, adam_bias_corrected, adam_init, adam_step,
                               adamw_init, adamw_step, clip_by_global_norm, gd_init, gd_step, global_norm,
                               momentum_ema_init, momentum_ema_step, momentum_init,
                               momentum_step, nesterov_init, nesterov_step, rmsprop_init,
                               rmsprop_step)
from mlp_fn.persistence import load_params, save_params
from mlp_fn.propagation import (activation_backward, activation_forward, backward, compute_cost,
                                dropout_masks, forward, l2_penalty, linear_backward,
                                linear_forward, output_delta)
from mlp_fn.schedules import (SCHEDULES, constant, cosine_decay, exponential_decay,
                              inverse_time_decay, make_schedule, step_decay)
from mlp_fn.summary import count_params, summary, summary_text
from mlp_fn._state import History, TrainingState
from mlp_fn.training import (TrainingDiverged, accuracy, predict, random_mini_batches, train,
                             update)

linear = identity

__all__ = [
    "__version__", "explain", "model", "accuracy", "activation_backward", "activation_forward",
    "ACTIVATIONS", "ActivationSpec", "adam_bias_corrected", "adam_init", "adam_step", "adamw_init",
    "adamw_step", "Array", "backward", "bce", "binary_blobs", "binary_log_loss", "blobs", "Cache",
    "cce", "clip_by_global_norm", "compute_cost", "constant", "cosine_decay", "count_params",
    "custom_activation", "CustomActivation", "dropout_masks", "exercise_002", "exponential_decay",
    "fit_standardizer", "forward", "gd_init", "gd_step", "gelu", "gelu_derivative", "global_norm",
    "gradient_check", "gradient_check_1d", "Grads", "half_mse", "History", "identity",
    "identity_derivative", "init_params", "INITS", "inverse_time_decay", "l2", "l2_penalty",
    "leaky_relu", "leaky_relu_derivative", "linear", "linear_backward", "linear_forward",
    "load_params", "LOSSES", "make_schedule", "momentum_ema_init", "momentum_ema_step",
    "momentum_init", "momentum_step", "mse", "multiclass_log_loss", "nesterov_init",
    "nesterov_step", "noisy_xor", "one_hot", "OPTIMIZERS", "OptState", "output_delta", "Params",
    "planar_flower", "predict", "progress_callback", "quadratic", "quadratic_derivative",
    "random_mini_batches", "relu", "relu_derivative", "rmsprop_init", "rmsprop_step",
    "save_params", "SCHEDULES", "sigmoid", "sigmoid_derivative", "sine", "softmax", "softmax_jvp",
    "standardize", "Standardizer", "step_decay", "summary", "summary_text", "tanh",
    "tanh_derivative", "train", "train_test_split", "TrainingDiverged", "TrainingState",
    "two_moons", "unstandardize", "update", "x_squared", "xor",
]


if TYPE_CHECKING:
    from mlp_fn import explain, model


def __getattr__(name: str) -> Any:
    # mlp_fn.explain and mlp_fn.model are imported when first used, not with mlp_fn: they are
    # about a quarter of what ``import mlp_fn`` costs, and a plain training script needs neither.
    if name in ("explain", "model"):
        import importlib

        return importlib.import_module(f"mlp_fn.{name}")
    raise AttributeError(f"module 'mlp_fn' has no attribute {name!r}")
