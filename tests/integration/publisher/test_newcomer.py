"""The rough edges a newcomer met: registry URLs as pasted, validate's honesty, logout,
``show --include-deleted``, piped ``search``, ``login none`` where it is off."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mcp_registry.services.runtime.apps import build_composed
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.config import Settings
from tests.support.publisher_cli import JWT_SEED, Stack, run
from tests.support.server_json import server_json
from tests.support.wsgi_server import served

NAME = "io.github.alice/weather"
LONG_NAME = "io.github.alice/" + "a-rather-long-server-name-that-a-table-would-cut-" * 2 + "x"


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    "suffix", ["/v0", "/v0/", "/v0.1", "/v0.1/", "/", "//"], ids=lambda s: s or "none"
)
def test_registry_urls_with_an_api_suffix_or_slashes_work(
    stack: Stack, tmp_path: Path, suffix: str
) -> None:
    good = write(tmp_path / "server.json", server_json(name=NAME))
    result = run(
        stack, "--registry", stack.url + suffix, "validate", str(good), "--json", registry=False
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["registry"]["valid"] is True
    assert body["registry_skipped"] is None


def test_a_registry_url_without_a_scheme_is_http_on_loopback(stack: Stack) -> None:
    bare = stack.url.removeprefix("http://")
    result = run(stack, "--registry", bare, "search", "--json", registry=False)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("url", ["ftp://registry.example.com", "https://r.example.com/?x=1"])
def test_a_url_that_cannot_be_a_registry_is_refused(stack: Stack, url: str) -> None:
    result = run(stack, "--registry", url, "search", registry=False)
    assert result.exit_code == 2
    assert "--registry" in result.stderr
    assert "e.g. https://registry.example.com" in result.stderr


def test_login_hint_names_the_normalised_url(stack: Stack, tmp_path: Path) -> None:
    good = write(tmp_path / "server.json", server_json(name=NAME))
    result = run(stack, "--registry", stack.url + "/v0/", "publish", str(good), registry=False)
    assert result.exit_code == 3
    assert f"--registry {stack.url}`" in result.stderr


def test_validate_says_when_the_registry_check_was_skipped(stack: Stack, tmp_path: Path) -> None:
    good = write(tmp_path / "server.json", server_json(name=NAME))
    # Not a registry at that path: its 404 is not the file's fault.
    wrong = run(
        stack, "--registry", stack.url + "/somewhere", "validate", str(good), registry=False
    )
    assert wrong.exit_code == 0, wrong.output
    assert "Registry check skipped" in wrong.stderr
    assert "404" in wrong.stderr
    assert "passes the local checks" in wrong.stdout
    assert "is valid" not in wrong.stdout
    assert "checked only when you publish" in wrong.stderr
    strict = run(
        stack,
        "--registry",
        "http://127.0.0.1:9",
        "validate",
        str(good),
        "--strict",
        registry=False,
    )
    assert strict.exit_code == 5
    assert "--strict" in strict.stderr
    fine = run(stack, "validate", str(good), "--strict")
    assert fine.exit_code == 0, fine.output
    assert "checked only when you publish" in fine.stderr
    machine = json.loads(run(stack, "validate", str(good), "--json").stdout)
    assert machine["ownership_checked"] is False


def test_logout_keeps_the_remembered_registry(stack: Stack) -> None:
    assert run(stack, "login", "none").exit_code == 0
    out = run(stack, "logout", registry=False)
    assert out.exit_code == 0
    assert stack.url in out.stdout
    # Still the same registry without --registry, now anonymously.
    listed = run(stack, "search", "--json", registry=False)
    assert listed.exit_code == 0, listed.output
    again = run(stack, "login", "none", registry=False)
    assert again.exit_code == 0, again.output
    assert stack.url in again.stdout


def test_show_include_deleted(stack: Stack, tmp_path: Path) -> None:
    assert run(stack, "login", "github", "--token", "gho_alice").exit_code == 0
    for version in ("1.0.0", "1.1.0"):
        assert (
            run(
                stack,
                "publish",
                str(write(tmp_path / "s.json", server_json(name=NAME, version=version))),
            ).exit_code
            == 0
        )
    deleted = run(stack, "status", NAME, "1.0.0", "--status", "deleted", "--yes")
    assert deleted.exit_code == 0, deleted.output
    assert "1.0.0" not in run(stack, "show", NAME, "--versions").stdout
    every = run(stack, "show", NAME, "--versions", "--include-deleted")
    assert every.exit_code == 0, every.output
    assert re.search(r"^1\.0\.0\s+deleted", every.stdout, re.M)
    assert run(stack, "show", NAME, "1.0.0").exit_code == 6
    shown = run(stack, "show", NAME, "1.0.0", "--include-deleted")
    assert shown.exit_code == 0, shown.output
    assert "deleted" in shown.stdout


def test_piped_search_prints_full_names(stack: Stack, tmp_path: Path) -> None:
    assert run(stack, "login", "github", "--token", "gho_alice").exit_code == 0
    doc = server_json(name=LONG_NAME, description="Forecasts " * 9)
    assert run(stack, "publish", str(write(tmp_path / "s.json", doc))).exit_code == 0
    found = run(stack, "search", "rather-long")
    assert found.exit_code == 0, found.output
    name, version, status, description = found.stdout.rstrip("\n").split("\t")
    assert (name, version, status) == (LONG_NAME, "1.0.0", "active")
    assert description == ("Forecasts " * 9).strip()


def test_search_help_says_what_is_matched(stack: Stack) -> None:
    text = " ".join(run(stack, "search", "--help").stdout.split())
    assert "the server's name, title and description and its packages' identifiers" in text


@pytest.fixture
def closed_registry(tmp_path: Path) -> Iterator[str]:
    """A registry with its default settings: anonymous login is off."""
    settings = Settings(
        data_dir=str(tmp_path / "closed"),
        database_url=f"sqlite:///{tmp_path / 'closed.db'}",
        jwt_private_key=JWT_SEED,
        enable_registry_validation=False,
    )
    deps = ProcessDeps(settings)
    try:
        with served(build_composed(deps)) as url:
            yield url
    finally:
        deps.close()


def test_login_none_where_it_is_off_names_the_setting(stack: Stack, closed_registry: str) -> None:
    result = run(stack, "--registry", closed_registry, "login", "none", registry=False)
    assert result.exit_code == 3
    assert "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH=true" in result.stderr


def test_messages_use_the_method_names_of_login_list(stack: Stack) -> None:
    result = run(stack, "login", "github", "--token", "gho_alice")
    assert result.exit_code == 0, result.output
    assert "with github." in result.stdout
    assert "github-at" not in result.output
    bad = run(stack, "login", "github", "--token", "gho_nobody")
    assert "login with github failed" in bad.stderr
