"""``verify-domain`` against the served registry's domains service and a local DNS server."""

from __future__ import annotations

import json

from tests.support.publisher_cli import DOMAIN, Stack, run


def test_start_check_and_list(stack: Stack) -> None:
    assert run(stack, "login", "github", "--token", "gho_alice").exit_code == 0
    started = run(stack, "verify-domain", DOMAIN)
    assert started.exit_code == 0, started.output
    assert "mcp-verify=" in started.stdout
    assert "--check" in started.stderr
    early = run(stack, "verify-domain", DOMAIN, "--check")
    assert early.exit_code == 1, early.output
    assert "Hint:" in early.stderr
    record = json.loads(run(stack, "verify-domain", DOMAIN, "--json").stdout)["record"]
    stack.dns.txt[DOMAIN] = [record["value"]]
    checked = run(stack, "verify-domain", DOMAIN, "--check", "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["state"] == "verified"
    listed = run(stack, "verify-domain", "--list")
    assert listed.stdout.split() == [DOMAIN, "verified"]


def test_verify_domain_needs_a_login(stack: Stack) -> None:
    result = run(stack, "verify-domain", DOMAIN)
    assert result.exit_code == 3
    assert "login" in result.stderr
