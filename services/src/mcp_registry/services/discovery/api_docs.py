"""``GET /docs``: an interactive reference of ``/openapi.yaml`` (Swagger UI, try-it-out
against this registry), with every asset served from here.

Swagger UI's files come from the installed ``swagger-ui-py`` distribution; the page and its
start-up script are ours (no inline script: the Content-Security-Policy allows scripts from
this origin only, and requests only to this origin, so "try it out" reaches this registry and
nothing else; validator badges and CDNs are off).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

import falcon

from mcp_registry.services.discovery.browse.assets import AssetsResource, directory_files
from mcp_registry.shared.web.openapi import (
    OPENAPI_JSON_PATH,
    OPENAPI_PATH,
    openapi_inlined_json,
)

DOCS_PATH = "/docs"
DOCS_ASSETS_PATH = "/docs/{file}"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""Swagger UI sets inline style attributes and uses data: SVG icons; nothing else is
relaxed."""

SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")
"""The two files of Swagger UI the page needs (the standalone preset's top bar is left out)."""

OWN_FILES = ("docs.js", "docs.css")

INLINED_DOCUMENT = "openapi.json"
"""``/docs/openapi.json``: the document with references inlined, what the page loads (see
:func:`~mcp_registry.shared.web.openapi.openapi_inlined_json`)."""
"""Our start-up script and style, next to the browse UI's static files."""


def swagger_directory() -> Traversable:
    """Swagger UI's static directory inside the installed ``swagger_ui`` package."""
    return resources.files("swagger_ui").joinpath("static")


def own_directory() -> Traversable:
    """The browse UI's static directory (which also holds the docs page's own files)."""
    return resources.files("mcp_registry.services.discovery.browse").joinpath("static")


def render_docs() -> str:
    """The page: Swagger UI mounts into ``#swagger-ui``; a fallback links the document."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>MCP Registry API reference</title>
<link rel="stylesheet" href="{DOCS_PATH}/swagger-ui.css">
<link rel="stylesheet" href="{DOCS_PATH}/docs.css">
<script src="{DOCS_PATH}/swagger-ui-bundle.js" defer></script>
<script src="{DOCS_PATH}/docs.js" defer></script>
</head>
<body>
<header class="site">
<a class="brand" href="/">MCP Registry</a>
<nav><a href="/">Servers</a><a href="{DOCS_PATH}">API reference</a>
<a href="{OPENAPI_PATH}">OpenAPI (YAML)</a><a href="{OPENAPI_JSON_PATH}">JSON</a></nav>
</header>
<div id="swagger-ui" data-spec-url="{DOCS_PATH}/{INLINED_DOCUMENT}">
<noscript><p class="fallback">The interactive reference needs JavaScript. The
<a href="{OPENAPI_PATH}">OpenAPI 3.1 document (<code>{OPENAPI_PATH}</code>)</a> describes
every route, parameter and response.</p></noscript>
</div>
</body>
</html>
"""


class DocsResource:
    """Serve :func:`render_docs`, rendered once."""

    def __init__(self) -> None:
        self._page = render_docs().encode()

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The page."""
        resp.data = self._page
        resp.content_type = falcon.MEDIA_HTML
        resp.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.cache_control = ["public", "max-age=300"]

    on_head = on_get


def docs_assets() -> AssetsResource:
    """``/docs/{file}``: Swagger UI's bundle and stylesheet, and our start-up files."""
    files = {
        **directory_files(swagger_directory(), SWAGGER_FILES),
        **directory_files(own_directory(), OWN_FILES),
    }
    inlined = openapi_inlined_json()
    return AssetsResource(files, generated={INLINED_DOCUMENT: (inlined, falcon.MEDIA_JSON)})
