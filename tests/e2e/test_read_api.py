"""The whole read API of DESIGN §9 over HTTP, against `./run dev` seeded with 200+ servers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from mcp_registry.shared.api_items import OFFICIAL_META_KEY
from mcp_registry.shared.clock import format_rfc3339, parse_rfc3339
from mcp_registry.shared.serverjson.versions import pick_latest
from tests.support.http import Reply, request
from tests.support.registry_process import RunningRegistry

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Entry:
    name: str
    version: str
    status: str
    published_at: datetime
    server: dict[str, Any]


def entries(catalog: list[dict[str, Any]]) -> list[Entry]:
    out = []
    for item in catalog:
        meta = item["_meta"][OFFICIAL_META_KEY]
        out.append(
            Entry(
                item["server"]["name"],
                item["server"]["version"],
                meta.get("status", "active"),
                parse_rfc3339(meta["publishedAt"]),
                item["server"],
            )
        )
    return out


def latest_by_name(all_entries: list[Entry]) -> dict[str, Entry]:
    by_name: dict[str, list[Entry]] = {}
    for entry in all_entries:
        by_name.setdefault(entry.name, []).append(entry)
    result = {}
    for name, versions in by_name.items():
        latest = pick_latest(versions)
        assert latest is not None
        result[name] = latest
    return result


def get(registry: RunningRegistry, path: str, **params: str) -> Reply:
    query = f"?{urlencode(params)}" if params else ""
    return request(registry.url, "GET", path + query)


def page_through(registry: RunningRegistry, **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        query = dict(params, limit="100")
        if cursor:
            query["cursor"] = cursor
        reply = get(registry, "/v0/servers", **query)
        assert reply.status == 200, reply.body
        body = reply.json
        assert body["metadata"]["count"] == len(body["servers"])
        assert len(body["servers"]) <= 100
        items.extend(body["servers"])
        cursor = body["metadata"].get("nextCursor")
        if not cursor:
            return items
    raise AssertionError("paging did not end")


def pairs(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(i["server"]["name"], i["server"]["version"]) for i in items]


def path_of(name: str, *rest: str) -> str:
    return "/v0/servers/" + "/".join([quote(name, safe=""), *(quote(r, safe="") for r in rest)])


def test_catalog_is_realistic(registry: RunningRegistry) -> None:
    all_entries = entries(registry.catalog)
    names = {e.name for e in all_entries}
    assert len(names) >= 200
    assert {"deprecated", "deleted"} <= {e.status for e in all_entries}
    kinds = {p["registryType"] for e in all_entries for p in e.server.get("packages", [])}
    assert {"npm", "pypi", "oci", "nuget", "mcpb"} <= kinds
    assert any(e.server.get("remotes") for e in all_entries)
    assert len(all_entries) > len(names)  # several versions for some servers


def test_full_listing_pages_without_gaps_or_repeats(registry: RunningRegistry) -> None:
    all_entries = entries(registry.catalog)
    listed = pairs(page_through(registry))
    assert len(listed) == len(set(listed))
    assert listed == sorted(listed)
    assert set(listed) == {(e.name, e.version) for e in all_entries if e.status != "deleted"}
    with_deleted = pairs(page_through(registry, include_deleted="true"))
    assert set(with_deleted) == {(e.name, e.version) for e in all_entries}


def test_default_page_is_30_with_a_cursor(registry: RunningRegistry) -> None:
    body = get(registry, "/v0/servers").json
    assert body["metadata"]["count"] == 30
    assert body["metadata"]["nextCursor"]
    item = body["servers"][0]
    assert set(item) == {"server", "_meta"}
    official = item["_meta"][OFFICIAL_META_KEY]
    assert {"status", "publishedAt", "updatedAt", "statusChangedAt", "isLatest"} <= set(official)
    for key in ("publishedAt", "updatedAt", "statusChangedAt"):
        assert official[key].endswith("Z")
        parse_rfc3339(official[key])


def test_latest_filter_follows_the_latest_rules(registry: RunningRegistry) -> None:
    expected = {
        name: e.version
        for name, e in latest_by_name(entries(registry.catalog)).items()
        if e.status != "deleted"
    }
    items = page_through(registry, version="latest")
    assert {i["server"]["name"]: i["server"]["version"] for i in items} == expected
    assert all(i["_meta"][OFFICIAL_META_KEY]["isLatest"] for i in items)


def test_versions_and_detail_routes(registry: RunningRegistry) -> None:
    all_entries = entries(registry.catalog)
    latest = latest_by_name(all_entries)
    multi = next(
        name
        for name in latest
        if sum(1 for e in all_entries if e.name == name and e.status != "deleted") >= 3
    )
    visible = [e for e in all_entries if e.name == multi and e.status != "deleted"]
    body = get(registry, path_of(multi, "versions")).json
    assert body["metadata"]["count"] == len(visible)
    assert {i["server"]["version"] for i in body["servers"]} == {e.version for e in visible}

    detail = get(registry, path_of(multi, "versions", "latest"))
    assert detail.status == 200
    assert detail.json["server"]["version"] == latest[multi].version
    assert detail.json["_meta"][OFFICIAL_META_KEY]["isLatest"] is True

    one = visible[0]
    exact = get(registry, path_of(multi, "versions", one.version))
    assert exact.status == 200
    assert exact.json["server"] == one.server
    # The same handlers answer under /v0.1.
    assert (
        request(registry.url, "GET", "/v0.1" + path_of(multi, "versions", one.version)[3:]).json
        == exact.json
    )


def test_deleted_and_deprecated_entries(registry: RunningRegistry) -> None:
    all_entries = entries(registry.catalog)
    deleted = next(e for e in all_entries if e.status == "deleted")
    hidden = get(registry, path_of(deleted.name, "versions", deleted.version))
    assert hidden.status == 404
    assert hidden.header("content-type") == "application/problem+json"
    shown = get(
        registry, path_of(deleted.name, "versions", deleted.version), include_deleted="true"
    )
    assert shown.status == 200
    assert shown.json["_meta"][OFFICIAL_META_KEY]["status"] == "deleted"

    deprecated = next(e for e in all_entries if e.status == "deprecated")
    reply = get(registry, path_of(deprecated.name, "versions", deprecated.version))
    assert reply.status == 200
    assert reply.json["_meta"][OFFICIAL_META_KEY]["status"] == "deprecated"


def test_unknown_names_are_404_problems(registry: RunningRegistry) -> None:
    for path in (
        path_of("io.github.nobody/nothing", "versions"),
        path_of("io.github.nobody/nothing", "versions", "latest"),
        path_of("io.github.nobody/nothing", "versions", "1.0.0"),
    ):
        reply = get(registry, path)
        assert reply.status == 404
        assert reply.json["status"] == 404
        assert reply.json["title"] == "Not Found"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": "0"}, 422),
        ({"limit": "101"}, 422),
        ({"limit": "lots"}, 422),
        ({"cursor": "_1.not-a-cursor.x"}, 400),
        ({"updated_since": "last tuesday"}, 400),
        ({"updated_since": "2025-01-01T00:00:00Z", "include_deleted": "false"}, 400),
    ],
)
def test_bad_parameters_are_problems(
    registry: RunningRegistry, params: dict[str, str], status: int
) -> None:
    reply = get(registry, "/v0/servers", **params)
    assert reply.status == status
    assert reply.header("content-type") == "application/problem+json"
    assert reply.json["status"] == status
    assert reply.json["detail"]


def test_updated_since_is_strict_and_includes_deleted(registry: RunningRegistry) -> None:
    everything = page_through(registry, include_deleted="true")
    stamps = sorted(parse_rfc3339(i["_meta"][OFFICIAL_META_KEY]["updatedAt"]) for i in everything)
    newest = stamps[-1]
    assert page_through(registry, updated_since=format_rfc3339(newest)) == []
    just_before = page_through(
        registry, updated_since=format_rfc3339(newest - timedelta(microseconds=1))
    )
    assert len(just_before) == stamps.count(newest)
    since_start = page_through(
        registry, updated_since=format_rfc3339(stamps[0] - timedelta(seconds=1))
    )
    assert len(since_start) == len(everything)
    assert any(i["_meta"][OFFICIAL_META_KEY]["status"] == "deleted" for i in since_start)


def test_search_matches_names_titles_descriptions_and_packages(registry: RunningRegistry) -> None:
    latest = {
        n: e for n, e in latest_by_name(entries(registry.catalog)).items() if e.status != "deleted"
    }

    def haystack(e: Entry) -> str:
        ids = " ".join(p["identifier"] for p in e.server.get("packages", []))
        return " ".join(
            [e.name, e.server.get("title", ""), e.server.get("description", ""), ids]
        ).lower()

    some = next(e for e in latest.values() if e.server.get("packages"))
    identifier = some.server["packages"][0]["identifier"]
    word = next(w for w in some.server["description"].split() if len(w) >= 5).strip(".,")
    for term in (identifier, word.upper(), some.name.split("/")[1][:4]):
        expected = {n for n, e in latest.items() if term.lower() in haystack(e)}
        found = {i["server"]["name"] for i in page_through(registry, version="latest", search=term)}
        assert found == expected, term
        assert some.name in found


def test_trailing_slash_redirects(registry: RunningRegistry) -> None:
    reply = request(registry.url, "GET", "/v0/servers/?limit=5")
    assert reply.status == 308
    assert reply.header("location") == "/v0/servers?limit=5"


def test_caching_headers_and_conditional_requests(registry: RunningRegistry) -> None:
    # Last-Modified is only sent once a full second separates it from the last write.
    time.sleep(max(0.0, registry.ready_at + 1.1 - time.monotonic()))
    name = get(registry, "/v0/servers", limit="1").json["servers"][0]["server"]["name"]
    for path in ("/v0/servers?limit=5&version=latest", path_of(name, "versions", "latest")):
        first = request(registry.url, "GET", path)
        assert first.status == 200
        etag = first.header("etag")
        assert etag is not None
        assert etag.startswith('"')
        cache_control = first.header("cache-control") or ""
        for directive in ("public", "max-age=", "s-maxage=", "stale-while-revalidate="):
            assert directive in cache_control
        assert first.header("last-modified")
        keys = (first.header("surrogate-key") or "").split()
        assert f"server:{name}" in keys or path.startswith("/v0/servers?")
        by_etag = request(registry.url, "GET", path, headers={"If-None-Match": etag})
        assert by_etag.status == 304
        assert by_etag.body == b""
        assert by_etag.header("etag") == etag
        modified = first.header("last-modified") or ""
        by_date = request(registry.url, "GET", path, headers={"If-Modified-Since": modified})
        assert by_date.status == 304
        changed = request(registry.url, "GET", path, headers={"If-None-Match": '"other"'})
        assert changed.status == 200
    listing = request(registry.url, "GET", "/v0/servers?limit=5")
    assert "servers" in (listing.header("surrogate-key") or "").split()
    head = request(registry.url, "HEAD", "/v0/servers?limit=5")
    assert head.status == 200
    assert head.body == b""
    assert head.header("etag") == listing.header("etag")


def test_health_ping_version(registry: RunningRegistry) -> None:
    assert get(registry, "/v0/health").json["status"] == "ok"
    assert get(registry, "/v0/ping").json == {"pong": True}
    assert set(get(registry, "/v0/version").json) == {"version", "git_commit", "build_time"}


def test_vs_code_pages_a_search_the_way_it_does(registry: RunningRegistry) -> None:
    # VS Code's gallery: limit=50&version=latest&search=..., then the cursor appended to the
    # URL unencoded, without search.
    term = "mcp"
    expected = pairs(page_through(registry, version="latest", search=term))
    assert len(expected) > 10
    seen: list[tuple[str, str]] = []
    reply = request(registry.url, "GET", f"/v0.1/servers?limit=10&version=latest&search={term}")
    while True:
        assert reply.status == 200, reply.body
        seen += pairs(reply.json["servers"])
        cursor = reply.json["metadata"].get("nextCursor")
        if not cursor:
            break
        reply = request(
            registry.url, "GET", f"/v0.1/servers?limit=10&version=latest&cursor={cursor}"
        )
    assert seen == expected


def test_the_official_cursor_resumes_and_version_filters_exactly(
    registry: RunningRegistry,
) -> None:
    everything = pairs(page_through(registry))
    name, version = everything[5]
    resumed = get(registry, "/v0/servers", cursor=f"{name}:{version}", limit="3")
    assert resumed.status == 200
    assert pairs(resumed.json["servers"]) == everything[6:9]
    exact = pairs(page_through(registry, version=version))
    assert exact
    assert {v for _, v in exact} == {version}
    assert set(exact) == {p for p in everything if p[1] == version}


def test_browsers_get_cors_headers(registry: RunningRegistry) -> None:
    reply = request(
        registry.url,
        "OPTIONS",
        "/v0/servers/io.github.a%2Fb/status",
        headers={"Origin": "https://x.example", "Access-Control-Request-Method": "PATCH"},
    )
    assert reply.status == 204
    assert reply.header("access-control-allow-methods") == "PATCH, OPTIONS"
    assert reply.header("access-control-allow-origin") == "*"
    assert get(registry, "/v0/ping").header("access-control-allow-origin") == "*"
    assert request(registry.url, "HEAD", "/v0/health").status == 200
