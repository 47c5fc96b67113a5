"""Cache hits of the public read API answered without falcon, on the server's event loop.

A held response is answered from the ASGI scope: the same freshness check as
:class:`~.resources.CachedReads` (the store's change sequence), the same status and headers
(:func:`~.answers.answer`, the CORS policy, the service header) and the same request metrics,
without building a WSGI environ, running falcon's middleware chain or crossing to a thread.
Anything else (a miss, an entry gone stale, another method or key space) is left to the app.
Only offered on the embedded SQLite store, whose freshness check is a local read.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from prometheus_client import Counter, Histogram

from mcp_registry.services.discovery.answers import ACCEL_EXPIRES, answer
from mcp_registry.services.discovery.http_cache import RenderedResponse, ResponseCache
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.web.app_base import SERVICE_HEADER
from mcp_registry.shared.web.cors import CorsPolicy
from mcp_registry.shared.web.memory_answer import RawAnswer
from mcp_registry.shared.web.metrics import UNMATCHED_ROUTE, instruments, status_class

_READS = frozenset({"GET", "HEAD"})
_WANTED = {
    b"accept-encoding": "accept_encoding",
    b"if-none-match": "if_none_match",
    b"if-modified-since": "if_modified_since",
    b"origin": "origin",
}
_FIELDS = tuple(_WANTED.values())
_ACCEL = ACCEL_EXPIRES.lower().encode()

MAX_LAID_OUT = 16
"""Distinct request conditions (coding asked for, validators, origin) laid out per entry;
beyond them an answer is laid out per request."""


class MemoryAnswers:
    """The discovery app's ``answer_from_memory`` (:mod:`mcp_registry.shared.web.memory_answer`).

    ``cache`` and ``store`` are the ones the app's :class:`~.resources.CachedReads` uses, and
    ``cache_control``, ``cors`` and ``service`` what the app sends, so an answer from here is
    the app's answer, byte for byte apart from the header order.
    """

    def __init__(
        self,
        cache: ResponseCache,
        store: ServerStore,
        *,
        cache_control: str,
        cors: CorsPolicy,
        service: str,
        clock: Clock = utcnow,
    ) -> None:
        self._cache = cache
        self._store = store
        self._cache_control = cache_control
        self._cors = cors
        self._service = service
        self._clock = clock
        self._accel: tuple[int, bytes] = (-1, b"")
        # The metric children of each (method, route, status): found once, not per request.
        self._counted: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def __call__(
        self, method: str, path: str, query: str, headers: Sequence[tuple[bytes, bytes]]
    ) -> RawAnswer | None:
        key = f"{path}?{query}"
        if method not in _READS or not self._cache.holds(key):
            return None
        started = time.perf_counter()
        found: dict[str, str] = {}
        for name, value in headers:
            field = _WANTED.get(name)
            if field is not None:
                text = value.decode("latin-1")
                # Repeated headers join like a WSGI server joins them.
                found[field] = found[field] + "," + text if field in found else text
        # The time before the sequence, as CachedReads reads them.
        now = self._clock()
        rendered = self._cache.lookup(key, self._store.change_seq(), self._store.changed_since)
        if rendered is None:
            return None
        dated = rendered.dates_reliable(now)
        if self._cors.any_origin:
            found.pop("origin", None)  # every origin gets the same answer
        conditions = (dated, *(found.get(f) for f in _FIELDS))
        laid_out = rendered.wire.get(conditions)
        if laid_out is None:
            laid_out = self._lay_out(rendered, found, dated)
            if len(rendered.wire) < MAX_LAID_OUT:
                rendered.wire[conditions] = laid_out
        status, raw, body = laid_out
        raw = [*raw, (_ACCEL, self._accel_value())]
        counted = self._counted.get((method, rendered.route, status))
        if counted is None:
            counted = self._count(method, rendered.route, status)
        counted[0].inc()
        counted[1].observe(time.perf_counter() - started)
        return status, raw, b"" if method == "HEAD" else body

    def _lay_out(self, rendered: RenderedResponse, found: dict[str, str], dated: bool) -> RawAnswer:
        """The answer for these conditions as bytes, without the per-second nginx validity."""
        reply = answer(
            rendered,
            accept_encoding=found.get("accept_encoding"),
            if_none_match=found.get("if_none_match"),
            if_modified_since=found.get("if_modified_since"),
            dated=dated,
            cache_control=self._cache_control,
        )
        out = [(n, v) for n, v in reply.headers if n != ACCEL_EXPIRES]
        vary = next((v for n, v in out if n == "Vary"), None)
        for cors_name, cors_value in self._cors.headers_for(found.get("origin"), vary):
            out = [(n, v) for n, v in out if n != cors_name]
            out.append((cors_name, cors_value))
        out.append((SERVICE_HEADER, self._service))
        raw = [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in out]
        if reply.status == 200:
            raw.append((b"content-length", str(len(reply.body)).encode()))
        return reply.status, raw, reply.body

    def _accel_value(self) -> bytes:
        second = int(time.time())
        if second != self._accel[0]:
            self._accel = (second, b"@%d" % second)
        return self._accel[1]

    def _count(self, method: str, route: str, status: int) -> tuple[Counter, Histogram]:
        label = route or UNMATCHED_ROUTE
        metrics = instruments()
        counted = (
            metrics.requests.labels(self._service, method, label, status_class(status)),
            metrics.duration.labels(self._service, label),
        )
        self._counted[(method, route, status)] = counted
        return counted
