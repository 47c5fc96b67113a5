"""Publishing's process wiring: token verification keys, package validators, the store, and
the NATS client that re-checks verified-domain grants (none without NATS: the check is then
skipped; see ``domain_check``)."""

from __future__ import annotations

import falcon

from mcp_registry.services.publishing.app import create_app
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.shared.auth.configured import (
    stored_revocations,
    token_verifier,
    verification_keys,
)
from mcp_registry.shared.auth.domain_grant_sources import NatsDomainGrants
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.process_resources import ProcessResources
from mcp_registry.shared.rate_limits import Limiter


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


def build(deps: ProcessResources) -> falcon.App[falcon.Request, falcon.Response]:
    """The publishing app of this worker.

    Tokens are verified with identity's published keys when ``JWKS_URL`` is set, else
    with the local key ring (see ``verification_keys``).
    """
    from mcp_registry.shared.web.metrics import set_live_collector
    from mcp_registry.shared.web.store_gauges import OutboxGauges

    settings = deps.settings
    bridge = deps.bridge
    # Publishing writes the outbox, so its /metrics tells how far delivery lags behind.
    set_live_collector("outbox", OutboxGauges(deps.store.database))
    return create_app(
        settings,
        store=deps.store,
        verifier=token_verifier(
            settings, verification_keys(settings), revocations=stored_revocations(deps.revocations)
        ),
        ownership=ownership_checker(settings, deps.plugins),
        domain_grants=(
            NatsDomainGrants(bridge, timeout=settings.domain_grants_timeout)
            if bridge is not None
            else None
        ),
        moderation=deps.moderation,
        limiter=Limiter(deps.rate_counters),
        webhooks=deps.webhooks,
    )
