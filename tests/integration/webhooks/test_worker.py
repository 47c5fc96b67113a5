"""The webhooks worker end to end: publish → relay (the feed's sequencer) → JetStream →
durable consumer → signed POST to a loopback receiver that fails first, then accepts. A
worker stopped while a change commits delivers it after its restart."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from mcp_registry.services.webhooks.worker import DURABLE, run_worker
from mcp_registry.shared.change_sequencer import SequencingOutbox
from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.config import Settings
from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.events.embedded import EmbeddedNats
from mcp_registry.shared.events.relay import OutboxRelay
from mcp_registry.shared.storage.factory import Stores, open_database
from mcp_registry.shared.storage.webhooks_port import Subscription
from mcp_registry.shared.webhook_secrets import new_secret
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.nats import consumer_exists, start_nats
from tests.support.stores import ACTOR, new_version
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats

NAME = "io.github.alice/weather"


@dataclass
class Stack:
    nats: EmbeddedNats
    stores: Stores
    settings: Settings
    relay_stop: threading.Event

    def publish(self, version: str) -> None:
        self.stores.servers.publish(new_version(NAME, version), actor=ACTOR, now=utcnow())


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    server = start_nats(tmp_path)
    stores = open_database(f"sqlite:///{tmp_path / 'registry.db'}")
    stores.init()
    settings = Settings(
        data_dir=str(tmp_path / "data"),
        nats_url=server.url,
        webhooks_allow_private_targets=True,
    )
    bridge = NatsBridge(server.url, name="relay", reconnect_wait=0.1)
    bridge.ensure_stream()
    relay = OutboxRelay(
        SequencingOutbox(stores.outbox, stores.servers, stores.changes), bridge, poll_interval=0.05
    )
    stop = threading.Event()
    relay_thread = threading.Thread(target=relay.run_forever, args=(stop,))
    relay_thread.start()
    yield Stack(server, stores, settings, stop)
    stop.set()
    relay_thread.join(10)
    bridge.close()
    stores.close()
    server.stop()


def _start_worker(stack: Stack) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker,
        args=(stack.settings, stack.stores.changes, stack.stores.webhooks, stop),
    )
    thread.start()
    wait_until(lambda: consumer_exists(stack.nats.url, DURABLE), what="the durable consumer")
    return thread, stop


def test_publish_reaches_a_receiver_that_fails_first_then_accepts(stack: Stack) -> None:
    statuses = iter([500])

    def respond(seen: Seen) -> Answer:
        return Answer(next(statuses, 200))

    with LocalServer(respond) as receiver:
        secret = new_secret()
        stack.stores.webhooks.add_subscription(
            Subscription(
                "sub-1", "alice", receiver.url, ("io.github.alice/*",), (), secret, utcnow()
            )
        )
        worker, stop = _start_worker(stack)
        try:
            stack.publish("1.0.0")
            wait_until(lambda: len(receiver.requests) >= 2, timeout=15, what="retry accepted")
            wait_until(
                lambda: stack.stores.webhooks.deliveries("sub-1")[0].state == "delivered",
                what="delivered",
            )
            # Stopped worker: the change committed meanwhile is delivered after the restart.
            stop.set()
            worker.join(15)
            stack.publish("1.1.0")
            wait_until(
                lambda: stack.stores.changes.head() >= 3, what="the relay sequenced the publish"
            )
            worker, stop = _start_worker(stack)
            wait_until(
                lambda: any(
                    d.state == "delivered" and d.body["version"] == "1.1.0"
                    for d in stack.stores.webhooks.deliveries("sub-1")
                ),
                timeout=15,
                what="the change made while the worker was down",
            )
        finally:
            stop.set()
            worker.join(15)
        first, retry = receiver.requests[0], receiver.requests[1]
        assert first.headers["webhook-id"] == retry.headers["webhook-id"]
        change = Webhook(secret).verify(retry.body, dict(retry.headers))
        assert change["type"] == "server.published"
        assert change["version"] == "1.0.0"
        assert change["server"]["server"]["name"] == NAME
