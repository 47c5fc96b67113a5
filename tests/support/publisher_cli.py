"""The publisher CLI against a served registry: the stack it runs against and how to run it.

The publisher folder's ``stack`` fixture serves the composed registry on loopback with its
upstreams pointed at local fakes; :func:`run` invokes ``mcp-publisher`` in-process (click's
runner) with ``HOME``/``XDG_CONFIG_HOME`` in the stack's temporary folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from mcp_registry.cli.publisher.main import cli
from tests.support.dns_server import LocalDns
from tests.support.fake_github import FakeGitHub
from tests.support.local_http import Answer, Seen
from tests.support.oidc_issuer import OidcIssuer

DOMAIN = "example.com"
CLIENT_ID = "Iv1.test-client"
ADMIN_AUDIENCE = "registry-admin"


@dataclass
class WellKnown:
    """The domain's web server: ``/.well-known/mcp-registry-auth`` answers ``body``."""

    body: str = ""

    def respond(self, seen: Seen) -> Answer:
        if seen.path == "/.well-known/mcp-registry-auth" and self.body:
            return Answer(200, self.body.encode(), {"Content-Type": "text/plain"})
        return Answer(404, b"not found")


JWT_SEED = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
"""The signing key the publisher stack runs with (tests mint tokens with it too)."""


@dataclass
class Stack:
    """The served registry and its fakes."""

    url: str
    github: FakeGitHub
    github_url: str
    actions: OidcIssuer
    google: OidcIssuer
    gitlab: OidcIssuer
    dns: LocalDns
    web: WellKnown
    home: Path


def run(
    stack: Stack,
    *args: str,
    env: dict[str, str | None] | None = None,
    input: str | None = None,
    registry: bool = True,
) -> Result:
    """``mcp-publisher ARGS`` against the stack, with the test's own config home."""
    environment: dict[str, str | None] = {
        "HOME": str(stack.home),
        "XDG_CONFIG_HOME": str(stack.home / ".config"),
        "MCP_PUBLISHER_REGISTRY": None,
        "MCP_GITHUB_TOKEN": None,
        "MCP_OIDC_TOKEN": None,
        "MCP_PUBLISHER_PRIVATE_KEY": None,
        "MCP_PUBLISHER_GITHUB_URL": None,
        "ACTIONS_ID_TOKEN_REQUEST_URL": None,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": None,
        **(env or {}),
    }
    argv: Sequence[str] = ["--registry", stack.url, *args] if registry else list(args)
    return CliRunner().invoke(cli, list(argv), env=environment, input=input)
