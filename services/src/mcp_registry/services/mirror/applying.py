"""One upstream item into the local store: new versions keep the upstream's publish time and
status; a changed status or message is applied with the upstream's time. Latest is decided by
the local store's rules, which are the official ones, so flips follow the upstream's.

Mirrored versions carry ``_meta["dev.mcp-registry/mirror"] = {"source", "syncedAt"}`` inside
their server.json's ``_meta`` (so every read shows it). Nothing is ever deleted here: an
upstream deletion arrives as the ``deleted`` status, like everywhere in the API.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any, Literal

from mcp_registry.shared.api_items import OFFICIAL_META_KEY
from mcp_registry.shared.clock import format_rfc3339, parse_rfc3339
from mcp_registry.shared.errors import Conflict
from mcp_registry.shared.extensions import MIRROR_META_KEY
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import STATUSES, Actor, NewVersion, Status

MIRROR_ACTOR = Actor.system("mirror")
_STATUS: dict[str, Status] = {s: s for s in STATUSES}

Outcome = Literal["new", "updated", "same", "skipped"]


def wanted(name: str, namespaces: Sequence[str]) -> bool:
    """Whether ``name`` is mirrored under ``MIRROR_NAMESPACES`` (every name when empty)."""
    return not namespaces or any(fnmatchcase(name, pattern) for pattern in namespaces)


def _time(value: Any, default: datetime) -> datetime:
    try:
        return parse_rfc3339(value) if isinstance(value, str) else default
    except ValueError:
        return default


def apply_item(
    store: ServerStore,
    item: dict[str, Any],
    *,
    source: str,
    namespaces: Sequence[str],
    now: datetime,
) -> Outcome:
    """Apply one official list item; ``skipped`` for malformed or unwanted ones."""
    server = item.get("server")
    meta = item.get("_meta")
    official = meta.get(OFFICIAL_META_KEY) if isinstance(meta, dict) else None
    if not isinstance(server, dict) or not isinstance(official, dict):
        return "skipped"
    name, version = server.get("name"), server.get("version")
    if not isinstance(name, str) or not isinstance(version, str) or not wanted(name, namespaces):
        return "skipped"
    status = _STATUS.get(str(official.get("status", "active")))
    if status is None:
        return "skipped"
    message = official.get("statusMessage")
    message = message if isinstance(message, str) else None
    existing = store.get_version(name, version)
    if existing is None:
        mirrored = copy.deepcopy(server)
        own_meta = mirrored.get("_meta")
        own_meta = dict(own_meta) if isinstance(own_meta, dict) else {}
        own_meta[MIRROR_META_KEY] = {"source": source, "syncedAt": format_rfc3339(now)}
        mirrored["_meta"] = own_meta
        try:
            store.publish(
                NewVersion(name, version, mirrored, status=status, status_message=message),
                actor=MIRROR_ACTOR,
                now=_time(official.get("publishedAt"), now),
            )
        except Conflict:
            return "same"  # Another mirror process stored it meanwhile.
        return "new"
    if existing.status == status and existing.status_message == message:
        return "same"
    store.set_status(
        name,
        version,
        status,
        message,
        actor=MIRROR_ACTOR,
        now=_time(official.get("statusChangedAt"), now),
    )
    return "updated"
