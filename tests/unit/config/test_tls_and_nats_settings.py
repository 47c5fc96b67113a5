"""The TLS and NATS credential settings: pairs go together, and what reaches nats-py."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from mcp_registry.shared.config import ConfigError, Settings
from mcp_registry.shared.events.credentials import NatsCredentials
from mcp_registry.shared.web.tls_options import tls_options
from tests.support.tls import TestCA


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MCP_REGISTRY_TLS_CERT_FILE": "c.pem"}, "TLS_CERT_FILE and MCP_REGISTRY_TLS_KEY_FILE"),
        ({"MCP_REGISTRY_NATS_KEY_FILE": "k.pem"}, "NATS_CERT_FILE and MCP_REGISTRY_NATS_KEY_FILE"),
        ({"MCP_REGISTRY_NATS_PASSWORD": "p"}, "NATS_PASSWORD needs MCP_REGISTRY_NATS_USER"),
    ],
)
def test_half_a_pair_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_no_credentials_means_plain_options() -> None:
    assert NatsCredentials.from_settings(Settings()).connect_options() == {}


def test_user_password_and_ca_reach_the_client(tmp_path: Path) -> None:
    ca = TestCA(tmp_path)
    settings = Settings.from_env(
        {
            "MCP_REGISTRY_NATS_URL": "nats://nats:4222",
            "MCP_REGISTRY_NATS_USER": "relay",
            "MCP_REGISTRY_NATS_PASSWORD": "pSecret",
            "MCP_REGISTRY_NATS_CA_FILE": str(ca.ca_file),
        }
    )
    options = NatsCredentials.from_settings(settings).connect_options()
    assert options["user"] == "relay"
    assert options["password"] == "pSecret"
    context = options["tls"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True


def test_a_tls_url_alone_requires_tls_with_the_system_cas() -> None:
    settings = Settings.from_env({"MCP_REGISTRY_NATS_URL": "tls://nats.example:4222"})
    credentials = NatsCredentials.from_settings(settings)
    assert credentials.tls is True
    assert isinstance(credentials.connect_options()["tls"], ssl.SSLContext)


def test_the_password_is_masked_like_every_secret() -> None:
    from click.testing import CliRunner

    from mcp_registry.cli.registry.main import cli

    result = CliRunner().invoke(
        cli,
        ["config"],
        env={"MCP_REGISTRY_NATS_USER": "relay", "MCP_REGISTRY_NATS_PASSWORD": "pSecret"},
    )
    assert "MCP_REGISTRY_NATS_PASSWORD=***" in result.output
    assert "pSecret" not in result.output


def test_serve_gets_certfile_and_keyfile(tmp_path: Path) -> None:
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("x")
    key.write_text("y")
    settings = Settings(tls_cert_file=str(cert), tls_key_file=str(key))
    assert tls_options(settings) == {"certfile": str(cert), "keyfile": str(key)}
    assert tls_options(Settings()) == {}
    with pytest.raises(ConfigError, match="TLS_KEY_FILE: no such file"):
        tls_options(Settings(tls_cert_file=str(cert), tls_key_file=str(tmp_path / "nope")))
