"""Serving the console: werkzeug's threaded WSGI server (the command checks the binding first).

Why werkzeug's server and not another: it ships with Flask (no further
dependency), it is threaded — each request gets a thread and the store's
synchronous SQLAlchemy engine gives it a pooled connection — and a console
for a compliance team serves a handful of people, not the internet.  A team
that exposes it runs it behind a reverse proxy that terminates TLS (and
authenticates, with ``--trust-proxy-header``), see ``docs/console.md``.  The
debugger and the reloader are never on: the debugger is a remote Python shell.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from scanner.console.security import ConsoleError


def build_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """A threaded server for ``app`` on ``host:port`` (port 0: any free port; see ``server.server_port``)."""
    try:
        return make_server(host, port, app, threaded=True)
    except OSError as exc:
        raise ConsoleError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}) — choose another --port or --host"
        ) from None


def serve(app: Flask, host: str, port: int, *, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve ``app`` until interrupted; ``on_ready`` is told the URL once the socket listens."""
    server = build_server(app, host, port)
    if on_ready is not None:
        shown = f"[{host}]" if ":" in host else host
        on_ready(f"http://{shown}:{server.server_port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
