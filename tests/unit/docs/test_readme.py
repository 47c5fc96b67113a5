"""The README's promises that code can check: the Quickstart and the configuration table."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mcp_registry.shared.config import settings_table

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1]
    block = re.search(r"```[a-z]*\n(.*?)```", section, re.S)
    assert block is not None, "Quickstart has no code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_has_exactly_the_run_and_test_commands() -> None:
    assert quickstart_commands() == ["./run dev", "./run test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quickstart_commands()[1] in ci


def test_configuration_table_matches_the_settings() -> None:
    assert settings_table() in README


def test_taskfile_has_dev_test_and_lint() -> None:
    taskfile = (ROOT / "Taskfile.yml").read_text(encoding="utf-8")
    for task in ("dev:", "test:", "lint:"):
        assert f"  {task}" in taskfile


def test_the_example_catalog_validates_and_has_what_the_readme_queries() -> None:
    from mcp_registry.services.publishing.importing import entry_from_item
    from mcp_registry.shared.serverjson.validate import validate_server

    items = json.loads((ROOT / "examples" / "servers.json").read_text(encoding="utf-8"))
    entries = [entry_from_item(item) for item in items]
    assert len({e.server["name"] for e in entries}) >= 200
    assert all(validate_server(e.server).valid for e in entries)
    kinds = {p["registryType"] for e in entries for p in e.server.get("packages", [])}
    assert {"npm", "pypi", "nuget", "oci", "mcpb"} <= kinds
    assert "io.github.nadia%2Fweather" in README
    assert any(e.server["name"] == "io.github.nadia/weather" for e in entries)


def test_deliberate_differences_from_the_official_registry_are_listed_with_reasons() -> None:
    section = README.split("## Differences from the official registry", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) >= 3  # the header and at least the two below
    assert any("`Authorization`" in row and "401" in row and "422" in row for row in rows)
    assert any("PATCH" in row for row in rows)
    for row in rows[1:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 3, row  # here, official, why
        assert all(cells), row
