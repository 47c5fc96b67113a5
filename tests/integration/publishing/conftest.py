"""The publishing app over real stores and real registry tokens.

The stores on both backends (``make_store``) come from :mod:`tests.support.fixtures.stores`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import falcon.testing
import pytest

from mcp_registry.services.publishing.app import create_app
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.shared.auth.configured import key_ring, token_verifier
from mcp_registry.shared.auth.domain_grant_sources import DomainGrantSource
from mcp_registry.shared.auth.signing_keys import KeyRing
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.publishing import MakePublishing, Publishing, Tokens
from tests.support.stores import Ticker

JWT_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=str(tmp_path / "data"), jwt_private_key=JWT_SEED)


@pytest.fixture
def keys(settings: Settings) -> KeyRing:
    return key_ring(settings)


@pytest.fixture
def tokens(settings: Settings, keys: KeyRing) -> Tokens:
    return Tokens(settings, keys)


@pytest.fixture
def make_publishing(
    settings: Settings, keys: KeyRing, tokens: Tokens, tmp_path: Path
) -> Iterator[MakePublishing]:
    """Publishing apps over ``store`` (default: a fresh SQLite store)."""
    opened: list[ServerStore] = []

    def make(
        store: ServerStore | None = None,
        ownership: OwnershipChecker | None = None,
        domain_grants: DomainGrantSource | None = None,
    ) -> Publishing:
        if store is None:
            store = SqliteServerStore(SqliteDatabase(tmp_path / f"registry-{len(opened)}.db"))
            store.init()
            opened.append(store)
        app = create_app(
            settings,
            store=store,
            verifier=token_verifier(settings, keys),
            ownership=ownership,
            domain_grants=domain_grants,
            clock=Ticker(),
        )
        return Publishing(app, falcon.testing.TestClient(app), store, tokens)

    yield make
    for store in opened:
        store.close()
