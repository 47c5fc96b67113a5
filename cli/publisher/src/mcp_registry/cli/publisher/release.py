"""The publisher's version, from its installed distribution's metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mcp-publisher")
except PackageNotFoundError:  # running from an uninstalled tree
    __version__ = "0+unknown"
