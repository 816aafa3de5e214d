"""The playground's server: the standard library's HTTP server on 127.0.0.1, one network per
page session, every request treated as hostile.

Routes (JSON in, JSON out; an error is ``{"error": message}`` with status 400, and the server
carries on):

    GET  /                      the page            GET /static/<name>   its script and style
    POST /api/new               {config, csv?}      -> {session, view with the points}
    POST /api/step              {session, epochs}   -> view
    POST /api/weight            {session, l, j, k, value} -> view
    POST /api/arithmetic        {session, example, l, j}  -> {lines, note}
    POST /api/code              {session}           -> {code}
    GET  /api/params?session=S  the params as an mlp_fn file (.npz)

Nothing but the files named in ``STATIC`` is served; bodies over ``MAX_BODY`` bytes are refused
unread; at most ``MAX_SESSIONS`` sessions are kept (the least recently used goes first).
"""

from __future__ import annotations

import json
import secrets
import socket
import sys
import threading
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlparse

from mlp_fn.playground import _session as play

__all__ = ["MAX_BODY", "MAX_SESSIONS", "STATIC", "make_server"]

MAX_BODY = 2_000_000
MAX_SESSIONS = 32
STATIC = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "style.css": "text/css; charset=utf-8"}


class _Sessions:
    """The sessions by id, least recently used first, behind one lock (a step of one page's
    network never waits on another's: the lock is held only to look up and store)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[str, tuple[play.Session, threading.Lock]] = OrderedDict()

    def add(self, s: play.Session) -> str:
        key = secrets.token_hex(8)
        with self.lock:
            self.items[key] = (s, threading.Lock())
            while len(self.items) > MAX_SESSIONS:
                self.items.popitem(last=False)
        return key

    def get(self, key: Any) -> tuple[play.Session, threading.Lock]:
        with self.lock:
            if not isinstance(key, str) or key not in self.items:
                raise ValueError("session: unknown or expired; press reset to start a new one")
            self.items.move_to_end(key)
            return self.items[key]

    def put(self, key: str, s: play.Session) -> None:
        with self.lock:
            if key in self.items:
                self.items[key] = (s, self.items[key][1])


def _page(name: str) -> bytes:
    return resources.files("mlp_fn.playground").joinpath("static", name).read_bytes()


def make_server(port: int = 0) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 (a free port for 0), not yet serving; a ValueError naming the
    port where it cannot be opened (another program holds it, or it is reserved)."""
    sessions = _Sessions()

    class Handler(BaseHTTPRequestHandler):
        server_version = "mlp_fn-playground"
        protocol_version = "HTTP/1.1"  # one connection for a page's frames, not one a frame
        timeout = 30  # a client that stops sending is dropped

        def setup(self) -> None:
            super().setup()
            # the headers and the body go out as they are written: without this, a small
            # response waits on the client's delayed acknowledgement (tens of milliseconds)
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: no log per frame
            return

        def _send(self, status: int, body: bytes, kind: str,
                  extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, value: Any) -> None:
            self._send(status, json.dumps(value, allow_nan=False).encode(), "application/json")

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            try:
                url = urlparse(self.path)
                if url.path in ("/", "/index.html"):
                    self._send(200, _page("index.html"), STATIC["index.html"])
                elif url.path.startswith("/static/") and url.path[8:] in STATIC:
                    self._send(200, _page(url.path[8:]), STATIC[url.path[8:]])
                elif url.path == "/api/params":
                    key = parse_qs(url.query).get("session", [""])[0]
                    s, _ = sessions.get(key)
                    self._send(200, play.params_file(s), "application/octet-stream",
                               {"Content-Disposition": 'attachment; filename="playground.npz"'})
                else:
                    self._json(404, {"error": "not found"})
            except ValueError as err:
                self._json(400, {"error": str(err)})
            except Exception as err:  # never dies of a request
                self._json(500, {"error": f"{type(err).__name__}: {err}"[:300]})

        def do_POST(self) -> None:  # noqa: N802
            try:
                length = int(self.headers.get("Content-Length") or -1)
                if not 0 <= length <= MAX_BODY:
                    self.close_connection = True
                    self._json(413 if length > MAX_BODY else 411,
                               {"error": f"request: a body of at most {MAX_BODY:,} bytes, "
                                         f"with its Content-Length"})
                    return
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except (ValueError, UnicodeDecodeError):
                    raise ValueError("request: the body is not JSON") from None
                if not isinstance(body, dict):
                    raise ValueError("request: expected a JSON object")
                self._json(200, self._route(urlparse(self.path).path, body))
            except (ValueError, TypeError) as err:
                self._json(400, {"error": str(err)[:400]})
            except Exception as err:  # never dies of a request
                self._json(500, {"error": f"{type(err).__name__}: {err}"[:300]})

        def _route(self, path: str, body: dict[str, Any]) -> Any:
            if path == "/api/new":
                uploaded = play.parse_csv(body["csv"]) if body.get("csv") is not None else None
                s = play.new_session(body.get("config", {}), uploaded)
                return {"session": sessions.add(s), **play.view(s, points=True)}
            s, lock = sessions.get(body.get("session"))
            key = str(body["session"])  # known now: sessions.get refuses anything else
            with lock:  # one page's requests one at a time; other pages run alongside
                s, _ = sessions.get(key)
                if path == "/api/step":
                    start = time.perf_counter()
                    s = play.step(s, body.get("epochs", 1))
                    sessions.put(key, s)
                    return {**play.view(s), "server_ms": 1000 * (time.perf_counter() - start)}
                if path == "/api/weight":
                    s = play.set_weight(s, body.get("l"), body.get("j"), body.get("k"),
                                        body.get("value"))
                    sessions.put(key, s)
                    return play.view(s)
                if path == "/api/arithmetic":
                    return play.arithmetic(s, body.get("example", 0), body.get("l"),
                                           body.get("j"))
                if path == "/api/code":
                    return {"code": play.code(s)}
            raise ValueError(f"request: no route {path[:60]!r}")

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            """A client that drops its connection (a closed tab, a reset) is no error of the
            server's: nothing printed; anything else as http.server reports it."""
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    try:
        server = Server(("127.0.0.1", port), Handler)
    except OSError as err:  # taken by another program, or reserved: the caller's to choose
        raise ValueError(f"port: {port} cannot be opened on 127.0.0.1 ({err.strerror or err}); "
                         f"pass another, or 0 for any free port") from None
    server.daemon_threads = True  # a hung client never keeps the program alive
    return server
