"""Parse and check the query parameters of the read API (no falcon here).

Official behaviour: ``limit`` 1..100 (default 30); ``version`` ``latest`` or an exact
version; ``updated_since`` RFC 3339 and strict, implying deleted entries (malformed: 400);
asking ``include_deleted=false`` together with ``updated_since`` is a 400. Schema failures of a
parameter are 422 ``validation failed`` with ``errors[].location`` ``query.<name>``, as huma
answers them; our explanation is the error's ``message``.

A cursor carries the filter it was issued under (see ``cursors``): a filter parameter absent
from a request with a cursor takes the cursor's value, one that is present wins. VS Code drops
``search`` on later pages; its page 2 still belongs to the search. The cursor's search phase
(name matches first, ``search_rank``) travels with its position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mcp_registry.services.discovery.cursors import decode_cursor, encode_cursor
from mcp_registry.shared.clock import parse_rfc3339
from mcp_registry.shared.errors import BadRequest, ErrorDetail, InvalidInput
from mcp_registry.shared.storage.records import ListQuery, SearchPhase

__all__ = [
    "FILTER_PARAMS",
    "ListRequest",
    "PageMetadata",
    "decode_cursor",
    "encode_cursor",
    "parse_include_deleted",
    "parse_list_query",
    "parse_list_request",
]

DEFAULT_LIMIT = 30
MAX_LIMIT = 100
MAX_SEARCH_LENGTH = 200
VALIDATION_FAILED = "validation failed"
"""huma's ``detail`` for every schema failure of a request (the official registry's)."""
FILTER_PARAMS = ("search", "version", "updated_since", "include_deleted")
"""The parameters a cursor carries: they decide which entries the listing holds."""


def invalid_param(name: str, message: str) -> InvalidInput:
    """The 422 problem for a query parameter that fails its schema."""
    return InvalidInput(VALIDATION_FAILED, [ErrorDetail(message, f"query.{name}")])


def _parse_bool(params: Mapping[str, str], key: str) -> bool | None:
    raw = params.get(key)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise invalid_param(key, f"invalid boolean: expected true or false, got {raw!r}")


def parse_include_deleted(params: Mapping[str, str]) -> bool:
    """``include_deleted`` for detail and versions routes (default false)."""
    return bool(_parse_bool(params, "include_deleted"))


@dataclass(frozen=True)
class ListRequest:
    """A parsed ``GET /servers``: the store query and the filter its next cursor carries."""

    query: ListQuery
    filters: Mapping[str, str]

    def next_cursor(self, name: str, version: str, phase: SearchPhase = "name") -> str:
        """The cursor of the page after the entry ``(name, version)`` of search phase
        ``phase`` (the page's ``ListPage.phase``; only a search has a second phase)."""
        return encode_cursor(name, version, self.filters, phase if self.query.search else "name")


def parse_list_query(params: Mapping[str, str]) -> ListQuery:
    """The :class:`ListQuery` for ``GET /servers``; raises 422/400 problems for bad input."""
    return parse_list_request(params).query


def _parse_limit(params: Mapping[str, str]) -> int:
    if "limit" not in params:
        return DEFAULT_LIMIT
    raw = params["limit"]
    try:
        limit = int(raw)
    except ValueError:
        raise invalid_param("limit", f"expected an integer, got {raw!r}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid_param("limit", f"must be between 1 and {MAX_LIMIT}, got {limit}")
    return limit


def parse_list_request(params: Mapping[str, str]) -> ListRequest:
    """Parse ``GET /servers`` parameters, filling absent filters from the cursor."""
    limit = _parse_limit(params)
    after = None
    phase: SearchPhase = "name"
    effective = dict(params)
    if params.get("cursor"):
        cursor = decode_cursor(params["cursor"])
        after = cursor.after
        phase = cursor.phase
        for key, value in cursor.filters.items():
            if key in FILTER_PARAMS and key not in params:
                effective[key] = value
    filters = {k: effective[k] for k in FILTER_PARAMS if effective.get(k)}

    search = effective.get("search") or None
    if search is not None and len(search) > MAX_SEARCH_LENGTH:
        raise invalid_param("search", f"at most {MAX_SEARCH_LENGTH} characters")

    wanted = effective.get("version") or None
    latest_only = wanted == "latest"
    version = wanted if wanted is not None and not latest_only else None

    include_deleted = _parse_bool(effective, "include_deleted")
    updated_since = None
    if effective.get("updated_since"):
        raw = effective["updated_since"]
        try:
            updated_since = parse_rfc3339(raw)
        except ValueError:
            raise BadRequest(
                "Invalid updated_since format: expected RFC3339 timestamp "
                "(e.g., 2025-08-07T13:15:04.280Z)",
                [
                    ErrorDetail(
                        f"not an RFC 3339 date-time with offset: {raw!r}", "query.updated_since"
                    )
                ],
            ) from None
        if include_deleted is False:
            raise BadRequest(
                "updated_since always includes deleted entries so that sync clients see "
                "removals; drop include_deleted=false"
            )
        include_deleted = True

    query = ListQuery(
        limit=limit,
        after=after,
        search=search,
        latest_only=latest_only,
        version=version,
        updated_since=updated_since,
        include_deleted=bool(include_deleted),
        phase=phase,
    )
    return ListRequest(query, filters)


@dataclass(frozen=True)
class PageMetadata:
    """``metadata`` of a list response: ``nextCursor`` only when another page exists."""

    count: int
    next_cursor: str | None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"count": self.count}
        if self.next_cursor is not None:
            out["nextCursor"] = self.next_cursor
        return out
