"""Conversions between records and MongoDB documents, and the list filter (pure functions)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.mongo.schema import NAME_SEARCH_INDEX, SEARCH_INDEX
from mcp_registry.shared.storage.planning import VersionState
from mcp_registry.shared.storage.records import (
    STATUSES,
    Actor,
    AuditEntry,
    ListQuery,
    NewVersion,
    SearchPhase,
    ServerRecord,
    Status,
)
from mcp_registry.shared.storage.remote_urls import remote_urls
from mcp_registry.shared.storage.search_text import (
    MIN_INDEXED_QUERY,
    can_match,
    normalize,
    rarest_trigrams,
    search_text,
    text_trigrams,
    trigrams,
)
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

Document = dict[str, Any]

_STATUS: dict[str, Status] = {s: s for s in STATUSES}

RECORD_FIELDS: dict[str, int] = {
    "_id": 0,
    "name": 1,
    "version": 1,
    "serverJson": 1,
    "status": 1,
    "statusMessage": 1,
    "publishedAt": 1,
    "updatedAt": 1,
    "statusChangedAt": 1,
    "isLatest": 1,
    "seq": 1,
}
"""Projection of everything a :class:`ServerRecord` needs (no search or pending fields)."""

STATE_FIELDS: dict[str, int] = {
    "_id": 0,
    "version": 1,
    "publishedAt": 1,
    "status": 1,
    "statusMessage": 1,
    "isLatest": 1,
    "seq": 1,
}


def dump_server(server: dict[str, Any]) -> str:
    """server.json as stored: compact JSON text."""
    return json.dumps(server, ensure_ascii=False, separators=(",", ":"))


def name_trigrams(name: str) -> list[str]:
    """``nameTrigrams`` of a version document: the trigrams of its normalized name."""
    return text_trigrams(normalize(name))


def derived_fields_of(server: dict[str, Any]) -> Document:
    """The fields a version document derives from ``server``: search text and trigrams, and
    the remote URLs (indexed, so the one-name-per-remote rule is a lookup, not a scan)."""
    return {
        "searchText": search_text(server),
        "searchTrigrams": trigrams(server),
        "remoteUrls": sorted(remote_urls(server)),
    }


def new_version_document(
    new: NewVersion, *, now_micros: int, is_latest: bool, seq: int
) -> Document:
    """The document of a freshly published version (pending fields are added by the caller)."""
    return {
        "name": new.name,
        "version": new.version,
        "serverJson": dump_server(new.server),
        "status": new.status,
        "statusMessage": new.status_message,
        "publishedAt": now_micros,
        "updatedAt": now_micros,
        "statusChangedAt": now_micros,
        "isLatest": is_latest,
        "seq": seq,
        **derived_fields_of(new.server),
        "nameTrigrams": name_trigrams(new.name),
    }


def record_of(doc: Mapping[str, Any]) -> ServerRecord:
    """A :class:`ServerRecord` from a document projected with :data:`RECORD_FIELDS`."""
    return ServerRecord.construct(
        doc["name"],
        doc["version"],
        doc["serverJson"],
        _STATUS[doc["status"]],
        doc.get("statusMessage"),
        from_micros(doc["publishedAt"]),
        from_micros(doc["updatedAt"]),
        from_micros(doc["statusChangedAt"]),
        bool(doc["isLatest"]),
        int(doc["seq"]),
    )


def state_of(doc: Mapping[str, Any]) -> VersionState:
    """A :class:`VersionState` from a document projected with :data:`STATE_FIELDS`."""
    return VersionState(
        version=doc["version"],
        published_at=from_micros(doc["publishedAt"]),
        status=_STATUS[doc["status"]],
        status_message=doc.get("statusMessage"),
        is_latest=bool(doc["isLatest"]),
        seq=int(doc["seq"]),
    )


def event_document(event: OutboxEvent) -> Document:
    """An outbox event as embedded in a version document (``pendingOutbox``).

    ``order`` is the seq the event describes: the relay delivers in change order.
    """
    return {
        "id": event.id,
        "subject": event.subject,
        "payload": event.payload,
        "createdAt": to_micros(event.created_at),
        "order": int(event.payload.get("seq", 0)),
    }


def outbox_document(embedded: Mapping[str, Any]) -> Document:
    """The ``outbox`` collection document of an embedded event (minus ``_id``)."""
    return {
        "subject": embedded["subject"],
        "payload": embedded["payload"],
        "createdAt": embedded["createdAt"],
        "order": embedded["order"],
        "sentAt": None,
    }


def event_of(doc: Mapping[str, Any]) -> OutboxEvent:
    """An :class:`OutboxEvent` from an ``outbox`` document."""
    return OutboxEvent(
        id=str(doc["_id"]),
        subject=doc["subject"],
        payload=dict(doc["payload"]),
        created_at=from_micros(doc["createdAt"]),
    )


def audit_document(entry: AuditEntry, *, entry_id: str, order: int) -> Document:
    """An audit entry as embedded in a version document (``pendingAudit``)."""
    return {
        "id": entry_id,
        "action": entry.action,
        "target": entry.target,
        "subject": entry.actor.subject,
        "authMethod": entry.actor.auth_method,
        "at": to_micros(entry.at),
        "detail": entry.detail,
        "order": order,
    }


def audit_log_document(embedded: Mapping[str, Any]) -> Document:
    """The ``audit_log`` collection document of an embedded entry (minus ``_id``)."""
    return {k: v for k, v in embedded.items() if k != "id"}


def audit_of(doc: Mapping[str, Any]) -> AuditEntry:
    """An :class:`AuditEntry` from an ``audit_log`` document."""
    return AuditEntry(
        action=doc["action"],
        target=doc["target"],
        actor=Actor(subject=doc["subject"], auth_method=doc["authMethod"]),
        at=from_micros(doc["at"]),
        detail=dict(doc["detail"]),
    )


def _name_regex(needle: str) -> Document:
    """The name contains ``needle`` (escaped; names are ASCII, so ``i`` is ``normalize``)."""
    return {"name": {"$regex": re.escape(needle), "$options": "i"}}


def list_filter(
    query: ListQuery, phase: SearchPhase | None = None
) -> tuple[Document, str | None] | None:
    """The ``find`` filter of a list query and the index to hint, or None when the query can
    match nothing.

    Search of at least three characters asking for latest versions: equality on the query's
    rarest trigram (by :func:`rarest_trigrams`' estimate), served by the partial multikey
    ``search_trigrams`` index of latest versions, ``(searchTrigrams, name, version)``; a regex
    on ``searchText`` confirms the exact substring (the query is escaped, so it is never regex
    syntax). One trigram is one point of the index's first key, so its entries come in the
    sort order: the scan starts at the cursor and stops after ``limit + 1`` confirmed matches,
    and the candidates it reads are bounded by the page, not by how many entries hold the
    trigram (no in-memory sort). When even the rarest trigram is one most entries contain
    (``io.``, ``com``), or the query asks for every version, only the regex runs, evaluated
    while walking the (name, version) keyset index; that walk stops after ``limit + 1``
    matches, which come quickly exactly when the trigrams are common.

    ``phase`` keeps one phase of a ranked search (``search_rank``). ``name``: the same plan on
    the names, the rarest trigram looked up in ``name_trigrams`` (``nameTrigrams``, trigrams of
    the name alone, partial on latest versions, ``(nameTrigrams, name, version)``), confirmed
    by a case-insensitive regex on ``name``; without that index (every version, common
    trigrams only) the regex on ``name`` while walking the keyset. ``other``: the plan above
    with name matches left out (``$nor`` of the name regex). None: every match (keyset order).

    A keyset page adds a top-level ``name >= after`` bound beside the ``$or``, so the planner
    starts the index scan at the cursor instead of filtering from the first entry.
    """
    conditions: list[Document] = []
    hint: str | None = None
    if query.after is not None:
        name, version = query.after
        conditions.append({"name": {"$gte": name}})
        conditions.append(
            {"$or": [{"name": {"$gt": name}}, {"name": name, "version": {"$gt": version}}]}
        )
    if query.search:
        needle = normalize(query.search)
        if not can_match(needle):
            return None
        picked = rarest_trigrams(needle)
        indexed = len(needle) >= MIN_INDEXED_QUERY and query.latest_only and bool(picked)
        if phase == "name":
            if indexed:
                conditions.append({"nameTrigrams": picked[0]})
                hint = NAME_SEARCH_INDEX
            conditions.append(_name_regex(needle))
        else:
            if indexed:
                conditions.append({"searchTrigrams": picked[0]})
                hint = SEARCH_INDEX
            conditions.append({"searchText": {"$regex": re.escape(needle)}})
            if phase == "other":
                conditions.append({"$nor": [_name_regex(needle)]})
    if query.latest_only:
        conditions.append({"isLatest": True})
    if query.version is not None:
        conditions.append({"version": query.version})
    if not query.include_deleted:
        conditions.append({"status": {"$ne": "deleted"}})
    if query.updated_since is not None:
        conditions.append({"updatedAt": {"$gt": to_micros(query.updated_since)}})
    if not conditions:
        return {}, hint
    if len(conditions) == 1:
        return conditions[0], hint
    return {"$and": conditions}, hint
