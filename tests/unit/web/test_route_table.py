from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from mcp_registry.services.route_table import ROUTES, SERVICES, service_for
from mcp_registry.services.runtime.dispatch import RouteDispatcher


@pytest.mark.parametrize(
    ("method", "path", "service"),
    [
        ("GET", "/v0/servers", "discovery"),
        ("HEAD", "/v0.1/servers", "discovery"),
        ("GET", "/v0/servers/io.github.a%2Fb/versions", "discovery"),
        ("GET", "/v0/servers/io.github.a%2Fb/versions/latest", "discovery"),
        ("PUT", "/v0/servers/io.github.a%2Fb/versions/1.0.0", "publishing"),
        ("PATCH", "/v0/servers/io.github.a%2Fb/versions/1.0.0/status", "publishing"),
        ("PATCH", "/v0.1/servers/io.github.a%2Fb/status", "publishing"),
        ("POST", "/v0/publish", "publishing"),
        ("POST", "/v0/validate", "publishing"),
        ("POST", "/v0/auth/github-at", "identity"),
        ("GET", "/v0/auth/providers", "identity"),
        ("GET", "/.well-known/jwks.json", "identity"),
        ("POST", "/v0/verify-domain", "domains"),
        ("POST", "/v0/verify-domain/check", "domains"),
        ("GET", "/v0/verify-domain/example.com", "domains"),
        ("GET", "/v0/health", "discovery"),
        ("GET", "/ping", "discovery"),
    ],
)
def test_routes_go_to_their_service(method: str, path: str, service: str) -> None:
    assert service_for(method, path) == service


def test_every_route_names_a_known_service() -> None:
    assert {route.service for route in ROUTES} <= set(SERVICES)


def test_unknown_paths_have_no_service() -> None:
    assert service_for("GET", "/v0/unknown") is None
    assert service_for("GET", "/v2/servers") is None


def app_named(name: str) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [])
        return [name.encode()]

    return app


def call(dispatcher: RouteDispatcher, method: str, raw_uri: str) -> tuple[str, bytes]:
    seen: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen.append(status)

    body = b"".join(
        dispatcher(
            {"REQUEST_METHOD": method, "PATH_INFO": raw_uri, "RAW_URI": raw_uri},
            start_response,
        )
    )
    return seen[0], body


def test_dispatcher_splits_by_method_and_path() -> None:
    dispatcher = RouteDispatcher(
        {"discovery": app_named("d"), "publishing": app_named("p")}, fallback="discovery"
    )
    assert call(dispatcher, "GET", "/v0/servers/a%2Fb/versions/1") == ("200 OK", b"d")
    assert call(dispatcher, "PUT", "/v0/servers/a%2Fb/versions/1") == ("200 OK", b"p")
    assert call(dispatcher, "GET", "/v0/servers/") == ("200 OK", b"d")
    assert call(dispatcher, "GET", "/elsewhere") == ("200 OK", b"d")
    status, body = call(dispatcher, "POST", "/v0/auth/github-at")
    assert status.startswith("503")
    assert b"identity" in body
