"""The change log (:class:`~mcp_registry.shared.storage.changes_port.ChangeLog`) on MongoDB.

Collection ``change_log``: ``_id`` is the position, ``key`` (unique) the change's identity,
``server`` the ServerResponse as JSON text (its keys are not all legal BSON field names).

Each change is one single-document insert at the greatest position plus one, made only after
the previous insert was acknowledged. Two appenders racing for a position cannot both win:
the ``_id`` is unique, so the loser re-reads the head and takes the next one. A position is
thus never visible before the positions below it, with or without transactions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pymongo.errors import DuplicateKeyError

from mcp_registry.shared.errors import StorageError
from mcp_registry.shared.storage.changes_port import ChangeRecord, NewChange
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

CHANGE_LOG = "change_log"
_MAX_RACES = 100


class MongoChangeLog:
    """The change log in the MongoDB database ``database``."""

    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    def init(self) -> None:
        """Create the unique ``key`` index (idempotent)."""
        self.database.call(
            lambda: self.database.db()[CHANGE_LOG].create_index(
                [("key", 1)], name="change_key", unique=True
            )
        )

    def append(self, changes: Sequence[NewChange]) -> int:
        """See :meth:`ChangeLog.append`."""
        return self.database.call(lambda: sum(self._append_one(change) for change in changes))

    def _append_one(self, change: NewChange) -> int:
        log = self.database.db()[CHANGE_LOG]
        if log.find_one({"key": change.key}, projection={"_id": 1}) is not None:
            return 0
        for _ in range(_MAX_RACES):
            position = self._head() + 1
            try:
                log.insert_one(
                    {
                        "_id": position,
                        "key": change.key,
                        "type": change.type,
                        "name": change.name,
                        "version": change.version,
                        "at": to_micros(change.at),
                        "server": json.dumps(change.server, separators=(",", ":")),
                    }
                )
                return 1
            except DuplicateKeyError:
                # Another appender took this position, or already appended this change.
                if log.find_one({"key": change.key}, projection={"_id": 1}) is not None:
                    return 0
        raise StorageError("the change log stayed contended; try again")

    def read(self, after: int, limit: int) -> list[ChangeRecord]:
        """See :meth:`ChangeLog.read`."""

        def fetch() -> list[dict[str, Any]]:
            return list(
                self.database.db()[CHANGE_LOG].find(
                    {"_id": {"$gt": after}}, sort=[("_id", 1)], limit=limit
                )
            )

        return self._records(self.database.call(fetch))

    def for_event(self, event_id: str) -> list[ChangeRecord]:
        """See :meth:`ChangeLog.for_event`."""
        # Event ids are hex; a range on the unique key index, like a prefix match.
        spec = {"key": {"$gte": f"{event_id}:", "$lt": f"{event_id};"}}

        def fetch() -> list[dict[str, Any]]:
            return list(self.database.db()[CHANGE_LOG].find(spec, sort=[("_id", 1)]))

        return self._records(self.database.call(fetch))

    @staticmethod
    def _records(docs: list[dict[str, Any]]) -> list[ChangeRecord]:
        return [
            ChangeRecord(
                position=int(doc["_id"]),
                type=str(doc["type"]),
                name=str(doc["name"]),
                version=str(doc["version"]),
                at=from_micros(int(doc["at"])),
                server=json.loads(doc["server"]),
            )
            for doc in docs
        ]

    def head(self) -> int:
        """See :meth:`ChangeLog.head`."""
        return self.database.call(self._head)

    def _head(self) -> int:
        docs = list(
            self.database.db()[CHANGE_LOG].find(
                {}, projection={"_id": 1}, sort=[("_id", -1)], limit=1
            )
        )
        return int(docs[0]["_id"]) if docs else 0
