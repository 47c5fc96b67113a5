"""The registry's WSGI apps on an asyncio HTTP server: uvicorn's gunicorn worker.

gunicorn still supervises the processes (workers, graceful stop, ``child_exit`` for the
metrics). In each worker, uvicorn parses HTTP with httptools on an event loop and keeps
connections alive; the WSGI app runs in a thread pool through :class:`WsgiOnAsgi`. Reading
a request head costs no thread, so slow and idle clients stall nothing. Measured against
gunicorn's threaded worker on the cached list page, this served 1.1 to 1.5 times as many
requests per second (docs/performance.md).

Timeouts (the settings ``http_header_timeout``, ``http_body_timeout``, ``http_keepalive``):
a request head must arrive within the header timeout of the connection opening or of its
first byte (:class:`HeadTimeoutProtocol`); each read of a request body may wait the body
timeout (then 408); an idle kept-alive connection closes after the keep-alive.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn_worker import UvicornWorker  # type: ignore[import-untyped]

from mcp_registry.shared.web.heap import settle_heap
from mcp_registry.shared.web.memory_answer import MemoryAnswer

WSGIApp = Callable[..., Iterable[bytes]]
Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]

_TIMEOUT_BODY = b'{"title":"Request Timeout","status":408,"detail":"The request body stalled"}'


class WsgiOnAsgi:
    """An ASGI 3 app serving ``app`` (WSGI) from a pool of ``threads`` threads.

    The body is read on the event loop, at most ``max_body_bytes + 1`` bytes (the app answers
    413 from ``Content-Length`` and what it got), each read within ``body_timeout`` seconds.
    The environ carries ``RAW_URI`` (the path as sent, ``%2F`` kept) like gunicorn's.
    Responses are collected in the thread and sent in one piece: the registry's are small.

    When ``app`` has ``answer_from_memory`` (:mod:`.memory_answer`), the bridge passes it on:
    :class:`HeadTimeoutProtocol` asks it as soon as a request head is parsed, so what reaches
    the bridge is what the app does not hold (or a request queued behind a running one).
    """

    def __init__(
        self, app: WSGIApp, *, threads: int, max_body_bytes: int, body_timeout: float
    ) -> None:
        self._app = app
        self.answer_from_memory: MemoryAnswer | None = getattr(app, "answer_from_memory", None)
        """The app's, for :class:`HeadTimeoutProtocol` to ask before a request becomes an
        ASGI call at all."""
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")
        self._max_body = max_body_bytes
        self._body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = bytearray()
        more = True
        while more and len(body) <= self._max_body:
            try:
                message = await asyncio.wait_for(receive(), self._body_timeout)
            except TimeoutError:
                await _send(
                    send, 408, [(b"content-type", b"application/problem+json")], _TIMEOUT_BODY
                )
                return
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        environ = _environ(scope, bytes(body))
        loop = asyncio.get_running_loop()
        status, headers, chunks = await loop.run_in_executor(self._pool, self._run, environ)
        await _send(send, status, headers, b"".join(chunks))

    def _run(self, environ: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [status, headers]
            return lambda data: chunks.append(data)

        chunks: list[bytes] = []
        result = self._app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        encoded = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return int(status.split(" ", 1)[0]), encoded, chunks

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self._pool.shutdown(wait=True)
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    query = scope.get("query_string", b"")
    raw_path = scope.get("raw_path") or scope["path"].encode()
    raw_uri = raw_path + (b"?" + query if query else b"")
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "RAW_URI": raw_uri.decode("latin-1"),
        "QUERY_STRING": query.decode("latin-1"),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if client:
        environ["REMOTE_ADDR"] = str(client[0])
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").upper().replace("-", "_")
        key = key if key in ("CONTENT_LENGTH", "CONTENT_TYPE") else "HTTP_" + key
        text = value.decode("latin-1")
        environ[key] = environ[key] + "," + text if key in environ else text
    if body and "CONTENT_LENGTH" not in environ:
        # A chunked body, already read: its length is known now (the app bounds bodies by it).
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


class HeadTimeoutProtocol(HttpToolsProtocol):
    """httptools' protocol with a deadline for each request head, which answers held reads
    itself.

    The timer starts when the connection opens (a client that sends nothing is closed after
    ``header_timeout``) and when the first byte of a later request arrives; the complete head
    stops it. Idle kept-alive connections are uvicorn's ``timeout_keep_alive``.

    A read the app holds in memory (its ``answer_from_memory``, see :mod:`.memory_answer`) is
    answered as soon as its head is parsed: no ASGI task, no request cycle, status line,
    headers and body in one write. This is where a cache hit's cost went: the task, the
    cycle's per-header checks and the two writes cost as much as the app's own work.
    """

    header_timeout: float = 5.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm_head_timer()
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._cancel_head_timer()
        if not self._answered_from_memory():
            super().on_headers_complete()

    def on_message_complete(self) -> None:
        if self.cycle is not None:  # None: the connection's requests so far were all held
            super().on_message_complete()

    def on_body(self, body: bytes) -> None:
        if self.cycle is not None:
            super().on_body(body)

    def _answered_from_memory(self) -> bool:
        """Write the whole response to a held read now, in one write, if the app holds it.

        Only a GET or HEAD that announces no body and is not queued behind a running request
        (pipelining) is offered; the connection then continues as after any response
        (keep-alive timer, the next request), or closes when the client asked for that.
        """
        memory: MemoryAnswer | None = getattr(self.app, "answer_from_memory", None)
        if memory is None or (self.cycle is not None and not self.cycle.response_complete):
            return False
        method = self.parser.get_method()
        if method not in (b"GET", b"HEAD") or self.parser.should_upgrade():
            return False
        for name, value in self.headers:
            if name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
                return False
        url = httptools.parse_url(self.url)
        found = memory(
            method.decode("ascii"),
            url.path.decode("latin-1"),
            (url.query or b"").decode("latin-1"),
            self.headers,
        )
        if found is None:
            return False
        status, headers, body = found
        keep_alive = self.parser.get_http_version() != "1.0" and self.parser.should_keep_alive()
        out = [STATUS_LINE[status]]
        for name, value in (*self.server_state.default_headers, *headers):
            out += (name, b": ", value, b"\r\n")
        if not keep_alive:
            out.append(b"connection: close\r\n")
        out.append(b"\r\n")
        if method == b"GET":
            out.append(body)
        self.transport.write(b"".join(out))
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


class RegistryAsgiWorker(UvicornWorker):  # type: ignore[misc]
    """uvicorn's gunicorn worker serving the loaded WSGI app through :class:`WsgiOnAsgi`.

    :func:`asgi_worker_class` sets the class attributes from the settings.
    """

    threads: int = 4
    max_body_bytes: int = 262_144
    body_timeout: float = 10.0
    switch_interval: float = 0.0005
    protocol: type[HeadTimeoutProtocol] = HeadTimeoutProtocol
    # No proxy-header rewriting: the registry's own trusted-proxy setting
    # (``MCP_REGISTRY_TRUSTED_PROXIES``, :mod:`.client_address`) decides which hop is the
    # client, from the peer address the server saw. (uvicorn would otherwise trust
    # ``X-Forwarded-For`` from loopback peers before the registry could judge it.)
    CONFIG_KWARGS: dict[str, Any] = {
        "loop": "asyncio",
        "lifespan": "on",
        "interface": "asgi3",
        "proxy_headers": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config.http = self.protocol

    def init_process(self) -> None:
        # Held reads are answered on the event loop while publishes run in the pool. Each
        # time the loop lets go of the interpreter (a socket call, a SQLite read), a pool
        # thread may keep it for the whole switch interval: at Python's 5 ms, a read beside
        # a publish waited several of those (mixed p99 32-101 ms against 15-28 ms at 0.5 ms,
        # docs/performance.md).
        sys.setswitchinterval(self.switch_interval)
        super().init_process()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        loaded: WSGIApp = getattr(self, "wsgi")  # noqa: B009 (set by gunicorn, untyped)
        self.wsgi = WsgiOnAsgi(
            loaded,
            threads=self.threads,
            max_body_bytes=self.max_body_bytes,
            body_timeout=self.body_timeout,
        )
        # Everything the app holds from now on is long-lived: keep it out of the collections
        # that publishes trigger on the loop's thread (see the heap module).
        settle_heap()


def asgi_worker_class(
    *,
    threads: int,
    max_body_bytes: int,
    header_timeout: float,
    body_timeout: float,
    switch_interval: float = 0.0005,
) -> type[RegistryAsgiWorker]:
    """A :class:`RegistryAsgiWorker` (and its protocol) with these settings."""
    protocol = type(
        "RegistryHeadTimeoutProtocol",
        (HeadTimeoutProtocol,),
        {"header_timeout": header_timeout, "__module__": __name__},
    )
    return type(
        "RegistryAsgiWorker",
        (RegistryAsgiWorker,),
        {
            "threads": threads,
            "max_body_bytes": max_body_bytes,
            "body_timeout": body_timeout,
            "switch_interval": switch_interval,
            "protocol": protocol,
            "__module__": __name__,
        },
    )
