"""The ``mcp_registry_cdn_purge`` hook: once per server event per deployment, failures contained."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from mcp_registry.services.discovery.wsgi import purge_cdn_on_changes
from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.event_model import DOMAIN_VERIFIED, SERVER_PUBLISHED, new_event
from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.plugins.markers import hookimpl
from tests.support.nats import start_nats
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats


class RecordingPurger:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.lock = threading.Lock()

    @hookimpl
    def mcp_registry_cdn_purge(self, surrogate_keys: Sequence[str]) -> None:
        with self.lock:
            self.calls.append(list(surrogate_keys))


class BrokenPurger:
    @hookimpl
    def mcp_registry_cdn_purge(self, surrogate_keys: Sequence[str]) -> None:
        raise RuntimeError("CDN API down")


def test_host_knows_whether_anyone_purges() -> None:
    host = PluginHost()
    assert host.purges_cdn is False
    host.register(RecordingPurger(), "recording")
    assert host.purges_cdn is True


def test_a_failing_purger_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    host = PluginHost()
    recording = RecordingPurger()
    host.register(BrokenPurger(), "broken")
    host.register(recording, "recording")
    host.purge_cdn(["servers", "server:com.example/a"])
    assert recording.calls == [["servers", "server:com.example/a"]]
    assert "CDN purge by plugin 'broken' failed" in caplog.text


def test_each_server_event_is_purged_once_across_workers(tmp_path: Path) -> None:
    server = start_nats(tmp_path)
    recording = RecordingPurger()
    host = PluginHost()
    host.register(recording, "recording")
    bridges = [NatsBridge(server.url, name=f"b{i}", reconnect_wait=0.1) for i in range(3)]
    try:
        for bridge in bridges:
            bridge.start()
            assert bridge.wait_connected(5)
        writer, *workers = bridges
        for worker in workers:  # two discovery workers, one queue group
            # Active on the server when this returns (the bridge is connected).
            purge_cdn_on_changes(worker, host)
        writer.ensure_stream()
        writer.publish_event(new_event(SERVER_PUBLISHED, {"name": "com.example/a"}, now=utcnow()))
        writer.publish_event(new_event(DOMAIN_VERIFIED, {"domain": "example.com"}, now=utcnow()))
        writer.publish_event(new_event(SERVER_PUBLISHED, {"name": "com.example/b"}, now=utcnow()))
        wait_until(lambda: len(recording.calls) >= 2, timeout=5, what="two purges")
        time.sleep(0.3)  # a duplicate delivery would show up by now
        assert sorted(recording.calls) == [
            ["servers", "server:com.example/a"],
            ["servers", "server:com.example/b"],
        ]
    finally:
        for bridge in bridges:
            bridge.close()
        server.stop()
