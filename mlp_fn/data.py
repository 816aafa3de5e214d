"""``mlp_fn.data``: the data sets and their helpers, under the name a learner types (``import
mlp_fn.data``, ``from mlp_fn.data import ...``). It is ``mlp_fn.tools.data`` itself, the same
module object, not a copy: the package keeps its tools in tiers, and this name reaches them."""

import sys

from mlp_fn.tools.data import *  # noqa: F403  (the same names, for type checkers)
from mlp_fn.tools.data import __all__ as __all__

sys.modules[__name__] = sys.modules["mlp_fn.tools.data"]
