"""CORS as the official registry sends it (plus PATCH), ``Allow`` from the route table."""

from __future__ import annotations

import falcon
import falcon.testing
import pytest

from mcp_registry.services.route_table import ROUTES, methods_for
from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.app_base import add_api_route, new_app
from mcp_registry.shared.web.cors import EXPOSED_HEADERS

PREFLIGHT = {
    "Origin": "https://browser.example",
    "Access-Control-Request-Method": "PATCH",
    "Access-Control-Request-Headers": "authorization, content-type, x-anything",
}


class Hello:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"hello": True}


def client(settings: Settings | None = None, *, table: bool = True) -> falcon.testing.TestClient:
    app = new_app(settings or Settings(), methods_of=methods_for if table else None)
    add_api_route(app, "/servers", Hello())
    add_api_route(app, "/servers/{name}/versions/{version}/status", Hello())
    return falcon.testing.TestClient(app)


def test_every_answer_allows_any_origin_without_credentials() -> None:
    c = client()
    for result in (
        c.simulate_get("/v0/servers"),
        c.simulate_get("/v0/nothing"),
        c.simulate_get("/v0/servers/"),
        c.simulate_delete("/v0/servers"),
    ):
        assert result.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in result.headers
        exposed = {h.strip() for h in result.headers["access-control-expose-headers"].split(",")}
        assert exposed == set(EXPOSED_HEADERS)


def test_a_preflight_is_204_with_the_route_table_methods_including_patch() -> None:
    result = client().simulate_options(
        "/v0/servers/io.github.a%2Fb/versions/1.0.0/status", headers=PREFLIGHT
    )
    assert result.status_code == 204
    assert result.headers["access-control-allow-methods"] == "PATCH, OPTIONS"
    assert (
        result.headers["access-control-allow-headers"]
        == PREFLIGHT["Access-Control-Request-Headers"]
    )
    assert result.headers["access-control-max-age"] == "86400"
    assert result.headers["access-control-allow-origin"] == "*"
    assert result.text == ""


def test_a_path_shared_by_services_lists_every_method_of_the_path() -> None:
    # Discovery serves GET/HEAD here and publishing PUT: each answers the same preflight.
    result = client().simulate_options(
        "/v0.1/servers/io.github.a%2Fb/versions/1.0.0", headers=PREFLIGHT
    )
    assert result.status_code == 204
    assert result.headers["access-control-allow-methods"] == "GET, HEAD, PUT, OPTIONS"


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/v0/servers", "GET, HEAD, OPTIONS"),
        ("/v0/publish", "POST, OPTIONS"),
        ("/v0/servers/a%2Fb/status", "PATCH, OPTIONS"),
        ("/v0/verify-domain", "GET, POST, OPTIONS"),
        ("/health", "GET, HEAD, OPTIONS"),
    ],
)
def test_methods_for_paths(path: str, methods: str) -> None:
    assert ", ".join(methods_for(path)) == methods


def test_every_public_route_has_a_preflight_answer() -> None:
    for route in ROUTES:
        sample = route.path.replace("{name}", "io.github.a%2Fb").replace("{version}", "1.0.0")
        sample = sample.replace("{method}", "none").replace("{domain}", "example.com")
        path = (route.prefixes[0] if route.prefixed else "") + sample
        methods = methods_for(path)
        assert set(route.methods) <= set(methods), path
        assert methods[-1] == "OPTIONS"


def test_a_preflight_for_an_unknown_path_is_a_404() -> None:
    result = client().simulate_options("/v0/nothing", headers=PREFLIGHT)
    assert result.status_code == 404


def test_a_405_lists_every_method_of_the_path_in_allow() -> None:
    result = client().simulate_delete("/v0/servers/a%2Fb/versions/1.0.0/status")
    assert result.status_code == 405
    assert result.headers["allow"] == "PATCH, OPTIONS"
    plain = client().simulate_options("/v0/servers")
    assert plain.headers["allow"] == "GET, HEAD, OPTIONS"


def test_without_the_route_table_the_app_routes_answer() -> None:
    result = client(table=False).simulate_options("/v0/servers", headers=PREFLIGHT)
    assert result.status_code == 204
    assert result.headers["access-control-allow-methods"] == "GET, OPTIONS"


def test_allowed_origins_is_a_setting() -> None:
    c = client(Settings(cors_allowed_origins=("https://app.example",)))
    listed = c.simulate_get("/v0/servers", headers={"Origin": "https://app.example"})
    assert listed.headers["access-control-allow-origin"] == "https://app.example"
    assert "Origin" in listed.headers["vary"]
    other = c.simulate_get("/v0/servers", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    assert "Origin" in other.headers["vary"]


def test_the_setting_reads_a_comma_separated_list() -> None:
    settings = Settings.from_env(
        {"MCP_REGISTRY_CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example"}
    )
    assert settings.cors_allowed_origins == ("https://a.example", "https://b.example")
    assert Settings().cors_allowed_origins == ("*",)
