"""Built-in plugin ``cargo``: the crate version's README must say ``mcp-name: <name>``.

As the official registry does, two calls on the documented crates.io API:
``<base>/api/v1/crates/<name>/<version>/readme`` (``Accept: application/json``) answers
``{"url": ...}``, the rendered README on crates.io's static host, which is then searched
for the marker. The README address must be on the base URL's origin or on one of
``MCP_REGISTRY_CARGO_README_ORIGINS``. The static host answers 403 both for a missing
version and for a crate without a README, so a 403 is followed by a look at
``<base>/api/v1/crates/<name>/<version>`` to say which.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from mcp_registry.plugins.package_base_url import checked_base_url
from mcp_registry.plugins.readme_marker import declares_mcp_name
from mcp_registry.shared.plugin_api import (
    HttpReply,
    PackageRejected,
    PackageValidator,
    RegistryFetch,
    Settings,
    hookimpl,
    origin_of,
)

# crates.io asks crawlers for a User-Agent that says who they are.
USER_AGENT = "mcp-registry package ownership check"


class CargoValidator:
    """``registryType: cargo``."""

    registry_type = "cargo"

    def __init__(self, base_url: str, readme_origins: Sequence[str]) -> None:
        self._base = base_url.rstrip("/")
        self.origins = tuple(
            dict.fromkeys([origin_of(self._base), *map(origin_of, readme_origins)])
        )

    def check(self, package: Mapping[str, Any], server_name: str, http: RegistryFetch) -> None:
        base = checked_base_url(package, self._base, "cargo")
        name, version = str(package.get("identifier")), str(package.get("version"))
        crate = f"{base}/api/v1/crates/{quote(name, safe='')}/{quote(version, safe='')}"
        label = f"Cargo package '{name}' version {version}"
        meta = _get(http, f"{crate}/readme", "application/json")
        if meta.status == 404:
            raise PackageRejected(f"{label} not found on crates.io ({crate}/readme answered 404)")
        if meta.status != 200:
            raise PackageRejected(
                f"{label}: README metadata fetch from {crate}/readme failed (status: {meta.status})"
            )
        readme_url = _readme_pointer(meta.body)
        if readme_url is None:
            raise PackageRejected(f"{label}: {crate}/readme did not answer a README 'url'")
        if origin_of(readme_url) not in self.origins:
            raise PackageRejected(
                f"{label}: crates.io pointed its README at {readme_url}, which is not on a "
                "host this registry is configured to contact"
            )
        readme = _get(http, readme_url, "text/html")
        if readme.status == 200:
            if declares_mcp_name(readme.body.decode("utf-8", "replace"), server_name):
                return
            raise PackageRejected(
                f"{label} ownership validation failed. The server name '{server_name}' must "
                f"appear as 'mcp-name: {server_name}' in the package README ({readme_url})"
            )
        if readme.status not in (403, 404):
            raise PackageRejected(
                f"{label}: README fetch from {readme_url} failed (status: {readme.status})"
            )
        probe = _get(http, crate, "application/json")
        if probe.status == 200:
            raise PackageRejected(
                f"{label} exists on crates.io, but its rendered README could not be retrieved "
                f"from {readme_url} (status: {readme.status}). If it has no README, add one "
                f"containing 'mcp-name: {server_name}' and publish a new version"
            )
        raise PackageRejected(
            f"{label} not found on crates.io ({readme_url} answered {readme.status}, "
            f"{crate} answered {probe.status})"
        )


def _get(http: RegistryFetch, url: str, accept: str) -> HttpReply:
    return http.fetch(url, headers={"Accept": accept, "User-Agent": USER_AGENT})


def _readme_pointer(body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    url = document.get("url") if isinstance(document, dict) else None
    return url if isinstance(url, str) and url else None


@hookimpl
def mcp_registry_package_validators(settings: Settings) -> Sequence[PackageValidator]:
    return [CargoValidator(settings.cargo_registry_url, settings.cargo_readme_origins)]
