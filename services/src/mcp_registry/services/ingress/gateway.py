"""Gateway API ``HTTPRoute`` rules generated from the route table (DESIGN §3).

Only Core path match types (``Exact``, ``PathPrefix``) plus the Extended ``method`` match are
used, so any conformant Gateway implementation routes the same way. A route without
parameters becomes an ``Exact`` match; a route with parameters becomes a ``PathPrefix`` of its
literal head (``/v0/servers/{name}/versions`` → ``/v0/servers``). Gateway API precedence
(exact before longer prefixes before method matches) keeps the result equal to the route
table for every method a route declares: a prefix shared by several services is always
disambiguated by method. Prefix matches also survive a gateway that decodes ``%2F``.

Each path whose literal match belongs to one service also gets a method-less match for that
service, so OPTIONS and unsupported methods reach the owner (which answers 405). Everything
else falls through to the chart's final catch-all rule (the fallback service).

Routes that are not public (per-service ``/metrics``) get a rule without ``backendRefs``: the
gateway answers them itself (conformant implementations with 500) and never forwards them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mcp_registry.services.route_table import DISCOVERY, ROUTES, SERVICES, Route

PathMatch = tuple[str, str]
"""``(type, value)``: ``("Exact", "/v0/publish")`` or ``("PathPrefix", "/v0/servers")``."""


def path_matches(route: Route) -> list[PathMatch]:
    """The Gateway API path matches covering ``route`` under each of its prefixes."""
    head, brace, _ = route.path.partition("{")
    kind = "PathPrefix" if brace else "Exact"
    literal = head.rstrip("/") if brace else route.path
    prefixes = route.prefixes
    return [(kind, prefix + literal) for prefix in prefixes]


def _owners(routes: tuple[Route, ...]) -> dict[PathMatch, set[str]]:
    owners: dict[PathMatch, set[str]] = {}
    for route in routes:
        for match in path_matches(route):
            owners.setdefault(match, set()).add(route.service)
    return owners


def rules(routes: Iterable[Route] = ROUTES, *, fallback: str = DISCOVERY) -> dict[str, Any]:
    """``{"fallback", "rules": [{"service", "matches": [...]}], "refused": [...]}``.

    One rule per service; each match is ``{"path": {"type", "value"}, "method"?}`` in the
    Gateway API's shape. ``refused`` holds ``PathPrefix`` matches of the routes that are not
    public: the chart gives them a rule without backends, so the gateway never forwards them.
    """
    everything = tuple(routes)
    table = tuple(route for route in everything if route.public)
    owners = _owners(table)
    by_service: dict[str, list[dict[str, Any]]] = {service: [] for service in SERVICES}
    seen: set[tuple[str, str, str]] = set()

    def add(service: str, match: PathMatch, method: str) -> None:
        key = (*match, method)
        if key in seen:
            return
        seen.add(key)
        entry: dict[str, Any] = {"path": {"type": match[0], "value": match[1]}}
        if method:
            entry["method"] = method
        by_service[service].append(entry)

    for route in table:
        for match in path_matches(route):
            for method in route.methods:
                add(route.service, match, method)
    for route in table:
        for match in path_matches(route):
            if owners[match] == {route.service} and route.service != fallback:
                add(route.service, match, "")
    return {
        "fallback": fallback,
        "rules": [
            {"service": service, "matches": matches}
            for service, matches in by_service.items()
            if matches
        ],
        "refused": [
            {"path": {"type": "PathPrefix", "value": value}}
            for route in everything
            if not route.public
            for _, value in path_matches(route)
        ],
    }
