"""Publishing asks the real domains service over NATS: a revoke refuses the next version even
with a token minted before it; a restore allows it again."""

from __future__ import annotations

import falcon.testing
import pytest

from mcp_registry.services.domains.grants import serve_grants
from mcp_registry.services.publishing.app import create_app
from mcp_registry.shared.auth.configured import key_ring, token_issuer, token_verifier
from mcp_registry.shared.auth.domain_grant_sources import NatsDomainGrants
from mcp_registry.shared.events.embedded import EmbeddedNats
from tests.support.domains import Domains
from tests.support.nats import BridgeFactory
from tests.support.server_json import MakeServerJson

pytestmark = pytest.mark.nats

NAME = "com.example/x-server"


@pytest.mark.parametrize("server_store", ["sqlite"], indirect=True)
def test_a_revoked_domain_refuses_new_versions_until_restored(
    domains: Domains,
    nats_server: EmbeddedNats,
    make_bridge: BridgeFactory,
    make_server_json: MakeServerJson,
) -> None:
    serve_grants(make_bridge(nats_server.url, name="domains"), domains.verifier)
    caller = make_bridge(nats_server.url, name="publishing")
    assert caller.wait_connected(5)
    grants = NatsDomainGrants(caller, timeout=2.0)
    settings, clock = domains.settings, domains.clock
    keys = key_ring(settings, clock=clock)
    app = create_app(
        settings,
        store=domains.server_store,
        verifier=token_verifier(settings, keys, clock=clock),
        domain_grants=grants,
        clock=clock,
    )
    publishing = falcon.testing.TestClient(app)

    domains.verify("example.com")
    # What identity puts in alice's token after the verification.
    held = grants.grants_for("github-at", "alice")
    token = (
        token_issuer(settings, keys, clock=clock)
        .mint(
            auth_method="github-at",
            auth_method_sub="alice",
            permissions=held,
            domain_permissions=held,
        )
        .token
    )
    headers = {"Authorization": f"Bearer {token}"}

    def publish(version: str) -> falcon.testing.Result:
        doc = make_server_json(name=NAME, version=version, description="X")
        return publishing.simulate_post("/v0/publish", json=doc, headers=headers)

    assert publish("1.0.0").status_code == 200

    revoked = domains.call("POST", "/admin/domains/example.com/revoke", admin=True, as_="root")
    assert revoked.status_code == 200, revoked.text
    refused = publish("1.0.1")
    assert refused.status_code == 403, refused.text
    assert "verified domain example.com" in refused.json["detail"]
    assert [r.version for r in domains.server_store.list_versions(NAME)] == ["1.0.0"]

    restored = domains.call("POST", "/admin/domains/example.com/restore", admin=True, as_="root")
    assert restored.status_code == 200, restored.text
    assert publish("1.0.1").status_code == 200
