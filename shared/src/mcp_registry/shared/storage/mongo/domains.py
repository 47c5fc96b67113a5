""":class:`DomainStore` on a :class:`MongoDatabase`.

It writes through the database's client (created lazily per process) and write runner, into
the shared ``outbox`` and ``audit_log`` collections, so the relay delivers ``domain.*`` events.

Atomicity follows ``servers``'s scheme: a change embeds its outbox events and audit entry in
the *same single-document write* (``pendingOutbox``/``pendingAudit``, stamped
``pendingSince``), then copies them into their collections (idempotent upserts by id) and
removes them from the document. With transactions (replica set) all of it is one
transaction; standalone, a crash between the steps leaves the embedded entries, which
:meth:`MongoDomainStore.repair` (run by ``init`` and by the re-verification worker) flushes.
Domain events and audit entries take the server change sequence's *current* value as their
``order`` (without bumping it: a verification changes nothing a reader of servers sees), so
they sort after the server writes that preceded them.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.errors import StorageError
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.domain_errors import DomainTaken, StaleRecord
from mcp_registry.shared.storage.domain_records import (
    DOMAIN_STATES,
    DomainRecord,
    DomainState,
    Owner,
)
from mcp_registry.shared.storage.mongo.connection import Session
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.documents import (
    Document,
    audit_document,
    event_document,
)
from mcp_registry.shared.storage.mongo.indexes import ensure_indexes, missing_indexes
from mcp_registry.shared.storage.mongo.pending import PENDING_FIELDS, flush_pending
from mcp_registry.shared.storage.mongo.schema import DOMAIN_INDEXES, DOMAINS, ONE_VERIFIED_INDEX
from mcp_registry.shared.storage.records import AuditEntry
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

__all__ = ["DOMAINS", "ONE_VERIFIED_INDEX", "MongoDomainStore"]

_STATE: dict[str, DomainState] = {s: s for s in DOMAIN_STATES}
_TIMES = (
    "created_at",
    "updated_at",
    "token_expires_at",
    "verified_at",
    "last_checked_at",
    "next_check_at",
    "failing_since",
    "revoked_at",
)
_PROJECTION = {"pendingOutbox": 0, "pendingAudit": 0, "pendingSince": 0}
_REPAIR_AFTER_US = 60_000_000


def _document(record: DomainRecord, revision: int) -> Document:
    doc: Document = {
        "domain": record.domain,
        "owner": record.owner.key,
        "authMethod": record.owner.auth_method,
        "authMethodSub": record.owner.auth_method_sub,
        "token": record.token,
        "state": record.state,
        "consecutiveFailures": record.consecutive_failures,
        "lastFailure": record.last_failure,
        "revokedBy": record.revoked_by,
        "revision": revision,
    }
    for name in _TIMES:
        value: datetime | None = getattr(record, name)
        doc[_camel(name)] = to_micros(value) if value is not None else None
    return doc


def _record_of(doc: Mapping[str, Any]) -> DomainRecord:
    times = {
        name: from_micros(doc[_camel(name)]) if doc.get(_camel(name)) is not None else None
        for name in _TIMES
    }
    return DomainRecord(
        domain=doc["domain"],
        owner=Owner(doc["authMethod"], doc["authMethodSub"]),
        token=doc["token"],
        state=_STATE[doc["state"]],
        consecutive_failures=int(doc["consecutiveFailures"]),
        last_failure=doc.get("lastFailure"),
        revoked_by=doc.get("revokedBy"),
        revision=int(doc["revision"]),
        **times,  # type: ignore[arg-type]
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _id(domain: str, owner: Owner) -> str:
    # A space cannot occur in a domain name, so the id is unambiguous.
    return f"{domain} {owner.key}"


class MongoDomainStore:
    """:class:`~mcp_registry.shared.storage.domain_port.DomainStore` on ``database``."""

    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    def _domains(self) -> Collection[Document]:
        return self.database.db()[DOMAINS]

    def init(self) -> None:
        """What ``mcp-registry db init`` does: create or migrate the indexes (idempotent),
        then flush writes a crash left unfinished."""
        self.database.call(
            lambda: ensure_indexes(self.database.db(), DOMAIN_INDEXES),
            timeout=self.database.timeouts.write * 30,
        )
        self.repair()

    def check_schema(self) -> None:
        """Read-only start check: StorageError when ``mcp-registry db init`` has not run."""
        missing = self.database.call(lambda: missing_indexes(self.database.db(), DOMAIN_INDEXES))
        if missing:
            raise StorageError(
                f"MongoDB lacks indexes ({', '.join(missing)}): run `mcp-registry db init` first"
            )

    def _find(
        self, spec: Document, *, sort: list[tuple[str, int]], limit: int = 0
    ) -> list[DomainRecord]:
        def read() -> list[DomainRecord]:
            docs = self.database.reader(DOMAINS).find(
                spec,
                projection=_PROJECTION,
                sort=sort,
                limit=limit,
                session=self.database.read_session(),
            )
            return [_record_of(doc) for doc in docs]

        return self.database.call(read)

    def get(self, domain: str, owner: Owner) -> DomainRecord | None:
        """See :meth:`DomainStore.get` (index: _id)."""
        found = self._find({"_id": _id(domain, owner)}, sort=[("_id", 1)])
        return found[0] if found else None

    def verified(self, domain: str) -> DomainRecord | None:
        """See :meth:`DomainStore.verified` (index: one_verified_per_domain)."""
        found = self._find({"domain": domain, "state": "verified"}, sort=[("_id", 1)])
        return found[0] if found else None

    def for_owner(self, owner: Owner) -> list[DomainRecord]:
        """See :meth:`DomainStore.for_owner` (index: owner_domain)."""
        return self._find({"owner": owner.key}, sort=[("domain", 1)])

    def for_domain(self, domain: str) -> list[DomainRecord]:
        """See :meth:`DomainStore.for_domain` (index: domain_owner)."""
        return self._find({"domain": domain}, sort=[("owner", 1)])

    def list_all(self, *, state: DomainState | None = None, limit: int = 100) -> list[DomainRecord]:
        """See :meth:`DomainStore.list_all` (index: domain_owner, or state_domain_owner)."""
        spec: Document = {"state": state} if state is not None else {}
        return self._find(spec, sort=[("domain", 1), ("owner", 1)], limit=limit)

    def due(self, now: datetime, *, limit: int = 100) -> list[DomainRecord]:
        """See :meth:`DomainStore.due` (the partial ``due`` index)."""
        spec = {"state": "verified", "nextCheckAt": {"$lte": to_micros(now)}}
        return self._find(spec, sort=[("nextCheckAt", 1)], limit=limit)

    def save(
        self,
        record: DomainRecord,
        *,
        expected_revision: int | None,
        events: Sequence[OutboxEvent] = (),
        audit: AuditEntry | None = None,
    ) -> DomainRecord:
        """See :meth:`DomainStore.save` and the module doc for atomicity."""
        revision = 1 if expected_revision is None else expected_revision + 1
        doc_id = _id(record.domain, record.owner)
        fields = _document(record, revision)

        def attempt(session: Session) -> None:
            order = self.database.current_seq(session)
            pending: Document = {
                "pendingOutbox": [{**event_document(e), "order": order} for e in events],
                "pendingAudit": (
                    [audit_document(audit, entry_id=uuid.uuid4().hex, order=order)]
                    if audit is not None
                    else []
                ),
                "pendingSince": to_micros(utcnow()),
            }
            domains = self._domains()
            try:
                if expected_revision is None:
                    domains.insert_one({"_id": doc_id, **fields, **pending}, session=session)
                else:
                    result = domains.update_one(
                        {"_id": doc_id, "revision": expected_revision},
                        {
                            "$set": {**fields, "pendingSince": pending["pendingSince"]},
                            "$push": {
                                "pendingOutbox": {"$each": pending["pendingOutbox"]},
                                "pendingAudit": {"$each": pending["pendingAudit"]},
                            },
                        },
                        session=session,
                    )
                    if result.matched_count != 1:
                        raise StaleRecord(f"the verification of {record.domain} changed meanwhile")
            except DuplicateKeyError:
                # Not every server (nor mongomock) names the index in the error. An update
                # cannot collide on _id, and an insert collides on it only when the document
                # exists (read outside the possibly aborted transaction).
                if expected_revision is None and domains.find_one({"_id": doc_id}) is not None:
                    raise StaleRecord(
                        f"the verification of {record.domain} exists already"
                    ) from None
                raise DomainTaken(f"{record.domain} is verified by another identity") from None
            self._flush(doc_id, session)

        self.database.write(attempt)
        return dataclasses.replace(record, revision=revision)

    def repair(self) -> None:
        """Flush embedded events and audit entries of writes interrupted over a minute ago."""
        cutoff = to_micros(utcnow()) - _REPAIR_AFTER_US

        def stuck() -> list[str]:
            # Index: pending (partial, pendingSince).
            docs = self._domains().find({"pendingSince": {"$lt": cutoff}}, projection={"_id": 1})
            return [str(doc["_id"]) for doc in docs]

        for doc_id in self.database.call(stuck):

            def finish(session: Session, doc_id: str = doc_id) -> None:
                self._flush(doc_id, session)

            self.database.write(finish)

    def _flush(self, doc_id: str, session: Session) -> None:
        """Move one document's embedded events and audit entries to their collections."""
        doc = self._domains().find_one(
            {"_id": doc_id, "pendingSince": {"$exists": True}},
            projection=PENDING_FIELDS,
            session=session,
        )
        if doc is None:
            return
        flush_pending(self.database.db(), self._domains(), doc, session)
