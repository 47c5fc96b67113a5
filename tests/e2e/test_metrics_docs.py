"""/metrics, /openapi.yaml and /docs of the running dev stack (gunicorn, several workers)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.http import request
from tests.support.registry_process import RunningRegistry

pytestmark = pytest.mark.e2e


def version_requests(url: str) -> float:
    reply = request(url, "GET", "/metrics")
    assert reply.status == 200
    assert (reply.header("content-type") or "").startswith("text/plain")
    return sum(
        s.value
        for family in text_string_to_metric_families(reply.body.decode())
        for s in family.samples
        if s.name == "mcp_registry_http_requests_total"
        and s.labels.get("route") == "/version"
        and s.labels.get("status") == "2xx"
    )


def test_metrics_add_up_over_every_worker(registry: RunningRegistry) -> None:
    before = version_requests(registry.url)
    for _ in range(20):
        assert request(registry.url, "GET", "/version").status == 200
    # Whichever worker answers the scrape reports all of them (multiprocess mode).
    for _ in range(4):
        assert version_requests(registry.url) == before + 20


def test_the_api_description_is_served(registry: RunningRegistry) -> None:
    document = request(registry.url, "GET", "/openapi.yaml")
    assert document.status == 200
    assert document.body.startswith(b"#") or b"openapi: 3.1" in document.body
    docs = request(registry.url, "GET", "/docs")
    assert docs.status == 200
    assert b'href="/openapi.yaml"' in docs.body
