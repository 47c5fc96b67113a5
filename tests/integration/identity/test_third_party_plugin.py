"""The separately installed ``mcp-registry-gitlab`` distribution, end to end."""

from __future__ import annotations

from importlib.metadata import entry_points

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from tests.support.identity import IdentityClient, MakeClient, Peers


def test_the_plugin_is_found_through_its_own_distribution() -> None:
    (gitlab,) = [e for e in entry_points(group="mcp_registry") if e.name == "gitlab"]
    assert gitlab.dist is not None
    assert gitlab.dist.name == "mcp-registry-gitlab"


def test_gitlab_ci_token_logs_in_through_the_installed_plugin(
    identity: IdentityClient, peers: Peers
) -> None:
    providers = identity.client.simulate_get("/v0/auth/providers").json["providers"]
    assert "gitlab" in [p["method"] for p in providers]
    token = peers.gitlab.id_token(
        {
            "sub": "project_path:acme/tools/server:ref_type:branch:ref:main",
            "namespace_path": "acme/tools",
            "project_path": "acme/tools/server",
        },
        audience="https://registry.test",
    )
    claims = identity.claims(identity.login("gitlab", {"oidc_token": token}))
    assert claims.auth_method == "gitlab"
    assert claims.auth_method_sub == "project_path:acme/tools/server:ref_type:branch:ref:main"
    assert claims.permissions == (Permission("publish", "io.gitlab.acme.tools/*"),)


def test_gitlab_namespaces_that_cannot_map_are_refused(
    identity: IdentityClient, peers: Peers
) -> None:
    token = peers.gitlab.id_token({"namespace_path": "a.b"}, audience="https://registry.test")
    result = identity.login("gitlab", {"oidc_token": token})
    assert result.status_code == 401
    assert "cannot be mapped" in result.json["detail"]


def test_the_allowlist_can_leave_the_plugin_out(
    settings: Settings, make_client: MakeClient
) -> None:
    client = make_client(settings.replace(plugins=("github-at",)))
    assert client.login("gitlab", {"oidc_token": "x"}).status_code == 404
    providers = client.client.simulate_get("/v0/auth/providers").json["providers"]
    assert [p["method"] for p in providers] == ["github-at"]
