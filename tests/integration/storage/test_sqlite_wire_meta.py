"""The list entries SQLite writes itself (``sqlite.wire_meta``): byte for byte what
``orjson.dumps(to_item(record))`` gives, after every kind of write, from every writer."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from mcp_registry.shared import api_items
from mcp_registry.shared.storage.records import ItemPage, ListQuery
from mcp_registry.shared.storage.sqlite import wire_meta
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase, dumps
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from mcp_registry.shared.storage.timestamps import to_micros
from tests.support.stores import ACTOR, T0, Ticker, new_version

NAME = "io.github.octo/weather"
EVERYTHING = ListQuery(limit=1000, include_deleted=True)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteServerStore]:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    yield store
    store.close()


def reference_texts(store: SqliteServerStore, query: ListQuery) -> tuple[str, ...]:
    """Each entry of the page as parse-then-encode writes it."""
    records = store.list_servers(query).items
    return tuple(orjson.dumps(api_items.to_item(r)).decode() for r in records)


def written_page(store: SqliteServerStore, query: ListQuery = EVERYTHING) -> ItemPage:
    """The page SQLite wrote, checked against the records' page."""
    page = store.list_server_items(query)
    assert page is not None, "the database wrote no entries for this page"
    records = store.list_servers(query)
    assert page.texts == reference_texts(store, query)
    assert page.names == tuple(r.name for r in records.items)
    assert page.last == (
        (records.items[-1].name, records.items[-1].version) if records.items else None
    )
    assert page.has_more == records.has_more
    return page


def test_the_meta_key_is_the_api_one() -> None:
    assert wire_meta.OFFICIAL_META_KEY == api_items.OFFICIAL_META_KEY


def test_json_quote_escapes_every_code_point_as_orjson_does() -> None:
    # The status message goes through SQLite's json_quote: on the SQLite in use, every
    # code point (surrogates cannot be stored) must come out as orjson writes it.
    code_points = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    with closing(sqlite3.connect(":memory:")) as conn:
        for start in range(0, len(code_points), 4096):
            text = "".join(map(chr, code_points[start : start + 4096]))
            (quoted,) = conn.execute("SELECT json_quote(?)", (text,)).fetchone()
            assert quoted == orjson.dumps(text).decode(), hex(code_points[start])


def test_every_write_keeps_the_entries_exact(store: SqliteServerStore) -> None:
    clock = Ticker()
    store.publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=clock())
    written_page(store)
    store.publish(new_version(NAME, "1.1.0"), actor=ACTOR, now=clock())  # takes latest
    written_page(store)
    for message in ('use 1.1 "now" ☃\n', "\x00\x01\x1f\x7f\u2028 é 𝄞 \\ /", "", None):
        store.set_status(NAME, "1.0.0", "deprecated", message, actor=ACTOR, now=clock())
        written_page(store)
    store.set_status(NAME, "1.1.0", "deleted", "gone", actor=ACTOR, now=clock())  # 1.0.0 latest
    written_page(store)
    store.set_status(NAME, None, "active", None, actor=ACTOR, now=clock())
    written_page(store)
    edited = new_version(NAME, "1.0.0", description="edited ☃", title="Ünïcode")
    store.replace_server(NAME, "1.0.0", edited.server, actor=ACTOR, now=clock())
    page = written_page(store)
    assert len(page.texts) == 2
    latest = written_page(store, ListQuery(limit=10, latest_only=True))
    assert latest.names == (NAME,)


def _bulk_insert(store: SqliteServerStore, stamps: list[int]) -> None:
    """Rows written by plain SQL, as bulk seeding does (no store code involved)."""
    rows = []
    for i, stamp in enumerate(stamps):
        name = f"io.github.octo/s{i:05d}"
        server = new_version(name, "1.0.0").server
        updated = stamp + (i % 3)  # some rows with three different times
        changed = stamp + 2 * (i % 3)
        rows.append((name, dumps(server), stamp, updated, changed, i % 2, i + 1))
    with closing(sqlite3.connect(store.database.path)) as conn, conn:
        conn.executemany(
            "INSERT INTO server_versions (name, version, server, status, status_message,"
            " published_at, updated_at, status_changed_at, is_latest, seq, search_text)"
            " VALUES (?, '1.0.0', ?, 'active', NULL, ?, ?, ?, ?, ?, '')",
            rows,
        )


def test_timestamps_come_out_as_format_rfc3339_writes_them(store: SqliteServerStore) -> None:
    def micros(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
        return to_micros(datetime(year, month, day, hour, minute, second, tzinfo=UTC))

    stamps = [
        0,
        1,
        999_999,
        1_000_000,
        micros(1999, 12, 31, 23, 59, 59) + 999_999,
        micros(2000, 2, 29, 12, 0, 0),
        micros(2024, 2, 29, 0, 0, 0) + 5,
        micros(2100, 3, 1, 1, 2, 3) + 450_000,
        micros(9999, 12, 31, 23, 59, 59) + 999_995,  # plus up to 4 µs in the row
        to_micros(T0),
    ]
    rng = random.Random(7)
    end = micros(9999, 12, 31, 0, 0, 0)
    stamps += [rng.randrange(0, end) for _ in range(2000)]
    stamps += [
        rng.randrange(micros(2020, 1, 1, 0, 0, 0), micros(2030, 1, 1, 0, 0, 0)) for _ in range(2000)
    ]
    _bulk_insert(store, stamps)
    page = written_page(store, ListQuery(limit=len(stamps), include_deleted=True))
    assert len(page.texts) == len(stamps)


def test_what_the_database_cannot_vouch_for_is_left_to_the_caller(
    store: SqliteServerStore,
) -> None:
    clock = Ticker()
    store.publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=clock())
    before_1970 = datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)
    store.publish(new_version("io.github.octo/old", "1.0.0"), actor=ACTOR, now=before_1970)
    # A float the standard library writes 1e-05: the stored text is not spliceable.
    odd = new_version("io.github.octo/odd", "1.0.0", _meta={"io.example/x": {"f": 1e-05}})
    store.publish(odd, actor=ACTOR, now=clock())
    assert store.list_server_items(EVERYTHING) is None
    # Pages without those rows are still written by the database.
    assert written_page(store, ListQuery(limit=10, after=("io.github.octo/t", ""))).names == (NAME,)
    with closing(sqlite3.connect(store.database.path)) as conn:
        rows = dict(conn.execute("SELECT name, wire_meta FROM server_versions").fetchall())
    assert rows["io.github.octo/old"] is None
    assert rows["io.github.octo/odd"] is None
    assert rows[NAME] is not None


def test_a_version_3_database_gains_its_entries_on_init(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = SqliteServerStore(SqliteDatabase(path))
    old.init()
    clock = Ticker()
    for i in range(5):
        old.publish(new_version(f"{NAME}-{i}", "1.0.0"), actor=ACTOR, now=clock())
    old.set_status(f"{NAME}-1", "1.0.0", "deprecated", "old", actor=ACTOR, now=clock())
    old.close()
    # What a database written before schema version 4 looks like.
    with closing(sqlite3.connect(path)) as conn, conn:
        for trigger in ("server_versions_wire_meta_insert", "server_versions_wire_meta_update"):
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("ALTER TABLE server_versions DROP COLUMN wire_meta")
        conn.execute("PRAGMA user_version = 3")
    reopened = SqliteServerStore(SqliteDatabase(path))
    try:
        reopened.init()
        assert len(written_page(reopened).texts) == 5
        reopened.publish(new_version(f"{NAME}-1", "1.1.0"), actor=ACTOR, now=clock())
        assert len(written_page(reopened).texts) == 6
        reopened.init()  # again: nothing to migrate
        assert len(written_page(reopened).texts) == 6
    finally:
        reopened.close()


def test_an_empty_page_is_written_too(store: SqliteServerStore) -> None:
    page = written_page(store)
    assert page == ItemPage(names=(), texts=(), last=None, has_more=False)


def test_pages_follow_the_keyset(store: SqliteServerStore) -> None:
    clock = Ticker()
    for i in range(7):
        store.publish(new_version(f"{NAME}-{i}", "1.0.0"), actor=ACTOR, now=clock())
    query = ListQuery(limit=3)
    first = written_page(store, query)
    assert first.has_more
    assert first.last == (f"{NAME}-2", "1.0.0")
    second = written_page(store, ListQuery(limit=3, after=first.last))
    assert second.names == tuple(f"{NAME}-{i}" for i in (3, 4, 5))
    last = written_page(store, ListQuery(limit=3, after=second.last))
    assert last.names == (f"{NAME}-6",)
    assert not last.has_more


def test_a_search_is_left_to_the_records(store: SqliteServerStore) -> None:
    # Searches are ranked (name matches first), an order only the search plans know.
    store.publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=T0 + timedelta(seconds=1))
    assert store.list_server_items(ListQuery(search="weather", latest_only=True)) is None
    assert store.list_server_items(ListQuery(search="weather")) is None
    written_page(store, ListQuery(latest_only=True))
