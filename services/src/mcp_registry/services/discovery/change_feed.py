"""The change feed's query and page (no falcon here): ``since``, ``limit``, ``wait``.

A ``token`` is the change's position in the change log as a decimal string; clients treat it
as opaque and pass the last one back as ``since``. No ``since`` reads from the beginning of
retained history. ``nextToken`` is the token of the last change on the page, or the ``since``
given when the page is empty, so a consumer always resumes with ``since=nextToken``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mcp_registry.shared.change_view import change_view
from mcp_registry.shared.errors import ErrorDetail, InvalidInput
from mcp_registry.shared.storage.changes_port import ChangeRecord

DEFAULT_LIMIT = 30
MAX_LIMIT = 100
MAX_WAIT = 30.0
_MAX_TOKEN_DIGITS = 19


@dataclass(frozen=True)
class FeedQuery:
    """A parsed feed request: changes after position ``since``, at most ``limit``, waiting
    up to ``wait`` seconds for the first one when none is there yet."""

    since: int
    limit: int
    wait: float


def _invalid(key: str, message: str, detail: str) -> InvalidInput:
    return InvalidInput(message, [ErrorDetail(detail, f"query.{key}")])


def parse_feed_query(params: Mapping[str, str]) -> FeedQuery:
    """The :class:`FeedQuery` of the query string; :class:`InvalidInput` (422) otherwise."""
    since = 0
    raw_since = params.get("since")
    if raw_since is not None and raw_since != "":
        if not raw_since.isdigit() or len(raw_since) > _MAX_TOKEN_DIGITS:
            raise _invalid(
                "since",
                "Invalid since: pass back a token or nextToken of a previous response unchanged",
                "invalid token",
            )
        since = int(raw_since)
    limit = DEFAULT_LIMIT
    if "limit" in params:
        try:
            limit = int(params["limit"])
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise _invalid(
                "limit",
                f"Invalid limit: expected an integer from 1 to {MAX_LIMIT}",
                f"must be between 1 and {MAX_LIMIT}",
            )
    wait = 0.0
    if "wait" in params:
        try:
            wait = float(params["wait"])
        except ValueError:
            wait = -1.0
        if not 0 <= wait <= MAX_WAIT:
            raise _invalid(
                "wait",
                f"Invalid wait: expected seconds from 0 to {MAX_WAIT:g}",
                f"must be between 0 and {MAX_WAIT:g}",
            )
    return FeedQuery(since=since, limit=limit, wait=wait)


def feed_page(query: FeedQuery, changes: list[ChangeRecord]) -> dict[str, Any]:
    """The response body for ``changes`` read for ``query``."""
    next_token = str(changes[-1].position) if changes else str(query.since)
    return {
        "changes": [change_view(c) for c in changes],
        "metadata": {"nextToken": next_token, "count": len(changes)},
    }
