"""``mlp_fn.callbacks``: watching a training run, under the name a learner types (``import
mlp_fn.callbacks``, ``from mlp_fn.callbacks import ...``). It is ``mlp_fn.training.callbacks``
itself, the same module object, not a copy: the package keeps its tools in tiers, and this name
reaches them."""

import sys

from mlp_fn.training.callbacks import *  # noqa: F403  (the same names, for type checkers)
from mlp_fn.training.callbacks import __all__ as __all__

sys.modules[__name__] = sys.modules["mlp_fn.training.callbacks"]
