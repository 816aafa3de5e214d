"""``mlp_fn.summary``: 001's print(NN), under the name a learner types (``import mlp_fn.summary``,
``from mlp_fn.summary import ...``). It is ``mlp_fn.tools.summary`` itself, the same module
object, not a copy: the package keeps its tools in tiers, and this name reaches them."""

import sys

from mlp_fn.tools.summary import *  # noqa: F403  (the same names, for type checkers)
from mlp_fn.tools.summary import __all__ as __all__

sys.modules[__name__] = sys.modules["mlp_fn.tools.summary"]
