"""Read-only views: arrays handed back to a caller cannot be changed in place by accident."""

from __future__ import annotations

from collections.abc import Mapping

from typing import Any

from numpy.typing import NDArray

from mlp_fn._internal.types import Array

__all__ = ["frozen", "frozen_dict"]


def frozen(a: NDArray[Any]) -> NDArray[Any]:
    """A read-only view of ``a`` (``a`` itself, possibly a caller's array, is left writeable)."""
    v = a.view()
    v.flags.writeable = False
    return v


def frozen_dict(d: Mapping[str, Array]) -> dict[str, Array]:
    """A new dict of read-only views of the arrays in ``d``."""
    return {k: frozen(v) for k, v in d.items()}
