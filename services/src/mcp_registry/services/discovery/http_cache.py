"""HTTP caching of public reads: validators, Cache-Control, surrogate keys, a response cache.

A cached entry is only served while nothing it depends on has changed: every lookup reads the
store's change sequence (one cheap lookup), and when it moved the cache asks the store which
records changed since and drops the entries whose :class:`~.cache_scope.Scope` they touch, so
a reader never sees a response older than the last write that returned, and a publish leaves
the responses it does not change in place.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import orjson

from mcp_registry.services.discovery import encodings
from mcp_registry.services.discovery.cache_scope import EVERYTHING, ChangedName, Scope
from mcp_registry.services.discovery.reads import ReadResult
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.records import ServerRecord
from mcp_registry.shared.storage.search_text import SEPARATOR
from mcp_registry.shared.web.metrics import record_cache_lookup

Changes = Callable[[int, int], list[ServerRecord] | None]
"""``ServerStore.changed_since``: the records changed after a sequence, None past a limit."""

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
    scope: Scope = EVERYTHING
    route: str = ""
    """The route template that rendered it (labels the metrics of a hit served from memory)."""
    _encoded: dict[str, tuple[bytes, str]] = field(default_factory=dict, compare=False, repr=False)
    wire: dict[tuple[object, ...], Any] = field(default_factory=dict, compare=False, repr=False)
    """Answers already laid out for the wire, by request conditions (kept by
    :class:`~.memory_answers.MemoryAnswers`; it lives and goes with the entry)."""

    def representation(self, coding: str) -> tuple[bytes, str, str]:
        """``(body, etag, coding)`` of the representation to send for a chosen ``coding``.

        Each coding is computed once per rendered response and kept with it (the cache holds
        the compressed bytes). Small bodies are always sent as identity.
        """
        if coding == encodings.IDENTITY or len(self.body) < encodings.MIN_COMPRESSED_SIZE:
            return self.body, self.etag, encodings.IDENTITY
        known = self._encoded.get(coding)
        if known is None:
            # Two threads may both encode once; the results are identical bytes.
            known = (encodings.encode(self.body, coding), encodings.variant_etag(self.etag, coding))
            self._encoded[coding] = known
        return known[0], known[1], coding

    @property
    def size(self) -> int:
        """Bytes held: the identity body and every encoded one made so far."""
        return len(self.body) + sum(len(body) for body, _ in self._encoded.values())

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


def encode_json(body: Any) -> bytes:
    """Compact UTF-8 JSON; orjson (which embeds ``orjson.Fragment`` values as they are), or
    the standard library for what orjson refuses (integers beyond 64 bits). A body of
    :class:`ReadResult` never needs that fallback: its documents are fragments already."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def render(
    result: ReadResult, *, seq: int, is_list: bool, route: str | None = None
) -> RenderedResponse:
    """Serialize a read result once; the ETag is a hash of the exact bytes (strong)."""
    if result.scope is not None:
        scope = result.scope
    elif is_list:
        scope = EVERYTHING
    else:
        scope = Scope(names=frozenset(result.names)) if result.names else EVERYTHING
    return render_bytes(
        encode_json(result.body),
        last_modified=result.last_modified,
        names=result.names,
        seq=seq,
        is_list=is_list,
        scope=scope,
        route=route or "",
    )


def render_bytes(
    body: bytes,
    *,
    last_modified: datetime | None,
    names: tuple[str, ...],
    seq: int,
    is_list: bool,
    scope: Scope = EVERYTHING,
    route: str = "",
) -> RenderedResponse:
    """A response over already-rendered ``body`` (JSON or HTML): the same validators and
    surrogate keys as :func:`render`, so pages and API answers cache alike.

    Surrogate keys: a list carries only :data:`LIST_SURROGATE_KEY` (every change purges it),
    a detail response the keys of the names it shows. ``scope`` says which changes make the
    response stale (default: any).
    """
    # SHA-256 (OpenSSL) hashes a page of 100 (~100 KB) in half the time of hashlib's BLAKE2b on
    # Python 3.11 where the CPU has SHA instructions, and no slower where it has not; 16 bytes
    # of it are plenty for a validator.
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if is_list:
        surrogate = LIST_SURROGATE_KEY
    else:
        keys: list[str] = []
        size = 0
        for name in names:
            key = surrogate_key_for(name)
            size += len(key) + 1
            if size > MAX_SURROGATE_HEADER:
                break
            keys.append(key)
        surrogate = " ".join(keys)
    modified_at = last_modified.replace(microsecond=0) if last_modified else None
    return RenderedResponse(
        body=body,
        etag=etag,
        last_modified=format_datetime(modified_at, usegmt=True) if modified_at else None,
        last_modified_at=modified_at,
        modified_exactly=last_modified,
        surrogate_key=surrogate,
        seq=seq,
        scope=scope,
        route=route,
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
    etag: str | None = None,
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only when it is absent
    (and only when the date is a reliable validator, see :meth:`RenderedResponse.dates_reliable`).

    ``etag`` is the entity tag of the representation chosen for this request (each content
    coding has its own); default: the identity one.
    """
    if if_none_match is not None:
        return etag_matches(etag or rendered.etag, if_none_match)
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


CHANGES_LIMIT = 1000
"""Past this many changed records since the last look, the cache empties instead."""


class ResponseCache:
    """An LRU of rendered responses, kept across writes that do not change them.

    The cache is *at* a change sequence: its entries are correct as of that sequence. A lookup
    at a greater sequence first catches up: with ``changes`` (the store's ``changed_since``)
    it drops only the entries a changed record affects (see :mod:`.cache_scope`), without it
    (or past :data:`CHANGES_LIMIT` records) it drops everything. A response rendered at an
    older sequence than the cache is at is served but not kept.

    Bounded twice: at most ``max_entries`` responses and at most ``max_bytes`` of bodies
    (least recently used entries leave first; a body larger than the budget is not kept).
    Lookups are counted in ``hits``/``misses`` and in the process's metrics; ``dropped``
    counts entries a write invalidated.
    """

    def __init__(self, max_entries: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[str, RenderedResponse] = OrderedDict()
        self._sizes: dict[str, int] = {}
        # Which entries a change can affect, found without asking each of them (a catch-up
        # runs on the event loop, before a held read is answered): detail responses under
        # their names, the ones that depend on everything, and listings both under the names
        # they show and grouped by their normalized search term (None: no term). A changed
        # record is compared once with each distinct term; only the listings of a term it
        # matches, or showing its name, ask their scope.
        self._by_name: dict[str, set[str]] = {}
        self._listed_by_name: dict[str, set[str]] = {}
        self._everything: set[str] = set()
        self._listings: dict[str | None, set[str]] = {}
        self._lock = threading.Lock()
        self._seq: int | None = None
        self.hits = 0
        self.misses = 0
        self.dropped = 0

    def get_or_render(
        self,
        key: str,
        seq: int,
        produce: Callable[[], RenderedResponse],
        changes: Changes | None = None,
    ) -> RenderedResponse:
        """The cached response for ``key`` as of ``seq``, else ``produce()`` (then cached).

        ``produce`` must render at ``seq`` or later (read ``seq`` before the data).
        """
        if self._max <= 0:
            return produce()
        with self._lock:
            self._catch_up(seq, changes)
            entry = self._entries.get(key)
            if entry is not None:
                self._touch(key, entry)
                record_cache_lookup(hit=True)
                return entry
        self.misses += 1
        record_cache_lookup(hit=False)
        rendered = produce()
        if len(rendered.body) > self._max_bytes:
            return rendered
        with self._lock:
            self._catch_up(rendered.seq, changes)
            if rendered.seq != self._seq:
                return rendered  # older than what the cache already reflects
            self._remove(key)
            self._add(key, rendered)
            self._evict()
        return rendered

    def lookup(self, key: str, seq: int, changes: Changes | None = None) -> RenderedResponse | None:
        """The entry for ``key`` if it is valid as of ``seq`` (counted as a hit), else None
        (not counted: the caller goes on to :meth:`get_or_render`, which counts the miss)."""
        if self._max <= 0:
            return None
        with self._lock:
            self._catch_up(seq, changes)
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._touch(key, entry)
        record_cache_lookup(hit=True)
        return entry

    def _touch(self, key: str, entry: RenderedResponse) -> None:
        # Under the lock: a hit moves to the back, and the bytes of codings added since the
        # last look are counted now (a body grows once per coding the first requests ask for).
        self._entries.move_to_end(key)
        size = entry.size
        if size != self._sizes[key]:
            self._bytes += size - self._sizes[key]
            self._sizes[key] = size
            self._evict()
        self.hits += 1

    def catch_up(self, seq: int, changes: Changes | None) -> None:
        """Drop what changed up to ``seq`` now (on a change event: memory goes promptly)."""
        with self._lock:
            self._catch_up(seq, changes)

    def _catch_up(self, seq: int, changes: Changes | None) -> None:
        if self._seq is not None and seq <= self._seq:
            return
        if self._seq is None or not self._entries:
            self._seq = seq
            return
        changed = changes(self._seq, CHANGES_LIMIT) if changes is not None else None
        if changed is None:
            self.dropped += len(self._entries)
            self._clear()
        else:
            by_name: defaultdict[str, list[ServerRecord]] = defaultdict(list)
            for record in changed:
                by_name[record.name].append(record)
            names = [ChangedName.of(name, records) for name, records in by_name.items()]
            stale = set(self._everything)
            candidates: set[str] = set()  # listings that ask their scope
            for name in by_name:
                stale.update(self._by_name.get(name, ()))
                candidates.update(self._listed_by_name.get(name, ()))
            # A normalized term never holds the separator: a substring of the joined texts is
            # a substring of one record's text.
            texts = SEPARATOR.join(text for changed_name in names for text in changed_name.texts)
            for needle, keys in self._listings.items():
                if needle is None or needle in texts:
                    candidates.update(keys)
                # else no changed record matches the term: only the listings showing a
                # changed name (found above) can move
            for key in candidates:
                scope = self._entries[key].scope
                for changed_name in names:
                    if scope.affected_by(changed_name):
                        stale.add(key)
                        break
            for key in stale:
                self._remove(key)
            self.dropped += len(stale)
        self._seq = seq

    def _add(self, key: str, rendered: RenderedResponse) -> None:
        self._entries[key] = rendered
        self._sizes[key] = rendered.size
        self._bytes += rendered.size
        scope = rendered.scope
        if scope.everything:
            self._everything.add(key)
            return
        names = self._listed_by_name if scope.listing else self._by_name
        for name in scope.names:
            names.setdefault(name, set()).add(key)
        if scope.listing and not scope.matches_nothing:
            self._listings.setdefault(scope.needle, set()).add(key)

    def _remove(self, key: str) -> None:
        rendered = self._entries.pop(key, None)
        if rendered is None:
            return
        self._bytes -= self._sizes.pop(key)
        scope = rendered.scope
        if scope.everything:
            self._everything.discard(key)
            return
        names = self._listed_by_name if scope.listing else self._by_name
        for name in scope.names:
            _discard(names, name, key)
        if scope.listing and not scope.matches_nothing:
            _discard(self._listings, scope.needle, key)

    def _evict(self) -> None:
        while self._entries and (len(self._entries) > self._max or self._bytes > self._max_bytes):
            self._remove(next(iter(self._entries)))

    def holds(self, key: str) -> bool:
        """Whether an entry for ``key`` is held (fresh or not: a lookup decides that)."""
        return key in self._entries

    def peek(self, key: str) -> RenderedResponse | None:
        """The entry held for ``key``, if any, without counting a lookup or catching up."""
        with self._lock:
            return self._entries.get(key)

    @property
    def size_bytes(self) -> int:
        """Body bytes held now."""
        return self._bytes

    def clear(self) -> None:
        """Drop every entry (after a reconnection to NATS: events may have been missed)."""
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self._entries.clear()
        self._sizes.clear()
        self._by_name.clear()
        self._listed_by_name.clear()
        self._everything.clear()
        self._listings.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def _discard(index: dict[Any, set[str]], group: Any, key: str) -> None:
    """Remove ``key`` from ``index[group]``, and the group once empty."""
    keys = index.get(group)
    if keys is not None:
        keys.discard(key)
        if not keys:
            del index[group]
