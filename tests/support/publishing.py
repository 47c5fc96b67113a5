"""The publishing app under test and registry tokens for it.

Tokens are minted by the identity service's own issuer with a fixed key; the publishing
app verifies them with the shared verifier, as in production. The publishing folder's
fixtures (``tokens``, ``make_publishing``) build these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import falcon
import falcon.testing

from mcp_registry.shared.auth.configured import token_issuer
from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, Permission
from mcp_registry.shared.auth.signing_keys import KeyRing
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.port import ServerStore


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
    """One publishing app, a test client for it, its store and the tokens it accepts."""

    app: falcon.App[falcon.Request, falcon.Response]
    client: falcon.testing.TestClient
    store: ServerStore
    tokens: Tokens

    def publish(self, doc: dict[str, Any], headers: dict[str, str]) -> falcon.testing.Result:
        return self.client.simulate_post("/v0/publish", json=doc, headers=headers)


MakePublishing = Callable[..., Publishing]
"""The ``make_publishing`` fixture: ``make_publishing(store=None, ownership=None,
domain_grants=None)``, a fresh SQLite store when ``store`` is None."""
