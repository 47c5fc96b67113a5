"""What only the SQLite backend promises: index-served queries, WAL, processes and fork."""

from __future__ import annotations

import multiprocessing
import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from mcp_registry.shared.errors import Conflict, StorageError
from mcp_registry.shared.storage.records import ListQuery
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.queries import (
    LAST_UPDATED_SQL,
    NAMES_USING_REMOTE_SQL,
    list_servers_sql,
)
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.server_json import npm_package
from tests.support.stores import ACTOR, T0, Ticker, new_version, publish_versions_in_process

NAME = "io.github.octo/weather"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteServerStore]:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    clock = Ticker()
    for i in range(20):
        store.publish(
            new_version(
                f"io.github.octo/s{i:02d}",
                "1.0.0",
                packages=[npm_package(f"@octo/pkg-{i}", "1.0.0")],
            ),
            actor=ACTOR,
            now=clock(),
        )
    yield store
    store.close()


def plan(path: Path, sql: str, params: list[str | int]) -> list[str]:
    """The EXPLAIN QUERY PLAN details of ``sql``."""
    with closing(sqlite3.connect(path)) as conn:
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def plan_of(store: SqliteServerStore, query: ListQuery) -> list[str]:
    built = list_servers_sql(query)
    assert built is not None
    return plan(store.database.path, *built)


def scans_versions_table(details: list[str]) -> bool:
    """True when the plan reads server_versions row by row without an index."""
    return any(d.startswith("SCAN v") and "INDEX" not in d for d in details)


@pytest.mark.parametrize(
    "query",
    [
        ListQuery(search="weather"),
        ListQuery(search="PKG-1", latest_only=True),
        ListQuery(search='"; DROP TABLE x; --', include_deleted=True),
        ListQuery(search="100% _x_", after=("io.github.octo/s05", "1.0.0")),
        ListQuery(search="octo", updated_since=T0 + timedelta(seconds=1)),
    ],
)
def test_search_is_served_by_the_fts_trigram_index(
    store: SqliteServerStore, query: ListQuery
) -> None:
    details = plan_of(store, query)
    assert any(d.startswith("SCAN server_search VIRTUAL TABLE INDEX") for d in details), details
    assert any("server_versions" in d or "INTEGER PRIMARY KEY" in d for d in details), details
    assert not scans_versions_table(details), details


@pytest.mark.parametrize(
    "query",
    [
        ListQuery(),
        ListQuery(after=("io.github.octo/s05", "1.0.0")),
        ListQuery(latest_only=True, after=("io.github.octo/s05", "1.0.0")),
        ListQuery(include_deleted=True, limit=100),
    ],
)
def test_listing_walks_an_index_in_keyset_order(store: SqliteServerStore, query: ListQuery) -> None:
    details = plan_of(store, query)
    assert all("USING" in d and "INDEX" in d for d in details), details
    assert not any("TEMP B-TREE" in d for d in details), details


def test_updated_since_and_last_updated_use_the_updated_at_index(store: SqliteServerStore) -> None:
    details = plan(store.database.path, LAST_UPDATED_SQL, [])
    assert any("server_versions_updated_at" in d for d in details), details
    assert not scans_versions_table(plan_of(store, ListQuery(updated_since=T0)))


def test_fts_index_follows_edits(store: SqliteServerStore) -> None:
    edited = new_version("io.github.octo/s03", "1.0.0", title="Completely Different").server
    store.replace_server("io.github.octo/s03", "1.0.0", edited, actor=ACTOR, now=T0 + timedelta(1))
    with closing(sqlite3.connect(store.database.path)) as conn:
        # Raises when the FTS index and its content table disagree.
        conn.execute(
            "INSERT INTO server_search (server_search, rank) VALUES ('integrity-check', 1)"
        )
    hits = store.list_servers(ListQuery(search="pletely diff")).items
    assert [r.name for r in hits] == ["io.github.octo/s03"]
    assert store.list_servers(ListQuery(search="pkg-3")).items == []


def test_database_runs_in_wal_mode(store: SqliteServerStore) -> None:
    with closing(sqlite3.connect(store.database.path)) as conn:
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


def test_one_latest_per_name_is_enforced_by_the_database(store: SqliteServerStore) -> None:
    store.publish(new_version("io.github.octo/s00", "2.0.0"), actor=ACTOR, now=T0 + timedelta(1))
    with (
        closing(sqlite3.connect(store.database.path)) as conn,
        pytest.raises(sqlite3.IntegrityError),
    ):
        conn.execute("UPDATE server_versions SET is_latest = 1 WHERE name = 'io.github.octo/s00'")


def test_closed_store_refuses_work(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    store.close()
    with pytest.raises(StorageError):
        store.get_version(NAME, "1.0.0")


def test_threads_get_their_own_connections(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    seen: list[int] = []

    def read() -> None:
        store.count_versions(NAME)
        seen.append(threading.get_ident())

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4
    store.close()


def test_concurrent_publishes_from_processes(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    setup = SqliteServerStore(SqliteDatabase(path))
    setup.init()
    setup.close()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    failures = ctx.Queue()
    per_process = 4
    processes = [
        ctx.Process(
            target=publish_versions_in_process,
            args=(str(path), NAME, [f"{p}.{i}.0" for i in range(per_process)], start, failures),
        )
        for p in range(4)
    ]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(120)
    errors: list[str] = []
    while True:
        try:
            errors.append(failures.get(timeout=0.1))
        except queue.Empty:
            break
    failures.close()
    failures.join_thread()
    assert errors == []
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]

    store = SqliteServerStore(SqliteDatabase(path))
    try:
        versions = store.list_versions(NAME)
        assert len(versions) == 16
        assert [r.version for r in versions if r.is_latest] == ["3.3.0"]
        assert len({r.seq for r in versions}) == 16
        assert len(store.database.pending_events(limit=100)) == 16
    finally:
        store.close()


def _publish_in_forked_child(store: SqliteServerStore) -> None:
    store.publish(new_version(NAME, "2.0.0"), actor=ACTOR, now=T0 + timedelta(seconds=5))
    store.close()


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method"
)
def test_store_built_before_fork_works_in_the_child(tmp_path: Path) -> None:
    if threading.active_count() > 1:
        pytest.skip("forking a process with threads is unsafe")
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()  # opens a connection in this process, which the child inherits
    store.publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=T0)
    child = multiprocessing.get_context("fork").Process(
        target=_publish_in_forked_child, args=(store,)
    )
    child.start()
    child.join(60)
    assert child.exitcode == 0
    latest = store.get_latest(NAME)  # the parent's connection survived the child's close()
    assert latest is not None
    assert latest.version == "2.0.0"
    store.close()


def test_remote_url_lookup_is_served_by_its_index(store: SqliteServerStore) -> None:
    details = plan(store.database.path, NAMES_USING_REMOTE_SQL, ["https://mcp.example.com/sse"])
    assert "SEARCH r USING PRIMARY KEY (url=?)" in details, details  # r = remote_urls
    assert not scans_versions_table(details), details


def test_opening_a_version_1_database_fills_the_remote_index(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = SqliteServerStore(SqliteDatabase(str(path)))
    old.init()
    remotes = [{"type": "sse", "url": "https://mcp.example.com/sse"}]
    old.publish(new_version("com.example/a", "1.0.0", remotes=remotes), actor=ACTOR, now=T0)
    old.close()
    # What a database written before the remote index existed looks like.
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DELETE FROM remote_urls")
        conn.execute("PRAGMA user_version = 1")
    reopened = SqliteServerStore(SqliteDatabase(str(path)))
    try:
        reopened.init()
        assert reopened.names_using_remote("https://mcp.example.com/sse") == ["com.example/a"]
    finally:
        reopened.close()


def test_names_racing_for_one_remote_url_leave_one_owner(tmp_path: Path) -> None:
    path = str(tmp_path / "race.db")
    SqliteServerStore(SqliteDatabase(path)).init()
    remotes = [{"type": "sse", "url": "https://mcp.example.com/sse"}]
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def publish(i: int) -> None:
        store = SqliteServerStore(SqliteDatabase(path))
        try:
            start.wait()
            store.publish(
                new_version(f"com.example/n{i}", "1.0.0", remotes=remotes), actor=ACTOR, now=T0
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            store.close()

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["conflict"] * 7 + ["ok"]
