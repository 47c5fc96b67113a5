"""The browse UI over a real SQLite store: pages, URL habits, escaping, caching, errors."""

from __future__ import annotations

import re

from mcp_registry.shared.storage.records import NewVersion
from tests.support.discovery import MakeDiscovery
from tests.support.server_json import server_json
from tests.support.stores import ACTOR

NAME = "io.github.alice/weather"
ENCODED = "io.github.alice%2Fweather"
HOSTILE_TITLE = "<script>alert('title')</script>"
HOSTILE_DESCRIPTION = 'Forecasts <img src=x onerror="alert(1)"> & more'


def test_the_list_shows_latest_servers_with_badges_and_links(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0", title="Weather")
    d.publish(NAME, "1.1.0", title="Weather")
    d.publish("io.github.bob/maps", "0.1.0", description="Maps for agents")
    page = d.client.simulate_get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f'href="/servers/{ENCODED}"' in page.text
    assert "Weather" in page.text
    assert '<span class="version">1.1.0</span>' in page.text
    assert "1.0.0" not in page.text
    assert "Maps for agents" in page.text


def test_deprecated_and_deleted_show_only_with_all(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish("io.github.a/old", "1.0.0", status="deprecated", status_message="use new")
    d.publish("io.github.a/gone", "1.0.0", status="deleted")
    d.publish("io.github.a/live", "1.0.0")
    default = d.client.simulate_get("/").text
    assert "io.github.a/live" in default
    assert "io.github.a/old" not in default
    assert "io.github.a/gone" not in default
    everything = d.client.simulate_get("/", query_string="all=1").text
    assert "io.github.a/old" in everything
    assert 'class="badge badge-deprecated"' in everything
    assert "use new" in everything
    assert "io.github.a/gone" in everything
    assert 'class="badge badge-deleted"' in everything


def test_q_searches_like_the_api(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0")
    d.publish("io.github.bob/maps", "0.1.0")
    page = d.client.simulate_get("/", query_string="q=weather").text
    assert NAME in page
    assert "io.github.bob/maps" not in page
    assert 'value="weather"' in page
    nothing = d.client.simulate_get("/", query_string="q=zzzz").text
    assert "No server matches" in nothing


def test_cursor_paging_moves_on_without_repeats(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    names = [f"io.github.page/s{i:02d}" for i in range(65)]
    for name in names:
        d.publish(name, "1.0.0")
    # Deprecated entries in the middle are skipped, and pages stay full.
    for i in range(5):
        d.publish(f"io.github.page/s{i:02d}x", "1.0.0", status="deprecated")
    seen: list[str] = []
    link = "/"
    pages = 0
    while link:
        path, _, query = link.partition("?")
        page = d.client.simulate_get(path, query_string=query)
        assert page.status_code == 200
        found = re.findall(r"<code>(io\.github\.page/[^<]+)</code>", page.text)
        assert len(found) == 30 or "Next page" not in page.text
        seen += found
        pages += 1
        match = re.search(r'<a class="next" rel="next" href="([^"]+)"', page.text)
        link = match.group(1).replace("&amp;", "&") if match else ""
    assert seen == names
    assert pages == 3


def test_a_search_pages_name_matches_first_across_the_boundary(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    in_name = [f"io.github.rank/weather-{i:02d}" for i in range(40)]
    elsewhere = [f"io.github.a/sky-{i:02d}" for i in range(25)]
    for name in in_name:
        d.publish(name, "1.0.0")
    for name in elsewhere:
        d.publish(name, "1.0.0", description="Weather for agents")
    # Deprecated entries on both sides of the boundary are skipped (pages stay full).
    d.publish("io.github.rank/weather-zz", "1.0.0", status="deprecated")
    d.publish("io.github.a/sky-zz", "1.0.0", status="deprecated", description="weather")
    seen: list[str] = []
    link = "/?q=weather"
    while link:
        path, _, query = link.partition("?")
        page = d.client.simulate_get(path, query_string=query)
        assert page.status_code == 200
        seen += re.findall(r"<code>(io\.github\.[a-z]+/[^<]+)</code>", page.text)
        match = re.search(r'<a class="next" rel="next" href="([^"]+)"', page.text)
        link = match.group(1).replace("&amp;", "&") if match else ""
    assert seen == in_name + elsewhere


def test_paging_keeps_q_and_all(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    for i in range(35):
        d.publish(f"io.github.keep/weather-{i:02d}", "1.0.0")
    page = d.client.simulate_get("/", query_string="q=weather&all=1").text
    match = re.search(r'<a class="next" rel="next" href="([^"]+)"', page)
    assert match
    assert match.group(1).startswith("/?q=weather&amp;all=1&amp;cursor=")


def test_a_server_page_shows_every_version_and_its_packages(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    package = {
        "registryType": "npm",
        "identifier": "@alice/weather",
        "version": "1.1.0",
        "transport": {"type": "stdio"},
        "environmentVariables": [
            {"name": "WEATHER_KEY", "description": "API key", "isRequired": True, "isSecret": True}
        ],
    }
    remote = {
        "type": "streamable-http",
        "url": "https://weather.example.com/mcp",
        "headers": [{"name": "Authorization", "description": "Bearer token", "isRequired": True}],
    }
    d.publish(NAME, "1.0.0")
    d.publish(NAME, "1.0.1", status="deprecated", status_message="security fix in 1.1")
    server = server_json(
        name=NAME,
        version="1.1.0",
        title="Weather",
        remotes=[remote],
        repository={"url": "https://github.com/alice/weather", "source": "github"},
        websiteUrl="https://weather.example.com",
    )
    server["packages"] = [package]
    d.store.publish(
        NewVersion(name=NAME, version="1.1.0", server=server, status="active", status_message=None),
        actor=ACTOR,
        now=d.clock(),
    )
    page = d.client.simulate_get(f"/servers/{ENCODED}")
    assert page.status_code == 200
    text = page.text
    for version in ("1.0.0", "1.0.1", "1.1.0"):
        assert f">{version}</a>" in text
    assert "security fix in 1.1" in text
    assert "WEATHER_KEY=&lt;WEATHER_KEY&gt; npx -y @alice/weather@1.1.0" in text
    assert "https://weather.example.com/mcp" in text
    assert "Authorization" in text
    assert 'href="https://github.com/alice/weather"' in text
    assert 'href="https://weather.example.com"' in text
    assert f'href="/v0/servers/{ENCODED}/versions/1.1.0"' in text
    assert "&#34;isLatest&#34;: true" in text
    older = d.client.simulate_get(f"/servers/{ENCODED}", query_string="version=1.0.0").text
    assert '<span class="version">1.0.0</span>' in older
    assert '<tr class="selected">' in older


def test_strings_from_server_json_are_escaped(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(
        NAME,
        "1.0.0",
        title=HOSTILE_TITLE,
        description=HOSTILE_DESCRIPTION,
        repository={"url": "javascript:alert(1)", "source": "github"},
        websiteUrl="javascript:alert(2)",
        icons=[{"src": "javascript:alert(3)"}, {"src": "http://insecure.example/i.png"}],
    )
    for path in ("/", f"/servers/{ENCODED}"):
        text = d.client.simulate_get(path).text
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in text
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text
        assert "javascript:" not in re.sub(r"<pre>.*?</pre>", "", text, flags=re.S)
        assert 'src="http://insecure' not in text


def test_https_icons_are_shown_for_the_browser_to_load(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0", icons=[{"src": "https://cdn.example.com/w.png", "theme": "light"}])
    text = d.client.simulate_get("/").text
    assert '<img class="icon" src="https://cdn.example.com/w.png"' in text
    assert 'referrerpolicy="no-referrer"' in text


def test_pages_allow_only_own_static_scripts(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0")
    for path in ("/", f"/servers/{ENCODED}", "/servers/io.github.nobody%2Fnothing"):
        reply = d.client.simulate_get(path)
        policy = reply.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self';" in policy
        assert "unsafe-inline" not in policy
        assert re.findall(r"<script(?![^>]*\bsrc=)", reply.text) == []
        refs = re.findall(r'(?:src|href)="(/[^"]*)"', reply.text)
        for ref in refs:
            if ref.startswith("/static/"):
                assert d.client.simulate_get(ref).status_code == 200, ref


def test_pages_are_cached_like_the_api(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0")
    first = d.client.simulate_get("/")
    assert first.headers["etag"]
    assert "public" in first.headers["cache-control"]
    # Like the API's lists: only `servers`, which every change purges.
    assert first.headers["surrogate-key"] == "servers"
    again = d.client.simulate_get("/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    page = d.client.simulate_get(f"/servers/{ENCODED}")
    assert page.headers["surrogate-key"] == f"server:{NAME}"
    hits = d.cache.hits
    d.client.simulate_get(f"/servers/{ENCODED}")
    assert d.cache.hits == hits + 1
    # A publish moves the change sequence: the page is rendered anew.
    d.publish(NAME, "2.0.0")
    fresh = d.client.simulate_get(f"/servers/{ENCODED}")
    assert fresh.headers["etag"] != page.headers["etag"]
    assert ">2.0.0</a>" in fresh.text


def test_errors_are_pages(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    missing = d.client.simulate_get("/servers/io.github.nobody%2Fnothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "not found" in missing.text
    # Any other string is a position (as on the official registry); only a tampered cursor
    # of ours is refused.
    bad = d.client.simulate_get("/", query_string="cursor=_1.dGFtcGVyZWQ.0000")
    assert bad.status_code == 400
    assert "Invalid cursor" in bad.text
    deleted = make_discovery()
    deleted.publish(NAME, "1.0.0", status="deleted")
    assert deleted.client.simulate_get(f"/servers/{ENCODED}").status_code == 404
    shown = deleted.client.simulate_get(f"/servers/{ENCODED}", query_string="all=1")
    assert shown.status_code == 200
    assert 'class="badge badge-deleted"' in shown.text


def test_static_files_are_served_with_validators(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    css = d.client.simulate_get("/static/browse.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert (
        d.client.simulate_get(
            "/static/browse.css", headers={"If-None-Match": css.headers["etag"]}
        ).status_code
        == 304
    )
    assert d.client.simulate_get("/static/list.html").status_code == 404


def test_a_server_page_offers_a_report_form_for_that_version(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    d.publish(NAME, "1.0.0")
    page = d.client.simulate_get(f"/servers/{ENCODED}")
    assert page.status_code == 200
    form = re.search(r'<form id="report"[^>]*>', page.text)
    assert form is not None
    assert 'action="/v0.1/x/dev.mcp-registry/reports"' in form.group(0)
    assert f'data-name="{NAME}"' in form.group(0)
    assert 'data-version="1.0.0"' in form.group(0)
    # The script that sends it may only talk to this registry.
    assert "connect-src 'self'" in page.headers["content-security-policy"]
