"""The read side of the registry, free of HTTP: what each public read returns.

Each function returns a :class:`ReadResult`: the JSON body plus what HTTP caching needs
(the newest ``updatedAt`` involved and the server names the body mentions).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orjson import Fragment

from mcp_registry.services.discovery.cache_scope import Scope, detail_scope
from mcp_registry.services.discovery.list_params import (
    PageMetadata,
    parse_include_deleted,
    parse_list_request,
)
from mcp_registry.shared.api_items import to_wire_item
from mcp_registry.shared.errors import ErrorDetail, NotFound
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import ListQuery, SearchPhase, ServerRecord


@dataclass(frozen=True)
class ReadResult:
    """A response body and its caching facts (``scope``: what a write must touch to change
    it; None means the names in ``names``).

    ``body`` embeds each stored server.json as an ``orjson.Fragment`` (see
    :func:`~mcp_registry.shared.api_items.to_wire_item`): encode it with ``orjson.dumps``
    (``http_cache.render``), not with the standard library.
    """

    body: dict[str, Any]
    last_modified: datetime | None
    names: tuple[str, ...]
    scope: Scope | None = field(default=None, compare=False)


def _newest(records: list[ServerRecord]) -> datetime | None:
    return max((r.updated_at for r in records), default=None)


def not_found(explanation: str) -> NotFound:
    """The official 404 (``Server not found``) with our explanation as its error message."""
    return NotFound("Server not found", [ErrorDetail(explanation)])


def _list_scope(
    query: ListQuery, has_more: bool, last: str | None, names: tuple[str, ...]
) -> Scope:
    if query.updated_since is not None:
        return Scope(everything=True)
    return Scope(
        names=frozenset(names),
        listing=True,
        low=query.after[0] if query.after else None,
        high=last if has_more else None,
        search=query.search,
        latest_only=query.latest_only,
        include_deleted=query.include_deleted,
    )


ItemOf = Callable[[ServerRecord], Any]
"""How a record becomes an entry of a response body."""


class Reads:
    """Public reads over a :class:`ServerStore`.

    ``item`` makes each entry: by default :func:`~mcp_registry.shared.api_items.to_wire_item`,
    which splices the stored server.json (list pages take their entries from
    ``ServerStore.list_server_items``, which does the same or lets the database write them);
    ``to_item`` (parse, then encode) gives the same bytes and is the reference the tests
    compare against.
    """

    def __init__(self, store: ServerStore, *, item: ItemOf = to_wire_item) -> None:
        self._store = store
        self._item = item

    def list_servers(self, params: Mapping[str, str]) -> ReadResult:
        """``GET /servers``: one page, ``nextCursor`` only when more exist.

        ``last_modified`` is the store's newest change rather than the page's newest item:
        an entry that left the page (deleted, lost latest) must still move the validator.
        """
        request = parse_list_request(params)
        names, entries, last, has_more, phase = self._page(request.query)
        next_cursor = request.next_cursor(*last, phase) if has_more and last else None
        body = {
            "servers": entries,
            "metadata": PageMetadata(count=len(entries), next_cursor=next_cursor).to_dict(),
        }
        scope = _list_scope(request.query, has_more, last[0] if last else None, names)
        return ReadResult(body, self._store.last_updated_at(), names, scope)

    def _page(
        self, query: ListQuery
    ) -> tuple[tuple[str, ...], list[Any], tuple[str, str] | None, bool, SearchPhase]:
        """``(names, entries, (name, version) of the last entry, has_more, phase of the last
        entry)`` of a page."""
        if self._item is to_wire_item:
            # Entries the store wrote (SQLite) are spliced as they are (never a search).
            written = self._store.list_server_items(query)
            if written is not None:
                entries: list[Any] = list(map(Fragment, written.texts))
                names = tuple(dict.fromkeys(written.names))
                return names, entries, written.last, written.has_more, "name"
        page = self._store.list_servers(query)
        records = page.items
        last = (records[-1].name, records[-1].version) if records else None
        names = tuple(dict.fromkeys(r.name for r in records))
        return names, [self._item(r) for r in records], last, page.has_more, page.phase

    def list_versions(self, name: str, params: Mapping[str, str]) -> ReadResult:
        """``GET /servers/{name}/versions``: every visible version, newest published first (as
        the official registry orders them); 404 when none is."""
        include_deleted = parse_include_deleted(params)
        every = self._store.list_versions(name)
        records = [r for r in reversed(every) if include_deleted or r.status != "deleted"]
        if not records:
            raise not_found(f"no visible version of a server named {name!r}")
        body = {
            "servers": [self._item(r) for r in records],
            "metadata": {"count": len(records)},
        }
        # Versions hidden by the filter still count: deleting one changes this response.
        return ReadResult(body, _newest(every), (name,), detail_scope(name))

    def get_version(self, name: str, version: str, params: Mapping[str, str]) -> ReadResult:
        """``GET /servers/{name}/versions/{version}``; ``latest`` names the latest version."""
        include_deleted = parse_include_deleted(params)
        if version == "latest":
            record = self._store.get_latest(name)
        else:
            record = self._store.get_version(name, version)
        if record is None or (record.status == "deleted" and not include_deleted):
            what = f"server {name!r}" if version == "latest" else f"version {version!r} of {name!r}"
            raise not_found(f"{what} not found")
        return ReadResult(self._item(record), record.updated_at, (name,), detail_scope(name))
