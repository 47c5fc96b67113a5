"""The test catalog is realistic, deterministic and valid."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise
from typing import Any

import pytest

from benchmarks.official_catalog import OFFICIAL_META_KEY, make_catalog
from mcp_registry.shared.clock import parse_rfc3339
from mcp_registry.shared.serverjson.validate import validate_server
from mcp_registry.shared.serverjson.versions import parse_semver


@pytest.fixture(scope="module")
def catalog() -> list[dict[str, Any]]:
    return make_catalog()


def official(item: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = item["_meta"][OFFICIAL_META_KEY]
    return meta


def test_every_document_is_valid(catalog: list[dict[str, Any]]) -> None:
    for item in catalog:
        report = validate_server(item["server"])
        assert report.valid, (item["server"]["name"], report.to_dict())
        assert all(issue.reference == "schema-version-deprecated" for issue in report.issues)


def test_items_have_the_official_list_item_shape(catalog: list[dict[str, Any]]) -> None:
    for item in catalog:
        assert set(item) == {"server", "_meta"}
        meta = official(item)
        assert meta["status"] in ("active", "deprecated", "deleted")
        assert {"publishedAt", "updatedAt", "statusChangedAt", "isLatest"} <= set(meta)
        for key in ("publishedAt", "updatedAt", "statusChangedAt"):
            assert meta[key].endswith("Z")
        assert parse_rfc3339(meta["updatedAt"]) >= parse_rfc3339(meta["publishedAt"])
        assert ("statusMessage" in meta) == (meta["status"] != "active")


def test_published_at_strictly_increases(catalog: list[dict[str, Any]]) -> None:
    stamps = [parse_rfc3339(official(item)["publishedAt"]) for item in catalog]
    assert all(a < b for a, b in pairwise(stamps))


def test_names_versions_and_namespaces(catalog: list[dict[str, Any]]) -> None:
    names = [item["server"]["name"] for item in catalog]
    assert len(set(names)) == 200
    pairs = [(item["server"]["name"], item["server"]["version"]) for item in catalog]
    assert len(pairs) == len(set(pairs))
    assert len(catalog) > len(set(names))
    namespaces = {name.split("/")[0] for name in names}
    assert any(ns.startswith("io.github.") for ns in namespaces)
    assert any(ns.startswith("com.") for ns in namespaces)
    assert len({ns.split(".")[0] for ns in namespaces}) >= 4


def test_versions_include_prereleases_and_non_semver(catalog: list[dict[str, Any]]) -> None:
    versions = [item["server"]["version"] for item in catalog]
    parsed = [parse_semver(v) for v in versions]
    assert any(p is not None and p.prerelease for p in parsed)
    assert "2024.10.01" in versions
    assert "v2-beta" in versions
    assert sum(p is None for p in parsed) >= 5


def test_some_server_has_three_live_versions(catalog: list[dict[str, Any]]) -> None:
    live: Counter[str] = Counter(
        item["server"]["name"] for item in catalog if official(item)["status"] != "deleted"
    )
    assert max(live.values()) >= 3


def test_statuses(catalog: list[dict[str, Any]]) -> None:
    statuses = Counter(official(item)["status"] for item in catalog)
    assert statuses["deprecated"] >= 2
    assert statuses["deleted"] >= 2
    assert statuses["active"] > len(catalog) // 2


def test_exactly_one_latest_per_name(catalog: list[dict[str, Any]]) -> None:
    latest: defaultdict[str, int] = defaultdict(int)
    for item in catalog:
        latest[item["server"]["name"]] += official(item)["isLatest"]
    assert set(latest.values()) == {1}


def test_every_registry_type_and_remote_kind(catalog: list[dict[str, Any]]) -> None:
    servers = [item["server"] for item in catalog]
    kinds = {p["registryType"] for s in servers for p in s.get("packages", [])}
    assert kinds == {"npm", "pypi", "oci", "nuget", "mcpb", "cargo"}
    mcpb = [p for s in servers for p in s.get("packages", []) if p["registryType"] == "mcpb"]
    assert all(len(p["fileSha256"]) == 64 for p in mcpb)
    remotes = [r for s in servers for r in s.get("remotes", [])]
    assert {r["type"] for r in remotes} == {"streamable-http", "sse"}
    assert all(r["url"].startswith("https://") for r in remotes)
    assert any(r.get("headers") for r in remotes)
    assert any(r.get("variables") for r in remotes)


def test_remote_urls_belong_to_one_name(catalog: list[dict[str, Any]]) -> None:
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for item in catalog:
        for remote in item["server"].get("remotes", []):
            owners[remote["url"]].add(item["server"]["name"])
    assert owners
    assert all(len(names) == 1 for names in owners.values())


def test_text_is_varied_for_search(catalog: list[dict[str, Any]]) -> None:
    descriptions = {item["server"]["description"] for item in catalog}
    words = {w.lower().strip(".,:;") for d in descriptions for w in d.split()}
    assert len(descriptions) >= 40
    assert len(words) >= 300
    assert all(1 <= len(d) <= 100 for d in descriptions)
    assert len({item["server"].get("title") for item in catalog}) >= 40


def test_some_documents_use_an_older_schema(catalog: list[dict[str, Any]]) -> None:
    schemas = Counter(item["server"]["$schema"] for item in catalog)
    assert len(schemas) >= 2


def test_deterministic_per_seed() -> None:
    assert make_catalog(30, seed=7) == make_catalog(30, seed=7)
    assert make_catalog(30, seed=7) != make_catalog(30, seed=8)


@pytest.mark.parametrize("n", [0, 1, 3, 10, 57])
def test_small_catalogs(n: int) -> None:
    items = make_catalog(n, seed=1)
    assert len({item["server"]["name"] for item in items}) == n
    assert all(validate_server(item["server"]).valid for item in items)


def test_large_catalog_stays_valid() -> None:
    items = make_catalog(1000, seed=3)
    assert len({item["server"]["name"] for item in items}) == 1000
    assert all(validate_server(item["server"]).valid for item in items)


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        make_catalog(-1)
