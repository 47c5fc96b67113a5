"""Moderation records (namespace blocks, abuse reports) and the store every backend implements.

A block covers every server name its ``pattern`` matches (the permission pattern language:
``*``, a trailing ``*`` for a prefix, else exact); publishing into it is refused with its
``reason``. A report is anyone's complaint about a server (optionally one version), ``open``
until an admin resolves it. Each change commits with its audit entry (and, for a block, its
outbox event) in one write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.records import AuditEntry

ReportState = Literal["open", "resolved"]
REPORT_STATES: tuple[ReportState, ...] = ("open", "resolved")


@dataclass(frozen=True)
class NamespaceBlock:
    """Publishing into names ``pattern`` matches is refused with ``reason``.

    ``hide`` records that the block also took every existing version down.
    """

    pattern: str
    reason: str
    blocked_by: str
    blocked_at: datetime
    hide: bool = False


@dataclass(frozen=True)
class Report:
    """An abuse report about ``name`` (``version`` None: the whole server).

    ``resolution`` is ``{"action", "note", "by", "at"}`` once resolved, else None.
    """

    id: str
    name: str
    version: str | None
    reason: str
    details: str | None
    reporter: str
    created_at: datetime
    state: ReportState = "open"
    resolution: dict[str, str] | None = None


class ModerationStore(Protocol):
    """Blocks and reports, shared by every replica through the database."""

    def init(self) -> None:
        """Create tables or indexes (idempotent)."""
        ...

    def block(
        self, block: NamespaceBlock, audit: AuditEntry, events: Sequence[OutboxEvent] = ()
    ) -> None:
        """Store ``block`` (replacing one of the same pattern) with its audit entry and events."""
        ...

    def unblock(self, pattern: str, audit: AuditEntry) -> bool:
        """Remove the block of ``pattern``; False (and nothing audited) when there was none."""
        ...

    def blocks(self) -> list[NamespaceBlock]:
        """Every block, by pattern."""
        ...

    def note(self, audit: AuditEntry) -> None:
        """Append an audit entry that has no other record (e.g. an admin token minted)."""
        ...

    def add_report(self, report: Report) -> None:
        """Store a new report."""
        ...

    def reports(self, *, state: ReportState | None, limit: int) -> list[Report]:
        """Reports of ``state`` (all when None), newest first."""
        ...

    def get_report(self, report_id: str) -> Report | None:
        """One report, or None."""
        ...

    def resolve_report(self, report: Report, audit: AuditEntry) -> bool:
        """Save ``report`` (resolved) if it is still open; False when it was resolved already."""
        ...
