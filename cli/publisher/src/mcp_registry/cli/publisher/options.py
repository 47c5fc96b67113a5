"""Options every command accepts, wherever they are placed on the command line.

``--registry`` and ``--json`` work before the command (``mcp-publisher --registry URL login
github``) and after it (``mcp-publisher login github --registry URL``), as the official
publisher's users type them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from mcp_registry.cli.publisher.registry_url import RegistryUrlError, normalize_registry_url
from mcp_registry.cli.publisher.session import session_of

F = TypeVar("F", bound=Callable[..., Any])


def _set_registry(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        try:
            session_of(ctx).registry_option = normalize_registry_url(value)
        except RegistryUrlError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def _set_json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        session_of(ctx).json_output = True


def registry_option(func: F) -> F:
    """``--registry URL`` (env ``MCP_PUBLISHER_REGISTRY``)."""
    return click.option(
        "--registry",
        metavar="URL",
        envvar="MCP_PUBLISHER_REGISTRY",
        expose_value=False,
        is_eager=True,
        callback=_set_registry,
        help=(
            "Registry base URL, e.g. https://registry.example.com (a /v0 or /v0.1 suffix and "
            "trailing slashes are dropped; default: the one you last logged in to)."
        ),
    )(func)


def json_option(func: F) -> F:
    """``--json``: one JSON document on stdout instead of human output."""
    return click.option(
        "--json",
        "json_output",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_json,
        help="Print machine-readable JSON on stdout.",
    )(func)


def common_options(func: F) -> F:
    """Both of the above."""
    return registry_option(json_option(func))
