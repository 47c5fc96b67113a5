"""Every response names the service that answered it, the route table's name for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import falcon
import falcon.testing
import pytest

from mcp_registry.services.route_table import ROUTES, SERVICES
from mcp_registry.services.runtime.apps import build_composed
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.config import Settings
from mcp_registry.shared.errors import NotFound
from mcp_registry.shared.web.app_base import SERVICE_HEADER, add_api_route, new_app
from tests.support.http import request
from tests.support.wsgi_server import served
from tests.unit.deploy.routing_samples import declared_requests

JWT_SEED = "0" * 64


class Resource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise NotFound("nothing here")

    def on_put(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise RuntimeError("unexpected")


def client(service: str | None) -> falcon.testing.TestClient:
    app = new_app(Settings(), service=service)
    add_api_route(app, "/thing", Resource())
    return falcon.testing.TestClient(app)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v0/thing", 200),
        ("GET", "/v0/health", 200),
        ("POST", "/v0/thing", 404),  # a registry error as problem+json
        ("PUT", "/v0/thing", 500),  # an unexpected exception
        ("DELETE", "/v0/thing", 405),
        ("GET", "/v0/elsewhere", 404),
        ("GET", "/v0/thing/", 308),  # raised by the raw-path middleware's request hook
    ],
)
def test_the_header_is_on_every_kind_of_response(method: str, path: str, status: int) -> None:
    result = client("publishing").simulate_request(method, path)
    assert result.status_code == status
    assert result.headers[SERVICE_HEADER] == "publishing"


def test_no_header_without_a_service_name() -> None:
    assert SERVICE_HEADER not in client(None).simulate_get("/v0/thing").headers


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("composed")
    settings = Settings(
        data_dir=str(tmp / "data"),
        database_url=f"sqlite:///{tmp / 'registry.db'}",
        jwt_private_key=JWT_SEED,
        enable_registry_validation=False,
    )
    deps = ProcessDeps(settings)
    try:
        with served(build_composed(deps)) as url:
            yield url
    finally:
        deps.close()


@pytest.mark.parametrize(("method", "path", "service"), list(declared_requests()))
def test_the_composition_names_the_route_tables_service(
    composed: str, method: str, path: str, service: str
) -> None:
    reply = request(composed, method, path, headers={"Content-Type": "application/json"})
    assert reply.header(SERVICE_HEADER) == service, (method, path, reply.status)


def test_every_service_is_named_somewhere() -> None:
    assert {route.service for route in ROUTES} == set(SERVICES)
