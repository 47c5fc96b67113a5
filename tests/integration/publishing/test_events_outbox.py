"""Publishes survive a NATS outage: every event reaches JetStream exactly once afterwards."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from mcp_registry.shared.event_model import SERVER_PUBLISHED
from mcp_registry.shared.events.embedded import EmbeddedNats
from mcp_registry.shared.events.relay import OutboxRelay
from tests.support.http import request
from tests.support.nats import BridgeFactory, stream_messages
from tests.support.publishing import MakePublishing
from tests.support.server_json import MakeServerJson
from tests.support.stores import MakeStore
from tests.support.waiting import wait_until
from tests.support.wsgi_server import served

pytestmark = pytest.mark.nats

NAME = "io.github.alice/events"


def test_stop_nats_publish_50_start_nats_all_50_events_arrive_once(
    make_publishing: MakePublishing,
    make_store: MakeStore,
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    make_server_json: MakeServerJson,
) -> None:
    p = make_publishing(make_store())
    bridge = make_bridge(nats_server.url, request_timeout=0.5)
    bridge.ensure_stream()
    relay = OutboxRelay(
        p.store.database, bridge, batch_size=20, poll_interval=0.05, max_backoff=0.2
    )
    nats_server.stop()
    wait_until(lambda: not bridge.connected, what="the bridge to notice the outage")

    headers = {**p.tokens.bearer(("io.github.alice/*",)), "Content-Type": "application/json"}

    def publish(i: int) -> int:
        body = json.dumps(make_server_json(name=NAME, version=f"1.0.{i}")).encode()
        return request(base, "POST", "/v0/publish", headers=headers, body=body).status

    with served(p.app) as base, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(publish, range(50)))
    assert statuses == [200] * 50
    assert relay.run_once() == 0  # NATS is down: nothing sent, nothing lost.

    stop = threading.Event()
    thread = threading.Thread(target=relay.run_forever, args=(stop,))
    thread.start()
    try:
        nats_server.start()  # Same port, same store dir.
        wait_until(
            lambda: not p.store.database.pending_events(), timeout=20, what="the outbox to drain"
        )
    finally:
        stop.set()
        thread.join(5)
    relay.run_once()  # A second pass re-sends nothing.

    stored = stream_messages(nats_server.url)
    published = [m for m in stored if m.subject == SERVER_PUBLISHED]
    assert len(published) == 50
    assert len({m.msg_id for m in published}) == 50
    assert sorted(m.payload["version"] for m in published) == sorted(f"1.0.{i}" for i in range(50))
