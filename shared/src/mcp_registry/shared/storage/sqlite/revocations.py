""":class:`RevocationStore` on a :class:`SqliteDatabase`.

Writes through the database's transactions, so a revocation and its outbox event commit in
one transaction (the same arrangement as ``domains``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.revocation_port import Revocation
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.timestamps import to_micros

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS token_revocations (
        kind TEXT NOT NULL CHECK (kind IN ('token', 'subject')),
        key TEXT NOT NULL,
        revoked_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_by TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS token_revocations_expiry ON token_revocations (expires_at)",
)

_UPSERT = """
    INSERT INTO token_revocations (kind, key, revoked_at, expires_at, revoked_by)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (kind, key) DO UPDATE SET
        revoked_at = max(revoked_at, excluded.revoked_at),
        expires_at = max(expires_at, excluded.expires_at),
        revoked_by = excluded.revoked_by
"""

_CHECK = """
    SELECT 1 FROM token_revocations
    WHERE expires_at > ? AND (
        (kind = 'token' AND key = ?) OR (kind = 'subject' AND key = ? AND revoked_at >= ?)
    )
    LIMIT 1
"""


class SqliteRevocationStore:
    """:class:`~mcp_registry.shared.storage.revocation_port.RevocationStore` on ``database``."""

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database

    def init(self) -> None:
        """See :meth:`RevocationStore.init`."""
        with self.database.write() as conn:
            for statement in STATEMENTS:
                conn.execute(statement)

    def add(self, revocation: Revocation, events: Sequence[OutboxEvent] = ()) -> None:
        """See :meth:`RevocationStore.add`: one transaction with the events."""
        with self.database.write() as conn:
            conn.execute(
                "DELETE FROM token_revocations WHERE expires_at <= ?",
                (to_micros(revocation.revoked_at),),
            )
            conn.execute(
                _UPSERT,
                (
                    revocation.kind,
                    revocation.key,
                    to_micros(revocation.revoked_at),
                    to_micros(revocation.expires_at),
                    revocation.revoked_by,
                ),
            )
            self.database.add_events(conn, events)

    def is_revoked(self, *, jti: str, subject: str, issued_at: datetime, now: datetime) -> bool:
        """See :meth:`RevocationStore.is_revoked` (primary-key lookups)."""
        with self.database.read() as conn:
            row = conn.execute(
                _CHECK, (to_micros(now), jti, subject, to_micros(issued_at))
            ).fetchone()
        return row is not None
