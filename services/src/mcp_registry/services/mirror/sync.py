"""One pull from the upstream, resuming where the last one stopped.

Progress (saved after every page, so an interrupted pull resumes there) per upstream:
``initialized`` (the first full pull finished), ``mode`` (``feed`` or ``updated_since``),
``feedToken``, ``updatedSince`` (the newest ``updatedAt`` seen), ``cursor`` (mid-way through a
paged pull), ``lastSync``, ``lastAttempt``, ``lastError``, ``failures`` in a row, and
``totals`` of ``new``, ``updated`` and ``seen`` items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mcp_registry.services.mirror.applying import apply_item
from mcp_registry.services.mirror.upstream import NoFeed, Upstream, UpstreamError
from mcp_registry.shared.api_items import OFFICIAL_META_KEY
from mcp_registry.shared.clock import Clock, format_rfc3339
from mcp_registry.shared.storage.mirror_port import MirrorStateStore
from mcp_registry.shared.storage.port import ServerStore

MAX_PAGES_PER_SYNC = 1000


@dataclass(frozen=True)
class SyncReport:
    """What one pull did."""

    new: int = 0
    updated: int = 0
    seen: int = 0
    error: str | None = None


class Mirror:
    """Pulls ``upstream`` into ``store``; progress in ``state``."""

    def __init__(
        self,
        store: ServerStore,
        state: MirrorStateStore,
        upstream: Upstream,
        *,
        namespaces: Sequence[str],
        clock: Clock,
        wait: float = 0,
    ) -> None:
        self._store, self._state, self._upstream = store, state, upstream
        self._namespaces = tuple(namespaces)
        self._clock = clock
        self._wait = wait

    @property
    def source(self) -> str:
        return self._upstream.base_url

    @property
    def long_polls(self) -> bool:
        """Whether pulls wait at the upstream's feed head (no pause needed between them)."""
        state = self._state.get(self.source) or {}
        return self._wait > 0 and state.get("mode") == "feed"

    def sync_once(self) -> SyncReport:
        """Pull until caught up; an upstream error ends the pull early (kept in the state).

        The first pull pages through everything (deleted entries too); later pulls follow
        the upstream's change feed when it has ours, else ``updated_since``.
        """
        state: dict[str, Any] = self._state.get(self.source) or {}
        counts = {"new": 0, "updated": 0, "seen": 0}
        error: str | None = None
        try:
            if not state.get("initialized"):
                self._pull_updated_since(state, counts)
                state["initialized"] = True
            if state.get("mode") != "updated_since":
                try:
                    self._pull_feed(state, counts)
                    state["mode"] = "feed"
                except NoFeed:
                    state["mode"] = "updated_since"
            if state["mode"] == "updated_since":
                self._pull_updated_since(state, counts)
        except UpstreamError as exc:
            error = str(exc)
        now = format_rfc3339(self._clock())
        state["lastAttempt"] = now
        if error is None:
            state["lastSync"] = now
            state["lastError"] = None
            state["failures"] = 0
        else:
            state["lastError"] = error
            state["failures"] = int(state.get("failures", 0)) + 1
        totals = state.setdefault("totals", {"new": 0, "updated": 0, "seen": 0})
        for key, value in counts.items():
            totals[key] = int(totals.get(key, 0)) + value
        self._state.put(self.source, state)
        return SyncReport(counts["new"], counts["updated"], counts["seen"], error)

    def _apply(self, items: list[dict[str, Any]], counts: dict[str, int]) -> None:
        for item in items:
            outcome = apply_item(
                self._store,
                item,
                source=self.source,
                namespaces=self._namespaces,
                now=self._clock(),
            )
            counts["seen"] += 1
            if outcome in ("new", "updated"):
                counts[outcome] += 1

    def _pull_feed(self, state: dict[str, Any], counts: dict[str, int]) -> None:
        for _ in range(MAX_PAGES_PER_SYNC):
            since = state.get("feedToken")
            # At the head, the feed holds the request until a change commits (or ``wait``).
            page = self._upstream.changes(
                since if isinstance(since, str) else None, wait=self._wait
            )
            self._apply(page.items, counts)
            state["feedToken"] = page.next
            self._state.put(self.source, state)
            if not page.items:
                return

    def _pull_updated_since(self, state: dict[str, Any], counts: dict[str, int]) -> None:
        position = state.get("updatedSince")
        cursor = state.get("cursor")
        newest = position if isinstance(position, str) else None
        for _ in range(MAX_PAGES_PER_SYNC):
            page = self._upstream.servers(
                position if isinstance(position, str) else None,
                cursor if isinstance(cursor, str) else None,
            )
            self._apply(page.items, counts)
            for item in page.items:
                meta = item.get("_meta")
                official = meta.get(OFFICIAL_META_KEY) if isinstance(meta, dict) else None
                updated = official.get("updatedAt") if isinstance(official, dict) else None
                # RFC 3339 UTC stamps of one server compare as text.
                if isinstance(updated, str) and (newest is None or updated > newest):
                    newest = updated
            cursor = page.next
            state["cursor"] = cursor
            self._state.put(self.source, state)
            if cursor is None:
                break
        state["updatedSince"] = newest
        state.pop("cursor", None)
