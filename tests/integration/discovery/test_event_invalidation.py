"""A write's outbox event travels through a real nats-server and empties discovery's cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcp_registry.services.discovery.wsgi import clear_on_changes
from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.events.relay import OutboxRelay
from tests.support.discovery import MakeDiscovery
from tests.support.nats import start_nats
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats


def test_published_event_clears_the_response_cache(
    make_discovery: MakeDiscovery, tmp_path: Path
) -> None:
    d = make_discovery()
    d.publish("com.example/a", "1.0.0")
    server = start_nats(tmp_path)
    writer = NatsBridge(server.url, name="writer", reconnect_wait=0.1)
    reader = NatsBridge(server.url, name="discovery", reconnect_wait=0.1)
    try:
        writer.start()
        reader.start()
        # Both connections, not only the reader's: a relay whose connection is not up yet
        # sends nothing (what made this test fail on a loaded machine).
        assert writer.wait_connected(5)
        assert reader.wait_connected(5)
        relay = OutboxRelay(d.store.database, writer)
        assert relay.run_once() == 1  # the first publish's event

        def fill_cache() -> None:
            d.client.simulate_get("/v0/servers")
            d.client.simulate_get("/v0/servers/com.example%2Fa/versions")
            assert len(d.cache) == 2

        fill_cache()
        clear_on_changes(reader, d.cache, d.store)
        # Registering on a live connection schedules one resync (a full clear) right away;
        # wait for it, so it cannot be mistaken for the event's effect.
        wait_until(lambda: len(d.cache) == 0, timeout=5, what="the resync of registering")
        fill_cache()

        d.publish("com.example/a", "1.1.0")
        assert relay.run_once() == 1
        wait_until(lambda: len(d.cache) == 0, timeout=5, what="cache cleared by the event")
        assert d.store.database.pending_events() == []
    finally:
        reader.close()
        writer.close()
        server.stop()
