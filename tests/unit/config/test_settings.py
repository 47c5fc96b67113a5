from __future__ import annotations

import pytest

from mcp_registry.shared.config import ConfigError, Settings


def test_defaults_need_nothing_from_the_environment() -> None:
    settings = Settings.from_env({})
    assert settings.server_address == "127.0.0.1:8080"
    assert settings.enable_anonymous_auth is False
    assert settings.enable_registry_validation is True
    assert settings.effective_database_url == "sqlite:///.data/registry.db"


def test_values_are_parsed_by_field_type() -> None:
    settings = Settings.from_env(
        {
            "MCP_REGISTRY_WORKERS": "4",
            "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH": "TRUE",
            "MCP_REGISTRY_NATS_REQUEST_TIMEOUT": "0.25",
            "MCP_REGISTRY_DATABASE_URL": "mongodb://db:27017/registry",
            "UNRELATED": "ignored",
        }
    )
    assert settings.workers == 4
    assert settings.enable_anonymous_auth is True
    assert settings.nats_request_timeout == 0.25
    assert settings.effective_database_url == "mongodb://db:27017/registry"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("MCP_REGISTRY_WORKERS", "many", "MCP_REGISTRY_WORKERS"),
        ("MCP_REGISTRY_WORKERS", "0", "at least 1"),
        ("MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH", "maybe", "true/false"),
        ("MCP_REGISTRY_SERVER_ADDRESS", "8080", "host:port"),
        ("MCP_REGISTRY_DATABASE_URL", "postgres://x", "scheme"),
        ("MCP_REGISTRY_THREADS", "0", "at least 1"),
        ("MCP_REGISTRY_HTTP_HEADER_TIMEOUT", "0", "between 0 and 3600"),
        ("MCP_REGISTRY_HTTP_BODY_TIMEOUT", "-1", "between 0 and 3600"),
        ("MCP_REGISTRY_HTTP_KEEPALIVE", "1.5", "MCP_REGISTRY_HTTP_KEEPALIVE"),
    ],
)
def test_bad_values_name_the_variable(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({key: value})


def test_to_env_round_trips() -> None:
    settings = Settings.from_env(
        {"MCP_REGISTRY_WORKERS": "3", "MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION": "false"}
    )
    assert Settings.from_env(settings.to_env()) == settings


def test_the_cli_points_out_unknown_registry_variables() -> None:
    from click.testing import CliRunner

    from mcp_registry.cli.registry.main import cli

    result = CliRunner().invoke(cli, ["config"], env={"MCP_REGISTRY_WORKRES": "4"})
    assert result.exit_code == 0
    assert "MCP_REGISTRY_WORKRES is not a registry setting" in result.stderr


def test_config_prints_values_the_environment_takes_back() -> None:
    from click.testing import CliRunner

    from mcp_registry.cli.registry.main import cli

    env = {
        "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH": "true",
        "MCP_REGISTRY_DNS_NAMESERVERS": "127.0.0.1:5353, 127.0.0.2",
    }
    result = CliRunner().invoke(cli, ["config"], env=env)
    assert result.exit_code == 0, result.output
    lines = dict(
        line.split("=", 1) for line in result.stdout.splitlines() if line.startswith("MCP_")
    )
    assert lines["MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH"] == "true"
    assert lines["MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION"] == "true"
    assert lines["MCP_REGISTRY_DNS_NAMESERVERS"] == "127.0.0.1:5353,127.0.0.2"
    # Pasted back (secrets aside), the same settings come out.
    pasted = {k: v for k, v in lines.items() if v != "***"}
    assert Settings.from_env(pasted).to_env() == Settings.from_env(env).to_env()
