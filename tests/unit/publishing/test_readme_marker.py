"""The ``mcp-name:`` README marker must name exactly the server."""

from __future__ import annotations

import pytest

from mcp_registry.plugins.readme_marker import declares_mcp_name

NAME = "io.github.alice/foo"


@pytest.mark.parametrize(
    ("text", "declared"),
    [
        (f"mcp-name: {NAME}", True),
        (f"# Foo\n\nmcp-name: {NAME}\n", True),
        (f"<p>mcp-name: {NAME}</p>", True),
        (f"mcp-name: {NAME}-evil\nlater: mcp-name: {NAME} ", True),
        (f"mcp-name: {NAME}-evil", False),
        (f"mcp-name: {NAME}.v2", False),
        (f"mcp-name:{NAME}", False),
        ("mcp-name: io.github.alice/fo", False),
        ("", False),
    ],
)
def test_marker_must_end_where_the_name_ends(text: str, declared: bool) -> None:
    assert declares_mcp_name(text, NAME) is declared
