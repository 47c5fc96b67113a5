"""A write drops only the cached responses it changes, and never leaves a stale one.

Two discovery apps read one SQLite store: one with the response cache, one without. After
each write of a scripted mix (new names, new versions, deprecations, deletions, restores,
an administrator's edit), every URL of a fixed set is read from both and must be identical;
the cache's counters show that unaffected entries survived the writes.
"""

from __future__ import annotations

import random

import falcon.testing

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.http_cache import ResponseCache
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.records import Status
from tests.support.discovery import MakeDiscovery
from tests.support.server_json import server_json
from tests.support.stores import ACTOR

TOPICS = ("weather", "files", "search", "maps")


def name_of(i: int) -> str:
    return f"io.github.user{i:03d}/{TOPICS[i % len(TOPICS)]}-{i}"


def urls(cursors: list[str]) -> list[str]:
    paths = [
        "/v0/servers?limit=10",
        "/v0/servers?limit=10&version=latest",
        "/v0/servers?limit=100",
        "/v0/servers?search=weather&version=latest",
        "/v0/servers?search=weather&limit=3",
        "/v0/servers?search=maps-1&version=latest",
        "/v0/servers?include_deleted=true&limit=10",
        "/v0/servers?updated_since=2020-01-01T00:00:00Z&limit=10",
    ]
    paths += [f"/v0/servers?limit=10&cursor={c}" for c in cursors]
    for i in (0, 5, 17, 33):
        encoded = name_of(i).replace("/", "%2F")
        paths += [f"/v0/servers/{encoded}/versions", f"/v0/servers/{encoded}/versions/latest"]
    return paths


def test_cached_reads_equal_uncached_reads_after_every_write(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    for i in range(40):
        d.publish(name_of(i), "1.0.0", description=f"{TOPICS[i % 4]} server {i}")
    uncached = falcon.testing.TestClient(
        create_app(Settings(), store=d.store, cache=ResponseCache(0), clock=d.app_clock)
    )
    first_pages = d.client.simulate_get("/v0/servers", query_string="limit=10")
    cursor = first_pages.json["metadata"]["nextCursor"]
    second = d.client.simulate_get("/v0/servers", query_string=f"limit=10&cursor={cursor}")
    cursors = [cursor, second.json["metadata"]["nextCursor"]]
    paths = urls(cursors)

    def compare() -> None:
        for path in paths:
            route, _, query = path.partition("?")
            cached = d.client.simulate_get(route, query_string=query)
            fresh = uncached.simulate_get(route, query_string=query)
            assert cached.status_code == fresh.status_code, path
            assert cached.content == fresh.content, path

    compare()
    rng = random.Random(18)
    versions = {i: 1 for i in range(40)}
    statuses: list[Status] = ["deprecated", "deleted", "active"]
    for step in range(60):
        kind = rng.choice(["new-name", "new-version", "old-version", "status", "edit"])
        i = rng.randrange(40)
        if kind == "new-name":
            j = 40 + step
            d.publish(name_of(j), "1.0.0", description=f"{TOPICS[j % 4]} server {j}")
        elif kind == "new-version":
            versions[i] += 1
            d.publish(name_of(i), f"{versions[i]}.0.0", description=f"renamed {i}")
        elif kind == "old-version":  # below 1.0.0: never the latest
            d.publish(name_of(i), f"0.{step}.0", description=f"weather backport {i}")
        elif kind == "status":
            d.store.set_status(
                name_of(i), None, rng.choice(statuses), None, actor=ACTOR, now=d.clock()
            )
        else:
            text = rng.choice(["weather again", "nothing to see"])
            d.store.replace_server(
                name_of(i),
                "1.0.0",
                server_json(name=name_of(i), version="1.0.0", description=text),
                actor=ACTOR,
                now=d.clock(),
            )
        compare()
    # Entries outlived writes: far fewer drops than a clear per write would cause.
    assert d.cache.hits > d.cache.misses
    assert d.cache.dropped < 60 * len(paths) / 2


def test_a_publish_keeps_the_pages_it_does_not_touch(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    for i in range(30):
        d.publish(name_of(i), "1.0.0")
    page1 = d.client.simulate_get("/v0/servers", query_string="limit=10")
    cursor = page1.json["metadata"]["nextCursor"]
    page2_query = f"limit=10&cursor={cursor}"
    d.client.simulate_get("/v0/servers", query_string=page2_query)
    detail = f"/v0/servers/{name_of(2).replace('/', '%2F')}/versions"
    d.client.simulate_get(detail)
    held = len(d.cache)

    d.publish(name_of(15), "2.0.0")  # on page 2 only
    again = d.client.simulate_get("/v0/servers", query_string="limit=10")
    assert again.content == page1.content
    assert d.cache.dropped == 1
    assert len(d.cache) == held - 1
    refreshed = d.client.simulate_get("/v0/servers", query_string=page2_query)
    versions = [s["server"]["version"] for s in refreshed.json["servers"]]
    assert "2.0.0" in versions


def test_an_older_version_keeps_the_latest_pages(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    for i in range(30):
        d.publish(name_of(i), "1.0.0")
    latest = "limit=10&version=latest"
    every = "limit=10"
    d.client.simulate_get("/v0/servers", query_string=latest)
    before = d.client.simulate_get("/v0/servers", query_string=every)

    d.publish(name_of(3), "0.9.0")  # in both pages' range, not the latest
    d.publish(name_of(25), "0.9.0")  # past both ranges
    hits = d.cache.hits
    d.client.simulate_get("/v0/servers", query_string=latest)
    assert (d.cache.hits, d.cache.dropped) == (hits + 1, 1)  # only the page of every version
    again = d.client.simulate_get("/v0/servers", query_string=every)
    assert again.content != before.content  # it lists 0.9.0 of name 3 now
    d.publish(name_of(25), "2.0.0")  # the latest now, past the range and visible
    d.client.simulate_get("/v0/servers", query_string=latest)
    assert (d.cache.hits, d.cache.dropped) == (hits + 2, 1)


def test_a_page_loses_its_next_cursor_when_what_followed_it_goes(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    uncached = falcon.testing.TestClient(
        create_app(Settings(), store=d.store, cache=ResponseCache(0), clock=d.app_clock)
    )
    names = [f"io.github.edge/a{i}" for i in range(10)]
    for name in names[:9]:
        d.publish(name, "1.0.0")
    d.publish(names[8], "2.0.0")
    d.publish(names[9], "1.0.0")
    latest_page, versions_page = "limit=9&version=latest", "limit=9"

    def same(query: str) -> dict[str, object]:
        cached = d.client.simulate_get("/v0/servers", query_string=query)
        assert cached.content == uncached.simulate_get("/v0/servers", query_string=query).content
        metadata: dict[str, object] = cached.json["metadata"]
        return metadata

    assert "nextCursor" in same(latest_page)  # a9 follows
    d.store.set_status(names[9], None, "deleted", None, actor=ACTOR, now=d.clock())
    assert "nextCursor" not in same(latest_page)

    assert "nextCursor" in same(versions_page)  # ends at a8 1.0.0; a8 2.0.0 follows
    d.store.set_status(names[8], "2.0.0", "deleted", None, actor=ACTOR, now=d.clock())
    assert "nextCursor" not in same(versions_page)
