"""Identity's process wiring: plugins, keys and the NATS bridge from the settings."""

from __future__ import annotations

import falcon

from mcp_registry.services.identity.app import create_app
from mcp_registry.services.identity.exchange import TokenExchange
from mcp_registry.services.identity.revoking import Revoking
from mcp_registry.shared.auth.configured import (
    key_ring,
    token_issuer,
    token_revoker,
    token_verifier,
)
from mcp_registry.shared.auth.domain_grant_sources import (
    DomainGrantSource,
    NatsDomainGrants,
    NoDomainGrants,
)
from mcp_registry.shared.auth.revocation import StoredRevocations
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.process_resources import ProcessResources


def build(
    deps: ProcessResources, *, clock: Clock = utcnow
) -> falcon.App[falcon.Request, falcon.Response]:
    """The identity app of this worker over the installed, allowed plugins.

    ``clock`` decides which key signs and how long tokens live (tests move it).
    """
    settings = deps.settings
    plugins = deps.plugins
    keys = key_ring(settings, clock=clock)
    bridge = deps.bridge
    grants: DomainGrantSource = (
        NatsDomainGrants(bridge, timeout=settings.domain_grants_timeout)
        if bridge is not None
        else NoDomainGrants()
    )
    exchange = TokenExchange(
        plugins.identity_providers(settings),
        token_issuer(settings, keys, clock=clock),
        grants,
        plugins.extra_permissions,
        lambda: [(b.pattern, b.reason) for b in deps.moderation.blocks()],
    )
    revocations = deps.revocations
    revoking = Revoking(
        token_verifier(
            settings, keys, clock=clock, revocations=StoredRevocations(revocations, clock=clock)
        ),
        token_revoker(settings, revocations, clock=clock),
    )
    return create_app(settings, exchange=exchange, keys=keys, revoking=revoking)
