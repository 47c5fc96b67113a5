"""Discovery over a real SQLite store, through Falcon's test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import falcon.testing
import pytest

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.http_cache import ResponseCache
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.discovery import Discovery, MakeDiscovery, SettableClock
from tests.support.stores import Ticker


@pytest.fixture
def make_discovery(tmp_path: Path) -> Iterator[MakeDiscovery]:
    """Build discovery apps over fresh SQLite stores; stores are closed at teardown."""
    stores: list[SqliteServerStore] = []

    def make() -> Discovery:
        store = SqliteServerStore(SqliteDatabase(tmp_path / f"registry-{len(stores)}.db"))
        store.init()
        stores.append(store)
        cache = ResponseCache(64)
        app_clock = SettableClock()
        app = create_app(Settings(), store=store, cache=cache, clock=app_clock)
        return Discovery(falcon.testing.TestClient(app), store, cache, Ticker(), app_clock)

    yield make
    for store in stores:
        store.close()
