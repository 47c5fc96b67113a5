"""Thin Falcon resources of the public read API."""

from __future__ import annotations

from collections.abc import Callable

import falcon

from mcp_registry.services.discovery.answers import JSON_MEDIA, answer
from mcp_registry.services.discovery.http_cache import RenderedResponse, ResponseCache, render
from mcp_registry.services.discovery.reads import ReadResult, Reads
from mcp_registry.shared.clock import Clock
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.web.paths import path_param, query_params


class CachedReads:
    """Serve a read through the response cache with validators and caching headers."""

    def __init__(
        self, store: ServerStore, cache: ResponseCache, cache_control: str, clock: Clock
    ) -> None:
        self._store = store
        self._cache = cache
        self._cache_control = cache_control
        self._clock = clock

    def serve(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        compute: Callable[[], ReadResult],
        *,
        is_list: bool,
    ) -> None:
        # Read the time before the sequence: a change after ``now`` moves the sequence.
        now = self._clock()
        seq = self._store.change_seq()
        key = f"{req.path}?{req.query_string}"
        rendered = self._cache.get_or_render(
            key,
            seq,
            lambda: render(compute(), seq=seq, is_list=is_list, route=req.uri_template),
            self._store.changed_since,
        )
        self._apply(req, resp, rendered, rendered.dates_reliable(now))

    def serve_rendered(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        produce: Callable[[int], RenderedResponse],
        *,
        media: str,
    ) -> None:
        """Like :meth:`serve` for a body rendered elsewhere (the browse pages): ``produce``
        gets the change sequence and returns the response; cached under its own key space."""
        now = self._clock()
        seq = self._store.change_seq()
        key = f"page:{req.path}?{req.query_string}"
        rendered = self._cache.get_or_render(
            key, seq, lambda: produce(seq), self._store.changed_since
        )
        self._apply(req, resp, rendered, rendered.dates_reliable(now), media=media)

    def _apply(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        r: RenderedResponse,
        dated: bool,
        *,
        media: str = JSON_MEDIA,
    ) -> None:
        found = answer(
            r,
            accept_encoding=req.get_header("Accept-Encoding"),
            if_none_match=req.get_header("If-None-Match"),
            if_modified_since=req.get_header("If-Modified-Since"),
            dated=dated,
            cache_control=self._cache_control,
            media=media,
        )
        resp.status = found.status
        for name, value in found.headers:
            resp.set_header(name, value)
        if found.status == 200:
            resp.data = found.body


class ServersResource:
    """``GET /servers``."""

    def __init__(self, reads: Reads, cached: CachedReads) -> None:
        self._reads, self._cached = reads, cached

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = query_params(req)
        self._cached.serve(req, resp, lambda: self._reads.list_servers(params), is_list=True)

    on_head = on_get


class VersionsResource:
    """``GET /servers/{name}/versions``."""

    def __init__(self, reads: Reads, cached: CachedReads) -> None:
        self._reads, self._cached = reads, cached

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        server, params = path_param(name), query_params(req)
        self._cached.serve(
            req, resp, lambda: self._reads.list_versions(server, params), is_list=False
        )

    on_head = on_get


class VersionResource:
    """``GET /servers/{name}/versions/{version}`` (``latest`` allowed)."""

    def __init__(self, reads: Reads, cached: CachedReads) -> None:
        self._reads, self._cached = reads, cached

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str, version: str) -> None:
        server, wanted, params = path_param(name), path_param(version), query_params(req)
        self._cached.serve(
            req, resp, lambda: self._reads.get_version(server, wanted, params), is_list=False
        )

    on_head = on_get
