"""Mirror progress (:class:`MirrorStateStore`) on SQLite: one row per upstream."""

from __future__ import annotations

import json
from typing import Any

from mcp_registry.shared.storage.sqlite.database import SqliteDatabase, dumps


class SqliteMirrorStateStore:
    """Mirror progress in the SQLite database ``database``."""

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database

    def init(self) -> None:
        with self.database.write() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS mirror_state"
                " (source TEXT PRIMARY KEY, state TEXT NOT NULL)"
            )

    def get(self, source: str) -> dict[str, Any] | None:
        with self.database.read() as conn:
            row = conn.execute(
                "SELECT state FROM mirror_state WHERE source = ?", (source,)
            ).fetchone()
        return json.loads(row[0]) if row is not None else None

    def put(self, source: str, state: dict[str, Any]) -> None:
        with self.database.write() as conn:
            conn.execute(
                "INSERT INTO mirror_state (source, state) VALUES (?, ?)"
                " ON CONFLICT (source) DO UPDATE SET state = excluded.state",
                (source, dumps(state)),
            )

    def all(self) -> dict[str, dict[str, Any]]:
        with self.database.read() as conn:
            rows = conn.execute("SELECT source, state FROM mirror_state ORDER BY source").fetchall()
        return {source: json.loads(state) for source, state in rows}
