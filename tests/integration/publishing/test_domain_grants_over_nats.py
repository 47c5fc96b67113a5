"""Publishing re-checks verified-domain grants over a real nats-server before a new version.

A minimal responder serves the ``registry.domains.grants`` contract here (the real domains
service answers it in ``tests/integration/domains/test_publish_after_revoke.py``).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import falcon.testing
import pytest

from mcp_registry.services.runtime.apps import build_service
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.auth.domain_grant_sources import NatsDomainGrants
from mcp_registry.shared.auth.domain_grants import QUEUE, SUBJECT, grants_reply
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from mcp_registry.shared.events.embedded import EmbeddedNats
from tests.support.nats import BridgeFactory, serving
from tests.support.publishing import MakePublishing, Publishing
from tests.support.server_json import MakeServerJson, server_json

pytestmark = pytest.mark.nats

EXAMPLE = (Permission("publish", "com.example/*"), Permission("publish", "com.example.*"))


class DomainsStandIn:
    """Answers grants requests from a table the test changes (a revoke empties it)."""

    def __init__(self) -> None:
        self.grants: dict[tuple[str, str], tuple[Permission, ...]] = {}
        self.asked = 0

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.asked += 1
        key = (payload["auth_method"], payload["auth_method_sub"])
        return grants_reply(self.grants.get(key, ()))


def publishing_over_nats(
    make_publishing: MakePublishing, bridges: BridgeFactory, url: str, timeout: float = 2.0
) -> Publishing:
    caller = bridges(url, name="publishing")
    assert caller.wait_connected(5)
    return make_publishing(domain_grants=NatsDomainGrants(caller, timeout=timeout))


def test_granted_publishes_revoked_is_refused_with_the_same_token(
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    domains = DomainsStandIn()
    domains.grants[("github-at", "alice")] = EXAMPLE
    serving(make_bridge(nats_server.url, name="domains"), SUBJECT, domains, queue=QUEUE)
    pub = publishing_over_nats(make_publishing, make_bridge, nats_server.url)
    # Minted while example.com was verified, like identity does.
    token = pub.tokens.bearer(
        ("io.github.alice/*",), from_domains=("com.example/*", "com.example.*")
    )

    assert (
        pub.publish(
            make_server_json(name="com.example/x-server", version="1.0.0"), token
        ).status_code
        == 200
    )
    assert (
        pub.publish(
            make_server_json(name="com.example.api/y-server", version="1.0.0"), token
        ).status_code
        == 200
    )
    assert domains.asked == 2

    domains.grants.clear()  # the domains worker revoked example.com
    refused = pub.publish(make_server_json(name="com.example/x-server", version="1.0.1"), token)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "verified domain example.com" in refused.json["detail"]
    assert "revoked or is no longer yours" in refused.json["detail"]
    assert [r.version for r in pub.store.list_versions("com.example/x-server")] == ["1.0.0"]
    # Its own namespace does not depend on the domains service.
    assert (
        pub.publish(
            make_server_json(name="io.github.alice/z-server", version="1.0.0"), token
        ).status_code
        == 200
    )
    assert domains.asked == 3

    domains.grants[("github-at", "alice")] = EXAMPLE  # re-verified
    assert (
        pub.publish(
            make_server_json(name="com.example/x-server", version="1.0.1"), token
        ).status_code
        == 200
    )


def test_a_revoked_domain_can_no_longer_deprecate_or_delete(
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    make_publishing: MakePublishing,
) -> None:
    domains = DomainsStandIn()
    domains.grants[("github-at", "alice")] = EXAMPLE
    serving(make_bridge(nats_server.url, name="domains"), SUBJECT, domains, queue=QUEUE)
    pub = publishing_over_nats(make_publishing, make_bridge, nats_server.url)
    token = pub.tokens.bearer(from_domains=("com.example/*",))
    assert (
        pub.publish(server_json(name="com.example/x-server", version="1.0.0"), token).status_code
        == 200
    )
    version_path = "/v0/servers/com.example%2Fx-server/versions/1.0.0/status"
    server_path = "/v0/servers/com.example%2Fx-server/status"
    deprecate = {"status": "deprecated", "statusMessage": "old"}
    ok = pub.client.simulate_patch(version_path, json=deprecate, headers=token)
    assert ok.status_code == 200, ok.text
    asked = domains.asked

    domains.grants.clear()  # example.com was revoked
    for path, body in ((version_path, {"status": "deleted"}), (server_path, {"status": "deleted"})):
        refused = pub.client.simulate_patch(path, json=body, headers=token)
        assert refused.status_code == 403, refused.text
        assert "no longer change the status of com.example/x-server" in refused.json["detail"]
    assert domains.asked == asked + 2
    assert pub.store.get_version("com.example/x-server", "1.0.0").status == "deprecated"  # type: ignore[union-attr]
    # An operator's edit permission needs no domain.
    admin = pub.tokens.bearer(edit=("*",), sub="root")
    done = pub.client.simulate_patch(version_path, json={"status": "active"}, headers=admin)
    assert done.status_code == 200, done.text
    assert domains.asked == asked + 2


def test_no_domains_service_is_a_fast_503_with_retry_after(
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    pub = publishing_over_nats(make_publishing, make_bridge, nats_server.url, timeout=0.3)
    token = pub.tokens.bearer(from_domains=("com.example/*",))

    started = time.monotonic()
    result = pub.publish(make_server_json(name="com.example/x-server", version="1.0.0"), token)

    assert time.monotonic() - started < 1.0
    assert result.status_code == 503, result.text
    assert result.headers["content-type"] == "application/problem+json"
    assert result.headers["retry-after"] == "5"
    assert "still verified" in result.json["detail"]
    assert pub.store.list_versions("com.example/x-server") == []
    # Publishes that do not rest on a domain never ask.
    admin = pub.tokens.bearer(("*",), from_domains=("com.example/*",))
    assert (
        pub.publish(
            make_server_json(name="com.example/x-server", version="1.0.0"), admin
        ).status_code
        == 200
    )
    dns = pub.tokens.bearer(("com.example/*",), method="dns", sub="example.com")
    assert (
        pub.publish(make_server_json(name="com.example/y-server", version="1.0.0"), dns).status_code
        == 200
    )


def test_a_slow_domains_service_is_not_waited_for(
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    release = threading.Event()

    def stuck(payload: dict[str, Any]) -> dict[str, Any]:
        release.wait(5)
        return grants_reply(EXAMPLE)

    serving(make_bridge(nats_server.url, name="domains"), SUBJECT, stuck, queue=QUEUE)
    pub = publishing_over_nats(make_publishing, make_bridge, nats_server.url, timeout=0.2)
    token = pub.tokens.bearer(from_domains=("com.example/*",))
    try:
        started = time.monotonic()
        result = pub.publish(make_server_json(name="com.example/x-server", version="1.0.0"), token)
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert result.status_code == 503
    assert result.headers["retry-after"] == "5"
    assert elapsed < 1.5


def test_the_process_wiring_asks_over_nats_or_skips_without_it(
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    settings: Settings,
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    token = make_publishing().tokens.bearer(from_domains=("com.example/*",))
    doc = make_server_json(name="com.example/x-server", version="1.0.0")

    without_nats = ProcessDeps(settings)
    try:
        client = falcon.testing.TestClient(build_service("publishing", without_nats))
        # No NATS, no domains service to ask: the token's grant holds until it expires.
        assert client.simulate_post("/v0/publish", json=doc, headers=token).status_code == 200
    finally:
        without_nats.close()

    serving(make_bridge(nats_server.url, name="domains"), SUBJECT, DomainsStandIn(), queue=QUEUE)
    with_nats = ProcessDeps(settings.replace(nats_url=nats_server.url))
    try:
        client = falcon.testing.TestClient(build_service("publishing", with_nats))
        assert with_nats.bridge is not None
        assert with_nats.bridge.wait_connected(5)
        again = make_server_json(name="com.example/x-server", version="1.0.1")
        assert client.simulate_post("/v0/publish", json=again, headers=token).status_code == 403
    finally:
        with_nats.close()
