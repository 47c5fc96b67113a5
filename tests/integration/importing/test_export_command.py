"""`mcp-registry export` and `import` of its file, through the command line on SQLite files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mcp_registry.cli.registry.main import cli
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.stores import ACTOR, at, new_version


def _env(db: Path) -> dict[str, str]:
    return {"MCP_REGISTRY_DATABASE_URL": f"sqlite:///{db}"}


def test_export_then_import_restores_the_catalog(tmp_path: Path) -> None:
    source = SqliteServerStore(SqliteDatabase(tmp_path / "source.db"))
    source.init()
    source.publish(new_version("io.github.a/x", "1.0.0"), actor=ACTOR, now=at(1))
    source.publish(new_version("io.github.a/x", "1.1.0"), actor=ACTOR, now=at(2))
    source.set_status("io.github.a/x", "1.1.0", "deleted", "oops", actor=ACTOR, now=at(3))
    source.close()
    dump = tmp_path / "catalog.json"
    runner = CliRunner()
    exported = runner.invoke(cli, ["export", str(dump)], env=_env(tmp_path / "source.db"))
    assert exported.exit_code == 0, exported.output
    assert "exported 2 versions" in exported.output
    document = json.loads(dump.read_text(encoding="utf-8"))
    statuses = {v["version"]: v["status"] for v in document["versions"]}
    assert statuses == {"1.0.0": "active", "1.1.0": "deleted"}

    target_env = _env(tmp_path / "target.db")
    restored = runner.invoke(cli, ["import", str(dump)], env=target_env)
    assert restored.exit_code == 0, restored.output
    assert "restored 2 versions" in restored.output
    again = runner.invoke(cli, ["export", "-"], env=target_env)
    versions = json.loads(again.stdout)["versions"]
    assert [{k: v for k, v in e.items() if k != "seq"} for e in versions] == [
        {k: v for k, v in e.items() if k != "seq"} for e in document["versions"]
    ]

    # A second restore into the now populated database is refused, not merged.
    refused = runner.invoke(cli, ["import", str(dump)], env=target_env)
    assert refused.exit_code == 1
    assert "not empty" in refused.output
