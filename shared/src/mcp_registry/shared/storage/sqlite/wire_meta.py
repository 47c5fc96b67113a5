"""The ``_meta`` of every list entry, written by SQLite when a row changes (``wire_meta``).

A list page of 100 spent most of its CPU turning rows into records (three timestamps each),
records into ``_meta`` dicts (three RFC 3339 strings each) and checking that each stored
server.json may be spliced. None of that changes between writes, so the database keeps it:
``server_versions.wire_meta`` holds the item's ``_meta`` object as JSON text, exactly as
``orjson.dumps(official_meta(record))`` writes it, and is set by triggers on every insert and
every update of a column it depends on (whoever writes: the store, the benchmark's bulk
seeding, a restore), so it cannot fall behind the row. A list page then selects
``'{"server":' || server || ',"_meta":' || wire_meta || '}'``: each entry's final bytes.

``wire_meta`` is NULL where the database cannot vouch for those bytes, and the reader then
builds that page's entries in Python (``api_items.to_wire_item``):

- the stored server.json is not spliceable (``server_text.spliceable``: one of its substrings
  ``e-0``, ``NaN``, ``Infinity``; the same test, on the same text, as ``instr``);
- a timestamp before 1970 (integer division and ``%`` would round the wrong way).

SQLite writes the timestamps with ``strftime`` (whole seconds, four-digit year, exact for
integer seconds) and ``printf('%06d')`` for the microseconds: ``isoformat``'s text for every
moment from 1970 to 9999. ``json_quote`` writes the status message as orjson does (same
escapes, UTF-8 as is; a test checks every code point on the SQLite in use). Statuses are
the three literals of the column's CHECK constraint.
"""

from __future__ import annotations

from mcp_registry.shared.storage.server_text import UNSPLICEABLE

OFFICIAL_META_KEY = "io.modelcontextprotocol.registry/official"
"""``api_items.OFFICIAL_META_KEY`` (storage imports nothing above it; a test keeps the two
equal)."""

WIRE_META_COLUMN = "wire_meta"

_DEPENDS_ON = (
    "server",
    "status",
    "status_message",
    "published_at",
    "updated_at",
    "status_changed_at",
    "is_latest",
)
"""The columns ``wire_meta`` is computed from (an update of any of them recomputes it)."""


def _rfc3339(column: str) -> str:
    """SQL for ``format_rfc3339`` of a non-negative microsecond timestamp column."""
    return (
        f"strftime('%Y-%m-%dT%H:%M:%S', {column} / 1000000, 'unixepoch')"
        f" || printf('.%06dZ', {column} % 1000000)"
    )


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (constants of this module only)."""
    return "'" + text.replace("'", "''") + "'"


WIRE_META_SQL = (
    "CASE WHEN published_at >= 0 AND updated_at >= 0 AND status_changed_at >= 0"
    + "".join(f" AND instr(server, {_literal(part)}) = 0" for part in UNSPLICEABLE)
    + " THEN "
    + _literal('{"' + OFFICIAL_META_KEY + '":{"status":"')
    + " || status || "
    + _literal('","statusChangedAt":"')
    + " || "
    + _rfc3339("status_changed_at")
    + " || "
    + _literal('","publishedAt":"')
    + " || "
    + _rfc3339("published_at")
    + " || "
    + _literal('","updatedAt":"')
    + " || "
    + _rfc3339("updated_at")
    + " || "
    + _literal('","isLatest":')
    + " || CASE is_latest WHEN 1 THEN 'true' ELSE 'false' END"
    + " || CASE WHEN status_message IS NULL OR status_message = '' THEN ''"
    + " ELSE "
    + _literal(',"statusMessage":')
    + " || json_quote(status_message) END"
    + " || '}}' END"
)
"""The ``_meta`` JSON text of the row in scope (unqualified columns of ``server_versions``),
or NULL (see the module docstring)."""

ITEM_SQL = (
    _literal('{"server":') + " || v.server || " + _literal(',"_meta":') + " || v.wire_meta || '}'"
)
"""A list entry's JSON text from a row aliased ``v``; NULL where ``wire_meta`` is."""

ITEM_COLUMNS = f"v.name, v.version, {ITEM_SQL}"
"""What a page of entries selects: name, version and the entry's text."""


def _trigger(name: str, event: str) -> str:
    # Only constants of this module are interpolated.
    recompute = f"UPDATE server_versions SET {WIRE_META_COLUMN} = {WIRE_META_SQL}"  # noqa: S608
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} {event} ON server_versions"
        f" BEGIN {recompute} WHERE id = new.id; END"
    )


TRIGGERS: tuple[str, ...] = (
    _trigger("server_versions_wire_meta_insert", "AFTER INSERT"),
    _trigger("server_versions_wire_meta_update", f"AFTER UPDATE OF {', '.join(_DEPENDS_ON)}"),
)
"""Keep ``wire_meta`` in the row's own transaction. The inner UPDATE sets only ``wire_meta``,
which fires neither trigger again, nor the search and remote-URL triggers."""

ADD_COLUMN = f"ALTER TABLE server_versions ADD COLUMN {WIRE_META_COLUMN} TEXT"
"""For a database from before schema version 4 (then :data:`BACKFILL`)."""

BACKFILL = f"UPDATE server_versions SET {WIRE_META_COLUMN} = {WIRE_META_SQL}"  # noqa: S608
"""Computes ``wire_meta`` for every existing row (one pass; a few seconds per 100,000 rows)."""
