"""Discovery's metrics: response-cache hits and misses, requests by route template."""

from __future__ import annotations

from prometheus_client import REGISTRY

from tests.support.discovery import MakeDiscovery

LOOKUPS = "mcp_registry_response_cache_lookups_total"
REQUESTS = "mcp_registry_http_requests_total"


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_cache_hits_and_misses_are_counted(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish("io.github.alice/weather", "1.0.0")
    hits, misses = value(LOOKUPS, result="hit"), value(LOOKUPS, result="miss")
    for _ in range(3):
        assert d.client.simulate_get("/v0/servers").status_code == 200
    assert (d.cache.hits, d.cache.misses) == (2, 1)
    assert value(LOOKUPS, result="hit") == hits + 2
    assert value(LOOKUPS, result="miss") == misses + 1
    scraped = d.client.simulate_get("/metrics").text
    assert 'mcp_registry_response_cache_lookups_total{result="hit"}' in scraped


def test_requests_are_labelled_by_template_not_by_name(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    template = {
        "service": "discovery",
        "method": "GET",
        "route": "/v0/servers/{name}/versions/{version}",
        "status": "4xx",
    }
    before = value(REQUESTS, **template)
    for name in ("io.github.a%2Fone", "io.github.b%2Ftwo"):
        assert d.client.simulate_get(f"/v0/servers/{name}/versions/1.0.0").status_code == 404
    assert value(REQUESTS, **template) == before + 2
    assert "io.github.a" not in d.client.simulate_get("/metrics").text
