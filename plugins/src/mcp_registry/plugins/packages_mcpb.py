"""Built-in plugin ``mcpb``: download the bundle and verify its ``fileSha256``.

The identifier is the bundle's download URL. It must be on an allowed origin
(``MCP_REGISTRY_MCPB_ALLOWED_ORIGINS``; redirects, as release downloads use, must stay on
them too) and its SHA-256 must equal ``fileSha256``. The official registry only checks that
the file is reachable; verifying the hash is what makes the reference trustworthy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from mcp_registry.shared.plugin_api import (
    PackageRejected,
    PackageValidator,
    RegistryFetch,
    Settings,
    hookimpl,
    origin_of,
)


class McpbValidator:
    """``registryType: mcpb``."""

    registry_type = "mcpb"

    def __init__(self, origins: Sequence[str], max_bytes: int) -> None:
        self.origins = tuple(origin_of(o) for o in origins)
        self._max_bytes = max_bytes

    def check(self, package: Mapping[str, Any], server_name: str, http: RegistryFetch) -> None:
        url = str(package.get("identifier"))
        expected = str(package.get("fileSha256", "")).lower()
        if origin_of(url) not in self.origins:
            allowed = ", ".join(self.origins) or "(none configured)"
            raise PackageRejected(
                f"MCPB package URL {url} is not on an allowed download host ({allowed})"
            )
        status, body = http.get(url, accept="application/octet-stream", max_bytes=self._max_bytes)
        if status != 200:
            raise PackageRejected(
                f"MCPB package '{url}' is not publicly accessible (status: {status})"
            )
        actual = hashlib.sha256(body).hexdigest()
        if actual != expected:
            raise PackageRejected(
                f"MCPB package '{url}' does not match its fileSha256: expected {expected}, "
                f"the file has {actual}"
            )


@hookimpl
def mcp_registry_package_validators(settings: Settings) -> Sequence[PackageValidator]:
    return [McpbValidator(settings.mcpb_allowed_origins, settings.mcpb_max_bytes)]
