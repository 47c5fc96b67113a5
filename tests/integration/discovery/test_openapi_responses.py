"""Real discovery responses match the OpenAPI document's schemas; /openapi.yaml and /docs."""

from __future__ import annotations

import re
from typing import Any

from mcp_registry.services.route_table import PUBLIC_ROUTES, ROUTES
from mcp_registry.shared.web.openapi import openapi_document
from tests.support.discovery import MakeDiscovery
from tests.support.openapi import response_validator

JSON = "application/json"
PROBLEM = "application/problem+json"
NAME = "io.github.alice/weather"
ENCODED = "io.github.alice%2Fweather"


def check(path: str, method: str, status: int, media: str, body: Any) -> None:
    errors = list(response_validator(path, method, status, media).iter_errors(body))
    assert not errors, [e.message for e in errors]


def test_list_item_and_problem_bodies_match_the_document(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0")
    d.publish(NAME, "1.1.0")
    d.publish("io.github.bob/maps", "0.1.0")

    page = d.client.simulate_get("/v0/servers", params={"limit": "1"})
    assert page.status_code == 200
    assert "nextCursor" in page.json["metadata"]
    check("/v0/servers", "GET", 200, JSON, page.json)
    last = d.client.simulate_get(
        "/v0.1/servers", params={"cursor": page.json["metadata"]["nextCursor"]}
    )
    check("/v0.1/servers", "GET", 200, JSON, last.json)

    versions = d.client.simulate_get(f"/v0/servers/{ENCODED}/versions")
    assert versions.status_code == 200
    check("/v0/servers/{name}/versions", "GET", 200, JSON, versions.json)

    item = d.client.simulate_get(f"/v0/servers/{ENCODED}/versions/latest")
    assert item.status_code == 200
    check("/v0/servers/{name}/versions/{version}", "GET", 200, JSON, item.json)

    missing = d.client.simulate_get(f"/v0/servers/{ENCODED}/versions/9.9.9")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    check("/v0/servers/{name}/versions/{version}", "GET", 404, PROBLEM, missing.json)

    bad = d.client.simulate_get("/v0/servers", params={"limit": "0"})
    assert bad.status_code == 422
    assert bad.json.get("errors"), bad.json
    check("/v0/servers", "GET", 422, PROBLEM, bad.json)


def test_a_deprecated_item_with_a_message_matches_too(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0", status="deprecated", status_message="use 2.x")
    item = d.client.simulate_get(f"/v0/servers/{ENCODED}/versions/1.0.0")
    assert item.status_code == 200, item.text
    check("/v0/servers/{name}/versions/{version}", "GET", 200, JSON, item.json)


def test_discovery_serves_the_document(make_discovery: MakeDiscovery) -> None:
    reply = make_discovery().client.simulate_get("/openapi.yaml")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/yaml"
    assert reply.content == openapi_document()


def test_docs_page_is_self_contained_and_lists_the_public_routes(
    make_discovery: MakeDiscovery,
) -> None:
    reply = make_discovery().client.simulate_get("/docs")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in reply.headers["content-security-policy"]
    page = reply.text
    assert '<a href="/openapi.yaml">' in page
    assert "<script" not in page.lower()
    # Nothing is loaded from elsewhere: every src/href is a local path.
    assert all(ref.startswith("/") for ref in re.findall(r'(?:src|href)="([^"]*)"', page))
    for route in PUBLIC_ROUTES:
        assert f"<code>{route.path}</code>" in page, route.path
    for route in ROUTES:
        if not route.public:
            assert f"<code>{route.path}</code>" not in page, route.path


def test_the_schemas_do_refuse_wrong_shapes(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0")
    body = d.client.simulate_get(f"/v0/servers/{ENCODED}/versions/1.0.0").json
    official = body["_meta"]["io.modelcontextprotocol.registry/official"]
    validator = response_validator("/v0/servers/{name}/versions/{version}", "GET", 200, JSON)
    del official["isLatest"]
    assert not validator.is_valid(body)
    official["isLatest"] = True
    official["publishedAt"] = "yesterday"
    assert not validator.is_valid(body)
    problem = response_validator("/v0/servers", "GET", 422, PROBLEM)
    assert not problem.is_valid({"title": "Bad", "status": 422})
