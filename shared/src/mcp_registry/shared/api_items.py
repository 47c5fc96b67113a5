"""The wire shape of a server entry, as every official-API response carries it (DESIGN §9)."""

from __future__ import annotations

import json
from typing import Any

import orjson

from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.storage.records import ServerRecord
from mcp_registry.shared.storage.server_text import spliceable

OFFICIAL_META_KEY = "io.modelcontextprotocol.registry/official"
PUBLISHER_META_KEY = "io.modelcontextprotocol.registry/publisher-provided"


def official_meta(record: ServerRecord) -> dict[str, Any]:
    """The ``_meta`` of an item: ``{official: {status, statusChangedAt, publishedAt,
    updatedAt, isLatest, statusMessage?}}``."""
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
    return {OFFICIAL_META_KEY: official}


def to_item(record: ServerRecord) -> dict[str, Any]:
    """``{"server": <server.json>, "_meta": {official: {status, ..., isLatest}}}``."""
    return {"server": record.server, "_meta": official_meta(record)}


def to_wire_item(record: ServerRecord) -> dict[str, Any]:
    """:func:`to_item` for a response encoded with ``orjson.dumps``, without parsing the stored
    server.json: ``server`` is an ``orjson.Fragment``, so only orjson can encode the result (use
    :func:`to_item` for anything else).

    The fragment is the stored text itself when :func:`spliceable` says orjson would encode
    its parsed value to the same bytes; otherwise the parsed value encoded with orjson, or for
    what orjson refuses (integers beyond 64 bits) with the standard library, as stored. So a
    page of these items is byte for byte what ``orjson.dumps`` gives for :func:`to_item`.
    Where that fails (an integer beyond 64 bits on the page, which the strict request decoder
    keeps out; only import and mirroring can store one), the standard library encoded the whole
    page instead; the values are the same, but floats of other entries written ``1e-05`` in
    storage come out as orjson writes them (``0.00001``), and their ``NaN`` as ``null``.
    """
    return {"server": _server_fragment(record), "_meta": official_meta(record)}


def _server_fragment(record: ServerRecord) -> orjson.Fragment:
    text = record.server_json
    if spliceable(text):
        return orjson.Fragment(text)
    try:
        return orjson.Fragment(orjson.dumps(record.server))
    except TypeError:
        return orjson.Fragment(json.dumps(record.server, ensure_ascii=False, separators=(",", ":")))
