"""Logins against the running ``./run dev`` stack, its upstreams pointed at local fakes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mcp_registry.cli.publisher.domain_keys import DomainKey
from mcp_registry.shared.auth.jwks import public_keys_from_jwks
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.auth.tokens import RegistryClaims, TokenVerifier
from tests.support.auth_doubles import StaticKeys
from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub, GitHubUser
from tests.support.http import request
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.oidc_issuer import OidcIssuer
from tests.support.registry_process import RunningRegistry, start_registry, stop_registry
from tests.support.tls import TestCA

pytestmark = pytest.mark.e2e

ADMIN_AUDIENCE = "registry-admin-client"
HTTP_DOMAIN = "example.net"


@pytest.fixture(scope="module")
def github() -> Iterator[tuple[FakeGitHub, LocalServer]]:
    fake = FakeGitHub()
    fake.add_user("gho_alice", GitHubUser("alice", {"acme": "admin"}))
    with LocalServer(fake.respond) as server:
        yield fake, server


@dataclass
class Issuers:
    """Local OIDC issuers standing in for GitHub Actions, Google and GitLab."""

    actions: OidcIssuer
    google: OidcIssuer
    gitlab: OidcIssuer


@pytest.fixture(scope="module")
def issuers() -> Iterator[Issuers]:
    found = Issuers(OidcIssuer(), OidcIssuer(), OidcIssuer())
    with found.actions.serve(), found.google.serve(), found.gitlab.serve():
        yield found


@dataclass
class DomainSite:
    """``https://example.net/.well-known/mcp-registry-auth`` on loopback, with a test CA."""

    body: bytes = b""
    ca_file: str = ""
    port: int = 0

    def respond(self, seen: Seen) -> Answer:
        if seen.path == "/.well-known/mcp-registry-auth" and self.body:
            return Answer(200, self.body, {"Content-Type": "text/plain"})
        return Answer(404, b"not found")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, dns: LocalDns) -> Iterator[DomainSite]:
    ca = TestCA(tmp_path_factory.mktemp("ca"))
    found = DomainSite(ca_file=str(ca.ca_file))
    dns.a[HTTP_DOMAIN] = ["127.0.0.1"]
    with LocalServer(found.respond, tls=ca.server_context(HTTP_DOMAIN)) as server:
        found.port = server.port
        yield found


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    github: tuple[FakeGitHub, LocalServer],
    dns: LocalDns,
    issuers: Issuers,
    site: DomainSite,
) -> Iterator[RunningRegistry]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH", "true")
        patch.setenv("MCP_REGISTRY_GITHUB_API_URL", github[1].url)
        patch.setenv("MCP_REGISTRY_DNS_NAMESERVERS", dns.nameserver)
        patch.setenv("MCP_REGISTRY_GITHUB_OIDC_ISSUER", issuers.actions.url)
        patch.setenv("MCP_REGISTRY_OIDC_ENABLED", "true")
        patch.setenv("MCP_REGISTRY_OIDC_ISSUER", issuers.google.url)
        patch.setenv("MCP_REGISTRY_OIDC_CLIENT_ID", ADMIN_AUDIENCE)
        patch.setenv("MCP_REGISTRY_OIDC_EXTRA_CLAIMS", '[{"hd": "modelcontextprotocol.io"}]')
        patch.setenv("MCP_REGISTRY_OIDC_PUBLISH_PERMISSIONS", "*")
        patch.setenv("MCP_REGISTRY_OIDC_EDIT_PERMISSIONS", "*")
        patch.setenv("MCP_REGISTRY_HTTP_AUTH_PORT", str(site.port))
        patch.setenv("MCP_REGISTRY_HTTP_AUTH_CA_FILE", site.ca_file)
        patch.setenv("MCP_REGISTRY_HTTP_AUTH_ALLOW_PRIVATE_ADDRESSES", "true")
        # The separately installed GitLab plugin reads its own option.
        patch.setenv("MCP_REGISTRY_GITLAB_ISSUER", issuers.gitlab.url)
        patch.delenv("MCP_REGISTRY_JWT_PRIVATE_KEY", raising=False)
        patch.delenv("MCP_REGISTRY_JWT_KEYS_DIR", raising=False)
        patch.delenv("MCP_REGISTRY_PLUGINS", raising=False)
        running = start_registry(tmp_path_factory.mktemp("identity"), [])
    yield running
    stop_registry(running)


def login(
    stack: RunningRegistry, method: str, body: dict[str, str] | None = None
) -> RegistryClaims:
    reply = request(
        stack.url,
        "POST",
        f"/v0/auth/{method}",
        headers={"Content-Type": "application/json"},
        body=json.dumps(body).encode() if body is not None else None,
    )
    assert reply.status == 200, reply.body
    jwks = request(stack.url, "GET", "/.well-known/jwks.json").json
    verifier = TokenVerifier(
        StaticKeys(public_keys_from_jwks(jwks)), issuer="mcp-registry", audience="mcp-registry"
    )
    return verifier.verify(reply.json["registry_token"])


def test_dev_generated_a_signing_key(stack: RunningRegistry) -> None:
    assert list(Path(stack.data_dir, "keys").glob("*.pem"))


def test_anonymous_login(stack: RunningRegistry) -> None:
    assert login(stack, "none").permissions == (
        Permission("publish", "io.modelcontextprotocol.anonymous/*"),
        Permission("edit", "io.modelcontextprotocol.anonymous/*"),
    )


def test_github_login_against_the_fake(stack: RunningRegistry) -> None:
    claims = login(stack, "github-at", {"github_token": "gho_alice"})
    assert claims.auth_method_sub == "alice"
    assert [p.resource for p in claims.permissions] == ["io.github.alice/*", "io.github.acme/*"]


def test_dns_login_against_the_local_resolver(stack: RunningRegistry, dns: LocalDns) -> None:
    key = DomainKey.generate()
    dns.txt["example.org"] = [key.record]
    claims = login(stack, "dns", key.login_body("example.org"))
    assert [p.resource for p in claims.permissions] == ["org.example/*", "org.example.*"]


def test_providers_are_listed(stack: RunningRegistry) -> None:
    reply = request(stack.url, "GET", "/v0/auth/providers")
    methods = [p["method"] for p in reply.json["providers"]]
    assert {"github-at", "dns", "http", "none", "gitlab"} <= set(methods)


def test_github_actions_login(stack: RunningRegistry, issuers: Issuers) -> None:
    token = issuers.actions.id_token(
        {"sub": "repo:acme/tool:ref:refs/heads/main", "repository_owner": "acme"},
        # No PUBLIC_URL set: the registry's own address is the audience it requires.
        audience=stack.url,
    )
    claims = login(stack, "github-oidc", {"oidc_token": token})
    assert claims.auth_method == "github-oidc"
    assert [p.resource for p in claims.permissions] == ["io.github.acme/*"]


def test_admin_login_through_the_configured_oidc_issuer(
    stack: RunningRegistry, issuers: Issuers
) -> None:
    token = issuers.google.id_token(
        {"sub": "1098", "hd": "modelcontextprotocol.io", "email": "a@modelcontextprotocol.io"},
        audience=ADMIN_AUDIENCE,
    )
    claims = login(stack, "oidc", {"oidc_token": token})
    assert claims.permissions == (Permission("publish", "*"), Permission("edit", "*"))
    outsider = issuers.google.id_token({"hd": "gmail.com"}, audience=ADMIN_AUDIENCE)
    refused = request(
        stack.url,
        "POST",
        "/v0/auth/oidc",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"oidc_token": outsider}).encode(),
    )
    assert refused.status == 401


def test_http_login_against_the_domain_site(stack: RunningRegistry, site: DomainSite) -> None:
    key = DomainKey.generate()
    site.body = (key.record + "\n").encode()
    claims = login(stack, "http", key.login_body(HTTP_DOMAIN))
    assert [p.resource for p in claims.permissions] == ["net.example/*"]


def test_third_party_plugin_login(stack: RunningRegistry, issuers: Issuers) -> None:
    token = issuers.gitlab.id_token(
        {"sub": "project_path:acme/tools/server", "namespace_path": "acme/tools"},
        audience=stack.url,
    )
    claims = login(stack, "gitlab", {"oidc_token": token})
    assert claims.auth_method == "gitlab"
    assert [p.resource for p in claims.permissions] == ["io.gitlab.acme.tools/*"]


def test_every_method_is_listed(stack: RunningRegistry) -> None:
    reply = request(stack.url, "GET", "/v0/auth/providers")
    methods = {p["method"] for p in reply.json["providers"]}
    assert methods == {"github-at", "github-oidc", "oidc", "dns", "http", "none", "gitlab"}
