"""The book: ``python -m sphinx -W -b html docs out/site`` (``pip install -e '.[docs]'``).

The walkthrough pages, their ``.py`` and ``.ipynb`` downloads, the worked examples and the API
reference are written at build time by ``walkthroughs._book`` (which runs every walkthrough:
``-D walkthroughs_quick=1`` for the reduced sizes). MathJax is served from the site itself, so
no page fetches anything from elsewhere.
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

extensions = ["myst_parser", "sphinx.ext.mathjax", "walkthroughs._book", "walkthroughs._site"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_walkthroughs_intro.md", "walkthroughs/*.ipynb"]
root_doc = "index"

html_theme = "alabaster"
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_title = "mlp_fn"
html_show_sourcelink = False
html_show_sphinx = False
html_theme_options = {"description": "Multilayer perceptrons as pure functions, beside the book",
                      "fixed_sidebar": True, "page_width": "1180px", "sidebar_width": "230px",
                      "font_family": "sans-serif", "head_font_family": "sans-serif",
                      "code_font_family": "monospace", "show_powered_by": False}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}
suppress_warnings = ["myst.header"]
