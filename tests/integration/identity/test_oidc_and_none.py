"""``oidc`` (the seed's Google admin login) and ``none`` (anonymous, off by default)."""

from __future__ import annotations

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from tests.support.identity import IdentityClient, MakeClient, Peers

AUDIENCE = "registry-admin-client"


def test_admin_of_the_configured_domain_gets_publish_and_edit_everywhere(
    identity: IdentityClient, peers: Peers
) -> None:
    token = peers.google.id_token(
        {"sub": "1098", "hd": "modelcontextprotocol.io", "email": "a@modelcontextprotocol.io"},
        audience=AUDIENCE,
    )
    claims = identity.claims(identity.login("oidc", {"oidc_token": token}))
    assert claims.auth_method == "oidc"
    assert claims.auth_method_sub == "1098"
    assert claims.permissions == (Permission("publish", "*"), Permission("edit", "*"))


def test_another_hosted_domain_is_refused(identity: IdentityClient, peers: Peers) -> None:
    token = peers.google.id_token({"hd": "gmail.com"}, audience=AUDIENCE)
    result = identity.login("oidc", {"oidc_token": token})
    assert result.status_code == 401
    assert (
        "'hd' is 'gmail.com', not the required 'modelcontextprotocol.io'" in result.json["detail"]
    )


def test_a_missing_required_claim_is_refused(identity: IdentityClient, peers: Peers) -> None:
    token = peers.google.id_token({}, audience=AUDIENCE)
    result = identity.login("oidc", {"oidc_token": token})
    assert result.status_code == 401
    assert "lacks the required claim 'hd'" in result.json["detail"]


def test_an_id_token_for_another_client_is_refused(identity: IdentityClient, peers: Peers) -> None:
    token = peers.google.id_token({"hd": "modelcontextprotocol.io"}, audience="other-app")
    assert identity.login("oidc", {"oidc_token": token}).status_code == 401


def test_hs256_id_token_is_refused(identity: IdentityClient, peers: Peers) -> None:
    import jwt

    forged = jwt.encode(
        {"iss": peers.google.url, "aud": AUDIENCE, "sub": "x", "hd": "modelcontextprotocol.io"},
        "a-shared-secret-of-at-least-32-bytes!",
        algorithm="HS256",
        headers={"kid": peers.google.kid},
    )
    result = identity.login("oidc", {"oidc_token": forged})
    assert result.status_code == 401
    assert "algorithm 'HS256'" in result.json["detail"]


def test_oidc_is_absent_unless_enabled(settings: Settings, make_client: MakeClient) -> None:
    client = make_client(settings.replace(oidc_enabled=False))
    result = client.login("oidc", {"oidc_token": "x"})
    assert result.status_code == 404
    assert "not enabled" in result.json["detail"]


def test_anonymous_login_when_enabled(identity: IdentityClient) -> None:
    result = identity.client.simulate_post("/v0/auth/none")  # no body at all, like the CLI
    claims = identity.claims(result)
    assert claims.auth_method == "none"
    assert claims.auth_method_sub == "anonymous"
    # As the official registry: publish and edit on the anonymous namespace.
    assert claims.permissions == (
        Permission("publish", "io.modelcontextprotocol.anonymous/*"),
        Permission("edit", "io.modelcontextprotocol.anonymous/*"),
    )


def test_anonymous_login_is_off_by_default(settings: Settings, make_client: MakeClient) -> None:
    client = make_client(settings.replace(enable_anonymous_auth=False))
    assert client.login("none").status_code == 404
    methods = [
        p["method"] for p in client.client.simulate_get("/v0/auth/providers").json["providers"]
    ]
    assert "none" not in methods
