""":class:`RateCounterStore` on a :class:`SqliteDatabase`: one upsert per hit.

The ``BEGIN IMMEDIATE`` write makes the increment atomic across every process on the file.
Counters of ended windows are purged whenever a new window opens for some key.
"""

from __future__ import annotations

from datetime import datetime

from mcp_registry.shared.errors import StorageError
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.timestamps import to_micros

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS rate_counters (
        key TEXT NOT NULL,
        window INTEGER NOT NULL,
        count INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (key, window)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX IF NOT EXISTS rate_counters_expiry ON rate_counters (expires_at)",
)

_HIT = """
    INSERT INTO rate_counters (key, window, count, expires_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (key, window) DO UPDATE SET count = count + excluded.count
    RETURNING count
"""


class SqliteRateCounterStore:
    """:class:`~mcp_registry.shared.storage.rate_counter_port.RateCounterStore` on ``database``."""

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database

    def init(self) -> None:
        """See :meth:`RateCounterStore.init`."""
        with self.database.write() as conn:
            for statement in STATEMENTS:
                conn.execute(statement)

    def hit(self, key: str, *, window: int, expires_at: datetime, cost: int = 1) -> int:
        """See :meth:`RateCounterStore.hit`."""
        with self.database.write() as conn:
            row = conn.execute(_HIT, (key, window, cost, to_micros(expires_at))).fetchone()
            if row is None:  # pragma: no cover - RETURNING always yields the row
                raise StorageError("the rate counter could not be incremented")
            count = int(row[0])
            if count == cost:
                # A new window opened: the ones that ended are dead weight.
                conn.execute(
                    "DELETE FROM rate_counters WHERE expires_at < ? AND window < ?",
                    (to_micros(expires_at), window),
                )
        return count
