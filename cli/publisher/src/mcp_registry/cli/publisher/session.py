"""What every command shares: the registry URL, the stored login, the output mode.

The registry URL is, in order: ``--registry`` (or ``MCP_PUBLISHER_REGISTRY``), the registry
of the stored login, the registry last logged in to (kept after ``logout``), then
:data:`DEFAULT_REGISTRY` (the local ``./run dev`` address).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

import click
from rich.console import Console

from mcp_registry.cli.publisher import credentials
from mcp_registry.cli.publisher.client import JsonHttp
from mcp_registry.cli.publisher.errors import ExitCode, PublisherError

DEFAULT_REGISTRY = "http://127.0.0.1:8080"


@dataclass
class Session:
    """Per-invocation state, stored as the click context object."""

    registry_option: str | None = None
    json_output: bool = False
    timeout: float = 30.0
    out: Console = field(default_factory=lambda: Console(highlight=False, soft_wrap=True))
    err: Console = field(
        default_factory=lambda: Console(stderr=True, highlight=False, soft_wrap=True)
    )

    @property
    def stored(self) -> credentials.Credentials | None:
        return credentials.load()

    @property
    def registry_url(self) -> str:
        if self.registry_option:
            return self.registry_option.rstrip("/")
        stored = self.stored
        if stored is not None:
            return stored.registry_url
        return credentials.remembered_registry() or DEFAULT_REGISTRY

    def anonymous(self) -> JsonHttp:
        """A client for public calls (reads, validate, login exchanges)."""
        return JsonHttp(self.registry_url, timeout=self.timeout)

    def authenticated(self) -> JsonHttp:
        """A client carrying the stored token; explains how to log in when there is none."""
        stored = self.stored
        url = self.registry_url
        if stored is None:
            raise PublisherError(
                "you are not logged in",
                code=ExitCode.AUTH,
                hint=f"run `mcp-publisher login github --registry {url}` (or another method)",
            )
        if stored.registry_url.rstrip("/") != url:
            raise PublisherError(
                f"your login is for {stored.registry_url}, not {url}",
                code=ExitCode.AUTH,
                hint=f"run `mcp-publisher login <method> --registry {url}`",
            )
        if stored.expired():
            raise PublisherError(
                "your registry token has expired (they are short-lived)",
                code=ExitCode.AUTH,
                hint=f"run `mcp-publisher login {login_name(stored.method)}` again",
            )
        return JsonHttp(url, token=stored.token, timeout=self.timeout)

    def emit_json(self, data: Any) -> None:
        """Machine output: one JSON document on stdout."""
        click.echo(json.dumps(data, indent=2, sort_keys=False))

    def info(self, message: str) -> None:
        """Human progress to stderr, so stdout stays clean for pipes and ``--json``."""
        self.err.print(message)


def login_name(method: str) -> str:
    """The name a person types after ``login`` for the registry's ``method`` (``github-at`` is
    ``login github``); every message and ``login --list`` use it."""
    return {"github-at": "github"}.get(method, method)


def session_of(ctx: click.Context) -> Session:
    """The session of this invocation (created on demand for commands run on their own)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Session):
        root.obj = Session()
    return root.obj


def stdin_is_interactive() -> bool:
    """True when a person can answer a prompt."""
    return sys.stdin.isatty()
