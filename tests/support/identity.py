"""The identity app under test and the local protocol peers it is pointed at.

The identity folder's fixtures build these (``peers``, ``make_client``, ``identity``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import falcon.testing

from mcp_registry.shared.auth.configured import token_verifier
from mcp_registry.shared.auth.jwks import public_keys_from_jwks
from mcp_registry.shared.auth.tokens import RegistryClaims
from mcp_registry.shared.config import Settings
from tests.support.auth_doubles import StaticKeys
from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.oidc_issuer import OidcIssuer
from tests.support.tls import TestCA

DOMAIN = "example.com"
"""The domain the peers serve: its A record and its HTTPS server."""


@dataclass
class WellKnown:
    """What the domain's web server answers at ``/.well-known/mcp-registry-auth``."""

    answer: Answer = field(default_factory=lambda: Answer(404, b"not found"))

    def respond(self, seen: Seen) -> Answer:
        if seen.path == "/.well-known/mcp-registry-auth":
            return self.answer
        return Answer(404, b"not found")


@dataclass
class Peers:
    """Every upstream identity talks to, each a local server."""

    github: FakeGitHub
    github_server: LocalServer
    actions: OidcIssuer
    google: OidcIssuer
    gitlab: OidcIssuer
    dns: LocalDns
    web: WellKnown
    web_server: LocalServer
    ca: TestCA


@dataclass
class IdentityClient:
    """The identity app under test and a verifier like every other service uses."""

    client: falcon.testing.TestClient
    settings: Settings

    def login(self, method: str, body: dict[str, Any] | None = None) -> falcon.testing.Result:
        return self.client.simulate_post(f"/v0/auth/{method}", json=body)

    def claims(self, result: falcon.testing.Result) -> RegistryClaims:
        """Verify the returned token through the JWKS endpoint, as a remote service would."""
        assert result.status_code == 200, result.text
        jwks = self.client.simulate_get("/.well-known/jwks.json").json
        keys = StaticKeys(public_keys_from_jwks(jwks))
        return token_verifier(self.settings, keys).verify(result.json["registry_token"])


MakeClient = Callable[..., IdentityClient]
"""The ``make_client`` fixture: ``make_client(settings, *, grants=None)``."""
