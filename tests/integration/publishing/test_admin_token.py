"""``mcp-registry admin token``: a short-lived admin token from the key directory, audited."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mcp_registry.cli.registry.main import cli
from mcp_registry.shared.auth.configured import key_ring, token_verifier
from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, Permission
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.factory import open_database
from tests.support.moderation import moderated_app
from tests.support.server_json import server_json


def env_of(tmp_path: Path) -> dict[str, str]:
    return {
        "MCP_REGISTRY_DATA_DIR": str(tmp_path / "data"),
        "MCP_REGISTRY_TOKEN_LIFETIME": "600",
        "MCP_REGISTRY_JWT_KEY_RETENTION": "600",
    }


def test_it_prints_an_audited_admin_token_that_moderates(tmp_path: Path) -> None:
    env = env_of(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["keys", "generate"], env=env).exit_code == 0
    result = runner.invoke(cli, ["admin", "token", "--ttl", "120"], env=env)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "audited" in result.stderr

    settings = Settings.from_env(env)
    claims = token_verifier(settings, key_ring(settings)).verify(token)
    assert set(claims.permissions) == {Permission(EDIT, "*"), Permission(PUBLISH, "*")}
    assert claims.auth_method == "admin"
    assert claims.subject.startswith("admin:")
    assert (claims.expires_at - claims.issued_at).total_seconds() == 120

    stores = open_database(settings.effective_database_url)
    try:
        stores.init()
        (minted,) = stores.database.audit_log(target=claims.subject)
        assert minted["action"] == "admin.token"
        assert minted["detail"]["jti"] == claims.jti
        # The token works on a fresh install: it blocks a namespace, audited under its subject.
        app = moderated_app(settings, key_ring(settings), stores)
        bearer = {"Authorization": f"Bearer {token}"}
        blocked = app.post(
            "/v0.1/admin/namespaces/io.github.evil%2F*/block", {"reason": "spam"}, bearer
        )
        assert blocked.status_code == 200, blocked.text
        assert (
            app.post(
                "/v0/publish", server_json(name="io.github.evil/x1", version="1.0.0"), bearer
            ).status_code
            == 403
        )
        (block,) = stores.database.audit_log(target="io.github.evil/*")
        assert (block["subject"], block["auth_method"]) == (claims.subject, "admin")
    finally:
        stores.close()


def test_a_ttl_beyond_the_token_lifetime_is_refused(tmp_path: Path) -> None:
    env = env_of(tmp_path)
    runner = CliRunner()
    runner.invoke(cli, ["keys", "generate"], env=env)
    result = runner.invoke(cli, ["admin", "token", "--ttl", "601"], env=env)
    assert result.exit_code == 1
    assert "--ttl must be 1..600 seconds" in result.output


def test_without_a_signing_key_it_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["admin", "token"], env=env_of(tmp_path))
    assert result.exit_code == 1
    assert "Error" in result.output
