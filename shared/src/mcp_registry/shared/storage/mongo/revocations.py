""":class:`RevocationStore` on the MongoDB database of a :class:`MongoServerStore`.

One document per revocation (``_id`` ``<kind>:<key>``), times in microseconds as everywhere
in the store; expired ones are purged on each new revocation. The outbox event is written
after the revocation, in the same transaction when the deployment has them; without, a crash
between the two loses only the event (the stored revocation is what verifiers read).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pymongo.collection import Collection

from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.mongo.connection import Session
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.documents import (
    Document,
    event_document,
    outbox_document,
)
from mcp_registry.shared.storage.mongo.schema import COUNTERS, OUTBOX, SEQ_COUNTER
from mcp_registry.shared.storage.revocation_port import Revocation
from mcp_registry.shared.storage.timestamps import to_micros

REVOCATIONS = "token_revocations"


class MongoRevocationStore:
    """:class:`~mcp_registry.shared.storage.revocation_port.RevocationStore` on ``database``."""

    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    def _revocations(self) -> Collection[Document]:
        return self.database.db()[REVOCATIONS]

    def init(self) -> None:
        """See :meth:`RevocationStore.init`: the index purges use."""
        self.database.call(
            lambda: self._revocations().create_index([("expiresAt", 1)], name="expiry")
        )

    def add(self, revocation: Revocation, events: Sequence[OutboxEvent] = ()) -> None:
        """See :meth:`RevocationStore.add`."""

        def attempt(session: Session) -> None:
            self._revocations().delete_many(
                {"expiresAt": {"$lte": to_micros(revocation.revoked_at)}}, session=session
            )
            self._revocations().update_one(
                {"_id": f"{revocation.kind}:{revocation.key}"},
                {
                    "$set": {"kind": revocation.kind, "key": revocation.key},
                    "$max": {
                        "revokedAt": to_micros(revocation.revoked_at),
                        "expiresAt": to_micros(revocation.expires_at),
                    },
                    "$setOnInsert": {"revokedBy": revocation.revoked_by},
                },
                upsert=True,
                session=session,
            )
            counter = self.database.db()[COUNTERS].find_one({"_id": SEQ_COUNTER}, session=session)
            order = int(counter["value"]) if counter is not None else 0
            for event in events:
                embedded = event_document(event) | {"order": order}
                self.database.db()[OUTBOX].update_one(
                    {"_id": event.id},
                    {"$setOnInsert": outbox_document(embedded)},
                    upsert=True,
                    session=session,
                )

        self.database.write(attempt)

    def is_revoked(self, *, jti: str, subject: str, issued_at: datetime, now: datetime) -> bool:
        """See :meth:`RevocationStore.is_revoked` (``_id`` lookups)."""
        spec: Document = {
            "expiresAt": {"$gt": to_micros(now)},
            "$or": [
                {"_id": f"token:{jti}"},
                {"_id": f"subject:{subject}", "revokedAt": {"$gte": to_micros(issued_at)}},
            ],
        }
        return self.database.call(lambda: self._revocations().find_one(spec) is not None)
