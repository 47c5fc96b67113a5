"""``export`` then ``import`` moves the whole catalog between backends, exactly.

Each direction runs: the parametrized backend (SQLite, or the MongoDB contract backend) to a
SQLite file and back. A history with every kind of change (newer versions taking latest,
deprecations, a deletion, a reactivation, an admin edit, a prerelease) must come out the same:
server.json, statuses, messages, every timestamp and the latest flags; only ``seq`` is
renumbered, in the original order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mcp_registry.shared.catalog_dump import DumpError, export_catalog, restore_catalog
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.server_json import server_json
from tests.support.stores import ACTOR, MakeStore, at, new_version


def _history(store: ServerStore) -> None:
    publish = store.publish
    publish(new_version("io.github.a/weather", "1.0.0"), actor=ACTOR, now=at(1))
    publish(new_version("io.github.a/weather", "1.1.0"), actor=ACTOR, now=at(2))
    publish(new_version("io.github.a/weather", "2.0.0-beta.1"), actor=ACTOR, now=at(3))
    publish(new_version("io.github.b/notes", "0.1.0", title="Notes"), actor=ACTOR, now=at(4))
    publish(
        new_version("io.github.c/old", "1.0.0", status="deprecated", status_message="use b"),
        actor=ACTOR,
        now=at(5),
    )
    store.set_status("io.github.a/weather", "1.1.0", "deprecated", "broken", actor=ACTOR, now=at(6))
    store.set_status("io.github.b/notes", None, "deleted", "spam", actor=ACTOR, now=at(7))
    store.set_status("io.github.a/weather", "1.1.0", "active", None, actor=ACTOR, now=at(8))
    edited = server_json(
        name="io.github.a/weather", version="1.0.0", description="Edited by an admin"
    )
    store.replace_server("io.github.a/weather", "1.0.0", edited, actor=ACTOR, now=at(9))
    publish(new_version("io.github.a/weather", "1.2.0"), actor=ACTOR, now=at(10))


def _comparable(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The versions without ``seq``, by (name, version); the order of ``seq`` is kept apart."""
    versions = [{k: v for k, v in entry.items() if k != "seq"} for entry in document["versions"]]
    return sorted(versions, key=lambda v: (v["name"], v["version"]))


def _seq_order(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(v["name"], v["version"]) for v in document["versions"]]


def _restored_into_sqlite(document: dict[str, Any], path: Path) -> dict[str, Any]:
    sqlite = SqliteServerStore(SqliteDatabase(path))
    try:
        sqlite.init()
        report = restore_catalog(document, sqlite)
        assert report.differences == []
        assert report.restored == len(document["versions"])
        return export_catalog(sqlite)
    finally:
        sqlite.close()


def test_from_the_backend_to_sqlite(make_store: MakeStore, tmp_path: Path) -> None:
    source = make_store()
    _history(source)
    exported = export_catalog(source)
    assert len(exported["versions"]) == 6
    migrated = _restored_into_sqlite(exported, tmp_path / "migrated.db")
    assert _comparable(migrated) == _comparable(exported)
    assert _seq_order(migrated) == _seq_order(exported)


def test_from_sqlite_to_the_backend(make_store: MakeStore, tmp_path: Path) -> None:
    sqlite = SqliteServerStore(SqliteDatabase(tmp_path / "source.db"))
    try:
        sqlite.init()
        _history(sqlite)
        exported = export_catalog(sqlite)
    finally:
        sqlite.close()
    target = make_store()
    report = restore_catalog(exported, target)
    assert report.differences == []
    migrated = export_catalog(target)
    assert _comparable(migrated) == _comparable(exported)
    assert _seq_order(migrated) == _seq_order(exported)
    # And back again: a second trip changes nothing either.
    assert _comparable(_restored_into_sqlite(migrated, tmp_path / "again.db")) == _comparable(
        exported
    )


def test_the_restored_catalog_answers_reads_like_the_source(
    make_store: MakeStore, tmp_path: Path
) -> None:
    source = make_store()
    _history(source)
    target = SqliteServerStore(SqliteDatabase(tmp_path / "target.db"))
    try:
        target.init()
        restore_catalog(export_catalog(source), target)
        for name in ("io.github.a/weather", "io.github.b/notes", "io.github.c/old"):
            assert target.get_latest(name) == _without_seq(source.get_latest(name), target, name)
        assert target.last_updated_at() == source.last_updated_at()
    finally:
        target.close()


def _without_seq(record: Any, target: ServerStore, name: str) -> Any:
    """``record`` with the target's ``seq`` (the only field a restore renumbers)."""
    import dataclasses

    latest = target.get_latest(name)
    assert record is not None
    assert latest is not None
    return dataclasses.replace(record, seq=latest.seq)


def test_restore_refuses_a_store_that_has_servers(make_store: MakeStore) -> None:
    store = make_store()
    _history(store)
    with pytest.raises(DumpError, match="not empty"):
        restore_catalog(export_catalog(store), store)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"servers": []}, "not a mcp-registry-export"),
        ({"format": "mcp-registry-export", "formatVersion": 99, "versions": []}, "formatVersion"),
        (
            {
                "format": "mcp-registry-export",
                "formatVersion": 1,
                "versions": [{"name": "io.github.a/x", "version": "1", "status": "gone"}],
            },
            r"io\.github\.a/x@1: unknown status",
        ),
    ],
)
def test_restore_refuses_documents_it_cannot_read(
    make_store: MakeStore, document: dict[str, Any], message: str
) -> None:
    with pytest.raises(DumpError, match=message):
        restore_catalog(document, make_store())


def test_an_export_pages_through_a_large_catalog(tmp_path: Path) -> None:
    source = SqliteServerStore(SqliteDatabase(tmp_path / "large.db"))
    try:
        source.init()
        for i in range(501):  # one more than a page of the export's reads
            source.publish(new_version(f"io.github.a/s{i:04d}", "1.0.0"), actor=ACTOR, now=at(i))
        exported = export_catalog(source)
    finally:
        source.close()
    names = [v["name"] for v in exported["versions"]]
    assert len(names) == len(set(names)) == 501
    migrated = _restored_into_sqlite(exported, tmp_path / "large-migrated.db")
    assert _comparable(migrated) == _comparable(exported)
