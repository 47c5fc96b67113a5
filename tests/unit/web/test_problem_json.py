from __future__ import annotations

import logging

import falcon
import falcon.testing
import pytest

from mcp_registry.shared.config import Settings
from mcp_registry.shared.errors import BadRequest, ErrorDetail, InvalidInput, NotFound, StorageError
from mcp_registry.shared.web.app_base import add_api_route, new_app


class Raising:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise self.error


def make_client(error: Exception) -> falcon.testing.TestClient:
    app = new_app(Settings())
    add_api_route(app, "/boom", Raising(error))
    return falcon.testing.TestClient(app)


def test_domain_errors_become_problem_json_with_the_official_shape() -> None:
    client = make_client(
        InvalidInput("Validation failed", [ErrorDetail("too short", "body.description")])
    )
    result = client.simulate_get("/v0/boom")
    assert result.status_code == 422
    assert result.headers["content-type"] == "application/problem+json"
    assert result.json == {
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "Validation failed",
        "errors": [{"message": "too short", "location": "body.description"}],
    }


def test_status_codes_follow_the_error_type() -> None:
    assert make_client(BadRequest("rule")).simulate_get("/v0/boom").status_code == 400
    assert make_client(NotFound("gone")).simulate_get("/v0.1/boom").status_code == 404


def test_unexpected_errors_hide_internals() -> None:
    result = make_client(RuntimeError("secret detail")).simulate_get("/v0/boom")
    assert result.status_code == 500
    assert result.json["title"] == "Internal Server Error"
    assert "secret" not in result.text


def test_unknown_routes_and_methods_are_problem_json() -> None:
    client = make_client(BadRequest("x"))
    missing = client.simulate_get("/v0/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json["status"] == 404
    assert missing.json["title"] == "Not Found"
    wrong_method = client.simulate_delete("/v0/boom")
    assert wrong_method.status_code == 405
    assert wrong_method.json["status"] == 405
    assert wrong_method.json["title"] == "Method Not Allowed"


def test_health_ping_and_version_answer_everywhere() -> None:
    app = new_app(Settings(github_client_id="Iv1.abc", git_commit="abc123"))
    client = falcon.testing.TestClient(app)
    for prefix in ("", "/v0", "/v0.1"):
        assert client.simulate_get(f"{prefix}/health").json == {
            "status": "ok",
            "github_client_id": "Iv1.abc",
        }
        assert client.simulate_get(f"{prefix}/ping").json == {"pong": True}
        version = client.simulate_get(f"{prefix}/version").json
        assert set(version) == {"version", "git_commit", "build_time"}
        assert version["git_commit"] == "abc123"


def test_health_omits_an_unset_client_id() -> None:
    client = falcon.testing.TestClient(new_app(Settings()))
    assert client.simulate_get("/v0/health").json == {"status": "ok"}


def test_storage_errors_hide_the_backend_message_and_name_a_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    error = StorageError("SQLite failure: malformed JSON in table server_versions")
    with caplog.at_level(logging.ERROR):
        result = make_client(error).simulate_get("/v0/boom")
    assert result.status_code == 500
    assert "SQLite" not in result.text
    assert "server_versions" not in result.text
    request_id = result.headers["x-request-id"]
    assert request_id in result.json["detail"]
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged
    assert "malformed JSON" in logged[0].getMessage()
