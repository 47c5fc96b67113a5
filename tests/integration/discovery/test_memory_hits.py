"""Which requests the discovery app can answer from memory (the server runs those inline)."""

from __future__ import annotations

from typing import Any

import falcon

from mcp_registry.services.discovery.wsgi import MemoryAwareApp, memory_hits
from mcp_registry.services.runtime.dispatch import RouteDispatcher
from tests.support.discovery import MakeDiscovery


def environ(method: str, raw_path: str, query: str = "") -> dict[str, Any]:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": raw_path.replace("%2F", "/"),
        "RAW_URI": raw_path + ("?" + query if query else ""),
        "QUERY_STRING": query,
    }


def test_a_read_counts_as_a_memory_hit_once_the_cache_holds_it(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    d.publish("io.github.a/one", "1.0.0")
    check = memory_hits(d.cache)
    detail = "/v0/servers/io.github.a%2Fone/versions/latest"
    assert not check(environ("GET", detail))
    assert d.client.simulate_get(detail).status_code == 200
    assert check(environ("GET", detail))
    assert check(environ("HEAD", detail))
    assert not check(environ("POST", detail))
    assert not check(environ("GET", "/v0/servers", "limit=5"))
    d.client.simulate_get("/v0/servers", query_string="limit=5")
    assert check(environ("GET", "/v0/servers", "limit=5"))
    assert not check(environ("GET", "/v0/servers", "limit=6"))

    app: falcon.App[falcon.Request, falcon.Response] = falcon.App()
    wrapped = MemoryAwareApp(app, check)
    wrapped.add_route("/probe", object())  # reaches the falcon app
    composed = RouteDispatcher({"discovery": wrapped, "publishing": app}, fallback="discovery")
    assert composed.serves_from_memory(environ("GET", detail))
    assert not composed.serves_from_memory(environ("GET", "/v0/servers", "limit=7"))
