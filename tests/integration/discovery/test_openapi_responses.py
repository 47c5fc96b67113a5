"""Real discovery responses match the OpenAPI document's schemas; /openapi.yaml and /docs."""

from __future__ import annotations

import re
from typing import Any

import yaml

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


def test_discovery_serves_the_document_as_json_too(make_discovery: MakeDiscovery) -> None:
    reply = make_discovery().client.simulate_get("/openapi.json")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.json == yaml.safe_load(openapi_document())
    # The document's own description of these two routes matches what they serve.
    check("/openapi.json", "GET", 200, JSON, reply.json)
    check("/openapi.yaml", "GET", 200, "application/yaml", reply.json)


def test_docs_page_loads_swagger_ui_from_this_registry_only(
    make_discovery: MakeDiscovery,
) -> None:
    client = make_discovery().client
    reply = client.simulate_get("/docs")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    policy = reply.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    page = reply.text
    assert '<a href="/openapi.yaml">' in page
    # No inline script: every script has a src, and every src/href is a local path.
    assert page.lower().count("<script") == page.count("<script src=")
    refs = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert refs
    assert all(ref.startswith("/") for ref in refs), refs
    for ref in refs:
        if ref.startswith("/docs/"):
            asset = client.simulate_get(ref)
            assert asset.status_code == 200, ref
            assert asset.headers["etag"]
            again = client.simulate_get(ref, headers={"If-None-Match": asset.headers["etag"]})
            assert again.status_code == 304, ref


def test_docs_assets_serve_only_their_files(make_discovery: MakeDiscovery) -> None:
    client = make_discovery().client
    assert client.simulate_get("/docs/swagger-ui-bundle.js").status_code == 200
    for name in ("index.html", "..%2Fopenapi.yaml", "swagger-editor-bundle.js"):
        assert client.simulate_get(f"/docs/{name}").status_code == 404, name


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
