"""The Falcon app every service starts from: error mapping, raw-path routing, health routes,
request metrics."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import falcon

from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.cors import CorsMiddleware, MethodsOf, router_methods
from mcp_registry.shared.web.health import HealthResource, PingResource, VersionResource
from mcp_registry.shared.web.metrics import (
    METRICS_PATH,
    ExtraMetrics,
    MetricsMiddleware,
    MetricsResource,
)
from mcp_registry.shared.web.paths import API_PREFIXES, RawPathMiddleware
from mcp_registry.shared.web.problem import install_error_handlers
from mcp_registry.shared.web.request_checks import NulByteMiddleware

__all__ = ["API_PREFIXES", "SERVICE_HEADER", "ServiceHeaderMiddleware", "add_api_route", "new_app"]

SERVICE_HEADER = "X-Registry-Service"
"""Names the service that answered (the route table's service name), on every response."""


class ServiceHeaderMiddleware:
    """Set :data:`SERVICE_HEADER` on every response, errors and redirects included."""

    def __init__(self, service: str) -> None:
        self._service = service

    def process_response(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        resource: object,
        req_succeeded: bool,
    ) -> None:
        resp.set_header(SERVICE_HEADER, self._service)


def new_app(
    settings: Settings,
    *,
    service: str | None = None,
    middleware: Iterable[Any] = (),
    methods_of: MethodsOf | None = None,
    metrics_extra: ExtraMetrics | None = None,
) -> falcon.App[falcon.Request, falcon.Response]:
    """A Falcon WSGI app with the house conventions installed and health routes added.

    ``service`` (a name from the route table) is announced in :data:`SERVICE_HEADER` and
    labels the request metrics served at ``/metrics`` (not under the API prefixes), with
    ``metrics_extra``'s families read at each scrape. ``methods_of`` gives the methods the
    whole API serves on a path (the route table's answer), for CORS preflights and ``Allow``;
    by default this app's own routes.
    Services add their own routes with :func:`add_api_route`.
    """
    # First in the chain, so its response hook runs even when a later hook raises.
    first = [ServiceHeaderMiddleware(service)] if service else []
    # Before raw-path routing, so redirects it answers are counted and timed too.
    metrics = MetricsMiddleware(service or "registry")
    # NUL bytes are refused before anything reads the path; CORS runs after raw-path
    # routing so preflights see the path as sent.
    cors = CorsMiddleware(settings.cors_allowed_origins, methods_of)
    app = falcon.App(
        middleware=[*first, metrics, NulByteMiddleware(), RawPathMiddleware(), cors, *middleware]
    )
    if methods_of is None:
        cors.methods_of = router_methods(app)
    install_error_handlers(app)
    app.add_route(METRICS_PATH, MetricsResource(metrics_extra))
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
