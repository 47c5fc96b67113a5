"""The events stream: idempotent set-up, publishing with Nats-Msg-Id, and deduplication."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.event_model import SERVER_PUBLISHED, STREAM_NAME, new_event
from mcp_registry.shared.events.embedded import EmbeddedNats
from mcp_registry.shared.events.stream import StreamSettings
from tests.support.nats import (
    BridgeFactory,
    stream_duplicate_window,
    stream_exists,
    stream_messages,
)

pytestmark = pytest.mark.nats

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_ensure_stream_is_idempotent(nats_server: EmbeddedNats, make_bridge: BridgeFactory) -> None:
    bridge = make_bridge(nats_server.url)
    assert not stream_exists(nats_server.url)
    bridge.ensure_stream()
    bridge.ensure_stream()
    assert stream_exists(nats_server.url)
    assert stream_duplicate_window(nats_server.url) == 120.0


def test_ensure_stream_updates_a_differing_stream(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    make_bridge(nats_server.url, stream=StreamSettings(duplicate_window=30.0)).ensure_stream()
    assert stream_duplicate_window(nats_server.url) == 30.0
    make_bridge(nats_server.url).ensure_stream()
    assert stream_duplicate_window(nats_server.url) == 120.0


def test_published_event_is_stored_with_its_id(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    bridge = make_bridge(nats_server.url)
    bridge.ensure_stream()
    event = new_event(SERVER_PUBLISHED, {"name": "io.github.a/b", "version": "1.0.0"}, now=NOW)
    bridge.publish_event(event)
    [stored] = stream_messages(nats_server.url, STREAM_NAME)
    assert stored.subject == SERVER_PUBLISHED
    assert stored.msg_id == event.id
    assert stored.payload == event.payload


def test_duplicate_msg_id_is_stored_once(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    bridge = make_bridge(nats_server.url)
    bridge.ensure_stream()
    event = new_event(SERVER_PUBLISHED, {"name": "io.github.a/b"}, now=NOW)
    bridge.publish_event(event)
    bridge.publish_event(event)
    assert [m.msg_id for m in stream_messages(nats_server.url)] == [event.id]


def test_publish_creates_a_missing_stream(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    # Creating the stream and publishing share one timeout; give a loaded machine room.
    bridge = make_bridge(nats_server.url, request_timeout=5.0)
    assert bridge.wait_connected(5)
    bridge.publish_event(new_event(SERVER_PUBLISHED, {}, now=NOW))
    assert len(stream_messages(nats_server.url)) == 1


def test_publish_while_disconnected_fails_promptly(make_bridge: BridgeFactory) -> None:
    from tests.support.http import free_port

    bridge = make_bridge(f"nats://127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable, match="not connected"):
        bridge.publish_event(new_event(SERVER_PUBLISHED, {}, now=NOW))
    assert time.monotonic() - started < 0.5
