"""Slow and idle clients cannot stall reads; keep-alive; header and body timeouts.

First `./run dev` with default settings, as the README starts it (two workers); then
`mcp-registry serve all` with each worker model. The slow-client check opens 16 connections
that never send anything and 16 that keep sending header lines without ever finishing the
head, then makes 10 ordinary reads while those are open.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from benchmarks.slow_clients import check_slow_clients
from benchmarks.stack import Served, start_registry
from tests.support.registry_process import RunningRegistry
from tests.support.waiting import wait_until

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


@pytest.fixture(scope="module", params=["asgi", "gthread"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """``mcp-registry serve all`` with each worker model and short body/header timeouts."""
    workdir = tmp_path_factory.mktemp(f"serve-{request.param}")
    registry = start_registry(
        request.param,
        data_dir=workdir,
        database_url=f"sqlite:///{workdir / 'registry.db'}",
        workers=2,
        cache_entries=64,
        extra_env={
            "MCP_REGISTRY_WORKER_MODEL": request.param,
            "MCP_REGISTRY_JWT_PRIVATE_KEY": "5e" * 32,
            "MCP_REGISTRY_HTTP_HEADER_TIMEOUT": "2",
            "MCP_REGISTRY_HTTP_BODY_TIMEOUT": "2",
        },
    )
    yield registry
    registry.stop()


def test_each_worker_model_keeps_answering_beside_slow_clients(served: Served) -> None:
    result = check_slow_clients(served.url, idle=16, slow=16, reads=10, within=3.0)
    assert result.answered == 10, result


def test_each_worker_model_keeps_raw_paths_and_connections(served: Served) -> None:
    parts = urlsplit(served.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", "/v0/servers/io.github.a%2Fb/versions/latest")
        missing = conn.getresponse()
        body = missing.read()
        sock = conn.sock
        assert missing.status == 404
        assert b"io.github.a/b" in body  # one name, not two path segments
        conn.request("GET", "/v0/ping")
        assert conn.getresponse().status == 200
        assert conn.sock is sock
    finally:
        conn.close()


def test_a_stalled_body_ends_the_request(served: Served) -> None:
    parts = urlsplit(served.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=15) as sock:
        sock.sendall(
            b"POST /v0/validate HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        answer = b""

        def ended() -> bool:
            nonlocal answer
            chunk = sock.recv(4096)
            answer += chunk
            return not chunk or b"\r\n\r\n" in answer

        wait_until(ended, timeout=15, what="the stalled request to end")
        assert answer.startswith(b"HTTP/1.1 408")
