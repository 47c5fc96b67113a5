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
the ``counters`` document). Steps 3 and 4 find nothing to fix inside a transaction.

*Standalone server* (and mongomock in tests), where transactions do not exist: the same steps
run without one, which gives these weaker guarantees, and no more:

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
  changes visible out of ``seq`` order;
- ``max_versions`` is checked by counting before inserting: concurrent publishes can exceed it
  by the number of racing writers;
- the ``published`` event's ``isLatest``/``previousLatest`` are those of the plan, corrected
  after step 3 if concurrent publishes changed the outcome (a crash before the correction
  leaves the planned values).

Clients are created lazily in the process that uses them (never before gunicorn forks), and a
client created by a parent process is never used by a forked child.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pymongo import MongoClient, ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.errors import BadRequest, Conflict, NotFound, RegistryError, StorageError
from mcp_registry.shared.storage import effects
from mcp_registry.shared.storage.mongo_connection import (
    MAX_ATTEMPTS,
    Contention,
    MongoConnection,
    Session,
    backoff,
)
from mcp_registry.shared.storage.mongo_documents import (
    RECORD_FIELDS,
    STATE_FIELDS,
    Document,
    audit_document,
    audit_log_document,
    audit_of,
    derived_fields_of,
    dump_server,
    event_document,
    event_of,
    list_filter,
    new_version_document,
    record_of,
    state_of,
)
from mcp_registry.shared.storage.mongo_pending import PENDING_FIELDS, flush_pending
from mcp_registry.shared.storage.mongo_schema import (
    AUDIT,
    COUNTERS,
    INDEXES,
    OUTBOX,
    SEQ_COUNTER,
    VERSIONS,
)
from mcp_registry.shared.storage.planning import (
    Transition,
    VersionState,
    check_identity,
    plan_publish,
    plan_status,
    reconcile_latest,
)
from mcp_registry.shared.storage.port import MAX_VERSIONS_PER_NAME
from mcp_registry.shared.storage.records import (
    Actor,
    AuditEntry,
    ListPage,
    ListQuery,
    NewVersion,
    OutboxEvent,
    ServerRecord,
    Status,
)
from mcp_registry.shared.storage.remote_urls import remote_urls
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

_REPAIR_BATCH = 100
_MARK_SENT_CHUNK = 500


def _wall_micros() -> int:
    return to_micros(utcnow())


CHANGE_VISIBILITY_SLACK = 64
"""Sequence numbers below a reader's last seen ``seq`` that :meth:`changed_since` looks at
again: a write allocates its ``seq`` before it commits, so a slower concurrent writer with a
smaller ``seq`` can become visible later."""


class MongoServerStore:
    """:class:`~mcp_registry.shared.storage.port.ServerStore` on MongoDB database ``database``.

    ``target`` is a connection URL (the client is created on first use, in the process using
    it) or a ready client, which the caller keeps owning (``close()`` leaves it open).
    ``transactions`` forces the atomicity mode; None asks the server (``hello``) on first write.
    ``repair_after``: seconds after which an unfinished standalone write is repaired.
    """

    def __init__(
        self,
        target: str | MongoClient[Document],
        database: str = "mcp_registry",
        *,
        transactions: bool | None = None,
        repair_after: float = 60.0,
    ) -> None:
        self._conn = MongoConnection(target, database, transactions=transactions)
        self._repair_after_us = int(repair_after * 1_000_000)

    @property
    def database_name(self) -> str:
        """The MongoDB database this store uses."""
        return self._conn.database_name

    def uses_transactions(self) -> bool:
        """Whether writes run in multi-document transactions (asks the server once)."""
        return self._conn.uses_transactions()

    # -- plumbing -------------------------------------------------------------------------

    def _db(self) -> Database[Document]:
        return self._conn.db()

    def _versions(self) -> Collection[Document]:
        return self._conn.db()[VERSIONS]

    def _next_seq(self, session: Session) -> int:
        doc = self._db()[COUNTERS].find_one_and_update(
            {"_id": SEQ_COUNTER},
            {"$inc": {"value": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        if doc is None:  # pragma: no cover - upsert with AFTER always returns the document
            raise StorageError("the seq counter could not be incremented")
        return int(doc["value"])

    def _states(self, name: str, session: Session) -> list[VersionState]:
        docs = self._versions().find({"name": name}, projection=STATE_FIELDS, session=session)
        return [state_of(doc) for doc in docs]

    def _record(self, name: str, version: str, session: Session) -> ServerRecord | None:
        doc = self._versions().find_one(
            {"name": name, "version": version}, projection=RECORD_FIELDS, session=session
        )
        return record_of(doc) if doc is not None else None

    def _cas(
        self,
        name: str,
        version: str,
        expected_seq: int,
        fields: Document,
        session: Session,
        *,
        events: Sequence[OutboxEvent] = (),
        audit: Document | None = None,
    ) -> None:
        """Update (name, version) if its seq is still ``expected_seq``, embedding ``events``
        and ``audit`` in the same single-document write; :class:`Contention` otherwise."""
        update: Document = {"$set": {**fields, "pendingSince": _wall_micros()}}
        push: Document = {}
        if events:
            push["pendingOutbox"] = {"$each": [event_document(e) for e in events]}
        if audit is not None:
            push["pendingAudit"] = {"$each": [audit]}
        if push:
            update["$push"] = push
        result = self._versions().update_one(
            {"name": name, "version": version, "seq": expected_seq}, update, session=session
        )
        if result.matched_count != 1:
            raise Contention

    def _apply(
        self,
        name: str,
        change: Transition,
        expected_seq: int,
        now: datetime,
        session: Session,
        *,
        audit: AuditEntry | None = None,
    ) -> int:
        """Apply one planned transition (plus its status event); returns the new seq."""
        seq = self._next_seq(session)
        stamp = to_micros(now)
        fields: Document = {
            "status": change.status,
            "statusMessage": change.status_message,
            "isLatest": change.is_latest,
            "seq": seq,
            "updatedAt": stamp,
        }
        events: list[OutboxEvent] = []
        if change.status_changed:
            fields["statusChangedAt"] = stamp
            events.append(
                effects.status_changed_event(
                    name, change.version, status=change.status, seq=seq, now=now
                )
            )
        embedded = (
            audit_document(audit, entry_id=uuid.uuid4().hex, order=seq)
            if audit is not None
            else None
        )
        self._cas(
            name, change.version, expected_seq, fields, session, events=events, audit=embedded
        )
        return seq

    def _settle_latest(self, name: str, now: datetime, session: Session) -> list[Transition]:
        """Step 3: fix ``isLatest`` of ``name`` until nothing is left to fix.

        Returns the transitions this call applied. Losing a race (CAS mismatch, or the one-latest
        index refusing a promotion) means re-reading; in a transaction it restarts the
        transaction instead, as the aborted transaction cannot continue.
        """
        applied: list[Transition] = []
        for attempt in range(MAX_ATTEMPTS):
            states = self._states(name, session)
            changes = reconcile_latest(states)
            if not changes:
                return applied
            seqs = {s.version: s.seq for s in states}
            try:
                for change in changes:
                    self._apply(name, change, seqs[change.version], now, session)
                    applied.append(change)
            except (Contention, DuplicateKeyError):
                if session is not None:
                    raise Contention from None
                backoff(attempt)
        raise StorageError(f"could not settle the latest version of {name!r} under contention")

    def _flush(self, name: str, versions: Iterable[str], session: Session) -> None:
        """Step 4: move embedded events and audit entries to their collections (idempotent)."""
        wanted = list(dict.fromkeys(versions))
        docs = self._versions().find(
            {"name": name, "version": {"$in": wanted}, "pendingSince": {"$exists": True}},
            projection=PENDING_FIELDS,
            session=session,
        )
        db = self._db()
        for doc in docs:
            flush_pending(db, self._versions(), doc, session)

    def _repair(self) -> None:
        """Finish standalone writes interrupted for longer than ``repair_after``."""
        cutoff = _wall_micros() - self._repair_after_us
        stuck = self._conn.call(
            lambda: list(
                self._versions().find(
                    {"pendingSince": {"$lt": cutoff}},
                    projection={"_id": 0, "name": 1, "version": 1},
                    limit=_REPAIR_BATCH,
                )
            )
        )
        by_name: dict[str, list[str]] = {}
        for doc in stuck:
            by_name.setdefault(doc["name"], []).append(doc["version"])
        for name, versions in by_name.items():

            def finish(session: Session, name: str = name, versions: list[str] = versions) -> None:
                self._finish(name, versions, utcnow(), session)

            self._conn.write(finish)

    # -- lifecycle ------------------------------------------------------------------------

    def init(self) -> None:
        """Create indexes (collections appear with them) and the seq counter; idempotent.

        Also repairs writes a crash left unfinished (standalone mode).
        """

        def create() -> None:
            db = self._db()
            for spec in INDEXES:
                db[spec.collection].create_index(spec.keys, name=spec.name, **spec.options)
            db[COUNTERS].update_one(
                {"_id": SEQ_COUNTER}, {"$setOnInsert": {"value": 0}}, upsert=True
            )

        self._conn.call(create)
        self._repair()

    def close(self) -> None:
        """Close the client this store created (a given client stays open); unusable after."""
        self._conn.close()

    # -- writes ---------------------------------------------------------------------------

    def publish(
        self,
        new: NewVersion,
        *,
        actor: Actor,
        now: datetime,
        max_versions: int = MAX_VERSIONS_PER_NAME,
    ) -> ServerRecord:
        """See :meth:`ServerStore.publish` and the module docstring for atomicity."""
        check_identity(new.name, new.version, new.server)
        # Without a cross-document lock this is a check before the write: two names racing
        # for one remote URL could both pass it (documented on the port).
        for url in sorted(remote_urls(new.server)):
            owners = [owner for owner in self.names_using_remote(url) if owner != new.name]
            if owners:
                raise Conflict(f"remote URL {url} is already used by server {owners[0]}")
        stamp = to_micros(now)
        # Versions this publish changed, over all attempts: an attempt that lost a race may
        # already have changed some (standalone), and they must be flushed all the same.
        touched: set[str] = set()

        def attempt(session: Session) -> ServerRecord:
            states = self._states(new.name, session)
            if any(s.version == new.version for s in states):
                raise Conflict(f"{new.name} version {new.version} already exists")
            if len(states) >= max_versions:
                raise BadRequest(
                    f"{new.name} already has {len(states)} versions (at most {max_versions})"
                )
            plan = plan_publish(states, new, now=now)
            seqs = {s.version: s.seq for s in states}
            try:
                for change in plan.transitions:
                    self._apply(new.name, change, seqs[change.version], now, session)
                    touched.add(change.version)
            except DuplicateKeyError:
                # Promoting a record another writer made latest meanwhile: nothing of ours is
                # inserted yet, so re-plan from fresh state.
                raise Contention from None
            seq = self._next_seq(session)
            event = effects.published_event(
                new.name,
                new.version,
                seq=seq,
                is_latest=plan.new_is_latest,
                previous_latest=plan.previous_latest,
                now=now,
            )
            audit = effects.publish_audit(
                new.name, new.version, is_latest=plan.new_is_latest, actor=actor, now=now
            )
            doc = new_version_document(new, now_micros=stamp, is_latest=plan.new_is_latest, seq=seq)
            doc["pendingOutbox"] = [event_document(event)]
            doc["pendingAudit"] = [audit_document(audit, entry_id=uuid.uuid4().hex, order=seq)]
            doc["pendingSince"] = _wall_micros()
            try:
                self._versions().insert_one(doc, session=session)
            except DuplicateKeyError:
                if session is not None or self._record(new.name, new.version, session) is None:
                    # In a transaction: it is aborted, and re-running it re-reads. Standalone:
                    # the one-latest index refused us because another publish made a version
                    # latest since our read; nothing of ours was inserted. Re-plan either way.
                    raise Contention from None
                raise Conflict(f"{new.name} version {new.version} already exists") from None
            touched.add(new.version)
            settled = self._settle_latest(new.name, now, session)
            touched.update(c.version for c in settled)
            self._correct_published_event(new, event, plan.previous_latest, settled, session)
            self._flush(new.name, touched, session)
            record = self._record(new.name, new.version, session)
            if record is None:  # pragma: no cover - inserted above and never deleted
                raise StorageError(f"{new.name} {new.version} vanished after insert")
            return record

        try:
            return self._conn.write(attempt)
        except RegistryError:
            if touched and not self._conn.uses_transactions():
                # A racing publish of the same version won after an earlier attempt of ours
                # had already moved latest: settle and flush what we changed, then report.
                self._conn.write(lambda session: self._finish(new.name, touched, now, session))
            raise

    def _finish(self, name: str, touched: Iterable[str], now: datetime, session: Session) -> None:
        """Steps 3 and 4 for ``name``: settle latest, flush ``touched`` and what settling moved."""
        moved = [c.version for c in self._settle_latest(name, now, session)]
        self._flush(name, [*touched, *moved], session)

    def _correct_published_event(
        self,
        new: NewVersion,
        event: OutboxEvent,
        planned_previous: str | None,
        settled: Sequence[Transition],
        session: Session,
    ) -> None:
        """Make the published event match the record after step 3 (concurrent publishes of the
        same name can change the planned outcome). A no-op when nothing raced."""
        record = self._record(new.name, new.version, session)
        if record is None:  # pragma: no cover - never deleted
            return
        lost = [c.version for c in settled if not c.is_latest]
        previous = (lost[0] if lost else planned_previous) if record.is_latest else None
        payload = effects.published_payload(
            new.name,
            new.version,
            seq=record.seq,
            is_latest=record.is_latest,
            previous_latest=previous,
        )
        if payload == event.payload:
            return
        result = self._versions().update_one(
            {"name": new.name, "version": new.version, "pendingOutbox.id": event.id},
            {"$set": {"pendingOutbox.$.payload": payload, "pendingOutbox.$.order": record.seq}},
            session=session,
        )
        if result.matched_count == 0:
            # Already flushed by a repair: correct it in the outbox while still unsent.
            self._db()[OUTBOX].update_one(
                {"_id": event.id, "sentAt": None},
                {"$set": {"payload": payload, "order": record.seq}},
                session=session,
            )

    def set_status(
        self,
        name: str,
        version: str | None,
        status: Status,
        message: str | None,
        *,
        actor: Actor,
        now: datetime,
    ) -> list[ServerRecord]:
        """See :meth:`ServerStore.set_status` and the module docstring for atomicity."""

        def attempt(session: Session) -> list[ServerRecord]:
            audit_done = False
            touched: list[str] = []
            for retry in range(MAX_ATTEMPTS):
                states = self._states(name, session)
                plan = plan_status(states, version, status, message)
                if plan is None:
                    what = f"{name} version {version}" if version is not None else name
                    raise NotFound(f"{what} not found")
                seqs = {s.version: s.seq for s in states}
                changed = [c.version for c in plan.transitions if c.status_changed]
                try:
                    for change in plan.transitions:
                        audit = None
                        if change.status_changed and not audit_done:
                            audit = effects.status_audit(
                                name, version, status, message, changed, actor=actor, now=now
                            )
                        self._apply(name, change, seqs[change.version], now, session, audit=audit)
                        audit_done = audit_done or audit is not None
                        touched.append(change.version)
                except (Contention, DuplicateKeyError):
                    if session is not None:
                        raise Contention from None
                    backoff(retry)
                    continue
                break
            else:
                raise StorageError(f"gave up changing the status of {name!r} under contention")
            if not audit_done:
                # Nothing changed: the audit entry is the write's only effect.
                entry = effects.status_audit(
                    name, version, status, message, [], actor=actor, now=now
                )
                order = self._current_seq(session)
                doc = audit_document(entry, entry_id=uuid.uuid4().hex, order=order)
                self._db()[AUDIT].insert_one(
                    {"_id": doc["id"], **audit_log_document(doc)}, session=session
                )
            touched.extend(c.version for c in self._settle_latest(name, now, session))
            self._flush(name, touched, session)
            wanted = set(plan.addressed)
            return [r for r in self._records_of(name, session) if r.version in wanted]

        return self._conn.write(attempt)

    def replace_server(
        self,
        name: str,
        version: str,
        server: dict[str, Any],
        *,
        actor: Actor,
        now: datetime,
    ) -> ServerRecord:
        """See :meth:`ServerStore.replace_server` and the module docstring for atomicity."""
        check_identity(name, version, server)

        def attempt(session: Session) -> ServerRecord:
            for retry in range(MAX_ATTEMPTS):
                current = self._record(name, version, session)
                if current is None:
                    raise NotFound(f"{name} version {version} not found")
                seq = self._next_seq(session)
                fields: Document = {
                    "serverJson": dump_server(server),
                    **derived_fields_of(server),
                    "updatedAt": to_micros(now),
                    "seq": seq,
                }
                entry = effects.edit_audit(name, version, actor=actor, now=now)
                try:
                    self._cas(
                        name,
                        version,
                        current.seq,
                        fields,
                        session,
                        events=[effects.updated_event(name, version, seq=seq, now=now)],
                        audit=audit_document(entry, entry_id=uuid.uuid4().hex, order=seq),
                    )
                except Contention:
                    if session is not None:
                        raise
                    backoff(retry)
                    continue
                break
            else:
                raise StorageError(f"gave up editing {name!r} {version!r} under contention")
            self._flush(name, [version], session)
            record = self._record(name, version, session)
            if record is None:  # pragma: no cover - never deleted
                raise StorageError(f"{name} {version} vanished after update")
            return record

        return self._conn.write(attempt)

    # -- reads ----------------------------------------------------------------------------

    def _records_of(self, name: str, session: Session) -> list[ServerRecord]:
        docs = self._versions().find(
            {"name": name},
            projection=RECORD_FIELDS,
            sort=[("publishedAt", 1), ("version", 1)],
            session=session,
        )
        return [record_of(doc) for doc in docs]

    def _current_seq(self, session: Session) -> int:
        """The greatest seq handed out, read within ``session`` (None: outside any)."""
        doc = self._db()[COUNTERS].find_one({"_id": SEQ_COUNTER}, session=session)
        return int(doc["value"]) if doc is not None else 0

    def get_version(self, name: str, version: str) -> ServerRecord | None:
        """See :meth:`ServerStore.get_version`."""
        return self._conn.call(lambda: self._record(name, version, None))

    def get_latest(self, name: str) -> ServerRecord | None:
        """See :meth:`ServerStore.get_latest`."""

        def read() -> ServerRecord | None:
            doc = self._versions().find_one(
                {"name": name, "isLatest": True}, projection=RECORD_FIELDS
            )
            return record_of(doc) if doc is not None else None

        return self._conn.call(read)

    def list_versions(self, name: str) -> list[ServerRecord]:
        """See :meth:`ServerStore.list_versions`."""
        return self._conn.call(lambda: self._records_of(name, None))

    def list_servers(self, query: ListQuery) -> ListPage:
        """See :meth:`ServerStore.list_servers`; filter and index use in ``mongo_documents``."""
        if query.limit < 1:
            raise BadRequest(f"limit must be at least 1, got {query.limit}")
        built = list_filter(query)
        if built is None:
            return ListPage(items=[], has_more=False)
        spec, hint = built

        def read() -> list[ServerRecord]:
            options: dict[str, Any] = {"hint": hint} if hint is not None else {}
            docs = self._versions().find(
                spec,
                projection=RECORD_FIELDS,
                sort=[("name", 1), ("version", 1)],
                limit=query.limit + 1,
                **options,
            )
            return [record_of(doc) for doc in docs]

        records = self._conn.call(read)
        return ListPage(items=records[: query.limit], has_more=len(records) > query.limit)

    def change_seq(self) -> int:
        """See :meth:`ServerStore.change_seq`."""
        return self._conn.call(lambda: self._current_seq(None))

    def changed_since(self, seq: int, limit: int) -> list[ServerRecord] | None:
        """See :meth:`ServerStore.changed_since`: concurrent writers may commit out of
        ``seq`` order, so the window reaches ``CHANGE_VISIBILITY_SLACK`` below ``seq``."""
        since = max(0, seq - CHANGE_VISIBILITY_SLACK)

        def read() -> list[ServerRecord] | None:
            docs = list(
                self._versions().find(
                    {"seq": {"$gt": since}},
                    projection=RECORD_FIELDS,
                    sort=[("seq", 1)],
                    limit=limit + 1,
                )
            )
            if len(docs) > limit:
                return None
            return [record_of(doc) for doc in docs]

        return self._conn.call(read)

    def last_updated_at(self) -> datetime | None:
        """See :meth:`ServerStore.last_updated_at` (the ``updated_at`` index, descending)."""

        def read() -> datetime | None:
            doc = self._versions().find_one(
                {}, projection={"_id": 0, "updatedAt": 1}, sort=[("updatedAt", -1)]
            )
            if doc is None:
                return None
            return from_micros(doc["updatedAt"])

        return self._conn.call(read)

    def count_versions(self, name: str) -> int:
        """See :meth:`ServerStore.count_versions`."""
        return self._conn.call(lambda: self._versions().count_documents({"name": name}))

    def names_using_remote(self, url: str) -> list[str]:
        """See :meth:`ServerStore.names_using_remote`; served by the ``remoteUrls`` index."""

        def read() -> list[str]:
            docs = self._versions().find(
                {"remoteUrls": url, "status": {"$ne": "deleted"}},
                projection={"_id": 0, "name": 1},
            )
            return sorted({d["name"] for d in docs})

        return self._conn.call(read)

    # -- outbox ---------------------------------------------------------------------------

    def pending_events(self, limit: int = 100) -> list[OutboxEvent]:
        """See :meth:`ServerStore.pending_events`; ordered by the seq each event describes.

        Repairs interrupted standalone writes first, so their events are not stranded.
        """
        self._repair()

        def read() -> list[OutboxEvent]:
            docs = self._db()[OUTBOX].find(
                {"sentAt": None}, sort=[("order", 1), ("createdAt", 1)], limit=limit
            )
            return [event_of(doc) for doc in docs]

        return self._conn.call(read)

    def mark_events_sent(self, ids: Sequence[str], *, now: datetime) -> None:
        """See :meth:`ServerStore.mark_events_sent`; events already sent keep their time."""
        unique = list(dict.fromkeys(ids))
        stamp = to_micros(now)

        def mark() -> None:
            for start in range(0, len(unique), _MARK_SENT_CHUNK):
                chunk = unique[start : start + _MARK_SENT_CHUNK]
                self._db()[OUTBOX].update_many(
                    {"_id": {"$in": chunk}, "sentAt": None}, {"$set": {"sentAt": stamp}}
                )

        self._conn.call(mark)

    # -- audit ----------------------------------------------------------------------------

    def audit_log(self, *, target: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """See :meth:`ServerStore.audit_log`; newest first by the seq of the write."""

        def read() -> list[dict[str, Any]]:
            spec: Document = {"target": target} if target is not None else {}
            docs = self._db()[AUDIT].find(spec, sort=[("order", -1), ("at", -1)], limit=limit)
            return [effects.audit_view(audit_of(doc)) for doc in docs]

        return self._conn.call(read)
