"""Seed a benchmark store with generated versions.

SQLite takes a bulk path: one transaction of ``executemany`` inserts with the same columns,
``search_text`` and change sequence a publish writes (the FTS triggers index every row), but
without outbox events or audit entries, which no read looks at. Latest flags are set directly:
the generator publishes each server's versions in ascending semver order, so the last one is
the latest. Other backends are seeded through ``ServerStore.publish`` (slower, same result
plus events and audit).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from benchmarks.catalog import (
    VERSIONS_PER_SERVER,
    BenchVersion,
    bench_versions,
)
from mcp_registry.shared.storage.factory import SQLITE_PREFIX, open_store, sqlite_path
from mcp_registry.shared.storage.records import Actor, NewVersion
from mcp_registry.shared.storage.search_text import search_text
from mcp_registry.shared.storage.timestamps import to_micros

SEED_ACTOR = Actor.system("bench")
PUBLISH_THREADS = 8
_INSERT = (
    "INSERT INTO server_versions (name, version, server, status, status_message,"
    " published_at, updated_at, status_changed_at, is_latest, seq, search_text)"
    " VALUES (?, ?, ?, 'active', NULL, ?, ?, ?, ?, ?, ?)"
)


def _row(entry: BenchVersion, seq: int, is_latest: bool) -> tuple[object, ...]:
    stamp = to_micros(entry.published_at)
    return (
        entry.name,
        entry.version,
        json.dumps(entry.server, ensure_ascii=False, separators=(",", ":")),
        stamp,
        stamp,
        stamp,
        int(is_latest),
        seq,
        search_text(entry.server),
    )


def _seed_sqlite(database_url: str, n_servers: int) -> None:
    conn = sqlite3.connect(sqlite_path(database_url), isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        last_round = n_servers * (VERSIONS_PER_SERVER - 1)
        rows = (
            _row(entry, seq, is_latest=seq > last_round)
            for seq, entry in enumerate(bench_versions(n_servers), start=1)
        )
        conn.executemany(_INSERT, rows)
        conn.execute(
            "UPDATE counters SET value = ? WHERE name = 'seq'", (n_servers * VERSIONS_PER_SERVER,)
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _publish_all(database_url: str, entries: Iterable[BenchVersion]) -> None:
    store = open_store(database_url)
    try:

        def publish(entry: BenchVersion) -> None:
            store.publish(
                NewVersion(entry.name, entry.version, entry.server),
                actor=SEED_ACTOR,
                now=entry.published_at,
            )

        # Versions of one name must go in order (latest decisions); the generator emits each
        # round of versions after the previous one, so rounds are published one at a time.
        by_round: dict[str, list[BenchVersion]] = {}
        for entry in entries:
            by_round.setdefault(entry.version, []).append(entry)
        with ThreadPoolExecutor(PUBLISH_THREADS) as pool:
            for batch in by_round.values():
                list(pool.map(publish, batch))
    finally:
        store.close()


def seed(database_url: str, n_servers: int) -> int:
    """Create the schema and store ``n_servers * 3`` versions; returns how many were stored.

    The store must be empty: the benchmark always seeds a store of its own.
    """
    store = open_store(database_url)
    try:
        store.init()
        if store.change_seq() != 0:
            raise ValueError("the benchmark seeds an empty store only")
    finally:
        store.close()
    if database_url.startswith(SQLITE_PREFIX):
        _seed_sqlite(database_url, n_servers)
    else:
        _publish_all(database_url, bench_versions(n_servers))
    return n_servers * VERSIONS_PER_SERVER
