"""The chart's HTTPRoute sends every route of the route table to its service.

The rendered HTTPRoute is evaluated with the Gateway API's matching rules: a match applies
when its path (Exact, or PathPrefix by whole segments) and method (when given) match; among
matches, an Exact path wins, then the longest prefix, then a method match, then rule order.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

from mcp_registry.services.route_table import PUBLIC_ROUTES, ROUTES, service_for

from .repo import FULLNAME, by_kind, load_values, objects, render
from .routing_samples import declared_requests, sample_paths

pytest.importorskip("helm_python", reason="helm-python-sdk (the Helm engine)")


def _path_matches(kind: str, value: str, path: str) -> bool:
    if kind == "Exact":
        return path == value
    assert kind == "PathPrefix", kind
    prefix = value.rstrip("/")
    return prefix == "" or path == prefix or path.startswith(prefix + "/")


REFUSED = "(no backend)"
"""What :func:`backend` answers for a rule without backends (the gateway answers itself)."""


def backend(route: dict[str, Any], method: str, path: str) -> str:
    """The backend Service the HTTPRoute picks for ``method`` on ``path`` (or :data:`REFUSED`)."""
    best: tuple[tuple[bool, int, bool, int], str] | None = None
    for index, rule in enumerate(route["spec"]["rules"]):
        matches = rule.get("matches") or [{"path": {"type": "PathPrefix", "value": "/"}}]
        for match in matches:
            kind, value = match["path"]["type"], match["path"]["value"]
            if not _path_matches(kind, value, path):
                continue
            if "method" in match and match["method"] != method:
                continue
            rank = (kind == "Exact", len(value), "method" in match, -index)
            refs = rule.get("backendRefs") or [{"name": REFUSED}]
            (ref,) = refs
            if best is None or rank > best[0]:
                best = (rank, ref["name"])
    assert best is not None, (method, path)
    return best[1]


@pytest.fixture(scope="module")
def httproute() -> dict[str, Any]:
    (route,) = by_kind(objects(render(load_values("production"))), "HTTPRoute").values()
    return route


def test_the_route_is_attached_and_within_api_limits(httproute: dict[str, Any]) -> None:
    spec = httproute["spec"]
    assert spec["parentRefs"][0]["name"] == "public-gateway"
    assert len(spec["rules"]) <= 16
    assert sum(len(rule.get("matches", [])) for rule in spec["rules"]) <= 128
    for rule in spec["rules"]:
        assert len(rule["matches"]) <= 64
        for match in rule["matches"]:
            assert match["path"]["type"] in ("Exact", "PathPrefix")  # Core support only


@pytest.mark.parametrize(("method", "path", "service"), list(declared_requests()))
def test_every_route_reaches_its_service(
    httproute: dict[str, Any], method: str, path: str, service: str
) -> None:
    expected = f"{FULLNAME}-{service}"
    assert backend(httproute, method, path) == expected
    # A gateway that decodes %2F before matching still routes the same way.
    assert backend(httproute, method, unquote(path)) == expected


def test_options_on_a_literal_path_reaches_its_owner(httproute: dict[str, Any]) -> None:
    for route in PUBLIC_ROUTES:
        if "{" in route.path:
            continue
        for path in sample_paths(route):
            expected = service_for("OPTIONS", path)
            assert backend(httproute, "OPTIONS", path) == f"{FULLNAME}-{expected}", path


def test_everything_else_falls_back_to_discovery(httproute: dict[str, Any]) -> None:
    assert backend(httproute, "GET", "/") == f"{FULLNAME}-discovery"
    assert backend(httproute, "DELETE", "/v0/servers/a%2Fb") == f"{FULLNAME}-discovery"
    assert backend(httproute, "GET", "/v0/nothing") == f"{FULLNAME}-discovery"


def test_routes_that_are_not_public_are_never_forwarded(httproute: dict[str, Any]) -> None:
    refused = [route for route in ROUTES if not route.public]
    assert refused, "the route table has no route that is not public"
    for route in refused:
        for path in sample_paths(route):
            for method in (*route.methods, "OPTIONS"):
                assert backend(httproute, method, path) == REFUSED, (method, path)
                assert backend(httproute, method, path + "/") == REFUSED, (method, path)


def test_cors_preflights_reach_a_service_and_no_filter_touches_headers(
    httproute: dict[str, Any],
) -> None:
    # Every service answers a preflight from the route table: the gateway only has to
    # forward OPTIONS on each public path somewhere, and must not rewrite the CORS headers
    # (adding HSTS at the edge is the one response-header change it may make).
    for route in PUBLIC_ROUTES:
        for path in sample_paths(route):
            assert backend(httproute, "OPTIONS", path) != REFUSED, path
    for rule in httproute["spec"]["rules"]:
        for spec in rule.get("filters") or []:
            assert spec["type"] == "ResponseHeaderModifier", rule
            modifier = spec["responseHeaderModifier"]
            touched = [h["name"] for h in (*modifier.get("set", []), *modifier.get("add", []))]
            touched += list(modifier.get("remove", []))
            assert touched == ["Strict-Transport-Security"], rule
