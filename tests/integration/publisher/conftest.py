"""A whole registry on loopback for the publisher CLI, its upstreams pointed at local fakes.

The composed app (discovery, publishing, identity behind the route table) runs in a real
threaded WSGI server over SQLite; GitHub, the Actions and Google OIDC issuers, DNS and a
domain's HTTPS server are local protocol peers. The CLI runs in-process (click's runner)
with ``HOME``/``XDG_CONFIG_HOME`` in a temporary folder, so the token file is the test's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mcp_registry.services.runtime.apps import build_composed
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.config import Settings
from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub, GitHubUser
from tests.support.local_http import LocalServer
from tests.support.oidc_issuer import OidcIssuer
from tests.support.publisher_cli import (
    ADMIN_AUDIENCE,
    CLIENT_ID,
    DOMAIN,
    JWT_SEED,
    Stack,
    WellKnown,
)
from tests.support.tls import TestCA
from tests.support.wsgi_server import served


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    github = FakeGitHub()
    github.add_user("gho_alice", GitHubUser("alice", {"acme": "admin"}))
    actions, google, gitlab = OidcIssuer(), OidcIssuer(), OidcIssuer()
    ca = TestCA(tmp_path)
    web = WellKnown()
    with (
        LocalServer(github.respond) as github_server,
        actions.serve(),
        google.serve(),
        gitlab.serve(),
        LocalDns() as dns,
        LocalServer(web.respond, tls=ca.server_context(DOMAIN)) as web_server,
    ):
        dns.a[DOMAIN] = ["127.0.0.1"]
        # The app is bound after the server is up: its public URL (which CI ID tokens name as
        # their audience) is the served one.
        late: dict[str, Any] = {}

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            return late["app"](environ, start_response)

        with served(app) as url:
            settings = Settings(
                data_dir=str(tmp_path / "data"),
                database_url=f"sqlite:///{tmp_path / 'registry.db'}",
                public_url=url,
                jwt_private_key=JWT_SEED,
                enable_anonymous_auth=True,
                enable_registry_validation=False,
                github_client_id=CLIENT_ID,
                github_api_url=github_server.url,
                github_oidc_issuer=actions.url,
                oidc_enabled=True,
                oidc_issuer=google.url,
                oidc_client_id=ADMIN_AUDIENCE,
                oidc_publish_permissions=("*",),
                oidc_edit_permissions=("*",),
                dns_nameservers=(dns.nameserver,),
                http_auth_port=web_server.port,
                http_auth_ca_file=str(ca.ca_file),
                http_auth_allow_private_addresses=True,
                # The separately installed GitLab plugin: a method only the registry knows.
                extras=(("GITLAB_ISSUER", gitlab.url),),
            )
            deps = ProcessDeps(settings)
            late["app"] = build_composed(deps)
            try:
                yield Stack(
                    url=url,
                    github=github,
                    github_url=github_server.url,
                    actions=actions,
                    google=google,
                    gitlab=gitlab,
                    dns=dns,
                    web=web,
                    home=tmp_path / "home",
                )
            finally:
                deps.close()
