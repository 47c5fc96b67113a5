"""The ``registryBaseUrl`` rule shared by the built-in package validators.

A server.json may name its package registry; ownership is only ever checked against the
base URL configured for that registry type, so a document naming another one is refused
instead of sending the registry's requests somewhere the operator did not allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_registry.shared.plugin_api import PackageRejected


def checked_base_url(package: Mapping[str, Any], configured: str, kind: str) -> str:
    """``configured`` (without a trailing slash) when the package names it or nothing."""
    base = configured.rstrip("/")
    named = package.get("registryBaseUrl")
    if isinstance(named, str) and named.rstrip("/") != base:
        raise PackageRejected(
            f"registryBaseUrl {named!r} is not supported for {kind} packages on this "
            f"registry; use {base} or leave it out"
        )
    return base
