""":class:`RateCounterStore` on a :class:`MongoDatabase`: one atomic ``$inc`` upsert per hit.

``_id`` is ``<key>|<window>``; a TTL index on ``expireAt`` lets the server purge counters of
ended windows.
"""

from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.collection import Collection

from mcp_registry.shared.errors import StorageError
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.documents import Document

RATE_COUNTERS = "rate_counters"


class MongoRateCounterStore:
    """:class:`~mcp_registry.shared.storage.rate_counter_port.RateCounterStore` on ``database``."""

    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    def _counters(self) -> Collection[Document]:
        return self.database.db()[RATE_COUNTERS]

    def init(self) -> None:
        """See :meth:`RateCounterStore.init`: the TTL index."""
        self.database.call(
            lambda: self._counters().create_index(
                [("expireAt", 1)], name="ttl", expireAfterSeconds=0
            )
        )

    def hit(self, key: str, *, window: int, expires_at: datetime, cost: int = 1) -> int:
        """See :meth:`RateCounterStore.hit`."""

        def inc() -> int:
            doc = self._counters().find_one_and_update(
                {"_id": f"{key}|{window}"},
                {"$inc": {"count": cost}, "$setOnInsert": {"expireAt": expires_at}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:  # pragma: no cover - upsert with AFTER always returns it
                raise StorageError("the rate counter could not be incremented")
            return int(doc["count"])

        return self.database.call(inc)
