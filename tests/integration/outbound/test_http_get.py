"""``http_get`` lets go of its socket on every path, also when it refuses a body for its size.

A socket left to the garbage collector warns (``ResourceWarning``) whenever a collection
happens to run, in whichever test that is; so the socket must be closed when the call ends.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from mcp_registry.shared.outbound_http import ResponseTooLarge, http_get
from tests.support.local_http import Answer, LocalServer


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[socket.socket]:
    """Every socket ``http_get`` connects (real sockets, only recorded)."""
    sockets: list[socket.socket] = []
    real = socket.create_connection

    def create_connection(*args: Any, **kwargs: Any) -> socket.socket:
        sock = real(*args, **kwargs)
        sockets.append(sock)
        return sock

    # http_get looks ``socket.create_connection`` up at each call; the local server never uses it.
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return sockets


def test_a_body_refused_for_its_size_leaves_no_socket_open(opened: list[socket.socket]) -> None:
    with LocalServer(lambda seen: Answer(200, b"x" * 5000)) as server:
        with pytest.raises(ResponseTooLarge) as raised:
            http_get(server.url + "/big", timeout=5.0, max_bytes=100)
        # ``raised`` still holds the call's frames (and so its response): nothing but an
        # explicit close can have released the socket by now.
        assert "the limit is 100" in str(raised.value)
        assert [sock.fileno() for sock in opened] == [-1]


def test_an_answered_request_leaves_no_socket_open(opened: list[socket.socket]) -> None:
    with LocalServer(lambda seen: Answer(200, b"small")) as server:
        reply = http_get(server.url + "/small", timeout=5.0, max_bytes=100)
    assert reply.body == b"small"
    assert [sock.fileno() for sock in opened] == [-1]
