"""Built-in plugin ``npm``: the package version's ``package.json`` must say ``mcpName``.

Fetches ``<npm registry>/<identifier>/<version>`` (the version document npm serves, which
carries every package.json field) and compares its ``mcpName`` with the server name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from mcp_registry.plugins.package_base_url import checked_base_url
from mcp_registry.shared.plugin_api import (
    PackageRejected,
    PackageValidator,
    RegistryFetch,
    Settings,
    fetch_version_metadata,
    hookimpl,
    origin_of,
)


class NpmValidator:
    """``registryType: npm``."""

    registry_type = "npm"

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")
        self.origins = (origin_of(self._base),)

    def check(self, package: Mapping[str, Any], server_name: str, http: RegistryFetch) -> None:
        base = checked_base_url(package, self._base, "npm")
        identifier, version = str(package.get("identifier")), str(package.get("version"))
        # Scoped names keep their '@' and encode the '/' as the npm registry expects.
        url = f"{base}/{quote(identifier, safe='@')}/{quote(version, safe='')}"
        document = fetch_version_metadata(
            http, url, registry="NPM", identifier=identifier, version=version
        )
        mcp_name = document.get("mcpName") if isinstance(document, dict) else None
        if not mcp_name:
            raise PackageRejected(
                f"NPM package '{identifier}' is missing required 'mcpName' field. Add this to "
                f'your package.json: "mcpName": "{server_name}"'
            )
        if mcp_name != server_name:
            raise PackageRejected(
                f"NPM package ownership validation failed. Expected mcpName '{server_name}', "
                f"got '{mcp_name}'"
            )


@hookimpl
def mcp_registry_package_validators(settings: Settings) -> Sequence[PackageValidator]:
    return [NpmValidator(settings.npm_registry_url)]
