"""The discovery reads splice each stored server.json into the response; the bytes must be
those of parsing it and encoding it again (the reference: ``Reads(store, item=to_item)``),
on every read and every backend, over documents that stress the JSON text (see
``tests.support.varied_catalog``), and through HTTP on every route of /v0 and /v0.1."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

import orjson
import pytest

from mcp_registry.services.discovery.http_cache import render
from mcp_registry.services.discovery.reads import ReadResult, Reads
from mcp_registry.shared.api_items import to_item
from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.errors import NotFound
from mcp_registry.shared.storage.port import ServerStore
from tests.support.discovery import MakeDiscovery
from tests.support.stores import T0, MakeStore, Ticker
from tests.support.varied_catalog import publish_varied

Read = Callable[[Reads], ReadResult]


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as None (what orjson writes for them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def assert_same_body(spliced: bytes, reference: bytes, *, canonical: bool) -> None:
    """Byte for byte where the reference was orjson's encoding (``canonical``); where it fell
    back to the standard library (an integer beyond 64 bits on the page), the same values:
    only ``e-0N`` floats and NaN (the fallback's non-JSON ``NaN``, now ``null``) are spelled
    differently, and pages holding none of them are still byte for byte the same."""
    if canonical or not any(m in reference for m in (b"e-0", b"NaN", b"Infinity")):
        assert spliced == reference
    else:
        assert _finite(json.loads(spliced)) == _finite(json.loads(reference))


def _canonical(result: ReadResult) -> bool:
    try:
        orjson.dumps(result.body)
    except TypeError:
        return False
    return True


def _list(params: dict[str, str]) -> Read:
    return lambda reads: reads.list_servers(params)


def _versions(name: str, params: dict[str, str]) -> Read:
    return lambda reads: reads.list_versions(name, params)


def _detail(name: str, version: str, params: dict[str, str]) -> Read:
    return lambda reads: reads.get_version(name, version, params)


def _reads(store: ServerStore, names: list[str]) -> Iterator[tuple[str, Read]]:
    since = format_rfc3339(T0)
    lists: list[dict[str, str]] = [
        {},
        {"limit": "100"},
        {"version": "latest"},
        {"version": "1.0.0", "limit": "100"},
        {"include_deleted": "true", "limit": "100"},
        {"search": "server-0"},
        {"search": "ünï"},
        {"search": "NaN", "version": "latest"},
        {"updated_since": since, "limit": "100"},
    ]
    for params in lists:
        yield f"list {params}", _list(params)
    # Every page of a small limit, through its cursors (computed by the spliced reads).
    params = {"limit": "3", "include_deleted": "true"}
    while True:
        yield f"page {params}", _list(params)
        cursor = Reads(store).list_servers(params).body["metadata"].get("nextCursor")
        if cursor is None:
            break
        params = {**params, "cursor": cursor}
    for name in names:
        for flags in ({}, {"include_deleted": "true"}):
            yield f"versions {name} {flags}", _versions(name, flags)
            for version in ("latest", "1.0.0", "1.1.0"):
                yield f"detail {name} {version} {flags}", _detail(name, version, flags)


@pytest.fixture
def catalog(make_store: MakeStore, backend: str) -> tuple[ServerStore, list[str]]:
    store = make_store()
    return store, publish_varied(store, Ticker(), non_json=backend == "mongodb")


def test_every_read_serves_the_bytes_of_parse_and_encode(
    catalog: tuple[ServerStore, list[str]],
) -> None:
    store, names = catalog
    spliced, reference = Reads(store), Reads(store, item=to_item)
    compared = 0
    for label, read in _reads(store, names):
        try:
            expected = read(reference)
        except NotFound:
            with pytest.raises(NotFound):
                read(spliced)
            continue
        got = read(spliced)
        assert got.names == expected.names, label
        assert got.last_modified == expected.last_modified, label
        ours = render(got, seq=0, is_list=True).body
        theirs = render(expected, seq=0, is_list=True).body
        assert_same_body(ours, theirs, canonical=_canonical(expected))
        compared += 1
    assert compared > 100


def _reference_read(reads: Reads, path: str, query: dict[str, str]) -> ReadResult:
    parts = path.split("/")  # /servers[/{name}/versions[/{version}]]
    if len(parts) == 2:
        return reads.list_servers(query)
    name = parts[2].replace("%2F", "/")
    if len(parts) == 4:
        return reads.list_versions(name, query)
    return reads.get_version(name, parts[4], query)


def test_every_route_serves_the_bytes_of_parse_and_encode(make_discovery: MakeDiscovery) -> None:
    discovery = make_discovery()
    names = publish_varied(discovery.store, discovery.clock)
    reference = Reads(discovery.store, item=to_item)
    name = quote(names[1], safe="")
    routes: list[tuple[str, dict[str, str]]] = [
        ("/servers", {}),
        ("/servers", {"limit": "100", "include_deleted": "true"}),
        ("/servers", {"version": "latest", "search": "server"}),
        ("/servers", {"updated_since": format_rfc3339(T0)}),
        (f"/servers/{name}/versions", {}),
        (f"/servers/{name}/versions/latest", {}),
        (f"/servers/{name}/versions/1.0.0", {}),
    ]
    for path, query in routes:
        expected = _reference_read(reference, path, query)
        body = render(expected, seq=0, is_list=True).body
        for prefix in ("/v0", "/v0.1"):
            url = prefix + path + ("?" + urlencode(query) if query else "")
            response = discovery.client.simulate_get(url)
            assert response.status_code == 200, url
            assert_same_body(response.content, body, canonical=_canonical(expected))
