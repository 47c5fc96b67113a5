"""Built-in plugin ``pypi``: the release's README must contain ``mcp-name: <server name>``.

Fetches ``<PyPI>/pypi/<identifier>/<version>/json`` and searches ``info.description``
(the README PyPI shows) for the marker, as the official registry does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from mcp_registry.plugins.package_base_url import checked_base_url
from mcp_registry.plugins.readme_marker import declares_mcp_name
from mcp_registry.shared.plugin_api import (
    PackageRejected,
    PackageValidator,
    RegistryFetch,
    Settings,
    fetch_version_metadata,
    hookimpl,
    origin_of,
)


class PypiValidator:
    """``registryType: pypi``."""

    registry_type = "pypi"

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")
        self.origins = (origin_of(self._base),)

    def check(self, package: Mapping[str, Any], server_name: str, http: RegistryFetch) -> None:
        base = checked_base_url(package, self._base, "pypi")
        identifier, version = str(package.get("identifier")), str(package.get("version"))
        url = f"{base}/pypi/{quote(identifier, safe='')}/{quote(version, safe='')}/json"
        document = fetch_version_metadata(
            http, url, registry="PyPI", identifier=identifier, version=version
        )
        try:
            description = document["info"]["description"] or ""
        except (KeyError, TypeError):
            raise PackageRejected(
                f"PyPI package '{identifier}': metadata has no info.description"
            ) from None
        if not declares_mcp_name(str(description), server_name):
            raise PackageRejected(
                f"PyPI package '{identifier}' ownership validation failed. The server name "
                f"'{server_name}' must appear as 'mcp-name: {server_name}' in the package README"
            )


@hookimpl
def mcp_registry_package_validators(settings: Settings) -> Sequence[PackageValidator]:
    return [PypiValidator(settings.pypi_registry_url)]
