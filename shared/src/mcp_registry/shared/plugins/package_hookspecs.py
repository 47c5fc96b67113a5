"""The package-ownership hook a ``mcp_registry`` plugin may implement (see ``packages``)."""

from __future__ import annotations

from collections.abc import Sequence

from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.markers import hookspec
from mcp_registry.shared.plugins.packages import PackageValidator


@hookspec
def mcp_registry_package_validators(settings: Settings) -> Sequence[PackageValidator]:
    """The package validators this plugin contributes under these settings.

    Called once per process when the publishing service starts. Return one validator per
    ``registryType`` it checks; two plugins claiming the same type stop the service from
    starting. Read base URLs and limits only from ``settings``; do no network I/O here.
    """
    raise NotImplementedError
