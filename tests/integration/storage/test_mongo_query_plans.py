"""On a real MongoDB: every query is served by the index its comment names.

mongomock has no query planner, so these run only against a real server
(``MCP_REGISTRY_TEST_MONGODB_URL`` or a Docker engine for testcontainers).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient

from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.documents import list_filter
from mcp_registry.shared.storage.mongo.domains import MongoDomainStore
from mcp_registry.shared.storage.mongo.schema import (
    AUDIT,
    DOMAINS,
    NAME_SEARCH_INDEX,
    OUTBOX,
    SEARCH_INDEX,
    VERSIONS,
)
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.records import ListQuery
from tests.support.stores import ACTOR, at, new_version


@pytest.fixture
def real_store(mongo_url: str | None) -> Iterator[MongoServerStore]:
    if mongo_url is None:
        pytest.skip("needs a real MongoDB: mongomock has no query planner to ask")
    database = f"plans_{uuid.uuid4().hex[:12]}"
    store = MongoServerStore(MongoDatabase(mongo_url, database))
    store.init()
    try:
        for i in range(30):
            remotes = [{"type": "sse", "url": f"https://mcp{i}.example.com/sse"}]
            store.publish(
                new_version(f"com.example/s{i}", "1.0.0", title=f"Weather {i}", remotes=remotes),
                actor=ACTOR,
                now=at(i),
            )
        yield store
    finally:
        store.close()
        client: MongoClient[dict[str, Any]] = MongoClient(mongo_url)
        client.drop_database(database)
        client.close()


def index_names(plan: Any) -> set[str]:
    """Every index an explain plan's stages scan."""
    found: set[str] = set()
    if isinstance(plan, dict):
        if plan.get("stage") == "IXSCAN":
            found.add(str(plan.get("indexName")))
        for value in plan.values():
            found |= index_names(value)
    elif isinstance(plan, list):
        for value in plan:
            found |= index_names(value)
    return found


def explain(
    store: MongoServerStore,
    url: str,
    spec: dict[str, Any],
    *,
    collection: str = VERSIONS,
    **options: Any,
) -> set[str]:
    find = {"find": collection, "filter": spec, **options}
    result = run_explain(store, url, find, verbosity="queryPlanner")
    return index_names(result["queryPlanner"]["winningPlan"])


def run_explain(
    store: MongoServerStore, url: str, find: dict[str, Any], *, verbosity: str
) -> dict[str, Any]:
    """The server's ``explain`` of the ``find`` command at ``verbosity``."""
    client: MongoClient[dict[str, Any]] = MongoClient(url)
    try:
        result: dict[str, Any] = client[store.database_name].command(
            "explain", find, verbosity=verbosity
        )
    finally:
        client.close()
    return result


def explain_page(
    store: MongoServerStore, url: str, spec: dict[str, Any], hint: str, *, limit: int
) -> dict[str, Any]:
    """The executed plan of a keyset page of ``limit`` versions (statistics included)."""
    find = {
        "find": VERSIONS,
        "filter": spec,
        "sort": {"name": 1, "version": 1},
        "limit": limit,
        "hint": hint,
    }
    return run_explain(store, url, find, verbosity="executionStats")


def test_search_uses_the_trigram_index(real_store: MongoServerStore, mongo_url: str) -> None:
    built = list_filter(ListQuery(search="weather 1", latest_only=True))
    assert built is not None
    spec, hint = built
    options = {"hint": hint} if hint is not None else {}
    assert SEARCH_INDEX in explain(real_store, mongo_url, spec, **options)


def stages(plan: Any) -> set[str]:
    """Every stage name of an explain plan."""
    found: set[str] = set()
    if isinstance(plan, dict):
        if "stage" in plan:
            found.add(str(plan["stage"]))
        for value in plan.values():
            found |= stages(value)
    elif isinstance(plan, list):
        for value in plan:
            found |= stages(value)
    return found


@pytest.mark.parametrize("after", [None, ("com.example/s12", "1.0.0")])
def test_a_broad_search_reads_a_bounded_candidate_set(
    real_store: MongoServerStore, mongo_url: str, after: tuple[str, str] | None
) -> None:
    # "weather" is in every title: the index must hand the entries over in keyset order from
    # the cursor, so the scan stops after limit + 1 matches instead of sorting all 30.
    built = list_filter(ListQuery(search="weather", latest_only=True, after=after))
    assert built is not None
    spec, hint = built
    assert hint == SEARCH_INDEX
    result = explain_page(real_store, mongo_url, spec, hint, limit=4)
    winning = result["queryPlanner"]["winningPlan"]
    assert SEARCH_INDEX in index_names(winning)
    assert "SORT" not in stages(winning), "the index order is the sort: no blocking sort"
    statistics = result["executionStats"]
    assert statistics["nReturned"] == 4
    assert statistics["totalDocsExamined"] <= 4 + 1, statistics
    assert statistics["totalKeysExamined"] <= 4 + 2, statistics
    page = real_store.list_servers(ListQuery(search="weather", latest_only=True, after=after))
    assert [r.name for r in page.items] == sorted(r.name for r in page.items)


@pytest.mark.parametrize("after", [None, ("com.example/s12", "1.0.0")])
def test_the_name_phase_reads_a_bounded_candidate_set_of_the_name_index(
    real_store: MongoServerStore, mongo_url: str, after: tuple[str, str] | None
) -> None:
    # "example/s" is in every name: the name trigram index hands them over in keyset order.
    query = ListQuery(search="EXAMPLE/S", latest_only=True, after=after)
    built = list_filter(query, "name")
    assert built is not None
    spec, hint = built
    assert hint == NAME_SEARCH_INDEX
    result = explain_page(real_store, mongo_url, spec, hint, limit=4)
    winning = result["queryPlanner"]["winningPlan"]
    assert NAME_SEARCH_INDEX in index_names(winning)
    assert "SORT" not in stages(winning), "the index order is the sort: no blocking sort"
    statistics = result["executionStats"]
    assert statistics["nReturned"] == 4
    assert statistics["totalKeysExamined"] <= 4 + 2, statistics
    # The other phase of the same term keeps the whole-text index.
    other = list_filter(query, "other")
    assert other is not None
    assert other[1] == SEARCH_INDEX


def test_remote_lookup_uses_its_index(real_store: MongoServerStore, mongo_url: str) -> None:
    spec = {"remoteUrls": "https://mcp3.example.com/sse", "status": {"$ne": "deleted"}}
    assert "remote_urls" in explain(real_store, mongo_url, spec)
    assert real_store.names_using_remote("https://mcp3.example.com/sse") == ["com.example/s3"]


def test_a_common_trigram_walks_the_keyset_index_not_the_search_index(
    real_store: MongoServerStore, mongo_url: str
) -> None:
    built = list_filter(ListQuery(search="com", latest_only=True))
    assert built is not None
    spec, hint = built
    assert hint is None
    used = explain(real_store, mongo_url, spec, sort={"name": 1, "version": 1}, limit=31)
    assert SEARCH_INDEX not in used


def test_a_keyset_page_is_bounded_by_the_name_index(
    real_store: MongoServerStore, mongo_url: str
) -> None:
    built = list_filter(ListQuery(after=("com.example/s20", "1.0.0")))
    assert built is not None
    spec, _ = built
    used = explain(real_store, mongo_url, spec, sort={"name": 1, "version": 1}, limit=31)
    assert "name_version" in used
    page = real_store.list_servers(ListQuery(after=("com.example/s20", "1.0.0"), limit=100))
    assert all(r.name > "com.example/s20" for r in page.items)


@pytest.mark.parametrize(
    ("collection", "spec", "sort", "index"),
    [
        (OUTBOX, {"sentAt": None}, {"order": 1, "createdAt": 1}, "unsent"),
        (AUDIT, {}, {"order": -1, "at": -1}, "newest"),
        (AUDIT, {"target": "com.example/s3"}, {"order": -1, "at": -1}, "target_newest"),
        (DOMAINS, {"domain": "example.com"}, {"owner": 1}, "domain_owner"),
        (DOMAINS, {}, {"domain": 1, "owner": 1}, "domain_owner"),
        (DOMAINS, {"state": "verified"}, {"domain": 1, "owner": 1}, "state_domain_owner"),
    ],
)
def test_outbox_audit_and_domain_reads_use_their_indexes(
    real_store: MongoServerStore,
    mongo_url: str,
    collection: str,
    spec: dict[str, Any],
    sort: dict[str, int],
    index: str,
) -> None:
    MongoDomainStore(real_store.database).init()
    used = explain(real_store, mongo_url, spec, collection=collection, sort=sort, limit=100)
    assert index in used
