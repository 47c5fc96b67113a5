"""follow_events: discovery-style consumers get every event and a resync on reconnects."""

from __future__ import annotations

import queue
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from mcp_registry.shared.event_model import DOMAIN_VERIFIED, SERVER_PUBLISHED, new_event
from mcp_registry.shared.events.consumer import follow_events
from mcp_registry.shared.events.embedded import EmbeddedNats
from tests.support.nats import BridgeFactory
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats

NOW = datetime(2025, 1, 2, tzinfo=UTC)
Events = queue.Queue[tuple[str, dict[str, Any]]]


def _putter(into: Events) -> Callable[[str, dict[str, Any]], None]:
    def put(subject: str, payload: dict[str, Any]) -> None:
        into.put((subject, payload))

    return put


def test_every_worker_gets_every_event_and_resyncs_after_reconnect(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    workers = [make_bridge(nats_server.url, name=f"worker{i}") for i in range(2)]
    events: list[Events] = [queue.Queue() for _ in workers]
    resyncs: list[queue.Queue[None]] = [queue.Queue() for _ in workers]
    for worker, got, resynced in zip(workers, events, resyncs, strict=True):
        follow_events(worker, _putter(got), on_resync=partial(resynced.put, None))
        assert worker.wait_connected(5)
        resynced.get(timeout=5)  # The first connection counts: events may predate it.

    publisher = make_bridge(nats_server.url, name="relay")
    publisher.ensure_stream()
    publisher.publish_event(new_event(SERVER_PUBLISHED, {"name": "x"}, now=NOW))
    publisher.publish_event(new_event(DOMAIN_VERIFIED, {"domain": "example.com"}, now=NOW))
    for got in events:  # No queue group: each worker's cache needs every event.
        assert got.get(timeout=5) == (SERVER_PUBLISHED, {"name": "x"})
        assert got.get(timeout=5) == (DOMAIN_VERIFIED, {"domain": "example.com"})

    nats_server.stop()
    wait_until(lambda: not any(w.connected for w in workers), what="workers to notice")
    nats_server.start()
    for resynced in resyncs:
        resynced.get(timeout=10)
