"""The MongoDB database every MongoDB store works on: client, transactions, outbox, audit.

One object per database and process. It owns the lazily created client and the write runner
(``connection``), the ``seq`` counter, and the two collections every write shares: the
``outbox`` (events stored with the change they describe, drained by the relay through
:meth:`pending_events`) and the ``audit_log``. The server and domain stores receive it; in
standalone mode a store whose writes can be interrupted between steps registers a repair step
(:meth:`add_repair`), which the outbox runs before it hands out events, so no event is stranded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pymongo import MongoClient, ReturnDocument
from pymongo.database import Database

from mcp_registry.shared.errors import StorageError
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage import effects
from mcp_registry.shared.storage.mongo.connection import MongoConnection, Session
from mcp_registry.shared.storage.mongo.documents import Document, audit_of, event_of
from mcp_registry.shared.storage.mongo.schema import AUDIT, COUNTERS, OUTBOX, SEQ_COUNTER
from mcp_registry.shared.storage.timestamps import to_micros

T = TypeVar("T")

_MARK_SENT_CHUNK = 500


class MongoDatabase:
    """MongoDB database ``database`` at ``target``: an
    :class:`~mcp_registry.shared.storage.database.Outbox` and
    :class:`~mcp_registry.shared.storage.database.AuditLog`, and the transactions of every
    store on it.

    ``target`` is a connection URL (the client is created on first use, in the process using
    it) or a ready client, which the caller keeps owning (``close()`` leaves it open).
    ``transactions`` forces the atomicity mode; None asks the server (``hello``) on first write.
    """

    def __init__(
        self,
        target: str | MongoClient[Document],
        database: str = "mcp_registry",
        *,
        transactions: bool | None = None,
    ) -> None:
        self._connection = MongoConnection(target, database, transactions=transactions)
        self._repairs: list[Callable[[], None]] = []

    # -- connection and transactions ------------------------------------------------------

    @property
    def database_name(self) -> str:
        """The MongoDB database the stores use."""
        return self._connection.database_name

    def uses_transactions(self) -> bool:
        """Whether writes run in multi-document transactions (asks the server once)."""
        return self._connection.uses_transactions()

    def db(self) -> Database[Document]:
        """The pymongo database (the client is created on first use in this process)."""
        return self._connection.db()

    def call(self, fn: Callable[[], T]) -> T:
        """Run a read or a single-document write, mapping driver errors to StorageError."""
        return self._connection.call(fn)

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` as one write: in a transaction on a replica set, retried on conflicts."""
        return self._connection.write(fn)

    def close(self) -> None:
        """Close the client this database created (a given client stays open)."""
        self._connection.close()

    def next_seq(self, session: Session) -> int:
        """The next change sequence number (inside the caller's transaction, if any)."""
        doc = self.db()[COUNTERS].find_one_and_update(
            {"_id": SEQ_COUNTER},
            {"$inc": {"value": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        if doc is None:  # pragma: no cover - upsert with AFTER always returns the document
            raise StorageError("the seq counter could not be incremented")
        return int(doc["value"])

    def current_seq(self, session: Session) -> int:
        """The greatest seq handed out so far (0 for an empty database)."""
        doc = self.db()[COUNTERS].find_one({"_id": SEQ_COUNTER}, session=session)
        return int(doc["value"]) if doc is not None else 0

    def add_repair(self, repair: Callable[[], None]) -> None:
        """Run ``repair`` before :meth:`pending_events` reads: it finishes standalone writes a
        crash interrupted, so their events reach the outbox collection."""
        self._repairs.append(repair)

    # -- outbox ---------------------------------------------------------------------------

    def pending_events(self, limit: int = 100) -> list[OutboxEvent]:
        """See :meth:`Outbox.pending_events`; ordered by the seq each event describes.

        Runs the registered repairs first, so events of interrupted writes are not stranded.
        """
        for repair in self._repairs:
            repair()

        def read() -> list[OutboxEvent]:
            docs = self.db()[OUTBOX].find(
                {"sentAt": None}, sort=[("order", 1), ("createdAt", 1)], limit=limit
            )
            return [event_of(doc) for doc in docs]

        return self.call(read)

    def mark_events_sent(self, ids: Sequence[str], *, now: datetime) -> None:
        """See :meth:`Outbox.mark_events_sent`; events already sent keep their time."""
        unique = list(dict.fromkeys(ids))
        stamp = to_micros(now)

        def mark() -> None:
            for start in range(0, len(unique), _MARK_SENT_CHUNK):
                chunk = unique[start : start + _MARK_SENT_CHUNK]
                self.db()[OUTBOX].update_many(
                    {"_id": {"$in": chunk}, "sentAt": None}, {"$set": {"sentAt": stamp}}
                )

        self.call(mark)

    # -- audit ----------------------------------------------------------------------------

    def audit_log(self, *, target: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """See :meth:`AuditLog.audit_log`; newest first by the seq of the write."""

        def read() -> list[dict[str, Any]]:
            spec: Document = {"target": target} if target is not None else {}
            docs = self.db()[AUDIT].find(spec, sort=[("order", -1), ("at", -1)], limit=limit)
            return [effects.audit_view(audit_of(doc)) for doc in docs]

        return self.call(read)
