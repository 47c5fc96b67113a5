"""Ranked search over HTTP: name matches first, cursors carrying the phase, and cached search
pages dropped by every publish that can change them (compared with an app without cache)."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.cursors import decode_cursor
from mcp_registry.services.discovery.http_cache import ResponseCache
from mcp_registry.shared.config import Settings
from tests.support.discovery import Discovery, MakeDiscovery
from tests.support.stores import ACTOR

Key = tuple[str, str]

NAME_MATCHES = [f"io.github.m/weather-{i}" for i in range(4)]
OTHER_MATCHES = [f"io.github.a/forecast-{i}" for i in range(3)] + ["io.github.z/sky"]


def entries(body: dict[str, Any]) -> list[Key]:
    return [(item["server"]["name"], item["server"]["version"]) for item in body["servers"]]


def seeded(make_discovery: MakeDiscovery) -> Discovery:
    d = make_discovery()
    d.store.search_window = 2
    for name in NAME_MATCHES:
        d.publish(name, "1.0.0", description="Forecasts")
    for name in OTHER_MATCHES:
        d.publish(name, "1.0.0", description="Weather forecasts")
    d.publish("io.github.m/unrelated", "1.0.0", description="Nothing")
    return d


def ranked_keys() -> list[Key]:
    return [(n, "1.0.0") for n in sorted(NAME_MATCHES) + sorted(OTHER_MATCHES)]


@pytest.mark.parametrize("limit", [1, 2, 3])
@pytest.mark.parametrize("latest", [True, False])
def test_pages_list_name_matches_first_and_every_match_once(
    make_discovery: MakeDiscovery, limit: int, latest: bool
) -> None:
    d = seeded(make_discovery)
    version = "&version=latest" if latest else ""
    page = d.client.simulate_get(
        "/v0/servers", query_string=f"limit={limit}&search=WEATHER{version}"
    )
    assert page.status_code == 200, page.text
    seen = entries(page.json)
    phases = []
    cursor = page.json["metadata"].get("nextCursor")
    while cursor:
        phases.append(decode_cursor(cursor).phase)
        # The client drops ``search`` (VS Code does): the cursor carries it and the phase.
        page = d.client.simulate_get(
            "/v0/servers", query_string=f"limit={limit}{version}&cursor={cursor}"
        )
        assert page.status_code == 200, page.text
        seen += entries(page.json)
        cursor = page.json["metadata"].get("nextCursor")
    assert seen == ranked_keys()
    # Cursors of the first phase, then of the second: each names the phase of its last item.
    assert phases == sorted(phases, key=lambda p: p == "other")
    assert phases.count("name") == len(NAME_MATCHES) // limit
    assert "other" in phases


def test_an_official_cursor_with_a_search_is_a_first_phase_position(
    make_discovery: MakeDiscovery,
) -> None:
    d = seeded(make_discovery)
    resumed = d.client.simulate_get(
        "/v0/servers",
        params={
            "cursor": "io.github.m/weather-2:1.0.0",
            "search": "weather",
            "version": "latest",
            "limit": "3",
        },
    )
    assert resumed.status_code == 200, resumed.text
    assert entries(resumed.json) == [
        ("io.github.m/weather-3", "1.0.0"),
        ("io.github.a/forecast-0", "1.0.0"),
        ("io.github.a/forecast-1", "1.0.0"),
    ]
    assert decode_cursor(resumed.json["metadata"]["nextCursor"]).phase == "other"


def test_deleted_entries_follow_include_deleted_in_both_phases(
    make_discovery: MakeDiscovery,
) -> None:
    d = seeded(make_discovery)
    for name in ("io.github.m/weather-1", "io.github.a/forecast-1"):
        d.store.set_status(name, None, "deleted", None, actor=ACTOR, now=d.clock())
    shown = d.client.simulate_get("/v0/servers", query_string="search=weather&version=latest")
    assert [n for n, _ in entries(shown.json)] == [
        n for n, _ in ranked_keys() if n not in ("io.github.m/weather-1", "io.github.a/forecast-1")
    ]
    every = d.client.simulate_get(
        "/v0/servers", query_string="search=weather&version=latest&include_deleted=true&limit=2"
    )
    seen = entries(every.json)
    cursor = every.json["metadata"].get("nextCursor")
    while cursor:
        page = d.client.simulate_get("/v0/servers", query_string=f"limit=2&cursor={cursor}")
        seen += entries(page.json)
        cursor = page.json["metadata"].get("nextCursor")
    assert seen == ranked_keys()


def test_a_publish_drops_every_cached_ranked_page_it_changes(
    make_discovery: MakeDiscovery,
) -> None:
    d = seeded(make_discovery)
    uncached = falcon.testing.TestClient(
        create_app(Settings(), store=d.store, cache=ResponseCache(0), clock=d.app_clock)
    )
    # Every page of the search, limit 3: the first ends in the name phase, the second spans
    # the boundary, the third is in the second phase.
    queries = ["limit=3&version=latest&search=weather"]
    for _ in range(4):
        page = d.client.simulate_get("/v0/servers", query_string=queries[-1])
        cursor = page.json["metadata"].get("nextCursor")
        if not cursor:
            break
        queries.append(f"limit=3&version=latest&cursor={cursor}")
    assert len(queries) == 3

    def compare() -> None:
        for query in queries:
            cached = d.client.simulate_get("/v0/servers", query_string=query)
            fresh = uncached.simulate_get("/v0/servers", query_string=query)
            assert cached.status_code == fresh.status_code, query
            assert cached.content == fresh.content, query

    compare()
    # A name match sorting after every name so far: it joins the end of the first phase, so
    # the page spanning the boundary changes although its names sort before it.
    d.publish("io.github.zz/weather", "1.0.0")
    compare()
    # An other match sorting before every name: it starts the second phase, on a page whose
    # cursor names sort after it.
    d.publish("io.github.0/almanac", "1.0.0", title="Weather almanac")
    compare()
    # A new version of a shown name that drops the term, a deprecation, a deletion.
    d.publish("io.github.m/weather-0", "2.0.0", description="anything")
    compare()
    d.publish("io.github.a/forecast-0", "2.0.0", description="no longer")
    compare()
    d.store.set_status("io.github.z/sky", None, "deleted", None, actor=ACTOR, now=d.clock())
    compare()
    # A publish matching nothing keeps every search page.
    dropped = d.cache.dropped
    d.publish("io.github.b/plain", "1.0.0", description="plain")
    compare()
    assert d.cache.dropped == dropped
