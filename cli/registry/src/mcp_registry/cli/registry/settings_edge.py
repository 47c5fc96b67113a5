"""Where the operator CLI reads the environment: once, at the edge."""

from __future__ import annotations

import os

import click

from mcp_registry.shared.config import PREFIX, ConfigError, Settings


def settings_from_environment() -> Settings:
    """Settings from ``os.environ``; a bad value becomes a clean CLI error, not a trace."""
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if settings.extras:
        # Unknown MCP_REGISTRY_* names become plugin options; a typo would otherwise vanish.
        names = ", ".join(PREFIX + key for key, _ in settings.extras)
        click.echo(
            f"note: {names} is not a registry setting; passed to plugins as an option "
            "(check the spelling if no plugin reads it)",
            err=True,
        )
    return settings
