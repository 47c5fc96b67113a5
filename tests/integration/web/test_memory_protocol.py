"""Held reads answered by the HTTP protocol itself, on a real uvicorn server over loopback.

The protocol writes a held response as soon as the request head is parsed; these tests check
that the connection behaves as after any response: keep-alive, HEAD, HTTP/1.0 and
``Connection: close``, pipelined requests in order, and everything else still reaching the
WSGI app.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pytest
import uvicorn

from mcp_registry.shared.web.asgi_worker import HeadTimeoutProtocol, WsgiOnAsgi
from mcp_registry.shared.web.memory_answer import RawAnswer
from tests.support.waiting import wait_until

HELD = b"held body"


class App:
    """A WSGI app holding ``/held`` (no query) in memory; anything else it answers itself."""

    def __init__(self) -> None:
        self.wsgi_paths: list[str] = []

    def answer_from_memory(
        self, method: str, path: str, query: str, headers: Sequence[tuple[bytes, bytes]]
    ) -> RawAnswer | None:
        if path != "/held" or query:
            return None
        return 200, [(b"x-from", b"memory"), (b"content-length", str(len(HELD)).encode())], HELD

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.wsgi_paths.append(environ["RAW_URI"])
        body = b"from the app " + environ["wsgi.input"].read()
        start_response("200 OK", [("X-From", "app"), ("Content-Length", str(len(body)))])
        return [body]


@pytest.fixture
def served() -> Iterator[tuple[int, App]]:
    app = App()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        WsgiOnAsgi(app, threads=2, max_body_bytes=1000, body_timeout=5),
        http=HeadTimeoutProtocol,
        lifespan="off",
        proxy_headers=False,
        log_level="warning",
        timeout_keep_alive=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=10, what="uvicorn started")
    try:
        yield sock.getsockname()[1], app
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class Responses:
    """Whole responses (by Content-Length) read off one connection, in order; bytes already
    received for the next response are kept for it."""

    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn
        self._buffer = b""

    def _more(self) -> None:
        chunk = self._conn.recv(65536)
        assert chunk, "connection closed early"
        self._buffer += chunk

    def next(self, *, head: bool = False) -> bytes:
        """The next response; ``head``: it answers a HEAD (its length names no body)."""
        while b"\r\n\r\n" not in self._buffer:
            self._more()
        head_part, _, _ = self._buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head_part.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length" and not head:
                length = int(value)
        end = len(head_part) + 4 + length
        while len(self._buffer) < end:
            self._more()
        response, self._buffer = self._buffer[:end], self._buffer[end:]
        return response


def read_responses(conn: socket.socket, count: int) -> list[bytes]:
    """``count`` whole responses from ``conn``."""
    responses = Responses(conn)
    return [responses.next() for _ in range(count)]


def closed(conn: socket.socket) -> bool:
    conn.settimeout(5)
    return conn.recv(1) == b""


def test_held_and_other_requests_share_one_kept_alive_connection(
    served: tuple[int, App],
) -> None:
    port, app = served
    with socket.create_connection(("127.0.0.1", port)) as conn:
        for path in (b"/held", b"/other", b"/held", b"/held?x=1"):
            conn.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: t\r\n\r\n")
            (response,) = read_responses(conn, 1)
            assert response.startswith(b"HTTP/1.1 200 OK\r\n")
            if path == b"/held":
                assert b"x-from: memory\r\n" in response
                assert response.endswith(HELD)
                assert b"\r\ndate: " in response  # the server's own headers as on any response
            else:
                assert b"x-from: app\r\n" in response
    assert app.wsgi_paths == ["/other", "/held?x=1"]


def test_head_sends_the_length_but_no_body(served: tuple[int, App]) -> None:
    port, _ = served
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"HEAD /held HTTP/1.1\r\nHost: t\r\n\r\nGET /held HTTP/1.1\r\nHost: t\r\n\r\n")
        responses = Responses(conn)
        head, get = responses.next(head=True), responses.next()
        assert f"content-length: {len(HELD)}".encode() in head
        assert head.endswith(b"\r\n\r\n")
        assert get.endswith(HELD)


def test_a_client_that_asks_for_close_gets_it(served: tuple[int, App]) -> None:
    port, _ = served
    for request in (
        b"GET /held HTTP/1.0\r\n\r\n",
        b"GET /held HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    ):
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(request)
            (response,) = read_responses(conn, 1)
            assert b"connection: close\r\n" in response
            assert response.endswith(HELD)
            assert closed(conn)


def test_pipelined_requests_are_answered_in_order(served: tuple[int, App]) -> None:
    port, app = served
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(
            b"GET /held HTTP/1.1\r\nHost: t\r\n\r\n"
            b"POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi"
            b"GET /held HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        first, second, third = read_responses(conn, 3)
    assert first.endswith(HELD)
    assert second.endswith(b"from the app hi")
    # The third was parsed while the second ran in the app: it waited its turn and went the
    # ordinary way (the real app answers a held read the same either way).
    assert b"x-from: app\r\n" in third
    assert app.wsgi_paths == ["/other", "/held"]


def test_a_read_with_a_body_goes_to_the_app(served: tuple[int, App]) -> None:
    port, app = served
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET /held HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
        (response,) = read_responses(conn, 1)
    assert response.endswith(b"from the app abc")
    assert app.wsgi_paths == ["/held"]
