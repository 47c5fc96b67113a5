"""``mcp-registry plugins`` and ``mcp-registry keys``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mcp_registry.cli.registry.main import cli


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"MCP_REGISTRY_DATA_DIR": str(tmp_path / "data")}


def test_plugins_lists_each_plugin_with_its_distribution(env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["plugins"], env=env)
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "mcp-registry-gitlab" in lines["gitlab"]
    assert "mcp_registry_gitlab.plugin" in lines["gitlab"]
    assert "mcp-registry-plugins " in lines["github-at"]
    assert "loaded" in lines["dns"]
    assert "auth methods: dns, github-at, github-oidc, gitlab, http" in result.output


def test_plugins_shows_what_the_allowlist_skips(env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["plugins"], env={**env, "MCP_REGISTRY_PLUGINS": "dns"})
    assert result.exit_code == 0, result.output
    assert "skipped (not in MCP_REGISTRY_PLUGINS)" in result.output
    assert result.output.rstrip().endswith("auth methods: dns")


def test_plugins_reports_a_missing_allowed_plugin_cleanly(env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["plugins"], env={**env, "MCP_REGISTRY_PLUGINS": "nope"})
    assert result.exit_code == 1
    assert "not installed: nope" in result.output


def test_keys_generate_rotate_list(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    generated = runner.invoke(cli, ["keys", "generate"], env=env)
    assert generated.exit_code == 0, generated.output
    first = generated.output.split()[2]
    again = runner.invoke(cli, ["keys", "generate"], env=env)
    assert again.exit_code == 1
    assert "already holds keys" in again.output
    rotated = runner.invoke(cli, ["keys", "rotate"], env=env)
    assert rotated.exit_code == 0, rotated.output
    second = rotated.output.split()[1]
    assert "is published now and signs from" in rotated.output
    # The new key waits out the activation delay (default 15 s) while the first one signs.
    listed = runner.invoke(cli, ["keys", "list"], env=env).output.splitlines()
    signs_from = rotated.output.split()[8]
    assert listed[0].startswith(f"{first}  current  created ")
    assert listed[0].endswith(f"  until {signs_from}")
    assert listed[1].startswith(f"{second}  next (signs from {signs_from})  created ")
    assert (tmp_path / "data" / "keys" / f"{second}.pem").exists()


def test_keys_rotate_without_delay_retires_the_old_key_at_once(env: dict[str, str]) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["keys", "generate"], env=env).output.split()[2]
    no_delay = {
        **env,
        "MCP_REGISTRY_JWT_KEY_ACTIVATION_DELAY": "0",
        "MCP_REGISTRY_JWKS_REFRESH_INTERVAL": "0",
    }
    rotated = runner.invoke(cli, ["keys", "rotate"], env=no_delay)
    assert rotated.exit_code == 0, rotated.output
    second, signs_from = rotated.output.split()[1], rotated.output.split()[8]
    listed = runner.invoke(cli, ["keys", "list"], env=env).output.splitlines()
    assert [line.split()[:2] for line in listed] == [[first, "retired"], [second, "current"]]
    assert listed[0].endswith(f"  rotated out {signs_from}")


def test_keys_rotate_refuses_a_delay_below_the_refresh_interval(env: dict[str, str]) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["keys", "generate"], env=env)
    short = {**env, "MCP_REGISTRY_JWT_KEY_ACTIVATION_DELAY": "5"}
    rotated = runner.invoke(cli, ["keys", "rotate"], env=short)
    assert rotated.exit_code != 0
    assert "JWT_KEY_ACTIVATION_DELAY: must be at least" in rotated.output


def test_config_never_prints_the_signing_key(env: dict[str, str]) -> None:
    secret = "bb2c6b424005acd5df47a9e2c87f446def86dd740c888ea3efb825b23f7ef47c"
    result = CliRunner().invoke(
        cli, ["config"], env={**env, "MCP_REGISTRY_JWT_PRIVATE_KEY": secret}
    )
    assert result.exit_code == 0
    assert secret not in result.output
    assert "MCP_REGISTRY_JWT_PRIVATE_KEY=***" in result.output
