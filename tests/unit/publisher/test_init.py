"""``init``: what it learns from a project folder, and that it never overwrites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcp_registry.cli.publisher.main import cli
from mcp_registry.cli.publisher.project_facts import read_project
from mcp_registry.shared.serverjson.validate import validate_server

GIT_CONFIG = '[remote "origin"]\n\turl = git@github.com:alice/weather-mcp.git\n'


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return tmp_path


def init(folder: Path, *args: str) -> tuple[int, str, dict[str, object]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = CliRunner().invoke(cli, ["init", *args])
    path = folder / "server.json"
    document = json.loads(path.read_text()) if path.exists() else {}
    return result.exit_code, result.output, document


def test_from_package_json_and_the_git_remote(tmp_path: Path) -> None:
    package = {
        "name": "@alice/weather-mcp",
        "version": "1.2.3",
        "description": "Weather for agents",
        "mcpName": "io.github.alice/weather",
    }
    folder = project(tmp_path, {"package.json": json.dumps(package), ".git/config": GIT_CONFIG})
    code, output, document = init(folder)
    assert code == 0, output
    assert document["name"] == "io.github.alice/weather"
    assert document["version"] == "1.2.3"
    assert document["repository"] == {
        "url": "https://github.com/alice/weather-mcp",
        "source": "github",
    }
    assert document["packages"] == [
        {
            "registryType": "npm",
            "identifier": "@alice/weather-mcp",
            "version": "1.2.3",
            "transport": {"type": "stdio"},
        }
    ]
    assert validate_server(document).valid


def test_from_pyproject_names_the_server_after_the_repository(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "weather-mcp"\nversion = "0.4.0"\ndescription = "Weather"\n'
    folder = project(tmp_path, {"pyproject.toml": pyproject, ".git/config": GIT_CONFIG})
    code, output, document = init(folder)
    assert code == 0, output
    assert document["name"] == "io.github.alice/weather-mcp"
    packages = document["packages"]
    assert isinstance(packages, list)
    assert packages[0]["registryType"] == "pypi"
    assert "mcp-name: io.github.alice/weather-mcp" in output
    assert validate_server(document).valid


def test_pyproject_urls_give_the_repository_and_website(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "weather-mcp"\nversion = "0.4.0"\ndescription = "Weather"\n'
        "[project.urls]\n"
        'Homepage = "https://weather.example.com"\n'
        '"Source Code" = "https://github.com/bob/weather-mcp.git"\n'
    )
    folder = project(tmp_path, {"pyproject.toml": pyproject})
    facts = read_project(folder)
    assert facts.repository_url == "https://github.com/bob/weather-mcp"
    assert (facts.github_owner, facts.github_repo) == ("bob", "weather-mcp")
    assert facts.website == "https://weather.example.com"
    code, output, document = init(folder)
    assert code == 0, output
    assert document["name"] == "io.github.bob/weather-mcp"
    assert document["repository"] == {
        "url": "https://github.com/bob/weather-mcp",
        "source": "github",
    }
    assert document["websiteUrl"] == "https://weather.example.com"


def test_the_git_remote_wins_over_pyproject_urls(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "weather-mcp"\nversion = "0.4.0"\n'
        '[project.urls]\nRepository = "https://github.com/someone-else/fork"\n'
    )
    folder = project(tmp_path, {"pyproject.toml": pyproject, ".git/config": GIT_CONFIG})
    assert read_project(folder).repository_url == "https://github.com/alice/weather-mcp"


def test_dockerfile_adds_an_oci_package_and_reads_the_name_label(tmp_path: Path) -> None:
    dockerfile = 'FROM python\nLABEL io.modelcontextprotocol.server.name="io.github.alice/wx"\n'
    folder = project(tmp_path, {"Dockerfile": dockerfile, ".git/config": GIT_CONFIG})
    facts = read_project(folder)
    assert facts.mcp_name == "io.github.alice/wx"
    assert facts.packages[0]["identifier"] == "ghcr.io/alice/weather-mcp:1.0.0"
    code, output, document = init(folder)
    assert code == 0, output
    assert validate_server(document).valid


def test_an_empty_folder_gets_a_template_with_todos(tmp_path: Path) -> None:
    code, output, document = init(tmp_path)
    assert code == 0, output
    assert "TODO" in output
    assert document["name"] == "io.github.your-github-login/my-server"


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "server.json").write_text("{}")
    code, output, document = init(tmp_path)
    assert code == 2
    assert "never overwrites" in output
    assert document == {}
