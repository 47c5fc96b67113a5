"""The unified API's route table, defined once (DESIGN §3).

Which service answers which (method, path). The single-process dev composition dispatches
with it; the compose ingress and the Helm routing are generated from it or tested against it.
Paths use ``{param}`` placeholders, one path segment each (names travel URL-encoded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from mcp_registry.shared.extensions import (
    CHANGES_EXTENSION,
    EXTENSION_NAMESPACE,
    REPORTS_EXTENSION,
    WEBHOOKS_EXTENSION,
    extension_path,
)
from mcp_registry.shared.web.app_base import API_PREFIXES
from mcp_registry.shared.web.cors import canonical_order

DISCOVERY = "discovery"
PUBLISHING = "publishing"
IDENTITY = "identity"
DOMAINS = "domains"
SERVICES: tuple[str, ...] = (DISCOVERY, PUBLISHING, IDENTITY, DOMAINS)

READ = ("GET", "HEAD")

EXTENSION_PREFIX = f"/x/{EXTENSION_NAMESPACE}"  # our extensions, below an API prefix


@dataclass(frozen=True)
class Route:
    """``methods`` on ``path`` go to ``service``; ``prefixed`` routes exist under every prefix,
    or only under ``only_prefix`` when that is set (extensions of one API version).

    A route that is not ``public`` is answered by the services to whoever reaches them
    directly (scrapers, probes) and by the dev composition, but the ingress generated from
    this table refuses it, and the OpenAPI document leaves it out.
    """

    methods: tuple[str, ...]
    path: str
    service: str
    prefixed: bool = True
    public: bool = True
    only_prefix: str | None = None

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The prefixes this route exists under (``("",)`` for an unprefixed route)."""
        if not self.prefixed:
            return ("",)
        return (self.only_prefix,) if self.only_prefix is not None else API_PREFIXES

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """Regexes matching the raw request paths this route covers."""
        body = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.path))
        return tuple(re.compile(f"^{re.escape(p)}{body}$") for p in self.prefixes)

    def matches(self, method: str, path: str) -> bool:
        """True when this route serves ``method`` on the raw ``path``."""
        if method not in self.methods and not (method == "OPTIONS" and self.methods):
            return False
        return any(p.match(path) for p in self.patterns)


ROUTES: tuple[Route, ...] = (
    # discovery: public reads
    Route(READ, "/servers", DISCOVERY),
    Route(READ, "/servers/{name}/versions", DISCOVERY),
    Route(READ, "/servers/{name}/versions/{version}", DISCOVERY),
    # publishing: authenticated writes
    Route(("PUT",), "/servers/{name}/versions/{version}", PUBLISHING),
    Route(("PATCH",), "/servers/{name}/versions/{version}/status", PUBLISHING),
    Route(("PATCH",), "/servers/{name}/status", PUBLISHING),
    Route(("POST",), "/publish", PUBLISHING),
    Route(("POST",), "/validate", PUBLISHING),
    # publishing: moderation (namespace blocks, abuse reports, the audit log)
    Route(("GET",), "/admin/namespaces", PUBLISHING),
    Route(("POST", "DELETE"), "/admin/namespaces/{pattern}/block", PUBLISHING),
    Route(("POST",), extension_path(REPORTS_EXTENSION), PUBLISHING, only_prefix="/v0.1"),
    Route(("GET",), "/admin/reports", PUBLISHING),
    Route(("POST",), "/admin/reports/{id}/resolve", PUBLISHING),
    Route(("GET",), "/admin/audit", PUBLISHING),
    # extensions (our namespace), of the current API version only
    Route(READ, extension_path(CHANGES_EXTENSION), DISCOVERY, only_prefix="/v0.1"),
    Route(("POST", "GET"), extension_path(WEBHOOKS_EXTENSION), PUBLISHING, only_prefix="/v0.1"),
    Route(
        ("DELETE",), extension_path(WEBHOOKS_EXTENSION) + "/{id}", PUBLISHING, only_prefix="/v0.1"
    ),
    Route(
        ("GET",),
        extension_path(WEBHOOKS_EXTENSION) + "/{id}/deliveries",
        PUBLISHING,
        only_prefix="/v0.1",
    ),
    # identity: token exchange
    Route(("POST",), "/auth/revoke", IDENTITY),
    Route(("POST",), "/auth/{method}", IDENTITY),
    Route(("GET",), "/auth/providers", IDENTITY),
    Route(("GET",), "/.well-known/jwks.json", IDENTITY, prefixed=False),
    # domains: verification
    Route(("POST", "GET"), "/verify-domain", DOMAINS),
    Route(("POST",), "/verify-domain/check", DOMAINS),
    Route(("GET",), "/verify-domain/{domain}", DOMAINS),
    Route(("GET",), "/admin/domains", DOMAINS),
    Route(("GET",), "/admin/domains/{domain}", DOMAINS),
    Route(("POST",), "/admin/domains/{domain}/revoke", DOMAINS),
    Route(("POST",), "/admin/domains/{domain}/restore", DOMAINS),
    # every service answers these; the ingress sends them to discovery
    Route(READ, "/health", DISCOVERY),
    Route(READ, "/ping", DISCOVERY),
    Route(READ, "/version", DISCOVERY),
    Route(READ, "/health", DISCOVERY, prefixed=False),
    Route(READ, "/ping", DISCOVERY, prefixed=False),
    Route(READ, "/version", DISCOVERY, prefixed=False),
    # the unified API described: OpenAPI document and an interactive reference
    Route(READ, "/openapi.yaml", DISCOVERY, prefixed=False),
    Route(READ, "/openapi.json", DISCOVERY, prefixed=False),
    Route(READ, "/docs", DISCOVERY, prefixed=False),
    Route(READ, "/docs/{file}", DISCOVERY, prefixed=False),
    # the browse UI: server list, one page per server, its stylesheet and script
    Route(READ, "/", DISCOVERY, prefixed=False),
    Route(READ, "/servers/{name}", DISCOVERY, prefixed=False),
    Route(READ, "/static/{file}", DISCOVERY, prefixed=False),
    # every service answers; scraped from each service directly, never through the ingress
    Route(READ, "/metrics", DISCOVERY, prefixed=False, public=False),
    # Readiness for probes: tells the world which dependency is down, so not public either.
    Route(READ, "/ready", DISCOVERY, prefixed=False, public=False),
)

PUBLIC_ROUTES: tuple[Route, ...] = tuple(route for route in ROUTES if route.public)
"""The routes the ingress forwards and the OpenAPI document describes."""


def service_for(method: str, path: str, routes: tuple[Route, ...] = ROUTES) -> str | None:
    """The service answering ``method`` on the raw ``path``, or None when no route matches.

    A path that exists with other methods resolves to the service owning the path's first
    route, so that service can answer 405 with its own ``Allow`` header.
    """
    for route in routes:
        if route.matches(method, path):
            return route.service
    for route in routes:
        if any(p.match(path) for p in route.patterns):
            return route.service
    return None


def methods_for(path: str, routes: tuple[Route, ...] = ROUTES) -> tuple[str, ...]:
    """Every method the unified API serves on the raw ``path``, across services, plus OPTIONS.

    Empty when no route covers the path. Where templates overlap, the one with fewer
    parameters wins, as in the services' routers (``/auth/providers`` is not
    ``/auth/{method}``). Every service answers CORS preflights and ``Allow`` with this, so the
    answer does not depend on which service the ingress picked.
    """
    matching = [route for route in routes if any(p.match(path) for p in route.patterns)]
    if not matching:
        return ()
    fewest = min(route.path.count("{") for route in matching)
    methods = [m for route in matching if route.path.count("{") == fewest for m in route.methods]
    return canonical_order((*methods, "OPTIONS"))
