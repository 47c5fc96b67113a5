"""gunicorn's threaded worker, made safe against slow and idle clients.

gunicorn's ``gthread`` worker keeps connections alive and parks idle ones in a poller, so a
cached response costs no close per request. Left alone it still hands a connection to a
thread as soon as it is accepted, and that thread then blocks in ``recv`` until the request
headers are complete: a client that connects and sends nothing holds a thread for a few
seconds, one that sends a header line every now and then holds it for as long as it likes,
and a handful of them stop a worker.

:class:`SlowClientSafeWorker` reads the request head without blocking: whatever bytes are
there are taken into a per-connection buffer and, until the blank line that ends the headers
has arrived, the connection goes back to the poller (no thread waits on it). A request head
must be complete within ``header_timeout`` seconds of its first read; a connection that sends
nothing is closed after gunicorn's ``keepalive`` seconds. Once the head is complete the
request runs as usual, with a socket timeout of ``body_timeout`` seconds for each body read
and for writing the response.
"""

from __future__ import annotations

import ssl
import time
from typing import Any

from gunicorn.workers import gthread

HEAD_END = b"\r\n\r\n"
MAX_HEAD_BYTES = 64 * 1024
"""Past this, the buffered bytes go to gunicorn's parser, which answers 400 for an oversized
request line or header (``limit_request_line``/``limit_request_fields``)."""


class SlowClientSafeWorker(gthread.ThreadWorker):  # type: ignore[misc]
    """A ``gthread`` worker whose threads only run requests whose head has fully arrived.

    The class attributes are the defaults; :func:`worker_class` makes a subclass with the
    configured values (gunicorn instantiates the class itself, in each worker process).
    """

    header_timeout: float = 5.0
    body_timeout: float = 10.0

    def handle(self, conn: Any) -> Any:
        """Run a request once its head is buffered; defer the connection until then."""
        if conn.is_http2:
            return super().handle(conn)
        try:
            conn.init()
            complete = self._read_head(conn)
        except (OSError, ssl.SSLError):
            return False
        if complete is None:
            return False
        if not complete:
            # A stopping worker parks nothing (gunicorn would take the deferral for a
            # keep-alive); a client still sending its head reconnects.
            return gthread._DEFER if self.alive else False
        conn.sock.setblocking(True)
        return super().handle(conn)

    def _read_head(self, conn: Any) -> bool | None:
        """True once the head is buffered in the parser, False to wait, None to close.

        The deadline starts at the first look at a request (accept, or readiness of a kept-
        alive connection); it is cleared when the head is complete.
        """
        now = time.monotonic()
        deadline: float | None = getattr(conn, "head_deadline", None)
        if deadline is None:
            deadline = now + self.header_timeout
            conn.head_deadline = deadline
        unreader = conn.parser.unreader
        head = unreader.take_buffered()
        conn.sock.setblocking(False)
        try:
            while HEAD_END not in head and len(head) < MAX_HEAD_BYTES:
                try:
                    chunk = conn.sock.recv(65536)
                except (BlockingIOError, ssl.SSLWantReadError):
                    break
                if not chunk:
                    return None
                head += chunk
        finally:
            unreader.unread(head)
        if HEAD_END in head or len(head) >= MAX_HEAD_BYTES:
            conn.head_deadline = None
            return True
        if now >= deadline:
            self.log.debug("closing a connection whose request head did not arrive in time")
            return None
        return False

    def handle_request(self, req: Any, conn: Any) -> Any:
        """Serve with a bounded wait for each body read and for sending the response."""
        conn.sock.settimeout(self.body_timeout)
        try:
            return super().handle_request(req, conn)
        except TimeoutError:
            self.log.debug("a request body or response write timed out")
            return False


def worker_class(*, header_timeout: float, body_timeout: float) -> type[SlowClientSafeWorker]:
    """A :class:`SlowClientSafeWorker` with these timeouts (seconds)."""
    return type(
        "RegistryWorker",
        (SlowClientSafeWorker,),
        {
            "header_timeout": header_timeout,
            "body_timeout": body_timeout,
            "__module__": __name__,
        },
    )
