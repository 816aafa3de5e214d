"""The book: ``python -m sphinx -W -b html docs out/site`` (``pip install -e '.[docs]'``).

The walkthroughs are rendered by myst-nb from the notebooks ``walkthroughs._book`` writes at
build time, with their ``.py`` and ``.ipynb`` downloads and the worked examples; the API
reference is autodoc's (``docs/api``, a page per module). The lessons' executions come from the
jupyter-cache in ``out/.jupyter_cache`` that ``python -m walkthroughs`` fills too
(``MLP_FN_CACHE`` names another), and a lesson runs again only when it, its report or mlp_fn
changed (``-D walkthroughs_quick=1`` for the reduced sizes).
MathJax is served from the site itself, so no page fetches anything from elsewhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The checkout whose walkthroughs are run: the folder above this one, unless the tests build a
# copy of these pages elsewhere (MLP_FN_CHECKOUT), so that nothing is written into the checkout.
ROOT = Path(os.environ.get("MLP_FN_CHECKOUT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

import mlp_fn  # noqa: E402

project = "mlp_fn"
author = "the mlp_fn authors"
copyright = "mlp_fn authors, MIT licence"
version = release = mlp_fn.__version__

extensions = ["myst_nb", "sphinx.ext.mathjax", "sphinx-mathjax-offline", "sphinx.ext.autodoc",
              "sphinx.ext.napoleon", "walkthroughs._api", "walkthroughs._book"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "_walkthroughs_intro.md", "walkthroughs/downloads"]
nb_execution_mode = "cache"
nb_execution_cache_path = os.environ.get("MLP_FN_CACHE") or str(ROOT / "out" / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_timeout = 1800
root_doc = "index"
# The API from the docstrings (Google style), in the order of each module's __all__, signatures
# as help() shows them (walkthroughs._api sets the marked equations as math).
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
# Types by the names the signatures write (not expanded: npt.ArrayLike is a union of nine);
# Sphinx links Array and the others to their entries on the page of mlp_fn's own names.
autodoc_type_aliases = {name: name for name in
                        ("Array", "Params", "Grads", "Cache", "ActivationSpec", "History",
                         "Callback", "CustomActivation", "OptState", "Schedule", "Labels",
                         "npt.ArrayLike", "npt.DTypeLike")}
add_module_names = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_title = "mlp_fn"
html_show_sourcelink = False
html_show_sphinx = False
# A book's layout: the chapters on the left, the page's own contents on the right; nothing is
# loaded from elsewhere (no repository, launch or download buttons, no web fonts).
html_theme_options = {"show_toc_level": 2, "home_page_in_toc": True,
                      "use_download_button": False, "use_fullscreen_button": False,
                      "secondary_sidebar_items": ["page-toc"], "navigation_with_keys": False}
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]  # the verdicts' JSON is for the tools
