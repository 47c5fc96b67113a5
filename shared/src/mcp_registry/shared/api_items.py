"""The wire shape of a server entry, as every official-API response carries it (DESIGN §9)."""

from __future__ import annotations

from typing import Any

from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.storage.records import ServerRecord

OFFICIAL_META_KEY = "io.modelcontextprotocol.registry/official"
PUBLISHER_META_KEY = "io.modelcontextprotocol.registry/publisher-provided"


def to_item(record: ServerRecord) -> dict[str, Any]:
    """``{"server": <server.json>, "_meta": {official: {status, ..., isLatest}}}``."""
    # Most records were never changed after publishing: their three times are one value.
    published = format_rfc3339(record.published_at)
    updated = (
        published if record.updated_at == record.published_at else format_rfc3339(record.updated_at)
    )
    changed = (
        updated
        if record.status_changed_at == record.updated_at
        else format_rfc3339(record.status_changed_at)
    )
    official: dict[str, Any] = {
        "status": record.status,
        "statusChangedAt": changed,
        "publishedAt": published,
        "updatedAt": updated,
        "isLatest": record.is_latest,
    }
    if record.status_message:
        official["statusMessage"] = record.status_message
    return {"server": record.server, "_meta": {OFFICIAL_META_KEY: official}}
