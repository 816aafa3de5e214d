"""``mlp_fn.explain``: the worked arithmetic of a training step, under the name a learner types
(``import mlp_fn.explain``, ``from mlp_fn.explain import ...``). It is ``mlp_fn.tools.explain``
itself, the same module object, not a copy: the package keeps its tools in tiers, and this name
reaches them."""

import sys

from mlp_fn.tools.explain import *  # noqa: F403  (the same names, for type checkers)
from mlp_fn.tools.explain import __all__ as __all__

sys.modules[__name__] = sys.modules["mlp_fn.tools.explain"]
