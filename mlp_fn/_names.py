"""Looking up a name in a registry, with one clear error for every kind of name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def resolve(what: str, name: Any, registry: Mapping[str, Any],
            aliases: Mapping[str, str] | None = None) -> str:
    """The registry key for ``name`` (an alias resolved): TypeError if it is not a string,
    ValueError naming ``what`` and listing the valid names if it is unknown."""
    if not isinstance(name, str):
        raise TypeError(f"{what}: expected a name (str), got {type(name).__name__} {name!r}")
    aliases = aliases or {}
    resolved = aliases.get(name, name)
    if resolved not in registry:
        valid = ", ".join([*registry, *aliases])
        raise ValueError(f"{what}: unknown name {name!r}; expected one of: {valid}")
    return resolved
