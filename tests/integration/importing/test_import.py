"""`mcp-registry import` and the seed path: files, official-API URLs, validation, re-runs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmarks.official_catalog import make_catalog
from mcp_registry.cli.registry.main import cli
from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.publishing.importing import (
    ImportSourceError,
    entry_from_item,
    fetch_pages,
    import_entries,
)
from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.records import ListQuery
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.wsgi_server import served


@pytest.fixture
def catalog() -> list[dict[str, Any]]:
    return make_catalog(n_servers=40, seed=3)


@pytest.fixture
def source_registry(tmp_path: Path, catalog: list[dict[str, Any]]) -> Iterator[str]:
    """A real registry (our discovery app) on loopback, holding the catalog."""
    store = SqliteServerStore(SqliteDatabase(str(tmp_path / "source.db")))
    store.init()
    import_entries([entry_from_item(i) for i in catalog], store=store, clock=utcnow)
    app = create_app(Settings(), store=store)
    try:
        with served(app) as url:
            yield url
    finally:
        store.close()


def run_cli(*args: str, database: Path) -> Any:
    # The catalog names real packages; ownership checks would reach the internet.
    env = {
        "MCP_REGISTRY_DATABASE_URL": f"sqlite:///{database}",
        "MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION": "false",
    }
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def visible_pairs(store: SqliteServerStore) -> set[tuple[str, str, str, bool]]:
    out: set[tuple[str, str, str, bool]] = set()
    after = None
    while True:
        page = store.list_servers(ListQuery(limit=100, after=after, include_deleted=True))
        out |= {(r.name, r.version, r.status, r.is_latest) for r in page.items}
        if not page.has_more:
            return out
        after = (page.items[-1].name, page.items[-1].version)


def test_import_from_a_file_then_rerun_is_harmless(
    tmp_path: Path, catalog: list[dict[str, Any]]
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(catalog), encoding="utf-8")
    database = tmp_path / "target.db"
    first = run_cli("import", str(seed), "--quiet", database=database)
    assert first.exit_code == 0, first.output
    assert f"imported {len(catalog)}, already present 0, rejected 0" in first.output
    again = run_cli("import", str(seed), "--quiet", database=database)
    assert f"imported 0, already present {len(catalog)}, rejected 0" in again.output

    store = SqliteServerStore(SqliteDatabase(str(database)))
    try:
        statuses = {(n, v): s for n, v, s, _ in visible_pairs(store)}
    finally:
        store.close()
    for item in catalog:
        key = (item["server"]["name"], item["server"]["version"])
        official = item["_meta"]["io.modelcontextprotocol.registry/official"]
        assert statuses[key] == official["status"]


def test_import_follows_an_official_api_url_page_by_page(
    tmp_path: Path, source_registry: str, catalog: list[dict[str, Any]]
) -> None:
    database = tmp_path / "copy.db"
    result = run_cli(
        "import", f"{source_registry}/v0/servers?include_deleted=true", database=database
    )
    assert result.exit_code == 0, result.output
    assert f"imported {len(catalog)}," in result.output

    source = SqliteServerStore(SqliteDatabase(str(tmp_path / "source.db")))
    copy = SqliteServerStore(SqliteDatabase(str(database)))
    try:
        assert visible_pairs(copy) == visible_pairs(source)
    finally:
        source.close()
        copy.close()


def test_pages_are_requested_with_the_cursor(source_registry: str) -> None:
    pages = list(fetch_pages(f"{source_registry}/v0/servers?limit=7"))
    assert len(pages) > 1
    assert all(len(page) <= 7 for page in pages)


def test_invalid_entries_are_reported_and_not_stored(tmp_path: Path) -> None:
    good = make_catalog(n_servers=2, seed=1)[0]
    bad_version = json.loads(json.dumps(good))
    bad_version["server"]["version"] = "latest"
    bad_name = {"name": "no-namespace", "version": "1.0.0", "description": "x"}
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([good, bad_version, bad_name]), encoding="utf-8")
    result = run_cli("import", str(seed), "--quiet", database=tmp_path / "t.db")
    assert result.exit_code == 0
    assert "imported 1, already present 0, rejected 2" in result.output
    assert "rejected no-namespace@1.0.0" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), ('{"a": 1}', "expected a JSON array")],
)
def test_unreadable_files_fail_cleanly(tmp_path: Path, content: str, message: str) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["import", str(seed)],
        env={"MCP_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"},
    )
    assert result.exit_code != 0
    assert message in result.output


class Redirecting(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.2:9/v0/servers")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_redirects_are_not_followed() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(ImportSourceError, match="answered 302"):
            list(fetch_pages(f"http://127.0.0.1:{server.server_port}/v0/servers"))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_db_init_is_idempotent(tmp_path: Path) -> None:
    database = tmp_path / "nested" / "registry.db"
    for _ in range(2):
        result = run_cli("db", "init", database=database)
        assert result.exit_code == 0
        assert "database ready" in result.output
    assert database.exists()


def test_rejections_come_before_the_summary_and_can_all_be_written(tmp_path: Path) -> None:
    good = make_catalog(n_servers=2, seed=1)[0]
    bad = [{"name": f"no-namespace-{i}", "version": "1.0.0", "description": "x"} for i in range(25)]
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([good, 7, *bad, ["x"]]), encoding="utf-8")
    report = tmp_path / "rejections.json"
    result = CliRunner().invoke(
        cli,
        ["import", str(seed), "--quiet", "--rejections", str(report)],
        env={
            "MCP_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}",
            "MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION": "false",
        },
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    lines = result.output.rstrip().splitlines()
    assert lines[-1] == "imported 1, already present 0, rejected 27"
    assert "  rejected entry 1: not a JSON object (a number)" in lines
    assert str(report) in result.output
    rows = json.loads(report.read_text(encoding="utf-8"))
    assert len(rows) == 27
    assert {"entry": "entry 27", "reason": "not a JSON object (an array)"} in rows
    assert all(row["reason"] for row in rows)
    without = run_cli("import", str(seed), "--quiet", database=tmp_path / "u.db")
    assert "(--rejections FILE writes all of them)" in without.output
    assert without.output.strip().splitlines()[-1].startswith("imported 1,")
