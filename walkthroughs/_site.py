"""The book's assets: MathJax 3 served from the site itself (from the ``sphinx-mathjax-offline``
package, only the parts the pages load), so that no page fetches a script, style or font from
elsewhere."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

__all__ = ["MATHJAX_PARTS", "mathjax_source", "setup"]

#: What tex-chtml.js loads: the combined component, its fonts, and the parts it may ask for.
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml/fonts", "input/tex/extensions", "a11y", "ui")


def mathjax_source() -> Path:
    """The folder of MathJax 3 that the ``sphinx-mathjax-offline`` package ships."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the book serves MathJax itself: pip install -e '.[docs]' "
                          "(or: pip install sphinx-mathjax-offline)")
    return Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"


def _copy(app: Any, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def _configure(app: Any, config: Any) -> None:
    mathjax_source()  # fail early, with the install line, rather than build a site without math
    config.mathjax_path = "mathjax/tex-chtml.js"


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _configure)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
