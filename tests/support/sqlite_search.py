"""SQLite search test support: a seeded store whose names cluster like owners' prefixes, the
query plan of a statement, and every page of a query following the store's cursor and phase."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

from mcp_registry.shared.storage.records import ListQuery, SearchPhase
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.queries import fts_phrase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.stores import ACTOR, Ticker, new_version

TOPICS = ("weather", "github", "maps", "notes")


def plan(path: Path, sql: str, params: list[str | int]) -> list[str]:
    """The EXPLAIN QUERY PLAN details of ``sql``."""
    with closing(sqlite3.connect(path)) as conn:
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def latest_names_found(store: SqliteServerStore, term: str) -> set[str]:
    """The names ``server_names_latest`` (the name index of latest versions) finds for
    ``term``."""
    with closing(sqlite3.connect(store.database.path)) as conn:
        rows = conn.execute(
            "SELECT v.name FROM server_names_latest JOIN server_versions AS v"
            " ON v.id = server_names_latest.rowid WHERE server_names_latest MATCH ?",
            [fts_phrase(term)],
        ).fetchall()
    return {name for (name,) in rows}


def seeded(path: Path, *, window: int) -> SqliteServerStore:
    """A store of 60 names in clusters (owner prefixes), two versions each, some deprecated
    or deleted, whose latest version sometimes lost the term the older one had."""
    store = SqliteServerStore(SqliteDatabase(path), search_window=window)
    store.init()
    clock = Ticker()
    chooser = random.Random(7)
    for i in range(60):
        owner = ("alpha", "beta", "gamma")[i // 20]
        topic = TOPICS[(i // 5) % len(TOPICS)]
        name = f"io.github.{owner}/{topic}-{i}"
        store.publish(
            new_version(name, "1.0.0", description=f"{topic} tools"), actor=ACTOR, now=clock()
        )
        later = topic if chooser.random() < 0.7 else "other"
        store.publish(
            new_version(name, "1.1.0", description=f"{later} things"), actor=ACTOR, now=clock()
        )
        roll = chooser.random()
        if roll < 0.1:
            store.set_status(name, "1.1.0", "deleted", None, actor=ACTOR, now=clock())
        elif roll < 0.2:
            store.set_status(name, None, "deprecated", "old", actor=ACTOR, now=clock())
    return store


def pages(store: SqliteServerStore, query: ListQuery) -> list[tuple[str, str]]:
    """Every entry of ``query``, page after page, as the store's cursor and phase lead."""
    seen: list[tuple[str, str]] = []
    after: tuple[str, str] | None = None
    phase: SearchPhase = "name"
    while True:
        page = store.list_servers(ListQuery(**{**query.__dict__, "after": after, "phase": phase}))
        seen.extend((r.name, r.version) for r in page.items)
        if not page.has_more:
            return seen
        after = (page.items[-1].name, page.items[-1].version)
        phase = page.phase
