"""Verified-domain grants from the domains service over a real nats-server, and degradation."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from mcp_registry.shared.auth.domain_grant_sources import NatsDomainGrants
from mcp_registry.shared.auth.domain_grants import QUEUE, SUBJECT, grants_reply
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from mcp_registry.shared.events.embedded import EmbeddedNats
from tests.support.fake_github import GitHubUser
from tests.support.identity import MakeClient, Peers
from tests.support.nats import BridgeFactory, serving

pytestmark = pytest.mark.nats

ALICE_DOMAINS = (Permission("publish", "com.example/*"), Permission("publish", "com.example.*"))


def fake_domains_service(payload: dict[str, Any]) -> dict[str, Any]:
    if (payload["auth_method"], payload["auth_method_sub"]) == ("github-at", "alice"):
        return grants_reply(ALICE_DOMAINS)
    return grants_reply([])


def test_login_includes_the_domains_the_identity_verified(
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    settings: Settings,
    make_client: MakeClient,
    peers: Peers,
) -> None:
    serving(
        make_bridge(nats_server.url, name="domains"), SUBJECT, fake_domains_service, queue=QUEUE
    )
    caller = make_bridge(nats_server.url, name="identity")
    assert caller.wait_connected(5)
    client = make_client(settings, grants=NatsDomainGrants(caller, timeout=2.0))
    peers.github.add_user("gho_alice", GitHubUser("alice"))

    result = client.login("github-at", {"github_token": "gho_alice"})

    assert set(result.json) == {"registry_token", "expires_at"}
    assert client.claims(result).permissions == (
        Permission("publish", "io.github.alice/*"),
        *ALICE_DOMAINS,
    )


def test_login_without_a_domains_service_succeeds_and_says_so(
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    settings: Settings,
    make_client: MakeClient,
    peers: Peers,
) -> None:
    caller = make_bridge(nats_server.url, name="identity")
    assert caller.wait_connected(5)
    client = make_client(settings, grants=NatsDomainGrants(caller, timeout=0.3))
    peers.github.add_user("gho_alice", GitHubUser("alice"))

    started = time.monotonic()
    result = client.login("github-at", {"github_token": "gho_alice"})

    assert time.monotonic() - started < 1.0
    assert result.status_code == 200
    assert result.json["domain_grants"] == "unavailable"
    assert "domains service did not answer" in result.json["warnings"][0]
    assert client.claims(result).permissions == (Permission("publish", "io.github.alice/*"),)


def test_a_slow_domains_service_is_not_waited_for(
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    settings: Settings,
    make_client: MakeClient,
    peers: Peers,
) -> None:
    release = threading.Event()

    def stuck(payload: dict[str, Any]) -> dict[str, Any]:
        release.wait(5)
        return grants_reply(ALICE_DOMAINS)

    serving(make_bridge(nats_server.url, name="domains"), SUBJECT, stuck, queue=QUEUE)
    caller = make_bridge(nats_server.url, name="identity")
    assert caller.wait_connected(5)
    client = make_client(settings, grants=NatsDomainGrants(caller, timeout=0.2))
    peers.github.add_user("gho_alice", GitHubUser("alice"))
    try:
        started = time.monotonic()
        result = client.login("github-at", {"github_token": "gho_alice"})
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert result.status_code == 200
    assert result.json["domain_grants"] == "unavailable"
    assert elapsed < 1.5
