"""The SQLite database every SQLite store works on: connections, transactions, outbox, audit.

One object per database file and process. It owns the per-thread connections (see
``connections``), the ``BEGIN IMMEDIATE`` write transaction, the ``seq`` counter, and the two
tables every write shares: the ``outbox`` (events written in the same transaction as the change
they describe, drained by the relay through :meth:`pending_events`) and the ``audit_log``. The
server and domain stores receive it and write through it, so a change, its events and its audit
entry commit together whichever store made the change.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from mcp_registry.shared.errors import RegistryError, StorageError
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage import effects
from mcp_registry.shared.storage.records import Actor, AuditEntry
from mcp_registry.shared.storage.sqlite.connections import ConnectionPool
from mcp_registry.shared.storage.timestamps import from_micros, to_micros


def dumps(value: Any) -> str:
    """Compact JSON text of ``value`` as stored in TEXT columns."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class SqliteDatabase:
    """The SQLite file ``path``: an :class:`~mcp_registry.shared.storage.database.Outbox`
    and :class:`~mcp_registry.shared.storage.database.AuditLog`, and the transactions of
    every store on it.

    Construction opens nothing; each thread opens its own connection on first use, and a
    process forked after construction opens fresh ones. ``busy_timeout`` bounds how long a
    write waits for the lock before :class:`StorageError`.
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._pool = ConnectionPool(os.fspath(path), busy_timeout=busy_timeout)

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Report driver failures as :class:`StorageError`; domain errors pass unchanged."""
        try:
            yield
        except RegistryError:
            raise
        except sqlite3.Error as exc:
            raise StorageError(f"SQLite failure: {exc}") from exc

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction: committed when the block ends, rolled back if
        it raises. Writers serialize on the database's write lock."""
        with self.errors():
            conn = self._pool.get()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # Also after a failed COMMIT: the connection must not stay inside a transaction.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, for reads outside a write transaction."""
        with self.errors():
            yield self._pool.get()

    def read_one(self, sql: str) -> tuple[Any, ...] | None:
        """The first row of a parameterless read, without :meth:`read`'s context managers
        (for the change-sequence check before every cached read); failures as
        :class:`StorageError`."""
        try:
            row: tuple[Any, ...] | None = self._pool.get().execute(sql).fetchone()
        except sqlite3.Error as exc:
            raise StorageError(f"SQLite failure: {exc}") from exc
        return row

    @staticmethod
    def next_seq(conn: sqlite3.Connection) -> int:
        """The next change sequence number, inside the caller's write transaction (so ``seq``
        increases in commit order)."""
        row = conn.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value"
        ).fetchone()
        if row is None:
            raise StorageError("the SQLite store is not initialized (call init())")
        value: int = row[0]
        return value

    def close(self) -> None:
        """Close every connection this process opened; the database is unusable afterwards."""
        self._pool.close()

    # -- outbox ---------------------------------------------------------------------------

    @staticmethod
    def add_events(conn: sqlite3.Connection, events: Sequence[OutboxEvent]) -> None:
        """Store ``events`` in the caller's write transaction."""
        conn.executemany(
            "INSERT INTO outbox (id, subject, payload, created_at) VALUES (?, ?, ?, ?)",
            [(e.id, e.subject, dumps(e.payload), to_micros(e.created_at)) for e in events],
        )

    def pending_events(self, limit: int = 100) -> list[OutboxEvent]:
        """See :meth:`Outbox.pending_events`; oldest first = commit order."""
        with self.read() as conn:
            rows = conn.execute(
                "SELECT id, subject, payload, created_at FROM outbox"
                " WHERE sent_at IS NULL ORDER BY position LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            OutboxEvent(
                id=event_id,
                subject=subject,
                payload=json.loads(payload),
                created_at=from_micros(created),
            )
            for event_id, subject, payload, created in rows
        ]

    def mark_events_sent(self, ids: Sequence[str], *, now: datetime) -> None:
        """See :meth:`Outbox.mark_events_sent`; events already sent keep their time."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return
        stamp = to_micros(now)
        with self.write() as conn:
            conn.executemany(
                "UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                [(stamp, event_id) for event_id in unique],
            )

    # -- audit ----------------------------------------------------------------------------

    @staticmethod
    def add_audit(conn: sqlite3.Connection, entry: AuditEntry) -> None:
        """Append ``entry`` in the caller's write transaction."""
        conn.execute(
            "INSERT INTO audit_log (action, target, subject, auth_method, at, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                entry.action,
                entry.target,
                entry.actor.subject,
                entry.actor.auth_method,
                to_micros(entry.at),
                dumps(entry.detail),
            ),
        )

    def audit_log(self, *, target: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """See :meth:`AuditLog.audit_log`; newest first = reverse commit order."""
        sql = "SELECT action, target, subject, auth_method, at, detail FROM audit_log"
        params: list[str | int] = []
        if target is not None:
            sql += " WHERE target = ?"
            params.append(target)
        sql += " ORDER BY position DESC LIMIT ?"
        params.append(limit)
        with self.read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [
            effects.audit_view(
                AuditEntry(
                    action=action,
                    target=entry_target,
                    actor=Actor(subject=subject, auth_method=auth_method),
                    at=from_micros(at),
                    detail=json.loads(detail),
                )
            )
            for action, entry_target, subject, auth_method, at, detail in rows
        ]
