"""The SQLite plan of the name phase of a ranked search (``ranked_search``): its SQL is served
by the indexes it names, its pages equal the plain plan's on both sides of the window and of
the narrow-term shortcut, and its name index follows every change of the latest flag."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from mcp_registry.shared.storage.records import ListQuery, SearchPhase
from mcp_registry.shared.storage.sqlite import latest_search, queries, ranked_search
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.queries import fts_phrase, list_servers_sql
from mcp_registry.shared.storage.sqlite.schema import (
    LATEST_NAMES_INDEX,
    LATEST_NAMES_TABLE,
    LATEST_ROWS_INDEX,
    LATEST_SEARCH_TABLE,
)
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.sqlite_search import latest_names_found, pages, plan, seeded
from tests.support.stores import ACTOR, at, new_version


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteServerStore]:
    built = seeded(tmp_path / "registry.db", window=4)
    yield built
    built.close()


@pytest.mark.parametrize("after", [None, ("io.github.beta/maps-30", "1.1.0")])
def test_the_name_window_walks_the_narrow_name_index(
    store: SqliteServerStore, after: tuple[str, str] | None
) -> None:
    position = list(after) if after else []
    walked = f"server_versions USING COVERING INDEX {LATEST_NAMES_INDEX}"
    end = plan(store.database.path, ranked_search.name_window_end_sql(after), [*position, 3])
    assert end == [f"SEARCH {walked} ((name,version)>(?,?))" if after else f"SCAN {walked}"]
    sql = ranked_search.name_walk_sql(after, ("z", "z"), include_deleted=False)
    details = plan(store.database.path, sql, [*position, "z", "z", "weather", 5])
    [walk] = [d for d in details if LATEST_NAMES_INDEX in d]
    assert walk.startswith(f"SEARCH {walked} ((name,version)"), details
    assert "SEARCH v USING INTEGER PRIMARY KEY (rowid=?)" in details, "only the page is read"
    assert sum("TEMP B-TREE" in d for d in details) <= 1, details


@pytest.mark.parametrize("after", [None, ("io.github.beta/maps-30", "1.1.0")])
def test_past_the_window_the_name_trigram_index_is_sorted_on_row_keys(
    store: SqliteServerStore, after: tuple[str, str] | None
) -> None:
    position = list(after) if after else []
    sql = ranked_search.name_indexed_sql(after, include_deleted=False)
    details = plan(store.database.path, sql, [fts_phrase("weather"), *position, "weather", 5])
    assert any(d.startswith("SCAN server_names_latest VIRTUAL TABLE INDEX") for d in details)
    assert any(
        d.startswith(f"SEARCH r USING COVERING INDEX {LATEST_ROWS_INDEX} (id=?") for d in details
    ), details
    assert "SEARCH v USING INTEGER PRIMARY KEY (rowid=?)" in details, details


def test_counting_a_terms_matches_stops_at_the_bound(store: SqliteServerStore) -> None:
    for table in (LATEST_NAMES_TABLE, LATEST_SEARCH_TABLE):
        details = plan(store.database.path, latest_search.few_sql(table), ['"io"', 3])
        assert any(d.startswith(f"SCAN {table} VIRTUAL TABLE INDEX") for d in details), details
    with closing(sqlite3.connect(store.database.path)) as conn:
        (count,) = conn.execute(
            latest_search.few_sql(LATEST_NAMES_TABLE), [fts_phrase("io.github"), 7]
        ).fetchone()
    assert count == 7


def plain_phase(
    store: SqliteServerStore, query: ListQuery, phase: SearchPhase
) -> list[tuple[str, str]]:
    built = list_servers_sql(ListQuery(**{**query.__dict__, "limit": 10_000}), phase)
    assert built is not None
    with closing(sqlite3.connect(store.database.path)) as conn:
        return [(row[0], row[1]) for row in conn.execute(*built)]


@pytest.mark.parametrize("window", [1, 2, 3, 5, 17, 1000])
@pytest.mark.parametrize("limit", [1, 2, 7])
def test_ranked_pages_equal_the_plain_plan_per_phase(
    tmp_path: Path, window: int, limit: int
) -> None:
    store = seeded(tmp_path / "registry.db", window=window)
    try:
        for term in ("weather", "github", "alpha/", "things", "-4", "maps-3", "nothing at all"):
            for include_deleted in (False, True):
                query = ListQuery(
                    search=term, latest_only=True, limit=limit, include_deleted=include_deleted
                )
                want = plain_phase(store, query, "name") + plain_phase(store, query, "other")
                assert pages(store, query) == want, (term, include_deleted)
    finally:
        store.close()


def latest_row_ids(store: SqliteServerStore) -> tuple[set[int], set[int]]:
    with closing(sqlite3.connect(store.database.path)) as conn:
        indexed = {
            row[0]
            for row in conn.execute(
                "SELECT rowid FROM server_names_latest WHERE server_names_latest MATCH ?",
                [fts_phrase("com.example")],
            )
        }
        latest = {
            row[0]
            for row in conn.execute(
                "SELECT id FROM server_versions WHERE is_latest = 1 AND name LIKE 'com.example%'"
            )
        }
    return indexed, latest


def test_the_name_index_follows_the_latest_flag(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    try:
        name = "com.example/Weather"
        store.publish(new_version(name, "1.0.0"), actor=ACTOR, now=at(0))
        store.publish(new_version(name, "2.0.0"), actor=ACTOR, now=at(1))
        indexed, latest = latest_row_ids(store)
        assert indexed == latest
        assert len(latest) == 1
        # Case folded like lower(): the name is found by its lowercased term.
        assert latest_names_found(store, "weather") == {name}
        store.set_status(name, "2.0.0", "deleted", None, actor=ACTOR, now=at(2))
        indexed, latest = latest_row_ids(store)
        assert indexed == latest
        assert len(latest) == 1
        store.replace_server(
            name, "1.0.0", new_version(name, "1.0.0", title="Hail").server, actor=ACTOR, now=at(3)
        )
        indexed, latest = latest_row_ids(store)
        assert indexed == latest
        assert len(latest) == 1
        hits = store.list_servers(ListQuery(search="WEATHER", latest_only=True)).items
        assert [(r.name, r.version) for r in hits] == [(name, "1.0.0")]
    finally:
        store.close()


@pytest.mark.parametrize("phase", ["name", "other"])
def test_a_search_of_every_version_reads_and_sorts_its_matches_once(
    store: SqliteServerStore, phase: SearchPhase
) -> None:
    query = ListQuery(search="weather", after=("io.github.beta/maps-30", "1.1.0"), phase=phase)
    built = queries.ranked_sql(query)
    assert built is not None
    details = plan(store.database.path, *built)
    assert sum(d.startswith("SCAN server_search VIRTUAL TABLE") for d in details) == 1, details
    assert sum("TEMP B-TREE" in d for d in details) == 1, details
    assert queries.ranked_sql(ListQuery(search="we")) is None, "short terms walk per phase"
    with closing(sqlite3.connect(store.database.path)) as conn:
        rows = conn.execute(*built).fetchall()
    want = plain_phase(store, query, "other")
    if phase == "name":
        want = plain_phase(store, query, "name") + plain_phase(
            store, ListQuery(search="weather"), "other"
        )
    assert [(row[0], row[1]) for row in rows] == want[: query.limit + 1]
