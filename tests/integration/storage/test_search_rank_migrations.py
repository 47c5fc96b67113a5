"""Upgrading a database from before ranked search: ``init`` fills the name index of each backend
(SQLite: ``server_names_latest`` at schema version 5; MongoDB: ``nameTrigrams`` and its
``name_trigrams`` index), and ranked searches then find the entries written before."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from mcp_registry.shared.storage.mongo.schema import MIGRATIONS, NAME_SEARCH_INDEX, VERSIONS
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import ListQuery
from mcp_registry.shared.storage.sqlite.schema import SCHEMA_VERSION
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.sqlite_search import latest_names_found
from tests.support.stores import ACTOR, MakeStore, at, new_version


def publish_old_catalog(store: ServerStore) -> None:
    store.publish(new_version("com.example/rain", "1.0.0"), actor=ACTOR, now=at(0))
    store.publish(new_version("com.example/rain", "1.1.0"), actor=ACTOR, now=at(1))
    store.publish(
        new_version("com.example/atlas", "1.0.0", description="rain maps"), actor=ACTOR, now=at(2)
    )
    store.publish(new_version("org.other/rainbow", "1.0.0"), actor=ACTOR, now=at(3))


def make_it_old(store: ServerStore, version: int = 3) -> None:
    """Turn the store's database into one an earlier release wrote (no name index): schema
    ``version`` 3, or 4 (entry texts kept by SQLite, before the name index came)."""
    if isinstance(store, SqliteServerStore):
        with closing(sqlite3.connect(store.database.path)) as conn, conn:
            # What schema version 3 lacked: the name index, its triggers, the name window.
            for kind, name in (
                ("TRIGGER", "server_versions_latest_names_insert"),
                ("TRIGGER", "server_versions_latest_names_delete"),
                ("TRIGGER", "server_versions_latest_names_update"),
                ("INDEX", "server_versions_latest_names"),
                ("TABLE", "server_names_latest"),
            ):
                conn.execute(f"DROP {kind} {name}")
            conn.execute(f"PRAGMA user_version = {version}")
    else:
        assert isinstance(store, MongoServerStore)
        db = store.database.db()
        db[VERSIONS].update_many({}, {"$unset": {"nameTrigrams": ""}})
        db[VERSIONS].drop_index(NAME_SEARCH_INDEX)


def names_indexed(store: ServerStore, term: str) -> set[str]:
    """The latest names the backend's name index finds for ``term`` (none without one)."""
    if isinstance(store, SqliteServerStore):
        with closing(sqlite3.connect(store.database.path)) as conn:
            found = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'server_names_latest'"
            ).fetchone()[0]
        return latest_names_found(store, term) if found else set()
    assert isinstance(store, MongoServerStore)
    docs = store.database.db()[VERSIONS].find(
        {"nameTrigrams": term[:3], "isLatest": True}, projection={"name": 1}
    )
    return {doc["name"] for doc in docs if term in doc["name"]}


@pytest.mark.parametrize("old_version", [3, 4])
def test_init_upgrades_a_database_from_before_ranked_search(
    make_store: MakeStore, old_version: int
) -> None:
    old = make_store()
    publish_old_catalog(old)
    make_it_old(old, old_version)
    assert names_indexed(old, "rain") == set()
    upgraded = make_store(init=False)
    if isinstance(upgraded, SqliteServerStore):
        upgraded.search_window = 1  # the first entry only: the rest comes from the name index
    upgraded.init()
    assert names_indexed(upgraded, "rain") == {"com.example/rain", "org.other/rainbow"}
    if isinstance(upgraded, SqliteServerStore):
        with closing(sqlite3.connect(upgraded.database.path)) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    else:
        assert isinstance(upgraded, MongoServerStore)
        db = upgraded.database.db()
        assert db[VERSIONS].count_documents({"nameTrigrams": {"$exists": False}}) == 0
        assert NAME_SEARCH_INDEX in db[VERSIONS].index_information()
        assert db[MIGRATIONS].count_documents({"field": "nameTrigrams", "filled": 4}) == 1
        upgraded.check_schema()
    hits = upgraded.list_servers(ListQuery(search="RAIN", latest_only=True, limit=100)).items
    assert [(r.name, r.version) for r in hits] == [
        ("com.example/rain", "1.1.0"),
        ("org.other/rainbow", "1.0.0"),
        ("com.example/atlas", "1.0.0"),
    ]
    # A second init finds nothing more to do; new publishes are indexed by the store itself.
    upgraded.init()
    upgraded.publish(new_version("net.late/rainy", "1.0.0"), actor=ACTOR, now=at(9))
    assert "net.late/rainy" in names_indexed(upgraded, "rain")
    if isinstance(upgraded, MongoServerStore):
        assert upgraded.database.db()[MIGRATIONS].count_documents({"field": "nameTrigrams"}) == 1
