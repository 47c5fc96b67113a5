"""The publisher's workflow with the installed ``mcp-publisher`` against ``./run dev``.

GitHub and DNS are local fakes; package ownership checks are off because no package
registry is faked here (they have their own tests).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub, GitHubUser
from tests.support.http import request
from tests.support.local_http import LocalServer
from tests.support.registry_process import RunningRegistry, start_registry, stop_registry

pytestmark = pytest.mark.e2e

PUBLISHER = Path(sys.executable).parent / "mcp-publisher"
GIT_CONFIG = '[remote "origin"]\n\turl = https://github.com/alice/weather-mcp.git\n'
PYPROJECT = '[project]\nname = "weather-mcp"\nversion = "1.0.0"\ndescription = "Weather"\n'


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, dns: LocalDns) -> Iterator[RunningRegistry]:
    github = FakeGitHub()
    github.add_user("gho_alice", GitHubUser("alice"))
    with LocalServer(github.respond) as github_server, pytest.MonkeyPatch.context() as patch:
        patch.setenv("MCP_REGISTRY_GITHUB_API_URL", github_server.url)
        patch.setenv("MCP_REGISTRY_DNS_NAMESERVERS", dns.nameserver)
        patch.setenv("MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION", "false")
        patch.delenv("MCP_REGISTRY_JWT_PRIVATE_KEY", raising=False)
        patch.delenv("MCP_REGISTRY_JWT_KEYS_DIR", raising=False)
        running = start_registry(tmp_path_factory.mktemp("publisher"), [])
        yield running
        stop_registry(running)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def publisher(
    home: Path, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("MCP_PUBLISHER_", "MCP_GITHUB"))
    }
    environment.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), **(env or {}))
    return subprocess.run(
        [str(PUBLISHER), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_init_login_publish_listed_deprecate(
    stack: RunningRegistry, home: Path, tmp_path: Path
) -> None:
    project = tmp_path / "weather-mcp"
    (project / ".git").mkdir(parents=True)
    (project / ".git" / "config").write_text(GIT_CONFIG)
    (project / "pyproject.toml").write_text(PYPROJECT)
    made = publisher(home, "init", cwd=project)
    assert made.returncode == 0, made.stderr
    assert json.loads((project / "server.json").read_text())["name"] == (
        "io.github.alice/weather-mcp"
    )
    logged = publisher(
        home, "login", "github", "--registry", stack.url, env={"MCP_GITHUB_TOKEN": "gho_alice"}
    )
    assert logged.returncode == 0, logged.stderr
    # From here on the registry is remembered.
    published = publisher(home, "publish", cwd=project)
    assert published.returncode == 0, published.stderr
    assert "/v0/servers/io.github.alice%2Fweather-mcp/versions/1.0.0" in published.stdout
    listed = publisher(home, "search", "weather", "--json")
    names = [item["server"]["name"] for item in json.loads(listed.stdout)["servers"]]
    assert names == ["io.github.alice/weather-mcp"]
    deprecated = publisher(
        home,
        "status",
        "io.github.alice/weather-mcp",
        "1.0.0",
        "--status",
        "deprecated",
        "--message",
        "moved",
        "--yes",
    )
    assert deprecated.returncode == 0, deprecated.stderr
    item = request(
        stack.url, "GET", "/v0/servers/io.github.alice%2Fweather-mcp/versions/1.0.0"
    ).json
    assert item["_meta"]["io.modelcontextprotocol.registry/official"]["status"] == "deprecated"


def test_a_bad_server_json_shows_each_issue(
    stack: RunningRegistry, home: Path, tmp_path: Path
) -> None:
    bad = {
        "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        "name": "io.github.alice/broken",
        "version": "latest",
        "description": "",
        "websiteUrl": "http://insecure.example.com",
    }
    file = tmp_path / "server.json"
    file.write_text(json.dumps(bad))
    result = publisher(home, "validate", str(file), "--registry", stack.url)
    assert result.returncode == 4, result.stdout + result.stderr
    for path in ("version", "description", "websiteUrl"):
        assert f" {path}:" in result.stdout


def test_verify_domain_then_publish_under_the_domain(
    stack: RunningRegistry, home: Path, tmp_path: Path, dns: LocalDns
) -> None:
    github = {"MCP_GITHUB_TOKEN": "gho_alice"}
    logged = publisher(home, "login", "github", "--registry", stack.url, env=github)
    assert logged.returncode == 0, logged.stderr
    started = publisher(home, "verify-domain", "example.com", "--json")
    assert started.returncode == 0, started.stderr
    record = json.loads(started.stdout)["record"]
    assert record["type"] == "TXT"
    assert record["value"].startswith("mcp-verify=")
    dns.txt["example.com"] = [record["value"]]
    checked = publisher(home, "verify-domain", "example.com", "--wait", "--interval", "1")
    assert checked.returncode == 0, checked.stderr
    assert "example.com is verified" in checked.stdout
    listed = publisher(home, "verify-domain", "--list")
    assert listed.stdout.split() == ["example.com", "verified"]
    # A new login carries the domain's namespaces.
    assert publisher(home, "login", "github", env=github).returncode == 0
    file = tmp_path / "server.json"
    file.write_text(
        json.dumps(
            {
                "$schema": (
                    "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
                ),
                "name": "com.example/weather",
                "version": "1.0.0",
                "description": "Weather, under a verified domain",
            }
        )
    )
    published = publisher(home, "publish", str(file))
    assert published.returncode == 0, published.stderr
    assert "com.example%2Fweather" in published.stdout
