"""HTTP caching of public reads: validators, Cache-Control, surrogate keys, a response cache.

A cached entry remembers the store's change sequence it was rendered at and is only served
while that sequence is current, so a reader never sees a response older than the last write
that returned (one cheap lookup per request). NATS events additionally clear the cache so
memory is released and CDN purges can be triggered.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from mcp_registry.services.discovery.reads import ReadResult
from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.metrics import record_cache_lookup

MAX_SURROGATE_HEADER = 8192
"""CDNs cap the Surrogate-Key header (Fastly: 16 KiB); stay well below."""

LIST_SURROGATE_KEY = "servers"
"""Carried by every response that lists servers; purge it on any change."""


def surrogate_key_for(name: str) -> str:
    """The surrogate key of one server name (keys are space-separated, names have no spaces)."""
    return f"server:{name}"


@dataclass(frozen=True)
class RenderedResponse:
    """A 200 response body and its headers, ready to send or to answer a conditional GET."""

    body: bytes
    etag: str
    last_modified: str | None
    last_modified_at: datetime | None
    modified_exactly: datetime | None
    surrogate_key: str
    seq: int

    def dates_reliable(self, now: datetime) -> bool:
        """Whether ``Last-Modified`` may be sent (and ``If-Modified-Since`` honoured) at ``now``.

        HTTP dates have whole seconds: a change later in the same second as the last one
        would be invisible to ``If-Modified-Since``. Once a full second has passed since the
        last change with nothing newer (the caller checked the change sequence after reading
        ``now``), any future change lands in a later second, so the date is a safe validator.
        """
        return (
            self.modified_exactly is not None
            and (now - self.modified_exactly).total_seconds() >= 1.0
        )


def render(result: ReadResult, *, seq: int, is_list: bool) -> RenderedResponse:
    """Serialize a read result once; the ETag is a hash of the exact bytes (strong)."""
    body = json.dumps(result.body, separators=(",", ":"), ensure_ascii=False).encode()
    return render_bytes(
        body, last_modified=result.last_modified, names=result.names, seq=seq, is_list=is_list
    )


def render_bytes(
    body: bytes,
    *,
    last_modified: datetime | None,
    names: tuple[str, ...],
    seq: int,
    is_list: bool,
) -> RenderedResponse:
    """A response over already-rendered ``body`` (JSON or HTML): the same validators and
    surrogate keys as :func:`render`, so pages and API answers cache alike."""
    etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    keys = [LIST_SURROGATE_KEY] if is_list else []
    size = len(LIST_SURROGATE_KEY)
    for name in names:
        key = surrogate_key_for(name)
        size += len(key) + 1
        if size > MAX_SURROGATE_HEADER:
            break
        keys.append(key)
    modified_at = last_modified.replace(microsecond=0) if last_modified else None
    return RenderedResponse(
        body=body,
        etag=etag,
        last_modified=format_datetime(modified_at, usegmt=True) if modified_at else None,
        last_modified_at=modified_at,
        modified_exactly=last_modified,
        surrogate_key=" ".join(keys),
        seq=seq,
    )


def cache_control(settings: Settings) -> str:
    """The Cache-Control value of public reads."""
    return (
        f"public, max-age={settings.cache_max_age}, s-maxage={settings.cache_s_maxage}, "
        f"stale-while-revalidate={settings.cache_stale_while_revalidate}"
    )


def etag_matches(etag: str, if_none_match: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison: a ``W/`` prefix matches)."""
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def not_modified(
    rendered: RenderedResponse,
    if_none_match: str | None,
    if_modified_since: str | None,
    *,
    dates_reliable: bool = True,
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only when it is absent
    (and only when the date is a reliable validator, see :meth:`RenderedResponse.dates_reliable`).
    """
    if if_none_match is not None:
        return etag_matches(rendered.etag, if_none_match)
    if dates_reliable and if_modified_since is not None and rendered.last_modified_at is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return rendered.last_modified_at <= since
    return False


DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Body bytes one worker's response cache may hold. A list page of 100 entries is ~100 KB, so
the entry count alone would let a full sync of a large catalog grow every worker by hundreds of
megabytes; with this budget a worker's memory stops growing with the catalog."""


class ResponseCache:
    """An LRU of rendered responses, valid only at the change sequence they saw.

    Bounded twice: at most ``max_entries`` responses and at most ``max_bytes`` of bodies
    (least recently used entries leave first; a body larger than the budget is not kept).
    Lookups are counted in ``hits``/``misses`` and in the process's metrics.
    """

    def __init__(self, max_entries: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[str, RenderedResponse] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(
        self, key: str, seq: int, produce: Callable[[], RenderedResponse]
    ) -> RenderedResponse:
        """The cached response for ``key`` at ``seq``, else ``produce()`` (then cached)."""
        if self._max <= 0:
            return produce()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.seq == seq:
                self._entries.move_to_end(key)
                self.hits += 1
                record_cache_lookup(hit=True)
                return entry
        self.misses += 1
        record_cache_lookup(hit=False)
        rendered = produce()
        if len(rendered.body) > self._max_bytes:
            return rendered
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._entries[key] = rendered
            self._bytes += len(rendered.body)
            while len(self._entries) > self._max or self._bytes > self._max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)
        return rendered

    @property
    def size_bytes(self) -> int:
        """Body bytes held now."""
        return self._bytes

    def clear(self) -> None:
        """Drop every entry (on a change event)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
