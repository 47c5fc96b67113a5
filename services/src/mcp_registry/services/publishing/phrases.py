"""The official registry's ``detail`` phrases for refused writes (no falcon here).

The official handlers answer a refused write with one fixed phrase (``Failed to publish
server``) and put the cause into ``errors[].message``; clients and scripts match on those
phrases. Our causes are fuller sentences: they stay, one level down.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp_registry.shared.errors import BadRequest, ErrorDetail

PUBLISH_FAILED = "Failed to publish server"
EDIT_FAILED = "Failed to edit server"
STATUS_FAILED = "Failed to update server status"
DUPLICATE_VERSION = "invalid version: cannot publish duplicate version"
"""The official error text of a duplicate publish (``database.ErrInvalidVersion``)."""


def rephrased(exc: BadRequest, detail: str) -> BadRequest:
    """``exc`` (same type) with ``detail`` as its detail; its own detail becomes the error
    message when it carries no errors list."""
    if exc.detail == detail:
        return exc
    errors = list(exc.errors) or [ErrorDetail(exc.detail)]
    return type(exc)(detail, errors, dict(exc.headers))


@contextmanager
def official_detail(detail: str) -> Iterator[None]:
    """Re-raise every 400 rule raised inside with the official ``detail``."""
    try:
        yield
    except BadRequest as exc:
        raise rephrased(exc, detail) from None
