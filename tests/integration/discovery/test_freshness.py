"""Reads stay correct while writes happen: cursors, the response cache, latest flips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.discovery import MakeDiscovery
from tests.support.stores import ACTOR, new_version


def names_and_versions(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["server"]["name"], i["server"]["version"]) for i in body["servers"]]


def test_cursor_pages_neither_skip_nor_repeat_while_publishing(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    initial = [f"io.github.team/server-{i:02d}" for i in range(20)]
    for name in initial:
        d.publish(name, "1.0.0")

    seen: list[str] = []
    first = d.client.simulate_get("/v0/servers", params={"limit": "5", "version": "latest"}).json
    seen += [name for name, _ in names_and_versions(first)]
    cursor = first["metadata"]["nextCursor"]
    step = 0
    while cursor:
        # Between every two pages: a new latest for a name already seen and for one not yet
        # seen, plus brand-new names on both sides of the cursor.
        d.publish(initial[step], "2.0.0")
        d.publish(initial[-1 - step], f"3.0.{step}")
        d.publish(f"io.github.aaa/early-{step}", "1.0.0")
        d.publish(f"io.github.zzz/late-{step}", "1.0.0")
        step += 1
        page = d.client.simulate_get(
            "/v0/servers", params={"limit": "5", "version": "latest", "cursor": cursor}
        ).json
        seen += [name for name, _ in names_and_versions(page)]
        cursor = page["metadata"].get("nextCursor")

    assert len(seen) == len(set(seen)), "a name was repeated"
    assert set(initial) <= set(seen), "a name that existed at the start was skipped"
    assert seen == sorted(seen)


def test_a_read_after_a_write_sees_the_write_despite_the_cache(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    d.publish("com.example/tool", "1.0.0")
    path = "/v0/servers/com.example%2Ftool/versions/latest"
    before = d.client.simulate_get(path)
    assert d.client.simulate_get(path).headers["etag"] == before.headers["etag"]
    assert d.cache.hits >= 1

    d.publish("com.example/tool", "1.1.0")
    after = d.client.simulate_get(path)
    assert after.json["server"]["version"] == "1.1.0"
    assert after.headers["etag"] != before.headers["etag"]
    stale = d.client.simulate_get(path, headers={"If-None-Match": before.headers["etag"]})
    assert stale.status_code == 200

    listing = d.client.simulate_get("/v0/servers", params={"version": "latest"}).json
    assert names_and_versions(listing) == [("com.example/tool", "1.1.0")]


def test_the_version_losing_latest_is_visible_to_updated_since(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    d.publish("com.example/tool", "1.0.0")
    old = d.client.simulate_get("/v0/servers/com.example%2Ftool/versions/1.0.0").json
    since = old["_meta"]["io.modelcontextprotocol.registry/official"]["updatedAt"]

    d.publish("com.example/tool", "2.0.0")
    changed = d.client.simulate_get("/v0/servers", params={"updated_since": since}).json
    by_version = {
        i["server"]["version"]: i["_meta"]["io.modelcontextprotocol.registry/official"]
        for i in changed["servers"]
    }
    assert set(by_version) == {"1.0.0", "2.0.0"}
    assert by_version["1.0.0"]["isLatest"] is False
    assert by_version["2.0.0"]["isLatest"] is True
    assert by_version["1.0.0"]["updatedAt"] > since


def test_last_modified_is_sent_only_once_its_second_has_passed(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    written = datetime(2026, 3, 1, 12, 0, 0, 400_000, tzinfo=UTC)
    d.store.publish(new_version("com.example/a", "1.0.0"), actor=ACTOR, now=written)
    path = "/v0/servers/com.example%2Fa/versions/latest"

    d.app_clock.now = written + timedelta(milliseconds=200)
    fresh = d.client.simulate_get(path)
    assert "last-modified" not in fresh.headers
    ims = {"If-Modified-Since": "Sun, 01 Mar 2026 12:00:00 GMT"}
    assert d.client.simulate_get(path, headers=ims).status_code == 200

    d.app_clock.now = written + timedelta(seconds=2)
    settled = d.client.simulate_get(path)
    assert settled.headers["last-modified"] == "Sun, 01 Mar 2026 12:00:00 GMT"
    assert d.client.simulate_get(path, headers=ims).status_code == 304

    # A change in the same wall-clock second as the date a client holds must not be hidden.
    d.store.set_status(
        "com.example/a",
        "1.0.0",
        "deprecated",
        "use b",
        actor=ACTOR,
        now=written + timedelta(milliseconds=500),
    )
    d.app_clock.now = written + timedelta(milliseconds=700)
    after = d.client.simulate_get(path, headers=ims)
    assert after.status_code == 200
    assert after.json["_meta"]["io.modelcontextprotocol.registry/official"]["status"] == (
        "deprecated"
    )


def test_an_entry_leaving_a_list_changes_its_validators(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish("com.example/a", "1.0.0")
    d.publish("com.example/b", "1.0.0")
    first = d.client.simulate_get("/v0/servers", params={"version": "latest"})
    d.store.set_status("com.example/a", "1.0.0", "deleted", "gone", actor=ACTOR, now=d.clock())
    second = d.client.simulate_get(
        "/v0/servers",
        params={"version": "latest"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert second.status_code == 200
    assert names_and_versions(second.json) == [("com.example/b", "1.0.0")]
