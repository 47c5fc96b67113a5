"""`./run dev` with default settings: slow and idle clients cannot stall reads; keep-alive.

The registry runs as the README starts it (two workers). The slow-client check opens 16
connections that never send anything and 16 that keep sending header lines without ever
finishing the head, then makes 10 ordinary reads while those are open.
"""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

import pytest

from mcp_registry.cli.registry.bench_slow_clients import check_slow_clients
from tests.e2e.conftest import RunningRegistry
from tests.support.nats import wait_until

pytestmark = pytest.mark.e2e


def test_reads_answer_while_slow_and_idle_clients_hold_connections(
    registry: RunningRegistry,
) -> None:
    result = check_slow_clients(registry.url, idle=16, slow=16, reads=10, within=3.0)
    assert result.answered == 10, result


def test_a_head_that_never_ends_is_cut_off(registry: RunningRegistry) -> None:
    parts = urlsplit(registry.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=1) as sock:
        sock.sendall(b"GET /v0/ping HTTP/1.1\r\nHost: test\r\n")
        closed = False

        def server_closed() -> bool:
            nonlocal closed
            try:
                sock.sendall(b"X-Still-Sending: 1\r\n")
                closed = sock.recv(1) == b""
            except TimeoutError:
                return False
            except OSError:
                closed = True
            return closed

        # The default header timeout is 5 s; a sender that keeps trickling is not let in.
        wait_until(server_closed, timeout=20, what="the server to close the connection")


def test_connections_are_kept_alive(registry: RunningRegistry) -> None:
    parts = urlsplit(registry.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", "/v0/servers?limit=5")
        first = conn.getresponse()
        first.read()
        sock = conn.sock
        assert first.status == 200
        assert first.getheader("Connection", "").lower() != "close"
        conn.request("GET", "/v0/servers?limit=5")
        second = conn.getresponse()
        second.read()
        assert second.status == 200
        assert conn.sock is sock  # the same connection answered both
    finally:
        conn.close()


def test_an_idle_connection_is_closed_after_the_keepalive(registry: RunningRegistry) -> None:
    parts = urlsplit(registry.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=1) as sock:

        def closed() -> bool:
            try:
                return sock.recv(1) == b""
            except TimeoutError:
                return False

        wait_until(closed, timeout=20, what="the idle connection to be closed")
