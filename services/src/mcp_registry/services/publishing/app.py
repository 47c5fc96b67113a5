"""The publishing service: publish, validate, admin edit, status (``create_app`` is wiring)."""

from __future__ import annotations

import falcon

from mcp_registry.services.publishing.blocks import NamespaceBlocks
from mcp_registry.services.publishing.changes import Changes
from mcp_registry.services.publishing.domain_check import DomainGrantCheck
from mcp_registry.services.publishing.moderation_resources import (
    AuditResource,
    FileReportResource,
    NamespaceBlockResource,
    NamespacesResource,
    ReportsResource,
    ResolveReportResource,
)
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.services.publishing.reports import Reports
from mcp_registry.services.publishing.resources import (
    Authenticated,
    EditResource,
    PublishResource,
    ServerStatusResource,
    ValidateResource,
    VersionStatusResource,
)
from mcp_registry.services.publishing.rules import Publisher
from mcp_registry.services.publishing.webhooks import Webhooks
from mcp_registry.services.publishing.webhooks_resources import (
    WebhookDeliveriesResource,
    WebhookResource,
    WebhooksResource,
)
from mcp_registry.services.route_table import PUBLISHING, methods_for
from mcp_registry.shared.auth.domain_grant_sources import DomainGrantSource
from mcp_registry.shared.auth.tokens import TokenVerifier
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.config import Settings
from mcp_registry.shared.extensions import REPORTS_EXTENSION, WEBHOOKS_EXTENSION, extension_path
from mcp_registry.shared.rate_limits import Limiter, RateLimit
from mcp_registry.shared.storage.database import AuditLog
from mcp_registry.shared.storage.moderation_port import ModerationStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.webhooks_port import WebhookStore
from mcp_registry.shared.web.app_base import add_api_route, new_app
from mcp_registry.shared.web.rate_limiting import DecisionHeaders


def create_app(
    settings: Settings,
    *,
    store: ServerStore,
    verifier: TokenVerifier,
    ownership: OwnershipChecker | None = None,
    domain_grants: DomainGrantSource | None = None,
    moderation: ModerationStore | None = None,
    audit: AuditLog | None = None,
    limiter: Limiter | None = None,
    webhooks: WebhookStore | None = None,
    clock: Clock = utcnow,
) -> falcon.App[falcon.Request, falcon.Response]:
    """The publishing WSGI app over ``store``; tokens checked by ``verifier``.

    ``ownership`` defaults to no package checks (tests of other rules); the process wiring
    passes the checker built from the plugins and ``ENABLE_REGISTRY_VALIDATION``.
    ``domain_grants`` answers whether a verified domain still grants a publish that rests
    only on it (see ``domain_check``); ``None`` (no NATS) skips that check.
    ``moderation`` holds namespace blocks and reports (the moderation routes exist only with
    it); ``audit`` is the log ``GET /admin/audit`` reads (default: the store's database).
    ``limiter`` counts writes per token subject against ``RATE_LIMIT_WRITES`` (none: not
    counted). With ``webhooks`` the webhook subscriptions are managed under ``/v0.1`` (an
    extension).
    """
    publisher = Publisher(
        store,
        ownership or OwnershipChecker.disabled(),
        clock,
        mirror_overrides=settings.mirror_allow_overrides,
    )
    domains = DomainGrantCheck(domain_grants)
    blocks = NamespaceBlocks(moderation, store, clock=clock) if moderation is not None else None
    changes = Changes(store, publisher, clock, domains, blocks)
    writes = RateLimit.parse("writes", settings.rate_limit_writes)
    auth = Authenticated(verifier, limiter, writes)
    limit = settings.max_body_bytes
    app = new_app(
        settings, service=PUBLISHING, methods_of=methods_for, middleware=[DecisionHeaders()]
    )
    add_api_route(app, "/publish", PublishResource(auth, domains, publisher, limit, blocks))
    add_api_route(app, "/validate", ValidateResource(limit))
    add_api_route(app, "/servers/{name}/versions/{version}", EditResource(auth, changes, limit))
    add_api_route(
        app,
        "/servers/{name}/versions/{version}/status",
        VersionStatusResource(auth, changes, limit),
    )
    add_api_route(app, "/servers/{name}/status", ServerStatusResource(auth, changes, limit))
    if moderation is not None and blocks is not None:
        reports = Reports(moderation, store, blocks, clock=clock)
        add_api_route(app, "/admin/namespaces", NamespacesResource(auth, blocks))
        add_api_route(
            app, "/admin/namespaces/{pattern}/block", NamespaceBlockResource(auth, blocks, limit)
        )
        # An extension: under the current API version only, as every extension route.
        app.add_route(
            f"/v0.1{extension_path(REPORTS_EXTENSION)}", FileReportResource(auth, reports, limit)
        )
        add_api_route(app, "/admin/reports", ReportsResource(auth, reports))
        add_api_route(
            app, "/admin/reports/{id}/resolve", ResolveReportResource(auth, reports, limit)
        )
        add_api_route(app, "/admin/audit", AuditResource(auth, audit or store.database))
    if webhooks is not None:
        manage = Webhooks(webhooks, clock, allow_private=settings.webhooks_allow_private_targets)
        base = f"/v0.1{extension_path(WEBHOOKS_EXTENSION)}"
        app.add_route(base, WebhooksResource(auth, manage, limit))
        app.add_route(f"{base}/{{webhook_id}}", WebhookResource(auth, manage))
        app.add_route(f"{base}/{{webhook_id}}/deliveries", WebhookDeliveriesResource(auth, manage))
    return app
