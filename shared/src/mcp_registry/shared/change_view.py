"""A change as consumers receive it: a change-feed entry, and the body of a webhook delivery."""

from __future__ import annotations

from typing import Any

from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.storage.changes_port import ChangeRecord


def change_view(change: ChangeRecord) -> dict[str, Any]:
    """``{"token", "type", "name", "version", "at", "server"}`` of one change."""
    return {
        "token": str(change.position),
        "type": change.type,
        "name": change.name,
        "version": change.version,
        "at": format_rfc3339(change.at),
        "server": change.server,
    }
