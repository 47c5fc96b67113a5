"""Moderation test support: every store on a fresh database of either backend, and a
publishing app with the moderation routes over them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import falcon
import falcon.testing

from mcp_registry.services.publishing.app import create_app
from mcp_registry.shared.auth.configured import token_verifier
from mcp_registry.shared.auth.signing_keys import KeyRing
from mcp_registry.shared.config import Settings
from mcp_registry.shared.rate_limits import Limiter
from mcp_registry.shared.storage.factory import Stores, mongo_stores, sqlite_stores
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from tests.support.stores import AtomicMongomockClient, Ticker, as_mongo_client

ADMIN = {"edit": ("*",), "sub": "operator"}


@contextmanager
def fresh_stores(backend: str, tmp_path: Path) -> Iterator[Stores]:
    """Every store on a new ``sqlite`` file or mongomock database, initialized."""
    client: AtomicMongomockClient | None = None
    if backend == "sqlite":
        stores = sqlite_stores(SqliteDatabase(tmp_path / "registry.db"))
    else:
        client = AtomicMongomockClient()
        stores = mongo_stores(MongoDatabase(as_mongo_client(client), "mcp_registry_test"))
    stores.init()
    try:
        yield stores
    finally:
        stores.close()
        if client is not None:
            client.close()


@dataclass
class Moderated:
    """A publishing app with moderation over ``stores``."""

    client: falcon.testing.TestClient
    stores: Stores

    def post(self, path: str, body: Any, headers: dict[str, str]) -> falcon.testing.Result:
        return self.client.simulate_post(path, json=body, headers=headers)


def moderated_app(
    settings: Settings, keys: KeyRing, stores: Stores, *, limited: bool = False
) -> Moderated:
    """The app; ``limited`` counts writes against ``settings.rate_limit_writes``."""
    app = create_app(
        settings,
        store=stores.servers,
        verifier=token_verifier(settings, keys),
        moderation=stores.moderation,
        limiter=Limiter(stores.rate_counters) if limited else None,
        clock=Ticker(),
    )
    return Moderated(falcon.testing.TestClient(app), stores)
