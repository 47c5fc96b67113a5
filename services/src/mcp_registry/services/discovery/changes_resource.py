"""``GET /v0.1/x/<namespace>/changes``: the change feed, long polls included (thin resource)."""

from __future__ import annotations

import hashlib
import json

import falcon

from mcp_registry.services.discovery.change_feed import FeedQuery, feed_page, parse_feed_query
from mcp_registry.services.discovery.change_signal import ChangeSignal
from mcp_registry.shared.storage.changes_port import ChangeLog, ChangeRecord
from mcp_registry.shared.web.paths import query_params

FULL_PAGE_CACHE_CONTROL = "public, max-age=86400, immutable"
"""A full page never changes: its changes and their snapshots are fixed once appended."""

HEAD_CACHE_CONTROL = "public, max-age=0, must-revalidate"
"""The head of the feed grows at any moment: caches revalidate (cheaply, by ETag)."""

FEED_SURROGATE_KEY = "changes"


class ChangesResource:
    """Reads the change log; an empty answer with ``wait`` waits for the signal first."""

    def __init__(self, log: ChangeLog, signal: ChangeSignal) -> None:
        self._log = log
        self._signal = signal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        query = parse_feed_query(query_params(req))
        changes = self._read(query)
        body = json.dumps(feed_page(query, changes), separators=(",", ":"), ensure_ascii=False)
        data = body.encode()
        etag = '"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '"'
        resp.set_header("ETag", etag)
        full = len(changes) == query.limit
        resp.set_header("Cache-Control", FULL_PAGE_CACHE_CONTROL if full else HEAD_CACHE_CONTROL)
        resp.set_header("Surrogate-Key", FEED_SURROGATE_KEY)
        resp.vary = ["Accept-Encoding"]
        match = req.get_header("If-None-Match")
        if match is not None and etag in [t.strip().removeprefix("W/") for t in match.split(",")]:
            resp.status = falcon.HTTP_304
            return
        resp.content_type = falcon.MEDIA_JSON
        resp.data = data

    on_head = on_get

    def _read(self, query: FeedQuery) -> list[ChangeRecord]:
        changes = self._log.read(query.since, query.limit)
        if changes or query.wait <= 0:
            return changes
        found: list[ChangeRecord] = []

        def arrived() -> bool:
            found[:] = self._log.read(query.since, query.limit)
            return bool(found)

        self._signal.wait_until(arrived, query.wait)
        return found
