"""The identity service (``create_app`` is pure wiring)."""

from __future__ import annotations

import falcon

from mcp_registry.services.identity.exchange import TokenExchange
from mcp_registry.services.identity.resources import (
    AuthExchangeResource,
    JwksResource,
    ProvidersResource,
    RevokeResource,
)
from mcp_registry.services.identity.revoking import Revoking
from mcp_registry.services.route_table import IDENTITY, methods_for
from mcp_registry.shared.auth.jwks import jwks_document
from mcp_registry.shared.auth.signing_keys import KeyRing
from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.app_base import add_api_route, new_app


def create_app(
    settings: Settings,
    *,
    exchange: TokenExchange,
    keys: KeyRing,
    revoking: Revoking | None = None,
) -> falcon.App[falcon.Request, falcon.Response]:
    """The identity WSGI app: ``/auth/{method}``, ``/auth/providers``, ``/auth/revoke``,
    ``/.well-known/jwks.json``.

    ``exchange`` holds the enabled providers and the token issuer; ``keys`` feeds the JWKS;
    ``revoking`` serves ``/auth/revoke`` (without it, that path is an unknown auth method).
    """
    app = new_app(settings, service=IDENTITY, methods_of=methods_for)
    add_api_route(app, "/auth/providers", ProvidersResource(exchange))
    if revoking is not None:
        add_api_route(
            app, "/auth/revoke", RevokeResource(revoking, max_body_bytes=settings.max_body_bytes)
        )
    add_api_route(
        app,
        "/auth/{method}",
        AuthExchangeResource(exchange, max_body_bytes=settings.max_body_bytes),
    )
    app.add_route(
        "/.well-known/jwks.json", JwksResource(lambda: jwks_document(keys.verification_keys()))
    )
    return app
