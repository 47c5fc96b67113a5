"""Package ownership at publish time: each package checked by the validator of its type.

The same checker runs for ``POST /publish`` and for bulk imports, so
``MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION=false`` switches both off in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_registry.shared.errors import BadRequest
from mcp_registry.shared.plugins.package_http import RegistryHttp
from mcp_registry.shared.plugins.packages import PackageValidator


class OwnershipChecker:
    """Run the validator of every package's ``registryType``; all must pass.

    ``enabled=False`` checks nothing. With checks on, a package whose type has no installed
    validator is refused (400) rather than waved through.
    """

    def __init__(
        self,
        validators: Mapping[str, PackageValidator],
        *,
        enabled: bool,
        timeout: float,
        ca_file: str = "",
    ) -> None:
        self._validators = dict(validators)
        self._enabled = enabled
        self._http = {
            kind: RegistryHttp(
                v.origins, timeout=timeout, label=f"the {kind} registry", ca_file=ca_file
            )
            for kind, v in self._validators.items()
        }

    @classmethod
    def disabled(cls) -> OwnershipChecker:
        """A checker that checks nothing (registry validation switched off)."""
        return cls({}, enabled=False, timeout=0.0)

    @property
    def enabled(self) -> bool:
        return self._enabled

    def check(self, server: Mapping[str, Any]) -> None:
        """Raise the first failing package's error (400 rejected, 503 upstream trouble)."""
        if not self._enabled:
            return
        packages = server.get("packages")
        if not isinstance(packages, list):
            return
        name = str(server.get("name", ""))
        for index, package in enumerate(packages):
            if not isinstance(package, dict):
                continue
            kind = str(package.get("registryType", ""))
            validator = self._validators.get(kind)
            if validator is None:
                raise BadRequest(
                    f"packages[{index}]: no ownership validator for registryType {kind!r} is "
                    "installed on this registry"
                )
            validator.check(package, name, self._http[kind])
