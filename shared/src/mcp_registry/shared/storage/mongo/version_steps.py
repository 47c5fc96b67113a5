"""Steps 2 to 4 of every server-store write (see ``servers``): compare-and-set updates carrying
their events, settling ``isLatest``, flushing embedded events, and the standalone repair."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.errors import StorageError
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage import effects
from mcp_registry.shared.storage.mongo.connection import MAX_ATTEMPTS, Contention, Session, backoff
from mcp_registry.shared.storage.mongo.documents import (
    Document,
    audit_document,
    event_document,
)
from mcp_registry.shared.storage.mongo.pending import PENDING_FIELDS, flush_pending
from mcp_registry.shared.storage.mongo.schema import OUTBOX
from mcp_registry.shared.storage.mongo.versions import VersionCollection
from mcp_registry.shared.storage.planning import Transition, reconcile_latest
from mcp_registry.shared.storage.records import AuditEntry, NewVersion
from mcp_registry.shared.storage.timestamps import to_micros

_REPAIR_BATCH = 100


def wall_micros() -> int:
    """Wall-clock now, for ``pendingSince`` marks."""
    return to_micros(utcnow())


class VersionSteps(VersionCollection):
    """The single-document steps writes are made of; ``_repair_after_us`` is set by the store."""

    _repair_after_us: int

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
        update: Document = {"$set": {**fields, "pendingSince": wall_micros()}}
        push: Document = {}
        if events:
            push["pendingOutbox"] = {"$each": [event_document(e) for e in events]}
        if audit is not None:
            push["pendingAudit"] = {"$each": [audit]}
        if push:
            update["$push"] = push
        # Index: name_version.
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
        seq = self.database.next_seq(session)
        stamp = to_micros(now)
        fields: Document = {
            "status": change.status,
            "statusMessage": change.status_message,
            "isLatest": change.is_latest,
            "seq": seq,
            "updatedAt": stamp,
        }
        events: list[OutboxEvent] = []
        if change.status_moved:
            fields["statusChangedAt"] = stamp
        if change.status_changed:
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
        # Index: name_version.
        docs = self._versions().find(
            {"name": name, "version": {"$in": wanted}, "pendingSince": {"$exists": True}},
            projection=PENDING_FIELDS,
            session=session,
        )
        db = self._db()
        for doc in docs:
            flush_pending(db, self._versions(), doc, session)

    def _finish(self, name: str, touched: Iterable[str], now: datetime, session: Session) -> None:
        """Steps 3 and 4 for ``name``: settle latest, flush ``touched`` and what settling moved."""
        moved = [c.version for c in self._settle_latest(name, now, session)]
        self._flush(name, [*touched, *moved], session)

    def _repair(self) -> None:
        """Finish standalone writes interrupted for longer than ``repair_after``."""
        cutoff = wall_micros() - self._repair_after_us
        stuck = self.database.call(
            lambda: list(
                # Index: pending (partial, pendingSince).
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

            self.database.write(finish)

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
