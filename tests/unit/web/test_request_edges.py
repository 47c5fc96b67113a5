"""Status codes of the official registry at the request's edge: NUL bytes, HEAD on health
routes, unknown unprefixed paths."""

from __future__ import annotations

import falcon.testing
import pytest

from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.app_base import new_app


@pytest.fixture
def client() -> falcon.testing.TestClient:
    return falcon.testing.TestClient(new_app(Settings()))


@pytest.mark.parametrize("path", ["/v0/health%00", "/v0/ping\x00"])
def test_a_nul_byte_in_the_path_is_a_400(client: falcon.testing.TestClient, path: str) -> None:
    result = client.simulate_get(path)
    assert result.status_code == 400
    assert result.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("query", ["search=a%00b", "x%00=1"])
def test_a_nul_byte_in_the_query_is_a_400(client: falcon.testing.TestClient, query: str) -> None:
    result = client.simulate_get("/v0/health", query_string=query)
    assert result.status_code == 400
    assert result.json["errors"][0]["location"] == "query"


@pytest.mark.parametrize("path", ["/health", "/v0/ping", "/v0.1/version"])
def test_head_on_health_routes_is_200(client: falcon.testing.TestClient, path: str) -> None:
    result = client.simulate_head(path)
    assert result.status_code == 200
    assert result.text == ""


def test_an_unprefixed_unknown_path_suggests_the_prefixed_ones(
    client: falcon.testing.TestClient,
) -> None:
    result = client.simulate_get("/servers")
    assert result.status_code == 404
    assert "'/v0.1/servers'" in result.json["detail"]
    assert "'/v0/servers'" in result.json["detail"]
    prefixed = client.simulate_get("/v0/nothing")
    assert prefixed.status_code == 404
    assert "Did you mean" not in prefixed.json["detail"]
