""":class:`DomainStore` on a :class:`SqliteDatabase`.

It writes through the database's ``BEGIN IMMEDIATE`` transactions and stores outbox events and
audit entries with the database's own writers, so a verification change and its ``domain.*``
event commit in one transaction and the relay delivers the event.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.domain_errors import DomainTaken, StaleRecord
from mcp_registry.shared.storage.domain_records import (
    DOMAIN_STATES,
    DomainRecord,
    DomainState,
    Owner,
)
from mcp_registry.shared.storage.records import AuditEntry
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

_STATE: dict[str, DomainState] = {s: s for s in DOMAIN_STATES}

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS domain_verifications (
        domain TEXT NOT NULL,
        owner TEXT NOT NULL,
        auth_method TEXT NOT NULL,
        auth_method_sub TEXT NOT NULL,
        token TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'verified', 'revoked')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        token_expires_at INTEGER NOT NULL,
        verified_at INTEGER,
        last_checked_at INTEGER,
        next_check_at INTEGER,
        consecutive_failures INTEGER NOT NULL,
        failing_since INTEGER,
        last_failure TEXT,
        revoked_at INTEGER,
        revoked_by TEXT,
        revision INTEGER NOT NULL,
        PRIMARY KEY (domain, owner)
    ) WITHOUT ROWID
    """,
    # One verified owner per domain, enforced by the database.
    """
    CREATE UNIQUE INDEX IF NOT EXISTS domain_verifications_one_verified
        ON domain_verifications (domain) WHERE state = 'verified'
    """,
    """
    CREATE INDEX IF NOT EXISTS domain_verifications_owner
        ON domain_verifications (owner, domain)
    """,
    """
    CREATE INDEX IF NOT EXISTS domain_verifications_due
        ON domain_verifications (next_check_at) WHERE state = 'verified'
    """,
)

_COLUMNS = (
    "domain, owner, auth_method, auth_method_sub, token, state, created_at, updated_at,"
    " token_expires_at, verified_at, last_checked_at, next_check_at, consecutive_failures,"
    " failing_since, last_failure, revoked_at, revoked_by, revision"
)
_COLUMN_NAMES = [c.strip() for c in _COLUMNS.split(",")]
# Built once from the constant column list above; values always travel as parameters.
_SELECT = f"SELECT {_COLUMNS} FROM domain_verifications"  # noqa: S608
_INSERT = (
    f"INSERT INTO domain_verifications ({_COLUMNS})"  # noqa: S608
    f" VALUES ({', '.join('?' * len(_COLUMN_NAMES))})"
)
_UPDATE = (
    "UPDATE domain_verifications SET "  # noqa: S608
    + ", ".join(f"{c} = ?" for c in _COLUMN_NAMES[2:])
    + " WHERE domain = ? AND owner = ? AND revision = ?"
)


def _micros(moment: datetime | None) -> int | None:
    return to_micros(moment) if moment is not None else None


def _moment(value: int | None) -> datetime | None:
    return from_micros(value) if value is not None else None


def _row(record: DomainRecord, revision: int) -> tuple[Any, ...]:
    return (
        record.domain,
        record.owner.key,
        record.owner.auth_method,
        record.owner.auth_method_sub,
        record.token,
        record.state,
        to_micros(record.created_at),
        to_micros(record.updated_at),
        to_micros(record.token_expires_at),
        _micros(record.verified_at),
        _micros(record.last_checked_at),
        _micros(record.next_check_at),
        record.consecutive_failures,
        _micros(record.failing_since),
        record.last_failure,
        _micros(record.revoked_at),
        record.revoked_by,
        revision,
    )


def _record(row: Sequence[Any]) -> DomainRecord:
    (domain, _, method, sub, token, state, created, updated, expires, verified, checked,
     next_check, failures, failing, failure, revoked, revoked_by, revision) = row  # fmt: skip
    return DomainRecord(
        domain=domain,
        owner=Owner(method, sub),
        token=token,
        state=_STATE[state],
        created_at=from_micros(created),
        updated_at=from_micros(updated),
        token_expires_at=from_micros(expires),
        verified_at=_moment(verified),
        last_checked_at=_moment(checked),
        next_check_at=_moment(next_check),
        consecutive_failures=failures,
        failing_since=_moment(failing),
        last_failure=failure,
        revoked_at=_moment(revoked),
        revoked_by=revoked_by,
        revision=revision,
    )


class SqliteDomainStore:
    """:class:`~mcp_registry.shared.storage.domain_port.DomainStore` on ``database``."""

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database

    def init(self) -> None:
        """Create the table and its indexes (idempotent); the server store's ``init`` makes
        the shared ``outbox`` and ``audit_log``."""
        with self.database.write() as conn:
            for statement in STATEMENTS:
                conn.execute(statement)

    def repair(self) -> None:
        """Nothing to do: every SQLite write is one transaction."""

    def _select(self, where: str, params: Sequence[Any]) -> list[DomainRecord]:
        with self.database.read() as conn:
            rows = conn.execute(f"{_SELECT} {where}", tuple(params)).fetchall()
        return [_record(row) for row in rows]

    def get(self, domain: str, owner: Owner) -> DomainRecord | None:
        """See :meth:`DomainStore.get`."""
        found = self._select("WHERE domain = ? AND owner = ?", (domain, owner.key))
        return found[0] if found else None

    def verified(self, domain: str) -> DomainRecord | None:
        """See :meth:`DomainStore.verified`."""
        found = self._select("WHERE domain = ? AND state = 'verified'", (domain,))
        return found[0] if found else None

    def for_owner(self, owner: Owner) -> list[DomainRecord]:
        """See :meth:`DomainStore.for_owner`."""
        return self._select("WHERE owner = ? ORDER BY domain", (owner.key,))

    def for_domain(self, domain: str) -> list[DomainRecord]:
        """See :meth:`DomainStore.for_domain`."""
        return self._select("WHERE domain = ? ORDER BY owner", (domain,))

    def list_all(self, *, state: DomainState | None = None, limit: int = 100) -> list[DomainRecord]:
        """See :meth:`DomainStore.list_all`."""
        if state is None:
            return self._select("ORDER BY domain, owner LIMIT ?", (limit,))
        return self._select("WHERE state = ? ORDER BY domain, owner LIMIT ?", (state, limit))

    def due(self, now: datetime, *, limit: int = 100) -> list[DomainRecord]:
        """See :meth:`DomainStore.due` (served by the partial ``due`` index)."""
        return self._select(
            "WHERE state = 'verified' AND next_check_at <= ? ORDER BY next_check_at LIMIT ?",
            (to_micros(now), limit),
        )

    def save(
        self,
        record: DomainRecord,
        *,
        expected_revision: int | None,
        events: Sequence[OutboxEvent] = (),
        audit: AuditEntry | None = None,
    ) -> DomainRecord:
        """See :meth:`DomainStore.save`: one transaction for the row, events and audit."""
        revision = 1 if expected_revision is None else expected_revision + 1
        values = _row(record, revision)
        with self.database.write() as conn:
            try:
                if expected_revision is None:
                    conn.execute(_INSERT, values)
                else:
                    cursor = conn.execute(
                        _UPDATE, (*values[2:], record.domain, record.owner.key, expected_revision)
                    )
                    if cursor.rowcount != 1:
                        raise StaleRecord(f"the verification of {record.domain} changed meanwhile")
            except sqlite3.IntegrityError as exc:
                if "domain_verifications.domain" in str(exc) and "owner" not in str(exc):
                    raise DomainTaken(f"{record.domain} is verified by another identity") from None
                raise StaleRecord(f"the verification of {record.domain} exists already") from None
            self.database.add_events(conn, events)
            if audit is not None:
                self.database.add_audit(conn, audit)
        return dataclasses.replace(record, revision=revision)
