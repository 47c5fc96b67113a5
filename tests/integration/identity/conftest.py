"""Local protocol peers for identity tests, and the identity app wired against them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import falcon.testing
import pytest

from mcp_registry.services.identity.app import create_app
from mcp_registry.services.identity.exchange import TokenExchange
from mcp_registry.shared.auth.configured import key_ring, token_issuer
from mcp_registry.shared.auth.domain_grant_sources import DomainGrantSource
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost
from tests.support.auth_doubles import FixedDomainGrants
from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub
from tests.support.identity import DOMAIN, IdentityClient, MakeClient, Peers, WellKnown
from tests.support.local_http import LocalServer
from tests.support.oidc_issuer import OidcIssuer
from tests.support.tls import TestCA

JWT_SEED = "bb2c6b424005acd5df47a9e2c87f446def86dd740c888ea3efb825b23f7ef47c"


@pytest.fixture
def peers(tmp_path: Path) -> Iterator[Peers]:
    github = FakeGitHub()
    actions, google, gitlab = OidcIssuer(), OidcIssuer(), OidcIssuer()
    ca = TestCA(tmp_path)
    web = WellKnown()
    dns = LocalDns()
    dns.a[DOMAIN] = ["127.0.0.1"]
    with (
        LocalServer(github.respond) as github_server,
        actions.serve(),
        google.serve(),
        gitlab.serve(),
        dns,
        LocalServer(web.respond, tls=ca.server_context(DOMAIN)) as web_server,
    ):
        yield Peers(github, github_server, actions, google, gitlab, dns, web, web_server, ca)


@pytest.fixture
def settings(peers: Peers, tmp_path: Path) -> Settings:
    """Every upstream pointed at a local peer; every method enabled."""
    return Settings(
        data_dir=str(tmp_path / "data"),
        jwt_private_key=JWT_SEED,
        enable_anonymous_auth=True,
        # CI ID tokens are bound to this URL (their audience); see test_github.
        public_url="https://Registry.test/",
        github_api_url=peers.github_server.url,
        github_oidc_issuer=peers.actions.url,
        oidc_enabled=True,
        oidc_issuer=peers.google.url,
        oidc_client_id="registry-admin-client",
        oidc_extra_claims='[{"hd": "modelcontextprotocol.io"}]',
        oidc_publish_permissions=("*",),
        oidc_edit_permissions=("*",),
        dns_nameservers=(peers.dns.nameserver,),
        http_auth_port=peers.web_server.port,
        http_auth_ca_file=str(peers.ca.ca_file),
        http_auth_allow_private_addresses=True,
        extras=(("GITLAB_ISSUER", peers.gitlab.url),),
    )


@pytest.fixture
def make_client() -> MakeClient:
    def make(
        settings: Settings,
        *,
        grants: DomainGrantSource | None = None,
        blocks: tuple[tuple[str, str], ...] = (),
    ) -> IdentityClient:
        plugins = PluginHost.load(settings)
        keys = key_ring(settings)
        exchange = TokenExchange(
            plugins.identity_providers(settings),
            token_issuer(settings, keys),
            grants if grants is not None else FixedDomainGrants({}),
            plugins.extra_permissions,
            lambda: blocks,
        )
        app = create_app(settings, exchange=exchange, keys=keys)
        return IdentityClient(falcon.testing.TestClient(app), settings)

    return make


@pytest.fixture
def identity(settings: Settings, make_client: MakeClient) -> IdentityClient:
    return make_client(settings)


@pytest.fixture
def settings_rotation(settings: Settings, make_client: MakeClient) -> IdentityClient:
    """Like ``identity`` but refetching JWKS on every unknown kid."""
    return make_client(settings.replace(jwks_refresh_interval=0.0))
