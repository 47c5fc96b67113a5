"""validate, publish, status, search and show against a served registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.publisher_cli import Stack, run
from tests.support.server_json import MakeServerJson

NAME = "io.github.alice/weather"


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def logged_in(stack: Stack) -> Stack:
    result = run(stack, "login", "github", "--token", "gho_alice")
    assert result.exit_code == 0, result.output
    return stack


def test_publish_prints_the_url_of_the_entry(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    file = write(tmp_path / "server.json", make_server_json(name=NAME))
    result = run(logged_in, "publish", str(file))
    assert result.exit_code == 0, result.output
    url = f"{logged_in.url}/v0/servers/io.github.alice%2Fweather/versions/1.0.0"
    assert url in result.stdout
    shown = run(logged_in, "show", NAME, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["server"]["version"] == "1.0.0"


def test_publish_json_output_carries_the_item(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    file = write(tmp_path / "server.json", make_server_json(name=NAME, version="2.0.0"))
    result = run(logged_in, "publish", str(file), "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["published"] is True
    assert body["item"]["server"]["name"] == NAME


def test_publish_defaults_to_server_json_in_the_current_folder(
    logged_in: Stack, make_server_json: MakeServerJson
) -> None:
    runner_dir = logged_in.home.parent / "project"
    runner_dir.mkdir()
    write(runner_dir / "server.json", make_server_json(name=NAME))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(runner_dir)
        result = run(logged_in, "publish")
    assert result.exit_code == 0, result.output


def test_a_bad_server_json_shows_each_issue_and_publishes_nothing(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    bad = make_server_json(name=NAME, version="latest", description="")
    bad["remotes"] = [{"type": "streamable-http", "url": "http://localhost/mcp"}]
    file = write(tmp_path / "server.json", bad)
    result = run(logged_in, "publish", str(file))
    assert result.exit_code == 4
    for path in ("version", "description", "remotes[0].url"):
        assert f" {path}:" in result.stderr, result.stderr
    assert "nothing was published" in result.stderr
    assert run(logged_in, "show", NAME).exit_code == 6


def test_publish_outside_your_namespace_names_what_you_may_use(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    file = write(tmp_path / "server.json", make_server_json(name="io.github.bob/tool"))
    result = run(logged_in, "publish", str(file))
    assert result.exit_code == 3, result.output
    assert "io.github.alice/*" in result.stderr
    assert "403" in result.stderr


def test_publishing_the_same_version_twice_suggests_a_bump(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    file = write(tmp_path / "server.json", make_server_json(name=NAME))
    assert run(logged_in, "publish", str(file)).exit_code == 0
    again = run(logged_in, "publish", str(file))
    assert again.exit_code == 1
    assert "bump `version`" in again.stderr


def test_publish_without_login_says_how_to_log_in(
    stack: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    file = write(tmp_path / "server.json", make_server_json(name=NAME))
    result = run(stack, "publish", str(file))
    assert result.exit_code == 3
    assert "mcp-publisher login github" in result.stderr


def test_an_expired_token_asks_for_a_new_login(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    token_file = logged_in.home / ".config" / "mcp-publisher" / "token.json"
    data = json.loads(token_file.read_text())
    token_file.write_text(json.dumps({**data, "expires_at": 1}))
    result = run(logged_in, "publish", str(write(tmp_path / "s.json", make_server_json(name=NAME))))
    assert result.exit_code == 3
    assert "login github" in result.stderr


def test_a_missing_file_points_at_init(stack: Stack, tmp_path: Path) -> None:
    result = run(stack, "publish", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "mcp-publisher init" in result.stderr


def test_validate_runs_local_then_registry_checks(
    stack: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    good = write(tmp_path / "good.json", make_server_json(name=NAME))
    result = run(stack, "validate", str(good), "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["valid"] is True
    assert body["registry"]["valid"] is True
    human = run(stack, "validate", str(good))
    assert "is valid" in human.stdout


def test_validate_shows_each_issue_with_exit_code_4(
    stack: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    bad = write(
        tmp_path / "bad.json", make_server_json(name="no-namespace", version="^1.0", description="")
    )
    result = run(stack, "validate", str(bad))
    assert result.exit_code == 4
    assert "name:" in result.stdout
    assert "version:" in result.stdout
    assert "description:" in result.stdout
    assert "not valid" in result.stdout


def test_validate_with_the_registry_down_keeps_the_local_result(
    stack: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    good = write(tmp_path / "good.json", make_server_json(name=NAME))
    result = run(stack, "--registry", "http://127.0.0.1:9", "validate", str(good), registry=False)
    assert result.exit_code == 0, result.output
    assert "Registry check skipped" in result.stderr


def test_invalid_json_is_reported_with_its_position(stack: Stack, tmp_path: Path) -> None:
    file = tmp_path / "server.json"
    file.write_text('{"name": ')
    result = run(stack, "validate", str(file))
    assert result.exit_code == 4
    assert "line 1" in result.stderr


def test_status_deprecate_one_then_restore(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    assert (
        run(
            logged_in, "publish", str(write(tmp_path / "s.json", make_server_json(name=NAME)))
        ).exit_code
        == 0
    )
    result = run(
        logged_in, "status", NAME, "1.0.0", "--status", "deprecated", "--message", "use 2", "--yes"
    )
    assert result.exit_code == 0, result.output
    assert "deprecated" in result.stdout
    meta = json.loads(run(logged_in, "show", NAME, "1.0.0", "--json").stdout)["_meta"]
    official = meta["io.modelcontextprotocol.registry/official"]
    assert (official["status"], official["statusMessage"]) == ("deprecated", "use 2")
    restored = run(logged_in, "status", NAME, "1.0.0", "--status", "active", "--yes")
    assert restored.exit_code == 0, restored.output


def test_status_asks_for_confirmation(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    assert (
        run(
            logged_in, "publish", str(write(tmp_path / "s.json", make_server_json(name=NAME)))
        ).exit_code
        == 0
    )
    declined = run(logged_in, "status", NAME, "1.0.0", "--status", "deleted", input="n\n")
    assert declined.exit_code == 1
    assert "--yes" in declined.stderr
    accepted = run(logged_in, "status", NAME, "1.0.0", "--status", "deleted", input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert run(logged_in, "show", NAME, "1.0.0").exit_code == 6


def test_status_of_every_version(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    for version in ("1.0.0", "1.1.0"):
        doc = make_server_json(name=NAME, version=version)
        assert run(logged_in, "publish", str(write(tmp_path / "s.json", doc))).exit_code == 0
    result = run(logged_in, "status", NAME, "--all-versions", "--status", "deprecated", "--yes")
    assert result.exit_code == 0, result.output
    assert "2 version(s)" in result.stdout


def test_status_needs_a_version_or_all(logged_in: Stack) -> None:
    result = run(logged_in, "status", NAME, "--status", "deprecated", "--yes")
    assert result.exit_code == 2


def test_search_and_show_versions(
    logged_in: Stack, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    for version in ("1.0.0", "1.1.0"):
        doc = make_server_json(name=NAME, version=version)
        assert run(logged_in, "publish", str(write(tmp_path / "s.json", doc))).exit_code == 0
    found = run(logged_in, "search", "weather")
    assert found.exit_code == 0, found.output
    assert NAME in found.stdout
    assert "1.1.0" in found.stdout
    assert run(logged_in, "search", "nothing-like-this").stdout.strip() == "No servers found."
    versions = run(logged_in, "show", NAME, "--versions")
    assert "1.0.0" in versions.stdout
    assert "(latest)" in versions.stdout
    shown = run(logged_in, "show", NAME)
    assert '"name": "io.github.alice/weather"' in shown.stdout


def test_show_of_a_missing_server_is_exit_code_6(stack: Stack) -> None:
    result = run(stack, "show", "io.github.nobody/nothing")
    assert result.exit_code == 6
