"""The outbox events and audit entries of verification changes.

``registry.events.domain.verified`` and ``registry.events.domain.revoked`` carry ``domain``,
``owner`` (``<auth_method>:<auth_method_sub>``), ``auth_method``, ``auth_method_sub``,
``namespaces`` (the patterns granted or withdrawn) and ``reason`` (``dns-check``,
``admin-restore``; ``dns`` or ``admin`` for revocations).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcp_registry.services.domains.names import namespaces
from mcp_registry.shared.event_model import DOMAIN_REVOKED, DOMAIN_VERIFIED, OutboxEvent, new_event
from mcp_registry.shared.storage.domain_records import DomainRecord
from mcp_registry.shared.storage.records import Actor, AuditEntry


def _payload(record: DomainRecord, reason: str) -> dict[str, Any]:
    return {
        "domain": record.domain,
        "owner": record.owner.key,
        "auth_method": record.owner.auth_method,
        "auth_method_sub": record.owner.auth_method_sub,
        "namespaces": list(namespaces(record.domain)),
        "reason": reason,
    }


def verified_event(record: DomainRecord, reason: str, now: datetime) -> OutboxEvent:
    """``domain.verified`` for ``record``."""
    return new_event(DOMAIN_VERIFIED, _payload(record, reason), now=now)


def revoked_event(record: DomainRecord, reason: str, now: datetime) -> OutboxEvent:
    """``domain.revoked`` for ``record``."""
    return new_event(DOMAIN_REVOKED, _payload(record, reason), now=now)


def audit(action: str, record: DomainRecord, actor: Actor, now: datetime) -> AuditEntry:
    """An audit entry targeting the domain; ``detail`` names the owner and the new state."""
    detail = {"owner": record.owner.key, "state": record.state}
    return AuditEntry(action=action, target=record.domain, actor=actor, at=now, detail=detail)
