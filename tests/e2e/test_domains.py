"""The seed's domain flow against the running ``./run dev`` stack and a local DNS server.

verify example.com → a login includes ``com.example/*`` → publish ``com.example/x-server`` → remove
the TXT record → the domains worker revokes after the (short) grace period → publishing is
refused even with the token minted before the revoke, logins no longer include the namespace,
and ``com.example/x-server`` stays readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from mcp_registry.shared.auth.jwks import public_keys_from_jwks
from mcp_registry.shared.auth.tokens import TokenVerifier
from tests.support.auth_doubles import StaticKeys
from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub, GitHubUser
from tests.support.http import Reply, request
from tests.support.local_http import LocalServer
from tests.support.registry_process import RunningRegistry, start_registry, stop_registry
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, dns: LocalDns) -> Iterator[RunningRegistry]:
    github = FakeGitHub()
    github.add_user("gho_carol", GitHubUser("carol"))
    with LocalServer(github.respond) as github_server, pytest.MonkeyPatch.context() as patch:
        patch.setenv("MCP_REGISTRY_GITHUB_API_URL", github_server.url)
        patch.setenv("MCP_REGISTRY_DNS_NAMESERVERS", dns.nameserver)
        patch.setenv("MCP_REGISTRY_DNS_TIMEOUT", "1")
        patch.setenv("MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION", "false")
        # Re-check every half second; revoke after 2 failures spanning 1 second.
        patch.setenv("MCP_REGISTRY_DOMAIN_RECHECK_INTERVAL", "0.5")
        patch.setenv("MCP_REGISTRY_DOMAIN_RECHECK_RETRY_INTERVAL", "0.3")
        patch.setenv("MCP_REGISTRY_DOMAIN_REVOKE_AFTER_FAILURES", "2")
        patch.setenv("MCP_REGISTRY_DOMAIN_REVOKE_GRACE_PERIOD", "1")
        patch.setenv("MCP_REGISTRY_DOMAIN_WORKER_POLL_INTERVAL", "0.2")
        patch.setenv("MCP_REGISTRY_DOMAIN_GRANTS_TIMEOUT", "2")
        # The tests poll with a fresh login each time: far more than a person's logins.
        patch.setenv("MCP_REGISTRY_RATE_LIMIT_AUTH", "")
        for name in ("JWT_PRIVATE_KEY", "JWT_KEYS_DIR", "PLUGINS"):
            patch.delenv(f"MCP_REGISTRY_{name}", raising=False)
        running = start_registry(tmp_path_factory.mktemp("domains"), [])
        try:
            yield running
        finally:
            stop_registry(running)


def call(
    stack: RunningRegistry, method: str, path: str, body: Any = None, token: str | None = None
) -> Reply:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    return request(stack.url, method, path, headers=headers, body=data)


def login(stack: RunningRegistry) -> tuple[str, list[str]]:
    """Carol's registry token and the resources it may publish."""
    reply = call(stack, "POST", "/v0/auth/github-at", {"github_token": "gho_carol"})
    assert reply.status == 200, reply.body
    assert "domain_grants" not in reply.json, reply.json  # the domains service answered
    token: str = reply.json["registry_token"]
    jwks = call(stack, "GET", "/.well-known/jwks.json").json
    claims = TokenVerifier(
        StaticKeys(public_keys_from_jwks(jwks)), issuer="mcp-registry", audience="mcp-registry"
    ).verify(token)
    return token, [p.resource for p in claims.permissions if p.action == "publish"]


def test_verify_publish_revoke_refuse(stack: RunningRegistry, dns: LocalDns) -> None:
    token, resources = login(stack)
    assert resources == ["io.github.carol/*"]

    started = call(stack, "POST", "/v0/verify-domain", {"domain": "example.com"}, token)
    assert started.status == 200, started.body
    missing = call(stack, "POST", "/v0/verify-domain/check", {"domain": "example.com"}, token)
    assert missing.status == 400
    assert "no TXT record mcp-verify=" in missing.json["detail"]

    dns.txt["example.com"] = [started.json["record"]["value"]]
    checked = call(stack, "POST", "/v0.1/verify-domain/check", {"domain": "example.com"}, token)
    assert checked.status == 200, checked.body
    assert checked.json["state"] == "verified"

    token, resources = login(stack)
    assert resources == ["io.github.carol/*", "com.example/*", "com.example.*"]
    doc = {
        "$schema": SCHEMA,
        "name": "com.example/x-server",
        "version": "1.0.0",
        "description": "X",
    }
    published = call(stack, "POST", "/v0/publish", doc, token)
    assert published.status == 200, published.body

    dns.txt.pop("example.com")

    def revoked() -> bool:
        mine = call(stack, "GET", "/v0/verify-domain/example.com", token=login(stack)[0])
        return bool(mine.json["state"] == "revoked")

    wait_until(revoked, timeout=30, what="the domains worker to revoke example.com")
    again = {**doc, "version": "1.0.1"}
    # The token minted while example.com was verified still lists com.example/*: publishing
    # asks the domains service and refuses anyway.
    stale = call(stack, "POST", "/v0/publish", again, token)
    assert stale.status == 403, stale.body
    assert "verified domain example.com" in stale.json["detail"]
    assert "revoked or is no longer yours" in stale.json["detail"]
    token, resources = login(stack)
    assert resources == ["io.github.carol/*"]
    refused = call(stack, "POST", "/v0/publish", again, token)
    assert refused.status == 403, refused.body
    readable = call(stack, "GET", "/v0/servers/com.example%2Fx-server/versions/1.0.0")
    assert readable.status == 200
    assert readable.json["server"]["name"] == "com.example/x-server"
