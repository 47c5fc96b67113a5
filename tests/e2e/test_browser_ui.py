"""The browse UI and the API reference in a real browser (Debian's Chromium).

A registry of its own, started as the README says and seeded with a catalog plus one entry
whose title and description are HTML: that entry must show as text and run nothing. Every
request to another host is aborted and recorded (see :mod:`tests.support.browser`).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from benchmarks.official_catalog import OFFICIAL_META_KEY, make_catalog
from mcp_registry.shared.serverjson.schema import CURRENT_SCHEMA_URL
from tests.support.browser import Browser, chromium, chromium_binary
from tests.support.http import request
from tests.support.registry_process import RunningRegistry, start_registry, stop_registry

pytestmark = pytest.mark.e2e

HOSTILE_NAME = "io.github.mallory/markup"
HOSTILE_TITLE = "<script>alert('title')</script>"
HOSTILE_DESCRIPTION = 'Forecasts <img src=x onerror="alert(1)"> & more'


def hostile_item() -> dict[str, Any]:
    when = "2025-01-01T00:00:00Z"
    return {
        "server": {
            "$schema": CURRENT_SCHEMA_URL,
            "name": HOSTILE_NAME,
            "title": HOSTILE_TITLE,
            "description": HOSTILE_DESCRIPTION,
            "version": "1.0.0",
        },
        "_meta": {
            OFFICIAL_META_KEY: {
                "status": "active",
                "publishedAt": when,
                "updatedAt": when,
                "statusChangedAt": when,
                "isLatest": True,
            }
        },
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    chromium_binary()  # skip (or fail on CI) before starting anything
    catalog = [*make_catalog(n_servers=70, seed=11), hostile_item()]
    running = start_registry(tmp_path_factory.mktemp("browser"), catalog)
    yield running
    stop_registry(running)


@pytest.fixture
def browser(site: RunningRegistry) -> Iterator[Browser]:
    with chromium(site.url) as handle:
        yield handle
    assert handle.blocked == [], "a page reached for another host"
    # The only other hosts asked are those of icons a server.json names.
    icons = {icon["src"] for item in site.catalog for icon in item["server"].get("icons") or []}
    assert set(handle.foreign_images) <= icons


def listed_names(page: Any) -> list[str]:
    return [str(t) for t in page.locator("ul.servers .name code").all_inner_texts()]


def visible_versions(site: RunningRegistry) -> dict[str, list[str]]:
    versions: dict[str, list[str]] = defaultdict(list)
    for item in site.catalog:
        if item["_meta"][OFFICIAL_META_KEY]["status"] != "deleted":
            versions[item["server"]["name"]].append(item["server"]["version"])
    return versions


def test_the_list_renders_and_pages_move_on(site: RunningRegistry, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(site.url + "/")
    assert page.title() == "MCP Registry"
    first = listed_names(page)
    assert len(first) == 30
    assert first == sorted(first)
    page.get_by_role("link", name="Next page →").click()
    page.wait_for_url(re.compile(r"cursor="))
    second = listed_names(page)
    assert second
    assert not set(first) & set(second)
    assert second[0] > first[-1]
    assert browser.console_errors == []


def test_search_narrows_the_list(site: RunningRegistry, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(site.url + "/")
    everything = len(listed_names(page))
    # A word of some server's title, searched like a person would: type, press Enter.
    title = next(i["server"]["title"] for i in site.catalog if i["server"].get("title"))
    word = max(title.split(), key=len)
    page.get_by_role("searchbox", name="Search servers").fill(word)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q="))
    assert urlsplit(page.url).query.startswith("q=" + quote(word))
    found = listed_names(page)
    assert 0 < len(found) < everything
    api = request(site.url, "GET", f"/v0/servers?search={quote(word)}&version=latest&limit=100")
    assert set(found) <= {item["server"]["name"] for item in json.loads(api.body)["servers"]}
    assert page.get_by_role("searchbox", name="Search servers").input_value() == word


def test_a_server_page_shows_every_version(site: RunningRegistry, browser: Browser) -> None:
    versions = visible_versions(site)
    name = max(sorted(versions), key=lambda n: len(versions[n]))
    assert len(versions[name]) > 2
    page = browser.new_page()
    page.goto(site.url + "/")
    page.get_by_role("searchbox", name="Search servers").fill(name)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q="))
    page.locator("ul.servers h2 a").first.click()
    page.wait_for_url(re.compile(r"/servers/"))
    rows = page.locator("#versions tbody tr")
    shown = [str(t).split()[0] for t in rows.all_inner_texts()]
    assert sorted(shown) == sorted(versions[name])
    assert page.locator("#versions .badge-latest").count() == 1
    page.locator("section.raw summary").click()
    raw = json.loads(page.locator("section.raw pre").inner_text())
    assert raw["server"]["name"] == name
    assert browser.console_errors == []


def test_a_report_is_filed_from_a_server_page(site: RunningRegistry, browser: Browser) -> None:
    name = sorted(visible_versions(site))[0]
    page = browser.new_page()
    page.goto(site.url + "/servers/" + quote(name, safe=""))
    page.locator("section.report summary").click()
    page.get_by_label(re.compile("What is wrong with")).fill("Impersonates another project")
    page.get_by_role("button", name="Send the report").click()
    result = page.locator("section.report .report-result")
    result.filter(has_text="Report received").wait_for(timeout=10_000)
    assert browser.console_errors == []


def test_html_in_server_json_is_shown_as_text(site: RunningRegistry, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(site.url + "/?q=mallory")
    assert page.locator("ul.servers h2 a").inner_text() == HOSTILE_TITLE
    assert page.locator("ul.servers .description").inner_text() == HOSTILE_DESCRIPTION
    page.goto(site.url + "/servers/" + quote(HOSTILE_NAME, safe=""))
    assert page.locator("h1").inner_text().startswith(HOSTILE_TITLE)
    assert page.locator(".server-head .description").inner_text() == HOSTILE_DESCRIPTION
    # Nothing ran: no dialog opened, no element was made from the strings.
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("document.scripts.length") == 1
    assert browser.dialogs == []


def test_pages_work_without_javascript(site: RunningRegistry) -> None:
    with chromium(site.url, javascript=False) as handle:
        page = handle.new_page()
        page.goto(site.url + "/")
        page.get_by_role("checkbox", name="include deprecated and deleted").check()
        page.get_by_role("searchbox", name="Search servers").fill("mallory")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url(re.compile(r"[?&]all=1"))
        assert listed_names(page) == [HOSTILE_NAME]
        page.get_by_role("link", name=HOSTILE_TITLE).click()
        page.wait_for_url(re.compile(r"/servers/"))
        assert page.locator("#versions tbody tr").count() == 1
        assert handle.blocked == []


def test_docs_render_operations_and_try_it_out(site: RunningRegistry, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(site.url + "/docs")
    page.wait_for_selector(".opblock", timeout=120_000)
    assert page.locator(".opblock").count() > 40
    operation = page.locator("#operations-servers-get_v0_servers")
    if operation.count() == 0:
        operation = page.locator(".opblock-get", has_text="/v0/servers").first
    operation.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert browser.console_errors == []
