"""What only the MongoDB backend needs: index-level guarantees and standalone-mode repair.

These run against the mongomock stand-in (a standalone server) and look at documents
directly, since they check what the module docstring of ``shared/storage/mongo.py`` promises
about its storage layout and crash recovery.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pymongo.errors import DuplicateKeyError

from mcp_registry.shared.event_model import SERVER_UPDATED
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.schema import VERSIONS
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.timestamps import to_micros
from tests.support.stores import ACTOR, T0, AtomicMongomockClient, as_mongo_client, at, new_version

NAME = "io.github.octo/weather"
DB = "registry"


@pytest.fixture
def stand_in() -> Iterator[AtomicMongomockClient]:
    client = AtomicMongomockClient()
    yield client
    client.close()


def make(stand_in: AtomicMongomockClient, *, repair_after: float = 60.0) -> MongoServerStore:
    store = MongoServerStore(
        MongoDatabase(as_mongo_client(stand_in), DB), repair_after=repair_after
    )
    store.init()
    return store


def test_standalone_server_means_no_transactions(stand_in: AtomicMongomockClient) -> None:
    store = make(stand_in)
    assert not store.uses_transactions()
    store.close()


def test_one_latest_per_name_is_enforced_by_an_index(stand_in: AtomicMongomockClient) -> None:
    store = make(stand_in)
    store.publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=at(0))
    store.publish(new_version(NAME, "0.5.0"), actor=ACTOR, now=at(1))
    versions = stand_in[DB][VERSIONS]
    with pytest.raises(DuplicateKeyError):
        versions.update_one({"name": NAME, "version": "0.5.0"}, {"$set": {"isLatest": True}})
    store.close()


def test_nothing_is_left_pending_after_writes(stand_in: AtomicMongomockClient) -> None:
    store = make(stand_in)
    store.publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=at(0))
    store.publish(new_version(NAME, "2.0.0"), actor=ACTOR, now=at(1))
    store.set_status(NAME, None, "deprecated", None, actor=ACTOR, now=at(2))
    pending = stand_in[DB][VERSIONS].find({"pendingSince": {"$exists": True}})
    assert list(pending) == []
    store.close()


def test_interrupted_writes_are_repaired(stand_in: AtomicMongomockClient) -> None:
    store = make(stand_in)
    store.publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=at(0))
    latest = store.publish(new_version(NAME, "2.0.0"), actor=ACTOR, now=at(1))
    store.database.mark_events_sent([e.id for e in store.database.pending_events()], now=at(2))
    versions = stand_in[DB][VERSIONS]
    just_now = to_micros(datetime.now(UTC))
    # As a crash would leave it: 2.0.0 lost latest to a publish that never got inserted, and
    # an edit of 1.0.0 is visible while its event still sits in the document.
    versions.update_one(
        {"name": NAME, "version": "2.0.0"}, {"$set": {"isLatest": False, "pendingSince": just_now}}
    )
    stranded = {
        "id": "stranded-event",
        "subject": SERVER_UPDATED,
        "payload": {"name": NAME, "version": "1.0.0", "seq": 99},
        "createdAt": 0,
        "order": 99,
    }
    versions.update_one(
        {"name": NAME, "version": "1.0.0"},
        {"$set": {"pendingSince": just_now}, "$push": {"pendingOutbox": stranded}},
    )
    assert store.get_latest(NAME) is None

    patient = make(stand_in, repair_after=3600.0)
    assert patient.database.pending_events() == [], "recent pending writes may still be in flight"

    eager = make(stand_in, repair_after=0.0)
    [event] = eager.database.pending_events()
    assert event.id == "stranded-event"
    repaired = eager.get_latest(NAME)
    assert repaired is not None
    assert repaired.version == "2.0.0"
    assert repaired.seq > latest.seq
    assert repaired.updated_at > T0
    assert list(versions.find({"pendingSince": {"$exists": True}})) == []
    for each in (store, patient, eager):
        each.close()
