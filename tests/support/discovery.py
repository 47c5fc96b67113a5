"""The discovery app over a real SQLite store, as the ``make_discovery`` fixture builds it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import falcon.testing

from mcp_registry.services.discovery.http_cache import ResponseCache
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
    """One discovery app, its store and cache, and the clocks of the store and the app."""

    client: falcon.testing.TestClient
    store: SqliteServerStore
    cache: ResponseCache
    clock: Ticker
    app_clock: SettableClock

    def publish(self, name: str, version: str, **fields: Any) -> None:
        self.store.publish(new_version(name, version, **fields), actor=ACTOR, now=self.clock())


MakeDiscovery = Callable[[], Discovery]
"""The ``make_discovery`` fixture: another discovery app over a fresh store per call."""
