"""A search's pages over HTTP while publishes happen between them, with the SQLite store's
bounded plan crossing from its keyset window to its latest-only trigram index."""

from __future__ import annotations

from typing import Any

from tests.support.discovery import MakeDiscovery


def entries(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["server"]["name"], item["server"]["version"]) for item in body["servers"]]


def test_search_pages_continue_exactly_where_the_last_ended(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    # A window of two entries: most pages come partly from the walk, partly from the index.
    d.store.search_window = 2
    for i in range(10):
        d.publish(f"io.github.a/maps-{i}", "1.0.0", description="Maps and routes")
        d.publish(f"io.github.b/weather-{i}", "1.0.0", description="Weather forecasts")
    at_start = [(f"io.github.b/weather-{i}", "1.0.0") for i in range(10)]
    first = d.client.simulate_get(
        "/v0/servers", query_string="limit=3&version=latest&search=Weather"
    )
    assert first.status_code == 200, first.text
    seen = entries(first.json)
    cursor = first.json["metadata"].get("nextCursor")
    step = 0
    while cursor:
        step += 1
        # Publishes between pages: before the cursor, past it, a new latest of a shown name.
        d.publish(f"io.github.a/weather-new-{step}", "1.0.0", description="Weather")
        d.publish(f"io.github.c/weather-new-{step}", "1.0.0", description="Weather")
        d.publish("io.github.b/weather-0", f"2.0.{step}", description="Weather forecasts")
        # The cursor carries the search: a client may drop it (VS Code does).
        page = d.client.simulate_get(
            "/v0/servers", query_string=f"limit=3&version=latest&cursor={cursor}"
        )
        assert page.status_code == 200, page.text
        seen += entries(page.json)
        cursor = page.json["metadata"].get("nextCursor")
    assert len(seen) == len(set(seen)), "no entry repeats"
    assert seen == sorted(seen), "name order across pages"
    assert [e for e in seen if e in at_start] == at_start, "no entry is skipped"
    assert ("io.github.c/weather-new-1", "1.0.0") in seen, "a match past the cursor shows"
    assert not any(name.startswith("io.github.a/") for name, _ in seen)


def test_an_official_cursor_resumes_a_latest_search(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.store.search_window = 1
    for i in range(6):
        d.publish(f"io.github.b/weather-{i}", "1.0.0", description="Weather forecasts")
    resumed = d.client.simulate_get(
        "/v0/servers",
        params={
            "cursor": "io.github.b/weather-2:1.0.0",
            "search": "weather",
            "version": "latest",
            "limit": "2",
        },
    )
    assert resumed.status_code == 200, resumed.text
    assert entries(resumed.json) == [
        ("io.github.b/weather-3", "1.0.0"),
        ("io.github.b/weather-4", "1.0.0"),
    ]
