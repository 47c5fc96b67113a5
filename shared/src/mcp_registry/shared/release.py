"""The registry's release version, read from the installed distribution's metadata.

Each workspace member carries its own version in its ``pyproject.toml``; the registry reports
the version of the distribution that holds this module, so ``/version`` and ``--version`` never
disagree with what pip installed.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "mcp-registry-shared"


def installed_version(distribution: str = DISTRIBUTION) -> str:
    """The installed version of ``distribution``; ``0+unknown`` when it is not installed."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "0+unknown"


__version__ = installed_version()
