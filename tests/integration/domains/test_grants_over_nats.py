"""``registry.domains.grants`` served by the domains service, asked by identity's client."""

from __future__ import annotations

import pytest

from mcp_registry.services.domains.grants import grants_handler, serve_grants
from mcp_registry.shared.auth.domain_grant_sources import NatsDomainGrants
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.errors import InvalidInput
from mcp_registry.shared.events.embedded import EmbeddedNats
from mcp_registry.shared.storage.domain_records import Owner
from tests.support.domains import Domains
from tests.support.nats import BridgeFactory

pytestmark = pytest.mark.nats


@pytest.mark.parametrize("server_store", ["sqlite"], indirect=True)
def test_identity_gets_the_verified_namespaces_until_revoked(
    domains: Domains,
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
) -> None:
    # Two replicas in the queue group: whichever answers, the answer is the same.
    for replica in ("domains-1", "domains-2"):
        serve_grants(make_bridge(nats_server.url, name=replica), domains.verifier)
    caller = make_bridge(nats_server.url, name="identity")
    assert caller.wait_connected(5)
    grants = NatsDomainGrants(caller, timeout=2.0)

    assert grants.grants_for("github-at", "alice") == ()
    domains.verify("example.com")
    domains.start("example.org")
    for _ in range(4):
        assert grants.grants_for("github-at", "alice") == (
            Permission("publish", "com.example/*"),
            Permission("publish", "com.example.*"),
        )
    assert grants.grants_for("github-at", "bob") == ()

    domains.call("POST", "/admin/domains/example.com/revoke", admin=True, as_="root")
    assert grants.grants_for("github-at", "alice") == ()


@pytest.mark.parametrize("server_store", ["sqlite"], indirect=True)
def test_a_malformed_request_is_refused(domains: Domains) -> None:
    handle = grants_handler(domains.verifier)
    with pytest.raises(InvalidInput):
        handle({"auth_method": "github-at"})
    assert handle({"auth_method": "github-at", "auth_method_sub": "x"}) == {"permissions": []}
    assert domains.verifier.grants(Owner("github-at", "x")) == ()
