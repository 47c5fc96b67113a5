"""The identity service's HTTP surface: providers, JWKS, prefixes, errors, process wiring."""

from __future__ import annotations

import falcon.testing

from mcp_registry.services.runtime.apps import build_service
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from tests.support.auth_doubles import FixedDomainGrants
from tests.support.fake_github import GitHubUser
from tests.support.identity import IdentityClient, MakeClient, Peers


def test_providers_lists_every_enabled_method(identity: IdentityClient) -> None:
    result = identity.client.simulate_get("/v0/auth/providers")
    assert result.status_code == 200
    methods = [p["method"] for p in result.json["providers"]]
    assert methods == ["dns", "github-at", "github-oidc", "gitlab", "http", "none", "oidc"]
    assert all(p["description"] for p in result.json["providers"])


def test_jwks_publishes_the_signing_key(identity: IdentityClient) -> None:
    result = identity.client.simulate_get("/.well-known/jwks.json")
    assert result.status_code == 200
    # A rotation relies on the JWKS serving a new key at once: no cache in between may hold it.
    assert result.headers["cache-control"] == "no-cache"
    (key,) = result.json["keys"]
    assert key["kty"] == "OKP"
    assert key["crv"] == "Ed25519"
    assert "d" not in key
    token = identity.login("none").json["registry_token"]
    assert identity.claims(identity.login("none")).kid == key["kid"]
    assert token.count(".") == 2


def test_every_route_also_answers_under_v0_1(identity: IdentityClient) -> None:
    assert identity.client.simulate_post("/v0.1/auth/none").status_code == 200
    assert identity.client.simulate_get("/v0.1/auth/providers").status_code == 200


def test_unknown_method_is_404_listing_the_enabled(identity: IdentityClient) -> None:
    result = identity.login("keycloak", {})
    assert result.status_code == 404
    assert "enabled: dns, github-at" in result.json["detail"]


def test_a_body_that_is_not_an_object_is_422(identity: IdentityClient) -> None:
    result = identity.client.simulate_post("/v0/auth/github-at", json=["x"])
    assert result.status_code == 422
    result = identity.client.simulate_post(
        "/v0/auth/github-at", body="{", headers={"Content-Type": "application/json"}
    )
    assert result.status_code == 422


def test_token_responses_are_not_cached(identity: IdentityClient) -> None:
    result = identity.login("none")
    assert result.headers["cache-control"] == "no-store"
    assert set(result.json) == {"registry_token", "expires_at"}


class RecordingGrants:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def grants_for(self, auth_method: str, auth_method_sub: str) -> tuple[Permission, ...]:
        self.asked.append((auth_method, auth_method_sub))
        return (Permission("publish", "com.acme/*"),)


def test_domain_grants_are_added_except_for_anonymous_and_domain_key_logins(
    settings: Settings, make_client: MakeClient, peers: Peers
) -> None:
    grants = RecordingGrants()
    client = make_client(settings, grants=grants)
    assert client.claims(client.login("none")).permissions == (
        Permission("publish", "io.modelcontextprotocol.anonymous/*"),
        Permission("edit", "io.modelcontextprotocol.anonymous/*"),
    )
    assert grants.asked == []
    token = peers.actions.id_token(
        {"sub": "repo:acme/x", "repository_owner": "acme"}, audience="https://registry.test"
    )
    claims = client.claims(client.login("github-oidc", {"oidc_token": token}))
    assert grants.asked == [("github-oidc", "repo:acme/x")]
    assert claims.permissions == (
        Permission("publish", "io.github.acme/*"),
        Permission("publish", "com.acme/*"),
    )
    # Held only through the verified domain: marked, so publishing re-checks it.
    assert claims.domain_permissions == (Permission("publish", "com.acme/*"),)


def test_only_permissions_held_solely_through_domains_are_marked(
    settings: Settings, make_client: MakeClient, peers: Peers
) -> None:
    own, domain = Permission("publish", "io.github.alice/*"), Permission("publish", "com.a/*")
    client = make_client(
        settings, grants=FixedDomainGrants({("github-at", "alice"): (own, domain)})
    )
    peers.github.add_user("gho_alice", GitHubUser("alice"))
    claims = client.claims(client.login("github-at", {"github_token": "gho_alice"}))
    assert claims.permissions == (own, domain)
    assert claims.domain_permissions == (domain,)


def test_the_process_wiring_builds_the_service(settings: Settings) -> None:
    deps = ProcessDeps(settings)  # no NATS URL: domain grants are reported unavailable
    try:
        client = falcon.testing.TestClient(build_service("identity", deps))
        assert client.simulate_get("/v0/health").json["status"] == "ok"
        assert client.simulate_post("/v0/auth/none").status_code == 200
        assert client.simulate_get("/.well-known/jwks.json").json["keys"]
    finally:
        deps.close()
