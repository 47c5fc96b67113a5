"""Thin Falcon resources of the browse UI: ``/`` and ``/servers/{name}``.

Pages go through the same response cache and validators as the read API (ETag, 304,
``Last-Modified``, ``Surrogate-Key``), so a CDN purges them with the same keys. Errors are
pages too (404 for an unknown server, 422 for a bad cursor), not problem+json.
"""

from __future__ import annotations

from collections.abc import Callable

import falcon

from mcp_registry.services.discovery.browse.catalog import (
    TRUE_VALUES,
    BrowseQuery,
    ListView,
    ServerView,
    list_view,
    server_view,
)
from mcp_registry.services.discovery.browse.pages import render_error, render_list, render_server
from mcp_registry.services.discovery.http_cache import RenderedResponse, render_bytes
from mcp_registry.services.discovery.resources import CachedReads
from mcp_registry.shared.errors import RegistryError
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.web.paths import path_param, query_params

PAGE_MEDIA_TYPE = "text/html; charset=utf-8"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""Scripts and styles only from this registry (static files, never inline); images from
``https:`` for the icons a server.json names (the browser loads them, never the server); the
report form's script talks to this registry only."""


def page_headers(resp: falcon.Response) -> None:
    """Headers every page carries, whatever its status."""
    resp.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    resp.set_header("X-Content-Type-Options", "nosniff")
    resp.set_header("Referrer-Policy", "no-referrer")


def _error_page(resp: falcon.Response, error: RegistryError) -> None:
    resp.status = falcon.code_to_http_status(error.status)
    resp.content_type = PAGE_MEDIA_TYPE
    resp.cache_control = ["no-store"]
    resp.data = render_error(error.status, error.title, error.detail)


def _rendered(
    view: ListView | ServerView, body: bytes, seq: int, *, is_list: bool
) -> RenderedResponse:
    return render_bytes(
        body, last_modified=view.last_modified, names=view.names, seq=seq, is_list=is_list
    )


class _Page:
    def __init__(self, store: ServerStore, cached: CachedReads) -> None:
        self._store, self._cached = store, cached

    def _serve(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        produce: Callable[[int], RenderedResponse],
    ) -> None:
        page_headers(resp)
        try:
            self._cached.serve_rendered(req, resp, produce, media=PAGE_MEDIA_TYPE)
        except RegistryError as error:
            _error_page(resp, error)


class BrowseListResource(_Page):
    """``GET /``: latest servers, ``?q=`` search, ``?all=1``, ``?cursor=``."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        def produce(seq: int) -> RenderedResponse:
            view = list_view(self._store, BrowseQuery.from_params(query_params(req)))
            return _rendered(view, render_list(view), seq, is_list=True)

        self._serve(req, resp, produce)

    on_head = on_get


class BrowseServerResource(_Page):
    """``GET /servers/{name}``: every version, packages, remotes, raw JSON."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        server, params = path_param(name), query_params(req)

        def produce(seq: int) -> RenderedResponse:
            view = server_view(
                self._store,
                server,
                version=params.get("version") or None,
                show_all=(params.get("all") or "").strip().lower() in TRUE_VALUES,
            )
            return _rendered(view, render_server(view), seq, is_list=False)

        self._serve(req, resp, produce)

    on_head = on_get
