"""The outbox events and audit entries each write produces, built the same way by every backend.

Event payloads (subjects from :mod:`mcp_registry.shared.event_model`):

- ``server.published``: ``name``, ``version``, ``seq`` (of the new record), ``isLatest``,
  ``previousLatest`` — the version that lost ``is_latest`` to this publish, else ``None``;
- ``server.status_changed``: ``name``, ``version``, ``status``, ``seq``; one per record whose
  status or message changed;
- ``server.updated``: ``name``, ``version``, ``seq``.

Audit entries target the server name; ``detail`` says which version(s) and what changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcp_registry.shared.event_model import (
    SERVER_PUBLISHED,
    SERVER_STATUS_CHANGED,
    SERVER_UPDATED,
    OutboxEvent,
    new_event,
)
from mcp_registry.shared.storage.records import Actor, AuditEntry, Status

AUDIT_PUBLISH = "publish"
AUDIT_STATUS = "status"
AUDIT_EDIT = "edit"


def published_payload(
    name: str, version: str, *, seq: int, is_latest: bool, previous_latest: str | None
) -> dict[str, Any]:
    """Payload of ``server.published``."""
    return {
        "name": name,
        "version": version,
        "seq": seq,
        "isLatest": is_latest,
        "previousLatest": previous_latest,
    }


def published_event(
    name: str,
    version: str,
    *,
    seq: int,
    is_latest: bool,
    previous_latest: str | None,
    now: datetime,
) -> OutboxEvent:
    """The ``server.published`` event of a publish."""
    payload = published_payload(
        name, version, seq=seq, is_latest=is_latest, previous_latest=previous_latest
    )
    return new_event(SERVER_PUBLISHED, payload, now=now)


def status_changed_event(
    name: str, version: str, *, status: Status, seq: int, now: datetime
) -> OutboxEvent:
    """The ``server.status_changed`` event of one record."""
    payload = {"name": name, "version": version, "status": status, "seq": seq}
    return new_event(SERVER_STATUS_CHANGED, payload, now=now)


def updated_event(name: str, version: str, *, seq: int, now: datetime) -> OutboxEvent:
    """The ``server.updated`` event of an admin edit."""
    return new_event(SERVER_UPDATED, {"name": name, "version": version, "seq": seq}, now=now)


def publish_audit(
    name: str, version: str, *, is_latest: bool, actor: Actor, now: datetime
) -> AuditEntry:
    """Audit entry of a publish."""
    detail = {"version": version, "isLatest": is_latest}
    return AuditEntry(action=AUDIT_PUBLISH, target=name, actor=actor, at=now, detail=detail)


def status_audit(
    name: str,
    version: str | None,
    status: Status,
    message: str | None,
    changed: list[str],
    *,
    actor: Actor,
    now: datetime,
) -> AuditEntry:
    """Audit entry of a status change; ``changed`` lists the versions whose status changed."""
    detail = {"version": version, "status": status, "message": message, "changed": changed}
    return AuditEntry(action=AUDIT_STATUS, target=name, actor=actor, at=now, detail=detail)


def edit_audit(name: str, version: str, *, actor: Actor, now: datetime) -> AuditEntry:
    """Audit entry of an admin edit."""
    detail = {"version": version}
    return AuditEntry(action=AUDIT_EDIT, target=name, actor=actor, at=now, detail=detail)


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    """The dict :meth:`ServerStore.audit_log` returns for an entry."""
    return {
        "action": entry.action,
        "target": entry.target,
        "subject": entry.actor.subject,
        "auth_method": entry.actor.auth_method,
        "at": entry.at,
        "detail": entry.detail,
    }
