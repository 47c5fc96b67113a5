"""Serve a WSGI app on loopback with a real threaded server, for tests that need HTTP."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # Concurrency tests fire many requests at once; don't refuse them at the socket.
    request_queue_size = 64


class _RawPathQuietHandler(WSGIRequestHandler):
    def get_environ(self) -> dict[str, Any]:
        # wsgiref decodes PATH_INFO (%2F becomes /); like gunicorn, hand over the raw path
        # so names such as io.github.alice%2Fweather route as one segment.
        environ = dict(super().get_environ())
        environ["REQUEST_URI"] = self.path
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        pass  # Keep test output clean.


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL (``http://127.0.0.1:<port>``)."""
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_RawPathQuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
