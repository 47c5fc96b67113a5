"""MongoDB rules checked on the mongomock stand-in (a standalone server): index migrations,
the status-change bound, remote-URL claims, and what a search may send."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mcp_registry.shared.errors import BadRequest, Conflict
from mcp_registry.shared.storage.mongo import server_writes
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.documents import list_filter
from mcp_registry.shared.storage.mongo.domains import MongoDomainStore
from mcp_registry.shared.storage.mongo.schema import (
    MIGRATIONS,
    OUTBOX,
    REMOTE_CLAIMS,
    SEARCH_INDEX,
)
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.records import ListQuery
from tests.support.stores import ACTOR, AtomicMongomockClient, as_mongo_client, at, new_version

NAME = "io.github.octo/weather"
DB = "registry"
REMOTE = [{"type": "sse", "url": "https://weather.example.com/sse"}]


@pytest.fixture
def stand_in() -> Iterator[AtomicMongomockClient]:
    client = AtomicMongomockClient()
    yield client
    client.close()


@pytest.fixture
def store(stand_in: AtomicMongomockClient) -> Iterator[MongoServerStore]:
    built = MongoServerStore(MongoDatabase(as_mongo_client(stand_in), DB))
    built.init()
    yield built
    built.close()


def test_db_init_migrates_a_changed_index_and_records_it(
    stand_in: AtomicMongomockClient, store: MongoServerStore
) -> None:
    outbox = stand_in[DB][OUTBOX]
    outbox.drop_index("unsent")
    outbox.create_index([("sentAt", 1), ("order", 1)], name="unsent")  # an older spec
    with pytest.raises(Exception, match="lacks indexes"):
        store.check_schema()
    store.init()
    assert outbox.index_information()["unsent"]["key"] == [
        ("sentAt", 1),
        ("order", 1),
        ("createdAt", 1),
    ]
    [migration] = list(stand_in[DB][MIGRATIONS].find({}))
    assert (migration["collection"], migration["index"]) == (OUTBOX, "unsent")
    store.check_schema()
    store.init()
    assert len(list(stand_in[DB][MIGRATIONS].find({}))) == 1, "an unchanged index stays"


def test_domain_indexes_are_checked_and_created_by_init(stand_in: AtomicMongomockClient) -> None:
    domains = MongoDomainStore(MongoDatabase(as_mongo_client(stand_in), DB))
    with pytest.raises(Exception, match="db init"):
        domains.check_schema()
    domains.init()
    domains.check_schema()


def test_a_status_change_above_the_bound_is_refused_before_writing(
    store: MongoServerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        store.publish(new_version(NAME, f"1.{i}.0"), actor=ACTOR, now=at(i))
    monkeypatch.setattr(server_writes, "MAX_VERSIONS_PER_STATUS_CHANGE", 2)
    seq = store.change_seq()
    with pytest.raises(BadRequest, match="one version at a time"):
        store.set_status(NAME, None, "deprecated", None, actor=ACTOR, now=at(9))
    assert store.change_seq() == seq
    assert {r.status for r in store.list_versions(NAME)} == {"active"}
    store.set_status(NAME, "1.0.0", "deprecated", None, actor=ACTOR, now=at(10))


def test_a_remote_url_claim_is_taken_over_once_its_server_stops_using_it(
    stand_in: AtomicMongomockClient, store: MongoServerStore
) -> None:
    store.publish(new_version(NAME, "1.0.0", remotes=REMOTE), actor=ACTOR, now=at(0))
    other = new_version("io.github.other/weather", "1.0.0", remotes=REMOTE)
    with pytest.raises(Conflict):
        store.publish(other, actor=ACTOR, now=at(1))
    store.set_status(NAME, "1.0.0", "deleted", None, actor=ACTOR, now=at(2))
    # Standalone: a claim younger than the repair window may belong to a publish in flight.
    claims = stand_in[DB][REMOTE_CLAIMS]
    claims.update_one({"_id": REMOTE[0]["url"]}, {"$set": {"claimedAt": 0}})
    store.publish(other, actor=ACTOR, now=at(3))
    [claim] = list(claims.find({}))
    assert claim["name"] == "io.github.other/weather"


def test_a_fresh_claim_without_a_version_is_honoured_on_a_standalone_server(
    stand_in: AtomicMongomockClient, store: MongoServerStore
) -> None:
    # What a concurrent publish leaves between claiming and inserting its version.
    stand_in[DB][REMOTE_CLAIMS].insert_one(
        {"_id": REMOTE[0]["url"], "name": "io.github.first/weather", "claimedAt": 2**62}
    )
    with pytest.raises(Conflict, match=r"io\.github\.first"):
        store.publish(new_version(NAME, "1.0.0", remotes=REMOTE), actor=ACTOR, now=at(0))


def test_a_nul_in_a_search_never_reaches_the_server(store: MongoServerStore) -> None:
    # Control characters are dropped from search terms before any query is built (the HTTP
    # layer refuses a NUL in the query string first), so no server error can follow.
    store.publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=at(0))
    assert list_filter(ListQuery(search="wea\x00ther")) == list_filter(ListQuery(search="weather"))
    # Nothing is left of a term of control characters alone: it lists like no search at all.
    assert len(store.list_servers(ListQuery(search="\x00")).items) == 1


def test_a_keyset_page_has_a_top_level_name_bound() -> None:
    built = list_filter(ListQuery(after=("io.github.b/x", "1.0.0")))
    assert built is not None
    spec, _ = built
    assert {"name": {"$gte": "io.github.b/x"}} in spec["$and"]


def test_search_sends_the_rarest_trigram_of_latest_versions_only() -> None:
    built = list_filter(ListQuery(search="weather-42", latest_only=True))
    assert built is not None
    spec, hint = built
    assert hint == SEARCH_INDEX
    # One trigram, as an equality: one point of the index's first key, whose entries come in
    # (name, version) order, so the page needs no sort of every candidate.
    [trigram] = [c["searchTrigrams"] for c in spec["$and"] if "searchTrigrams" in c]
    assert trigram in {"r-4", "-42"}, "a digit-bearing trigram is rarest"
    all_versions = list_filter(ListQuery(search="weather-42"))
    assert all_versions is not None
    assert all_versions[1] is None, "the search index holds latest versions only"


def test_a_query_of_common_trigrams_does_not_use_the_search_index() -> None:
    built = list_filter(ListQuery(search="io.", latest_only=True))
    assert built is not None
    assert built[1] is None
