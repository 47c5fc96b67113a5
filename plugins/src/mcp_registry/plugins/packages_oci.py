"""Built-in plugin ``oci``: the image's ``io.modelcontextprotocol.server.name`` label.

The identifier is an image reference (``ghcr.io/owner/image:1.0.0``, ``owner/image@sha256:…``;
no host means Docker Hub, a one-part Docker Hub name means ``library/<name>``). Its host must
be one of ``MCP_REGISTRY_OCI_REGISTRIES`` (``host=API base URL``), so an image elsewhere is
refused before any request. Without a tag or digest in the identifier, the package's
``version`` is the tag. The config is read anonymously (:mod:`oci_distribution`); token
endpoints and blob download hosts must be in ``MCP_REGISTRY_OCI_ALLOWED_ORIGINS``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from mcp_registry.plugins.oci_distribution import OciImage
from mcp_registry.shared.plugin_api import (
    PREFIX,
    ConfigError,
    PackageRejected,
    PackageValidator,
    RegistryFetch,
    Settings,
    hookimpl,
    origin_of,
    parse_oci_reference,
)

LABEL = "io.modelcontextprotocol.server.name"
DOCKER_HUB = "docker.io"
DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


def parse_registries(entries: Sequence[str]) -> dict[str, str]:
    """``host=API base URL`` entries as a mapping; :class:`ConfigError` when one is malformed."""
    registries: dict[str, str] = {}
    for entry in entries:
        host, sep, api = entry.partition("=")
        parts = urlsplit(api.strip())
        if not sep or not host.strip() or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"{PREFIX}OCI_REGISTRIES: expected host=https://api.base, got {entry!r}"
            )
        registries[host.strip().lower()] = api.strip().rstrip("/")
    return registries


class OciValidator:
    """``registryType: oci``."""

    registry_type = "oci"

    def __init__(self, registries: Mapping[str, str], other_origins: Sequence[str]) -> None:
        self._registries = dict(registries)
        found = [origin_of(api) for api in self._registries.values()]
        self.origins = tuple(dict.fromkeys([*found, *(origin_of(o) for o in other_origins)]))

    def check(self, package: Mapping[str, Any], server_name: str, http: RegistryFetch) -> None:
        identifier = str(package.get("identifier"))
        parsed = parse_oci_reference(identifier)
        if isinstance(parsed, str):
            raise PackageRejected(
                f"OCI identifier {identifier!r} is not an image reference: {parsed}"
            )
        host = (parsed.domain or DOCKER_HUB).lower()
        api = self._api_base(host, identifier)
        self._check_base_url(package, api)
        repository = parsed.path
        if host in DOCKER_HUB_ALIASES and "/" not in repository:
            repository = f"library/{repository}"
        version = package.get("version")
        reference = parsed.digest or parsed.tag or (str(version) if version else "")
        if not reference:
            raise PackageRejected(
                f"OCI image '{identifier}' names no tag or digest (e.g. {identifier}:1.0.0)"
            )
        image = OciImage(
            http,
            api_base=api,
            repository=repository,
            origins=frozenset(self.origins),
            display=identifier,
        )
        config = image.config(reference)
        inner = config.get("config")
        labels = inner.get("Labels") if isinstance(inner, dict) else None
        declared = labels.get(LABEL) if isinstance(labels, dict) else None
        if declared is None:
            raise PackageRejected(
                f"OCI image '{identifier}' is missing required label '{LABEL}' in its image "
                f'config. Add this to your Dockerfile: LABEL {LABEL}="{server_name}"'
            )
        if declared != server_name:
            raise PackageRejected(
                f"OCI image ownership validation failed. Expected label '{LABEL}' = "
                f"'{server_name}' on '{identifier}', got '{declared}'"
            )

    def _api_base(self, host: str, identifier: str) -> str:
        api = self._registries.get(host)
        if api is None:
            allowed = ", ".join(sorted(self._registries)) or "(none configured)"
            raise PackageRejected(
                f"OCI image '{identifier}' is on registry {host}, which this registry does "
                f"not check images on (supported: {allowed})"
            )
        return api

    def _check_base_url(self, package: Mapping[str, Any], api: str) -> None:
        # Older server.json versions named the registry separately; it must agree.
        named = package.get("registryBaseUrl")
        if not isinstance(named, str) or not named:
            return
        named_host = (urlsplit(named).netloc or "").lower()
        if self._registries.get(named_host) != api:
            raise PackageRejected(
                f"registryBaseUrl {named!r} does not name the registry of the image "
                "identifier; leave it out and put the registry host in the identifier"
            )


@hookimpl
def mcp_registry_package_validators(settings: Settings) -> Sequence[PackageValidator]:
    return [OciValidator(parse_registries(settings.oci_registries), settings.oci_allowed_origins)]
