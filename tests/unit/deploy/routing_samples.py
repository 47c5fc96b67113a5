"""Concrete requests for every public route of the route table, names URL-encoded like clients
send (routes that are not public are refused by the ingress: see test_refused_routes)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mcp_registry.services.route_table import PUBLIC_ROUTES, Route

SAMPLE_PARAMS = {
    "name": "io.github.alice%2Fweather",
    "version": "1.0.2",
    "method": "github-oidc",
    "domain": "example.com",
}


def sample_paths(route: Route) -> list[str]:
    """One concrete raw path per prefix of ``route``."""
    body = re.sub(r"\{([^/]+?)\}", lambda m: SAMPLE_PARAMS.get(m.group(1), "sample-1"), route.path)
    prefixes = route.prefixes
    return [prefix + body for prefix in prefixes]


def declared_requests() -> Iterator[tuple[str, str, str]]:
    """``(method, raw path, expected service)`` for every public route, method and prefix."""
    for route in PUBLIC_ROUTES:
        for path in sample_paths(route):
            for method in route.methods:
                yield method, path, route.service


def all_paths() -> list[str]:
    """Every sample path of the public routes, deduplicated in table order."""
    return list(dict.fromkeys(p for route in PUBLIC_ROUTES for p in sample_paths(route)))
