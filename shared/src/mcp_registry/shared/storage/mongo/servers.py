"""The production backend: :class:`ServerStore` on MongoDB (pymongo).

Atomicity — two modes, one algorithm
------------------------------------
Every write is written as a sequence of single-document operations, each of which is correct
on its own:

1. read the name's versions and plan with ``planning`` (same planner as SQLite);
2. apply the planned changes as compare-and-set updates (filter on the ``seq`` that was read;
   a mismatch means someone else changed the record: re-plan), records losing ``isLatest``
   before the one gaining it; a publish inserts its document last;
3. *settle latest*: re-read and fix ``isLatest`` until the planner has nothing left to do;
4. *flush*: copy the write's outbox events and audit entry from the document into the
   ``outbox`` and ``audit_log`` collections (idempotent upserts by id), then remove them from
   the document.

The events and audit entry of a change travel **inside the same single-document write** as the
change (``pendingOutbox``/``pendingAudit``), and single-document writes are atomic in MongoDB:
a change is never visible without its events, nor its events without it.

*Replica set or sharded cluster* (``hello`` reports ``setName`` or ``msg: isdbgrid``): the
whole sequence runs in one multi-document transaction (snapshot read concern, majority write
concern), so it is all-or-nothing and ``seq`` increases in commit order (writers serialize on
the ``counters`` document, written last). Steps 3 and 4 find nothing to fix inside a
transaction. This is the production mode.

*Standalone server* (and mongomock in tests), where transactions do not exist — development
only: the same steps run without one, which gives these weaker guarantees, and no more:

- a publish that returned is never lost, and two latest records for one name are impossible at
  any moment: the partial unique index ``one_latest_per_name`` refuses them, and a writer that
  loses that race re-reads and retries (CAS loops above), so concurrent publishes of one name
  all succeed and leave exactly one latest;
- between the update removing ``isLatest`` from one record and the one setting it on the next
  (microseconds), or after a crash between them, a name can have *no* latest record;
- a crash between steps can leave latest unsettled or events/audit not yet flushed. Every write
  stamps ``pendingSince`` (wall clock) on the documents it touches and clears it after step 4;
  ``init()`` and ``pending_events()`` *repair* documents pending for longer than
  ``repair_after`` seconds by running steps 3 and 4 for them;
- ``seq`` is allocated before the write it numbers, so concurrent writers may make their
  changes visible out of ``seq`` order, and a reader can see a sequence number whose change
  has not landed yet (a response cached under it can be stale until the next write);
- ``max_versions`` is checked by counting before inserting: concurrent publishes can exceed it
  by the number of racing writers;
- the ``published`` event's ``isLatest``/``previousLatest`` are those of the plan, corrected
  after step 3 if concurrent publishes changed the outcome (a crash before the correction
  leaves the planned values).

Clients are created lazily in the process that uses them (never before gunicorn forks), and a
client created by a parent process is never used by a forked child.

Modules: ``versions`` (lookups), ``version_steps`` (steps 2 to 4 and the repair),
``server_writes`` (publish, status, edit), ``server_reads`` (reads), ``remote_claims`` (one
name per remote URL), ``indexes`` (creation and migration, only by ``mcp-registry db init``).
"""

from __future__ import annotations

from mcp_registry.shared.errors import StorageError
from mcp_registry.shared.storage.mongo.backfills import fill_name_trigrams
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.indexes import ensure_indexes, missing_indexes
from mcp_registry.shared.storage.mongo.schema import COUNTERS, INDEXES, SEQ_COUNTER
from mcp_registry.shared.storage.mongo.server_reads import ServerReads
from mcp_registry.shared.storage.mongo.server_writes import ServerWrites


class MongoServerStore(ServerWrites, ServerReads):
    """:class:`~mcp_registry.shared.storage.port.ServerStore` on a :class:`MongoDatabase`.

    ``repair_after``: seconds after which an unfinished standalone write is repaired (by
    ``init`` and before the outbox hands out events).
    """

    def __init__(self, database: MongoDatabase, *, repair_after: float = 60.0) -> None:
        self.database = database
        self._repair_after_us = int(repair_after * 1_000_000)
        database.add_repair(self._repair)

    @property
    def database_name(self) -> str:
        """The MongoDB database this store uses."""
        return self.database.database_name

    def uses_transactions(self) -> bool:
        """Whether writes run in multi-document transactions (asks the server until known)."""
        return self.database.uses_transactions()

    # -- lifecycle ------------------------------------------------------------------------

    def init(self) -> None:
        """What ``mcp-registry db init`` does: fill fields older documents lack (``backfills``),
        create missing indexes, migrate changed ones (recorded in ``schema_migrations``), create
        the seq counter; idempotent.

        Also repairs writes a crash left unfinished (standalone mode).
        """

        def create() -> None:
            db = self._db()
            # Before the indexes: the name trigram index is then built over complete documents.
            fill_name_trigrams(db)
            ensure_indexes(db, INDEXES)
            db[COUNTERS].update_one(
                {"_id": SEQ_COUNTER}, {"$setOnInsert": {"value": 0}}, upsert=True
            )

        # Building an index on a large collection takes longer than one read.
        self.database.call(create, timeout=self.database.timeouts.write * 30)
        self._repair()

    def check_schema(self) -> None:
        """What a service does at start: read (never write) that every index exists as
        specified; StorageError naming the missing ones and ``mcp-registry db init`` if not."""
        missing = self.database.call(lambda: missing_indexes(self._db(), INDEXES))
        if missing:
            raise StorageError(
                f"MongoDB database {self.database_name!r} lacks indexes "
                f"({', '.join(missing)}): run `mcp-registry db init` first"
            )

    def close(self) -> None:
        """Close the database (the client it created; a given client stays open)."""
        self.database.close()

    def names_using_remote(self, url: str) -> list[str]:
        """See :meth:`ServerStore.names_using_remote`; served by the ``remoteUrls`` index."""
        return self.database.call(lambda: self._names_using_remote(url, None))
