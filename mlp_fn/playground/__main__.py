"""``python -m mlp_fn.playground [--port N] [--no-browser]``: the playground's server, until
Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import webbrowser

from mlp_fn.playground._server import make_server

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlp_fn.playground",
                                     description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0: any free port (the default)")
    parser.add_argument("--no-browser", action="store_true", help="only print the URL")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port: expected 0 to 65535, got {args.port}")
    try:
        server = make_server(args.port)
    except ValueError as err:  # the port is taken: one line, not a traceback
        parser.error(f"--{err}")
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"mlp_fn playground: {url}  (Ctrl-C stops it)", flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
