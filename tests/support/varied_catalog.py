"""server.json documents that stress how stored JSON text comes back out: every kind of
string escape, non-ASCII text, integers at and beyond 64 bits, floats in every spelling,
nested ``_meta``. Shared by the unit and integration tests of the spliced reads."""

from __future__ import annotations

from typing import Any, Final

from mcp_registry.shared.clock import Clock
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import NewVersion
from tests.support.server_json import server_json
from tests.support.stores import ACTOR

PUBLISHER_META: Final = "io.modelcontextprotocol.registry/publisher-provided"

ODD_FIELDS: Final[list[dict[str, Any]]] = [
    {"description": "ascii only"},
    {"title": "ünïcödé ☃ 𝄞 漢字 עברית", "description": "\u2028\u2029\ufeff\x7f" + "🙂" * 3},
    {"description": '"quoted" \\ back\\slash \n\t\r\b\f \x00 \x01 \x1f </script> \\u0041'},
    {"description": "NaN tools, Infinity and release-0.1"},  # markers inside strings
    {"_meta": {PUBLISHER_META: {"n": [2**63 - 1, -(2**63), 2**64 - 1, 0, -1]}}},
    {"_meta": {PUBLISHER_META: {"f": [0.1, 1e16, -0.0, 5e-324, 1.5e300, 1e22, 123.456]}}},
    {"_meta": {PUBLISHER_META: {"small": [1e-05, 3.5e-07, -2e-09]}}},  # e-0N: re-encoded
    {"_meta": {PUBLISHER_META: {"big": 2**70, "negative": -(10**30)}}},  # beyond orjson
    {"_meta": {PUBLISHER_META: {"big": 2**70, "small": 1e-06}}},
    {"_meta": {PUBLISHER_META: {"a": {"b": [{"c": {}}, [], None, True, False, ""]}}, "x": {}}},
    {"packages": [{"registryType": "npm", "identifier": "@scope/ä", "version": "1.0.0"}]},
]
"""Extra fields for a server.json, one document each (all storable by every backend)."""

NON_JSON_FIELDS: Final[list[dict[str, Any]]] = [
    {"_meta": {PUBLISHER_META: {"nan": float("nan"), "inf": [float("inf"), float("-inf")]}}},
]
"""Values only a writer bypassing the strict decoder could store, and only where the backend
takes them (MongoDB; SQLite's JSON functions refuse ``NaN``)."""


def publish_varied(store: ServerStore, clock: Clock, *, non_json: bool = False) -> list[str]:
    """Publish one server per entry of :data:`ODD_FIELDS` (and :data:`NON_JSON_FIELDS` with
    ``non_json``), two versions each, then change some: statuses with messages, a deletion,
    an admin edit. Returns the names, in publishing order."""
    fields = ODD_FIELDS + (NON_JSON_FIELDS if non_json else [])
    names = [f"io.github.odd/server-{i:02d}" for i in range(len(fields))]
    for name, extra in zip(names, fields, strict=True):
        for version in ("1.0.0", "1.1.0"):
            server = server_json(name=name, version=version, **extra)
            store.publish(NewVersion(name, version, server), actor=ACTOR, now=clock())
    store.set_status(names[1], "1.0.0", "deprecated", 'use 1.1 "now" ☃\n', actor=ACTOR, now=clock())
    store.set_status(names[2], None, "deprecated", None, actor=ACTOR, now=clock())
    store.set_status(names[3], "1.1.0", "deleted", "gone", actor=ACTOR, now=clock())
    edited = server_json(name=names[4], version="1.0.0", **ODD_FIELDS[2])
    store.replace_server(names[4], "1.0.0", edited, actor=ACTOR, now=clock())
    return names
