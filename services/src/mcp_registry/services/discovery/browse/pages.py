"""Render the browse pages with Jinja2; every value from a server.json is autoescaped.

Templates live in ``templates/`` beside this module and are shipped as package data. The
environment is built once per process; rendering a page is a few milliseconds, and the
response cache keeps the result until the store's change sequence moves.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from mcp_registry.services.discovery.browse.catalog import ListView, ServerView, server_link

STATIC_PREFIX = "/static"
"""Where the pages' stylesheet and script are served (see :mod:`.assets`)."""


@cache
def environment() -> Environment:
    """The template environment: autoescaping always on, undefined names are errors."""
    env = Environment(
        loader=PackageLoader("mcp_registry.services.discovery.browse", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = STATIC_PREFIX
    env.globals["server_link"] = server_link
    return env


def _render(template: str, **context: Any) -> bytes:
    return environment().get_template(template).render(**context).encode()


def render_list(view: ListView) -> bytes:
    """The list page (``/``)."""
    return _render("list.html", view=view, query=view.query)


def render_server(view: ServerView) -> bytes:
    """A server's page (``/servers/{name}``)."""
    return _render("server.html", view=view)


def render_error(status: int, title: str, detail: str) -> bytes:
    """An error page in the UI's look (404 for an unknown server, 422 for a bad cursor)."""
    return _render("error.html", status=status, title=title, detail=detail)
