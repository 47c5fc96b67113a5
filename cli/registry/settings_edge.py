"""Where the operator CLI reads the environment: once, at the edge."""

from __future__ import annotations

import os

import click

from mcp_registry.shared.config import ConfigError, Settings


def settings_from_environment() -> Settings:
    """Settings from ``os.environ``; a bad value becomes a clean CLI error, not a trace."""
    try:
        return Settings.from_env(os.environ)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
