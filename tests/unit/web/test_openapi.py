"""The OpenAPI document describes exactly the public routes of the route table, validly."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import falcon.testing
from openapi_spec_validator import validate

from mcp_registry.services.route_table import PUBLIC_ROUTES, ROUTES
from mcp_registry.shared.web.openapi import OpenApiResource, openapi_document
from tests.support.openapi import document, operations, path_item


def table_paths() -> dict[str, dict[str, str]]:
    """``{path: {METHOD: service}}`` of every public route under each of its prefixes."""
    paths: dict[str, dict[str, str]] = defaultdict(dict)
    for route in PUBLIC_ROUTES:
        for prefix in route.prefixes:
            for method in route.methods:
                paths[prefix + route.path][method] = route.service
    return dict(paths)


def test_it_is_a_valid_openapi_3_1_document() -> None:
    assert document()["openapi"].startswith("3.1.")
    validate(document())


def test_paths_and_methods_equal_the_public_routes() -> None:
    # Plus OPTIONS everywhere: every service answers CORS preflights for every path.
    expected = table_paths()
    documented = {path: set(operations(path)) for path in document()["paths"]}
    assert documented == {path: {*methods, "OPTIONS"} for path, methods in expected.items()}


def test_every_path_documents_its_cors_preflight() -> None:
    for path in document()["paths"]:
        preflight = operations(path)["OPTIONS"]
        assert preflight["x-registry-service"] == "any"
        assert "204" in preflight["responses"], path


def test_each_operation_names_the_service_the_route_table_sends_it_to() -> None:
    for path, methods in table_paths().items():
        ops = operations(path)
        for method, service in methods.items():
            assert ops[method]["x-registry-service"] == service, (method, path)


def test_routes_that_are_not_public_are_left_out() -> None:
    hidden = [route.path for route in ROUTES if not route.public]
    assert hidden
    assert not set(hidden) & set(document()["paths"])


def test_path_parameters_are_declared() -> None:
    for path in document()["paths"]:
        wanted = {seg[1:-1] for seg in path.split("/") if seg.startswith("{")}
        shared = parameter_names(path_item(path))
        for method, operation in operations(path).items():
            assert wanted <= shared | parameter_names(operation), (method, path)


def parameter_names(holder: dict[str, Any]) -> set[str]:
    """Names of the path parameters a path item or operation declares (``$ref`` resolved)."""
    names: set[str] = set()
    for param in holder.get("parameters") or []:
        ref = param.get("$ref")
        if isinstance(ref, str):
            param = document()["components"]["parameters"][ref.rsplit("/", 1)[-1]]
        if param["in"] == "path":
            names.add(param["name"])
    return names


def test_the_document_is_packaged_and_served() -> None:
    app = falcon.App()
    app.add_route("/openapi.yaml", OpenApiResource())
    reply = falcon.testing.TestClient(app).simulate_get("/openapi.yaml")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/yaml"
    assert reply.content == openapi_document()
