"""The SQLite plan of searches among latest versions (``latest_search``): its SQL is served by
the indexes it names, it returns exactly what the plain plan returns on either side of the
window, and its latest-only trigram index follows every change of the latest flag."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from mcp_registry.shared.storage.records import ListQuery
from mcp_registry.shared.storage.sqlite import latest_search
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.queries import fts_phrase, list_servers_sql
from mcp_registry.shared.storage.sqlite.schema import (
    LATEST_ROWS_INDEX,
    LATEST_SEARCH_INDEX,
    LATEST_SEARCH_TABLE,
)
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.sqlite_search import TOPICS, pages, plan, seeded
from tests.support.stores import ACTOR, T0, at, new_version


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteServerStore]:
    built = seeded(tmp_path / "registry.db", window=4)
    yield built
    built.close()


def plain(store: SqliteServerStore, query: ListQuery) -> list[tuple[str, str]]:
    """Every match of ``query`` by the plain plan (``queries``), in ranked order: the name
    phase's SELECT, then the other phase's."""
    found: list[tuple[str, str]] = []
    for phase in ("name", "other"):
        built = list_servers_sql(ListQuery(**{**query.__dict__, "limit": 10_000}), phase)
        assert built is not None
        with closing(sqlite3.connect(store.database.path)) as conn:
            found += [(row[0], row[1]) for row in conn.execute(*built)]
    return found


def test_applies_to_latest_searches_of_three_characters_or_more() -> None:
    assert latest_search.applies(ListQuery(search="wea", latest_only=True))
    assert latest_search.applies(ListQuery(search="WEATHER", latest_only=True, after=("a", "1")))
    assert latest_search.applies(ListQuery(search="x y", latest_only=True, include_deleted=True))
    assert not latest_search.applies(ListQuery(search="weather"))
    assert not latest_search.applies(ListQuery(search="we", latest_only=True))
    assert not latest_search.applies(ListQuery(search="a\x00b", latest_only=True))
    assert not latest_search.applies(ListQuery(search="weather", latest_only=True, version="1"))
    assert not latest_search.applies(
        ListQuery(search="weather", latest_only=True, updated_since=T0)
    )
    assert not latest_search.applies(ListQuery(latest_only=True))


@pytest.mark.parametrize("after", [None, ("io.github.beta/maps-30", "1.1.0")])
@pytest.mark.parametrize("include_deleted", [False, True])
def test_the_window_walks_the_covering_index_in_keyset_order(
    store: SqliteServerStore, after: tuple[str, str] | None, include_deleted: bool
) -> None:
    position = list(after) if after else []
    # From the cursor on, the index is read in its own order: a seek, no sort, no table row.
    walked = f"server_versions USING COVERING INDEX {LATEST_SEARCH_INDEX}"
    expected = f"SEARCH {walked} ((name,version)>(?,?))" if after else f"SCAN {walked}"
    end = plan(store.database.path, latest_search.window_end_sql(after), [*position, 3])
    assert end == [expected], end
    upto = ["io.github.gamma/maps-50", "1.1.0"]
    sql = latest_search.walk_sql(after, ("z", "z"), include_deleted=include_deleted)
    details = plan(store.database.path, sql, [*position, *upto, "weather", 5])
    # A seek bounded on both sides by the keyset (the window's end is an upper bound).
    [walk] = [d for d in details if LATEST_SEARCH_INDEX in d]
    assert walk.startswith(f"SEARCH {walked} ((name,version)"), details
    assert walk.count("(name,version)") == (2 if after else 1), details
    assert "SEARCH v USING INTEGER PRIMARY KEY (rowid=?)" in details, "only the page is read"
    # The one sort is the page's own (at most limit + 1 rows).
    assert sum("TEMP B-TREE" in d for d in details) <= 1, details


@pytest.mark.parametrize("after", [None, ("io.github.beta/maps-30", "1.1.0")])
def test_past_the_window_the_latest_trigram_index_is_sorted_on_row_keys(
    store: SqliteServerStore, after: tuple[str, str] | None
) -> None:
    position = list(after) if after else []
    sql = latest_search.indexed_sql(after, include_deleted=False)
    details = plan(store.database.path, sql, [fts_phrase("weather"), *position, 5])
    assert any(d.startswith(f"SCAN {LATEST_SEARCH_TABLE} VIRTUAL TABLE INDEX") for d in details)
    assert any(
        d.startswith(f"SEARCH r USING COVERING INDEX {LATEST_ROWS_INDEX} (id=?") for d in details
    ), details
    assert "SEARCH v USING INTEGER PRIMARY KEY (rowid=?)" in details, details
    assert not any(d.startswith("SCAN server_search ") for d in details), "all versions unread"


@pytest.mark.parametrize("window", [1, 2, 3, 5, 17, 1000])
@pytest.mark.parametrize("limit", [1, 2, 7, 100])
@pytest.mark.parametrize("include_deleted", [False, True])
def test_pages_equal_the_plain_plan_on_both_sides_of_the_window(
    tmp_path: Path, window: int, limit: int, include_deleted: bool
) -> None:
    store = seeded(tmp_path / "registry.db", window=window)
    try:
        for term in (*TOPICS, "io.github", "things", "gamma/notes", "-4", "nothing at all"):
            query = ListQuery(
                search=term, latest_only=True, limit=limit, include_deleted=include_deleted
            )
            assert pages(store, query) == plain(store, query), term
    finally:
        store.close()


def latest_index_rows(store: SqliteServerStore, term: str) -> set[int]:
    with closing(sqlite3.connect(store.database.path)) as conn:
        return {
            row[0]
            for row in conn.execute(
                "SELECT rowid FROM server_search_latest WHERE server_search_latest MATCH ?",
                [fts_phrase(term)],
            )
        }


def latest_rows(store: SqliteServerStore, term: str) -> set[int]:
    with closing(sqlite3.connect(store.database.path)) as conn:
        return {
            row[0]
            for row in conn.execute(
                "SELECT id FROM server_versions WHERE is_latest = 1 AND instr(search_text, ?) > 0",
                [term],
            )
        }


def test_the_latest_index_follows_publishes_status_changes_and_edits(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    try:
        name = "io.github.octo/weather"
        store.publish(new_version(name, "1.0.0", title="Rain"), actor=ACTOR, now=at(0))
        store.publish(new_version(name, "2.0.0", title="Snow"), actor=ACTOR, now=at(1))
        for term in ("rain", "snow", "octo"):
            assert latest_index_rows(store, term) == latest_rows(store, term), term
        assert latest_index_rows(store, "rain") == set()
        # Deleting the latest version hands the flag back to 1.0.0.
        store.set_status(name, "2.0.0", "deleted", None, actor=ACTOR, now=at(2))
        for term in ("rain", "snow", "octo"):
            assert latest_index_rows(store, term) == latest_rows(store, term), term
        assert len(latest_index_rows(store, "rain")) == 1
        store.replace_server(
            name, "1.0.0", new_version(name, "1.0.0", title="Hail").server, actor=ACTOR, now=at(3)
        )
        for term in ("rain", "hail", "snow"):
            assert latest_index_rows(store, term) == latest_rows(store, term), term
        page = store.list_servers(ListQuery(search="hail", latest_only=True))
        assert [(r.name, r.version) for r in page.items] == [(name, "1.0.0")]
    finally:
        store.close()


def test_opening_a_version_2_database_fills_the_latest_index(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = SqliteServerStore(SqliteDatabase(path))
    old.init()
    old.publish(new_version("com.example/a", "1.0.0", title="Rain"), actor=ACTOR, now=at(0))
    old.publish(new_version("com.example/a", "1.1.0", title="Snow"), actor=ACTOR, now=at(1))
    old.publish(new_version("com.example/b", "1.0.0", title="Snow"), actor=ACTOR, now=at(2))
    old.close()
    # What a database from before the latest index looks like: the table is there (created by
    # this release's schema) but holds nothing.
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO server_search_latest (server_search_latest) VALUES ('delete-all')"
        )
        conn.execute("PRAGMA user_version = 2")
    reopened = SqliteServerStore(SqliteDatabase(path), search_window=1)
    try:
        reopened.init()
        assert latest_index_rows(reopened, "snow") == latest_rows(reopened, "snow") != set()
        assert latest_index_rows(reopened, "rain") == set()
        hits = reopened.list_servers(ListQuery(search="snow", latest_only=True)).items
        # The window holds com.example/a; com.example/b comes from the refilled index.
        assert [(r.name, r.version) for r in hits] == [
            ("com.example/a", "1.1.0"),
            ("com.example/b", "1.0.0"),
        ]
    finally:
        reopened.close()
