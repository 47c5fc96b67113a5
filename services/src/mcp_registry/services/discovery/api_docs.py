"""``GET /docs``: a self-contained page listing the public routes and linking the OpenAPI
document (no scripts, no external resources; the Content-Security-Policy enforces it)."""

from __future__ import annotations

from html import escape

import falcon

from mcp_registry.services.route_table import PUBLIC_ROUTES, Route
from mcp_registry.shared.web.openapi import OPENAPI_PATH

DOCS_PATH = "/docs"

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #ddd; }
code { font-family: ui-monospace, monospace; }
"""


def _row(route: Route) -> str:
    prefixes = " ".join(f"<code>{escape(p)}</code>" for p in route.prefixes if p)
    return (
        "<tr>"
        f"<td><code>{escape(', '.join(route.methods))}</code></td>"
        f"<td>{prefixes}</td>"
        f"<td><code>{escape(route.path)}</code></td>"
        f"<td>{escape(route.service)}</td>"
        "</tr>"
    )


def render_docs(routes: tuple[Route, ...] = PUBLIC_ROUTES) -> str:
    """The page's HTML: one table row per route."""
    rows = "\n".join(_row(route) for route in routes)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MCP Registry API</title>
<style>{STYLE}</style>
</head>
<body>
<h1>MCP Registry API</h1>
<p>The full description, with parameters, bodies and response schemas:
<a href="{OPENAPI_PATH}">OpenAPI 3.1 document (<code>{OPENAPI_PATH}</code>)</a>.
Server names travel URL-encoded in paths (<code>io.github.alice%2Fweather</code>);
errors are <code>application/problem+json</code>.</p>
<table>
<thead><tr><th>Methods</th><th>Prefixes</th><th>Path</th><th>Service</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
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
        resp.cache_control = ["public", "max-age=300"]

    on_head = on_get
