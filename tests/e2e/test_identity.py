"""Logins against the running ``./run dev`` stack, its upstreams pointed at local fakes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mcp_registry.cli.publisher.domain_keys import DomainKey
from mcp_registry.shared.auth.jwks import StaticKeys, public_keys_from_jwks
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.auth.tokens import RegistryClaims, TokenVerifier
from tests.e2e.conftest import RunningRegistry, start_registry, stop_registry
from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub, GitHubUser
from tests.support.http import request
from tests.support.local_http import LocalServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def github() -> Iterator[tuple[FakeGitHub, LocalServer]]:
    fake = FakeGitHub()
    fake.add_user("gho_alice", GitHubUser("alice", {"acme": "admin"}))
    with LocalServer(fake.respond) as server:
        yield fake, server


@pytest.fixture(scope="module")
def dns() -> Iterator[LocalDns]:
    with LocalDns() as server:
        yield server


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    github: tuple[FakeGitHub, LocalServer],
    dns: LocalDns,
) -> Iterator[RunningRegistry]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH", "true")
        patch.setenv("MCP_REGISTRY_GITHUB_API_URL", github[1].url)
        patch.setenv("MCP_REGISTRY_DNS_NAMESERVERS", dns.nameserver)
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
