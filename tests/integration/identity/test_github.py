"""``github-at`` against a fake GitHub REST API, ``github-oidc`` against a local issuer."""

from __future__ import annotations

import pytest

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from tests.support.fake_github import GitHubUser
from tests.support.identity import IdentityClient, MakeClient, Peers


def publish(*patterns: str) -> tuple[Permission, ...]:
    return tuple(Permission("publish", p) for p in patterns)


def test_github_token_grants_the_user_and_owned_orgs_only(
    identity: IdentityClient, peers: Peers
) -> None:
    peers.github.add_user(
        "gho_alice", GitHubUser("alice", orgs={"acme": "admin", "bigcorp": "member"})
    )
    result = identity.login("github-at", {"github_token": "gho_alice"})
    claims = identity.claims(result)
    assert claims.auth_method == "github-at"
    assert claims.auth_method_sub == "alice"
    assert claims.permissions == publish("io.github.alice/*", "io.github.acme/*")
    assert result.json["expires_at"] == int(claims.expires_at.timestamp())
    seen = peers.github_server.requests
    assert seen[0].path == "/user"
    assert seen[0].headers["authorization"] == "Bearer gho_alice"
    assert seen[1].path.startswith("/user/memberships/orgs?state=active")


def test_org_memberships_are_paged(identity: IdentityClient, peers: Peers) -> None:
    orgs = {f"org-{n:03}": "admin" for n in range(130)}
    peers.github.add_user("gho_many", GitHubUser("many", orgs=orgs))
    claims = identity.claims(identity.login("github-at", {"github_token": "gho_many"}))
    assert len(claims.permissions) == 131
    assert sum("memberships" in p for p in peers.github_server.paths()) == 2


def test_token_without_read_org_still_logs_in_for_the_user(
    identity: IdentityClient, peers: Peers
) -> None:
    peers.github.add_user("gho_min", GitHubUser("minimal", {"acme": "admin"}, read_org_scope=False))
    claims = identity.claims(identity.login("github-at", {"github_token": "gho_min"}))
    assert claims.permissions == publish("io.github.minimal/*")


def test_bad_github_token_is_401(identity: IdentityClient) -> None:
    result = identity.login("github-at", {"github_token": "gho_wrong"})
    assert result.status_code == 401
    assert result.headers["content-type"] == "application/problem+json"
    assert "GitHub rejected the token" in result.json["detail"]
    assert "gho_wrong" not in result.text


def test_missing_github_token_is_422_naming_the_field(identity: IdentityClient) -> None:
    result = identity.login("github-at", {})
    assert result.status_code == 422
    assert result.json["errors"][0]["location"] == "body.github_token"


def test_github_down_is_503(identity: IdentityClient, peers: Peers) -> None:
    peers.github.down = True
    result = identity.login("github-at", {"github_token": "gho_alice"})
    assert result.status_code == 503


def test_actions_token_grants_the_repository_owner(identity: IdentityClient, peers: Peers) -> None:
    token = peers.actions.id_token(
        {"sub": "repo:acme/tool:ref:refs/heads/main", "repository_owner": "acme"},
        audience="https://registry.test",
    )
    claims = identity.claims(identity.login("github-oidc", {"oidc_token": token}))
    assert claims.auth_method == "github-oidc"
    assert claims.auth_method_sub == "repo:acme/tool:ref:refs/heads/main"
    assert claims.permissions == publish("io.github.acme/*")


@pytest.mark.parametrize(
    "audience", ["sigstore", "mcp-registry", "https://registry.modelcontextprotocol.io"]
)
def test_actions_token_for_another_audience_is_401(
    identity: IdentityClient, peers: Peers, audience: str
) -> None:
    # A token minted for another registry (or the old constant audience) is not replayable.
    token = peers.actions.id_token({"repository_owner": "acme"}, audience=audience)
    result = identity.login("github-oidc", {"oidc_token": token})
    assert result.status_code == 401
    assert "audience 'https://registry.test'" in result.json["detail"]


def test_the_actions_audience_can_be_set_explicitly(
    settings: Settings, make_client: MakeClient, peers: Peers
) -> None:
    client = make_client(settings.replace(github_oidc_audience="mcp-registry"))
    token = peers.actions.id_token({"repository_owner": "acme"}, audience="mcp-registry")
    assert client.login("github-oidc", {"oidc_token": token}).status_code == 200


def test_actions_token_from_another_issuer_is_401(identity: IdentityClient, peers: Peers) -> None:
    token = peers.actions.id_token(
        {"repository_owner": "acme"},
        audience="https://registry.test",
        issuer="https://evil.invalid",
    )
    result = identity.login("github-oidc", {"oidc_token": token})
    assert result.status_code == 401
    assert "was not issued by" in result.json["detail"]


def test_expired_actions_token_is_401(identity: IdentityClient, peers: Peers) -> None:
    token = peers.actions.id_token(
        {"repository_owner": "acme"}, audience="https://registry.test", lifetime=-120
    )
    result = identity.login("github-oidc", {"oidc_token": token})
    assert result.status_code == 401
    assert "expired" in result.json["detail"]


def test_token_signed_by_another_issuers_key_is_401(identity: IdentityClient, peers: Peers) -> None:
    # Same claims, but signed by the Google issuer's key (unknown kid at GitHub's JWKS).
    forged = peers.google.id_token(
        {"repository_owner": "acme"}, audience="https://registry.test", issuer=peers.actions.url
    )
    result = identity.login("github-oidc", {"oidc_token": forged})
    assert result.status_code == 401
    assert "does not publish" in result.json["detail"]


def test_actions_jwks_is_cached_and_refetched_on_an_unknown_kid(
    identity: IdentityClient, peers: Peers
) -> None:
    def login() -> int:
        token = peers.actions.id_token(
            {"repository_owner": "acme"}, audience="https://registry.test"
        )
        return identity.login("github-oidc", {"oidc_token": token}).status_code

    assert login() == 200
    assert login() == 200
    assert peers.actions.jwks_fetches == 1  # cached

    peers.actions.rotate()
    # A new kid within the refresh interval is not fetched again (no hammering) ...
    assert login() == 401
    assert peers.actions.jwks_fetches == 1


def test_actions_jwks_rotation_is_followed(settings_rotation: IdentityClient, peers: Peers) -> None:
    def login() -> int:
        token = peers.actions.id_token(
            {"repository_owner": "acme"}, audience="https://registry.test"
        )
        return settings_rotation.login("github-oidc", {"oidc_token": token}).status_code

    assert login() == 200
    peers.actions.rotate()
    assert login() == 200
    assert peers.actions.jwks_fetches == 2
