"""Looking up a name in a registry, with one clear error for every kind of name.

Names are matched the way a reader types them: case, underscores, hyphens and spaces do not
count, so 'LeakyReLU', 'leaky_relu' and 'Leaky-ReLU' are one name, as are 'BCE' and 'bce'.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlp_fn._internal import checks as check

__all__ = ["normalized", "resolve"]


def normalized(name: str) -> str:
    """``name`` lower-cased, without '_', '-' or spaces: the form names are compared in."""
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def resolve(what: str, name: Any, registry: Mapping[str, Any],
            aliases: Mapping[str, str] | None = None) -> str:
    """The registry key for ``name`` (an alias resolved, case and separators ignored):
    TypeError if it is not a string, ValueError naming ``what`` and listing the valid names if
    it is unknown."""
    if not isinstance(name, str):
        raise TypeError(f"{what}: expected a name (str), got {check.what(name)}")
    if name in registry:  # already the key, as every internal caller passes it
        return name
    aliases = aliases or {}
    table = {normalized(k): k for k in registry}
    table.update({normalized(a): target for a, target in aliases.items()})
    key = table.get(normalized(name))
    if key is None:
        valid = ", ".join(registry)
        also = f" (also: {', '.join(aliases)})" if aliases else ""
        raise ValueError(f"{what}: unknown name {name[:100]!r}; expected one of: {valid}{also}; "
                         f"case and '_' do not matter")
    return key
