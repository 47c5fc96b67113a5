"""``mcp-registry mirror status``: the last sync, counts and the last error of each upstream."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mcp_registry.cli.registry.main import cli
from mcp_registry.shared.storage.factory import open_database


def test_status_prints_last_sync_counts_and_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    env = {"MCP_REGISTRY_DATABASE_URL": url, "MCP_REGISTRY_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    empty = runner.invoke(cli, ["mirror", "status"], env=env)
    assert empty.exit_code == 0
    assert "no sync yet" in empty.output
    stores = open_database(url)
    stores.init()
    stores.mirror.put(
        "http://upstream.test",
        {
            "mode": "feed",
            "lastSync": "2026-01-01T00:00:00Z",
            "lastAttempt": "2026-01-01T00:01:00Z",
            "lastError": "cannot fetch http://upstream.test: refused",
            "failures": 2,
            "totals": {"new": 3, "updated": 1, "seen": 9},
        },
    )
    stores.close()
    shown = runner.invoke(cli, ["mirror", "status"], env=env)
    assert shown.exit_code == 0
    assert "http://upstream.test" in shown.output
    assert "last sync:    2026-01-01T00:00:00Z" in shown.output
    assert "3 new, 1 updated, 9 seen" in shown.output
    assert "refused (2 in a row)" in shown.output
    as_json = runner.invoke(cli, ["mirror", "status", "--json"], env=env)
    assert json.loads(as_json.output)["http://upstream.test"]["failures"] == 2
