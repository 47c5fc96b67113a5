"""Discovery over a real SQLite store, through Falcon's test client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.http_cache import ResponseCache
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.stores import ACTOR, Ticker, new_version


class SettableClock:
    """The discovery app's notion of now; tests move it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Discovery:
    client: falcon.testing.TestClient
    store: SqliteServerStore
    cache: ResponseCache
    clock: Ticker
    app_clock: SettableClock

    def publish(self, name: str, version: str, **fields: Any) -> None:
        self.store.publish(new_version(name, version, **fields), actor=ACTOR, now=self.clock())


MakeDiscovery = Callable[[], Discovery]


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
