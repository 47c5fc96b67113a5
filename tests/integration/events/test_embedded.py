"""EmbeddedNats starts a real JetStream server, stops it cleanly and restarts it in place."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from mcp_registry.shared.events.embedded import EmbeddedNats, EmbeddedNatsError
from tests.support.nats import stream_exists, stream_messages

pytestmark = pytest.mark.nats


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_start_serves_jetstream_and_stop_frees_the_port(tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path / "nats", monitor_port=0)
    server.start()
    try:
        assert server.running
        assert server.url == f"nats://127.0.0.1:{server.port}"
        assert server.monitor_port
        assert _accepts(server.port)
        assert stream_messages(server.url) == []  # JetStream answers; no stream yet.
    finally:
        server.stop()
    assert server.pid is None
    assert not _accepts(server.port)
    server.stop()  # Idempotent.


def test_restart_keeps_port_and_streams(tmp_path: Path) -> None:
    from mcp_registry.shared.events.bridge import NatsBridge

    with EmbeddedNats(tmp_path / "nats") as server:
        port = server.port
        with NatsBridge(server.url, name="embedded-test") as bridge:
            bridge.ensure_stream()
        server.stop()
        server.start()
        assert server.port == port
        assert stream_exists(server.url)


def test_url_before_start_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddedNatsError, match="not been started"):
        _ = EmbeddedNats(tmp_path).url


def test_start_failure_reports_the_server_log(tmp_path: Path) -> None:
    with EmbeddedNats(tmp_path / "first") as first:
        clash = EmbeddedNats(tmp_path / "second", port=first.port, startup_timeout=5.0)
        with pytest.raises(EmbeddedNatsError, match="exited with status") as caught:
            clash.start()
        assert "address already in use" in str(caught.value).lower()
        assert not clash.running
