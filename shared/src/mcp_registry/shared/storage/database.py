"""What every backend's database object is: the outbox and the audit log every store shares.

A backend (``sqlite``, ``mongo``) has one database object per process that owns connections and
transactions; the server store and the domain store both receive it and write their events and
audit entries through it, in the same transaction as their change. The relay depends on the
:class:`Outbox` alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from mcp_registry.shared.event_model import OutboxEvent


class Outbox(Protocol):
    """Events stored with the changes they describe, waiting to be relayed to NATS."""

    def pending_events(self, limit: int = 100) -> list[OutboxEvent]:
        """Unsent outbox events, oldest first (the order their writes committed)."""
        ...

    def mark_events_sent(self, ids: Sequence[str], *, now: datetime) -> None:
        """Mark events delivered; unknown ids are ignored. Idempotent."""
        ...


class AuditLog(Protocol):
    """Every write and admin action, appended in the write's own transaction."""

    def audit_log(self, *, target: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Recent audit entries, newest first, as dicts with ``action``, ``target``,
        ``subject``, ``auth_method``, ``at``, ``detail``."""
        ...


class Database(Outbox, AuditLog, Protocol):
    """A backend's database object: the outbox, the audit log, and its connections."""

    def close(self) -> None:
        """Release connections. Every store on this database is unusable afterwards."""
        ...
