"""``open_store``: the backend and its location come from the database URL alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcp_registry.shared.storage.factory import open_store
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore


def test_relative_sqlite_path_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///data/nested/registry.db")
    try:
        assert isinstance(store, SqliteServerStore)
        assert store.database.path == Path("data/nested/registry.db")
        assert (tmp_path / "data" / "nested").is_dir()
        store.init()
        assert (tmp_path / "data" / "nested" / "registry.db").is_file()
    finally:
        store.close()


def test_absolute_sqlite_path(tmp_path: Path) -> None:
    target = tmp_path / "abs" / "registry.db"
    url = f"sqlite:///{target}"
    assert url.startswith("sqlite:////")
    store = open_store(url)
    try:
        assert isinstance(store, SqliteServerStore)
        assert store.database.path == target
        store.init()
        assert target.is_file()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "database"),
    [
        ("mongodb://localhost:27017/registry", "registry"),
        ("mongodb://user:secret@h1:27017,h2:27017/prod_db?replicaSet=rs0", "prod_db"),
        ("mongodb://localhost:27017", "mcp_registry"),
        ("mongodb://localhost:27017/?retryWrites=true", "mcp_registry"),
        ("mongodb+srv://cluster0.example.net/reg?retryWrites=true", "reg"),
    ],
)
def test_mongodb_urls_connect_lazily(url: str, database: str) -> None:
    store = open_store(url)  # no server exists: nothing may connect (or resolve SRV) yet
    try:
        assert isinstance(store, MongoServerStore)
        assert store.database_name == database
    finally:
        store.close()


@pytest.mark.parametrize(
    "url",
    [
        "postgres://localhost/registry",
        "sqlite://relative.db",
        "sqlite:///",
        "sqlite:///:memory:",
        "registry.db",
        "",
    ],
)
def test_other_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(ValueError, match="sqlite:///"):
        open_store(url)


def test_refusal_does_not_echo_credentials() -> None:
    with pytest.raises(ValueError, match=r"postgres://") as caught:
        open_store("postgres://admin:hunter2@db/registry")
    assert "hunter2" not in str(caught.value)
