"""``mlp_fn.plots``: the pictures (matplotlib loads when one is drawn), under the name a learner
types (``import mlp_fn.plots``, ``from mlp_fn.plots import ...``). It is ``mlp_fn.tools.plots``
itself, the same module object, not a copy: the package keeps its tools in tiers, and this name
reaches them."""

import sys

from mlp_fn.tools.plots import *  # noqa: F403  (the same names, for type checkers)
from mlp_fn.tools.plots import __all__ as __all__

sys.modules[__name__] = sys.modules["mlp_fn.tools.plots"]
