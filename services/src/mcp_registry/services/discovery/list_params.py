"""Parse and check the query parameters of the read API (no falcon here).

Official behaviour: ``limit`` 1..100 (default 30); ``version`` only ``latest``;
``updated_since`` RFC 3339 and strict, implying deleted entries; asking
``include_deleted=false`` together with ``updated_since`` is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass

from mcp_registry.shared.clock import parse_rfc3339
from mcp_registry.shared.errors import BadRequest, ErrorDetail, InvalidInput
from mcp_registry.shared.storage.records import ListQuery

DEFAULT_LIMIT = 30
MAX_LIMIT = 100
MAX_SEARCH_LENGTH = 200
MAX_CURSOR_LENGTH = 1024


def encode_cursor(name: str, version: str) -> str:
    """An opaque cursor for the keyset position (name, version)."""
    raw = json.dumps([name, version], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The keyset position inside a cursor; :class:`InvalidInput` when it is not ours."""
    problem = InvalidInput(
        "Invalid cursor: pass back the nextCursor of a previous response unchanged",
        [ErrorDetail("invalid cursor", "query.cursor")],
    )
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise problem
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise problem from None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, str) for part in value)
    ):
        raise problem
    return value[0], value[1]


def _parse_bool(params: Mapping[str, str], key: str) -> bool | None:
    raw = params.get(key)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise InvalidInput(
        f"Invalid {key}: expected true or false, got {raw!r}",
        [ErrorDetail("expected boolean", f"query.{key}")],
    )


def parse_include_deleted(params: Mapping[str, str]) -> bool:
    """``include_deleted`` for detail and versions routes (default false)."""
    return bool(_parse_bool(params, "include_deleted"))


def parse_list_query(params: Mapping[str, str]) -> ListQuery:
    """The :class:`ListQuery` for ``GET /servers``; raises 422/400 problems for bad input."""
    limit = DEFAULT_LIMIT
    if "limit" in params:
        raw = params["limit"]
        try:
            limit = int(raw)
        except ValueError:
            raise InvalidInput(
                f"Invalid limit: expected an integer, got {raw!r}",
                [ErrorDetail("expected integer", "query.limit")],
            ) from None
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(
                f"Invalid limit: must be between 1 and {MAX_LIMIT}, got {limit}",
                [ErrorDetail(f"expected 1..{MAX_LIMIT}", "query.limit")],
            )

    after = decode_cursor(params["cursor"]) if params.get("cursor") else None

    search = params.get("search") or None
    if search is not None and len(search) > MAX_SEARCH_LENGTH:
        raise InvalidInput(
            f"Invalid search: at most {MAX_SEARCH_LENGTH} characters",
            [ErrorDetail("too long", "query.search")],
        )

    latest_only = False
    if params.get("version"):
        if params["version"] != "latest":
            raise InvalidInput(
                "Invalid version: only 'latest' is supported as a list filter",
                [ErrorDetail("expected 'latest'", "query.version")],
            )
        latest_only = True

    include_deleted = _parse_bool(params, "include_deleted")
    updated_since = None
    if params.get("updated_since"):
        raw = params["updated_since"]
        try:
            updated_since = parse_rfc3339(raw)
        except ValueError:
            raise InvalidInput(
                f"Invalid updated_since: expected an RFC 3339 timestamp, got {raw!r}",
                [ErrorDetail("expected RFC 3339 date-time", "query.updated_since")],
            ) from None
        if include_deleted is False:
            raise BadRequest(
                "updated_since always includes deleted entries so that sync clients see "
                "removals; drop include_deleted=false"
            )
        include_deleted = True

    return ListQuery(
        limit=limit,
        after=after,
        search=search,
        latest_only=latest_only,
        updated_since=updated_since,
        include_deleted=bool(include_deleted),
    )


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
