"""The playground: TensorFlow Playground's controls on mlp_fn's own numbers, in a browser.

``python -m mlp_fn.playground [--port N] [--no-browser]`` starts a server on 127.0.0.1 (a free
port unless ``--port``), prints its URL and opens the browser; ``serve()`` does the same from
Python and returns the URL, serving from a background thread. The page and its script ship in
the package and fetch nothing from anywhere but that server. Pick a data set, the features,
layers and units, an activation, a learning rate, press play, and watch the output over the
plane, every unit's map and the losses; hover a unit for its worked arithmetic.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Mapping
from typing import Any

from mlp_fn._internal.types import Array
from mlp_fn.playground import _session
from mlp_fn.playground._server import make_server

__all__ = ["serve", "points"]


def serve(port: int = 0, *, open_browser: bool = True) -> str:
    """Start the playground's server on 127.0.0.1 in a background thread (a free port when
    ``port`` is 0) and return its URL, opening it in the browser unless told not to.

    >>> url = serve(open_browser=False)  # the server runs until the program ends
    >>> url.startswith("http://127.0.0.1:") and url.endswith("/")
    True
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port: expected 0 (any free port) to 65535, got {port!r}"[:100])
    if not isinstance(open_browser, bool):
        raise TypeError(f"open_browser: expected True or False, got {open_browser!r}"[:100])
    server = make_server(port)
    threading.Thread(target=server.serve_forever, daemon=True,
                     name="mlp_fn.playground").start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    if open_browser:
        webbrowser.open(url)
    return url


def points(config: Mapping[str, Any] | None = None) -> tuple[Array, Array]:
    """The training points the page trains on for ``config``, its settings (the data set, noise,
    number of points, features, train/test split and seed; each one left out takes the page's
    default, as ``"dataset": "circle"``): X, the chosen features of each training point,
    (n_features, m), and Y, (1, m). The Python the page writes for a run starts from them.

    >>> X, Y = points({"dataset": "xor", "points": 100, "features": ["x1", "x2", "x1x2"]})
    >>> X.shape, Y.shape  # half of the 100 points train (the default split); a row per feature
    ((3, 50), (1, 50))
    """
    session = _session.new_session({} if config is None else config)
    return session.X, session.Y
