""":class:`ModerationStore` on a :class:`SqliteDatabase`.

Each change writes through the database's transaction, so a block, its audit entry and its
``namespace.blocked`` event commit together.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.moderation_port import NamespaceBlock, Report, ReportState
from mcp_registry.shared.storage.records import AuditEntry
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase, dumps
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS namespace_blocks (
        pattern TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        blocked_by TEXT NOT NULL,
        blocked_at INTEGER NOT NULL,
        hide INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS abuse_reports (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        version TEXT,
        reason TEXT NOT NULL,
        details TEXT,
        reporter TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
        resolution TEXT
    )
    """,
    "CREATE INDEX IF NOT EXISTS abuse_reports_state ON abuse_reports (state, position)",
)

_SELECT_REPORTS = """
    SELECT id, name, version, reason, details, reporter, created_at, state, resolution
    FROM abuse_reports
"""
_INSERT_REPORT = """
    INSERT INTO abuse_reports
        (id, name, version, reason, details, reporter, created_at, state, resolution)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _report(row: sqlite3.Row | tuple[object, ...]) -> Report:
    rid, name, version, reason, details, reporter, created, state, resolution = row
    return Report(
        id=str(rid),
        name=str(name),
        version=str(version) if version is not None else None,
        reason=str(reason),
        details=str(details) if details is not None else None,
        reporter=str(reporter),
        created_at=from_micros(int(str(created))),
        state="resolved" if state == "resolved" else "open",
        resolution=json.loads(str(resolution)) if resolution is not None else None,
    )


class SqliteModerationStore:
    """:class:`~mcp_registry.shared.storage.moderation_port.ModerationStore` on ``database``."""

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database

    def init(self) -> None:
        """See :meth:`ModerationStore.init`."""
        with self.database.write() as conn:
            for statement in STATEMENTS:
                conn.execute(statement)

    def block(
        self, block: NamespaceBlock, audit: AuditEntry, events: Sequence[OutboxEvent] = ()
    ) -> None:
        """See :meth:`ModerationStore.block`: one transaction."""
        with self.database.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO namespace_blocks"
                " (pattern, reason, blocked_by, blocked_at, hide) VALUES (?, ?, ?, ?, ?)",
                (
                    block.pattern,
                    block.reason,
                    block.blocked_by,
                    to_micros(block.blocked_at),
                    int(block.hide),
                ),
            )
            self.database.add_audit(conn, audit)
            self.database.add_events(conn, events)

    def unblock(self, pattern: str, audit: AuditEntry) -> bool:
        """See :meth:`ModerationStore.unblock`."""
        with self.database.write() as conn:
            gone = conn.execute("DELETE FROM namespace_blocks WHERE pattern = ?", (pattern,))
            if gone.rowcount == 0:
                return False
            self.database.add_audit(conn, audit)
        return True

    def blocks(self) -> list[NamespaceBlock]:
        """See :meth:`ModerationStore.blocks`."""
        with self.database.read() as conn:
            rows = conn.execute(
                "SELECT pattern, reason, blocked_by, blocked_at, hide FROM namespace_blocks"
                " ORDER BY pattern"
            ).fetchall()
        return [
            NamespaceBlock(p, r, by, from_micros(at), bool(hide)) for p, r, by, at, hide in rows
        ]

    def note(self, audit: AuditEntry) -> None:
        """See :meth:`ModerationStore.note`."""
        with self.database.write() as conn:
            self.database.add_audit(conn, audit)

    def add_report(self, report: Report) -> None:
        """See :meth:`ModerationStore.add_report`."""
        with self.database.write() as conn:
            conn.execute(
                _INSERT_REPORT,
                (
                    report.id,
                    report.name,
                    report.version,
                    report.reason,
                    report.details,
                    report.reporter,
                    to_micros(report.created_at),
                    report.state,
                    dumps(report.resolution) if report.resolution is not None else None,
                ),
            )

    def reports(self, *, state: ReportState | None, limit: int) -> list[Report]:
        """See :meth:`ModerationStore.reports`."""
        sql = _SELECT_REPORTS
        params: list[str | int] = []
        if state is not None:
            sql += " WHERE state = ?"
            params.append(state)
        sql += " ORDER BY position DESC LIMIT ?"
        params.append(limit)
        with self.database.read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [_report(row) for row in rows]

    def get_report(self, report_id: str) -> Report | None:
        """See :meth:`ModerationStore.get_report`."""
        with self.database.read() as conn:
            row = conn.execute(
                _SELECT_REPORTS + " WHERE id = ?",
                (report_id,),
            ).fetchone()
        return _report(row) if row is not None else None

    def resolve_report(self, report: Report, audit: AuditEntry) -> bool:
        """See :meth:`ModerationStore.resolve_report`: only an open report changes."""
        with self.database.write() as conn:
            done = conn.execute(
                "UPDATE abuse_reports SET state = ?, resolution = ?"
                " WHERE id = ? AND state = 'open'",
                (
                    report.state,
                    dumps(report.resolution) if report.resolution is not None else None,
                    report.id,
                ),
            )
            if done.rowcount == 0:
                return False
            self.database.add_audit(conn, audit)
        return True
