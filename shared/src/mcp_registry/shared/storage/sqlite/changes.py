"""The change log (:class:`~mcp_registry.shared.storage.changes_port.ChangeLog`) on SQLite.

One table, ``change_log``. An append is one ``BEGIN IMMEDIATE`` transaction that numbers its
changes after the greatest position present, so appends serialize on the write lock and a
position is never visible before the ones below it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mcp_registry.shared.storage.changes_port import ChangeRecord, NewChange
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase, dumps
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS change_log (
        position INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        at INTEGER NOT NULL,
        server TEXT NOT NULL
    )
    """,
)

_HEAD_SQL = "SELECT COALESCE(MAX(position), 0) FROM change_log"


class SqliteChangeLog:
    """The change log in the SQLite database ``database``."""

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database

    def init(self) -> None:
        """Create ``change_log`` (idempotent)."""
        with self.database.write() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)

    def append(self, changes: Sequence[NewChange]) -> int:
        """See :meth:`ChangeLog.append`."""
        if not changes:
            return 0
        appended = 0
        with self.database.write() as conn:
            head: int = conn.execute(
                "SELECT COALESCE(MAX(position), 0) FROM change_log"
            ).fetchone()[0]
            for change in changes:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO change_log"
                    " (position, key, type, name, version, at, server)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        head + 1,
                        change.key,
                        change.type,
                        change.name,
                        change.version,
                        to_micros(change.at),
                        dumps(change.server),
                    ),
                )
                if cursor.rowcount:
                    head += 1
                    appended += 1
        return appended

    def read(self, after: int, limit: int) -> list[ChangeRecord]:
        """See :meth:`ChangeLog.read`."""
        with self.database.read() as conn:
            rows = conn.execute(
                "SELECT position, type, name, version, at, server FROM change_log"
                " WHERE position > ? ORDER BY position LIMIT ?",
                (after, limit),
            ).fetchall()
        return self._records(rows)

    def for_event(self, event_id: str) -> list[ChangeRecord]:
        """See :meth:`ChangeLog.for_event`."""
        # ';' follows ':' in ASCII: the range is every key starting with "<id>:".
        with self.database.read() as conn:
            rows = conn.execute(
                "SELECT position, type, name, version, at, server FROM change_log"
                " WHERE key >= ? AND key < ? ORDER BY position",
                (f"{event_id}:", f"{event_id};"),
            ).fetchall()
        return self._records(rows)

    @staticmethod
    def _records(rows: list[Any]) -> list[ChangeRecord]:
        return [
            ChangeRecord(
                position=position,
                type=kind,
                name=name,
                version=version,
                at=from_micros(at),
                server=json.loads(server),
            )
            for position, kind, name, version, at, server in rows
        ]

    def head(self) -> int:
        """See :meth:`ChangeLog.head`."""
        with self.database.read() as conn:
            value: int = conn.execute(_HEAD_SQL).fetchone()[0]
        return value
