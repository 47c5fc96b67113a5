"""Publishing's process wiring: token verification keys, package validators, the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import falcon

from mcp_registry.services.publishing.app import create_app
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.shared.auth.configured import key_ring, token_verifier
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost

if TYPE_CHECKING:
    from mcp_registry.services.wiring import ProcessDeps


def ownership_checker(settings: Settings, plugins: PluginHost | None = None) -> OwnershipChecker:
    """The checker the settings ask for: off, or every installed validator plugin."""
    if not settings.enable_registry_validation:
        return OwnershipChecker.disabled()
    host = plugins if plugins is not None else PluginHost.load(settings)
    return OwnershipChecker(
        host.package_validators(settings),
        enabled=True,
        timeout=settings.package_validation_timeout,
    )


def build(deps: ProcessDeps) -> falcon.App[falcon.Request, falcon.Response]:
    """The publishing app of this worker.

    Tokens are verified against the deployment's key ring (the keys directory or
    ``JWT_PRIVATE_KEY``), which it shares with identity.
    """
    settings = deps.settings
    return create_app(
        settings,
        store=deps.store,
        verifier=token_verifier(settings, key_ring(settings)),
        ownership=ownership_checker(settings, deps.plugins),
    )
