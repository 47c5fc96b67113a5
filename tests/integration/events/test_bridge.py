"""NatsBridge lifecycle: connecting late, surviving restarts, delivering to sync handlers."""

from __future__ import annotations

import queue
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mcp_registry.shared.event_model import SERVER_PUBLISHED, SERVER_UPDATED, new_event
from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.events.embedded import EmbeddedNats
from tests.support.http import free_port
from tests.support.nats import BridgeFactory, stream_messages
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats

NOW = datetime(2025, 1, 2, tzinfo=UTC)
Received = queue.Queue[tuple[str, dict[str, Any], str]]


def _collector(into: Received) -> Any:
    def handle(subject: str, payload: dict[str, Any]) -> None:
        into.put((subject, payload, threading.current_thread().name))

    return handle


def test_bridge_started_before_the_server_connects_when_it_appears(
    tmp_path: Path, make_bridge: BridgeFactory
) -> None:
    port = free_port()
    bridge = make_bridge(f"nats://127.0.0.1:{port}")
    received: Received = queue.Queue()
    bridge.subscribe("registry.events.>", _collector(received))  # Before any server exists.
    assert not bridge.wait_connected(0.3)

    with EmbeddedNats(tmp_path / "nats", port=port) as server:
        assert bridge.wait_connected(10)
        bridge.ensure_stream()
        event = new_event(SERVER_PUBLISHED, {"name": "io.github.a/b"}, now=NOW)
        bridge.publish_event(event)
        assert [m.msg_id for m in stream_messages(server.url)] == [event.id]
        subject, payload, _ = received.get(timeout=5)
        assert (subject, payload) == (SERVER_PUBLISHED, event.payload)


def test_subscribe_handler_runs_off_the_loop_in_order(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    listener = make_bridge(nats_server.url, name="listener")
    received: Received = queue.Queue()
    listener.subscribe("registry.events.server.*", _collector(received))
    assert listener.wait_connected(5)
    publisher = make_bridge(nats_server.url, name="publisher")
    publisher.ensure_stream()

    events = [new_event(SERVER_UPDATED, {"n": n}, now=NOW) for n in range(10)]
    for event in events:
        publisher.publish_event(event)

    got = [received.get(timeout=5) for _ in events]
    assert [payload["n"] for _, payload, _ in got] == list(range(10))
    assert {subject for subject, _, _ in got} == {SERVER_UPDATED}
    assert all(thread.startswith("listener-handler") for _, _, thread in got)


def test_bridge_reconnects_after_a_restart(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    bridge = make_bridge(nats_server.url)
    connections: queue.Queue[str] = queue.Queue()
    bridge.on_connected(lambda: connections.put("up"))
    received: Received = queue.Queue()
    bridge.subscribe("registry.events.>", _collector(received))
    assert bridge.wait_connected(5)
    assert connections.get(timeout=5) == "up"

    nats_server.stop()
    wait_until(lambda: not bridge.connected, what="the bridge to notice the outage")
    nats_server.start()
    assert bridge.wait_connected(10)
    assert connections.get(timeout=5) == "up"

    bridge.publish_event(new_event(SERVER_PUBLISHED, {"after": "restart"}, now=NOW))
    assert received.get(timeout=5)[1] == {"after": "restart"}  # Subscription came back too.


def test_close_is_thorough_and_final(nats_server: EmbeddedNats) -> None:
    before = set(threading.enumerate())
    bridge = NatsBridge(nats_server.url, name="closing")
    bridge.subscribe("registry.events.>", lambda subject, payload: None)
    assert bridge.wait_connected(5)
    bridge.close()
    bridge.close()

    assert not bridge.connected
    assert [t.name for t in set(threading.enumerate()) - before] == []
    with pytest.raises(RuntimeError, match="closed"):
        bridge.start()


def test_unused_bridge_starts_nothing(nats_server: EmbeddedNats) -> None:
    before = set(threading.enumerate())
    bridge = NatsBridge(nats_server.url)
    assert not bridge.connected
    assert set(threading.enumerate()) == before
    bridge.close()
