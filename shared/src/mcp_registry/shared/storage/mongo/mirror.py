"""Mirror progress (:class:`MirrorStateStore`) on MongoDB: collection ``mirror_state``,
``_id`` = upstream, ``state`` as JSON text."""

from __future__ import annotations

import json
from typing import Any

from mcp_registry.shared.storage.mongo.database import MongoDatabase

MIRROR_STATE = "mirror_state"


class MongoMirrorStateStore:
    """Mirror progress in the MongoDB database ``database``."""

    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    def init(self) -> None:
        """Nothing to create: the collection appears with its first document."""

    def get(self, source: str) -> dict[str, Any] | None:
        doc = self.database.call(lambda: self.database.db()[MIRROR_STATE].find_one({"_id": source}))
        return json.loads(doc["state"]) if doc is not None else None

    def put(self, source: str, state: dict[str, Any]) -> None:
        text = json.dumps(state, separators=(",", ":"))
        self.database.call(
            lambda: self.database.db()[MIRROR_STATE].replace_one(
                {"_id": source}, {"_id": source, "state": text}, upsert=True
            )
        )

    def all(self) -> dict[str, dict[str, Any]]:
        docs = self.database.call(lambda: list(self.database.db()[MIRROR_STATE].find({})))
        return {str(doc["_id"]): json.loads(doc["state"]) for doc in docs}
