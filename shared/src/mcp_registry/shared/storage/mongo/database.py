"""The MongoDB database every MongoDB store works on: client, transactions, outbox, audit.

One object per database and process. It owns the lazily created client and the write runner
(``connection``), the ``seq`` counter, and the two collections every write shares: the
``outbox`` (events stored with the change they describe, drained by the relay through
:meth:`pending_events`) and the ``audit_log``. The server and domain stores receive it; in
standalone mode a store whose writes can be interrupted between steps registers a repair step
(:meth:`add_repair`), which the outbox runs before it hands out events, so no event is stranded.

Reads on a replica set go through :meth:`reader` and :meth:`read_session`: majority read concern
in one causally consistent session per thread, so a read that follows another (the discovery
cache reads the change sequence, then the page) never sees older data than the first, even when
``readPreference=secondaryPreferred`` sends them to different members.

The seq counter is the one document every write changes. In a transaction it is read at the
start (a snapshot read takes no lock) and written last, just before the commit
(:meth:`_write_counter`), so concurrent writers hold it for the shortest possible time; a writer
that lost the race conflicts there and the driver retries it with backoff.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pymongo import MongoClient, ReturnDocument
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from pymongo.read_concern import ReadConcern

from mcp_registry.shared.errors import StorageError
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage import effects
from mcp_registry.shared.storage.mongo.connection import (
    Contention,
    MongoConnection,
    Session,
    Timeouts,
)
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
        timeouts: Timeouts | None = None,
    ) -> None:
        self._connection = MongoConnection(
            target, database, transactions=transactions, timeouts=timeouts
        )
        self._repairs: list[Callable[[], None]] = []
        # Per transaction (keyed by session id): (seq read at its start, last seq handed out).
        self._seqs: dict[int, tuple[int, int]] = {}
        self._sessions = threading.local()
        self._connection.add_transaction_steps(self._forget_seq, self._write_counter)

    # -- connection and transactions ------------------------------------------------------

    @property
    def database_name(self) -> str:
        """The MongoDB database the stores use."""
        return self._connection.database_name

    def uses_transactions(self) -> bool:
        """Whether writes run in multi-document transactions (asks the server until it
        answers; StorageUnavailable while it does not)."""
        return self._connection.uses_transactions()

    def db(self) -> Database[Document]:
        """The pymongo database (the client is created on first use in this process)."""
        return self._connection.db()

    @property
    def timeouts(self) -> Timeouts:
        """The deadlines of reads and writes."""
        return self._connection.timeouts

    def call(self, fn: Callable[[], T], *, timeout: float | None = None) -> T:
        """Run a read or a single-document write under the read deadline (or ``timeout``),
        mapping driver errors to StorageUnavailable (transient) or StorageError."""
        return self._connection.call(fn, timeout=timeout)

    def write(
        self, fn: Callable[[Session], T], *, landed: Callable[[], T | None] | None = None
    ) -> T:
        """Run ``fn`` as one write: in a transaction on a replica set, retried on conflicts;
        ``landed`` answers for a commit whose result stayed unknown (see MongoConnection)."""
        return self._connection.write(fn, landed=landed)

    def reader(self, name: str) -> Collection[Document]:
        """Collection ``name`` for reads: majority read concern on a replica set (what a read
        returns survives a failover), the database defaults on a standalone server."""
        if self.uses_transactions():
            return self.db().get_collection(name, read_concern=ReadConcern("majority"))
        return self.db()[name]

    def read_session(self) -> Session:
        """This thread's causally consistent read session (replica set), else None.

        Reads passing it see data at least as new as every earlier read in it: monotonic
        reads across members. Sessions are per thread (they are not thread-safe) and per
        process (a forked child starts its own).
        """
        if not self.uses_transactions():
            return None
        client = self._connection.client()
        held: tuple[int, int, ClientSession] | None = getattr(self._sessions, "held", None)
        if held is not None and held[0] == os.getpid() and held[1] == id(client):
            return held[2]
        session = client.start_session(causal_consistency=True)
        self._sessions.held = (os.getpid(), id(client), session)
        return session

    def close(self) -> None:
        """Close the client this database created (a given client stays open)."""
        self._connection.close()

    def _forget_seq(self, session: ClientSession) -> None:
        self._seqs.pop(id(session), None)

    def _write_counter(self, session: ClientSession) -> None:
        """Before the commit: store the last seq this transaction handed out (if any), provided
        the counter still holds what the transaction read; else re-run it (Contention)."""
        taken = self._seqs.pop(id(session), None)
        if taken is None or taken[0] == taken[1]:
            return
        start, last = taken
        try:
            self.db()[COUNTERS].update_one(
                {"_id": SEQ_COUNTER, "value": start},
                {"$set": {"value": last}},
                upsert=True,
                session=session,
            )
        except DuplicateKeyError:
            # The counter moved since this transaction read it: the upsert tried a second
            # counter document. Re-run with a fresh read.
            raise Contention from None

    def next_seq(self, session: Session) -> int:
        """The next change sequence number (inside the caller's transaction, if any).

        In a transaction the counter is only read here; it is written at the commit."""
        if session is not None:
            start, last = self._seqs.get(id(session)) or (self._read_seq(session),) * 2
            self._seqs[id(session)] = (start, last + 1)
            return last + 1
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
        """The greatest seq handed out so far (0 for an empty database); inside a transaction,
        including the ones it handed out itself."""
        if session is not None and id(session) in self._seqs:
            return self._seqs[id(session)][1]
        return self._read_seq(session)

    def _read_seq(self, session: Session) -> int:
        if session is None:
            collection = self.reader(COUNTERS)
            session = self.read_session()
        else:
            collection = self.db()[COUNTERS]
        doc = collection.find_one({"_id": SEQ_COUNTER}, session=session)
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
            # Majority: an event whose transaction a failover rolls back is never relayed.
            # Index: outbox "unsent" (sentAt, order, createdAt).
            docs = self.reader(OUTBOX).find(
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
            # Index: audit_log "newest" (order, at) or "target_newest" (target, order, at).
            docs = self.db()[AUDIT].find(spec, sort=[("order", -1), ("at", -1)], limit=limit)
            return [effects.audit_view(audit_of(doc)) for doc in docs]

        return self.call(read)
