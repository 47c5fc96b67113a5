"""Polling logic (device flow, domain checks), lenient answers, help and completion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from mcp_registry.cli.publisher.client import ApiError, JsonHttp
from mcp_registry.cli.publisher.domains import CheckProgress, poll_check, state_of, txt_record
from mcp_registry.cli.publisher.errors import PublisherError
from mcp_registry.cli.publisher.github_device import DeviceCode, wait_for_token
from mcp_registry.cli.publisher.main import COMMANDS, cli
from mcp_registry.cli.publisher.token_info import publish_patterns


class Scripted(JsonHttp):
    """Answers (or raises) from a script, recording what was asked."""

    def __init__(self, answers: list[Any]) -> None:
        super().__init__("http://scripted")
        self._answers: Iterator[Any] = iter(answers)
        self.calls: list[tuple[str, str]] = []

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        self.calls.append((method, path))
        answer = next(self._answers)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


CODE = DeviceCode("dc", "ABCD-1234", "https://github.invalid/login/device", 60, 1)


def test_device_flow_backs_off_on_slow_down() -> None:
    github = Scripted(
        [{"error": "authorization_pending"}, {"error": "slow_down"}, {"access_token": "gho"}]
    )
    clock = Clock()
    assert wait_for_token(github, "cid", CODE, sleep=clock.sleep, clock=clock) == "gho"
    assert clock.sleeps == [1, 1, 6]


@pytest.mark.parametrize(
    ("error", "text"), [("access_denied", "denied"), ("expired_token", "expired")]
)
def test_device_flow_stops_on_final_errors(error: str, text: str) -> None:
    clock = Clock()
    with pytest.raises(PublisherError, match=text):
        wait_for_token(Scripted([{"error": error}]), "cid", CODE, sleep=clock.sleep, clock=clock)


def test_device_flow_times_out() -> None:
    clock = Clock()
    pending = [{"error": "authorization_pending"}] * 100
    with pytest.raises(PublisherError, match="timed out"):
        wait_for_token(Scripted(pending), "cid", CODE, sleep=clock.sleep, clock=clock)


def test_txt_record_is_read_from_several_answer_shapes() -> None:
    assert txt_record({"token": "abc"}, "example.com") == ("example.com", "mcp-verify=abc")
    assert txt_record({"record": "mcp-verify=x"}, "example.com") == (
        "example.com",
        "mcp-verify=x",
    )
    assert txt_record(
        {"record": {"name": "example.com.", "type": "TXT", "value": "mcp-verify=y"}}, "d"
    ) == ("example.com.", "mcp-verify=y")
    with pytest.raises(PublisherError):
        txt_record({}, "example.com")


def test_state_of() -> None:
    assert state_of({"state": "verified"}) == "verified"
    assert state_of({"status": "pending"}) == "pending"
    assert state_of({"verified": True}) == "verified"
    assert state_of(None) == "unknown"


def test_poll_check_retries_until_verified() -> None:
    missing = ApiError(400, "Bad Request", "no TXT record mcp-verify=... at example.com")
    client = Scripted([missing, {"state": "pending"}, {"state": "verified"}])
    clock = Clock()
    waits: list[CheckProgress] = []
    answer = poll_check(
        client,
        "example.com",
        timeout=60,
        interval=5,
        on_wait=waits.append,
        sleep=clock.sleep,
        clock=clock,
    )
    assert answer == {"state": "verified"}
    assert waits[0].reason.startswith("no TXT record")
    assert [w.attempt for w in waits] == [1, 2]
    assert [w.elapsed for w in waits] == [0, 5]
    assert client.calls == [("POST", "/v0/verify-domain/check")] * 3


def test_poll_check_gives_up_on_permission_errors_and_timeouts() -> None:
    clock = Clock()
    with pytest.raises(PublisherError, match="403"):
        poll_check(
            Scripted([ApiError(403, "Forbidden", "not yours")]),
            "example.com",
            timeout=60,
            interval=5,
            on_wait=lambda _: None,
            sleep=clock.sleep,
            clock=clock,
        )
    pending = Scripted([{"state": "pending"}] * 100)
    clock = Clock()
    with pytest.raises(PublisherError, match=r"not verified after 20 s \(5 checks;"):
        poll_check(
            pending,
            "example.com",
            timeout=20,
            interval=6,
            on_wait=lambda _: None,
            sleep=clock.sleep,
            clock=clock,
        )
    assert clock.sleeps == [6, 6, 6, 2]


def test_publish_patterns_of_a_malformed_token_are_empty() -> None:
    assert publish_patterns("not-a-jwt") == []
    assert publish_patterns("a.!!!.c") == []


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_top_level_help_documents_exit_codes_and_examples() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "Exit codes" in result.output
    assert "mcp-publisher publish" in result.output


def test_shell_completion_lists_commands() -> None:
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="mcp-publisher",
        env={
            "_MCP_PUBLISHER_COMPLETE": "bash_complete",
            "COMP_WORDS": "mcp-publisher lo",
            "COMP_CWORD": "1",
        },
    )
    assert "login" in result.output
    assert "logout" in result.output


def test_the_readme_walks_through_every_command() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publishing a server", 1)[1].split("\n## ", 1)[0]
    for command in COMMANDS:
        assert f"mcp-publisher {command}" in section, command
