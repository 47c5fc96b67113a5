"""The outbox relay against a real server: order, at-least-once, and NATS outages."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.event_model import SERVER_PUBLISHED, OutboxEvent, new_event
from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.events.embedded import EmbeddedNats
from mcp_registry.shared.events.relay import OutboxRelay
from tests.support.nats import BridgeFactory, stream_messages
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats

START = datetime(2025, 1, 2, tzinfo=UTC)


class MemoryOutbox:
    """A hand-written outbox implementing the relay's narrow protocol; real storage comes later."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[OutboxEvent] = []
        self.sent_at: dict[str, datetime] = {}
        self.fail_marks = 0  # Fail this many mark_events_sent calls (a store hiccup).
        self.fetches = 0

    def add(self, count: int) -> list[OutboxEvent]:
        with self._lock:
            new = [
                new_event(
                    SERVER_PUBLISHED,
                    {"n": len(self.events) + i},
                    now=START + timedelta(seconds=len(self.events) + i),
                )
                for i in range(count)
            ]
            self.events.extend(new)
            return new

    def pending_events(self, limit: int) -> list[OutboxEvent]:
        with self._lock:
            self.fetches += 1
            return [e for e in self.events if e.id not in self.sent_at][:limit]

    def mark_events_sent(self, ids: Sequence[str], *, now: datetime) -> None:
        with self._lock:
            if self.fail_marks:
                self.fail_marks -= 1
                raise RuntimeError("store unavailable")
            for event_id in ids:
                self.sent_at.setdefault(event_id, now)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self.events) - len(self.sent_at)


class FlakyPublisher:
    """Fails on the given call numbers (1-based), delegating the rest."""

    def __init__(self, inner: NatsBridge, fail_on: set[int]) -> None:
        self._inner = inner
        self._fail_on = fail_on
        self.calls = 0

    def publish_event(self, event: OutboxEvent) -> None:
        self.calls += 1
        if self.calls in self._fail_on:
            raise UpstreamUnavailable(detail="simulated")
        self._inner.publish_event(event)


@contextmanager
def running(relay: OutboxRelay) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=relay.run_forever, args=(stop,), name="relay")
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(5)
        assert not thread.is_alive()


def _ready_bridge(nats_server: EmbeddedNats, make_bridge: BridgeFactory) -> NatsBridge:
    bridge = make_bridge(nats_server.url, request_timeout=0.5)
    bridge.ensure_stream()
    return bridge


def test_run_once_publishes_in_order_and_marks_sent(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    outbox = MemoryOutbox()
    events = outbox.add(5)
    relay = OutboxRelay(outbox, _ready_bridge(nats_server, make_bridge), batch_size=3)

    assert relay.run_once() == 3
    assert relay.run_once() == 2
    assert relay.run_once() == 0
    assert [m.msg_id for m in stream_messages(nats_server.url)] == [e.id for e in events]
    assert outbox.pending == 0


def test_run_once_stops_at_first_failure(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    outbox = MemoryOutbox()
    events = outbox.add(5)
    publisher = FlakyPublisher(_ready_bridge(nats_server, make_bridge), fail_on={3})
    stamps = iter([START, START + timedelta(seconds=1)])
    relay = OutboxRelay(outbox, publisher, clock=lambda: next(stamps))

    assert relay.run_once() == 2
    assert set(outbox.sent_at) == {events[0].id, events[1].id}
    assert relay.run_once() == 3
    assert [m.msg_id for m in stream_messages(nats_server.url)] == [e.id for e in events]
    assert outbox.sent_at[events[4].id] == START + timedelta(seconds=1)


def test_resend_after_failed_mark_is_deduplicated(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    outbox = MemoryOutbox()
    events = outbox.add(3)
    relay = OutboxRelay(outbox, _ready_bridge(nats_server, make_bridge))
    outbox.fail_marks = 1

    with pytest.raises(RuntimeError, match="store unavailable"):
        relay.run_once()  # Published, but the store forgot it: all three go again.
    assert relay.run_once() == 3
    assert [m.msg_id for m in stream_messages(nats_server.url)] == [e.id for e in events]


def test_nothing_is_lost_while_nats_is_down(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    bridge = _ready_bridge(nats_server, make_bridge)
    outbox = MemoryOutbox()
    relay = OutboxRelay(outbox, bridge, batch_size=20, poll_interval=0.05, max_backoff=0.2)

    nats_server.stop()
    wait_until(lambda: not bridge.connected, what="the bridge to notice the outage")
    events = outbox.add(50)
    assert relay.run_once() == 0
    with running(relay):
        threading.Event().wait(0.3)  # Several failing sweeps with backoff.
        assert outbox.pending == 50
        assert outbox.sent_at == {}

        nats_server.start()  # Same port, same store dir.
        wait_until(lambda: outbox.pending == 0, what="the relay to drain the outbox")

    stored = stream_messages(nats_server.url)
    assert [m.msg_id for m in stored] == [e.id for e in events]
    assert [m.payload["n"] for m in stored] == list(range(50))


def test_notify_triggers_an_immediate_sweep(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    outbox = MemoryOutbox()
    relay = OutboxRelay(outbox, _ready_bridge(nats_server, make_bridge), poll_interval=30.0)
    with running(relay):
        wait_until(lambda: outbox.fetches == 1)  # The first sweep found nothing; now it idles.
        outbox.add(1)
        relay.notify()
        wait_until(lambda: outbox.pending == 0, timeout=2.0, what="the notified sweep")
