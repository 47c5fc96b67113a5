"""A login whose every publish namespace is blocked still gets its token, and is told so."""

from __future__ import annotations

from mcp_registry.shared.config import Settings
from tests.support.identity import MakeClient

ANONYMOUS = "io.modelcontextprotocol.anonymous/*"


def test_a_login_whose_only_grants_are_blocked_says_so(
    settings: Settings, make_client: MakeClient
) -> None:
    identity = make_client(settings, blocks=(("io.modelcontextprotocol.*", "abuse from bots"),))
    result = identity.login("none")
    assert result.status_code == 200, result.text
    (warning,) = result.json["warnings"]
    assert "blocked" in warning
    assert "io.modelcontextprotocol.* (abuse from bots)" in warning


def test_a_login_with_an_open_namespace_has_no_warning(
    settings: Settings, make_client: MakeClient
) -> None:
    identity = make_client(settings, blocks=(("io.github.someone/*", "spam"),))
    result = identity.login("none")
    assert result.status_code == 200, result.text
    assert "warnings" not in result.json
