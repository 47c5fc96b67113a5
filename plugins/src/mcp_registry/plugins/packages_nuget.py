"""Built-in plugin ``nuget``: the package version's README must say ``mcp-name: <name>``.

The configured URL is a NuGet V3 service index (nuget.org's by default). Its
``ReadmeUriTemplate/6.13.0`` resource gives the README address; on nuget.org that is the
flat container's ``/{lower_id}/{lower_version}/readme``. A feed without that resource gets
the same path under its flat container (``PackageBaseAddress/3.0.0``). When there is no
README, the flat container's version list tells the publisher whether the package, the
version or only the README is missing.
"""

from __future__ import annotations

import json
import time
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
    UpstreamUnavailable,
    hookimpl,
    origin_of,
)

README_TYPE = "ReadmeUriTemplate/6.13.0"
FLAT_CONTAINER_TYPE = "PackageBaseAddress/3.0.0"
INDEX_TTL = 3600.0


class NugetValidator:
    """``registryType: nuget``."""

    registry_type = "nuget"

    def __init__(self, service_index_url: str) -> None:
        self._index_url = service_index_url.rstrip("/")
        self.origins = (origin_of(self._index_url),)
        self._resources: dict[str, str] = {}
        self._fetched_at = float("-inf")

    def check(self, package: Mapping[str, Any], server_name: str, http: RegistryFetch) -> None:
        checked_base_url(package, self._index_url, "nuget")
        identifier, version = str(package.get("identifier")), str(package.get("version"))
        lower_id = quote(identifier.lower(), safe="")
        # NuGet normalises versions to lower case without SemVer 2 build metadata.
        lower_version = quote(version.lower().partition("+")[0], safe="")
        resources = self._service_index(http)
        flat = resources.get(FLAT_CONTAINER_TYPE, "").rstrip("/")
        template = resources.get(README_TYPE) or (
            f"{flat}/{{lower_id}}/{{lower_version}}/readme" if flat else ""
        )
        if not template:
            raise UpstreamUnavailable(
                f"the NuGet service index {self._index_url} lists neither {README_TYPE} nor "
                f"{FLAT_CONTAINER_TYPE}; NuGet packages cannot be checked"
            )
        readme_url = template.replace("{lower_id}", lower_id).replace(
            "{lower_version}", lower_version
        )
        status, body = http.get(readme_url, accept="text/markdown, text/plain, */*")
        if status == 200:
            if declares_mcp_name(body.decode("utf-8", "replace"), server_name):
                return
            raise PackageRejected(
                f"NuGet package '{identifier}' ownership validation for version {version} "
                f"failed. The server name '{server_name}' must appear as 'mcp-name: "
                f"{server_name}' in the package README ({readme_url}). Add it to your README "
                "and publish a new package version"
            )
        if status != 404 or not flat:
            raise PackageRejected(
                f"NuGet package '{identifier}' version {version}: its README could not be "
                f"read from {readme_url} (status: {status})"
            )
        self._explain_missing_readme(identifier, version, f"{flat}/{lower_id}/index.json", http)

    def _explain_missing_readme(
        self, identifier: str, version: str, versions_url: str, http: RegistryFetch
    ) -> None:
        status, body = http.get(versions_url)
        if status == 404:
            raise PackageRejected(
                f"NuGet package '{identifier}' does not exist ({versions_url} answered 404). "
                "If you published it recently, wait for NuGet's validation to complete"
            )
        if status != 200:
            raise PackageRejected(
                f"NuGet package '{identifier}' version {version}: no README was found and "
                f"{versions_url} answered {status}"
            )
        try:
            listed = [str(v).lower() for v in json.loads(body).get("versions", [])]
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, TypeError):
            listed = []
        if version.lower().partition("+")[0] not in listed:
            raise PackageRejected(
                f"NuGet package '{identifier}' exists but version {version} is not listed at "
                f"{versions_url}. If you published it recently, wait for NuGet's validation "
                "to complete"
            )
        raise PackageRejected(
            f"NuGet package '{identifier}' version {version} has no embedded README, so "
            "'mcp-name: <server name>' cannot be found. Add a README to the package and "
            "publish a new version"
        )

    def _service_index(self, http: RegistryFetch) -> dict[str, str]:
        """The service index's resources by type, cached for :data:`INDEX_TTL` seconds."""
        if time.monotonic() - self._fetched_at < INDEX_TTL:
            return self._resources
        status, body = http.get(self._index_url)
        if status != 200:
            raise UpstreamUnavailable(
                f"the NuGet service index {self._index_url} answered {status}; NuGet packages "
                "cannot be checked"
            )
        try:
            entries = json.loads(body)["resources"]
            resources = {
                str(e["@type"]): str(e["@id"])
                for e in entries
                if isinstance(e, dict) and "@type" in e and "@id" in e
            }
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
            raise UpstreamUnavailable(
                f"the NuGet service index {self._index_url} is not a V3 service index"
            ) from None
        self._resources, self._fetched_at = resources, time.monotonic()
        return resources


@hookimpl
def mcp_registry_package_validators(settings: Settings) -> Sequence[PackageValidator]:
    return [NugetValidator(settings.nuget_registry_url)]
