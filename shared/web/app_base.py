"""The Falcon app every service starts from: error mapping, raw-path routing, health routes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import falcon

from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.health import HealthResource, PingResource, VersionResource
from mcp_registry.shared.web.paths import RawPathMiddleware
from mcp_registry.shared.web.problem import install_error_handlers

API_PREFIXES: tuple[str, ...] = ("/v0", "/v0.1")
"""Every public route exists under each prefix, served by the same resource."""


def new_app(
    settings: Settings, *, middleware: Iterable[Any] = ()
) -> falcon.App[falcon.Request, falcon.Response]:
    """A Falcon WSGI app with the house conventions installed and health routes added.

    Services add their own routes with :func:`add_api_route`.
    """
    app = falcon.App(middleware=[RawPathMiddleware(), *middleware])
    install_error_handlers(app)
    health, ping, version = HealthResource(settings), PingResource(), VersionResource(settings)
    for prefix in ("", *API_PREFIXES):
        app.add_route(f"{prefix}/health", health)
        app.add_route(f"{prefix}/ping", ping)
        app.add_route(f"{prefix}/version", version)
    return app


def add_api_route(
    app: falcon.App[falcon.Request, falcon.Response],
    path: str,
    resource: object,
    *,
    suffix: str | None = None,
) -> None:
    """Mount ``resource`` at ``path`` under every API prefix (``/v0`` and ``/v0.1``)."""
    for prefix in API_PREFIXES:
        if suffix is None:
            app.add_route(prefix + path, resource)
        else:
            app.add_route(prefix + path, resource, suffix=suffix)
