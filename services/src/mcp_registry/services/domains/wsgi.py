"""The domains service's process wiring: store, DNS, token keys, and the grants responder."""

from __future__ import annotations

import falcon

from mcp_registry.services.domains.admin import DomainAdmin
from mcp_registry.services.domains.app import create_app
from mcp_registry.services.domains.dns_probe import DnsProbe
from mcp_registry.services.domains.grants import serve_grants
from mcp_registry.services.domains.policy import Policy
from mcp_registry.services.domains.verification import DomainVerifier
from mcp_registry.shared.auth.configured import (
    stored_revocations,
    token_verifier,
    verification_keys,
)
from mcp_registry.shared.process_resources import ProcessResources


def build(deps: ProcessResources) -> falcon.App[falcon.Request, falcon.Response]:
    """The domains app of this worker; with NATS, it also answers ``registry.domains.grants``."""
    settings = deps.settings
    from mcp_registry.shared.web.metrics import set_live_collector
    from mcp_registry.shared.web.store_gauges import DomainGauges

    store = deps.domains
    set_live_collector("domains", DomainGauges(store))
    policy = Policy.from_settings(settings)
    verifier = DomainVerifier(store, DnsProbe.from_settings(settings), policy)
    if deps.bridge is not None:
        serve_grants(deps.bridge, verifier)
    return create_app(
        settings,
        verifier=verifier,
        admin=DomainAdmin(store, policy),
        tokens=token_verifier(
            settings, verification_keys(settings), revocations=stored_revocations(deps.revocations)
        ),
    )
