"""The MongoDB store on a replica-set primary scripted on the wire (mockupdb): transactions run,
and faults a real deployment produces are injected where mongomock cannot reach.

Each test states the fault and what the store must do: retry and write once, report a
retryable 503 within the deadline, or land exactly once under an unknown commit result.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from mcp_registry.shared.errors import Conflict, StorageError
from mcp_registry.shared.storage.factory import open_database
from mcp_registry.shared.storage.mongo.connection import Timeouts
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.failures import StorageUnavailable
from mcp_registry.shared.storage.mongo.schema import COUNTERS, OUTBOX, REMOTE_CLAIMS, VERSIONS
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.records import ListQuery
from tests.support.mock_primary import (
    MockPrimary,
    commit_then_hang_up,
    commit_without_majority,
    duplicate_key,
    error_reply,
    hang_up,
    no_majority,
)
from tests.support.stores import ACTOR, at, new_version

NAME = "io.github.octo/weather"
DEADLINES = Timeouts(read=2.0, write=1.5, connect=2.0)


@pytest.fixture
def primary(scripted_primary: tuple[MockPrimary, str]) -> tuple[MockPrimary, str]:
    return scripted_primary


@pytest.fixture
def store(primary: tuple[MockPrimary, str]) -> Iterator[MongoServerStore]:
    mock, url = primary
    built = MongoServerStore(MongoDatabase(url, mock.database, timeouts=DEADLINES))
    built.init()
    try:
        yield built
    finally:
        built.close()
        assert mock.errors == [], "the scripted primary could not answer a command"


def _mock(primary: tuple[MockPrimary, str]) -> MockPrimary:
    return primary[0]


def _publish(store: MongoServerStore, version: str = "1.0.0", **fields: Any) -> Any:
    return store.publish(new_version(NAME, version, **fields), actor=ACTOR, now=at(0))


def _published_once(mock: MockPrimary, version: str = "1.0.0") -> None:
    docs = [d for d in mock.documents(VERSIONS) if d["version"] == version]
    assert len(docs) == 1
    events = [e for e in mock.documents(OUTBOX) if e["payload"].get("version") == version]
    assert len(events) == 1


def test_writes_run_in_one_transaction_with_the_counter_written_last(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    record = _publish(store)
    assert store.uses_transactions()
    assert record.seq == store.change_seq() == 1
    in_txn = [r for r in mock.requests if r.in_transaction]
    assert in_txn[-1].command == "commitTransaction"
    writes = [r for r in in_txn if r.command in ("insert", "update", "delete", "findAndModify")]
    assert (writes[-1].command, writes[-1].collection) == ("update", COUNTERS)
    assert [w for w in writes if w.collection == COUNTERS] == [writes[-1]]
    commit = in_txn[-1].doc
    assert commit["writeConcern"]["w"] == "majority"
    # Under the write deadline the driver bounds the majority wait with maxTimeMS.
    assert 0 < commit["maxTimeMS"] <= DEADLINES.write * 1000
    _published_once(mock)


@pytest.mark.parametrize(
    ("command", "collection"),
    [("insert", VERSIONS), ("update", COUNTERS), ("commitTransaction", None)],
)
def test_write_conflict_is_retried_and_lands_once(
    store: MongoServerStore, primary: tuple[MockPrimary, str], command: str, collection: str | None
) -> None:
    mock = _mock(primary)
    mock.fault(
        command,
        error_reply(112, "WriteConflict", "TransientTransactionError"),
        collection=collection,
    )
    _publish(store)
    attempts = len(mock.commands("commitTransaction"))
    assert attempts == (2 if command == "commitTransaction" else 1)
    ran = [r for r in mock.commands(command, collection) if r.in_transaction]
    assert len(ran) == 2  # failed once, then ran again
    _published_once(mock)


def test_transient_transaction_error_on_a_read_is_retried(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    mock.fault(
        "find",
        error_reply(251, "NoSuchTransaction", "TransientTransactionError"),
        collection=VERSIONS,
    )
    _publish(store)
    _published_once(mock)


@pytest.mark.parametrize("index", ["name_version", "one_latest_per_name"])
def test_duplicate_key_on_the_version_or_latest_index_re_plans(
    store: MongoServerStore, primary: tuple[MockPrimary, str], index: str
) -> None:
    mock = _mock(primary)
    mock.fault("insert", duplicate_key(index), collection=VERSIONS)
    record = _publish(store)
    assert record.is_latest
    assert len(mock.commands("insert", VERSIONS)) == 2
    _published_once(mock)


def test_not_writable_primary_during_a_publish_is_retried(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    # A stepdown: the server refuses the write and labels it, as a real one does in a
    # transaction; the driver re-discovers the primary and the transaction runs again.
    mock.fault(
        "insert",
        error_reply(10107, "NotWritablePrimary", "TransientTransactionError"),
        collection=VERSIONS,
    )
    _publish(store)
    _published_once(mock)


def test_a_primary_that_stays_away_answers_unavailable_within_the_deadline(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    mock.fault(
        "insert",
        error_reply(10107, "NotWritablePrimary", "TransientTransactionError"),
        collection=VERSIONS,
        times=10_000,
    )
    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as caught:
        _publish(store)
    assert time.monotonic() - started < DEADLINES.write + 2
    assert caught.value.status == 503
    assert caught.value.headers["Retry-After"].isdigit()
    assert mock.documents(VERSIONS) == []


def test_network_error_mid_transaction_is_retried(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    mock.fault("update", hang_up, collection=OUTBOX)
    _publish(store)
    _published_once(mock)


def test_network_error_after_the_commit_landed_publishes_once(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    mock.fault("commitTransaction", commit_then_hang_up)
    _publish(store)
    assert len(mock.commands("commitTransaction")) == 2  # the driver asked again
    _published_once(mock)


def test_unknown_commit_result_that_landed_is_the_publish_s_success(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    mock.fault("commitTransaction", commit_without_majority, times=10_000)
    record = _publish(store)
    assert record.version == "1.0.0"
    _published_once(mock)


def test_unknown_commit_result_that_did_not_land_is_reported_and_a_retry_succeeds(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    lost = mock.fault("commitTransaction", no_majority, times=10_000)
    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        _publish(store)
    assert time.monotonic() - started < DEADLINES.write + 2
    assert mock.documents(VERSIONS) == []
    lost.times = lost.seen  # the majority is back
    _publish(store)
    _published_once(mock)
    with pytest.raises(Conflict):  # a later, separate publish of that version still conflicts
        _publish(store)


def test_a_failed_hello_is_not_remembered(primary: tuple[MockPrimary, str]) -> None:
    mock, url = primary
    mock.hello_answers.append(hang_up)
    database = MongoDatabase(url, mock.database, timeouts=DEADLINES)
    store = MongoServerStore(database)
    try:
        with pytest.raises(StorageUnavailable):
            _publish(store)
        _publish(store)
        assert store.uses_transactions()
        assert mock.commands("commitTransaction"), "the retry ran in a transaction"
        assert len(mock.commands("hello")) == 2
    finally:
        store.close()


def test_reads_are_majority_reads_in_one_causal_session(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    _publish(store)
    before = len(mock.requests)
    store.change_seq()
    store.list_servers(ListQuery(limit=5))
    reads = [r for r in mock.requests[before:] if r.command == "find"]
    assert [r.collection for r in reads] == [COUNTERS, VERSIONS]
    assert all(r.doc["readConcern"]["level"] == "majority" for r in reads)
    assert reads[0].doc["lsid"] == reads[1].doc["lsid"], "one session for both reads"
    assert all("maxTimeMS" in r.doc for r in reads), "every read has a server-side deadline"


def test_the_relay_reads_the_outbox_at_majority(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    _publish(store)
    assert len(store.database.pending_events()) == 1
    (read,) = mock.commands("find", OUTBOX)
    assert read.doc["readConcern"]["level"] == "majority"


def test_remote_urls_are_claimed_inside_the_transaction(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    remotes = [{"type": "sse", "url": "https://weather.example.com/sse"}]
    _publish(store, remotes=remotes)
    (claim,) = mock.commands("insert", REMOTE_CLAIMS)
    assert claim.in_transaction
    other = new_version("io.github.other/weather", "1.0.0", remotes=remotes)
    with pytest.raises(Conflict, match=r"already used by server io\.github\.octo/weather"):
        store.publish(other, actor=ACTOR, now=at(1))


def test_a_racing_claim_of_the_same_url_is_retried(
    store: MongoServerStore, primary: tuple[MockPrimary, str]
) -> None:
    mock = _mock(primary)
    mock.fault(
        "insert",
        error_reply(112, "WriteConflict", "TransientTransactionError"),
        collection=REMOTE_CLAIMS,
    )
    _publish(store, remotes=[{"type": "sse", "url": "https://weather.example.com/sse"}])
    assert [c["name"] for c in mock.documents(REMOTE_CLAIMS)] == [NAME]
    _published_once(mock)


def test_services_start_read_only_and_only_db_init_creates_indexes(
    primary: tuple[MockPrimary, str],
) -> None:
    mock, url = primary
    stores = open_database(url)
    try:
        with pytest.raises(StorageError, match="mcp-registry db init"):
            stores.start()
        assert mock.commands("createIndexes") == []
        stores.init()
        before = len(mock.requests)
        stores.start()
        started = {r.command for r in mock.requests[before:]}
        assert started <= {"listIndexes", "hello", "endSessions"}
    finally:
        stores.close()
