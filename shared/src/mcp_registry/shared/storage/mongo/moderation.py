""":class:`ModerationStore` on a :class:`MongoDatabase`.

Blocks live in ``namespace_blocks`` (``_id`` the pattern), reports in ``abuse_reports``
(``_id`` the report id). Audit entries and events take the current change sequence as their
order and are written in the same write as the change (one transaction when the deployment
has them; without, a crash between the steps loses only the audit entry or event, as for
revocations).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pymongo.collection import Collection

from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.moderation_port import NamespaceBlock, Report, ReportState
from mcp_registry.shared.storage.mongo.connection import Session
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.documents import (
    Document,
    audit_document,
    audit_log_document,
    event_document,
    outbox_document,
)
from mcp_registry.shared.storage.mongo.schema import AUDIT, OUTBOX
from mcp_registry.shared.storage.records import AuditEntry
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

BLOCKS = "namespace_blocks"
REPORTS = "abuse_reports"


def _report_document(report: Report) -> Document:
    return {
        "_id": report.id,
        "name": report.name,
        "version": report.version,
        "reason": report.reason,
        "details": report.details,
        "reporter": report.reporter,
        "createdAt": to_micros(report.created_at),
        "state": report.state,
        "resolution": report.resolution,
    }


def _report_of(doc: dict[str, Any]) -> Report:
    return Report(
        id=str(doc["_id"]),
        name=doc["name"],
        version=doc.get("version"),
        reason=doc["reason"],
        details=doc.get("details"),
        reporter=doc["reporter"],
        created_at=from_micros(doc["createdAt"]),
        state="resolved" if doc.get("state") == "resolved" else "open",
        resolution=doc.get("resolution"),
    )


class MongoModerationStore:
    """:class:`~mcp_registry.shared.storage.moderation_port.ModerationStore` on ``database``."""

    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    def _blocks(self) -> Collection[Document]:
        return self.database.db()[BLOCKS]

    def _reports(self) -> Collection[Document]:
        return self.database.db()[REPORTS]

    def init(self) -> None:
        """See :meth:`ModerationStore.init`: the index report listings use."""
        self.database.call(
            lambda: self._reports().create_index(
                [("state", 1), ("createdAt", -1)], name="state_newest"
            )
        )

    def _log(self, session: Session, audit: AuditEntry, events: Sequence[OutboxEvent] = ()) -> None:
        order = self.database.current_seq(session)
        entry = audit_document(audit, entry_id=uuid.uuid4().hex, order=order)
        self.database.db()[AUDIT].insert_one(
            {"_id": entry["id"]} | audit_log_document(entry), session=session
        )
        for event in events:
            embedded = event_document(event) | {"order": order}
            self.database.db()[OUTBOX].update_one(
                {"_id": event.id},
                {"$setOnInsert": outbox_document(embedded)},
                upsert=True,
                session=session,
            )

    def block(
        self, block: NamespaceBlock, audit: AuditEntry, events: Sequence[OutboxEvent] = ()
    ) -> None:
        """See :meth:`ModerationStore.block`."""

        def attempt(session: Session) -> None:
            self._blocks().replace_one(
                {"_id": block.pattern},
                {
                    "reason": block.reason,
                    "blockedBy": block.blocked_by,
                    "blockedAt": to_micros(block.blocked_at),
                    "hide": block.hide,
                },
                upsert=True,
                session=session,
            )
            self._log(session, audit, events)

        self.database.write(attempt)

    def unblock(self, pattern: str, audit: AuditEntry) -> bool:
        """See :meth:`ModerationStore.unblock`."""

        def attempt(session: Session) -> bool:
            gone = self._blocks().delete_one({"_id": pattern}, session=session)
            if gone.deleted_count == 0:
                return False
            self._log(session, audit)
            return True

        return self.database.write(attempt)

    def blocks(self) -> list[NamespaceBlock]:
        """See :meth:`ModerationStore.blocks`."""

        def read() -> list[NamespaceBlock]:
            return [
                NamespaceBlock(
                    pattern=str(doc["_id"]),
                    reason=doc["reason"],
                    blocked_by=doc["blockedBy"],
                    blocked_at=from_micros(doc["blockedAt"]),
                    hide=bool(doc.get("hide")),
                )
                for doc in self._blocks().find({}, sort=[("_id", 1)])
            ]

        return self.database.call(read)

    def note(self, audit: AuditEntry) -> None:
        """See :meth:`ModerationStore.note`."""
        self.database.write(lambda session: self._log(session, audit))

    def add_report(self, report: Report) -> None:
        """See :meth:`ModerationStore.add_report`."""
        self.database.call(lambda: self._reports().insert_one(_report_document(report)))

    def reports(self, *, state: ReportState | None, limit: int) -> list[Report]:
        """See :meth:`ModerationStore.reports`."""
        spec: Document = {"state": state} if state is not None else {}

        def read() -> list[Report]:
            docs = self._reports().find(spec, sort=[("createdAt", -1), ("_id", -1)], limit=limit)
            return [_report_of(doc) for doc in docs]

        return self.database.call(read)

    def get_report(self, report_id: str) -> Report | None:
        """See :meth:`ModerationStore.get_report`."""
        doc = self.database.call(lambda: self._reports().find_one({"_id": report_id}))
        return _report_of(doc) if doc is not None else None

    def resolve_report(self, report: Report, audit: AuditEntry) -> bool:
        """See :meth:`ModerationStore.resolve_report`."""

        def attempt(session: Session) -> bool:
            done = self._reports().update_one(
                {"_id": report.id, "state": "open"},
                {"$set": {"state": report.state, "resolution": report.resolution}},
                session=session,
            )
            if done.modified_count == 0:
                return False
            self._log(session, audit)
            return True

        return self.database.write(attempt)
