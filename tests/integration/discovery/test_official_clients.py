"""Reads as clients nobody here wrote make them: VS Code's gallery paging, an aggregator
resuming with the official registry's cursor, and the official handler tests' facts."""

from __future__ import annotations

from typing import Any

from tests.support.discovery import Discovery, MakeDiscovery
from tests.support.openapi import document, operations


def names(body: dict[str, Any]) -> list[str]:
    return [item["server"]["name"] for item in body["servers"]]


def seed(d: Discovery) -> None:
    for i in range(7):
        d.publish(f"io.github.team/weather-{i}", "1.0.0", description="Weather forecasts")
        d.publish(f"io.github.team/weather-{i}", "1.1.0", description="Weather forecasts")
        d.publish(f"io.github.team/maps-{i}", "1.0.0", description="Maps and routes")


def test_vs_code_pages_a_search_without_encoding_and_without_search(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    seed(d)
    first = d.client.simulate_get(
        "/v0.1/servers", query_string="limit=3&version=latest&search=weather"
    )
    assert first.status_code == 200
    seen = names(first.json)
    cursor = first.json["metadata"]["nextCursor"]
    while cursor:
        # VS Code: appends the cursor as is, drops search, keeps limit and version.
        page = d.client.simulate_get(
            "/v0.1/servers", query_string=f"limit=3&version=latest&cursor={cursor}"
        )
        assert page.status_code == 200, page.text
        seen += names(page.json)
        cursor = page.json["metadata"].get("nextCursor")
    assert seen == sorted(f"io.github.team/weather-{i}" for i in range(7))


def test_an_official_registry_cursor_resumes_the_listing(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    seed(d)
    resumed = d.client.simulate_get(
        "/v0/servers", params={"cursor": "io.github.team/weather-5:1.0.0", "limit": "10"}
    )
    assert resumed.status_code == 200
    items = [(i["server"]["name"], i["server"]["version"]) for i in resumed.json["servers"]]
    assert items == [
        ("io.github.team/weather-5", "1.1.0"),
        ("io.github.team/weather-6", "1.0.0"),
        ("io.github.team/weather-6", "1.1.0"),
    ]
    bare = d.client.simulate_get("/v0/servers", params={"cursor": "io.github.team/weather-5"})
    assert names(bare.json) == ["io.github.team/weather-6", "io.github.team/weather-6"]


def test_a_tampered_cursor_of_ours_is_400(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    seed(d)
    cursor = d.client.simulate_get("/v0/servers", params={"limit": "2"}).json["metadata"][
        "nextCursor"
    ]
    result = d.client.simulate_get("/v0/servers", params={"cursor": cursor[:-2] + "zz"})
    assert result.status_code == 400
    assert result.json["errors"][0]["location"] == "query.cursor"


def test_version_filters_the_list_to_an_exact_version(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    seed(d)
    result = d.client.simulate_get("/v0/servers", params={"version": "1.1.0"})
    assert result.status_code == 200
    assert {i["server"]["version"] for i in result.json["servers"]} == {"1.1.0"}
    assert result.json["metadata"]["count"] == 7


def test_versions_are_newest_published_first(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    for version in ("1.0.0", "2.0.0", "1.5.0"):
        d.publish("io.github.team/ordered", version)
    body = d.client.simulate_get("/v0/servers/io.github.team%2Fordered/versions").json
    assert [i["server"]["version"] for i in body["servers"]] == ["1.5.0", "2.0.0", "1.0.0"]


def test_not_found_and_parameter_problems_use_the_official_phrases(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    for path in (
        "/v0/servers/io.github.none%2Fx/versions",
        "/v0/servers/io.github.none%2Fx/versions/latest",
        "/v0/servers/io.github.none%2Fx/versions/1.0.0",
    ):
        missing = d.client.simulate_get(path)
        assert missing.status_code == 404
        assert missing.json["detail"] == "Server not found"
        assert "io.github.none/x" in missing.json["errors"][0]["message"]
    limit = d.client.simulate_get("/v0/servers", params={"limit": "500"})
    assert limit.status_code == 422
    assert limit.json["detail"] == "validation failed"
    assert limit.json["errors"][0]["location"] == "query.limit"
    since = d.client.simulate_get("/v0/servers", params={"updated_since": "last tuesday"})
    assert since.status_code == 400
    assert since.json["detail"].startswith("Invalid updated_since format")


def test_every_documented_path_answers_its_documented_preflight(
    make_discovery: MakeDiscovery,
) -> None:
    # Discovery answers preflights for every path of the API, not only its own routes.
    client = make_discovery().client
    samples = {"{name}": "io.github.a%2Fb", "{version}": "1.0.0", "{domain}": "example.com"}
    for path in document()["paths"]:
        concrete = path.replace("{method}", "none")
        for placeholder, value in samples.items():
            concrete = concrete.replace(placeholder, value)
        reply = client.simulate_options(
            concrete,
            headers={"Access-Control-Request-Method": "GET", "Origin": "https://x.example"},
        )
        assert str(reply.status_code) in operations(path)["OPTIONS"]["responses"], path
        documented = {m for m in operations(path) if m != "OPTIONS"}
        allowed = {m.strip() for m in reply.headers["access-control-allow-methods"].split(",")}
        assert allowed == documented | {"OPTIONS"}, path


def test_a_405_on_a_version_lists_publishings_put(make_discovery: MakeDiscovery) -> None:
    reply = make_discovery().client.simulate_delete("/v0/servers/io.github.a%2Fb/versions/1.0.0")
    assert reply.status_code == 405
    assert {m.strip() for m in reply.headers["allow"].split(",")} == {
        "GET",
        "HEAD",
        "PUT",
        "OPTIONS",
    }
