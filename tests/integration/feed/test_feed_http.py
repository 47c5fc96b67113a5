"""``GET /v0.1/x/dev.mcp-registry/changes`` over a real SQLite store (and real NATS for waits)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.change_signal import ChangeSignal
from mcp_registry.services.discovery.wsgi import wake_on_changes
from mcp_registry.shared.change_sequencer import SequencingOutbox
from mcp_registry.shared.config import Settings
from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.events.relay import OutboxRelay
from mcp_registry.shared.storage.sqlite.changes import SqliteChangeLog
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.nats import start_nats
from tests.support.stores import ACTOR, Ticker, new_version
from tests.support.waiting import wait_until

FEED = "/v0.1/x/dev.mcp-registry/changes"
NAME = "io.github.alice/weather"


@dataclass
class Feed:
    client: falcon.testing.TestClient
    store: SqliteServerStore
    changes: SqliteChangeLog
    signal: ChangeSignal
    source: SequencingOutbox
    clock: Ticker

    def publish(self, version: str, name: str = NAME) -> None:
        self.store.publish(new_version(name, version), actor=ACTOR, now=self.clock())

    def sequence(self) -> None:
        """What the relay does first with pending events (without NATS here)."""
        events = self.source.pending_events(100)
        self.source.mark_events_sent([e.id for e in events], now=self.clock())

    def get(self, **params: Any) -> falcon.testing.Result:
        return self.client.simulate_get(FEED, params=params)


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[Feed]:
    database = SqliteDatabase(tmp_path / "registry.db")
    store, changes = SqliteServerStore(database), SqliteChangeLog(database)
    store.init()
    changes.init()
    signal = ChangeSignal()
    app = create_app(Settings(), store=store, changes=changes, change_signal=signal)
    yield Feed(
        falcon.testing.TestClient(app),
        store,
        changes,
        signal,
        SequencingOutbox(database, store, changes),
        Ticker(),
    )
    database.close()


def test_changes_carry_type_token_and_the_server_after_the_change(feed: Feed) -> None:
    feed.publish("1.0.0")
    feed.publish("1.1.0")
    feed.store.set_status(NAME, "1.0.0", "deprecated", "use 1.1", actor=ACTOR, now=feed.clock())
    feed.sequence()
    body = feed.get().json
    kinds = [(c["type"], c["version"]) for c in body["changes"]]
    assert kinds == [
        ("server.published", "1.0.0"),
        ("server.published", "1.1.0"),
        ("server.updated", "1.0.0"),  # lost isLatest
        ("server.status_changed", "1.0.0"),
    ]
    first, _, lost, deprecated = body["changes"]
    official = "io.modelcontextprotocol.registry/official"
    assert first["server"]["server"]["name"] == NAME
    assert first["name"] == NAME
    assert first["at"].endswith("Z")
    assert deprecated["server"]["_meta"][official]["status"] == "deprecated"
    assert body["metadata"] == {"nextToken": deprecated["token"], "count": 4}
    # Resuming from a token returns what followed it, and nothing once at the head.
    after = feed.get(since=first["token"]).json
    assert [c["token"] for c in after["changes"]] == [c["token"] for c in body["changes"][1:]]
    head = feed.get(since=body["metadata"]["nextToken"]).json
    assert head == {"changes": [], "metadata": {"nextToken": deprecated["token"], "count": 0}}
    assert lost["server"]["_meta"][official]["isLatest"] is False


def test_pages_follow_limit_and_full_pages_are_immutable(feed: Feed) -> None:
    for n in range(5):
        feed.publish(f"1.0.{n}", name=f"io.github.alice/s{n}")
    feed.sequence()
    page = feed.get(limit=2)
    assert page.json["metadata"]["count"] == 2
    assert "immutable" in page.headers["Cache-Control"]
    rest = feed.get(since=page.json["metadata"]["nextToken"], limit=10)
    assert rest.json["metadata"]["count"] == 3
    assert rest.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = feed.client.simulate_get(
        FEED,
        params={"since": page.json["metadata"]["nextToken"], "limit": "10"},
        headers={"If-None-Match": rest.headers["ETag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"since": "abc"}, "query.since"),
        ({"since": "-1"}, "query.since"),
        ({"limit": "0"}, "query.limit"),
        ({"limit": "101"}, "query.limit"),
        ({"wait": "31"}, "query.wait"),
        ({"wait": "soon"}, "query.wait"),
    ],
)
def test_bad_parameters_are_422_problems(feed: Feed, params: dict[str, str], location: str) -> None:
    result = feed.get(**params)
    assert result.status_code == 422
    assert result.headers["Content-Type"].startswith("application/problem+json")
    assert [e["location"] for e in result.json["errors"]] == [location]


def test_the_feed_is_an_extension_of_v0_1_only(feed: Feed) -> None:
    assert feed.client.simulate_get("/v0/x/dev.mcp-registry/changes").status_code == 404


def test_a_wait_at_the_head_returns_empty_when_nothing_commits(feed: Feed) -> None:
    started = time.monotonic()
    body = feed.get(wait="0.3").json
    assert body["metadata"]["count"] == 0
    assert time.monotonic() - started >= 0.3


@pytest.mark.nats
def test_a_long_poll_is_answered_within_a_second_of_the_commit(feed: Feed, tmp_path: Path) -> None:
    server = start_nats(tmp_path)
    relay_bridge = NatsBridge(server.url, name="relay", reconnect_wait=0.1)
    discovery_bridge = NatsBridge(server.url, name="discovery", reconnect_wait=0.1)
    stop = threading.Event()
    try:
        assert relay_bridge.wait_connected(5)
        assert discovery_bridge.wait_connected(5)
        wake_on_changes(discovery_bridge, feed.signal)
        relay = OutboxRelay(feed.source, relay_bridge, poll_interval=0.05)
        relay_thread = threading.Thread(target=relay.run_forever, args=(stop,))
        relay_thread.start()
        answer: dict[str, Any] = {}

        def poll() -> None:
            started = time.monotonic()
            answer["body"] = feed.get(wait="20").json
            answer["elapsed"] = time.monotonic() - started

        poller = threading.Thread(target=poll)
        poller.start()
        wait_until(lambda: feed.signal.waiting == 1, timeout=5, what="the poll waiting")
        committed = time.monotonic()
        feed.publish("2.0.0")
        relay.notify()
        poller.join(20)
        answered_after = time.monotonic() - committed
        assert answer["body"]["changes"][0]["version"] == "2.0.0"
        assert answered_after < 1.0
        stop.set()
        relay_thread.join(10)
    finally:
        stop.set()
        discovery_bridge.close()
        relay_bridge.close()
        server.stop()
