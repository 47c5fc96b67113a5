"""A whole registry on loopback for the publisher CLI, its upstreams pointed at local fakes.

The composed app (discovery, publishing, identity behind the route table) runs in a real
threaded WSGI server over SQLite; GitHub, the Actions and Google OIDC issuers, DNS and a
domain's HTTPS server are local protocol peers. The CLI runs in-process (click's runner)
with ``HOME``/``XDG_CONFIG_HOME`` in a temporary folder, so the token file is the test's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mcp_registry.cli.publisher.main import cli
from mcp_registry.services.runtime.apps import build_composed
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.config import Settings
from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub, GitHubUser
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.oidc_issuer import OidcIssuer
from tests.support.tls import TestCA
from tests.support.wsgi_server import served

JWT_SEED = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
DOMAIN = "example.com"
CLIENT_ID = "Iv1.test-client"
ADMIN_AUDIENCE = "registry-admin"


@dataclass
class WellKnown:
    """The domain's web server: ``/.well-known/mcp-registry-auth`` answers ``body``."""

    body: str = ""

    def respond(self, seen: Seen) -> Answer:
        if seen.path == "/.well-known/mcp-registry-auth" and self.body:
            return Answer(200, self.body.encode(), {"Content-Type": "text/plain"})
        return Answer(404, b"not found")


@dataclass
class Stack:
    """The served registry and its fakes."""

    url: str
    github: FakeGitHub
    github_url: str
    actions: OidcIssuer
    google: OidcIssuer
    gitlab: OidcIssuer
    dns: LocalDns
    web: WellKnown
    home: Path


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


def run(
    stack: Stack,
    *args: str,
    env: dict[str, str | None] | None = None,
    input: str | None = None,
    registry: bool = True,
) -> Result:
    """``mcp-publisher ARGS`` against the stack, with the test's own config home."""
    environment: dict[str, str | None] = {
        "HOME": str(stack.home),
        "XDG_CONFIG_HOME": str(stack.home / ".config"),
        "MCP_PUBLISHER_REGISTRY": None,
        "MCP_GITHUB_TOKEN": None,
        "MCP_OIDC_TOKEN": None,
        "MCP_PUBLISHER_PRIVATE_KEY": None,
        "MCP_PUBLISHER_GITHUB_URL": None,
        "ACTIONS_ID_TOKEN_REQUEST_URL": None,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": None,
        **(env or {}),
    }
    argv: Sequence[str] = ["--registry", stack.url, *args] if registry else list(args)
    return CliRunner().invoke(cli, list(argv), env=environment, input=input)


def server_doc(name: str, version: str = "1.0.0", **extra: Any) -> dict[str, Any]:
    """A valid current-schema server.json."""
    return {
        "$schema": SCHEMA,
        "name": name,
        "version": version,
        "description": "A test server",
        **extra,
    }
