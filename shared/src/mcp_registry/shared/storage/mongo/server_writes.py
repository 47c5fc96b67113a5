"""The server store's writes: publish, status changes and edits (see ``servers``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from mcp_registry.shared.errors import BadRequest, Conflict, NotFound, RegistryError, StorageError
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage import effects
from mcp_registry.shared.storage.mongo.connection import MAX_ATTEMPTS, Contention, Session, backoff
from mcp_registry.shared.storage.mongo.documents import (
    Document,
    audit_document,
    audit_log_document,
    derived_fields_of,
    dump_server,
    event_document,
    new_version_document,
)
from mcp_registry.shared.storage.mongo.remote_claims import claim_remote_urls
from mcp_registry.shared.storage.mongo.schema import AUDIT
from mcp_registry.shared.storage.mongo.version_steps import VersionSteps, wall_micros
from mcp_registry.shared.storage.planning import check_identity, plan_publish, plan_status
from mcp_registry.shared.storage.port import MAX_VERSIONS_PER_NAME
from mcp_registry.shared.storage.records import Actor, NewVersion, ServerRecord, Status
from mcp_registry.shared.storage.remote_urls import remote_urls
from mcp_registry.shared.storage.timestamps import to_micros

MAX_VERSIONS_PER_STATUS_CHANGE = 1_000
"""Versions one status change may change: all of them are one transaction, which must stay far
below the server's transaction lifetime limit (60 s by default)."""


class ServerWrites(VersionSteps):
    """publish / set_status / replace_server on the version collection."""

    def _names_using_remote(self, url: str, session: Session) -> list[str]:
        collection, session = self._source(session)
        # Index: remote_urls (multikey).
        docs = collection.find(
            {"remoteUrls": url, "status": {"$ne": "deleted"}},
            projection={"_id": 0, "name": 1},
            session=session,
        )
        return sorted({d["name"] for d in docs})

    def publish(
        self,
        new: NewVersion,
        *,
        actor: Actor,
        now: datetime,
        max_versions: int = MAX_VERSIONS_PER_NAME,
    ) -> ServerRecord:
        """See :meth:`ServerStore.publish` and the ``servers`` docstring for atomicity.

        Idempotent under an unknown commit result: when the driver could not tell whether a
        commit landed, finding this very ``serverJson`` stored under the name and version
        (a re-run of the transaction, or the read after the deadline) is this publish's
        success, so it lands once or is reported failed (503). A separate, later publish of
        an existing version is still a Conflict.
        """
        check_identity(new.name, new.version, new.server)
        stamp = to_micros(now)
        stored = dump_server(new.server)
        # Versions this publish changed, over all attempts: an attempt that lost a race may
        # already have changed some (standalone), and they must be flushed all the same.
        touched: set[str] = set()
        committing = [False]

        def ours(session: Session) -> ServerRecord | None:
            record = self._record(new.name, new.version, session)
            if record is not None and dump_server(record.server) == stored:
                return record
            return None

        def attempt(session: Session) -> ServerRecord:
            states = self._states(new.name, session)
            if any(s.version == new.version for s in states):
                mine = ours(session) if committing[0] else None
                if mine is not None:
                    return mine
                raise Conflict(f"{new.name} version {new.version} already exists")
            if len(states) >= max_versions:
                raise BadRequest(
                    f"{new.name} already has {len(states)} versions (at most {max_versions})"
                )
            claim_remote_urls(
                self._db(),
                new.name,
                remote_urls(new.server),
                session,
                users_of=self._names_using_remote,
                now_us=wall_micros(),
                fresh_for_us=self._repair_after_us,
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
            seq = self.database.next_seq(session)
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
            doc["pendingSince"] = wall_micros()
            try:
                # Index: name_version (unique) and one_latest_per_name (partial unique).
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
            committing[0] = True
            return record

        try:
            return self.database.write(attempt, landed=lambda: ours(None))
        except RegistryError:
            if touched and not self.database.uses_transactions():
                # A racing publish of the same version won after an earlier attempt of ours
                # had already moved latest: settle and flush what we changed, then report.
                self.database.write(lambda session: self._finish(new.name, touched, now, session))
            raise

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
        """See :meth:`ServerStore.set_status` and the ``servers`` docstring for atomicity.

        A change of more than :data:`MAX_VERSIONS_PER_STATUS_CHANGE` versions at once is
        refused (400) before anything is written: one transaction that large could outlive
        the server's transaction limit.
        """

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
                if len(changed) > MAX_VERSIONS_PER_STATUS_CHANGE:
                    raise BadRequest(
                        f"changing the status of {len(changed)} versions of {name} at once "
                        f"exceeds {MAX_VERSIONS_PER_STATUS_CHANGE}; change them in smaller "
                        "steps, one version at a time"
                    )
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
                order = self.database.current_seq(session)
                doc = audit_document(entry, entry_id=uuid.uuid4().hex, order=order)
                self._db()[AUDIT].insert_one(
                    {"_id": doc["id"], **audit_log_document(doc)}, session=session
                )
            touched.extend(c.version for c in self._settle_latest(name, now, session))
            self._flush(name, touched, session)
            wanted = set(plan.addressed)
            return [r for r in self._records_of(name, session) if r.version in wanted]

        return self.database.write(attempt)

    def replace_server(
        self,
        name: str,
        version: str,
        server: dict[str, Any],
        *,
        actor: Actor,
        now: datetime,
    ) -> ServerRecord:
        """See :meth:`ServerStore.replace_server` and the ``servers`` docstring for atomicity."""
        check_identity(name, version, server)

        def attempt(session: Session) -> ServerRecord:
            for retry in range(MAX_ATTEMPTS):
                current = self._record(name, version, session)
                if current is None:
                    raise NotFound(f"{name} version {version} not found")
                seq = self.database.next_seq(session)
                fields: Document = {
                    "serverJson": dump_server(server),
                    **derived_fields_of(server),
                    "updatedAt": to_micros(now),
                    "seq": seq,
                }
                entry = effects.edit_audit(name, version, actor=actor, now=now)
                events: list[OutboxEvent] = [effects.updated_event(name, version, seq=seq, now=now)]
                try:
                    self._cas(
                        name,
                        version,
                        current.seq,
                        fields,
                        session,
                        events=events,
                        audit=audit_document(entry, entry_id=uuid.uuid4().hex, order=seq),
                    )
                except (Contention, DuplicateKeyError):
                    # DuplicateKeyError: another transaction took this seq (unique index).
                    if session is not None:
                        raise Contention from None
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

        return self.database.write(attempt)
