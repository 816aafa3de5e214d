"""mlp_fn's internals: generic checks, input conversion, name lookup, safe files and the type
aliases. Nothing here is part of the public API; the public modules import from it."""
