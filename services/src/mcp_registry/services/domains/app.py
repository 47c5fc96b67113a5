"""The domains service: verify-domain and its admin routes (``create_app`` is pure wiring)."""

from __future__ import annotations

import falcon

from mcp_registry.services.domains.admin import DomainAdmin
from mcp_registry.services.domains.resources import (
    AdminDomainResource,
    AdminListResource,
    AdminRestoreResource,
    AdminRevokeResource,
    Caller,
    CheckResource,
    DomainResource,
    VerifyDomainResource,
)
from mcp_registry.services.domains.verification import DomainVerifier
from mcp_registry.services.route_table import DOMAINS, methods_for
from mcp_registry.shared.auth.tokens import TokenVerifier
from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.app_base import add_api_route, new_app


def create_app(
    settings: Settings,
    *,
    verifier: DomainVerifier,
    admin: DomainAdmin,
    tokens: TokenVerifier,
) -> falcon.App[falcon.Request, falcon.Response]:
    """The domains WSGI app; ``tokens`` checks every request's registry token."""
    caller = Caller(tokens, settings.max_body_bytes)
    app = new_app(settings, service=DOMAINS, methods_of=methods_for)
    add_api_route(app, "/verify-domain", VerifyDomainResource(caller, verifier))
    add_api_route(app, "/verify-domain/check", CheckResource(caller, verifier))
    add_api_route(app, "/verify-domain/{domain}", DomainResource(caller, verifier))
    add_api_route(app, "/admin/domains", AdminListResource(caller, admin))
    add_api_route(app, "/admin/domains/{domain}", AdminDomainResource(caller, admin))
    add_api_route(app, "/admin/domains/{domain}/revoke", AdminRevokeResource(caller, admin))
    add_api_route(app, "/admin/domains/{domain}/restore", AdminRestoreResource(caller, admin))
    return app
