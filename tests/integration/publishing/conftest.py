"""The publishing app over real stores and real registry tokens, and a served variant.

Tokens are minted by the identity service's own issuer with a fixed key; the publishing
app verifies them with the shared verifier, as in production.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import falcon
import falcon.testing
import pytest

from mcp_registry.services.publishing.app import create_app
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.shared.auth.configured import key_ring, token_issuer, token_verifier
from mcp_registry.shared.auth.domain_grant_sources import DomainGrantSource
from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, Permission
from mcp_registry.shared.auth.signing_keys import KeyRing
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.integration.storage.conftest import backend, make_store, mongo_backend, mongo_url
from tests.support.stores import Ticker

__all__ = ["backend", "make_store", "mongo_backend", "mongo_url"]

JWT_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"


def server_doc(name: str, version: str, **extra: Any) -> dict[str, Any]:
    """A valid current-schema server.json."""
    return {"$schema": SCHEMA, "name": name, "version": version, "description": "Test", **extra}


class Tokens:
    """Mints registry tokens with chosen permissions."""

    def __init__(self, settings: Settings, keys: KeyRing) -> None:
        self._issuer = token_issuer(settings, keys)

    def bearer(
        self,
        publish: tuple[str, ...] = (),
        edit: tuple[str, ...] = (),
        *,
        method: str = "github-at",
        sub: str = "alice",
        from_domains: tuple[str, ...] = (),
    ) -> dict[str, str]:
        """``Authorization`` with a token granting ``publish`` and ``edit`` on the patterns;
        ``from_domains`` adds ``publish`` patterns held only through verified domains."""
        domain_permissions = tuple(Permission(PUBLISH, p) for p in from_domains)
        permissions = (
            tuple(Permission(PUBLISH, p) for p in publish)
            + domain_permissions
            + tuple(Permission(EDIT, p) for p in edit)
        )
        minted = self._issuer.mint(
            auth_method=method,
            auth_method_sub=sub,
            permissions=permissions,
            domain_permissions=domain_permissions,
        )
        return {"Authorization": f"Bearer {minted.token}"}


@dataclass
class Publishing:
    app: falcon.App[falcon.Request, falcon.Response]
    client: falcon.testing.TestClient
    store: ServerStore
    tokens: Tokens

    def publish(self, doc: dict[str, Any], headers: dict[str, str]) -> falcon.testing.Result:
        return self.client.simulate_post("/v0/publish", json=doc, headers=headers)


MakePublishing = Callable[..., Publishing]


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
