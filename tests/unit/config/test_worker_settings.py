"""Worker settings reach the worker class gunicorn runs."""

from __future__ import annotations

import pytest

from mcp_registry.shared.config import ConfigError, Settings
from mcp_registry.shared.web.gunicorn_app import options_from_settings


def test_the_switch_interval_reaches_the_asgi_worker() -> None:
    default = options_from_settings("127.0.0.1:0", Settings(), proc_name="t")
    assert default["worker_class"].switch_interval == 0.0005
    settings = Settings.from_env({"MCP_REGISTRY_SWITCH_INTERVAL": "0.002"})
    chosen = options_from_settings("127.0.0.1:0", settings, proc_name="t")["worker_class"]
    assert chosen.switch_interval == 0.002


@pytest.mark.parametrize("value", ["0", "-1", "0.5"])
def test_a_switch_interval_out_of_range_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="MCP_REGISTRY_SWITCH_INTERVAL"):
        Settings.from_env({"MCP_REGISTRY_SWITCH_INTERVAL": value})
