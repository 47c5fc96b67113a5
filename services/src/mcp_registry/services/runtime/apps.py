"""The composition root: each service's app over one process's dependencies, by name.

The only module that imports every service (ordinary imports; the services never import it
back). ``mcp-registry serve`` and ``dev`` build their WSGI apps here; tests build single services
with each service's ``create_app`` and dependencies of their own instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mcp_registry.services.discovery import wsgi as discovery_wsgi
from mcp_registry.services.domains import wsgi as domains_wsgi
from mcp_registry.services.identity import wsgi as identity_wsgi
from mcp_registry.services.publishing import wsgi as publishing_wsgi
from mcp_registry.services.rate_limit_rules import address_rules
from mcp_registry.services.route_table import (
    DISCOVERY,
    DOMAINS,
    IDENTITY,
    PUBLISHING,
    SERVICES,
)
from mcp_registry.services.runtime.dispatch import RouteDispatcher, WSGIApp
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.rate_limits import Limiter
from mcp_registry.shared.web.client_address import ClientAddress, parse_networks
from mcp_registry.shared.web.health import ReadinessCheck, ReadinessResource
from mcp_registry.shared.web.rate_limiting import RateLimitMiddleware

BUILDERS: dict[str, Callable[[ProcessDeps], WSGIApp]] = {
    DISCOVERY: discovery_wsgi.build,
    PUBLISHING: publishing_wsgi.build,
    IDENTITY: identity_wsgi.build,
    DOMAINS: domains_wsgi.build,
}
"""Every service by name; a composition of some of them answers 503 for the others' routes."""


def available_services() -> tuple[str, ...]:
    return tuple(name for name in SERVICES if name in BUILDERS)


def build_service(name: str, deps: ProcessDeps) -> WSGIApp:
    """The WSGI app of one service."""
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise ValueError(
            f"unknown service {name!r}; available: {', '.join(available_services())}"
        ) from None
    app = builder(deps)
    # Falcon apps, and wrappers of one (discovery's memory-aware app), take the probe route.
    add_route = getattr(app, "add_route", None)
    if add_route is not None:
        add_route(READY_PATH, ReadinessResource(readiness_checks(deps)))
    add_middleware = getattr(app, "add_middleware", None)
    rules = address_rules(deps.settings)
    if rules and add_middleware is not None:
        # Counted in the database: the limits hold across workers and replicas.
        addresses = ClientAddress(parse_networks(deps.settings.trusted_proxies))
        add_middleware(RateLimitMiddleware(rules, Limiter(deps.rate_counters), addresses))
    return app


READY_PATH = "/ready"
"""Readiness probe of every service process (not part of the public API)."""


def readiness_checks(deps: ProcessDeps) -> dict[str, ReadinessCheck]:
    """The store answers, and NATS is connected when one is configured."""

    def database() -> object:
        return deps.store.change_seq()

    checks: dict[str, ReadinessCheck] = {"database": database}
    if deps.settings.nats_url:

        def nats() -> object:
            bridge = deps.bridge
            if bridge is None or not bridge.connected:
                raise ConnectionError("not connected to NATS")
            return None

        checks["nats"] = nats
    return checks


def build_composed(deps: ProcessDeps, services: Iterable[str] | None = None) -> WSGIApp:
    """Every (or the named) service behind the route table, as one WSGI app."""
    names = tuple(services) if services is not None else available_services()
    apps = {name: build_service(name, deps) for name in names}
    return RouteDispatcher(apps, fallback=DISCOVERY)
