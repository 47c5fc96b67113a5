"""The change feed never skips a committed change, with slow and fast writers interleaved.

Writers publish concurrently; some are slow (each of their database operations, or their
whole transaction, takes far longer), so a write that took its ``seq`` early commits after
writes that took later ones. The relay (the feed's sequencer) runs all the while, and a reader
follows the feed by token only, as a consumer resuming from ``nextToken`` would. At the end
the reader must have seen every committed change, each once, in position order.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mcp_registry.shared.change_sequencer import SequencingOutbox
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.events.relay import OutboxRelay
from mcp_registry.shared.storage.changes_port import ChangeLog, ChangeRecord
from mcp_registry.shared.storage.database import Outbox
from mcp_registry.shared.storage.mongo.changes import MongoChangeLog
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite.changes import SqliteChangeLog
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.stores import ACTOR, AtomicMongomockClient, Ticker, as_mongo_client, new_version

WRITERS = 6
SLOW_WRITERS = (0, 3)
VERSIONS_PER_WRITER = 8
FAST_LATENCY = 0.0002
SLOW_LATENCY = 0.006

_slow = threading.local()


def _latency() -> float:
    return SLOW_LATENCY if getattr(_slow, "on", False) else FAST_LATENCY


class SlowSqliteDatabase(SqliteDatabase):
    """SQLite whose write transactions last longer in threads marked slow."""

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with super().write() as conn:
            yield conn
            if getattr(_slow, "on", False):
                threading.Event().wait(SLOW_LATENCY * 5)  # Holding the write lock.


@dataclass
class Backend:
    servers: ServerStore
    outbox: Outbox
    changes: ChangeLog
    close: Callable[[], None]


@pytest.fixture(params=["sqlite", "mongodb-stand-in"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        sqlite = SlowSqliteDatabase(tmp_path / "registry.db")
        chosen = Backend(SqliteServerStore(sqlite), sqlite, SqliteChangeLog(sqlite), sqlite.close)
    else:
        client = AtomicMongomockClient(latency=_latency)
        mongo = MongoDatabase(as_mongo_client(client), "mcp_registry_test")

        def close() -> None:
            mongo.close()
            client.close()

        chosen = Backend(MongoServerStore(mongo), mongo, MongoChangeLog(mongo), close)
    chosen.servers.init()
    chosen.changes.init()
    yield chosen
    chosen.close()


class RecordingPublisher:
    """Stands where NATS would: keeps the events in the order the relay published them."""

    def __init__(self) -> None:
        self.events: list[OutboxEvent] = []

    def publish_event(self, event: OutboxEvent) -> None:
        self.events.append(event)


def _follow(changes: ChangeLog, seen: list[ChangeRecord], stop: threading.Event) -> None:
    """A consumer: resume from the last token only, small pages, until told to stop."""
    token = 0
    while True:
        stopping = stop.is_set()
        page = changes.read(token, 5)
        seen.extend(page)
        if page:
            token = page[-1].position
        elif stopping:
            return


def test_a_reader_following_tokens_sees_every_committed_change(backend: Backend) -> None:
    clock = Ticker()
    publisher = RecordingPublisher()
    relay = OutboxRelay(
        SequencingOutbox(backend.outbox, backend.servers, backend.changes),
        publisher,
        batch_size=3,
        poll_interval=0.001,
    )
    start = threading.Barrier(WRITERS + 1)
    failures: list[BaseException] = []

    def write(index: int) -> None:
        _slow.on = index in SLOW_WRITERS
        try:
            start.wait()
            for n in range(VERSIONS_PER_WRITER):
                new = new_version(f"io.github.w{index}/server", f"1.0.{n}")
                backend.servers.publish(new, actor=ACTOR, now=clock())
        except BaseException as exc:  # reported below, the thread must not die silently
            failures.append(exc)

    relay_stop, reader_stop = threading.Event(), threading.Event()
    seen: list[ChangeRecord] = []
    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    relay_thread = threading.Thread(target=relay.run_forever, args=(relay_stop,))
    reader = threading.Thread(target=_follow, args=(backend.changes, seen, reader_stop))
    for thread in (*threads, relay_thread, reader):
        thread.start()
    start.wait()
    for thread in threads:
        thread.join(60)
    assert not failures
    # Drain: every committed event gets sequenced, then the reader catches up and stops.
    while relay.run_once():
        pass
    relay_stop.set()
    relay_thread.join(10)
    while relay.run_once():
        pass
    reader_stop.set()
    reader.join(30)

    published = {
        (f"io.github.w{i}/server", f"1.0.{n}")
        for i in range(WRITERS)
        for n in range(VERSIONS_PER_WRITER)
    }
    kinds = {(c.name, c.version) for c in seen if c.type == "server.published"}
    assert kinds == published, "the reader missed committed publishes"
    positions = [c.position for c in seen]
    assert positions == list(range(1, len(seen) + 1)), "positions skipped or repeated"
    assert positions == [c.position for c in backend.changes.read(0, 10_000)]
    # Each publish after the first of a name took isLatest from the previous version.
    losers = {(c.name, c.version) for c in seen if c.type == "server.updated"}
    assert len(losers) == WRITERS * (VERSIONS_PER_WRITER - 1)
    for change in seen:
        assert change.server["server"]["version"] == change.version


def test_the_mongodb_writers_really_committed_out_of_seq_order(tmp_path: Path) -> None:
    """The hazard the feed defends against happens here: a feed by ``seq`` would skip."""
    client = AtomicMongomockClient(latency=_latency)
    mongo = MongoDatabase(as_mongo_client(client), "mcp_registry_test")
    servers = MongoServerStore(mongo)
    servers.init()
    clock = Ticker()
    order: list[int] = []
    stop = threading.Event()

    def relay() -> None:
        while not stop.is_set() or mongo.pending_events(1):
            events = mongo.pending_events(100)
            order.extend(int(e.payload["seq"]) for e in events)
            mongo.mark_events_sent([e.id for e in events], now=clock())

    def write(index: int) -> None:
        _slow.on = index in SLOW_WRITERS
        for n in range(VERSIONS_PER_WRITER):
            servers.publish(
                new_version(f"io.github.w{index}/server", f"1.0.{n}"), actor=ACTOR, now=clock()
            )

    relay_thread = threading.Thread(target=relay)
    relay_thread.start()
    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stop.set()
    relay_thread.join(30)
    mongo.close()
    client.close()
    inversions = sum(1 for a, b in itertools.pairwise(order) if a > b)
    assert inversions > 0, "no write committed after one with a later seq: the test is too tame"
