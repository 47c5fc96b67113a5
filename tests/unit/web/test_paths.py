from __future__ import annotations

import falcon
import falcon.testing

from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.app_base import add_api_route, new_app
from mcp_registry.shared.web.paths import path_param


class Echo:
    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        resp.media = {"name": path_param(name)}


def client() -> falcon.testing.TestClient:
    app = new_app(Settings())
    add_api_route(app, "/servers/{name}/versions", Echo())
    return falcon.testing.TestClient(app)


def test_encoded_slash_stays_inside_one_parameter() -> None:
    result = client().simulate_get("/v0/servers/io.github.alice%2Fweather/versions")
    assert result.status_code == 200
    assert result.json == {"name": "io.github.alice/weather"}


def test_lowercase_escape_is_accepted_too() -> None:
    result = client().simulate_get("/v0.1/servers/com.example%2fx/versions")
    assert result.json == {"name": "com.example/x"}


def test_trailing_slash_redirects_permanently_keeping_the_query() -> None:
    result = client().simulate_get("/v0/servers/a%2Fb/versions/", query_string="x=1")
    assert result.status_code == 308
    assert result.headers["location"] == "/v0/servers/a%2Fb/versions?x=1"
