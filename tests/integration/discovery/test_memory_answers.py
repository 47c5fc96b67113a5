"""Cache hits answered from memory are exactly what the falcon app answers for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import falcon.testing
import pytest
from prometheus_client import REGISTRY

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.http_cache import ResponseCache, cache_control
from mcp_registry.services.discovery.memory_answers import MemoryAnswers
from mcp_registry.services.discovery.wsgi import MemoryAwareApp
from mcp_registry.services.route_table import DISCOVERY
from mcp_registry.services.runtime.dispatch import RouteDispatcher
from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.cors import CorsPolicy
from mcp_registry.shared.web.memory_answer import RawAnswer
from tests.support.discovery import Discovery, MakeDiscovery

DETAIL = "/v0/servers/io.github.a%2Fone/versions/latest"
VERSIONS = "/v0.1/servers/io.github.a%2Fone/versions"
TIME_HEADER = "x-accel-expires"

Answerer = Callable[[str, str, str, dict[str, str]], RawAnswer | None]


def build(
    d: Discovery, settings: Settings
) -> tuple[falcon.App[falcon.Request, falcon.Response], MemoryAnswers]:
    """A discovery app over ``d``'s store and memory answers over its cache."""
    cache = ResponseCache(64)
    app = create_app(settings, store=d.store, cache=cache, clock=d.app_clock)
    answers = MemoryAnswers(
        cache,
        d.store,
        cache_control=cache_control(settings),
        cors=CorsPolicy(settings.cors_allowed_origins),
        service=DISCOVERY,
        clock=d.app_clock,
    )
    return app, answers


def pair(d: Discovery, settings: Settings) -> tuple[falcon.testing.TestClient, Answerer]:
    """A falcon app and its memory answers over ``d``'s store, sharing one cache."""
    app, answers = build(d, settings)

    def ask(method: str, path: str, query: str, headers: dict[str, str]) -> RawAnswer | None:
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        return answers(method, path, query, raw)

    return falcon.testing.TestClient(app), ask


def seeded(make_discovery: MakeDiscovery) -> Discovery:
    d = make_discovery()
    d.publish("io.github.a/one", "1.0.0", description='é\u2028 "quoted" ' + "x" * 900)
    d.publish("io.github.a/one", "1.1.0")
    for i in range(30):
        d.publish(f"io.github.b/server-{i:02d}", "2.0.0", description="a server " * 20)
    return d


def through_falcon(
    client: falcon.testing.TestClient, method: str, path: str, query: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    result = client.simulate_request(method, path, query_string=query or None, headers=headers)
    return result.status_code, {k.lower(): v for k, v in result.headers.items()}, result.content


def from_memory(found: RawAnswer | None) -> tuple[int, dict[str, str], bytes]:
    assert found is not None, "the memory path did not answer a held response"
    status, headers, body = found
    names = [k for k, _ in headers]
    assert len(names) == len(set(names)), "a header was sent twice"
    return status, {k.decode(): v.decode() for k, v in headers}, body


def same(falcon_side: tuple[int, dict[str, str], bytes], memory_side: RawAnswer | None) -> None:
    status, headers, body = from_memory(memory_side)
    f_status, f_headers, f_body = falcon_side
    # The nginx validity names the current second: both sides were answered within one.
    f_time, m_time = f_headers.pop(TIME_HEADER), headers.pop(TIME_HEADER)
    assert f_time.startswith("@")
    assert m_time.startswith("@")
    assert abs(int(f_time[1:]) - int(m_time[1:])) <= 1
    assert (status, headers, body) == (f_status, f_headers, f_body)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/v0/servers", "limit=5"),
        ("/v0/servers", "limit=100&version=latest"),
        ("/v0.1/servers", "search=server-1&limit=3"),
        (DETAIL, ""),
        ("/v0/servers/io.github.a%2Fone/versions/1.0.0", ""),
        (VERSIONS, ""),
    ],
)
def test_every_representation_and_condition_matches_the_app(
    make_discovery: MakeDiscovery, path: str, query: str
) -> None:
    d = seeded(make_discovery)
    for settings in (Settings(), Settings(cors_allowed_origins=("https://app.example",))):
        client, ask = pair(d, settings)
        assert ask("GET", path, query, {}) is None  # nothing held yet
        first = client.simulate_get(path, query_string=query or None)
        assert first.status_code == 200
        gz_tag = client.simulate_get(
            path, query_string=query or None, headers={"Accept-Encoding": "gzip"}
        ).headers["etag"]
        d.app_clock.now += timedelta(seconds=2)  # the dates are reliable validators now
        cases: list[dict[str, str]] = [
            {},
            {"Accept-Encoding": "gzip"},
            {"Accept-Encoding": "br;q=1, gzip;q=0.5"},
            {"Accept-Encoding": "gzip;q=0"},
            {"If-None-Match": first.headers["etag"]},
            {"If-None-Match": f'W/{gz_tag}, "other"', "Accept-Encoding": "gzip"},
            {"If-None-Match": gz_tag},  # the gzip tag does not validate identity
            {"If-Modified-Since": first.headers.get("last-modified", "")},
            {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
            {"Origin": "https://app.example"},
            {"Origin": "https://elsewhere.example", "Accept-Encoding": "br"},
        ]
        for headers in cases:
            for method in ("GET", "HEAD"):
                memory = ask(method, path, query, headers)
                same(through_falcon(client, method, path, query, headers), memory)


def test_a_stale_entry_is_left_to_the_app_and_reads_stay_fresh(
    make_discovery: MakeDiscovery,
) -> None:
    d = seeded(make_discovery)
    client, ask = pair(d, Settings())
    client.simulate_get(DETAIL)
    client.simulate_get("/v0/servers", query_string="limit=5")
    assert ask("GET", DETAIL, "", {}) is not None

    d.publish("io.github.a/one", "1.2.0")
    assert ask("GET", DETAIL, "", {}) is None  # the publish changed it
    fresh = client.simulate_get(DETAIL)
    assert fresh.json["server"]["version"] == "1.2.0"
    assert from_memory(ask("GET", DETAIL, "", {}))[2] == fresh.content
    # The first page of the list shows io.github.a/one, so it went too; a request the cache
    # never held is never answered from memory.
    assert ask("GET", "/v0/servers", "limit=5", {}) is None
    assert ask("POST", DETAIL, "", {}) is None
    assert ask("GET", "/v0/servers", "limit=6", {}) is None


def test_hits_from_memory_are_counted_like_the_apps(make_discovery: MakeDiscovery) -> None:
    d = seeded(make_discovery)
    client, ask = pair(d, Settings())
    client.simulate_get(DETAIL)
    route = "/v0/servers/{name}/versions/{version}"
    labels = {"service": DISCOVERY, "method": "GET", "route": route, "status": "2xx"}

    def value(name: str, extra: dict[str, str]) -> float:
        return REGISTRY.get_sample_value(name, extra) or 0.0

    requests_before = value("mcp_registry_http_requests_total", labels)
    hits_before = value("mcp_registry_response_cache_lookups_total", {"result": "hit"})
    timed_before = value(
        "mcp_registry_http_request_duration_seconds_count", {"service": DISCOVERY, "route": route}
    )
    assert ask("GET", DETAIL, "", {}) is not None
    assert value("mcp_registry_http_requests_total", labels) == requests_before + 1
    assert value("mcp_registry_response_cache_lookups_total", {"result": "hit"}) == hits_before + 1
    assert (
        value(
            "mcp_registry_http_request_duration_seconds_count",
            {"service": DISCOVERY, "route": route},
        )
        == timed_before + 1
    )


class Probe:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.status = falcon.HTTP_204


def test_added_middleware_turns_the_memory_path_off_and_composition_reaches_it(
    make_discovery: MakeDiscovery,
) -> None:
    d = seeded(make_discovery)
    app, answers = build(d, Settings())
    wrapped = MemoryAwareApp(app, answers)
    wrapped.add_route("/probe", Probe())  # reaches the falcon app
    assert falcon.testing.TestClient(wrapped).simulate_get("/probe").status_code == 204
    falcon.testing.TestClient(wrapped).simulate_get(DETAIL)
    other: falcon.App[falcon.Request, falcon.Response] = falcon.App()
    composed = RouteDispatcher({"discovery": wrapped, "publishing": other}, fallback="discovery")
    assert composed.answer_from_memory("GET", DETAIL, "", []) is not None
    assert composed.answer_from_memory("GET", "/v0/servers", "limit=9", []) is None

    class CountsLists:
        """A rate limit on list reads: those must reach it, detail reads need not."""

        def counts(self, method: str, path: str) -> bool:
            return path == "/v0/servers"

        def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
            """Where it would count."""

    falcon.testing.TestClient(wrapped).simulate_get("/v0/servers", query_string="limit=9")
    wrapped.add_middleware(CountsLists())
    assert wrapped.answer_from_memory("GET", "/v0/servers", "limit=9", []) is None
    assert wrapped.answer_from_memory("GET", DETAIL, "", []) is not None

    class SeesEverything:
        def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
            """Says nothing of what it acts on: it must see every request."""

    wrapped.add_middleware(SeesEverything())
    assert wrapped.answer_from_memory("GET", DETAIL, "", []) is None
    assert composed.answer_from_memory("GET", DETAIL, "", []) is None
