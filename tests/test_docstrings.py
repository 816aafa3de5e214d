"""Every ``>>>`` example in mlp_fn's docstrings runs, and prints what it says it prints: a
docstring that contradicts its code fails here. The examples are the reader's, so they are
run as a reader would run them, with ``np`` and ``mf`` (``import mlp_fn as mf``) at hand.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from types import ModuleType

import numpy as np
import pytest

import mlp_fn as mf

MODULES = sorted(m.name for m in pkgutil.walk_packages(mf.__path__, "mlp_fn.")
                 if not m.name.endswith("__main__"))

#: Every public module's public functions (its ``__all__``) each carry a runnable example; the
#: private modules, the package's machinery, whose names no reader calls, need none.
EXAMPLED = [m for m in MODULES if not any(part.startswith("_") for part in m.split("."))]


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = _module(name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(module, globs={**vars(module), "np": np, "mf": mf})
             if t.examples]
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


@pytest.mark.parametrize("name", EXAMPLED)
def test_every_public_function_has_an_example(name: str) -> None:
    module = _module(name)
    missing = [n for n in getattr(module, "__all__", []) if inspect.isfunction(getattr(module, n))
               and ">>>" not in (inspect.getdoc(getattr(module, n)) or "")]
    assert not missing, f"{name}: no >>> example in {missing}"


def test_a_wrong_example_fails() -> None:
    """The runner above can fail: an example whose printed value is wrong is counted."""

    def wrong() -> None:
        """>>> 1 + 1
        3
        """

    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(wrong, "wrong", globs={}):
        runner.run(test, out=lambda s: None)
    assert runner.summarize(verbose=False).failed == 1
