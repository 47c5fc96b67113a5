"""The feed keeps advancing while NATS is down, and the events follow once it is back."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcp_registry.shared.change_sequencer import SequencingOutbox
from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.events.relay import OutboxRelay
from mcp_registry.shared.storage.factory import open_database
from tests.support.nats import start_nats, stream_messages
from tests.support.stores import ACTOR, Ticker, new_version
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats


def test_changes_enter_the_feed_during_a_nats_outage(tmp_path: Path) -> None:
    stores = open_database(f"sqlite:///{tmp_path / 'registry.db'}")
    stores.init()
    server = start_nats(tmp_path)
    port = server.port
    server.stop()  # NATS is down from the start
    bridge = NatsBridge(f"nats://127.0.0.1:{port}", name="relay", reconnect_wait=0.1)
    clock = Ticker()
    try:
        relay = OutboxRelay(SequencingOutbox(stores.outbox, stores.servers, stores.changes), bridge)
        stores.servers.publish(new_version("io.github.a/x", "1.0.0"), actor=ACTOR, now=clock())
        assert relay.run_once() == 0  # nothing reached NATS
        assert [c.version for c in stores.changes.read(0, 10)] == ["1.0.0"]
        assert relay.run_once() == 0  # seen again: not appended twice
        assert stores.changes.head() == 1

        restarted = start_nats(tmp_path, port=port)
        try:
            bridge.ensure_stream()
            wait_until(
                lambda: relay.run_once() == 1, what="the relay delivering after NATS returned"
            )
            assert [m.payload["version"] for m in stream_messages(restarted.url)] == ["1.0.0"]
            assert stores.changes.head() == 1
        finally:
            restarted.stop()
    finally:
        bridge.close()
        stores.close()
